// YamlJson: YAML written in the config → the JSON it stands for (routes' `extra_body`,
// `compatibility.openrouter.provider`, `compatibility.github_copilot`).
//
// Follows YAML 1.2's core schema, which is what the reference's parser does: a mapping becomes an
// object, a sequence an array; a plain scalar becomes null, a bool, an integer or a float when it is
// spelled as one, and a string otherwise; a quoted scalar is always a string (`"1"` stays "1").
#pragma once

#include "config/ConfigNode.h"

#include <boost/json/value.hpp>

#include <optional>

namespace sluice::config {

// Reports what JSON cannot hold (`.inf`, `.nan`, non-string keys) and returns nullopt then.
std::optional<boost::json::value> yaml_to_json(const ConfigNode& node);

}  // namespace sluice::config
