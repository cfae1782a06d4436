// JsonLogFormatter: spdlog diagnostics as one JSON object per line, for `server.log_format: json`
// (the reference's values are `pretty` and `json`).
//
//   {"ts":"2026-11-25T16:40:00.123Z","level":"warn","logger":"sluice","msg":"..."}
//
// Log collectors (Loki, CloudWatch, Elastic) read these without a parsing rule. Messages are escaped
// as JSON strings; nothing else about them changes (they never carry secrets: see Secret).
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace sluice::observability {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace sluice::observability
