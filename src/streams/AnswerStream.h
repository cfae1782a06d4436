// AnswerStream: an upstream's streamed answer, bytes in, the caller's stream bytes out.
//
// The generation endpoint reads the upstream body piece by piece and hands each piece to feed(),
// then reports how the body ended (end() for a clean end, fail() for a break). Behind this one
// interface sit the framing (SSE or AWS EventStream) and the translation: a stream in the caller's
// own API passes through a StreamNormalizer (or, for Anthropic, AnthropicPassthrough); any other
// pair runs the wire's reader into the caller family's GenerationStreamWriter. Nothing is buffered
// beyond the frame being decoded, so each upstream event reaches the caller as soon as it is whole.
#pragma once

#include "core/ApiFamily.h"
#include "core/GatewayError.h"
#include "streams/GenerationStreamWriter.h"
#include "streams/TokenUsage.h"
#include "streams/WireFormat.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::streams {

class AnswerStream {
 public:
  virtual ~AnswerStream() = default;

  // Appends to `out` whatever the caller should receive for this piece of the upstream body.
  virtual void feed(std::string_view bytes, std::string& out) = 0;
  // The upstream body ended cleanly.
  virtual void end(std::string& out) = 0;
  // The upstream body broke (reset, timeout); `error` is what the gateway would have answered.
  virtual void fail(const GatewayError& error, std::string& out) = 0;

  // The caller's stream has ended (terminal or error); the upstream need not be read further.
  virtual bool finished() const = 0;
  // The most recent usage the upstream reported (present == false until it reports one).
  virtual const TokenUsage& usage() const = 0;
  // Why the caller's stream ended in an error, when it did.
  virtual const std::optional<GatewayError>& error() const = 0;
};

// The stream for an upstream answering in `wire` to a caller of `caller`'s family. `identity`
// names the answer where the caller's format needs what a translated upstream did not send.
std::unique_ptr<AnswerStream> make_answer_stream(WireFormat wire, ApiFamily caller,
                                                 const StreamIdentity& identity);

}  // namespace sluice::streams
