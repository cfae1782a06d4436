#include "streams/FrameJson.h"

#include <boost/json/basic_parser_impl.hpp>

#include <limits>

namespace sluice::streams {
namespace {

namespace json = boost::json;

// Upstream frames carry tool JSON schemas (response.created echoes the request's tools), which nest
// deeper than Boost.JSON's default limit of 32.
json::parse_options frame_parse_options() {
  json::parse_options options;
  options.max_depth = 512;
  return options;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Where the value starts for a `"key"` occurrence whose closing quote ends just before `after_key`,
// or npos when no colon follows (then the occurrence was a string value, not a key).
std::size_t value_start(std::string_view json, std::size_t after_key) {
  std::size_t pos = after_key;
  while (pos < json.size() && is_json_space(json[pos])) ++pos;
  if (pos == json.size() || json[pos] != ':') return std::string_view::npos;
  ++pos;
  while (pos < json.size() && is_json_space(json[pos])) ++pos;
  return pos;
}

// Calls `on_value(value_text)` for every `"key":` occurrence, until it returns true.
template <typename OnValue>
bool any_member_value(std::string_view json, std::string_view key, OnValue on_value) {
  std::size_t from = 0;
  while (true) {
    const std::size_t open = json.find(key, from);
    if (open == std::string_view::npos) return false;
    from = open + key.size();
    if (open == 0 || json[open - 1] != '"' || from >= json.size() || json[from] != '"') continue;
    const std::size_t start = value_start(json, from + 1);
    if (start == std::string_view::npos) continue;
    if (on_value(json.substr(start))) return true;
  }
}

}  // namespace

// A SAX handler that builds nothing: basic_parser does the validating, this only notes whether the
// document's top-level value is an object.
class FrameJson::Validator {
 public:
  struct Handler {
    static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();

    std::size_t depth = 0;
    bool top_is_object = false;

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_array_begin(json::error_code&) { return enter(false); }
    bool on_array_end(std::size_t, json::error_code&) { return leave(); }
    bool on_object_begin(json::error_code&) { return enter(true); }
    bool on_object_end(std::size_t, json::error_code&) { return leave(); }
    bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_key_part(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_key(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_number_part(json::string_view, json::error_code&) { return true; }
    bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
    bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
    bool on_double(double, json::string_view, json::error_code&) { return true; }
    bool on_bool(bool, json::error_code&) { return true; }
    bool on_null(json::error_code&) { return true; }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }

   private:
    bool enter(bool object) {
      if (depth++ == 0) top_is_object = object;
      return true;
    }
    bool leave() {
      --depth;
      return true;
    }
  };

  Validator() : parser_(frame_parse_options()) {}

  bool is_object(std::string_view text) {
    parser_.reset();
    parser_.handler() = Handler{};
    json::error_code ec;
    const std::size_t used = parser_.write_some(false, text.data(), text.size(), ec);
    return !ec && used == text.size() && parser_.done() && parser_.handler().top_is_object;
  }

 private:
  json::basic_parser<Handler> parser_;
};

FrameJson::FrameJson()
    : parser_(json::storage_ptr(), frame_parse_options()),
      validator_(std::make_unique<Validator>()) {}

FrameJson::~FrameJson() = default;

bool FrameJson::is_object(std::string_view text) { return validator_->is_object(text); }

json::object* FrameJson::parse_object(std::string_view text) {
  // The previous frame's DOM goes first: the arena is about to take its memory back.
  value_.reset();
  if (arena_) {
    arena_->release();
  } else {
    arena_buffer_ = std::make_unique_for_overwrite<unsigned char[]>(kArenaBytes);
    arena_.emplace(arena_buffer_.get(), kArenaBytes);
  }
  parser_.reset(json::storage_ptr(&*arena_));
  json::error_code ec;
  parser_.write(text.data(), text.size(), ec);
  if (ec) return nullptr;
  value_.emplace(parser_.release());
  return value_->if_object();
}

bool has_non_null_member(std::string_view json, std::string_view key) {
  return any_member_value(json, key, [](std::string_view value) {
    return value.substr(0, 4) != "null";
  });
}

std::optional<std::int64_t> max_integer_member(std::string_view json, std::string_view key) {
  std::optional<std::int64_t> best;
  any_member_value(json, key, [&best](std::string_view value) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    for (; digits < value.size() && digits < 18 && value[digits] >= '0' && value[digits] <= '9';
         ++digits) {
      number = number * 10 + (value[digits] - '0');
    }
    if (digits > 0 && (!best || number > *best)) best = number;
    return false;
  });
  return best;
}

std::string_view trim_json_space(std::string_view text) {
  while (!text.empty() && is_json_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_json_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace sluice::streams
