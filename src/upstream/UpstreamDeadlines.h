// UpstreamDeadlines: how long one upstream exchange may take, phase by phase.
//
// The caller states three budgets, all measured from the moment UpstreamClient::send() is called:
// `connect` (DNS, TCP and TLS handshake of a new connection), `first_byte` (until the first byte
// of the response arrives) and `total` (the whole exchange, including reading the body). A phase
// ends at the earliest deadline that applies to it, so `total` also bounds connecting. A provider's
// `timeouts.total_ms` becomes UpstreamDeadlines::for_total(provider.total_timeout). Expiry of any
// deadline is 504 `upstream_timeout`.
//
// Deadline is the internal form: an absolute time plus the name and budget of the rule it came
// from, so a timeout message can say which rule fired.
#pragma once

#include <chrono>
#include <string_view>

namespace sluice::upstream {

struct UpstreamDeadlines {
  std::chrono::milliseconds connect{10'000};
  std::chrono::milliseconds first_byte{120'000};
  std::chrono::milliseconds total{120'000};

  // A provider's `timeouts.total_ms`: the first byte may take as long as the whole exchange.
  static UpstreamDeadlines for_total(std::chrono::milliseconds total) {
    UpstreamDeadlines deadlines;
    deadlines.first_byte = total;
    deadlines.total = total;
    return deadlines;
  }
};

struct Deadline {
  std::chrono::steady_clock::time_point at;
  std::string_view rule;  // "connect", "first byte" or "total": names a string literal
  std::chrono::milliseconds budget{0};

  bool passed() const { return std::chrono::steady_clock::now() >= at; }
};

inline const Deadline& earliest(const Deadline& a, const Deadline& b) { return b.at < a.at ? b : a; }

// The deadlines of one exchange made absolute when it starts; each already capped by the later
// rules (connecting ends by the first-byte and total deadlines too).
struct ExchangeDeadlines {
  Deadline connect;
  Deadline first_byte;
  Deadline total;

  static ExchangeDeadlines starting_now(const UpstreamDeadlines& budgets) {
    const auto now = std::chrono::steady_clock::now();
    const Deadline total{now + budgets.total, "total", budgets.total};
    const Deadline first_byte = earliest(Deadline{now + budgets.first_byte, "first byte", budgets.first_byte}, total);
    const Deadline connect = earliest(Deadline{now + budgets.connect, "connect", budgets.connect}, first_byte);
    return ExchangeDeadlines{connect, first_byte, total};
  }
};

}  // namespace sluice::upstream
