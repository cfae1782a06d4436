// loadgen: what wrk cannot measure. Three modes, each bounded in time, each printing one JSON line.
//
//   loadgen latency --url URL --requests N --warmup W [--header 'K: V']... [--body-file F] [--duration-s T]
//     N sequential requests (c=1) on one keep-alive connection after W unrecorded ones:
//     {p50_us, p90_us, p99_us, p999_us, max_us, mean_us, count, errors}
//   loadgen stream --url URL --streams S --body-file F --pacing-ms G [--header ...] [--duration-s T]
//     S concurrent streaming requests, one connection each, held until they end (or T passes; a
//     stream still delivering events then counts as held, not failed): time to the first body byte,
//     gaps between SSE events, stalls (a gap longer than 2 x G):
//     {streams_requested, streams_ok, errors, ttfb_p50_us, ttfb_p99_us, gap_p50_us, gap_p99_us, stalls}
//   loadgen rps --url URL --connections C --duration-s T [--body-file F] [--header ...]
//     closed-loop maximum throughput over C keep-alive connections: {rps, p50_us, p99_us, p999_us, errors}
//
// Without --body-file a request is a GET; with one it is a POST of the file (Content-Type
// application/json unless a --header sets one). Plain HTTP/1.1 only. A response other than 2xx, or
// any transport failure, is an error; the connection is then opened again.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr auto kRequestTimeout = std::chrono::seconds(30);

struct Options {
  std::string mode;
  std::string url;
  std::vector<std::string> headers;
  std::string body_file;
  long requests = 1000;
  long warmup = 100;
  long streams = 100;
  long connections = 16;
  double pacing_ms = 0;
  double duration_s = -1;  // mode default when not given
};

struct Target {
  std::string host;
  std::string port;
  std::string path;
  tcp::resolver::results_type endpoints;
  std::string request;  // the whole serialized request, sent as is every time
  bool closes = false;  // the request carries `Connection: close`: never reuse the connection
};

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "loadgen: " << message << "\n"
            << "usage:\n"
               "  loadgen latency --url URL --requests N --warmup W [--header 'K: V']... [--body-file F]\n"
               "  loadgen stream --url URL --streams S --body-file F --pacing-ms G [--header ...] [--duration-s T]\n"
               "  loadgen rps --url URL --connections C --duration-s T [--body-file F] [--header ...]\n";
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  if (argc < 2) fail("missing mode");
  Options options;
  options.mode = argv[1];
  if (options.mode != "latency" && options.mode != "stream" && options.mode != "rps") fail("unknown mode " + options.mode);
  for (int i = 2; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) fail("missing value for " + std::string(flag));
    const std::string value = argv[++i];
    if (flag == "--url") options.url = value;
    else if (flag == "--header") options.headers.push_back(value);
    else if (flag == "--body-file") options.body_file = value;
    else if (flag == "--requests") options.requests = std::stol(value);
    else if (flag == "--warmup") options.warmup = std::stol(value);
    else if (flag == "--streams") options.streams = std::stol(value);
    else if (flag == "--connections") options.connections = std::stol(value);
    else if (flag == "--pacing-ms") options.pacing_ms = std::stod(value);
    else if (flag == "--duration-s") options.duration_s = std::stod(value);
    else fail("unknown flag " + std::string(flag));
  }
  if (options.url.empty()) fail("--url is required");
  return options;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

