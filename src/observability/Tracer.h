// Tracer: starts the spans of a request's trace, decides once per trace whether it is recorded, and
// hands finished spans to a SpanSink (the OtlpExporter) without waiting for anything.
//
// A trace is sampled at its root. With an inbound W3C `traceparent` the caller's decision is kept
// (its sampled flag) and the trace continues under the caller's trace id; without one, a new trace
// id is drawn and sampled when it falls under the configured ratio, the way OpenTelemetry's
// TraceIdRatioBased sampler decides. Children follow their root. A span that is not sampled still
// has ids (so `traceparent` can be passed upstream with the sampled flag clear) but stores nothing:
// attributes and status are ignored and ending it is free.
//
// Ids come from a per-thread PRNG seeded from std::random_device: trace ids need to be unique, not
// secret, and an I/O thread must not take a lock or call into OpenSSL per request.
//
// Threading: a Tracer may be shared between I/O threads; an ActiveSpan belongs to one coroutine.
//
//   auto span = tracer.start_root("POST /v1/chat/completions", request["traceparent"]);
//   span.set_attribute(span_attributes::kHttpRequestMethod, "POST");
//   auto call = tracer.start_child(span, "chat gpt-4o");
//   upstream_request.set_header("traceparent", call.traceparent());
//   ...
//   call.end();  // or let it go out of scope
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sluice::observability {

using TraceId = std::array<std::uint8_t, 16>;
using SpanId = std::array<std::uint8_t, 8>;

// Lowercase hex, as W3C trace context and OTLP/JSON write ids.
std::string to_hex(const TraceId& id);
std::string to_hex(const SpanId& id);

// OTLP's Span.SpanKind values.
enum class SpanKind : int { kInternal = 1, kServer = 2, kClient = 3 };

// Attribute names from the OpenTelemetry semantic conventions (GenAI and HTTP) the gateway sets.
namespace span_attributes {
inline constexpr std::string_view kGenAiOperationName = "gen_ai.operation.name";  // chat | embeddings
inline constexpr std::string_view kGenAiSystem = "gen_ai.system";  // aws.bedrock | openai
inline constexpr std::string_view kGenAiRequestModel = "gen_ai.request.model";
inline constexpr std::string_view kGenAiResponseModel = "gen_ai.response.model";
inline constexpr std::string_view kGenAiUsageInputTokens = "gen_ai.usage.input_tokens";
inline constexpr std::string_view kGenAiUsageOutputTokens = "gen_ai.usage.output_tokens";
inline constexpr std::string_view kHttpRequestMethod = "http.request.method";
inline constexpr std::string_view kHttpResponseStatusCode = "http.response.status_code";
inline constexpr std::string_view kUrlPath = "url.path";
inline constexpr std::string_view kServerAddress = "server.address";
inline constexpr std::string_view kServerPort = "server.port";
inline constexpr std::string_view kErrorType = "error.type";
}  // namespace span_attributes

using SpanAttributeValue = std::variant<std::string, std::int64_t, double, bool>;

struct SpanAttribute {
  std::string key;
  SpanAttributeValue value;
};

// A finished, sampled span: what the sink receives.
struct SpanRecord {
  TraceId trace_id{};
  SpanId span_id{};
  std::optional<SpanId> parent;  // absent for a root that did not continue a caller's trace
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  std::int64_t start_unix_nanos = 0;
  std::int64_t end_unix_nanos = 0;
  std::vector<SpanAttribute> attributes;
  bool error = false;
  std::string status_message;  // only meaningful with `error`
};

// Where finished spans go. Called on I/O threads: must return at once, never block.
class SpanSink {
 public:
  virtual ~SpanSink() = default;
  virtual void enqueue(SpanRecord span) = 0;
};

// The parts of a W3C `traceparent` header (version 00).
struct TraceParent {
  TraceId trace_id{};
  SpanId parent_id{};
  bool sampled = false;

  // "00-<32 hex>-<16 hex>-<2 hex>", lowercase hex only, ids not all zero; anything else is nullopt
  // (the request then starts a trace of its own, as the W3C spec asks).
  static std::optional<TraceParent> parse(std::string_view header);
};

// A span being recorded (or, when not sampled, just carrying ids). Move-only; ends itself when
// destroyed if end() was not called.
class ActiveSpan {
 public:
  ActiveSpan() = default;  // a span of no trace: ids zero, not sampled
  ActiveSpan(ActiveSpan&& other) noexcept = default;
  ActiveSpan& operator=(ActiveSpan&& other) noexcept;
  ActiveSpan(const ActiveSpan&) = delete;
  ActiveSpan& operator=(const ActiveSpan&) = delete;
  ~ActiveSpan();

  // Whether the trace is recorded (here, and by the next hops that honour traceparent).
  bool sampled() const { return sampled_; }
  const TraceId& trace_id() const { return trace_id_; }
  const SpanId& span_id() const { return span_id_; }

  void set_attribute(std::string_view key, std::string_view value);
  // Without this a string literal would pick the bool overload (a pointer converts to bool).
  void set_attribute(std::string_view key, const char* value) { set_attribute(key, std::string_view(value)); }
  void set_attribute(std::string_view key, double value);
  void set_attribute(std::string_view key, bool value);
  // Any integer (a status code, a port, a token count) is recorded as a 64-bit integer.
  template <std::integral Integer>
    requires(!std::same_as<Integer, bool>)
  void set_attribute(std::string_view key, Integer value) {
    set_int_attribute(key, static_cast<std::int64_t>(value));
  }

  // Marks the span failed (OTLP status code ERROR) with a short, secret-free message.
  void set_error(std::string_view message);

  // Stamps the end time and hands the span to the sink when sampled; later calls do nothing.
  void end();

  // The `traceparent` header value naming this span as the parent of the next hop.
  std::string traceparent() const;

 private:
  friend class Tracer;
  struct Recording {
    SpanRecord record;
    std::shared_ptr<SpanSink> sink;
  };

  void set_int_attribute(std::string_view key, std::int64_t value);
  void add_attribute(std::string_view key, SpanAttributeValue value);

  TraceId trace_id_{};
  SpanId span_id_{};
  bool sampled_ = false;
  std::unique_ptr<Recording> recording_;  // only while a sampled span is open
};

class Tracer {
 public:
  // `sample_ratio` is server.otel_trace_sample_ratio (0.0..1.0).
  Tracer(double sample_ratio, std::shared_ptr<SpanSink> sink);

  // A server span for an inbound request; continues the caller's trace when `traceparent_header`
  // is a valid traceparent.
  ActiveSpan start_root(std::string_view name, std::string_view traceparent_header = {});
  // A span inside `parent`'s trace, sampled when it is; usually the call to an upstream.
  ActiveSpan start_child(const ActiveSpan& parent, std::string_view name, SpanKind kind = SpanKind::kClient);

  // TraceIdRatioBased: the trace id's low 8 bytes (big-endian, shifted right one bit) below
  // ratio * 2^63 — the same rule as OpenTelemetry's SDKs, so a trace id gets the same decision
  // in every service with the same ratio.
  static bool ratio_samples(const TraceId& trace_id, double ratio);

  // Reseeds the calling thread's id generator; tests use it for repeatable ids.
  static void seed_this_thread(std::uint64_t seed);

 private:
  ActiveSpan open_span(const TraceId& trace_id, std::optional<SpanId> parent, bool sampled,
                       std::string_view name, SpanKind kind) const;

  double sample_ratio_;
  std::shared_ptr<SpanSink> sink_;
};

}  // namespace sluice::observability
