#include "streams/AnswerStream.h"

#include "streams/AnthropicPassthrough.h"
#include "streams/AnthropicStreamReader.h"
#include "streams/ChatStreamNormalizer.h"
#include "streams/ChatStreamReader.h"
#include "streams/ConverseStreamReader.h"
#include "streams/EventStreamDecoder.h"
#include "streams/ResponsesStreamNormalizer.h"
#include "streams/SseParser.h"
#include "streams/StreamErrors.h"

#include <fmt/format.h>

namespace sluice::streams {
namespace {

std::unique_ptr<GenerationStreamWriter> writer_for(ApiFamily caller, const StreamIdentity& identity) {
  switch (caller) {
    case ApiFamily::kResponses: return make_responses_event_writer(identity);
    case ApiFamily::kMessages: return make_anthropic_event_writer(identity);
    case ApiFamily::kChatCompletions:
    case ApiFamily::kEmbeddings: break;
  }
  return make_chat_chunk_writer(identity);
}

// SSE in the caller's own OpenAI family: the existing normalizers.
class NormalizedSseStream final : public AnswerStream {
 public:
  explicit NormalizedSseStream(std::unique_ptr<StreamNormalizer> normalizer)
      : normalizer_(std::move(normalizer)) {}

  void feed(std::string_view bytes, std::string& out) override {
    parser_.feed(bytes, [&](const SseEvent& event) { normalizer_->on_event(event, out); });
    if (parser_.failed()) normalizer_->on_upstream_failure(parser_.error(), out);
  }
  void end(std::string& out) override {
    parser_.finish([&](const SseEvent& event) { normalizer_->on_event(event, out); });
    if (parser_.failed()) {
      normalizer_->on_upstream_failure(parser_.error(), out);
    } else {
      normalizer_->on_upstream_end(out);
    }
  }
  void fail(const GatewayError& error, std::string& out) override {
    normalizer_->on_upstream_failure(error, out);
  }
  bool finished() const override { return normalizer_->finished() || parser_.failed(); }
  const TokenUsage& usage() const override { return normalizer_->usage(); }
  const std::optional<GatewayError>& error() const override { return normalizer_->error(); }

 private:
  SseParser parser_;
  std::unique_ptr<StreamNormalizer> normalizer_;
};

// Anthropic SSE to an Anthropic caller: events forwarded as they came.
class AnthropicSseStream final : public AnswerStream {
 public:
  void feed(std::string_view bytes, std::string& out) override {
    parser_.feed(bytes, [&](const SseEvent& event) { forward(event, out); });
    if (parser_.failed()) passthrough_.on_failure(parser_.error(), out);
  }
  void end(std::string& out) override {
    parser_.finish([&](const SseEvent& event) { forward(event, out); });
    if (parser_.failed()) {
      passthrough_.on_failure(parser_.error(), out);
    } else {
      passthrough_.on_end(out);
    }
  }
  void fail(const GatewayError& error, std::string& out) override {
    passthrough_.on_failure(error, out);
  }
  bool finished() const override { return passthrough_.finished() || parser_.failed(); }
  const TokenUsage& usage() const override { return passthrough_.usage(); }
  const std::optional<GatewayError>& error() const override { return passthrough_.error(); }

 private:
  void forward(const SseEvent& event, std::string& out) {
    passthrough_.on_event_json(event.event, event.data, out);
  }

  SseParser parser_;
  AnthropicPassthrough passthrough_;
};

// Any SSE wire read into events and written in another family (Chat → Anthropic, Anthropic →
// Chat/Responses).
template <typename Reader>
class TranslatedSseStream final : public AnswerStream {
 public:
  explicit TranslatedSseStream(std::unique_ptr<GenerationStreamWriter> writer)
      : writer_(std::move(writer)) {}

  void feed(std::string_view bytes, std::string& out) override {
    parser_.feed(bytes, [&](const SseEvent& event) { read(event, out); });
    if (parser_.failed()) writer_->on_failure(parser_.error(), out);
  }
  void end(std::string& out) override {
    parser_.finish([&](const SseEvent& event) { read(event, out); });
    if (parser_.failed()) {
      writer_->on_failure(parser_.error(), out);
    } else {
      writer_->on_end(out);
    }
  }
  void fail(const GatewayError& error, std::string& out) override { writer_->on_failure(error, out); }
  bool finished() const override { return writer_->finished() || parser_.failed(); }
  const TokenUsage& usage() const override { return writer_->usage(); }
  const std::optional<GatewayError>& error() const override { return writer_->error(); }

 private:
  void read(const SseEvent& event, std::string& out) {
    if (writer_->finished()) return;
    if constexpr (std::is_same_v<Reader, AnthropicStreamReader>) {
      reader_.on_event_json(event.event, event.data, *writer_, out);
    } else {
      reader_.on_event(event, *writer_, out);
    }
  }

