// A route's `compatibility` block (§12.2): per-provider wire quirks. The Bedrock part carries the
// most rules, because api_style decides which wire API the route speaks and so which capability
// flags can be true for it.
#include "config/SectionReaders.h"

#include "config/YamlJson.h"

#include <algorithm>
#include <cmath>

namespace sluice::config {

namespace {

// ---------------------------------------------------------------------------------------------
// openai_compat

OpenAICompatCompatibility read_openai_compat_block(const ConfigNode& node) {
  OpenAICompatCompatibility compat;
  if (!node.expect_map()) return compat;
  node.check_keys({"supports_store", "max_tokens_field", "developer_role", "reasoning_effort",
                   "supports_stream_usage", "empty_tools"},
                  UnknownKeys::kWarn);
  read_into(node.child("supports_store"), compat.supports_store);
  read_enum(node.child("max_tokens_field"), compat.max_tokens_field);
  read_enum(node.child("developer_role"), compat.developer_role);
  read_enum(node.child("reasoning_effort"), compat.reasoning_effort);
  read_into(node.child("supports_stream_usage"), compat.supports_stream_usage);
  read_enum(node.child("empty_tools"), compat.empty_tools);
  return compat;
}

// ---------------------------------------------------------------------------------------------
// openrouter.provider: validated field by field, then carried as the JSON object OpenRouter reads

// `parent.<key>`: a list of provider slugs, added to `out` unless empty (an empty list is unset).
bool read_slugs(const ConfigNode& parent, std::string_view key, boost::json::object& out,
                std::vector<std::string>& slugs) {
  const ConfigNode node = parent.child(key);
  if (!read_into(node, slugs)) return false;
  const auto items = node.items();
  boost::json::array array;
  for (std::size_t i = 0; i < slugs.size(); ++i) {
    slugs[i] = trimmed(slugs[i]);
    if (slugs[i].empty()) {
      items[i].error("provider slug cannot be empty");
      return false;
    }
    array.emplace_back(slugs[i]);
  }
  if (array.empty()) return false;
  out[key] = std::move(array);
  return true;
}

// A positive (`positive`) or non-negative finite number.
std::optional<double> read_limit(const ConfigNode& node, bool positive) {
  double value = 0;
  if (!read_into(node, value)) return std::nullopt;
  const bool ok = std::isfinite(value) && (positive ? value > 0 : value >= 0);
  if (!ok) {
    node.error(positive ? "must be a positive number" : "must be a non-negative finite number");
    return std::nullopt;
  }
  return value;
}

// `{a: n, b: n, ...}` with at least one of `keys` set; returns the object or nullopt.
std::optional<boost::json::object> read_limits(const ConfigNode& node,
                                               std::initializer_list<std::string_view> keys,
                                               bool positive) {
  node.check_keys(keys, UnknownKeys::kWarn);
  boost::json::object limits;
  bool ok = true;
  for (const std::string_view key : keys) {
    const ConfigNode limit = node.child(key);
    if (!limit.present()) continue;
    const auto value = read_limit(limit, positive);
    ok = ok && value.has_value();
    if (value) limits[key] = *value;
  }
  if (ok && limits.empty()) {
    node.error(fmt::format("{} must set at least one of its fields", node.path()));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return limits;
}

void read_preferred_max_latency(const ConfigNode& node, boost::json::object& out) {
  if (!node.present()) return;
  if (node.yaml().IsMap()) {
    if (auto limits = read_limits(node, {"p50", "p75", "p90", "p99"}, true)) {
      out["preferred_max_latency"] = std::move(*limits);
    }
  } else if (const auto seconds = read_limit(node, true)) {
    out["preferred_max_latency"] = *seconds;
  }
}

std::optional<boost::json::object> read_openrouter_provider(const ConfigNode& node,
                                                            const RouteContext& route) {
  if (!node.expect_map()) return std::nullopt;
  const ProviderConfig* provider = route.provider;
  if (provider != nullptr && !(provider->openai_compat && provider->openai_compat->is_openrouter)) {
    node.error(fmt::format("model `{}` route: compatibility.openrouter.provider is only allowed on "
                           "openai_compat providers whose base_url host is openrouter.ai (provider "
                           "`{}` is not)",
                           route.model_id, provider->id));
    return std::nullopt;
  }
  node.check_keys({"zdr", "only", "ignore", "order", "preferred_max_latency", "max_price"},
                  UnknownKeys::kWarn);
  boost::json::object body;
  bool zdr = false;
  if (read_into(node.child("zdr"), zdr)) body["zdr"] = zdr;
  std::vector<std::string> only;
  std::vector<std::string> ignore;
  std::vector<std::string> order;
  read_slugs(node, "only", body, only);
  read_slugs(node, "ignore", body, ignore);
  read_slugs(node, "order", body, order);
  for (const std::string& slug : only) {
    if (std::find(ignore.begin(), ignore.end(), slug) != ignore.end()) {
      node.child("ignore").error(fmt::format("compatibility.openrouter.provider only and ignore "
                                             "must not overlap (`{}` is in both)",
                                             slug));
    }
  }
  read_preferred_max_latency(node.child("preferred_max_latency"), body);
  const ConfigNode max_price = node.child("max_price");
  if (max_price.expect_map()) {
    if (auto prices = read_limits(max_price, {"prompt", "completion", "request", "image"}, false)) {
      body["max_price"] = std::move(*prices);
    }
  }
  if (body.empty()) {
    node.error("compatibility.openrouter.provider must set at least one field");
    return std::nullopt;
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// aws_bedrock

BedrockEndpointKind endpoint_kind_for(BedrockApiStyle style) {
  switch (style) {
    case BedrockApiStyle::kRuntimeConverse:
    case BedrockApiStyle::kRuntimeAnthropicInvoke:
    case BedrockApiStyle::kRuntimeOpenAIChat: return BedrockEndpointKind::kRuntime;
    case BedrockApiStyle::kMantleOpenAIResponses:
    case BedrockApiStyle::kMantleOpenAIChat:
    case BedrockApiStyle::kMantleAnthropicMessages: return BedrockEndpointKind::kMantle;
  }
  return BedrockEndpointKind::kRuntime;
}

// The styles that speak OpenAI's wire API under a base path such as /openai/v1.
bool is_openai_shaped(BedrockApiStyle style) {
  return style == BedrockApiStyle::kRuntimeOpenAIChat ||
         style == BedrockApiStyle::kMantleOpenAIResponses ||
         style == BedrockApiStyle::kMantleOpenAIChat;
}

struct BedrockRoute {
  const RouteContext& route;
  std::string subject;  // "model `M` route for aws_bedrock provider `P`"
};

// Reports a capability flag whose value is `forbidden_value` for this api_style: at the flag when it
// is written, else at the capabilities block with a hint that flags default to true.
void check_capability(const BedrockRoute& bedrock, std::string_view flag, bool value,
                      bool forbidden_value, std::string_view why) {
  if (value != forbidden_value) return;
  const ConfigNode written = bedrock.route.capabilities_node.child(flag);
  const std::string hint =
      written.present() ? "" : fmt::format(" (capability flags default to true; set {}: false)", flag);
  (written.present() ? written : bedrock.route.capabilities_node)
      .error(fmt::format("{}: capabilities.{}: {} {}{}", bedrock.subject, flag,
                         forbidden_value ? "true" : "false", why, hint));
}

// The reference's cross-checks, with two deliberate relaxations (Sluice goes beyond, see
// docs/configuration.md): `runtime_converse` may serve /v1/responses (translated to Converse), and
// `runtime_anthropic_invoke` may stream (InvokeModelWithResponseStream). Both were startup errors
// in the reference, so no configuration it accepts changes meaning.
void check_bedrock_capabilities(const BedrockRoute& bedrock, BedrockApiStyle style) {
  const Capabilities& caps = bedrock.route.capabilities;
  const bool responses_style = style == BedrockApiStyle::kMantleOpenAIResponses;
  if (!responses_style) {
    if (style != BedrockApiStyle::kRuntimeConverse) {
      check_capability(bedrock, "responses", caps.responses, true,
                       "requires api_style mantle_openai_responses or runtime_converse");
    }
    check_capability(bedrock, "json_schema", caps.json_schema, true,
                     "requires api_style mantle_openai_responses");
  } else {
    check_capability(bedrock, "chat_completions", caps.chat_completions, true,
                     "is not allowed with api_style mantle_openai_responses");
  }
}

void check_openai_base_path(const ConfigNode& node, const BedrockRoute& bedrock,
                            AwsBedrockCompatibility& compat) {
  const ConfigNode base_path = node.child("openai_base_path");
  read_into(base_path, compat.openai_base_path);
  const std::string_view style = to_string(compat.api_style);
  const bool blank = !compat.openai_base_path || trimmed(*compat.openai_base_path).empty();
  if (is_openai_shaped(compat.api_style) && blank) {
    base_path.error(fmt::format("{} uses api_style {}, which requires a non-blank "
                                "compatibility.aws_bedrock.openai_base_path (e.g. /openai/v1)",
                                bedrock.subject, style));
  } else if (!is_openai_shaped(compat.api_style) && base_path.present()) {
    base_path.error(fmt::format("{} uses api_style {}, which does not take openai_base_path",
                                bedrock.subject, style));
  }
}

std::optional<AwsBedrockCompatibility> read_bedrock_block(const ConfigNode& node,
                                                          const RouteContext& route) {
  const ProviderConfig* provider = route.provider;
  if (provider == nullptr) return std::nullopt;  // unknown provider: already reported
  if (!provider->aws_bedrock) {
    if (node.present()) {
      node.warning(fmt::format("compatibility.aws_bedrock is ignored: provider `{}` is {}, not "
                               "aws_bedrock",
                               provider->id, to_string(provider->type)));
    }
    return std::nullopt;
  }
  const BedrockRoute bedrock{route, fmt::format("model `{}` route for aws_bedrock provider `{}`",
                                                route.model_id, provider->id)};
  if (node.present() && !node.expect_map()) return std::nullopt;
  const ConfigNode style_node = node.child("api_style");
  if (!style_node.present()) {
    style_node.error(fmt::format("{} requires compatibility.aws_bedrock.api_style", bedrock.subject));
    return std::nullopt;
  }
  node.check_keys({"api_style", "openai_base_path", "supports_strict_tools"}, UnknownKeys::kWarn);
  AwsBedrockCompatibility compat;
  if (!read_enum(style_node, compat.api_style)) return std::nullopt;
  const std::string_view style = to_string(compat.api_style);
  const BedrockEndpointKind kind = provider->aws_bedrock->endpoint_kind;
  if (endpoint_kind_for(compat.api_style) != kind) {
    style_node.error(fmt::format("{} uses api_style {} incompatible with endpoint_kind {}",
                                 bedrock.subject, style, to_string(kind)));
  }
  check_openai_base_path(node, bedrock, compat);
  const ConfigNode strict_tools = node.child("supports_strict_tools");
  if (read_into(strict_tools, compat.supports_strict_tools) &&
      compat.api_style != BedrockApiStyle::kRuntimeConverse) {
    strict_tools.error(fmt::format("{}: supports_strict_tools is only allowed with api_style "
                                   "runtime_converse, not {}",
                                   bedrock.subject, style));
  }
  check_bedrock_capabilities(bedrock, compat.api_style);
  return compat;
}

// ---------------------------------------------------------------------------------------------
// github_copilot: kept as a JSON object (Copilot is optional for Sluice), but every field checked

std::optional<boost::json::object> read_copilot_block(const ConfigNode& node,
                                                      const RouteContext& route) {
  if (!node.expect_map()) return std::nullopt;
  if (route.provider != nullptr && route.provider->type != ProviderType::kGithubCopilot) {
    node.error(fmt::format("model `{}` route: compatibility.github_copilot is only allowed on "
                           "github_copilot providers (provider `{}` is {})",
                           route.model_id, route.provider->id, to_string(route.provider->type)));
    return std::nullopt;
  }
  node.check_keys({"chat_api", "supports_responses", "supports_embeddings", "upstream_supports"},
                  UnknownKeys::kWarn);
  boost::json::object block;
  const ConfigNode chat_api = node.child("chat_api");
  std::string api;
  if (read_into(chat_api, api)) {
    if (api == "chat_completions" || api == "anthropic_messages") {
      block["chat_api"] = api;
    } else {
      chat_api.error(fmt::format("unknown value \"{}\"; expected one of chat_completions, "
                                 "anthropic_messages",
                                 api));
    }
  }
  const auto flag = [](const ConfigNode& parent, std::string_view key, boost::json::object& into) {
    bool value = false;
    read_into(parent.child(key), value);  // the reference's default for every flag is false
    into[key] = value;
  };
  flag(node, "supports_responses", block);
  flag(node, "supports_embeddings", block);
  boost::json::object upstream;
  const ConfigNode upstream_node = node.child("upstream_supports");
  if (upstream_node.present() && upstream_node.expect_map()) {
    upstream_node.check_keys({"streaming", "tool_calls", "vision", "structured_outputs"},
                             UnknownKeys::kWarn);
  }
  for (const std::string_view key : {"streaming", "tool_calls", "vision", "structured_outputs"}) {
    flag(upstream_node, key, upstream);
  }
  block["upstream_supports"] = std::move(upstream);
  return block;
}

}  // namespace

RouteCompatibility read_route_compatibility(const ConfigNode& node, const RouteContext& route) {
  RouteCompatibility compat;
  const bool bedrock_provider = route.provider != nullptr && route.provider->aws_bedrock;
  if (node.expect_map()) {
    node.check_keys({"openai_compat", "openrouter", "aws_bedrock", "github_copilot"},
                    UnknownKeys::kWarn);
    const ConfigNode openai = node.child("openai_compat");
    if (openai.present()) compat.openai_compat = read_openai_compat_block(openai);
    const ConfigNode openrouter = node.child("openrouter");
    if (openrouter.expect_map()) {
      openrouter.check_keys({"provider"}, UnknownKeys::kWarn);
      const ConfigNode provider = openrouter.child("provider");
      if (provider.present()) compat.openrouter_provider = read_openrouter_provider(provider, route);
    }
    const ConfigNode copilot = node.child("github_copilot");
    if (copilot.present()) compat.github_copilot = read_copilot_block(copilot, route);
  }
  // Required on every route of a Bedrock provider, so read even when `compatibility` is absent.
  if (bedrock_provider || node.child("aws_bedrock").present()) {
    compat.aws_bedrock = read_bedrock_block(node.child("aws_bedrock"), route);
  }
  return compat;
}

}  // namespace sluice::config
