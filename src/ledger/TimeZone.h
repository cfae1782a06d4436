// TimeZone: an IANA time zone read from its TZif file, answering "what is the UTC offset at this
// instant" and "when does this local day begin".
//
// Budgets reset at local midnight in the zone their owner configured (config.md §6), and g++ 12's
// standard library has no time-zone database, so this reads the system's compiled zoneinfo
// (RFC 8536 TZif, versions 1–3) itself: the 64-bit section of v2+ files, and the POSIX TZ footer
// for instants after the last listed transition. `UTC` (and `Etc/UTC`) is built in so a gateway
// without tzdata installed still runs UTC budgets. Leap-second records are ignored: instants are
// POSIX time, as everywhere else in the gateway.
#pragma once

#include "ledger/PosixTzRule.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::ledger {

class TimeZone {
 public:
  static constexpr std::string_view kSystemZoneinfoDir = "/usr/share/zoneinfo";

  static TimeZone utc();

  // The zone named `name` (e.g. "Europe/Berlin") from `zoneinfo_dir`. Names must look like IANA
  // names: letters, digits, `/`, `_`, `-`, `+`, `.`, no `..` segment and no leading `/`, so a
  // configured name can never read a file outside the directory.
  static std::optional<TimeZone> load(
      std::string_view name, std::string* why = nullptr,
      const std::filesystem::path& zoneinfo_dir = std::filesystem::path(kSystemZoneinfoDir));

  // Builds a zone from the bytes of a TZif file.
  static std::optional<TimeZone> from_tzif(std::string name, std::string_view bytes,
                                           std::string* why = nullptr);

  const std::string& name() const { return name_; }

  // Seconds east of UTC in effect at `instant`.
  std::chrono::seconds utc_offset_at(std::chrono::sys_seconds instant) const;

  std::chrono::local_seconds to_local(std::chrono::sys_seconds instant) const;

  // The local calendar day `instant` falls on.
  std::chrono::local_days local_day_of(std::chrono::sys_seconds instant) const;

  // The first instant of local day `day`: its midnight, or — where a DST jump skips midnight — the
  // transition that starts the day; where midnight happens twice, the earlier one.
  std::chrono::sys_seconds start_of_local_day(std::chrono::local_days day) const;

 private:
  struct LocalTimeType {
    std::int32_t utc_offset = 0;
    bool is_dst = false;
  };

  explicit TimeZone(std::string name) : name_(std::move(name)) {}

  std::string name_;
  std::vector<std::int64_t> transitions_;              // UTC seconds, ascending
  std::vector<std::uint8_t> transition_types_;         // index into types_, one per transition
  std::vector<LocalTimeType> types_{LocalTimeType{}};  // types_[0] applies before any transition
  std::optional<PosixTzRule> footer_;
};

}  // namespace sluice::ledger
