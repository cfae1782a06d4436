// EventStreamDecoder: turns the bytes of an AWS EventStream body (application/vnd.amazon.eventstream)
// into verified messages, as they arrive.
//
// Bedrock's ConverseStream and InvokeModelWithResponseStream answer in this binary framing. Each
// message is length-prefixed and carries two CRC32 checksums:
//   prelude   total_length (u32 BE), headers_length (u32 BE), CRC32 of those 8 bytes (u32 BE)
//   headers   name length (u8), name, type (u8), value by type (see EventStreamMessage.h)
//   payload   the rest, up to
//   trailer   CRC32 of everything before it, prelude included (u32 BE)
// The network splits messages wherever it likes, so the decoder keeps only the message being
// received between chunks; a message that arrives whole inside one chunk is decoded in place.
// Nothing is trusted before it is checked: the prelude CRC before the lengths it guards, the lengths
// against each other and against `max_message_bytes`, the message CRC before the headers are read,
// and every header against the bounds of the headers section. The first broken message puts the
// decoder in a failed state: it then ignores all further input and error() says why, because a
// framing error leaves no way to find where the next message starts.
// The decoder does no I/O and never blocks; one decoder reads one upstream body.
#pragma once

#include "core/GatewayError.h"
#include "streams/EventStreamMessage.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sluice::streams {

class EventStreamDecoder {
 public:
  using MessageCallback = std::function<void(const EventStreamMessage&)>;

  static constexpr std::size_t kDefaultMaxMessageBytes = 16u * 1024u * 1024u;

  explicit EventStreamDecoder(std::size_t max_message_bytes = kDefaultMaxMessageBytes);

  // Consumes the next piece of the body (any split, even 1 byte), calling `on_message` for each
  // complete, verified message.
  void feed(std::string_view bytes, const MessageCallback& on_message);

  // The body ended: a partially received message is an error (failed() becomes true).
  void finish();

  // True once a message failed a check or the body ended inside one; feed() then does nothing.
  bool failed() const { return failed_; }

  // Why the decoder failed, as the upstream_transport error the caller's stream should end with.
  GatewayError error() const;

 private:
  // Decodes a message that lies whole at the front of `bytes` without copying it; returns the bytes
  // it consumed (0 when the message is incomplete, or broken: then failed_ is set).
  std::size_t decode_in_place(std::string_view bytes, const MessageCallback& on_message);
  // Appends what the buffered message still lacks from the front of `bytes`, decoding it once
  // complete; returns the bytes it consumed.
  std::size_t buffer_partial(std::string_view bytes, const MessageCallback& on_message);
  // Checks the 12-byte prelude at the front of `message`; returns total_length, or 0 on failure.
  std::size_t read_prelude(std::string_view message);
  // Checks and decodes one whole message whose prelude has been read, and hands it to on_message.
  void decode_message(std::string_view message, const MessageCallback& on_message);
  // Reads the headers section into `out`; false (and failed_) when it is malformed.
  bool read_headers(std::string_view section, EventStreamMessage& out);
  void fail(std::string reason);

  std::size_t max_message_bytes_;
  std::string buffer_;              // the message received so far, when it straddles chunks
  std::size_t message_length_ = 0;  // its total_length, once its prelude has been checked; else 0
  bool failed_ = false;
  std::string failure_;  // what went wrong, completing "upstream event stream ..."
};

}  // namespace sluice::streams
