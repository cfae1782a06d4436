// JsonText: appending JSON string literals to hand-built JSON lines (the access log, JSON
// diagnostics), where building a DOM per line would cost more than the line itself.
#pragma once

#include <string>
#include <string_view>

namespace sluice::observability {

// Appends `text` as a quoted JSON string: quotes, backslashes and control characters escaped.
// Bytes >= 0x80 pass through (UTF-8 stays UTF-8).
inline void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0x0f]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace sluice::observability
