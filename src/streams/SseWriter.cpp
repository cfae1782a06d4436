#include "streams/SseWriter.h"

namespace sluice::streams {

void append_sse_event(std::string& out, std::string_view name, std::string_view data) {
  if (!name.empty()) {
    out.append("event: ").append(name).push_back('\n');
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = data.find('\n', start);
    out.append("data: ").append(data.substr(start, newline - start)).push_back('\n');
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  out.push_back('\n');
}

}  // namespace sluice::streams
