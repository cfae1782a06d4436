#include "auth/AwsCredentialChain.h"

#include "auth/AwsContainerCredentials.h"
#include "auth/AwsEnvironmentCredentials.h"
#include "auth/AwsInstanceMetadataCredentials.h"
#include "auth/AwsProfileCredentials.h"
#include "auth/AwsWebIdentityCredentials.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sluice::auth {

AwsCredentialChain::AwsCredentialChain(std::vector<std::unique_ptr<AwsCredentialSource>> sources)
    : sources_(std::move(sources)) {}

std::unique_ptr<AwsCredentialChain> AwsCredentialChain::default_chain(const AwsCredentialContext& context) {
  std::vector<std::unique_ptr<AwsCredentialSource>> sources;
  sources.push_back(std::make_unique<AwsEnvironmentCredentials>(context));
  sources.push_back(std::make_unique<AwsProfileCredentials>(context));
  sources.push_back(std::make_unique<AwsWebIdentityCredentials>(context));
  sources.push_back(std::make_unique<AwsContainerCredentials>(context));
  sources.push_back(std::make_unique<AwsInstanceMetadataCredentials>(context));
  return std::make_unique<AwsCredentialChain>(std::move(sources));
}

boost::asio::awaitable<Expected<AwsCredentials>> AwsCredentialChain::load() {
  std::string reasons;
  for (const auto& source : sources_) {
    auto credentials = co_await source->load();
    if (credentials) {
      if (settled_on_ != source->name()) {
        settled_on_ = std::string(source->name());
        spdlog::info("AWS credentials: the default chain settled on `{}` ({})", settled_on_,
                     credentials->source);
      }
      co_return credentials;
    }
    if (!reasons.empty()) reasons += "; ";
    reasons += fmt::format("{}: {}", source->name(), credentials.error().message);
  }
  if (sources_.empty()) reasons = "the chain has no sources";
  co_return credentials_unavailable(fmt::format("no AWS credentials: {}", reasons));
}

std::shared_ptr<AwsCredentialCache> make_default_chain(std::string region, AwsEnvironmentLookup env,
                                                       AwsCredentialCacheOptions options) {
  AwsCredentialContext context;
  context.env = std::move(env);
  context.now = options.now;
  context.region = std::move(region);
  return AwsCredentialCache::create(
      [context](upstream::UpstreamClient& http) mutable -> std::unique_ptr<AwsCredentialSource> {
        context.http = &http;
        return AwsCredentialChain::default_chain(context);
      },
      std::move(options));
}

}  // namespace sluice::auth
