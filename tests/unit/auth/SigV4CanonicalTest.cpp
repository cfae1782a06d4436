#include "auth/SigV4Canonical.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sluice::auth::sigv4 {
namespace {

using namespace std::chrono;

TEST(SigV4CanonicalTest, UriEncodeKeepsUnreservedAndEscapesEverythingElseUpperCase) {
  EXPECT_EQ(uri_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("a b/c:d%e+f$"), "a%20b%2Fc%3Ad%25e%2Bf%24");
  EXPECT_EQ(uri_encode("\xE1\x88\xB4"), "%E1%88%B4");
  EXPECT_EQ(uri_encode("a/b c", /*keep_slash=*/true), "a/b%20c");
}

TEST(SigV4CanonicalTest, PercentDecodeLeavesBrokenEscapesAndPlusSigns) {
  EXPECT_EQ(percent_decode("a%3Ab%3a"), "a:b:");
  EXPECT_EQ(percent_decode("%zz%4+%"), "%zz%4+%");
}

TEST(SigV4CanonicalTest, DoubleEncodingEscapesAnAlreadyEncodedArnAgain) {
  EXPECT_EQ(canonical_uri("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus."
                          "anthropic.claude/converse",
                          /*double_encode=*/true, /*normalize=*/true),
            "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123%253Ainference-profile%252Fus."
            "anthropic.claude/converse");
}

TEST(SigV4CanonicalTest, SingleEncodingNormalizesEscapesWithoutAddingALayer) {
  EXPECT_EQ(canonical_uri("/model/arn%3aaws%3Abedrock%2Fx/converse", false, false),
            "/model/arn%3Aaws%3Abedrock%2Fx/converse");
  EXPECT_EQ(canonical_uri("/a b/%7e/$", false, false), "/a%20b/~/%24");
}

TEST(SigV4CanonicalTest, NormalizationResolvesDotsAndCollapsesSlashesKeepingTheTrailingOne) {
  EXPECT_EQ(canonical_uri("/a/./b/../c//d/", true, true), "/a/c/d/");
  EXPECT_EQ(canonical_uri("/a/b/..", true, true), "/a");
  EXPECT_EQ(canonical_uri("/../..", true, true), "/");
  EXPECT_EQ(canonical_uri("", true, true), "/");
  EXPECT_EQ(canonical_uri("", true, false), "/");
}

TEST(SigV4CanonicalTest, EscapedDotsAreNamesNotDotSegments) {
  EXPECT_EQ(canonical_uri("/a/%2E%2E/b", true, true), "/a/%252E%252E/b");
}

TEST(SigV4CanonicalTest, UnnormalizedPathKeepsEverySegment) {
  EXPECT_EQ(canonical_uri("//a/./b/../", true, false), "//a/./b/../");
}

TEST(SigV4CanonicalTest, QueryIsDecodedReencodedAndSortedByNameThenValue) {
  EXPECT_EQ(canonical_query("b=2&a=&c&a=1&&"), "a=&a=1&b=2&c=");
  EXPECT_EQ(canonical_query("x=a%20b+c&%7e=%7E"), "x=a%20b%2Bc&~=~");
  EXPECT_EQ(canonical_query(""), "");
}

TEST(SigV4CanonicalTest, HeaderValueIsTrimmedAndInnerWhitespaceCollapsedEvenInQuotes) {
  EXPECT_EQ(canonical_header_value("  a   b\t\tc  "), "a b c");
  EXPECT_EQ(canonical_header_value("\"a   b   c\""), "\"a b c\"");
  EXPECT_EQ(canonical_header_value("   "), "");
}

TEST(SigV4CanonicalTest, AmzDateIsUtcBasicFormatTruncatedToSeconds) {
  const system_clock::time_point when =
      sys_days{year{2015} / 8 / 30} + hours{12} + minutes{36} + milliseconds{999};
  EXPECT_EQ(amz_date(when), "20150830T123600Z");
  EXPECT_EQ(amz_day(when), "20150830");
  EXPECT_EQ(amz_date(sys_days{year{2026} / 1 / 5} + hours{3} + seconds{7}), "20260105T030007Z");
}

TEST(SigV4CanonicalTest, SplitUrlTargetReturnsPathAndQueryAsWritten) {
  const UrlTarget target = split_url_target("https://h.example:8443/a%3Ab/c d?x=1&y#frag");
  EXPECT_EQ(target.path, "/a%3Ab/c d");
  EXPECT_EQ(target.query, "x=1&y");
  EXPECT_EQ(split_url_target("https://h.example").path, "");
  EXPECT_EQ(split_url_target("https://h.example?x=1").query, "x=1");
  EXPECT_EQ(split_url_target("https://h.example/p#f?no").query, "");
}

TEST(SigV4CanonicalTest, SplitUrlTargetRefusesARelativeUrlWithoutEchoingIt) {
  try {
    split_url_target("/path?token=hunter2");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos);
  }
}

TEST(SigV4CanonicalTest, CredentialAndHopByHopHeadersAreNotSigned) {
  for (const char* name : {"authorization", "user-agent", "x-amzn-trace-id", "expect", "connection",
                           "transfer-encoding", "te", "upgrade"}) {
    EXPECT_FALSE(is_signed_header(name)) << name;
  }
  for (const char* name : {"host", "content-type", "content-length", "accept", "x-amz-date",
                           "x-amz-security-token", "x-amzn-bedrock-guardrailidentifier"}) {
    EXPECT_TRUE(is_signed_header(name)) << name;
  }
}

}  // namespace
}  // namespace sluice::auth::sigv4
