// Helpers for the tests of GenerationStreamWriter, its writers and the wire readers: a writer that
// records what the shared logic asks of a format, neutral events built in one line, and the
// Anthropic SDK's SSE fixtures read from the shared vectors.
#pragma once

#include "streams/GenerationStreamWriter.h"
#include "streams/SseParser.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::streams::testing {

// Records each hook call as one line, e.g. "block_start tool 1 call_1 get_weather" or "text 0 Hi".
class RecordingWriter final : public GenerationStreamWriter {
 public:
  RecordingWriter() : GenerationStreamWriter(StreamIdentity{"m", 1, "req1"}) {}
  std::vector<std::string> calls;

 private:
  static std::string_view kind_name(GeneratedBlock::Kind kind) {
    switch (kind) {
      case GeneratedBlock::Kind::kText: return "text";
      case GeneratedBlock::Kind::kReasoning: return "reasoning";
      case GeneratedBlock::Kind::kToolCall: return "tool";
    }
    return "?";
  }
  static std::string_view delta_name(GenerationEvent::Kind kind) {
    switch (kind) {
      case GenerationEvent::Kind::kTextDelta: return "text";
      case GenerationEvent::Kind::kReasoningDelta: return "reasoning";
      case GenerationEvent::Kind::kReasoningSignature: return "signature";
      case GenerationEvent::Kind::kToolCallArguments: return "arguments";
      default: return "?";
    }
  }
  void write_message_start(std::string&) override { calls.push_back("start " + upstream_id()); }
  void write_block_start(const Block& block, std::string&) override {
    std::string line = "block_start " + std::string(kind_name(block.kind)) + " " +
                       std::to_string(block.index);
    if (block.kind == GeneratedBlock::Kind::kToolCall) {
      line += " " + block.tool_call_id + " " + block.tool_name;
    }
    calls.push_back(line);
  }
  void write_delta(const Block& block, GenerationEvent::Kind kind, std::string_view text,
                   std::string&) override {
    calls.push_back(std::string(delta_name(kind)) + " " + std::to_string(block.index) + " " +
                    std::string(text));
  }
  void write_block_stop(const Block& block, std::string&) override {
    calls.push_back("block_stop " + std::to_string(block.index));
  }
  void write_message_stop(std::string&) override {
    calls.push_back("stop " + std::string(anthropic_stop_reason(stop_reason())));
  }
  void write_success_ending(std::string&) override { calls.push_back("ending success"); }
  void write_error_ending(const GatewayError& error, std::string&) override {
    calls.push_back("ending error " + std::to_string(error.status) + " " + error.code);
  }
};

inline GenerationEvent message_start(std::string_view id = {}) {
  GenerationEvent event;
  event.kind = GenerationEvent::Kind::kMessageStart;
  event.text = id;
  return event;
}

inline GenerationEvent delta(GenerationEvent::Kind kind, std::size_t block, std::string_view text) {
  GenerationEvent event;
  event.kind = kind;
  event.block = block;
  event.text = text;
  return event;
}

inline GenerationEvent text(std::size_t block, std::string_view value) {
  return delta(GenerationEvent::Kind::kTextDelta, block, value);
}

inline GenerationEvent reasoning(std::size_t block, std::string_view value) {
  return delta(GenerationEvent::Kind::kReasoningDelta, block, value);
}

inline GenerationEvent arguments(std::size_t block, std::string_view fragment) {
  return delta(GenerationEvent::Kind::kToolCallArguments, block, fragment);
}

inline GenerationEvent tool_call_start(std::size_t block, std::string_view id,
                                       std::string_view name) {
  GenerationEvent event;
  event.kind = GenerationEvent::Kind::kToolCallStart;
  event.block = block;
  event.tool_call_id = id;
  event.tool_name = name;
  return event;
}

inline GenerationEvent block_stop(std::size_t block) {
  GenerationEvent event;
  event.kind = GenerationEvent::Kind::kBlockStop;
  event.block = block;
  return event;
}

inline GenerationEvent message_stop(StopReason reason) {
  GenerationEvent event;
  event.kind = GenerationEvent::Kind::kMessageStop;
  event.stop_reason = reason;
  return event;
}

inline GenerationEvent usage(std::int64_t input, std::int64_t output, std::int64_t cached = 0) {
  GenerationEvent event;
  event.kind = GenerationEvent::Kind::kUsage;
  event.usage.present = true;
  event.usage.input = input;
  event.usage.output = output;
  event.usage.total = input + output;
  event.usage.cached_input = cached;
  return event;
}

// Feeds `events` to `writer`, then a clean end; returns what the caller received.
inline std::string write_all(GenerationStreamWriter& writer,
                             const std::vector<GenerationEvent>& events, bool end = true) {
  std::string out;
  for (const auto& event : events) writer.on_event(event, out);
  if (end) writer.on_end(out);
  return out;
}

// Throws when the fixture cannot be read (the shared vectors are not beside the checkout): the test
// then fails saying so, instead of running on an empty stream.
inline std::string anthropic_fixture(std::string_view name) {
  const std::string path =
      std::string(SLUICE_SOURCE_DIR) + "/../shared/vectors/anthropic/sse-fixtures/" + std::string(name);
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read the fixture " + path);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

struct FixtureEvent {
  std::string event;
  std::string data;
};

inline std::vector<FixtureEvent> sse_events(std::string_view body) {
  std::vector<FixtureEvent> events;
  SseParser parser;
  const SseParser::EventCallback collect = [&events](const SseEvent& e) {
    events.push_back({std::string(e.event), std::string(e.data)});
  };
  parser.feed(body, collect);
  parser.finish(collect);
  return events;
}

}  // namespace sluice::streams::testing
