#include "auth/SigV4Signer.h"

#include "auth/SigV4Canonical.h"
#include "core/Digest.h"
#include "upstream/UpstreamUrl.h"

#include <boost/beast/http/verb.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace sluice::auth {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

using Mac = std::array<std::uint8_t, 32>;

Mac hmac_sha256(const void* key, std::size_t key_size, std::string_view data) {
  Mac mac{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key, static_cast<int>(key_size),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &size) == nullptr ||
      size != mac.size()) {
    throw std::runtime_error("SigV4: HMAC-SHA256 failed");
  }
  return mac;
}

Mac hmac_sha256(const Mac& key, std::string_view data) {
  return hmac_sha256(key.data(), key.size(), data);
}

std::string lower_case(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return lower;
}

bool has_session_token(const AwsCredentials& credentials) {
  return credentials.session_token && !credentials.session_token->empty();
}

}  // namespace

// A handful of entries is plenty: one signer sees one credential set at a time, plus its
// predecessor around a refresh and yesterday's key around midnight UTC.
class SigV4Signer::KeyCache {
 public:
  std::shared_ptr<const SigningKey> find(const AwsCredentials& credentials, std::string_view day) {
    const std::lock_guard lock(mutex_);
    return find_locked(credentials, day);
  }

  // Returns the cached key: `key` itself, or the one another thread derived and stored first.
  std::shared_ptr<const SigningKey> insert(const AwsCredentials& credentials, std::string_view day,
                                           std::shared_ptr<const SigningKey> key) {
    const std::lock_guard lock(mutex_);
    if (auto existing = find_locked(credentials, day)) return existing;
    if (entries_.size() >= kCapacity) entries_.erase(entries_.begin());  // the oldest
    entries_.push_back(Entry{credentials.access_key_id.reveal(), std::string(day),
                             credentials.secret_access_key, key});
    return key;
  }

 private:
  static constexpr std::size_t kCapacity = 4;

  struct Entry {
    std::string access_key_id;
    std::string day;
    config::Secret secret;
    std::shared_ptr<const SigningKey> key;
  };

  std::shared_ptr<const SigningKey> find_locked(const AwsCredentials& credentials,
                                                std::string_view day) const {
    for (const Entry& entry : entries_) {
      // The secret is part of the key so that a rotated secret under the same key id (unusual, but
      // possible with static credentials) cannot reuse a stale key.
      if (entry.day == day && entry.access_key_id == credentials.access_key_id.reveal() &&
          entry.secret == credentials.secret_access_key) {
        return entry.key;
      }
    }
    return nullptr;
  }

  std::mutex mutex_;
  std::vector<Entry> entries_;
};

SigV4Signer::SigningKey::~SigningKey() { OPENSSL_cleanse(bytes.data(), bytes.size()); }

SigV4Signer::SigV4Signer(std::string region, std::string service, SigV4Options options)
    : region_(std::move(region)),
      service_(std::move(service)),
      options_(options),
      cache_(std::make_unique<KeyCache>()) {}

SigV4Signer::~SigV4Signer() = default;
SigV4Signer::SigV4Signer(SigV4Signer&&) noexcept = default;
SigV4Signer& SigV4Signer::operator=(SigV4Signer&&) noexcept = default;

std::shared_ptr<const SigV4Signer::SigningKey> SigV4Signer::signing_key(
    const AwsCredentials& credentials, std::string_view day) const {
  if (auto cached = cache_->find(credentials, day)) return cached;

  std::string secret = "AWS4" + credentials.secret_access_key.reveal();
  Mac date_key = hmac_sha256(secret.data(), secret.size(), day);
  OPENSSL_cleanse(secret.data(), secret.size());
  Mac region_key = hmac_sha256(date_key, region_);
  Mac service_key = hmac_sha256(region_key, service_);
  auto key = std::make_shared<SigningKey>();
  key->bytes = hmac_sha256(service_key, "aws4_request");
  for (Mac* intermediate : {&date_key, &region_key, &service_key}) {
    OPENSSL_cleanse(intermediate->data(), intermediate->size());
  }
  return cache_->insert(credentials, day, std::move(key));
}

