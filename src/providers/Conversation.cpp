#include "providers/Conversation.h"

#include "core/Digest.h"

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

ReasoningEffort effort_for_budget(std::int64_t budget_tokens) {
  if (budget_tokens <= 1024) return ReasoningEffort::kLow;
  if (budget_tokens <= 4096) return ReasoningEffort::kMedium;
  return ReasoningEffort::kHigh;
}

}  // namespace sluice::providers
