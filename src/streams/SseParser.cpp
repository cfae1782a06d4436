#include "streams/SseParser.h"

#include "streams/StreamErrors.h"

#include <fmt/format.h>

namespace sluice::streams {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::size_t kBomDone = kByteOrderMark.size();

}  // namespace

SseParser::SseParser(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

void SseParser::feed(std::string_view bytes, const EventCallback& on_event) {
  if (failed_) return;
  std::size_t pos = 0;

  // WHATWG: one leading BOM is dropped. It may arrive split across chunks, so match byte by byte;
  // on a mismatch the bytes taken so far were ordinary content after all.
  while (bom_bytes_ < kBomDone && pos < bytes.size()) {
    if (bytes[pos] == kByteOrderMark[bom_bytes_]) {
      ++bom_bytes_;
      ++pos;
    } else {
      line_.append(kByteOrderMark.substr(0, bom_bytes_));
      bom_bytes_ = kBomDone;
    }
  }

  if (skip_lf_ && pos < bytes.size()) {
    if (bytes[pos] == '\n') ++pos;
    skip_lf_ = false;
  }

  while (pos < bytes.size()) {
    const std::size_t end = bytes.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      const std::string_view rest = bytes.substr(pos);
      if (exceeds_limit(line_.size() + rest.size())) return fail();
      line_.append(rest);
      return;
    }

    std::string_view line = bytes.substr(pos, end - pos);
    if (!line_.empty()) {
      // Only a line that straddles chunks is copied; the common case is read in place.
      if (exceeds_limit(line_.size() + line.size())) return fail();
      line_.append(line);
      line = line_;
    }
    process_line(line, on_event);
    if (failed_) return;
    line_.clear();

    pos = end + 1;
    if (bytes[end] == '\r') {
      if (pos == bytes.size()) {
        skip_lf_ = true;  // CRLF may be split across chunks: it is still one line end
      } else if (bytes[pos] == '\n') {
        ++pos;
      }
    }
  }
}

void SseParser::finish(const EventCallback& on_event) {
  if (failed_) return;
  if (bom_bytes_ < kBomDone) line_.append(kByteOrderMark.substr(0, bom_bytes_));
  if (!line_.empty()) {
    process_line(line_, on_event);
    if (failed_) return;
  }
  if (has_data_) dispatch(on_event);
  reset();  // a new body starts afresh, without the last event id
}

GatewayError SseParser::error() const {
  return upstream_transport_error(
      fmt::format("upstream sent a server-sent event larger than {} bytes", max_event_bytes_));
}

void SseParser::reset() {
  line_.clear();
  event_.clear();
  data_.clear();
  id_.clear();
  has_data_ = false;
  skip_lf_ = false;
  bom_bytes_ = 0;
  failed_ = false;
}

void SseParser::process_line(std::string_view line, const EventCallback& on_event) {
  if (line.empty()) {
    // WHATWG: a blank line with no data ends the event without dispatching it.
    if (has_data_) {
      dispatch(on_event);
    } else {
      event_.clear();
    }
    return;
  }
  if (line.front() == ':') return;  // comment (keep-alives such as ": OPENROUTER PROCESSING")

  std::string_view field = line;
  std::string_view value;
  if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }

  if (field == "data") {
    const std::size_t separator = has_data_ ? 1 : 0;
    if (exceeds_limit(separator + value.size())) return fail();
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    if (exceeds_limit(value.size())) return fail();
    event_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_.assign(value.substr(0, max_event_bytes_));
  }
  // `retry` only matters to a reconnecting browser; every other field name is ignored by the spec.
}

void SseParser::dispatch(const EventCallback& on_event) {
  const SseEvent event{event_, data_, id_};
  on_event(event);
  event_.clear();
  data_.clear();
  has_data_ = false;
}

bool SseParser::exceeds_limit(std::size_t extra_bytes) const {
  return event_.size() + data_.size() + extra_bytes > max_event_bytes_;
}

void SseParser::fail() {
  failed_ = true;
  // Drop what was buffered: the event is lost either way, and the memory should not outlive it.
  line_.clear();
  line_.shrink_to_fit();
  data_.clear();
  data_.shrink_to_fit();
  event_.clear();
}

}  // namespace sluice::streams
