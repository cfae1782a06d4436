#include "streams/EventStreamDecoder.h"

#include "streams/StreamErrors.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

namespace sluice::streams {
namespace {

constexpr std::size_t kPreludeBytes = 12;  // total_length, headers_length, prelude CRC
constexpr std::size_t kTrailerBytes = 4;   // message CRC
constexpr std::size_t kMinMessageBytes = kPreludeBytes + kTrailerBytes;

// The wire type numbers of header values (EventStreamMessage.h lists them all).
enum HeaderType : std::uint8_t {
  kBoolTrue = 0,
  kBoolFalse = 1,
  kByte = 2,
  kInt16 = 3,
  kInt32 = 4,
  kInt64 = 5,
  kByteArray = 6,
  kString = 7,
  kTimestamp = 8,
  kUuid = 9,
};

constexpr std::size_t kUuidBytes = 16;

std::uint32_t crc32_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

// Reads big-endian integers and byte runs from the front of a view, refusing to run past its end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  bool empty() const { return bytes_.empty(); }

  std::optional<std::string_view> take(std::size_t count) {
    if (count > bytes_.size()) return std::nullopt;
    const std::string_view taken = bytes_.substr(0, count);
    bytes_.remove_prefix(count);
    return taken;
  }

  // An unsigned big-endian integer of `width` bytes (at most 8).
  std::optional<std::uint64_t> big_endian(std::size_t width) {
    const auto bytes = take(width);
    if (!bytes) return std::nullopt;
    std::uint64_t value = 0;
    for (const char byte : *bytes) value = (value << 8) | static_cast<unsigned char>(byte);
    return value;
  }

  // A signed big-endian integer; the wire holds two's complement, which C++20 conversions keep.
  template <typename Int>
  std::optional<Int> signed_big_endian() {
    const auto value = big_endian(sizeof(Int));
    if (!value) return std::nullopt;
    using Unsigned = std::make_unsigned_t<Int>;
    return static_cast<Int>(static_cast<Unsigned>(*value));
  }

  // A run of bytes preceded by its u16 length (the byte array and string types).
  std::optional<std::string> length_prefixed() {
    const auto length = big_endian(2);
    if (!length) return std::nullopt;
    const auto bytes = take(*length);
    if (!bytes) return std::nullopt;
    return std::string(*bytes);
  }

 private:
  std::string_view bytes_;
};

std::uint32_t read_u32(std::string_view bytes) {
  return static_cast<std::uint32_t>(*ByteReader(bytes).big_endian(4));
}

// The value of a header of known `type`; nullopt when it runs past the end of the section.
std::optional<EventStreamHeaderValue> read_value(HeaderType type, ByteReader& in) {
  const auto wrap = [](auto value) -> std::optional<EventStreamHeaderValue> {
    if (!value) return std::nullopt;
    return EventStreamHeaderValue(std::move(*value));
  };
  switch (type) {
    case kBoolTrue:
      return EventStreamHeaderValue(true);
    case kBoolFalse:
      return EventStreamHeaderValue(false);
    case kByte:
      return wrap(in.signed_big_endian<std::int8_t>());
    case kInt16:
      return wrap(in.signed_big_endian<std::int16_t>());
    case kInt32:
      return wrap(in.signed_big_endian<std::int32_t>());
    case kInt64:
      return wrap(in.signed_big_endian<std::int64_t>());
    case kByteArray: {
      auto bytes = in.length_prefixed();
      if (!bytes) return std::nullopt;
      return EventStreamHeaderValue(EventStreamBytes{std::move(*bytes)});
    }
    case kString:
      return wrap(in.length_prefixed());
    case kTimestamp: {
      const auto millis = in.signed_big_endian<std::int64_t>();
      if (!millis) return std::nullopt;
      return EventStreamHeaderValue(EventStreamTimestamp{*millis});
    }
    case kUuid: {
      const auto bytes = in.take(kUuidBytes);
      if (!bytes) return std::nullopt;
      return EventStreamHeaderValue(EventStreamUuid{std::string(*bytes)});
    }
  }
  return std::nullopt;
}

}  // namespace

EventStreamDecoder::EventStreamDecoder(std::size_t max_message_bytes)
    : max_message_bytes_(max_message_bytes) {}

void EventStreamDecoder::feed(std::string_view bytes, const MessageCallback& on_message) {
  while (!failed_ && !bytes.empty()) {
    if (buffer_.empty()) {
      const std::size_t consumed = decode_in_place(bytes, on_message);
      bytes.remove_prefix(consumed);
      if (consumed > 0 || failed_) continue;
    }
    bytes.remove_prefix(buffer_partial(bytes, on_message));
  }
}