Target prepare_target(const Options& options, asio::io_context& io) {
  constexpr std::string_view scheme = "http://";
  std::string_view rest = options.url;
  if (rest.substr(0, scheme.size()) != scheme) fail("only http:// URLs are supported");
  rest.remove_prefix(scheme.size());
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  Target target;
  target.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const auto colon = authority.rfind(':');
  target.host = std::string(authority.substr(0, colon));
  target.port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  tcp::resolver resolver(io);
  target.endpoints = resolver.resolve(target.host, target.port);

  std::string body;
  if (!options.body_file.empty()) {
    std::ifstream file(options.body_file, std::ios::binary);
    if (!file) fail("cannot read " + options.body_file);
    std::ostringstream contents;
    contents << file.rdbuf();
    body = contents.str();
  }
  bool has_host = false;
  bool has_content_type = false;
  for (const auto& header : options.headers) {
    has_host = has_host || starts_with_nocase(header, "host:");
    has_content_type = has_content_type || starts_with_nocase(header, "content-type:");
    if (starts_with_nocase(header, "connection:")) {
      std::string value = header.substr(header.find(':') + 1);
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      target.closes = target.closes || value.find("close") != std::string::npos;
    }
  }
  std::string& request = target.request;
  request = (options.body_file.empty() ? "GET " : "POST ") + target.path + " HTTP/1.1\r\n";
  if (!has_host) request += "Host: " + std::string(authority) + "\r\n";
  for (const auto& header : options.headers) request += header + "\r\n";
  if (!options.body_file.empty()) {
    if (!has_content_type) request += "Content-Type: application/json\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  return target;
}

void raise_descriptor_limit(long wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (wanted > 0 && limit.rlim_cur < static_cast<rlim_t>(wanted)) {
    std::cerr << "loadgen: warning: RLIMIT_NOFILE is " << limit.rlim_cur << ", below the " << wanted
              << " descriptors this run needs\n";
  }
}

// Nearest-rank percentile over a sorted vector; 0 when empty.
std::uint64_t percentile(const std::vector<std::uint64_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size()) + 0.999999);
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

std::uint64_t micros_between(Clock::time_point from, Clock::time_point to) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(to - from).count());
}

Clock::time_point deadline_after(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// The sooner of the run's end and one request's own timeout.
Clock::time_point read_deadline(Clock::time_point run_end, Clock::duration timeout) {
  return std::min(run_end, Clock::now() + timeout);
}

asio::awaitable<bool> connect(beast::tcp_stream& stream, const Target& target, Clock::time_point run_end) {
  boost::system::error_code ignored;
  stream.socket().close(ignored);
  stream.expires_at(read_deadline(run_end, kRequestTimeout));
  auto [error, endpoint] = co_await stream.async_connect(target.endpoints, use_nothrow);
  (void)endpoint;
  if (error) co_return false;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  co_return true;
}

// One request and its whole response on an open connection. Returns whether it succeeded (2xx) and
// whether the connection can carry the next request.
struct Outcome {
  bool ok = false;
  bool reusable = false;
};

asio::awaitable<Outcome> exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer, const Target& target,
                                  Clock::time_point run_end) {
  stream.expires_at(read_deadline(run_end, kRequestTimeout));
  if (auto [error, size] = co_await asio::async_write(stream, asio::buffer(target.request), use_nothrow); error) {
    co_return Outcome{};
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  auto [error, size] = co_await http::async_read(stream, buffer, parser, use_nothrow);
  (void)size;
  if (error) co_return Outcome{};
  const auto& response = parser.get();
  co_return Outcome{response.result_int() / 100 == 2, response.keep_alive() && !target.closes};
}

// ---- latency ---------------------------------------------------------------------------------

int run_latency(const Options& options, asio::io_context& io, const Target& target) {
  const auto run_end = deadline_after(options.duration_s > 0 ? options.duration_s : 600);
  std::vector<std::uint64_t> samples;
  samples.reserve(static_cast<std::size_t>(std::max(0L, options.requests)));
  long errors = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        beast::tcp_stream stream(io);
        beast::flat_buffer buffer;
        bool open = false;
        for (long i = 0; i < options.warmup + options.requests && Clock::now() < run_end; ++i) {
          const bool recorded = i >= options.warmup;
          const auto started = Clock::now();
          if (!open) {
            buffer.clear();
            open = co_await connect(stream, target, run_end);
          }
          Outcome outcome;
          if (open) outcome = co_await exchange(stream, buffer, target, run_end);
          const auto finished = Clock::now();
          open = open && outcome.reusable;
          if (!recorded) continue;
          if (outcome.ok) samples.push_back(micros_between(started, finished));
          else ++errors;
        }
      },
      asio::detached);
  io.run();
  std::sort(samples.begin(), samples.end());
  const double mean = samples.empty() ? 0.0
                                      : static_cast<double>(std::accumulate(samples.begin(), samples.end(), 0ULL)) /
                                            static_cast<double>(samples.size());
  std::printf(
      "{\"p50_us\":%llu,\"p90_us\":%llu,\"p99_us\":%llu,\"p999_us\":%llu,\"max_us\":%llu,\"mean_us\":%.1f,"
      "\"count\":%zu,\"errors\":%ld}\n",
      static_cast<unsigned long long>(percentile(samples, 0.50)),
      static_cast<unsigned long long>(percentile(samples, 0.90)),
      static_cast<unsigned long long>(percentile(samples, 0.99)),
      static_cast<unsigned long long>(percentile(samples, 0.999)),
      static_cast<unsigned long long>(samples.empty() ? 0 : samples.back()), mean, samples.size(), errors);
  return 0;
}