void SigV4Signer::sign(upstream::UpstreamRequest& request, const AwsCredentials& credentials,
                       std::chrono::system_clock::time_point now) const {
  sign_in_place(request, credentials, now);
}

SigV4Signer::Products SigV4Signer::sign_products(const upstream::UpstreamRequest& request,
                                                 const AwsCredentials& credentials,
                                                 std::chrono::system_clock::time_point now) const {
  upstream::UpstreamRequest copy = request;
  return sign_in_place(copy, credentials, now);
}

SigV4Signer::Products SigV4Signer::sign_in_place(upstream::UpstreamRequest& request,
                                                 const AwsCredentials& credentials,
                                                 std::chrono::system_clock::time_point now) const {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    throw std::invalid_argument("SigV4: the credentials have no access key id or secret key");
  }
  // Everything that can refuse runs before the request is touched, so a refusal leaves it as it
  // was.
  const sigv4::UrlTarget target = sigv4::split_url_target(request.url);
  std::optional<std::string> derived_host;
  if (request.find_header("host") == nullptr) {
    // UpstreamUrl is what the HTTP client derives its Host header from, so the signed value is
    // the sent one by construction.
    const auto url = upstream::UpstreamUrl::parse(request.url);
    if (!url) throw std::invalid_argument("SigV4: the request URL is not a valid http(s) URL");
    derived_host = url->host_header;
  }

  for (const std::string_view name :
       {"Authorization", "x-api-key", "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256"}) {
    request.remove_header(name);
  }
  if (derived_host) request.headers.emplace_back("Host", std::move(*derived_host));

  const std::string date = sigv4::amz_date(now);
  const std::string day = date.substr(0, 8);
  request.headers.emplace_back("X-Amz-Date", date);
  const std::string payload_hash = to_hex(sha256(request.body));
  if (options_.add_content_sha256) request.headers.emplace_back("x-amz-content-sha256", payload_hash);
  const bool token = has_session_token(credentials);
  if (token && options_.sign_session_token) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token->reveal());
  }

  // Repeated headers join with "," in the order they appear; std::map sorts names bytewise.
  std::map<std::string, std::string> canonical_headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = lower_case(name);
    if (!sigv4::is_signed_header(lower)) continue;
    auto [entry, inserted] = canonical_headers.try_emplace(std::move(lower));
    if (!inserted) entry->second += ',';
    entry->second += sigv4::canonical_header_value(value);
  }

  Products products;
  std::string header_block;
  for (const auto& [name, value] : canonical_headers) {
    header_block += name + ":" + value + "\n";
    if (!products.signed_headers.empty()) products.signed_headers += ';';
    products.signed_headers += name;
  }

  products.canonical_request = std::string(boost::beast::http::to_string(request.method));
  products.canonical_request += '\n';
  products.canonical_request +=
      sigv4::canonical_uri(target.path, options_.double_encode_path, options_.normalize_path);
  products.canonical_request += '\n';
  products.canonical_request += sigv4::canonical_query(target.query);
  products.canonical_request += '\n';
  products.canonical_request += header_block;
  products.canonical_request += '\n';
  products.canonical_request += products.signed_headers;
  products.canonical_request += '\n';
  products.canonical_request += payload_hash;

  const std::string scope = day + "/" + region_ + "/" + service_ + "/aws4_request";
  products.string_to_sign = std::string(kAlgorithm) + "\n" + date + "\n" + scope + "\n" +
                            to_hex(sha256(products.canonical_request));

  const std::shared_ptr<const SigningKey> key = signing_key(credentials, day);
  const Mac signature = hmac_sha256(key->bytes, products.string_to_sign);
  products.signature = to_hex(signature.data(), signature.size());
  products.authorization = std::string(kAlgorithm) +
                           " Credential=" + credentials.access_key_id.reveal() + "/" + scope +
                           ", SignedHeaders=" + products.signed_headers +
                           ", Signature=" + products.signature;

  if (token && !options_.sign_session_token) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token->reveal());
  }
  request.headers.emplace_back("Authorization", products.authorization);
  return products;
}

}  // namespace sluice::auth
