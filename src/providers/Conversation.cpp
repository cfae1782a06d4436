#include "providers/Conversation.h"

#include "core/Digest.h"

#include <algorithm>
#include <array>

namespace sluice::providers {

namespace {

constexpr std::array<std::pair<ReasoningEffort, std::string_view>, 7> kEffortNames{{
    {ReasoningEffort::kNone, "none"},
    {ReasoningEffort::kMinimal, "minimal"},
    {ReasoningEffort::kLow, "low"},
    {ReasoningEffort::kMedium, "medium"},
    {ReasoningEffort::kHigh, "high"},
    {ReasoningEffort::kXHigh, "xhigh"},
    {ReasoningEffort::kMax, "max"},
}};

constexpr std::size_t kMaxToolUseIdLength = 64;

bool is_tool_use_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool is_tool_history(const Part& part) {
  return std::holds_alternative<ToolCall>(part) || std::holds_alternative<ToolResult>(part);
}

}  // namespace

std::optional<ReasoningEffort> reasoning_effort_from_name(std::string_view name) {
  for (const auto& [effort, effort_name] : kEffortNames) {
    if (effort_name == name) return effort;
  }
  return std::nullopt;
}

std::string_view reasoning_effort_name(ReasoningEffort effort) {
  for (const auto& [candidate, name] : kEffortNames) {
    if (candidate == effort) return name;
  }
  return "medium";
}

void Conversation::add(Role role, Part part) {
  if (turns.empty() || turns.back().role != role) turns.push_back(Turn{role, {}});
  turns.back().parts.push_back(std::move(part));
}

bool Conversation::has_tool_history() const {
  for (const Turn& turn : turns) {
    for (const Part& part : turn.parts) {
      if (is_tool_history(part)) return true;
    }
  }
  return false;
}

std::string portable_tool_use_id(std::string_view id) {
  bool valid = !id.empty() && id.size() <= kMaxToolUseIdLength;
  for (const char c : id) valid = valid && is_tool_use_id_char(c);
  if (valid) return std::string(id);
  return "tool_" + to_hex(sha256(id)).substr(0, 32);
}

std::optional<std::int64_t> thinking_budget_for(ReasoningEffort effort) {
  switch (effort) {
    case ReasoningEffort::kNone:
    case ReasoningEffort::kMinimal: return std::nullopt;
    case ReasoningEffort::kLow: return 1024;
    case ReasoningEffort::kMedium: return 4096;
    case ReasoningEffort::kHigh:
    case ReasoningEffort::kXHigh:
    case ReasoningEffort::kMax: return 16384;
  }
  return std::nullopt;
}

ThinkingPlan plan_thinking(const Conversation& conversation, std::int64_t default_answer_tokens) {
  constexpr std::int64_t kMinimumBudget = 1024;  // Anthropic's floor for budget_tokens
  const ReasoningRequest& reasoning = conversation.reasoning;
  ThinkingPlan plan;
  plan.max_tokens = conversation.max_tokens;
  if (reasoning.budget_tokens) {
    plan.budget_tokens = reasoning.budget_tokens;
  } else if (reasoning.effort) {
    plan.budget_tokens = thinking_budget_for(*reasoning.effort);
    if (plan.budget_tokens && conversation.max_tokens) {
      plan.budget_tokens = std::min(*plan.budget_tokens, *conversation.max_tokens / 2);
      if (*plan.budget_tokens < kMinimumBudget) plan.budget_tokens.reset();
    }
  }
  if (!plan.max_tokens && plan.budget_tokens) {
    plan.max_tokens = default_answer_tokens + *plan.budget_tokens;
  }
  return plan;
}

ReasoningEffort effort_for_budget(std::int64_t budget_tokens) {
  if (budget_tokens <= 1024) return ReasoningEffort::kLow;
  if (budget_tokens <= 4096) return ReasoningEffort::kMedium;
  return ReasoningEffort::kHigh;
}

void append_alternating_message(boost::json::array& messages,
                                bool (*is_tool_result)(const boost::json::value&), Role role,
                                boost::json::array content) {
  if (content.empty()) return;
  const std::string_view role_name = role == Role::kUser ? "user" : "assistant";
  if (!messages.empty() && messages.back().get_object().at("role").get_string() == role_name) {
    boost::json::array& last = messages.back().get_object().at("content").get_array();
    for (boost::json::value& block : content) last.push_back(std::move(block));
  } else {
    messages.push_back(
        boost::json::object{{"role", role_name}, {"content", std::move(content)}});
  }
  boost::json::array& merged = messages.back().get_object().at("content").get_array();
  std::stable_partition(merged.begin(), merged.end(), is_tool_result);
}

}  // namespace sluice::providers