// ---- stream ----------------------------------------------------------------------------------

struct StreamTotals {
  long ok = 0;
  long errors = 0;
  long stalls = 0;
  std::vector<std::uint64_t> ttfb;
  std::vector<std::uint64_t> gaps;
};

// One streaming request on its own connection, from connect to the last event.
asio::awaitable<void> run_one_stream(asio::io_context& io, const Target& target, const Options& options,
                                     Clock::time_point run_end, StreamTotals& totals) {
  const auto stall_after = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double, std::milli>(2 * options.pacing_ms));
  const auto read_timeout =
      std::max<Clock::duration>(kRequestTimeout, std::chrono::duration_cast<Clock::duration>(
                                                     std::chrono::duration<double, std::milli>(10 * options.pacing_ms)));
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  if (!co_await connect(stream, target, run_end)) {
    ++totals.errors;
    co_return;
  }
  const auto started = Clock::now();
  stream.expires_at(read_deadline(run_end, read_timeout));
  if (auto [error, size] = co_await asio::async_write(stream, asio::buffer(target.request), use_nothrow); error) {
    ++totals.errors;
    co_return;
  }
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (auto [error, size] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
      error || parser.get().result_int() / 100 != 2) {
    ++totals.errors;
    co_return;
  }

  std::array<char, 16384> chunk;
  bool first_byte_seen = false;
  long events = 0;
  Clock::time_point last_event{};
  char previous = 0;  // last byte scanned, ignoring '\r': an event ends at a blank line
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream.expires_at(read_deadline(run_end, read_timeout));
    auto [error, size] = co_await http::async_read_some(stream, buffer, parser, use_nothrow);
    (void)size;
    const auto now = Clock::now();
    if (error == http::error::need_buffer) error = {};
    if (error) {
      // The run's end arrived while the stream was still delivering: it was held, not lost.
      if (now >= run_end && events > 0) ++totals.ok;
      else ++totals.errors;
      co_return;
    }
    const std::size_t got = chunk.size() - parser.get().body().size;
    if (got > 0 && !first_byte_seen) {
      first_byte_seen = true;
      totals.ttfb.push_back(micros_between(started, now));
    }
    for (std::size_t i = 0; i < got; ++i) {
      const char c = chunk[i];
      if (c == '\r') continue;
      if (c == '\n' && previous == '\n') {
        if (events > 0) {
          totals.gaps.push_back(micros_between(last_event, now));
          if (options.pacing_ms > 0 && now - last_event > stall_after) ++totals.stalls;
        }
        last_event = now;
        ++events;
        previous = 0;
        continue;
      }
      previous = c;
    }
  }
  if (events > 0) ++totals.ok;
  else ++totals.errors;
}

