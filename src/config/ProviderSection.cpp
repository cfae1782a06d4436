// `providers[]` (§10): where requests go upstream and how they authenticate. Each provider type has
// its own reader; the keys every type shares (id, headers, timeouts, display) are read once.
#include "config/SectionReaders.h"

#include <algorithm>
#include <array>
#include <set>

namespace sluice::config {

namespace {

constexpr std::string_view kCopilotApiUrl = "https://api.githubcopilot.com";
constexpr std::string_view kGithubApiUrl = "https://api.github.com";
// Copilot wants an editor identity; these are what a current VS Code sends (Sluice's choice, the
// reference only says "non-empty defaults").
constexpr std::string_view kCopilotEditorVersion = "vscode/1.99.0";
constexpr std::string_view kCopilotIntegrationId = "vscode-chat";

constexpr std::array<std::string_view, 5> kPricingProviderIds = {
    "openai", "openrouter", "google-vertex", "google-vertex-anthropic", "amazon-bedrock"};

// Who a provider's messages are about: "aws_bedrock provider `bedrock-mantle`".
std::string describe(const ProviderConfig& provider) {
  return fmt::format("{} provider `{}`", to_string(provider.type), provider.id);
}

void read_pricing_provider_id(const ConfigNode& node, std::string_view subject, bool required,
                              std::string& out) {
  std::string id;
  if (!node.present()) {
    if (required) node.error(fmt::format("{} pricing_provider_id cannot be empty", subject));
    return;
  }
  if (!read_into(node, id)) return;
  if (trimmed(id).empty()) {
    node.error(fmt::format("{} pricing_provider_id cannot be empty", subject));
  } else if (std::find(kPricingProviderIds.begin(), kPricingProviderIds.end(), id) ==
             kPricingProviderIds.end()) {
    node.error(fmt::format("{} pricing_provider_id `{}` is not supported; use one of openai, "
                           "openrouter, google-vertex, google-vertex-anthropic, amazon-bedrock",
                           subject, id));
  } else {
    out = id;
  }
}

// A required URL key; returns its parts when it is an allowed absolute URL with a host.
std::optional<UriParts> read_url(const ConfigNode& node, std::string_view subject,
                                 UrlSchemes schemes, std::string& out) {
  if (!node.present()) {
    node.error(fmt::format("{} cannot be empty", subject));
    return std::nullopt;
  }
  std::string url;
  if (!read_into(node, url)) return std::nullopt;
  auto parts = check_http_url(node, url, subject, schemes);
  if (parts) out = url;
  return parts;
}

void read_display(const ConfigNode& node, const ProviderConfig& provider, ProviderDisplay& display) {
  if (!node.expect_map()) return;
  node.check_keys({"label", "icon_key"}, UnknownKeys::kWarn);
  const ConfigNode label = node.child("label");
  std::string text;
  if (read_into(label, text)) {
    if (trimmed(text).empty()) {
      label.error(fmt::format("provider `{}` display.label cannot be empty", provider.id));
    } else {
      display.label = text;
    }
  }
  const ConfigNode icon = node.child("icon_key");
  if (read_into(icon, text)) {
    if (const auto key = enum_from_string<IconKey>(text)) {
      display.icon_key = key;
    } else {
      icon.error(fmt::format("display.icon_key `{}` is not supported; use one of openai, "
                             "openrouter, anthropic, aws, vertexai",
                             text));
    }
  }
}

void read_timeouts(const ConfigNode& node, ProviderConfig& provider) {
  if (!node.expect_map()) return;
  node.check_keys({"total_ms"}, UnknownKeys::kWarn);
  std::int64_t millis = 0;
  if (read_positive(node.child("total_ms"), millis)) provider.total_timeout = std::chrono::milliseconds(millis);
}

// ---------------------------------------------------------------------------------------------
// openai_compat

bool is_openrouter_host(std::string_view host) {
  const std::string lowered = normalize_key(host);
  return lowered == "openrouter.ai" || lowered.ends_with(".openrouter.ai");
}

void read_openai_auth(const ConfigNode& node, const ValueResolver& values, std::string_view subject,
                      OpenAICompatProvider& out) {
  if (!node.expect_map()) return;
  node.check_keys({"kind", "token"}, UnknownKeys::kWarn);
  const ConfigNode kind = node.child("kind");
  std::string kind_text;
  if (read_required(kind, kind_text) && kind_text != "bearer") {
    kind.error(fmt::format("{} auth.kind `{}` is not supported; use bearer", subject, kind_text));
    return;
  }
  out.bearer_token = read_required_secret(node.child("token"), values,
                                          fmt::format("{} auth.token", subject));
}

void read_openai_batch(const ConfigNode& node, std::string_view subject, OpenAICompatProvider& out) {
  if (!node.expect_map()) return;
  node.check_keys({"dialect", "base_url"}, UnknownKeys::kWarn);
  const ConfigNode dialect = node.child("dialect");
  std::string dialect_text;
  if (read_required(dialect, dialect_text)) {
    if (dialect_text == "open_ai" || dialect_text == "open_router") {
      out.batch_dialect = dialect_text;
    } else {
      dialect.error(fmt::format("unknown value \"{}\"; expected one of open_ai, open_router",
                                dialect_text));
    }
  }
  const ConfigNode base_url = node.child("base_url");
  if (base_url.present()) {
    std::string url;
    if (read_url(base_url, fmt::format("{} batch.base_url", subject), UrlSchemes::kHttpOrHttps, url)) {
      out.batch_base_url = url;
    }
  } else if (out.batch_dialect == "open_router") {
    base_url.error(fmt::format("{} batch.base_url is required when batch.dialect is open_router",
                               subject));
  }
}

OpenAICompatProvider read_openai_compat(const ConfigNode& node, const ValueResolver& values,
                                        const std::string& subject) {
  OpenAICompatProvider out;
  if (const auto url = read_url(node.child("base_url"), subject + " base_url",
                                UrlSchemes::kHttpOrHttps, out.base_url)) {
    out.is_openrouter = is_openrouter_host(url->host);
  }
  read_pricing_provider_id(node.child("pricing_provider_id"), subject, true, out.pricing_provider_id);
  read_openai_auth(node.child("auth"), values, subject, out);
  read_openai_batch(node.child("batch"), subject, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Google: Cloud Run and Vertex share the auth block

struct GcpAuth {
  GcpAuthMode mode = GcpAuthMode::kAdc;
  std::optional<std::string> credentials_path;
  std::optional<Secret> token;
};

GcpAuth read_gcp_auth(const ConfigNode& node, const ValueResolver& values, std::string_view subject,
                      UnknownKeys policy) {
  GcpAuth auth;
  if (!node.present()) {
    node.error(fmt::format("{} auth.mode is required", subject));
    return auth;
  }
  if (!node.expect_map()) return auth;
  if (!read_required_enum(node.child("mode"), auth.mode)) {
    node.check_keys({"mode", "credentials_path", "token"}, policy);
    return auth;
  }
  switch (auth.mode) {
    case GcpAuthMode::kAdc:
      node.check_keys({"mode"}, policy);
      break;
    case GcpAuthMode::kServiceAccount: {
      node.check_keys({"mode", "credentials_path"}, policy);
      const ConfigNode path = node.child("credentials_path");
      auth.credentials_path = values.text(path);
      if (!path.present() || (auth.credentials_path && trimmed(*auth.credentials_path).empty())) {
        path.error(fmt::format("{} auth.mode service_account requires a non-empty credentials_path",
                               subject));
      }
      break;
    }
    case GcpAuthMode::kBearer:
      node.check_keys({"mode", "token"}, policy);
      auth.token = read_required_secret(node.child("token"), values,
                                        fmt::format("{} auth.token", subject));
      break;
  }
  return auth;
}

GcpCloudRunProvider read_gcp_cloud_run(const ConfigNode& node, const ValueResolver& values,
                                       const std::string& subject) {
  GcpCloudRunProvider out;
  const auto url = read_url(node.child("base_url"), subject + " base_url", UrlSchemes::kHttpsOnly,
                            out.base_url);
  if (url) out.audience = url->origin + "/";
  const ConfigNode audience = node.child("audience");
  std::string audience_text;
  if (read_into(audience, audience_text)) {
    if (trimmed(audience_text).empty()) {
      audience.error(fmt::format("{} audience cannot be empty", subject));
    } else {
      out.audience = audience_text;
    }
  }
  read_pricing_provider_id(node.child("pricing_provider_id"), subject, true, out.pricing_provider_id);
  // The Cloud Run provider is strict in the reference, and so is its auth block.
  GcpAuth auth = read_gcp_auth(node.child("auth"), values, subject, UnknownKeys::kReject);
  out.auth_mode = auth.mode;
  out.credentials_path = std::move(auth.credentials_path);
  out.token = std::move(auth.token);
  const ConfigNode header = node.child("auth_header");
  std::string header_text;
  if (read_into(header, header_text)) {
    if (header_text == "x_serverless_authorization") {
      out.x_serverless_authorization = true;
    } else if (header_text != "authorization") {
      header.error(fmt::format("unknown value \"{}\"; expected one of authorization, "
                               "x_serverless_authorization",
                               header_text));
    }
  }
  return out;
}

void read_vertex_batch(const ConfigNode& node, std::string_view subject, GcpVertexProvider& out) {
  if (!node.expect_map()) return;
  node.check_keys({"dataset", "bigquery_project_id"}, UnknownKeys::kWarn);
  std::string dataset;
  if (read_non_empty(node.child("dataset"), dataset, fmt::format("{} batch.dataset", subject))) {
    out.batch_dataset = dataset;
  }
  const ConfigNode project = node.child("bigquery_project_id");
  std::string project_id;
  if (read_into(project, project_id)) {
    if (trimmed(project_id).empty()) {
      project.error(fmt::format("{} batch.bigquery_project_id cannot be empty", subject));
    } else {
      out.batch_bigquery_project_id = project_id;
    }
  }
}

GcpVertexProvider read_gcp_vertex(const ConfigNode& node, const ValueResolver& values,
                                  const std::string& subject) {
  GcpVertexProvider out;
  const ConfigNode project = node.child("project_id");
  if (!project.present()) {
    project.error(fmt::format("{} project_id cannot be empty", subject));
  } else if (auto id = values.text(project)) {
    if (trimmed(*id).empty()) project.error(fmt::format("{} project_id cannot be empty", subject));
    out.project_id = std::move(*id);
  }
  if (node.child("location").present()) {
    read_non_empty(node.child("location"), out.location, subject + " location");
  }
  if (node.child("api_host").present()) {
    read_non_empty(node.child("api_host"), out.api_host, subject + " api_host");
  }
  GcpAuth auth = read_gcp_auth(node.child("auth"), values, subject, UnknownKeys::kWarn);
  out.auth_mode = auth.mode;
  out.credentials_path = std::move(auth.credentials_path);
  out.token = std::move(auth.token);
  read_vertex_batch(node.child("batch"), subject, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// aws_bedrock

std::string default_bedrock_endpoint(BedrockEndpointKind kind, std::string_view region) {
  return kind == BedrockEndpointKind::kMantle
             ? fmt::format("https://bedrock-mantle.{}.api.aws", region)
             : fmt::format("https://bedrock-runtime.{}.amazonaws.com", region);
}

void read_bedrock_auth(const ConfigNode& node, const ValueResolver& values, std::string_view subject,
                       AwsBedrockProvider& out) {
  if (!node.expect_map()) return;  // absent: default_chain
  // Strict in the reference, per mode: a token next to `mode: default_chain` is a mistake.
  const ConfigNode mode = node.child("mode");
  if (mode.present() && !read_enum(mode, out.auth_mode)) return;
  const auto secret = [&](std::string_view key) {
    return read_required_secret(node.child(key), values, fmt::format("{} auth.{}", subject, key));
  };
  switch (out.auth_mode) {
    case AwsAuthMode::kDefaultChain:
      node.check_keys({"mode"}, UnknownKeys::kReject);
      break;
    case AwsAuthMode::kBearer:
      node.check_keys({"mode", "token"}, UnknownKeys::kReject);
      out.bearer_token = secret("token");
      break;
    case AwsAuthMode::kStaticCredentials:
      node.check_keys({"mode", "access_key_id", "secret_access_key", "session_token"},
                      UnknownKeys::kReject);
      out.access_key_id = secret("access_key_id");
      out.secret_access_key = secret("secret_access_key");
      if (node.child("session_token").present()) out.session_token = secret("session_token");
      break;
  }
}

AwsBedrockProvider read_aws_bedrock(const ConfigNode& node, const ValueResolver& values,
                                    const std::string& subject) {
  AwsBedrockProvider out;
  const bool has_region = read_non_empty(node.child("region"), out.region, subject + " region");
  const ConfigNode kind = node.child("endpoint_kind");
  if (!kind.present()) {
    kind.error(fmt::format("{} endpoint_kind is required (bedrock_runtime or bedrock_mantle)",
                           subject));
  }
  const bool has_kind = read_enum(kind, out.endpoint_kind);
  const ConfigNode endpoint = node.child("endpoint_url");
  if (endpoint.present()) {
    std::string url;
    if (read_url(endpoint, subject + " endpoint_url", UrlSchemes::kHttpOrHttps, url)) {
      while (url.ends_with('/')) url.pop_back();
      out.endpoint_url = url;
    }
  } else if (has_region && has_kind) {
    out.endpoint_url = default_bedrock_endpoint(out.endpoint_kind, out.region);
  }
  read_bedrock_auth(node.child("auth"), values, subject, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// github_copilot

void read_copilot_auth(const ConfigNode& node, const ValueResolver& values, std::string_view subject,
                       GithubCopilotProvider& out) {
  if (!node.present()) {
    node.error(fmt::format("{} auth.mode is required (github_app or bearer)", subject));
    return;
  }
  if (!node.expect_map()) return;
  const ConfigNode mode = node.child("mode");
  if (!read_required(mode, out.auth_mode)) return;
  if (out.auth_mode == "bearer") {
    node.check_keys({"mode", "token"}, UnknownKeys::kReject);
    out.token = read_required_secret(node.child("token"), values, fmt::format("{} auth.token", subject));
    return;
  }
  if (out.auth_mode != "github_app") {
    mode.error(fmt::format("unknown value \"{}\"; expected one of github_app, bearer", out.auth_mode));
    return;
  }
  node.check_keys({"mode", "app_id", "private_key", "installation_id", "repository_id"},
                  UnknownKeys::kReject);
  const auto positive_id = [&](std::string_view key, std::optional<std::uint64_t>& id) {
    const ConfigNode id_node = node.child(key);
    std::uint64_t value = 0;
    if (!id_node.present()) {
      id_node.missing();
    } else if (read_positive(id_node, value)) {
      id = value;
    }
  };
  positive_id("app_id", out.app_id);
  positive_id("installation_id", out.installation_id);
  positive_id("repository_id", out.repository_id);
  // A path, or the PEM itself through env./literal.: either way it is treated as a secret.
  const ConfigNode key = node.child("private_key");
  if (!key.present()) {
    key.missing();
  } else if (auto text = values.text(key)) {
    if (trimmed(*text).empty()) key.error(fmt::format("{} auth.private_key cannot be empty", subject));
    out.private_key = Secret(std::move(*text));
  }
}

GithubCopilotProvider read_github_copilot(const ConfigNode& node, const ValueResolver& values,
                                          const std::string& subject) {
  GithubCopilotProvider out;
  out.base_url = kCopilotApiUrl;
  out.github_api_url = kGithubApiUrl;
  out.editor_version = kCopilotEditorVersion;
  out.integration_id = kCopilotIntegrationId;
  if (node.child("base_url").present()) {
    read_url(node.child("base_url"), subject + " base_url", UrlSchemes::kHttpOrHttps, out.base_url);
  }
  if (node.child("github_api_url").present()) {
    read_url(node.child("github_api_url"), subject + " github_api_url", UrlSchemes::kHttpOrHttps,
             out.github_api_url);
  }
  std::string pricing;
  read_pricing_provider_id(node.child("pricing_provider_id"), subject, false, pricing);
  if (!pricing.empty()) out.pricing_provider_id = pricing;
  if (node.child("editor_version").present()) {
    read_non_empty(node.child("editor_version"), out.editor_version, subject + " editor_version");
  }
  if (node.child("integration_id").present()) {
    read_non_empty(node.child("integration_id"), out.integration_id, subject + " integration_id");
  }
  read_copilot_auth(node.child("auth"), values, subject, out);
  return out;
}

// ---------------------------------------------------------------------------------------------

std::vector<std::string_view> known_keys(ProviderType type) {
  std::vector<std::string_view> keys = {"id", "type", "default_headers", "timeouts", "display"};
  const auto add = [&](std::initializer_list<std::string_view> more) {
    keys.insert(keys.end(), more.begin(), more.end());
  };
  switch (type) {
    case ProviderType::kOpenAICompat: add({"base_url", "pricing_provider_id", "auth", "batch"}); break;
    case ProviderType::kGcpCloudRunOpenAICompat:
      add({"base_url", "audience", "pricing_provider_id", "auth", "auth_header"});
      break;
    case ProviderType::kGcpVertex: add({"project_id", "location", "api_host", "auth", "batch"}); break;
    case ProviderType::kAwsBedrock: add({"region", "endpoint_kind", "endpoint_url", "auth"}); break;
    case ProviderType::kGithubCopilot:
      add({"base_url", "github_api_url", "pricing_provider_id", "editor_version", "integration_id",
           "auth"});
      break;
  }
  return keys;
}

void read_type_specific(const ConfigNode& node, const ValueResolver& values,
                        ProviderConfig& provider) {
  const std::string subject = describe(provider);
  switch (provider.type) {
    case ProviderType::kOpenAICompat:
      provider.openai_compat = read_openai_compat(node, values, subject);
      break;
    case ProviderType::kGcpCloudRunOpenAICompat:
      provider.gcp_cloud_run = read_gcp_cloud_run(node, values, subject);
      break;
    case ProviderType::kGcpVertex:
      provider.gcp_vertex = read_gcp_vertex(node, values, subject);
      break;
    case ProviderType::kAwsBedrock:
      provider.aws_bedrock = read_aws_bedrock(node, values, subject);
      break;
    case ProviderType::kGithubCopilot:
      provider.github_copilot = read_github_copilot(node, values, subject);
      break;
  }
}

std::optional<ProviderConfig> read_provider(const ConfigNode& node, const ValueResolver& values,
                                            std::set<std::string>& seen_ids) {
  if (!node.expect_map()) {
    if (!node.present()) node.error("expected a provider mapping, got null");
    return std::nullopt;
  }
  ProviderConfig provider;
  const ConfigNode type = node.child("type");
  if (!type.present()) {
    type.error(fmt::format("required key `type` is missing; expected one of {}",
                           expected_values<ProviderType>()));
    return std::nullopt;
  }
  if (!read_enum(type, provider.type)) return std::nullopt;
  // The reference's Cloud Run provider is the one strict provider type.
  node.check_keys(known_keys(provider.type), provider.type == ProviderType::kGcpCloudRunOpenAICompat
                                                 ? UnknownKeys::kReject
                                                 : UnknownKeys::kWarn);
  const ConfigNode id = node.child("id");
  read_into(id, provider.id);
  if (trimmed(provider.id).empty()) {
    id.error(fmt::format("{} provider id cannot be empty", to_string(provider.type)));
  } else if (!seen_ids.insert(provider.id).second) {
    // The reference lets a later entry win; Sluice refuses, since one of them is a mistake.
    id.error(fmt::format("duplicate provider id `{}`", provider.id));
  }
  read_headers(node.child("default_headers"), provider.default_headers);
  read_timeouts(node.child("timeouts"), provider);
  read_display(node.child("display"), provider, provider.display);
  read_type_specific(node, values, provider);
  return provider;
}

}  // namespace

std::vector<ProviderConfig> read_providers(const ConfigNode& node, const ValueResolver& values) {
  std::vector<ProviderConfig> providers;
  std::set<std::string> seen_ids;
  for (const ConfigNode& item : node.items()) {
    if (auto provider = read_provider(item, values, seen_ids)) providers.push_back(std::move(*provider));
  }
  return providers;
}

}  // namespace sluice::config
