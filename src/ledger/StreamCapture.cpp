#include "ledger/StreamCapture.h"

namespace sluice::ledger {

void StreamCapture::add(std::string_view event) {
  if (kept_.size() < max_events_) {
    kept_.emplace_back(event);
  } else {
    ++omitted_;
  }
}

}  // namespace sluice::ledger
