#include "routing/RetryPolicy.h"

#include "observability/AccessLog.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::routing {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, RetryableStatuses) {
  for (unsigned status : {429u, 500u, 502u, 503u, 504u}) EXPECT_TRUE(is_retryable_status(status)) << status;
  for (unsigned status : {200u, 400u, 401u, 403u, 404u, 413u, 422u, 501u}) {
    EXPECT_FALSE(is_retryable_status(status)) << status;
  }
}

TEST(RetryPolicy, RetryableErrors) {
  EXPECT_TRUE(is_retryable_error({502, "upstream_error", "upstream_transport", std::nullopt, ""}));
  EXPECT_TRUE(is_retryable_error({504, "upstream_error", "upstream_timeout", std::nullopt, ""}));
  EXPECT_TRUE(is_retryable_error({502, "upstream_error", "upstream_credentials", std::nullopt, ""}));
  EXPECT_FALSE(is_retryable_error(GatewayError::invalid_request("x")));
}

TEST(RetryPolicy, OutcomeNames) {
  EXPECT_EQ(outcome_for_status(200), "ok");
  EXPECT_EQ(outcome_for_status(429), "http_429");
}

TEST(RetryPolicy, FullJitterBackoffStaysWithinTheExponentialCeiling) {
  config::RoutingPolicy policy;
  policy.backoff_base = milliseconds(100);
  policy.backoff_max = milliseconds(2000);
  std::mt19937_64 random(5);
  for (unsigned retry = 0; retry < 8; ++retry) {
    const auto ceiling = std::min<std::int64_t>(2000, 100LL << retry);
    std::int64_t largest = 0;
    std::int64_t smallest = ceiling;
    for (int i = 0; i < 2000; ++i) {
      const auto wait = full_jitter_backoff(policy, retry, random).count();
      ASSERT_GE(wait, 0);
      ASSERT_LE(wait, ceiling) << "retry " << retry;
      largest = std::max(largest, wait);
      smallest = std::min(smallest, wait);
    }
    // Full jitter spreads over the whole range, not just near the ceiling.
    EXPECT_GT(largest, ceiling * 9 / 10) << retry;
    EXPECT_LT(smallest, ceiling / 10 + 1) << retry;
  }
}

TEST(RetryPolicy, ZeroBaseMeansNoWait) {
  config::RoutingPolicy policy;
  policy.backoff_base = milliseconds(0);
  std::mt19937_64 random(5);
  EXPECT_EQ(full_jitter_backoff(policy, 3, random), milliseconds(0));
}

TEST(RetryPolicy, RetryAfterDeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120"), milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 0 "), milliseconds(0));
  EXPECT_FALSE(parse_retry_after("").has_value());
  EXPECT_FALSE(parse_retry_after("-1").has_value());
  EXPECT_FALSE(parse_retry_after("1.5").has_value());
  EXPECT_FALSE(parse_retry_after("soon").has_value());
}

TEST(RetryPolicy, RetryAfterHttpDate) {
  const auto now = std::chrono::system_clock::from_time_t(1445412470);  // 2015-10-21 07:27:50 UTC
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:00 2015", now), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), milliseconds(0));  // past
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015", now).has_value());
}

TEST(RetryPolicyAccessLog, ListsEveryAttemptInOrder) {
  observability::AccessLogRecord record;
  record.request_id = "r1";
  record.attempts.push_back({"a/m1", "upstream_transport", 0, 1200});
  record.attempts.push_back({"b/m2", "http_503", 503, 800});
  record.attempts.push_back({"c/m3", "ok", 200, 5000});
  const auto line = boost::json::parse(observability::AccessLog::format(record)).as_object();
  const auto& attempts = line.at("attempts").as_array();
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].at("route").as_string(), "a/m1");
  EXPECT_EQ(attempts[0].at("outcome").as_string(), "upstream_transport");
  EXPECT_EQ(attempts[0].at("status").as_int64(), 0);
  EXPECT_EQ(attempts[1].at("status").as_int64(), 503);
  EXPECT_EQ(attempts[2].at("outcome").as_string(), "ok");
  EXPECT_EQ(attempts[2].at("duration_us").as_int64(), 5000);
}

TEST(RetryPolicyAccessLog, NoAttemptsNoField) {
  observability::AccessLogRecord record;
  const auto line = boost::json::parse(observability::AccessLog::format(record)).as_object();
  EXPECT_FALSE(line.contains("attempts"));
}

}  // namespace
}  // namespace sluice::routing