  SseParser parser_;
  Reader reader_;
  std::unique_ptr<GenerationStreamWriter> writer_;
};

// What an AWS EventStream body carries, read message by message.
class EventStreamAnswer : public AnswerStream {
 public:
  void feed(std::string_view bytes, std::string& out) override {
    decoder_.feed(bytes, [&](const EventStreamMessage& message) {
      if (!finished()) on_message(message, out);
    });
    if (decoder_.failed() && !finished()) on_failure(decoder_.error(), out);
  }
  void end(std::string& out) override {
    decoder_.finish();
    if (finished()) return;
    if (decoder_.failed()) {
      on_failure(decoder_.error(), out);
    } else {
      on_end(out);
    }
  }
  void fail(const GatewayError& error, std::string& out) override {
    if (!finished()) on_failure(error, out);
  }

 protected:
  virtual void on_message(const EventStreamMessage& message, std::string& out) = 0;
  virtual void on_end(std::string& out) = 0;
  virtual void on_failure(const GatewayError& error, std::string& out) = 0;

 private:
  EventStreamDecoder decoder_;
};

// ConverseStream, written in any caller family.
class ConverseAnswer final : public EventStreamAnswer {
 public:
  explicit ConverseAnswer(std::unique_ptr<GenerationStreamWriter> writer)
      : writer_(std::move(writer)) {}
  bool finished() const override { return writer_->finished(); }
  const TokenUsage& usage() const override { return writer_->usage(); }
  const std::optional<GatewayError>& error() const override { return writer_->error(); }

 private:
  void on_message(const EventStreamMessage& message, std::string& out) override {
    reader_.on_message(message, *writer_, out);
  }
  void on_end(std::string& out) override { writer_->on_end(out); }
  void on_failure(const GatewayError& error, std::string& out) override {
    writer_->on_failure(error, out);
  }

  ConverseStreamReader reader_;
  std::unique_ptr<GenerationStreamWriter> writer_;
};

// InvokeModelWithResponseStream: each `chunk` carries one Anthropic event. Exception messages end
// the stream the way they end a ConverseStream.
template <typename Sink>
class InvokeAnswer final : public EventStreamAnswer {
 public:
  template <typename... SinkArgs>
  explicit InvokeAnswer(SinkArgs&&... args) : sink_(std::forward<SinkArgs>(args)...) {}
  bool finished() const override { return sink_.finished(); }
  const TokenUsage& usage() const override { return sink_.usage(); }
  const std::optional<GatewayError>& error() const override { return sink_.error(); }

 private:
  void on_message(const EventStreamMessage& message, std::string& out) override {
    if (auto exception = event_stream_failure(message)) {
      sink_.on_failure(*exception, out);
      return;
    }
    if (message.string_header(":event-type") != "chunk") return;  // forward compatible
    auto event = invoke_stream_chunk_json(message);
    if (!event) {
      sink_.on_failure(event.error(), out);
      return;
    }
    sink_.on_event_json(/*event_type=*/"", *event, out);
  }
  void on_end(std::string& out) override { sink_.on_end(out); }
  void on_failure(const GatewayError& error, std::string& out) override {
    sink_.on_failure(error, out);
  }

  Sink sink_;
};

// Adapts a reader + writer pair to the sink shape InvokeAnswer drives.
class TranslatingAnthropicSink {
 public:
  explicit TranslatingAnthropicSink(std::unique_ptr<GenerationStreamWriter> writer)
      : writer_(std::move(writer)) {}
  void on_event_json(std::string_view type, std::string_view json, std::string& out) {
    reader_.on_event_json(type, json, *writer_, out);
  }
  void on_end(std::string& out) { writer_->on_end(out); }
  void on_failure(const GatewayError& error, std::string& out) { writer_->on_failure(error, out); }
  bool finished() const { return writer_->finished(); }
  const TokenUsage& usage() const { return writer_->usage(); }
  const std::optional<GatewayError>& error() const { return writer_->error(); }

 private:
  AnthropicStreamReader reader_;
  std::unique_ptr<GenerationStreamWriter> writer_;
};

}  // namespace

std::unique_ptr<AnswerStream> make_answer_stream(WireFormat wire, ApiFamily caller,
                                                 const StreamIdentity& identity) {
  switch (wire) {
    case WireFormat::kOpenAIChat:
      if (caller == ApiFamily::kMessages) {
        return std::make_unique<TranslatedSseStream<ChatStreamReader>>(writer_for(caller, identity));
      }
      return std::make_unique<NormalizedSseStream>(std::make_unique<ChatStreamNormalizer>());
    case WireFormat::kOpenAIResponses:
    case WireFormat::kOpenAIEmbeddings:
      return std::make_unique<NormalizedSseStream>(std::make_unique<ResponsesStreamNormalizer>());
    case WireFormat::kAnthropicMessages:
      if (caller == ApiFamily::kMessages) return std::make_unique<AnthropicSseStream>();
      return std::make_unique<TranslatedSseStream<AnthropicStreamReader>>(writer_for(caller, identity));
    case WireFormat::kBedrockConverse:
      return std::make_unique<ConverseAnswer>(writer_for(caller, identity));
    case WireFormat::kBedrockAnthropicInvoke:
      if (caller == ApiFamily::kMessages) {
        return std::make_unique<InvokeAnswer<AnthropicPassthrough>>();
      }
      return std::make_unique<InvokeAnswer<TranslatingAnthropicSink>>(writer_for(caller, identity));
  }
  return std::make_unique<NormalizedSseStream>(std::make_unique<ChatStreamNormalizer>());
}

}  // namespace sluice::streams
