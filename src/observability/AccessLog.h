// AccessLog: one JSON line per request on stdout.
//
// Lines go through a BatchedLineWriter, whose one thread owns stdout and writes the lines in
// batches, so a slow terminal or pipe never stalls an I/O thread mid-request and a busy gateway
// does not pay a wake-up per line. When its buffer is full the caller waits rather than dropping a
// line (an access log that silently loses lines is worse than a short wait under overload).
// Records carry names (key name, model id), never a key, token or secret.
#pragma once

#include "observability/BatchedLineWriter.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::observability {

// One upstream attempt of a generation request.
struct AttemptRecord {
  std::string route;    // "<provider>/<upstream model>"
  std::string outcome;  // "ok", "http_<status>", or the error code (upstream_transport, ...)
  unsigned status = 0;  // the upstream's HTTP status; 0 when none arrived
  std::uint64_t duration_us = 0;
  std::uint64_t first_byte_us = 0;  // request sent → the answer's head arrived; 0 when none did
};

struct AccessLogRecord {
  std::string request_id;
  std::string method;
  std::string path;
  unsigned status = 0;
  std::uint64_t duration_us = 0;
  std::uint64_t request_bytes = 0;
  std::uint64_t response_bytes = 0;
  std::string model;           // as requested; empty when the request named none
  std::string resolved_model;  // after alias resolution; empty when not resolved
  std::string key_name;        // "<service account>/<key id>"; empty when unauthenticated
  std::string route;           // "<provider>/<upstream model>" that served the request
  unsigned upstream_status = 0;
  bool usage_present = false;  // the upstream reported token usage
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cached_input_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  std::vector<AttemptRecord> attempts;  // upstream attempts in order; empty when none was made
  std::string error_code;      // GatewayError::code when the request failed
  std::string remote;          // caller address
};

class AccessLog {
 public:
  // Writes to stdout.
  static std::shared_ptr<AccessLog> to_stdout();
  // Writes through `writer`; a null writer discards every line (tests that do not read the log).
  explicit AccessLog(std::unique_ptr<BatchedLineWriter> writer);
  ~AccessLog();

  void write(const AccessLogRecord& record);
  // Returns once every line written before the call is on the descriptor.
  void flush();
  // Lines waiting for the writer thread (sluice_queue_depth{queue="access_log"}).
  std::size_t queue_depth() const;

  // The JSON line for a record (without the newline).
  static std::string format(const AccessLogRecord& record);
  // The same, into `line` (cleared first), so a caller can reuse one buffer.
  static void format_into(std::string& line, const AccessLogRecord& record);

 private:
  std::unique_ptr<BatchedLineWriter> writer_;
};

}  // namespace sluice::observability
