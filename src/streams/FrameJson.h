// FrameJson: how the stream normalizers look inside one SSE frame's JSON, paying for as little as
// each frame needs.
//
// Most frames are forwarded untouched, so building a DOM for every one would be waste. Three levels:
//   * text scans (has_non_null_member, max_integer_member) find a key anywhere in the text with no
//     parse at all; they decide whether a frame needs a closer look;
//   * is_object() checks a frame is one well-formed JSON object without building anything, so a
//     malformed frame is caught even when it is only forwarded;
//   * parse_object() builds a DOM in an arena that is reused from frame to frame.
// The text scans rely on a JSON fact: an unescaped `"key"` followed by `:` can only be an object
// key, since a quote inside a string is written `\"`. They see keys at every depth, so a hit may be
// somewhere uninteresting (the parse then says no); a key spelled with \u escapes is not seen,
// which no upstream does.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace sluice::streams {

class FrameJson {
 public:
  FrameJson();
  ~FrameJson();
  FrameJson(const FrameJson&) = delete;
  FrameJson& operator=(const FrameJson&) = delete;

  // True when `text` is exactly one well-formed JSON object (surrounding whitespace allowed).
  bool is_object(std::string_view text);

  // The object `text` holds, or nullptr when it is not one well-formed JSON object. The object
  // lives in this FrameJson's arena and is valid until the next parse_object() call; edits to it
  // allocate from the same arena.
  boost::json::object* parse_object(std::string_view text);

 private:
  class Validator;

  static constexpr std::size_t kArenaBytes = 8192;  // typical frames parse without a malloc

  // Both made at the first parse_object(), the buffer uninitialised. An inline array was zeroed
  // whenever the object holding this FrameJson was value-initialised (std::make_unique of a
  // normalizer), which made all 8 KiB resident in every open stream, parsed or not
  // (bench/README.md, "Fifth look").
  std::unique_ptr<unsigned char[]> arena_buffer_;
  std::optional<boost::json::monotonic_resource> arena_;
  boost::json::parser parser_;                      // kept so its value stack is reused
  std::optional<boost::json::value> value_;
  std::unique_ptr<Validator> validator_;
};

// True when some occurrence of `"key"` in `json` is followed by a value other than `null`.
// `key` is given without quotes.
bool has_non_null_member(std::string_view json, std::string_view key);

// The largest non-negative integer written as the value of `"key"` anywhere in `json`.
std::optional<std::int64_t> max_integer_member(std::string_view json, std::string_view key);

// `text` without leading and trailing JSON whitespace.
std::string_view trim_json_space(std::string_view text);

}  // namespace sluice::streams
