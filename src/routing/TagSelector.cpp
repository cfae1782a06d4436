#include "routing/TagSelector.h"

#include <algorithm>

namespace sluice::routing {

namespace {

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

}  // namespace

std::optional<std::vector<std::string>> parse_tag_selector(std::string_view model) {
  constexpr std::string_view kPrefix = "tag:";
  if (!model.starts_with(kPrefix)) return std::nullopt;
  model.remove_prefix(kPrefix.size());
  std::vector<std::string> tags;
  while (true) {
    const auto comma = model.find(',');
    const auto tag = trim(model.substr(0, comma));
    if (!tag.empty()) tags.emplace_back(tag);
    if (comma == std::string_view::npos) break;
    model.remove_prefix(comma + 1);
  }
  return tags;
}

const config::ModelConfig* select_by_tags(
    const ModelCatalog& catalog, const std::vector<std::string>& tags,
    const std::function<bool(const config::ModelConfig&)>& may_use) {
  if (tags.empty()) return nullptr;
  for (const config::ModelConfig* model : catalog.in_listing_order()) {
    const bool has_all = std::all_of(tags.begin(), tags.end(), [&](const std::string& tag) {
      return std::find(model->tags.begin(), model->tags.end(), tag) != model->tags.end();
    });
    if (has_all && may_use(*model)) return model;
  }
  return nullptr;
}

}  // namespace sluice::routing
