// CallerTags: the labels a caller attaches to a request for the request log — which service,
// component and environment sent it, plus free tags (api.md §5.1, §9).
//
// Read from x-oceans-service / -component / -env / -tags (the reference's names) and the Sluice
// equivalents x-sluice-service / -component / -env / -tags. When a caller sends both spellings of
// one field the Sluice header wins, whole: a client written for Sluice is the more deliberate one.
// These headers are consumed here and never forwarded upstream.
//
// Tags are comma-separated, trimmed, de-duplicated (first spelling kept) and bounded: at most 16
// tags, each at most 64 characters of visible ASCII (0x21–0x7E). The same character and length
// rule applies to service, component and env. Anything outside the bounds is ignored, never an
// error: a bad label must not fail a request, but `notes` says what was dropped so the log shows
// it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sluice::ledger {

struct CallerTags {
  static constexpr std::size_t kMaxTags = 16;
  static constexpr std::size_t kMaxLength = 64;

  std::optional<std::string> service;
  std::optional<std::string> component;
  std::optional<std::string> env;
  std::vector<std::string> tags;
  std::vector<std::string> notes;  // what was ignored, and why

  // Header names are matched without regard to case.
  static CallerTags from_headers(std::span<const std::pair<std::string, std::string>> headers);
};

}  // namespace sluice::ledger
