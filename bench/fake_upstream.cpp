// fake_upstream: an OpenAI-shaped upstream for the benchmarks, fast enough never to be the
// bottleneck. Every answer is serialized once at start-up; a request costs one Beast parse and one
// or a few writes of prepared bytes. One io_context per thread, each with its own SO_REUSEPORT
// acceptor, so the threads share nothing.
//
//   fake_upstream --host 127.0.0.1 --port P --threads N --delay-ms D --events N --gap-ms G
//
// POST */chat/completions and */responses answer a fixed completion (with usage) after D ms; with
// `"stream":true` in the body they answer SSE instead: chat sends a role chunk, N content deltas
// G ms apart, a finish chunk, a usage chunk and [DONE]; responses sends response.created, N
// response.output_text.delta events G ms apart and response.completed. GET /health answers 200.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  unsigned threads = 1;
  int delay_ms = 0;
  int events = 8;
  int gap_ms = 0;
};

// Every byte the server ever sends, prepared before the first connection.
struct Answers {
  std::string health;
  std::string not_found;
  std::string chat;
  std::string responses;
  std::string stream_head;  // status line and headers of a chunked text/event-stream answer
  std::string chat_role;
  std::vector<std::string> chat_delta;  // one frame, sent for every event
  std::string chat_tail;  // finish chunk, usage chunk, [DONE], last chunk
  std::string responses_created;
  std::vector<std::string> responses_deltas;  // one per event: each carries its own sequence_number
  std::string responses_tail;  // response.completed, last chunk
};

constexpr std::string_view kDeltaText = "tok ";

std::string whole_response(std::string_view status, std::string_view body) {
  std::string out = "HTTP/1.1 ";
  out += status;
  out += "\r\nContent-Type: application/json\r\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\r\n\r\n";
  out += body;
  return out;
}

// One SSE event as one HTTP chunk.
std::string chunk(std::string_view event) {
  char size[32];
  const int length = std::snprintf(size, sizeof size, "%zx\r\n", event.size());
  std::string out(size, static_cast<std::size_t>(length));
  out += event;
  out += "\r\n";
  return out;
}

std::string sse(std::string_view data) { return "data: " + std::string(data) + "\n\n"; }

std::string sse(std::string_view event, std::string_view data) {
  return "event: " + std::string(event) + "\ndata: " + std::string(data) + "\n\n";
}

Answers prepare_answers(const Options& options) {
  const int tokens = options.events;
  std::string text;
  for (int i = 0; i < tokens; ++i) text += kDeltaText;
  const std::string usage_chat = R"({"prompt_tokens":12,"completion_tokens":)" + std::to_string(tokens) +
                                 R"(,"total_tokens":)" + std::to_string(12 + tokens) + "}";
  const std::string usage_responses = R"({"input_tokens":12,"output_tokens":)" + std::to_string(tokens) +
                                      R"(,"total_tokens":)" + std::to_string(12 + tokens) + "}";
  const std::string chunk_prefix =
      R"({"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":)";

  Answers answers;
  answers.health = whole_response("200 OK", R"({"status":"ok"})");
  answers.not_found = whole_response("404 Not Found",
                                     R"({"error":{"message":"not found","type":"invalid_request_error"}})");
  answers.chat = whole_response(
      "200 OK",
      R"({"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model",)"
      R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fake upstream."},)"
      R"("finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}})");
  answers.responses = whole_response(
      "200 OK",
      R"({"id":"resp_bench","object":"response","created_at":1700000000,"status":"completed","model":"bench-model",)"
      R"("output":[{"type":"message","id":"msg_bench","status":"completed","role":"assistant",)"
      R"("content":[{"type":"output_text","text":"Hello from the fake upstream.","annotations":[]}]}],)"
      R"("usage":{"input_tokens":12,"output_tokens":7,"total_tokens":19}})");
  answers.stream_head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";

  answers.chat_role = chunk(sse(chunk_prefix + R"([{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})"));
  answers.chat_delta.push_back(chunk(sse(chunk_prefix + R"([{"index":0,"delta":{"content":")" + std::string(kDeltaText) +
                                 R"("},"finish_reason":null}]})")));
  answers.chat_tail = chunk(sse(chunk_prefix + R"([{"index":0,"delta":{},"finish_reason":"stop"}]})")) +
                      chunk(sse(chunk_prefix + R"([],"usage":)" + usage_chat + "}")) + chunk(sse("[DONE]")) +
                      "0\r\n\r\n";

  // sequence_number: created is 0, deltas 1..N, completed is N+1.
  answers.responses_created = chunk(sse(
      "response.created",
      R"({"type":"response.created","sequence_number":0,"response":{"id":"resp_bench","object":"response",)"
      R"("created_at":1700000000,"status":"in_progress","model":"bench-model","output":[]}})"));
  for (int i = 1; i <= tokens; ++i) {
    answers.responses_deltas.push_back(chunk(sse(
        "response.output_text.delta",
        R"({"type":"response.output_text.delta","sequence_number":)" + std::to_string(i) +
            R"(,"item_id":"msg_bench","output_index":0,"content_index":0,"delta":")" + std::string(kDeltaText) +
            R"("})")));
  }
  answers.responses_tail =
      chunk(sse("response.completed",
                R"({"type":"response.completed","sequence_number":)" + std::to_string(tokens + 1) +
                    R"(,"response":{"id":"resp_bench","object":"response","created_at":1700000000,)"
                    R"("status":"completed","model":"bench-model","output":[{"type":"message","id":"msg_bench",)"
                    R"("status":"completed","role":"assistant","content":[{"type":"output_text","text":")" +
                    text + R"(","annotations":[]}]}],"usage":)" + usage_responses + "}}")) +
      "0\r\n\r\n";
  return answers;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// `"stream"` followed by optional blanks, a colon, optional blanks and `true`; no JSON parse.
