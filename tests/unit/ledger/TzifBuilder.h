// Builds small TZif v2 files in memory, so tests can describe zones the system tzdata lacks (a DST
// jump at midnight) and exercise the parser without touching /usr/share/zoneinfo.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sluice::ledger::test {

struct TzifType {
  std::int32_t utc_offset;
  bool is_dst;
};

inline void put_be(std::string& out, std::uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// transitions: (UTC seconds, type index). The v1 block is left empty apart from one type, as
// zic -b slim writes it.
inline std::string make_tzif(const std::vector<TzifType>& types,
                             const std::vector<std::pair<std::int64_t, std::uint8_t>>& transitions,
                             const std::string& footer) {
  const auto header = [](std::string& out, std::uint64_t timecnt, std::uint64_t typecnt) {
    out += "TZif2";
    out.append(15, '\0');
    for (std::uint64_t count : {std::uint64_t{0}, std::uint64_t{0}, std::uint64_t{0}, timecnt,
                                typecnt, std::uint64_t{4}}) {
      put_be(out, count, 4);
    }
  };
  std::string out;
  header(out, 0, 1);
  put_be(out, 0, 4);
  out += std::string("\0\0", 2) + std::string("XXX\0", 4);
  header(out, transitions.size(), types.size());
  for (const auto& [at, type] : transitions) put_be(out, static_cast<std::uint64_t>(at), 8);
  for (const auto& [at, type] : transitions) out.push_back(static_cast<char>(type));
  for (const auto& type : types) {
    put_be(out, static_cast<std::uint32_t>(type.utc_offset), 4);
    out.push_back(type.is_dst ? '\1' : '\0');
    out.push_back('\0');
  }
  out += std::string("XXX\0", 4);
  out += "\n" + footer + "\n";
  return out;
}

}  // namespace sluice::ledger::test
