// ConfigReload: replaces the running configuration with the file's current contents, if valid.
//
// The file is parsed and validated exactly as at start-up. A valid file becomes a new GatewayState
// that ActiveState hands to new requests (in-flight ones finish on the old one; upstream connection
// pools belong to the I/O threads, not to the state, so connections to unchanged origins are kept).
// An invalid file changes nothing: the gateway keeps serving the old configuration and every error
// is logged. Listener settings (`server.*`) and `database` are read only at start; a change to them
// is reported as needing a restart. Reloads are serialised.
#pragma once

#include "api/ActiveState.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::api {

struct ReloadOutcome {
  bool applied = false;
  std::vector<std::string> errors;    // why the file was refused ("path (line:col): message")
  std::vector<std::string> warnings;  // the file's warnings, and settings that need a restart
};

class ConfigReloader {
 public:
  // `on_applied` runs after each successful swap with the new state (e.g. to start credential
  // prefetches); `on_outcome` after every attempt (metrics).
  ConfigReloader(std::string path, std::shared_ptr<ActiveState> active,
                 std::function<void(const std::shared_ptr<const GatewayState>&)> on_applied = {},
                 std::function<void(const ReloadOutcome&)> on_outcome = {});

  ReloadOutcome reload();

 private:
  std::string path_;
  std::shared_ptr<ActiveState> active_;
  std::function<void(const std::shared_ptr<const GatewayState>&)> on_applied_;
  std::function<void(const ReloadOutcome&)> on_outcome_;
  std::mutex mutex_;
};

}  // namespace sluice::api
