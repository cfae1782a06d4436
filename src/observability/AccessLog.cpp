#include "observability/AccessLog.h"

#include "observability/JsonText.h"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace sluice::observability {
namespace {

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.push_back(',');
  append_json_string(out, name);
  out.push_back(':');
  append_json_string(out, value);
}

void append_field(std::string& out, std::string_view name, std::uint64_t value) {
  out.push_back(',');
  append_json_string(out, name);
  out.push_back(':');
  out += std::to_string(value);
}

}  // namespace

std::shared_ptr<AccessLog> AccessLog::to_stdout(std::size_t queue_lines) {
  spdlog::init_thread_pool(queue_lines, 1);
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto logger = std::make_shared<spdlog::async_logger>(
      "access", std::move(sink), spdlog::thread_pool(), spdlog::async_overflow_policy::block);
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return std::make_shared<AccessLog>(std::move(logger));
}

std::size_t AccessLog::queue_depth() const {
  // Only the stdout log is asynchronous; the thread pool is the one to_stdout() created.
  const auto pool = spdlog::thread_pool();
  return pool ? pool->queue_size() : 0;
}

AccessLog::AccessLog(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}

std::string AccessLog::format(const AccessLogRecord& record) {
  std::string line;
  line.reserve(256);
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  line += "{\"ts_us\":";
  line += std::to_string(now_us);
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
    line += ",\"usage\":{\"input_tokens\":" + std::to_string(record.input_tokens) +
            ",\"output_tokens\":" + std::to_string(record.output_tokens) +
            ",\"cached_input_tokens\":" + std::to_string(record.cached_input_tokens) +
            ",\"reasoning_tokens\":" + std::to_string(record.reasoning_tokens) + "}";
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
  return line;
}

void AccessLog::write(const AccessLogRecord& record) { logger_->info(format(record)); }

void AccessLog::flush() { logger_->flush(); }

}  // namespace sluice::observability
