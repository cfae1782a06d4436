#include "server/RequestId.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <set>

namespace sluice::server {
namespace {

TEST(RequestId, AcceptsVisibleAsciiUpTo128Characters) {
  EXPECT_TRUE(is_acceptable_request_id("abc-123_XYZ:/.~!"));
  EXPECT_TRUE(is_acceptable_request_id(std::string(128, 'a')));
}

TEST(RequestId, RejectsEmptyOverlongSpacesAndControlCharacters) {
  EXPECT_FALSE(is_acceptable_request_id(""));
  EXPECT_FALSE(is_acceptable_request_id(std::string(129, 'a')));
  EXPECT_FALSE(is_acceptable_request_id("has space"));
  EXPECT_FALSE(is_acceptable_request_id("tab\there"));
  EXPECT_FALSE(is_acceptable_request_id("bell\x07"));
  EXPECT_FALSE(is_acceptable_request_id("del\x7f"));
  EXPECT_FALSE(is_acceptable_request_id("caf\xc3\xa9"));
}

TEST(RequestId, GeneratesUniqueAcceptableHexIds) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const auto id = generate_request_id();
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ASSERT_TRUE(is_acceptable_request_id(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(RequestId, StartsWithTheMillisecondsSoIdsSortByTime) {
  const std::string id = generate_request_id(0x018c'1234'5678LL);
  EXPECT_EQ(id.substr(0, 12), "018c12345678");
  EXPECT_LT(generate_request_id(1'700'000'000'000), generate_request_id(1'700'000'000'001));
  EXPECT_LT(generate_request_id(1'700'000'000'999), generate_request_id(1'700'000'001'000));
  // Within one millisecond the rest is random: two ids still differ.
  EXPECT_NE(generate_request_id(42), generate_request_id(42));
  const std::string now = generate_request_id();
  const auto ms = std::stoll(now.substr(0, 12), nullptr, 16);
  const auto expected = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_LE(std::llabs(expected - ms), 5'000);
}

}  // namespace
}  // namespace sluice::server
