// AwsCredentialSource: one place AWS credentials can come from, and what every such place may see.
//
// The default chain (AwsCredentialChain) asks its sources in the AWS SDKs' order — environment,
// shared config files, web identity, container, instance metadata — and the first that yields
// credentials wins. A source that yields nothing says why in a GatewayError (502 `upstream_error` /
// `upstream_credentials`) whose message names variables, files and profiles, never a secret, so
// the chain can list every source's reason in one message that is safe to log and to show.
//
// load() runs on the credentials thread (AwsCredentialCache), never on a gateway I/O thread: the
// sources read files and run processes there without stalling requests, and their HTTP calls (STS,
// container endpoint, instance metadata) go through that thread's own UpstreamClient. Everything a
// source consults from the outside world — environment, clock, HTTP client — arrives in an
// AwsCredentialContext, so tests never touch the real process environment or wait real minutes.
#pragma once

#include "auth/AwsCredentials.h"
#include "core/Expected.h"
#include "core/GatewayError.h"
#include "upstream/UpstreamDeadlines.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::upstream {
class UpstreamClient;
}

namespace sluice::auth {

// Same shape as config::EnvironmentLookup: the gateway passes the process environment, tests a map.
using AwsEnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;
using AwsClock = std::function<std::chrono::system_clock::time_point()>;

// The process environment, read when asked (not copied): the gateway's default.
AwsEnvironmentLookup aws_process_environment();

struct AwsCredentialContext {
  AwsEnvironmentLookup env;
  AwsClock now = [] { return std::chrono::system_clock::now(); };
  // The credentials thread's client; sources that need HTTP refuse to load without one.
  upstream::UpstreamClient* http = nullptr;
  // The provider's region: where STS is called when neither the environment nor the profile says.
  std::string region;
  // How long credential_process may run before it is killed (the SDKs do not bound it; a hung
  // helper must not hang every request behind it).
  std::chrono::milliseconds process_timeout{30'000};
  // STS answers from the public internet; 10 s connect, 30 s in all is generous.
  upstream::UpstreamDeadlines sts_deadlines{std::chrono::milliseconds(10'000),
                                            std::chrono::milliseconds(30'000),
                                            std::chrono::milliseconds(30'000)};
  // The container endpoint is link-local: a few seconds is plenty (the SDKs use 5 s).
  upstream::UpstreamDeadlines container_deadlines{std::chrono::milliseconds(2'000),
                                                  std::chrono::milliseconds(5'000),
                                                  std::chrono::milliseconds(5'000)};

  // A variable's value, or nullopt when it is unset *or empty* (the SDKs treat both alike).
  std::optional<std::string> variable(std::string_view name) const;
  // The home directory for `~`: HOME, else USERPROFILE (as the SDKs look it up).
  std::optional<std::string> home() const;
};

class AwsCredentialSource {
 public:
  virtual ~AwsCredentialSource();

  // A short stable name for logs and the chain's error: "environment", "shared files", ...
  virtual std::string_view name() const = 0;

  // Credentials, or why this source has none (see credentials_unavailable()). Runs on the
  // credentials thread; may be called again later to refresh.
  virtual boost::asio::awaitable<Expected<AwsCredentials>> load() = 0;
};

// The whole of a small file (a web identity or container authorization token), or nullopt when it
// cannot be read. Blocking: credentials thread only.
std::optional<std::string> read_credential_file(const std::string& path);

// 502 upstream_error / upstream_credentials: no credentials could be obtained, so the upstream
// cannot be called. `message` must never carry a secret (token, key, credential_process output).
GatewayError credentials_unavailable(std::string message);

}  // namespace sluice::auth
