// TagSelector: `tag:<t1>,<t2>,...` model selectors (../shared/reference/api.md §4 step 4).
//
// The prefix is `tag:`; tags are comma-separated and each trimmed (empty ones ignored). A model
// matches when it carries every tag (AND over models[].tags). Candidates are the models the caller
// may use — others are skipped, not refused — in listing order (rank ascending, then id); the first
// one wins. No match is 404 model_not_found for the selector as written.
#pragma once

#include "config/GatewayConfig.h"
#include "routing/ModelCatalog.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::routing {

// The tags of a selector; nullopt when `model` does not start with `tag:`.
std::optional<std::vector<std::string>> parse_tag_selector(std::string_view model);

// The first model (listing order) that has every tag and that `may_use` allows; nullptr when none.
// An empty tag list matches nothing.
const config::ModelConfig* select_by_tags(const ModelCatalog& catalog,
                                          const std::vector<std::string>& tags,
                                          const std::function<bool(const config::ModelConfig&)>& may_use);

}  // namespace sluice::routing
