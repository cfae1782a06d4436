#include "auth/AwsCredentialSource.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sluice::auth {

AwsEnvironmentLookup aws_process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::optional<std::string> AwsCredentialContext::variable(std::string_view name) const {
  if (!env) return std::nullopt;
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::optional<std::string> AwsCredentialContext::home() const {
  if (auto home = variable("HOME")) return home;
  return variable("USERPROFILE");
}

std::optional<std::string> read_credential_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

AwsCredentialSource::~AwsCredentialSource() = default;

GatewayError credentials_unavailable(std::string message) {
  return {502, "upstream_error", "upstream_credentials", std::nullopt, std::move(message)};
}

}  // namespace sluice::auth
