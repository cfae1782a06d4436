#include "upstream/UpstreamUrl.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::upstream {
namespace {

TEST(UpstreamUrl, HttpsDefaultsToPort443AndLeavesItOutOfTheHostHeader) {
  const auto url = UpstreamUrl::parse("https://API.Example.com/v1/chat/completions?api-version=1");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "api.example.com");
  EXPECT_FALSE(url->host_is_ip);
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->host_header, "api.example.com");
  EXPECT_EQ(url->target, "/v1/chat/completions?api-version=1");
  EXPECT_EQ(url->origin, "https://api.example.com:443");
  EXPECT_EQ(url->peer, "api.example.com:443");
}

TEST(UpstreamUrl, KeepsANonDefaultPortInTheHostHeader) {
  const auto url = UpstreamUrl::parse("http://127.0.0.1:8080");
  ASSERT_TRUE(url.ok());
  EXPECT_FALSE(url->tls);
  EXPECT_TRUE(url->host_is_ip);
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->host_header, "127.0.0.1:8080");
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->origin, "http://127.0.0.1:8080");
}

TEST(UpstreamUrl, ExplicitDefaultPortIsTheSameOrigin) {
  const auto url = UpstreamUrl::parse("https://api.example.com:443/x#fragment");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host_header, "api.example.com");
  EXPECT_EQ(url->origin, "https://api.example.com:443");
  EXPECT_EQ(url->target, "/x");
}

TEST(UpstreamUrl, Ipv6HostsAreBracketedOnTheWireOnly) {
  const auto url = UpstreamUrl::parse("http://[::1]:9000/v1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_TRUE(url->host_is_ip);
  EXPECT_EQ(url->host_header, "[::1]:9000");
  EXPECT_EQ(url->peer, "[::1]:9000");
}

TEST(UpstreamUrl, RefusesOtherSchemesUserInfoBadPortsAndRelativeUrls) {
  for (const char* text : {"ftp://example.com/", "https://user:secret@example.com/", "http://example.com:0/",
                           "http://example.com:70000/", "/v1/chat/completions", "not a url",
                           "https://exa%00mple.com/", "https://exa%2fmple.com/"}) {
    const auto url = UpstreamUrl::parse(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.error().status, 502) << text;
    EXPECT_EQ(url.error().code, "upstream_transport") << text;
    EXPECT_EQ(url.error().message.find("secret"), std::string::npos) << url.error().message;
  }
}

}  // namespace
}  // namespace sluice::upstream
