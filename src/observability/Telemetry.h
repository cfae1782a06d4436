// Telemetry: the process-wide instruments a request reports to, handed to the API layer once.
#pragma once

#include "observability/GatewayMetrics.h"
#include "observability/Tracer.h"

#include <memory>

namespace sluice::observability {

struct Telemetry {
  std::shared_ptr<GatewayMetrics> metrics;  // always present
  std::shared_ptr<Tracer> tracer;           // null when no OTLP endpoint is configured
};

}  // namespace sluice::observability