bool wants_stream(std::string_view body) {
  constexpr std::string_view key = "\"stream\"";
  for (std::size_t at = body.find(key); at != std::string_view::npos; at = body.find(key, at + 1)) {
    std::size_t i = at + key.size();
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) ++i;
    if (i >= body.size() || body[i] != ':') continue;
    ++i;
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) ++i;
    if (body.substr(i, 4) == "true") return true;
  }
  return false;
}

enum class Route { health, chat, responses, not_found };

Route route_of(const http::request<http::string_body>& request) {
  std::string_view path(request.target().data(), request.target().size());
  if (const auto query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);
  if (request.method() == http::verb::get && ends_with(path, "/health")) return Route::health;
  if (request.method() == http::verb::post && ends_with(path, "/chat/completions")) return Route::chat;
  if (request.method() == http::verb::post && ends_with(path, "/responses")) return Route::responses;
  return Route::not_found;
}

asio::awaitable<bool> send(tcp::socket& socket, const std::string& bytes) {
  auto [error, size] = co_await asio::async_write(socket, asio::buffer(bytes), use_nothrow);
  (void)size;
  co_return !error;
}

// A prepared status line and headers, with `Connection: close` spliced in after the status line
// when the caller asked to close, so a client never reuses a connection this server closes.
asio::awaitable<bool> send_head(tcp::socket& socket, const std::string& bytes, bool keep_alive) {
  if (keep_alive) co_return co_await send(socket, bytes);
  static constexpr std::string_view kClose = "Connection: close\r\n";
  const std::size_t split = bytes.find("\r\n") + 2;
  const std::array<asio::const_buffer, 3> parts{asio::buffer(bytes.data(), split), asio::buffer(kClose),
                                                asio::buffer(bytes.data() + split, bytes.size() - split)};
  auto [error, size] = co_await asio::async_write(socket, parts, use_nothrow);
  (void)size;
  co_return !error;
}

asio::awaitable<bool> pause(asio::steady_timer& timer, int milliseconds) {
  if (milliseconds <= 0) co_return true;
  timer.expires_after(std::chrono::milliseconds(milliseconds));
  auto [error] = co_await timer.async_wait(use_nothrow);
  co_return !error;
}

// Head and first event at once, then each delta after its gap, then the tail. `deltas` holds either
// one frame sent every time or one frame per event.
asio::awaitable<bool> send_stream(tcp::socket& socket, asio::steady_timer& timer, const Options& options,
                                  const std::string& head, const std::string& first,
                                  const std::vector<std::string>& deltas, const std::string& tail,
                                  bool keep_alive) {
  if (!co_await send_head(socket, head, keep_alive)) co_return false;
  if (!co_await send(socket, first)) co_return false;
  for (int i = 0; i < options.events; ++i) {
    if (!co_await pause(timer, options.gap_ms)) co_return false;
    const std::string& delta = deltas[deltas.size() == 1 ? 0 : static_cast<std::size_t>(i)];
    if (!co_await send(socket, delta)) co_return false;
  }
  co_return co_await send(socket, tail);
}

