#include "observability/JsonLogFormatter.h"

#include "observability/JsonText.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <string>

namespace sluice::observability {

void JsonLogFormatter::format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) {
  const auto since_epoch = message.time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t as_time_t = seconds.count();
  std::tm utc{};
  gmtime_r(&as_time_t, &utc);

  std::string line = fmt::format(R"({{"ts":"{:%Y-%m-%dT%H:%M:%S}.{:03}Z","level":)", utc, millis);
  const auto level = spdlog::level::to_string_view(message.level);
  append_json_string(line, std::string_view(level.data(), level.size()));
  line += ",\"logger\":";
  append_json_string(line, std::string_view(message.logger_name.data(), message.logger_name.size()));
  line += ",\"msg\":";
  append_json_string(line, std::string_view(message.payload.data(), message.payload.size()));
  line += "}\n";
  out.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace sluice::observability