void EventStreamDecoder::finish() {
  if (failed_ || buffer_.empty()) return;
  if (message_length_ == 0) {
    return fail(fmt::format("ended inside a message prelude ({} of {} bytes received)",
                            buffer_.size(), kPreludeBytes));
  }
  fail(fmt::format("ended inside a message ({} of {} bytes received)", buffer_.size(),
                   message_length_));
}

GatewayError EventStreamDecoder::error() const {
  return upstream_transport_error(fmt::format("upstream event stream {}", failure_));
}

std::size_t EventStreamDecoder::decode_in_place(std::string_view bytes,
                                                const MessageCallback& on_message) {
  if (bytes.size() < kPreludeBytes) return 0;
  message_length_ = read_prelude(bytes);
  if (message_length_ == 0 || bytes.size() < message_length_) return 0;
  const std::size_t length = std::exchange(message_length_, 0);
  decode_message(bytes.substr(0, length), on_message);
  return length;
}

std::size_t EventStreamDecoder::buffer_partial(std::string_view bytes,
                                               const MessageCallback& on_message) {
  // Until the prelude is read, the end of the message is not known: take only up to the prelude's
  // end, so its lengths are checked before the buffer is allowed to grow to them.
  const std::size_t goal = message_length_ == 0 ? kPreludeBytes : message_length_;
  const std::size_t taken = std::min(goal - buffer_.size(), bytes.size());
  buffer_.append(bytes.substr(0, taken));

  if (message_length_ == 0 && buffer_.size() == kPreludeBytes) {
    message_length_ = read_prelude(buffer_);
    if (failed_) return taken;
  }
  if (message_length_ != 0 && buffer_.size() == message_length_) {
    decode_message(buffer_, on_message);
    buffer_.clear();
    message_length_ = 0;
  }
  return taken;
}

std::size_t EventStreamDecoder::read_prelude(std::string_view message) {
  const std::uint32_t total_length = read_u32(message.substr(0, 4));
  const std::uint32_t headers_length = read_u32(message.substr(4, 4));
  if (crc32_of(message.substr(0, 8)) != read_u32(message.substr(8, 4))) {
    fail("message failed its prelude CRC32 check");
    return 0;
  }
  if (total_length < kMinMessageBytes) {
    fail(fmt::format("message declares {} bytes, fewer than the {}-byte minimum", total_length,
                     kMinMessageBytes));
    return 0;
  }
  if (total_length > max_message_bytes_) {
    fail(fmt::format("message declares {} bytes, more than the {}-byte limit", total_length,
                     max_message_bytes_));
    return 0;
  }
  if (headers_length > total_length - kMinMessageBytes) {
    fail(fmt::format("message declares {} bytes of headers, more than its {} bytes can hold",
                     headers_length, total_length));
    return 0;
  }
  return total_length;
}

void EventStreamDecoder::decode_message(std::string_view message,
                                        const MessageCallback& on_message) {
  const std::string_view checked = message.substr(0, message.size() - kTrailerBytes);
  if (crc32_of(checked) != read_u32(message.substr(checked.size()))) {
    return fail("message failed its message CRC32 check");
  }
  const std::size_t headers_length = read_u32(message.substr(4, 4));
  EventStreamMessage decoded;
  if (!read_headers(checked.substr(kPreludeBytes, headers_length), decoded)) return;
  decoded.payload.assign(checked.substr(kPreludeBytes + headers_length));
  on_message(decoded);
}

bool EventStreamDecoder::read_headers(std::string_view section, EventStreamMessage& out) {
  ByteReader in(section);
  while (!in.empty()) {
    const std::size_t number = out.headers.size() + 1;
    const auto name_length = in.big_endian(1);
    if (*name_length == 0) {
      fail(fmt::format("message header {} has an empty name", number));
      return false;
    }
    const auto name = in.take(*name_length);
    const auto type = in.big_endian(1);
    if (!name || !type) {
      fail(fmt::format("message header {} runs past the end of the headers section", number));
      return false;
    }
    if (*type > kUuid) {
      fail(fmt::format("message header {} has unknown value type {}", number, *type));
      return false;
    }
    auto value = read_value(static_cast<HeaderType>(*type), in);
    if (!value) {
      fail(fmt::format("message header {} runs past the end of the headers section", number));
      return false;
    }
    out.headers.push_back({std::string(*name), std::move(*value)});
  }
  return true;
}

void EventStreamDecoder::fail(std::string reason) {
  failed_ = true;
  failure_ = std::move(reason);
  // Drop what was buffered: the message is lost either way, and the memory should not outlive it.
  buffer_.clear();
  buffer_.shrink_to_fit();
  message_length_ = 0;
}

}  // namespace sluice::streams
