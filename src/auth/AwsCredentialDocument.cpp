#include "auth/AwsCredentialDocument.h"

#include "auth/AwsCredentialSource.h"
#include "core/PercentEncoding.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>


namespace sluice::auth {

namespace {

// Reads `count` decimal digits at `pos`; false when they are not all digits.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

const boost::json::string* string_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value ? value->if_string() : nullptr;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_aws_timestamp(std::string_view text) {
  using namespace std::chrono;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < 19 || !read_digits(text, 0, 4, year) || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !read_digits(text, 11, 2, hour) ||
      text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
      !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;

  std::size_t pos = 19;
  nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    long long scale = 100'000'000;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction += nanoseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == digits_start) return std::nullopt;
  }
  minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int offset_hours = 0, offset_minutes = 0;
    const bool negative = text[pos] == '-';
    if (!read_digits(text, pos + 1, 2, offset_hours) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !read_digits(text, pos + 4, 2, offset_minutes)) {
      return std::nullopt;
    }
    offset = hours(offset_hours) + minutes(offset_minutes);
    if (negative) offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;  // a time without a zone is ambiguous: refuse rather than guess
  }
  if (pos != text.size()) return std::nullopt;
  const auto local = sys_days{date} + hours(hour) + minutes(minute) + seconds(second);
  return time_point_cast<system_clock::duration>(local - offset + fraction);
}

Expected<AwsCredentials> parse_credential_document(std::string_view json,
                                                   const AwsCredentialDocumentShape& shape,
                                                   std::string source, std::string_view what) {
  boost::system::error_code error;
  const boost::json::value document = boost::json::parse(json, error);
  if (error || !document.is_object()) {
    return credentials_unavailable(fmt::format("{} is not a JSON object", what));
  }
  const boost::json::object& object = document.get_object();
  if (shape.requires_version_1) {
    const auto* version = object.if_contains("Version");
    if (!version || !version->is_number() || version->to_number<double>() != 1.0) {
      return credentials_unavailable(fmt::format("{} does not have \"Version\": 1", what));
    }
  }
  const auto* access_key = string_field(object, "AccessKeyId");
  const auto* secret_key = string_field(object, "SecretAccessKey");
  if (!access_key || access_key->empty()) {
    return credentials_unavailable(fmt::format("{} has no AccessKeyId", what));
  }
  if (!secret_key || secret_key->empty()) {
    return credentials_unavailable(fmt::format("{} has no SecretAccessKey", what));
  }
  AwsCredentials credentials;
  credentials.access_key_id = config::Secret(std::string(*access_key));
  credentials.secret_access_key = config::Secret(std::string(*secret_key));
  if (const auto* token = string_field(object, shape.session_token_field); token && !token->empty()) {
    credentials.session_token = config::Secret(std::string(*token));
  }
  if (const auto* expiration = object.if_contains("Expiration"); expiration && !expiration->is_null()) {
    const auto* text = expiration->if_string();
    auto when = text ? parse_aws_timestamp(*text) : std::nullopt;
    if (!when) {
      return credentials_unavailable(fmt::format("{} has an Expiration that is not ISO 8601", what));
    }
    credentials.expiration = *when;
  }
  credentials.source = std::move(source);
  return credentials;
}

std::string aws_form_encode(std::string_view text) {
  return percent_encode(text);
}

}  // namespace sluice::auth
