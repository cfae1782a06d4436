// Conversation: a caller's generation request in the gateway's own terms, independent of any wire
// API.
//
// When the caller's API and the route's wire API differ (a Chat Completions caller on a Bedrock
// Converse route, an Anthropic Messages caller on an OpenAI chat route, …) the caller's body is
// read into a Conversation (providers/ConversationReaders.h) and written out in the route's format
// (ConverseRequest.h, AnthropicRequest.h, ChatRequest.h): N readers and M writers instead of N×M
// translators. It is the request-side twin of streams/Generation.h.
//
// Its one invariant: turns alternate. Conversation::add() appends a part to the last turn when the
// roles match, so two user messages in a row become one user turn, and a tool's result (which
// Converse and Anthropic both carry in a user turn) joins the user turn around it. Readers drop
// empty text, so no turn is ever blank.
//
// Each image remembers where the caller put it (`origin`, e.g. "messages[2].content[0].image_url"):
// a writer that cannot send it (Converse takes no remote URLs) refuses with a 400 naming that
// field.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sluice::providers {

struct TextPart {
  std::string text;
};

// An image, inline (base64 bytes and their media type) or a remote http(s) URL.
struct ImagePart {
  std::string media_type;  // inline: "image/png", "image/jpeg", …
  std::string base64;      // inline: the bytes, base64 as the caller sent them
  std::string url;         // remote: the URL; empty for an inline image
  std::string origin;      // the caller's field path, for error messages

  bool is_remote() const { return !url.empty(); }
};

// The assistant calling a tool.
struct ToolCall {
  std::string id;
  std::string name;
  boost::json::object arguments;  // readers check that the caller's JSON text is an object
};

// A tool's answer to one call, carried in a user turn.
struct ToolResult {
  std::string call_id;
  std::vector<std::variant<TextPart, ImagePart>> content;
  bool is_error = false;
};

// Reasoning the model produced earlier, sent back so the model can continue from it. Anthropic and
// Converse only accept it back with the provider's signature (or as the redacted blob).
struct ReasoningPart {
  std::string text;
  std::string signature;
  std::string redacted;  // Anthropic redacted_thinking `data`; when set, text is empty
};

using Part = std::variant<TextPart, ImagePart, ToolCall, ToolResult, ReasoningPart>;

enum class Role { kUser, kAssistant };

struct Turn {
  Role role = Role::kUser;
  std::vector<Part> parts;
};

struct Tool {
  std::string name;
  std::string description;
  boost::json::object parameters;  // JSON Schema; {"type":"object","properties":{}} when none given
  std::optional<bool> strict;
};

struct ToolChoice {
  enum class Mode { kAuto, kNone, kRequired, kNamed };
  Mode mode = Mode::kAuto;
  std::string name;  // kNamed only
};

// OpenAI's effort words (ReasoningEffort in the OpenAI spec).
enum class ReasoningEffort { kNone, kMinimal, kLow, kMedium, kHigh, kXHigh, kMax };

std::optional<ReasoningEffort> reasoning_effort_from_name(std::string_view name);
std::string_view reasoning_effort_name(ReasoningEffort effort);

struct ReasoningRequest {
  std::optional<ReasoningEffort> effort;      // chat reasoning_effort, Responses reasoning.effort
  std::optional<std::int64_t> budget_tokens;  // Anthropic thinking.budget_tokens
};

// Bedrock guardrail settings (GuardrailConfiguration / GuardrailStreamConfiguration).
struct GuardrailConfig {
  std::string identifier;
  std::string version;
  std::optional<std::string> trace;                   // enabled | disabled | enabled_full
  std::optional<std::string> stream_processing_mode;  // sync | async; only on streaming requests
};

// Converse request controls a caller may give in its body (api.md §5.4), checked by the readers.
struct ConverseControls {
  std::vector<std::pair<std::string, std::string>> request_metadata;  // ≤ 16, each ≤ 256 chars
  std::optional<std::string> latency;                                 // standard | optimized
  std::optional<GuardrailConfig> guardrail;
  std::vector<std::string> additional_model_response_field_paths;  // ≤ 10 JSON Pointers
};

struct Conversation {
  std::vector<std::string> system;
  std::vector<Turn> turns;

  std::vector<Tool> tools;
  std::optional<ToolChoice> tool_choice;
  std::optional<bool> parallel_tool_calls;

  std::optional<std::int64_t> max_tokens;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::vector<std::string> stop_sequences;
  ReasoningRequest reasoning;

  bool stream = false;
  std::optional<std::string> user_id;  // Anthropic metadata.user_id
  ConverseControls converse;

  // Appends `part` to the last turn when it has `role`, else opens a new turn: turns alternate.
  void add(Role role, Part part);
  // True when any turn holds a tool call or a tool result.
  bool has_tool_history() const;
};

// Bedrock and Anthropic take tool-use ids matching [a-zA-Z0-9_-]{1,64}. A valid id is returned as
// is; any other becomes "tool_" + the first 32 hex digits of its SHA-256, the same for a call and
// its result, so the pair still matches. (Bedrock's service model also allows '.' and ':', but
// Claude behind it does not, so the narrower rule is the one that holds for every model.)
std::string portable_tool_use_id(std::string_view id);

// Thinking budget for an effort word: low 1024, medium 4096, high (and above) 16384 tokens;
// nothing for none / minimal, which ask for no thinking. 1024 is Anthropic's minimum budget.
std::optional<std::int64_t> thinking_budget_for(ReasoningEffort effort);

// Appends a wire message `{"role", "content": [...]}` for Converse and Anthropic bodies, which both
// require user and assistant turns to alternate: content for the same role as the last message is
// merged into it (a turn left empty by dropped reasoning must not break alternation), and in the
// merged message the blocks `is_tool_result` picks go first, as Claude requires. Empty content is
// not appended.
void append_alternating_message(boost::json::array& messages,
                                bool (*is_tool_result)(const boost::json::value&), Role role,
                                boost::json::array content);

// Claude's extended thinking for a request: the budget to send and the max_tokens that must come
// with it (Anthropic requires max_tokens > budget_tokens, and thinking counts against max_tokens).
//   * An explicit budget (Anthropic `thinking.budget_tokens`) is the caller's word and is sent as
//     given; the upstream judges it against the caller's max_tokens.
//   * A budget derived from an effort word never takes more than half of the caller's max_tokens,
//     and below Anthropic's 1024-token minimum there is no thinking at all: an effort hint must not
//     turn a request that would work into one the upstream refuses.
//   * Without a caller max_tokens, max_tokens = `default_answer_tokens` + the budget, so the answer
//     keeps its room.
struct ThinkingPlan {
  std::optional<std::int64_t> budget_tokens;  // nothing: no thinking
  std::optional<std::int64_t> max_tokens;     // nothing: leave max_tokens to the caller/default
};
ThinkingPlan plan_thinking(const Conversation& conversation, std::int64_t default_answer_tokens);

// Effort word for a budget, for wire APIs that only take words: ≤1024 low, ≤4096 medium, else high.
ReasoningEffort effort_for_budget(std::int64_t budget_tokens);

}  // namespace sluice::providers
