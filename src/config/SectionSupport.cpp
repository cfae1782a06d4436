// The checks several section readers share. See SectionReaders.h.
#include "config/SectionReaders.h"

#include <algorithm>

namespace sluice::config {

bool read_non_empty(const ConfigNode& node, std::string& out, std::string_view subject) {
  std::string text;
  if (!read_required(node, text)) return false;
  if (trimmed(text).empty()) {
    node.error(fmt::format("{} cannot be empty", subject));
    return false;
  }
  out = std::move(text);
  return true;
}

std::optional<Secret> read_required_secret(const ConfigNode& node, const ValueResolver& values,
                                           std::string_view subject) {
  if (!node.present()) {
    node.error(fmt::format("{} is required", subject));
    return std::nullopt;
  }
  auto secret = values.secret(node);
  if (secret && trimmed(secret->reveal()).empty()) {
    node.error(fmt::format("{} cannot be empty", subject));
    return std::nullopt;
  }
  return secret;
}

std::optional<UriParts> check_http_url(const ConfigNode& node, std::string_view text,
                                       std::string_view subject, UrlSchemes schemes) {
  if (trimmed(text).empty()) {
    node.error(fmt::format("{} cannot be empty", subject));
    return std::nullopt;
  }
  auto parts = parse_uri(text);
  if (!parts) {
    node.error(fmt::format("{} `{}` is not a valid URL", subject, text));
    return std::nullopt;
  }
  const bool scheme_ok = parts->scheme == "https" ||
                         (parts->scheme == "http" && schemes == UrlSchemes::kHttpOrHttps);
  if (!scheme_ok) {
    node.error(fmt::format("{} scheme `{}` is not supported; use {}", subject, parts->scheme,
                           schemes == UrlSchemes::kHttpsOnly ? "https" : "http or https"));
    return std::nullopt;
  }
  if (parts->host.empty()) {
    node.error(fmt::format("{} `{}` must include a host", subject, text));
    return std::nullopt;
  }
  return parts;
}

void read_headers(const ConfigNode& node, std::vector<std::pair<std::string, std::string>>& out) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!read_string_pairs(node, headers)) return;
  bool ok = true;
  for (const auto& [name, value] : headers) {
    if (!is_http_token(name)) {
      node.child(name).error(fmt::format("`{}` is not a valid HTTP header name", name));
      ok = false;
    } else if (value.find_first_of("\r\n") != std::string::npos || value.find('\0') != std::string::npos) {
      node.child(name).error(fmt::format("header `{}` value contains a line break", name));
      ok = false;
    }
  }
  if (ok) out = std::move(headers);
}

std::optional<Money4> read_money(const ConfigNode& node, std::string_view label,
                                 std::string_view field) {
  // Numbers count as written (`amount_usd: 20.5` is "20.5"): the scalar text, never a double.
  const auto text = node.scalar();
  if (!text) return std::nullopt;
  std::string why;
  const auto amount = Money4::parse(*text, &why);
  if (!amount) {
    node.error(fmt::format("{} {} is invalid: {} (got \"{}\")", label, field, why, *text));
    return std::nullopt;
  }
  if (amount->is_negative()) {
    node.error(fmt::format("{} {} cannot be negative (got {})", label, field, *text));
    return std::nullopt;
  }
  return amount;
}

std::optional<Budget> read_budget(const ConfigNode& node, std::string_view label) {
  if (!node.expect_map()) return std::nullopt;
  node.check_keys({"cadence", "amount_usd", "hard_limit", "timezone"}, UnknownKeys::kWarn);
  Budget budget;
  bool ok = read_required_enum(node.child("cadence"), budget.cadence);
  const ConfigNode amount = node.child("amount_usd");
  if (!amount.present()) {
    amount.missing();
    ok = false;
  } else if (const auto money = read_money(amount, label, "amount_usd")) {
    budget.amount_usd = *money;
  } else {
    ok = false;
  }
  read_into(node.child("hard_limit"), budget.hard_limit);
  const ConfigNode timezone = node.child("timezone");
  if (read_into(timezone, budget.timezone) && trimmed(budget.timezone).empty()) {
    timezone.error(fmt::format("{} timezone cannot be empty", label));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return budget;
}

std::optional<std::string> read_team_reference(const ConfigNode& node,
                                               const std::vector<TeamConfig>& teams,
                                               std::string_view subject) {
  std::string text;
  if (!read_required(node, text)) return std::nullopt;
  std::string team = normalize_key(text);
  const bool known = std::any_of(teams.begin(), teams.end(),
                                 [&](const TeamConfig& candidate) { return candidate.id == team; });
  if (!known) {
    node.error(fmt::format("{} references unknown team `{}`", subject, text));
    return std::nullopt;
  }
  return team;
}

bool read_team_role(const ConfigNode& node, TeamRole& out, std::string_view subject) {
  std::string text;
  if (!read_into(node, text)) return false;
  if (text == "owner") {
    node.error(fmt::format("{} cannot assign role `owner`; use admin or member", subject));
    return false;
  }
  if (const auto role = enum_from_string<TeamRole>(text)) {
    out = *role;
    return true;
  }
  node.error(unknown_value_message<TeamRole>(text));
  return false;
}

}  // namespace sluice::config
