// EventStreamMessage: one decoded message of an AWS EventStream body
// (application/vnd.amazon.eventstream), as streams/EventStreamDecoder produces it.
//
// Bedrock's ConverseStream and InvokeModelWithResponseStream answer in this binary framing: each
// message carries typed headers (`:message-type` event | exception | error, `:event-type`,
// `:exception-type`, `:content-type`, …) and a payload, which for Bedrock is JSON text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sluice::streams {

// The header value types of the EventStream format, by their wire type numbers:
// 0 bool true, 1 bool false (both as bool), 2 byte, 3 int16, 4 int32, 5 int64, 6 byte array,
// 7 string, 8 timestamp (milliseconds since the epoch), 9 uuid (16 bytes).
struct EventStreamTimestamp {
  std::int64_t epoch_millis = 0;
  bool operator==(const EventStreamTimestamp&) const = default;
};
struct EventStreamUuid {
  std::string bytes;  // exactly 16 bytes
  bool operator==(const EventStreamUuid&) const = default;
};
struct EventStreamBytes {
  std::string bytes;
  bool operator==(const EventStreamBytes&) const = default;
};
using EventStreamHeaderValue =
    std::variant<bool, std::int8_t, std::int16_t, std::int32_t, std::int64_t, EventStreamBytes,
                 std::string, EventStreamTimestamp, EventStreamUuid>;

struct EventStreamHeader {
  std::string name;
  EventStreamHeaderValue value;
};

struct EventStreamMessage {
  std::vector<EventStreamHeader> headers;  // in wire order
  std::string payload;

  // The value of the first header named `name` when it is a string, else nullopt.
  std::optional<std::string_view> string_header(std::string_view name) const {
    for (const auto& header : headers) {
      if (header.name != name) continue;
      if (const auto* text = std::get_if<std::string>(&header.value)) return std::string_view(*text);
      return std::nullopt;
    }
    return std::nullopt;
  }
};

}  // namespace sluice::streams
