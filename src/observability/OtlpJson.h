// OtlpJson: renders finished spans and a MetricsSnapshot as the bodies of OTLP/HTTP JSON requests
// (ExportTraceServiceRequest for POST /v1/traces, ExportMetricsServiceRequest for /v1/metrics).
//
// Pure functions of their input: no clock, no I/O. The encoding follows the OTLP JSON mapping of
// the protobuf messages: lowerCamelCase field names; trace and span ids as lowercase hex (not
// base64, OTLP's one deviation from the protobuf JSON mapping); 64-bit integers — timestamps,
// counts, intValue — as decimal strings; enums as numbers; doubles as JSON numbers (NaN and
// infinities as the strings "NaN", "Infinity", "-Infinity"). Everything sits under one resource
// (service.name = "sluice", service.version) and one instrumentation scope ("sluice").
//
// Metrics map by kind: a counter is a monotonic cumulative `sum` (aggregationTemporality 2) whose
// start time is the snapshot's start; a gauge is a `gauge`; a histogram is a cumulative
// `histogram` with explicitBounds and per-bucket (not cumulative) bucketCounts, as in the snapshot.
// Metric names are kept as the snapshot has them (the Prometheus names), so both exporters agree.
#pragma once

#include "observability/MetricsSnapshot.h"
#include "observability/Tracer.h"

#include <span>
#include <string>

namespace sluice::observability {

class OtlpJson {
 public:
  explicit OtlpJson(std::string service_version);

  std::string traces(std::span<const SpanRecord> spans) const;
  std::string metrics(const MetricsSnapshot& snapshot) const;

 private:
  std::string service_version_;
};

}  // namespace sluice::observability
