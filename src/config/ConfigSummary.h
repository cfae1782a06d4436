// ConfigSummary: what `sluice check-config` prints for a valid file: providers, models, routes and
// what each route can do. Text for people, JSON (--format json) for tools. Never prints a secret.
#pragma once

#include "config/ConfigLoader.h"

#include <boost/json/value.hpp>

#include <string>

namespace sluice::config {

std::string summary_text(const GatewayConfig& config);
boost::json::value summary_json(const LoadResult& result);  // also carries errors and warnings

}  // namespace sluice::config