// A connection's whole life: read a request, wait if asked to, answer from the prepared bytes.
asio::awaitable<void> serve_connection(tcp::socket socket, const Options& options, const Answers& answers) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  beast::flat_buffer buffer;
  asio::steady_timer timer(socket.get_executor());
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64u * 1024u * 1024u);
    auto [error, size] = co_await http::async_read(socket, buffer, parser, use_nothrow);
    (void)size;
    if (error) break;
    const auto& request = parser.get();
    const bool keep_alive = request.keep_alive();
    const Route route = route_of(request);
    bool sent = false;
    if (route == Route::health) {
      sent = co_await send_head(socket, answers.health, keep_alive);
    } else if (route == Route::not_found) {
      sent = co_await send_head(socket, answers.not_found, keep_alive);
    } else {
      if (!co_await pause(timer, options.delay_ms)) break;
      const bool stream = wants_stream(request.body());
      if (route == Route::chat) {
        sent = stream ? co_await send_stream(socket, timer, options, answers.stream_head, answers.chat_role,
                                             answers.chat_delta, answers.chat_tail, keep_alive)
                      : co_await send_head(socket, answers.chat, keep_alive);
      } else {
        sent = stream ? co_await send_stream(socket, timer, options, answers.stream_head, answers.responses_created,
                                             answers.responses_deltas, answers.responses_tail, keep_alive)
                      : co_await send_head(socket, answers.responses, keep_alive);
      }
    }
    if (!sent || !keep_alive) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, const Options& options, const Answers& answers) {
  asio::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(use_nothrow);
    if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (error) {  // out of descriptors: pause instead of spinning
      backoff.expires_after(std::chrono::milliseconds(20));
      co_await backoff.async_wait(use_nothrow);
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), serve_connection(std::move(socket), options, answers), asio::detached);
  }
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

[[noreturn]] void usage(const char* message) {
  std::cerr << "fake_upstream: " << message
            << "\nusage: fake_upstream --host 127.0.0.1 --port P --threads N --delay-ms D --events N --gap-ms G\n";
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") usage("help");
    if (i + 1 >= argc) usage("missing value");
    const char* value = argv[++i];
    if (flag == "--host") options.host = value;
    else if (flag == "--port") options.port = static_cast<unsigned short>(std::atoi(value));
    else if (flag == "--threads") options.threads = static_cast<unsigned>(std::max(1, std::atoi(value)));
    else if (flag == "--delay-ms") options.delay_ms = std::max(0, std::atoi(value));
    else if (flag == "--events") options.events = std::max(0, std::atoi(value));
    else if (flag == "--gap-ms") options.gap_ms = std::max(0, std::atoi(value));
    else usage("unknown flag");
  }
  return options;
}

struct Worker {
  asio::io_context io{1};
  std::optional<tcp::acceptor> acceptor;
};

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  const Answers answers = prepare_answers(options);
  raise_descriptor_limit();

  std::vector<std::unique_ptr<Worker>> workers;
  unsigned short port = options.port;
  try {
    const tcp::endpoint wanted(asio::ip::make_address(options.host), port);
    for (unsigned i = 0; i < options.threads; ++i) {
      auto worker = std::make_unique<Worker>();
      tcp::acceptor acceptor(worker->io);
      const tcp::endpoint endpoint(wanted.address(), port);
      acceptor.open(endpoint.protocol());
      acceptor.set_option(asio::socket_base::reuse_address(true));
      acceptor.set_option(ReusePort(true));
      acceptor.bind(endpoint);
      acceptor.listen(asio::socket_base::max_listen_connections);
      port = acceptor.local_endpoint().port();  // with --port 0 the later threads join the first's port
      worker->acceptor.emplace(std::move(acceptor));
      workers.push_back(std::move(worker));
    }
  } catch (const std::exception& error) {
    std::cerr << "fake_upstream: cannot listen on " << options.host << ":" << options.port << ": " << error.what()
              << "\n";
    return 1;
  }

  for (auto& worker : workers) asio::co_spawn(worker->io, accept_loop(*worker->acceptor, options, answers), asio::detached);

  // SIGINT/SIGTERM stop every io_context; the first worker's context watches for them.
  asio::signal_set signals(workers.front()->io, SIGINT, SIGTERM);
  signals.async_wait([&workers](const boost::system::error_code&, int) {
    for (auto& worker : workers) worker->io.stop();
  });

  std::cout << R"({"listening":"http://)" << options.host << ":" << port << R"("})" << std::endl;

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers.size(); ++i) threads.emplace_back([io = &workers[i]->io] { io->run(); });
  workers.front()->io.run();
  for (auto& thread : threads) thread.join();
  return 0;
}
