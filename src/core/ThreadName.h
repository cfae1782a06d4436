// Names the calling thread as `top`, `perf` and /proc show it, so a profile says which of the
// gateway's threads (io-0, store-0, ledger-writer, ...) spent the time. Linux keeps 15 characters.
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace sluice::core {

inline void name_this_thread(std::string_view name) {
  const std::string shortened(name.substr(0, 15));
  pthread_setname_np(pthread_self(), shortened.c_str());
}

}  // namespace sluice::core
