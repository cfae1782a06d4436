#include "ledger/CallerTags.h"

#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace sluice::ledger {

namespace {

using HeaderSpan = std::span<const std::pair<std::string, std::string>>;

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_visible_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
}

// Every value of header `name`, in order (a header may be sent more than once).
std::vector<std::string_view> values_of(HeaderSpan headers, std::string_view name) {
  std::vector<std::string_view> values;
  for (const auto& [header, value] : headers) {
    if (boost::beast::iequals(header, name)) values.emplace_back(value);
  }
  return values;
}

// The values of the Sluice spelling of `field` if it was sent, else of the reference's.
std::vector<std::string_view> field_values(HeaderSpan headers, std::string_view field,
                                           std::vector<std::string>& notes) {
  const std::string sluice_name = fmt::format("x-sluice-{}", field);
  const std::string oceans_name = fmt::format("x-oceans-{}", field);
  auto sluice = values_of(headers, sluice_name);
  auto oceans = values_of(headers, oceans_name);
  if (sluice.empty()) return oceans;
  if (!oceans.empty())
    notes.push_back(fmt::format("{} ignored: {} wins", oceans_name, sluice_name));
  return sluice;
}

// Why `label` cannot be kept, or empty when it can.
std::string rejection(std::string_view label) {
  if (label.size() > CallerTags::kMaxLength) {
    return fmt::format("longer than {} characters", CallerTags::kMaxLength);
  }
  if (!is_visible_ascii(label)) return "not visible ASCII";
  return {};
}

std::optional<std::string> read_label(HeaderSpan headers, std::string_view field,
                                      std::vector<std::string>& notes) {
  const auto values = field_values(headers, field, notes);
  if (values.empty()) return std::nullopt;
  const std::string_view label = trim(values.front());
  if (label.empty()) return std::nullopt;
  if (const auto why = rejection(label); !why.empty()) {
    notes.push_back(fmt::format("{} ignored: {}", field, why));
    return std::nullopt;
  }
  return std::string(label);
}

void add_tags(std::string_view list, CallerTags& out) {
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(',', start), list.size());
    const std::string_view tag = trim(list.substr(start, end - start));
    start = end + 1;
    if (tag.empty() || std::find(out.tags.begin(), out.tags.end(), tag) != out.tags.end()) continue;
    if (const auto why = rejection(tag); !why.empty()) {
      out.notes.push_back(fmt::format("tag ignored: {}", why));
    } else if (out.tags.size() == CallerTags::kMaxTags) {
      out.notes.push_back(
          fmt::format("tag `{}` ignored: more than {} tags", tag, CallerTags::kMaxTags));
    } else {
      out.tags.emplace_back(tag);
    }
  }
}

}  // namespace

CallerTags CallerTags::from_headers(HeaderSpan headers) {
  CallerTags out;
  out.service = read_label(headers, "service", out.notes);
  out.component = read_label(headers, "component", out.notes);
  out.env = read_label(headers, "env", out.notes);
  for (const auto list : field_values(headers, "tags", out.notes)) add_tags(list, out);
  return out;
}

}  // namespace sluice::ledger
