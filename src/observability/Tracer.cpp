#include "observability/Tracer.h"

#include <chrono>
#include <cstring>
#include <random>

namespace sluice::observability {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

std::string hex_of(const std::uint8_t* bytes, std::size_t size) {
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kHexDigits[bytes[i] >> 4];
    out[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
  }
  return out;
}

// W3C trace context allows lowercase hex only.
int lowercase_hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

template <std::size_t N>
bool parse_hex(std::string_view text, std::array<std::uint8_t, N>& out) {
  if (text.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int high = lowercase_hex_value(text[2 * i]);
    const int low = lowercase_hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return true;
}

template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& id) {
  for (const auto byte : id) {
    if (byte != 0) return false;
  }
  return true;
}

std::mt19937_64& this_thread_generator() {
  thread_local std::mt19937_64 generator{(std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()};
  return generator;
}

template <std::size_t N>
std::array<std::uint8_t, N> random_nonzero_id() {
  std::array<std::uint8_t, N> id{};
  do {
    for (std::size_t i = 0; i < N; i += 8) {
      const std::uint64_t word = this_thread_generator()();
      std::memcpy(id.data() + i, &word, 8);
    }
  } while (all_zero(id));  // the all-zero id means "invalid" in W3C and OTLP
  return id;
}

std::int64_t now_unix_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string to_hex(const TraceId& id) { return hex_of(id.data(), id.size()); }
std::string to_hex(const SpanId& id) { return hex_of(id.data(), id.size()); }

// ---------------------------------------------------------------------------------------------
// TraceParent

std::optional<TraceParent> TraceParent::parse(std::string_view header) {
  // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2
  if (header.size() != 55 || header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  if (header.substr(0, 2) != "00") return std::nullopt;
  TraceParent parent;
  std::array<std::uint8_t, 1> flags{};
  if (!parse_hex(header.substr(3, 32), parent.trace_id) || !parse_hex(header.substr(36, 16), parent.parent_id) ||
      !parse_hex(header.substr(53, 2), flags)) {
    return std::nullopt;
  }
  if (all_zero(parent.trace_id) || all_zero(parent.parent_id)) return std::nullopt;
  parent.sampled = (flags[0] & 0x01) != 0;
  return parent;
}

// ---------------------------------------------------------------------------------------------
// ActiveSpan

ActiveSpan& ActiveSpan::operator=(ActiveSpan&& other) noexcept {
  if (this != &other) {
    end();
    trace_id_ = other.trace_id_;
    span_id_ = other.span_id_;
    sampled_ = other.sampled_;
    recording_ = std::move(other.recording_);
  }
  return *this;
}

ActiveSpan::~ActiveSpan() { end(); }

void ActiveSpan::set_attribute(std::string_view key, std::string_view value) {
  if (recording_) add_attribute(key, std::string(value));
}

void ActiveSpan::set_attribute(std::string_view key, double value) {
  if (recording_) add_attribute(key, value);
}

void ActiveSpan::set_attribute(std::string_view key, bool value) {
  if (recording_) add_attribute(key, value);
}

void ActiveSpan::set_int_attribute(std::string_view key, std::int64_t value) {
  if (recording_) add_attribute(key, value);
}

// A key set twice keeps its last value, as OpenTelemetry's SetAttribute does.
void ActiveSpan::add_attribute(std::string_view key, SpanAttributeValue value) {
  auto& attributes = recording_->record.attributes;
  for (auto& attribute : attributes) {
    if (attribute.key == key) {
      attribute.value = std::move(value);
      return;
    }
  }
  attributes.push_back(SpanAttribute{std::string(key), std::move(value)});
}

void ActiveSpan::set_error(std::string_view message) {
  if (!recording_) return;
  recording_->record.error = true;
  recording_->record.status_message = std::string(message);
}

void ActiveSpan::end() {
  if (!recording_) return;
  auto recording = std::move(recording_);
  recording->record.end_unix_nanos = now_unix_nanos();
  recording->sink->enqueue(std::move(recording->record));
}

std::string ActiveSpan::traceparent() const {
  std::string header = "00-";
  header += to_hex(trace_id_);
  header += '-';
  header += to_hex(span_id_);
  header += sampled_ ? "-01" : "-00";
  return header;
}

// ---------------------------------------------------------------------------------------------
// Tracer

Tracer::Tracer(double sample_ratio, std::shared_ptr<SpanSink> sink)
    : sample_ratio_(sample_ratio), sink_(std::move(sink)) {}

ActiveSpan Tracer::start_root(std::string_view name, std::string_view traceparent_header) {
  if (const auto inbound = TraceParent::parse(traceparent_header)) {
    return open_span(inbound->trace_id, inbound->parent_id, inbound->sampled, name, SpanKind::kServer);
  }
  const TraceId trace_id = random_nonzero_id<16>();
  return open_span(trace_id, std::nullopt, ratio_samples(trace_id, sample_ratio_), name, SpanKind::kServer);
}

ActiveSpan Tracer::start_child(const ActiveSpan& parent, std::string_view name, SpanKind kind) {
  return open_span(parent.trace_id(), parent.span_id(), parent.sampled(), name, kind);
}

ActiveSpan Tracer::open_span(const TraceId& trace_id, std::optional<SpanId> parent, bool sampled,
                             std::string_view name, SpanKind kind) const {
  ActiveSpan span;
  span.trace_id_ = trace_id;
  span.span_id_ = random_nonzero_id<8>();
  span.sampled_ = sampled;  // passed on upstream even when this process has nowhere to send spans
  if (sampled && sink_) {
    span.recording_ = std::make_unique<ActiveSpan::Recording>();
    SpanRecord& record = span.recording_->record;
    record.trace_id = trace_id;
    record.span_id = span.span_id_;
    record.parent = parent;
    record.name = std::string(name);
    record.kind = kind;
    record.start_unix_nanos = now_unix_nanos();
    span.recording_->sink = sink_;
  }
  return span;
}

bool Tracer::ratio_samples(const TraceId& trace_id, double ratio) {
  if (ratio >= 1.0) return true;
  if (!(ratio > 0.0)) return false;  // also NaN
  const auto upper_bound = static_cast<std::uint64_t>(ratio * 9223372036854775808.0);  // ratio * 2^63
  std::uint64_t low = 0;
  for (std::size_t i = 8; i < 16; ++i) low = (low << 8) | trace_id[i];
  return (low >> 1) < upper_bound;
}

void Tracer::seed_this_thread(std::uint64_t seed) { this_thread_generator().seed(seed); }

}  // namespace sluice::observability
