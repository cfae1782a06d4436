#include "observability/AccessLog.h"

#include "observability/JsonText.h"

#include <unistd.h>

#include <charconv>
#include <chrono>

namespace sluice::observability {
namespace {

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.push_back(',');
  append_json_string(out, name);
  out.push_back(':');
  append_json_string(out, value);
}

template <typename Integer>
void append_number(std::string& out, Integer value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::uint64_t value) {
  out.push_back(',');
  append_json_string(out, name);
  out.push_back(':');
  append_number(out, value);
}

}  // namespace

std::shared_ptr<AccessLog> AccessLog::to_stdout() {
  return std::make_shared<AccessLog>(std::make_unique<BatchedLineWriter>(STDOUT_FILENO));
}

AccessLog::AccessLog(std::unique_ptr<BatchedLineWriter> writer) : writer_(std::move(writer)) {}

AccessLog::~AccessLog() = default;

std::size_t AccessLog::queue_depth() const { return writer_ ? writer_->pending_lines() : 0; }

std::string AccessLog::format(const AccessLogRecord& record) {
  std::string line;
  format_into(line, record);
  return line;
}

void AccessLog::format_into(std::string& line, const AccessLogRecord& record) {
  line.clear();
  line.reserve(512);
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  line += "{\"ts_us\":";
  append_number(line, now_us);
  append_field(line, "request_id", record.request_id);
  append_field(line, "method", record.method);
  append_field(line, "path", record.path);
  append_field(line, "status", std::uint64_t{record.status});
  append_field(line, "duration_us", record.duration_us);
  append_field(line, "request_bytes", record.request_bytes);
  append_field(line, "response_bytes", record.response_bytes);
  if (!record.model.empty()) append_field(line, "model", record.model);
  if (!record.resolved_model.empty()) append_field(line, "resolved_model", record.resolved_model);
  if (!record.key_name.empty()) append_field(line, "key_name", record.key_name);
  if (!record.route.empty()) append_field(line, "route", record.route);
  if (record.upstream_status != 0) append_field(line, "upstream_status", std::uint64_t{record.upstream_status});
  if (record.usage_present) {
    line += ",\"usage\":{\"input_tokens\":";
    append_number(line, record.input_tokens);
    line += ",\"output_tokens\":";
    append_number(line, record.output_tokens);
    line += ",\"cached_input_tokens\":";
    append_number(line, record.cached_input_tokens);
    line += ",\"reasoning_tokens\":";
    append_number(line, record.reasoning_tokens);
    line.push_back('}');
  }
  if (!record.attempts.empty()) {
    line += ",\"attempts\":[";
    bool first = true;
    for (const AttemptRecord& attempt : record.attempts) {
      if (!first) line.push_back(',');
      first = false;
      line += "{\"route\":";
      append_json_string(line, attempt.route);
      append_field(line, "outcome", attempt.outcome);
      append_field(line, "status", std::uint64_t{attempt.status});
      append_field(line, "duration_us", attempt.duration_us);
      if (attempt.first_byte_us != 0) append_field(line, "first_byte_us", attempt.first_byte_us);
      line.push_back('}');
    }
    line.push_back(']');
  }
  if (!record.error_code.empty()) append_field(line, "error_code", record.error_code);
  if (!record.remote.empty()) append_field(line, "remote", record.remote);
  line.push_back('}');
}

void AccessLog::write(const AccessLogRecord& record) {
  if (!writer_) return;
  // One buffer per thread keeps its capacity: no allocation per line.
  thread_local std::string line;
  format_into(line, record);
  writer_->append(line);
}

void AccessLog::flush() {
  if (writer_) writer_->flush();
}

}  // namespace sluice::observability
