// SigV4Signer: signs an upstream request with AWS Signature Version 4, in the Authorization header.
//
// It is the last step before an AWS request (Bedrock Runtime, Bedrock Mantle) is sent: providers/
// has fixed the URL, body and headers, and the signature covers them as they are, so nothing may
// change a signed header or the body afterwards. One signer serves one (region, service) pair and
// may be shared by concurrent requests: sign() only touches the request it is given, plus a small
// mutex-guarded cache of derived signing keys, so the four HMACs that derive a key run once per
// (access key, day) instead of on every request.
//
// What is signed (the rule for every request, ours and the AWS suites' alike): `host`, `x-amz-date`,
// `x-amz-content-sha256` (unless options say otherwise), `x-amz-security-token` for session
// credentials (unless options say otherwise), and every other header the request carries except the
// few sigv4::is_signed_header() names (authorization, user-agent, x-amzn-trace-id and hop-by-hop
// headers). The canonical URI and query come from the request URL's path and query exactly as
// written (see SigV4Canonical.h for each rule).
//
// Query-string signing (presigned URLs) is not built: the gateway only signs headers.
//
// Secrets: the secret key and derived keys never leave this class except into the HMAC, and no
// exception message carries a credential. The session token is a header value on the wire, so it
// does appear in Products::canonical_request; that struct is for tests and must not be logged.
#pragma once

#include "auth/AwsCredentials.h"
#include "upstream/UpstreamRequest.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::auth {

struct SigV4Options {
  // Non-S3 services encode the path as written once more (`%3A` → `%253A`); S3 wants false.
  bool double_encode_path = true;
  // Remove `.` and empty segments and resolve `..` before encoding; S3 wants false.
  bool normalize_path = true;
  // Add a signed `x-amz-content-sha256: <hex SHA-256 of the body>` header. The canonical request's
  // last line is that hash either way (SigV4 always signs the payload); this only decides whether
  // the header is sent. Bedrock accepts it and our requests always carry it; the classic AWS suite
  // runs without it.
  bool add_content_sha256 = true;
  // Sign `X-Amz-Security-Token` (the AWS default). false adds the header after signing, for the
  // few services that want the token outside the signature.
  bool sign_session_token = true;
};

class SigV4Signer {
 public:
  // The intermediate products of one signature, for tests and diagnostics.
  struct Products {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signed_headers;  // "host;x-amz-date"
    std::string signature;       // lower-case hex
    std::string authorization;   // the Authorization header's value
  };

  // kSigning = HMAC chain over "AWS4" + secret, day, region, service, "aws4_request". It is as
  // good as the secret for that day and scope, so it is wiped when the last holder lets go.
  struct SigningKey {
    std::array<std::uint8_t, 32> bytes{};
    SigningKey() = default;
    SigningKey(const SigningKey&) = delete;
    SigningKey& operator=(const SigningKey&) = delete;
    ~SigningKey();
  };

  SigV4Signer(std::string region, std::string service, SigV4Options options = {});
  ~SigV4Signer();
  SigV4Signer(SigV4Signer&&) noexcept;
  SigV4Signer& operator=(SigV4Signer&&) noexcept;

  // Removes any Authorization, x-api-key, X-Amz-Date, X-Amz-Security-Token and
  // x-amz-content-sha256 headers (a credential an admin configured must not travel alongside ours,
  // and stale signing headers would contradict the new signature), then appends Host (when
  // absent: the URL's host, with `:port` only when not the scheme's default, as the HTTP client
  // sends it), X-Amz-Date, x-amz-content-sha256, X-Amz-Security-Token and Authorization.
  // Throws std::invalid_argument when the URL is not an absolute http(s) URL or the credentials
  // lack a key id or secret; the message names neither the URL nor any credential.
  void sign(upstream::UpstreamRequest& request, const AwsCredentials& credentials,
            std::chrono::system_clock::time_point now) const;

  // What sign() would compute for `request`, without changing it.
  Products sign_products(const upstream::UpstreamRequest& request, const AwsCredentials& credentials,
                         std::chrono::system_clock::time_point now) const;

  // The signing key for `credentials` on `day` ("20150830") in this signer's region and service,
  // from the cache when it is there (the same object then comes back).
  std::shared_ptr<const SigningKey> signing_key(const AwsCredentials& credentials,
                                                std::string_view day) const;

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }
  const SigV4Options& options() const { return options_; }

 private:
  class KeyCache;

  Products sign_in_place(upstream::UpstreamRequest& request, const AwsCredentials& credentials,
                         std::chrono::system_clock::time_point now) const;

  std::string region_;
  std::string service_;
  SigV4Options options_;
  std::unique_ptr<KeyCache> cache_;  // behind a pointer: a mutex would pin the signer in place
};

}  // namespace sluice::auth
