#include "observability/JsonLogFormatter.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace sluice::observability {
namespace {

std::string log_one(spdlog::level::level_enum level, std::string_view text) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("sluice", sink);
  logger.set_formatter(std::make_unique<JsonLogFormatter>());
  logger.log(level, "{}", text);
  return out.str();
}

TEST(JsonLogFormatterTest, WritesOneJsonObjectPerLineWithLevelLoggerAndMessage) {
  const std::string line = log_one(spdlog::level::warn, "upstream slow");
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  const auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("level"), "warning");
  EXPECT_EQ(parsed.at("logger"), "sluice");
  EXPECT_EQ(parsed.at("msg"), "upstream slow");
  const std::string ts(parsed.at("ts").as_string());
  EXPECT_EQ(ts.size(), std::string("2026-11-25T16:40:00.123Z").size());
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(JsonLogFormatterTest, EscapesQuotesNewlinesAndControlCharactersInTheMessage) {
  const std::string line = log_one(spdlog::level::err, "bad \"file\"\nline two\x01");
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  const auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("msg"), "bad \"file\"\nline two\x01");
}

}  // namespace
}  // namespace sluice::observability
