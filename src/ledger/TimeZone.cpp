#include "ledger/TimeZone.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace sluice::ledger {

namespace {

using namespace std::chrono;

bool fail(std::string* why, std::string reason) {
  if (why != nullptr) *why = std::move(reason);
  return false;
}

bool is_valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  for (const char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' || c == '+' ||
                         c == '.';
    if (!allowed) return false;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const auto segment = name.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

// Big-endian reads over the file bytes; every read is bounds-checked through `ok`.
struct TzifReader {
  std::string_view bytes;
  std::size_t pos = 0;
  bool ok = true;

  bool has(std::size_t count) {
    ok = ok && count <= bytes.size() - pos;
    return ok;
  }
  std::uint64_t unsigned_be(std::size_t width) {
    if (!has(width)) return 0;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value = (value << 8) | static_cast<unsigned char>(bytes[pos + i]);
    }
    pos += width;
    return value;
  }
  std::int64_t signed_be(std::size_t width) {
    const std::uint64_t raw = unsigned_be(width);
    if (width == 8) return static_cast<std::int64_t>(raw);
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(raw));
  }
  void skip(std::size_t count) {
    if (has(count)) pos += count;
  }
};

struct TzifHeader {
  char version = 0;
  std::uint64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  std::uint64_t data_size(std::size_t time_size) const {
    return timecnt * time_size + timecnt + typecnt * 6 + charcnt + leapcnt * (time_size + 4) +
           isstdcnt + isutcnt;
  }
};

std::optional<TzifHeader> read_header(TzifReader& in) {
  if (!in.has(44) || in.bytes.substr(in.pos, 4) != "TZif") return std::nullopt;
  TzifHeader header;
  header.version = in.bytes[in.pos + 4];
  in.skip(20);
  header.isutcnt = in.unsigned_be(4);
  header.isstdcnt = in.unsigned_be(4);
  header.leapcnt = in.unsigned_be(4);
  header.timecnt = in.unsigned_be(4);
  header.typecnt = in.unsigned_be(4);
  header.charcnt = in.unsigned_be(4);
  if (header.typecnt == 0 || header.typecnt > 256) return std::nullopt;
  return header;
}

}  // namespace

TimeZone TimeZone::utc() { return TimeZone("UTC"); }

std::optional<TimeZone> TimeZone::load(std::string_view name, std::string* why,
                                       const std::filesystem::path& zoneinfo_dir) {
  if (name == "UTC" || name == "Etc/UTC") {
    TimeZone zone = utc();
    zone.name_ = std::string(name);
    return zone;
  }
  if (!is_valid_zone_name(name)) {
    fail(why, fmt::format("`{}` is not a valid time zone name", name));
    return std::nullopt;
  }
  const auto path = zoneinfo_dir / std::string(name);
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!std::filesystem::is_regular_file(path, ec) || !in) {
    fail(why, fmt::format("unknown time zone `{}`", name));
    return std::nullopt;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return from_tzif(std::string(name), bytes.str(), why);
}

std::optional<TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes,
                                            std::string* why) {
  const auto invalid = [&](std::string_view detail) {
    fail(why, fmt::format("time zone `{}` is not a valid TZif file: {}", name, detail));
    return std::nullopt;
  };
  TzifReader in{bytes};
  auto header = read_header(in);
  if (!header) return invalid("bad header");
  std::size_t time_size = 4;
  if (header->version >= '2') {
    // Version 2+ repeats the data with 64-bit times after the v1 block: skip to it.
    in.skip(header->data_size(4));
    header = read_header(in);
    if (!header) return invalid("bad second header");
    time_size = 8;
  }
  if (!in.has(header->data_size(time_size))) return invalid("truncated data");

  TimeZone zone(std::move(name));
  zone.transitions_.reserve(header->timecnt);
  for (std::uint64_t i = 0; i < header->timecnt; ++i) {
    zone.transitions_.push_back(in.signed_be(time_size));
  }
  for (std::uint64_t i = 0; i < header->timecnt; ++i) {
    const auto type = static_cast<std::uint8_t>(in.unsigned_be(1));
    if (type >= header->typecnt) return invalid("transition names an unknown type");
    zone.transition_types_.push_back(type);
  }
  zone.types_.clear();
  for (std::uint64_t i = 0; i < header->typecnt; ++i) {
    const auto offset = static_cast<std::int32_t>(in.signed_be(4));
    const bool is_dst = in.unsigned_be(1) != 0;
    in.skip(1);  // abbreviation index: not needed
    zone.types_.push_back({offset, is_dst});
  }
  in.skip(header->charcnt + header->leapcnt * (time_size + 4) + header->isstdcnt + header->isutcnt);
  if (!in.ok) return invalid("truncated data");
  if (!std::is_sorted(zone.transitions_.begin(), zone.transitions_.end())) {
    return invalid("transitions out of order");
  }

  if (time_size == 8 && in.has(1) && bytes[in.pos] == '\n') {
    const auto end = bytes.find('\n', in.pos + 1);
    const auto footer =
        bytes.substr(in.pos + 1, end == std::string_view::npos ? 0 : end - in.pos - 1);
    if (!footer.empty()) {
      zone.footer_ = PosixTzRule::parse(footer);
      if (!zone.footer_) return invalid("unsupported TZ footer");
    }
  }
  return zone;
}

seconds TimeZone::utc_offset_at(sys_seconds instant) const {
  const std::int64_t t = instant.time_since_epoch().count();
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  if (after == transitions_.begin()) {
    // Before the first transition (or none at all): the footer governs a zone with no table.
    if (transitions_.empty() && footer_) return footer_->utc_offset_at(instant);
    return seconds(types_.front().utc_offset);
  }
  if (after == transitions_.end() && footer_) return footer_->utc_offset_at(instant);
  const auto index = static_cast<std::size_t>(after - transitions_.begin()) - 1;
  return seconds(types_[transition_types_[index]].utc_offset);
}

local_seconds TimeZone::to_local(sys_seconds instant) const {
  return local_seconds((instant + utc_offset_at(instant)).time_since_epoch());
}

local_days TimeZone::local_day_of(sys_seconds instant) const {
  return floor<days>(to_local(instant));
}

sys_seconds TimeZone::start_of_local_day(local_days day) const {
  const sys_seconds midnight_as_utc{local_seconds(day).time_since_epoch()};
  // Offsets a day either side bracket any transition near this midnight (zones move by hours).
  const seconds before = utc_offset_at(midnight_as_utc - days(1));
  const seconds after = utc_offset_at(midnight_as_utc + days(1));
  const sys_seconds with_before = midnight_as_utc - before;
  const sys_seconds with_after = midnight_as_utc - after;
  const bool before_holds = utc_offset_at(with_before) == before;
  const bool after_holds = utc_offset_at(with_after) == after;
  if (before_holds && after_holds) return std::min(with_before, with_after);
  if (before_holds) return with_before;
  if (after_holds) return with_after;

  // Midnight does not exist: the day starts at the transition that skipped it, which lies between
  // the two readings. Find the first instant already on the new offset.
  sys_seconds low = std::min(with_before, with_after);
  sys_seconds high = std::max(with_before, with_after);
  while (low < high) {
    const sys_seconds middle = low + (high - low) / 2;
    if (utc_offset_at(middle) == after) {
      high = middle;
    } else {
      low = middle + seconds(1);
    }
  }
  return low;
}

}  // namespace sluice::ledger
