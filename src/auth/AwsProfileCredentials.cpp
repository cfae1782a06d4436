#include "auth/AwsProfileCredentials.h"

#include "auth/AwsContainerCredentials.h"
#include "auth/AwsCredentialProcess.h"
#include "auth/AwsEnvironmentCredentials.h"
#include "auth/AwsInstanceMetadataCredentials.h"
#include "auth/AwsStsClient.h"
#include "auth/AwsWebIdentityCredentials.h"

#include <fmt/format.h>

#include <charconv>

namespace sluice::auth {

namespace {

// Role chains deeper than this are a configuration mistake, not a real setup.
constexpr std::size_t kMaxRoleChain = 8;

std::optional<int> integer_value(const AwsProfile& profile, std::string_view key) {
  auto text = profile_value(profile, key);
  if (!text) return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

}  // namespace

AwsProfileCredentials::AwsProfileCredentials(AwsCredentialContext context) : context_(std::move(context)) {}

boost::asio::awaitable<Expected<AwsCredentials>> AwsProfileCredentials::load() {
  const AwsProfileFiles files = AwsProfileFiles::load(context_);
  co_return co_await resolve(files, aws_profile_name(context_), {});
}

boost::asio::awaitable<Expected<AwsCredentials>> AwsProfileCredentials::resolve(
    const AwsProfileFiles& files, std::string profile, std::set<std::string> visited) {
  const std::optional<AwsProfile> merged = files.merged(profile);
  if (!merged) {
    co_return credentials_unavailable(fmt::format(
        "profile `{}` not found in {} or {}{}", profile, files.credentials_path, files.config_path,
        files.credentials_read || files.config_read ? "" : " (neither file can be read)"));
  }

  if (auto role_arn = profile_value(*merged, "role_arn")) {
    if (auto token_file = profile_value(*merged, "web_identity_token_file")) {
      AwsWebIdentitySettings settings{std::move(*token_file), *role_arn,
                                      profile_value(*merged, "role_session_name"),
                                      integer_value(*merged, "duration_seconds")};
      auto credentials = co_await assume_role_with_web_identity_file(context_, std::move(settings), &*merged);
      if (!credentials) {
        co_return credentials_unavailable(
            fmt::format("profile `{}`: {}", profile, credentials.error().message));
      }
      credentials->source = fmt::format("sts-assume-role-with-web-identity:profile {}", profile);
      co_return credentials;
    }

    std::optional<Expected<AwsCredentials>> source;
    if (auto source_profile = profile_value(*merged, "source_profile")) {
      if (*source_profile == profile) {
        source = static_keys(files, profile);  // a profile may be its own source: its static keys
      } else if (visited.contains(*source_profile) || visited.size() >= kMaxRoleChain) {
        co_return credentials_unavailable(fmt::format(
            "profile `{}`: source_profile `{}` forms a cycle (or too long a chain)", profile, *source_profile));
      } else {
        visited.insert(profile);
        source = co_await resolve(files, *source_profile, visited);
      }
    } else if (auto named_source = profile_value(*merged, "credential_source")) {
      source = co_await credential_source(*named_source, profile);
    } else {
      co_return credentials_unavailable(fmt::format(
          "profile `{}` has role_arn but no source_profile, credential_source or web_identity_token_file",
          profile));
    }
    if (!source->ok()) {
      co_return credentials_unavailable(fmt::format(
          "profile `{}`: no source credentials for role_arn: {}", profile, source->error().message));
    }
    if (context_.http == nullptr) {
      co_return credentials_unavailable("role_arn needs an HTTP client for STS (gateway bug)");
    }
    const std::string region = sts_region(context_, &*merged);
    AwsStsClient sts(*context_.http, sts_endpoint(context_, region), region, context_.sts_deadlines,
                     context_.now);
    AwsAssumeRoleParameters parameters{
        *role_arn,
        profile_value(*merged, "role_session_name").value_or(generated_role_session_name(context_.now())),
        integer_value(*merged, "duration_seconds"), profile_value(*merged, "external_id")};
    auto credentials = co_await sts.assume_role(parameters, source->value());
    if (!credentials) {
      co_return credentials_unavailable(fmt::format("profile `{}`: {}", profile, credentials.error().message));
    }
    credentials->source = fmt::format("sts-assume-role:profile {}", profile);
    co_return credentials;
  }

  if (profile_value(*merged, "aws_access_key_id")) co_return static_keys(files, profile);

  if (auto command = profile_value(*merged, "credential_process")) {
    auto credentials = co_await credentials_from_process(
        std::move(*command), context_.process_timeout, fmt::format("credential-process:profile {}", profile));
    if (!credentials) {
      co_return credentials_unavailable(fmt::format("profile `{}`: {}", profile, credentials.error().message));
    }
    co_return credentials;
  }

  if (profile_value(*merged, "sso_session") || profile_value(*merged, "sso_start_url")) {
    co_return credentials_unavailable(fmt::format(
        "profile `{}` uses IAM Identity Center (SSO), which the gateway does not support", profile));
  }
  co_return credentials_unavailable(fmt::format(
      "profile `{}` has no aws_access_key_id, credential_process or role_arn", profile));
}

boost::asio::awaitable<Expected<AwsCredentials>> AwsProfileCredentials::credential_source(
    const std::string& source, const std::string& profile) {
  if (source == "Environment") co_return AwsEnvironmentCredentials(context_).load_now();
  if (source == "EcsContainer") co_return co_await AwsContainerCredentials(context_).load();
  if (source == "Ec2InstanceMetadata") co_return co_await AwsInstanceMetadataCredentials(context_).load();
  co_return credentials_unavailable(fmt::format(
      "profile `{}`: credential_source `{}` is not one of Environment, EcsContainer, Ec2InstanceMetadata",
      profile, source));
}

Expected<AwsCredentials> AwsProfileCredentials::static_keys(const AwsProfileFiles& files,
                                                            const std::string& profile) const {
  // The credentials file first; a pair is taken whole from one file, never half from each.
  const struct {
    const AwsProfileFile& file;
    const std::string& path;
    std::string_view label;
  } candidates[] = {{files.credentials, files.credentials_path, "shared-credentials-file"},
                    {files.config, files.config_path, "shared-config-file"}};
  for (const auto& candidate : candidates) {
    const AwsProfile* found = candidate.file.find(profile);
    if (!found) continue;
    auto access_key = profile_value(*found, "aws_access_key_id");
    if (!access_key) continue;
    auto secret_key = profile_value(*found, "aws_secret_access_key");
    if (!secret_key) {
      return credentials_unavailable(fmt::format(
          "profile `{}` in {} has aws_access_key_id but no aws_secret_access_key", profile, candidate.path));
    }
    AwsCredentials credentials;
    credentials.access_key_id = config::Secret(std::move(*access_key));
    credentials.secret_access_key = config::Secret(std::move(*secret_key));
    if (auto token = profile_value(*found, "aws_session_token")) {
      credentials.session_token = config::Secret(std::move(*token));
    }
    credentials.source = fmt::format("{}:profile {}", candidate.label, profile);
    return credentials;
  }
  return credentials_unavailable(fmt::format("profile `{}` has no aws_access_key_id", profile));
}

}  // namespace sluice::auth
