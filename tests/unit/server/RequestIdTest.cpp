#include "server/RequestId.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sluice::server