int run_stream(const Options& options, asio::io_context& io, const Target& target) {
  raise_descriptor_limit(options.streams + 64);
  const auto run_end = deadline_after(options.duration_s > 0 ? options.duration_s : 300);
  StreamTotals totals;
  totals.ttfb.reserve(static_cast<std::size_t>(options.streams));
  for (long i = 0; i < options.streams; ++i) {
    asio::co_spawn(io, run_one_stream(io, target, options, run_end, totals), asio::detached);
  }
  io.run();
  std::sort(totals.ttfb.begin(), totals.ttfb.end());
  std::sort(totals.gaps.begin(), totals.gaps.end());
  std::printf(
      "{\"streams_requested\":%ld,\"streams_ok\":%ld,\"errors\":%ld,\"ttfb_p50_us\":%llu,\"ttfb_p99_us\":%llu,"
      "\"gap_p50_us\":%llu,\"gap_p99_us\":%llu,\"stalls\":%ld}\n",
      options.streams, totals.ok, totals.errors, static_cast<unsigned long long>(percentile(totals.ttfb, 0.50)),
      static_cast<unsigned long long>(percentile(totals.ttfb, 0.99)),
      static_cast<unsigned long long>(percentile(totals.gaps, 0.50)),
      static_cast<unsigned long long>(percentile(totals.gaps, 0.99)), totals.stalls);
  return 0;
}

// ---- rps -------------------------------------------------------------------------------------

struct ThreadTotals {
  std::vector<std::uint64_t> samples;
  long errors = 0;
};

asio::awaitable<void> run_one_connection(asio::io_context& io, const Target& target, Clock::time_point stop_sending,
                                         Clock::time_point run_end, ThreadTotals& totals) {
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  bool open = false;
  while (Clock::now() < stop_sending) {
    const auto started = Clock::now();
    if (!open) {
      buffer.clear();
      open = co_await connect(stream, target, run_end);
    }
    Outcome outcome;
    if (open) outcome = co_await exchange(stream, buffer, target, run_end);
    open = open && outcome.reusable;
    if (outcome.ok) totals.samples.push_back(micros_between(started, Clock::now()));
    else ++totals.errors;
  }
}

int run_rps(const Options& options, const Target& target) {
  if (options.duration_s <= 0) fail("rps needs --duration-s");
  const long connections = std::max(1L, options.connections);
  raise_descriptor_limit(connections + 64);
  const unsigned thread_count = static_cast<unsigned>(
      std::min<long>(connections, std::max(1u, std::thread::hardware_concurrency())));
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<ThreadTotals> totals(thread_count);
  for (unsigned i = 0; i < thread_count; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  const auto started = Clock::now();
  const auto stop_sending = deadline_after(options.duration_s);
  const auto run_end = stop_sending + std::chrono::seconds(10);  // in-flight requests get this long to finish
  for (long i = 0; i < connections; ++i) {
    const auto slot = static_cast<std::size_t>(i) % thread_count;
    asio::co_spawn(*contexts[slot], run_one_connection(*contexts[slot], target, stop_sending, run_end, totals[slot]),
                   asio::detached);
  }
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < thread_count; ++i) threads.emplace_back([io = contexts[i].get()] { io->run(); });
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

  std::vector<std::uint64_t> samples;
  long errors = 0;
  for (auto& part : totals) {
    samples.insert(samples.end(), part.samples.begin(), part.samples.end());
    errors += part.errors;
  }
  std::sort(samples.begin(), samples.end());
  std::printf("{\"rps\":%.1f,\"p50_us\":%llu,\"p99_us\":%llu,\"p999_us\":%llu,\"errors\":%ld}\n",
              elapsed > 0 ? static_cast<double>(samples.size()) / elapsed : 0.0,
              static_cast<unsigned long long>(percentile(samples, 0.50)),
              static_cast<unsigned long long>(percentile(samples, 0.99)),
              static_cast<unsigned long long>(percentile(samples, 0.999)), errors);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  asio::io_context io{1};
  Target target;
  try {
    target = prepare_target(options, io);
  } catch (const std::exception& error) {
    fail(std::string("cannot resolve ") + options.url + ": " + error.what());
  }
  try {
    if (options.mode == "latency") return run_latency(options, io, target);
    if (options.mode == "stream") return run_stream(options, io, target);
    return run_rps(options, target);
  } catch (const std::exception& error) {
    std::cerr << "loadgen: " << error.what() << "\n";
    return 1;
  }
}
