// The gateway API key format, gwk_<public_id>.<secret>.
#include "config/ApiKeyFormat.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::config {
namespace {

TEST(ApiKeyFormat, SplitsPublicIdAndSecret) {
  const auto key = parse_api_key("gwk_demo0001.0123456789abcdef_-XY");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->public_id, "demo0001");
  EXPECT_EQ(key->secret, "0123456789abcdef_-XY");
}

TEST(ApiKeyFormat, AcceptsTheLengthBounds) {
  EXPECT_TRUE(parse_api_key("gwk_abcd." + std::string(16, 'x')));
  EXPECT_TRUE(parse_api_key("gwk_" + std::string(64, 'a') + "." + std::string(256, 'x')));
}

class ApiKeyFormatRejects : public ::testing::TestWithParam<std::string> {};

TEST_P(ApiKeyFormatRejects, MalformedKey) { EXPECT_FALSE(parse_api_key(GetParam())) << GetParam(); }

INSTANTIATE_TEST_SUITE_P(
    ApiKeyTable, ApiKeyFormatRejects,
    ::testing::Values(std::string(""), std::string("sk-0123456789abcdef0123"),
                      std::string("gwk_demo00010123456789abcdef"),          // no dot
                      std::string("GWK_demo0001.0123456789abcdef"),         // prefix is lower case
                      std::string("gwk_abc.0123456789abcdef"),              // public id too short
                      "gwk_" + std::string(65, 'a') + ".0123456789abcdef",  // public id too long
                      std::string("gwk_demo-001.0123456789abcdef"),         // '-' not in public id
                      std::string("gwk_demo0001.0123456789abcde"),          // secret too short
                      "gwk_demo0001." + std::string(257, 'x'),              // secret too long
                      std::string("gwk_demo0001.0123456789abcdef.x"),       // '.' not in secret
                      std::string("gwk_demo0001.0123456789abcdef "),        // trailing space
                      std::string(" gwk_demo0001.0123456789abcdef"),        // leading space
                      std::string("gwk_.0123456789abcdef")));

}  // namespace
}  // namespace sluice::config
