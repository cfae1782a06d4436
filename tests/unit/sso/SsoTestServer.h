// SsoTestServer: an in-process identity provider for the SSO client tests — TestUpstreamServer
// with answers chosen by path, every request kept — plus run_on() and form/query readers.
#pragma once

#include "../upstream/TestUpstreamServer.h"
#include "core/Expected.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/url.hpp>

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::sso::test {

using upstream::test::ReceivedRequest;

inline std::string json_response(unsigned status, const boost::json::value& body) {
  return upstream::test::http_response(status, boost::json::serialize(body), "Content-Type: application/json\r\n");
}

class SsoTestServer {
 public:
  using Handler = std::function<std::string(const ReceivedRequest&)>;

  explicit SsoTestServer(boost::asio::io_context& io) : server_(io) {
    server_.serve([this](upstream::test::TestServerConnection& connection) -> boost::asio::awaitable<void> {
      while (auto request = co_await connection.read_request()) {
        received_.push_back(*request);
        const std::string target(request->target());
        const std::string path = target.substr(0, target.find('?'));
        const auto handler = handlers_.find(path);
        const std::string response = handler != handlers_.end()
                                         ? handler->second(*request)
                                         : json_response(404, {{"message", "Not Found"}});
        if (!co_await connection.write(response)) co_return;
      }
    });
  }

  // Answers requests for `path` (the query ignored) with what `handler` returns.
  void on(const std::string& path, Handler handler) { handlers_[path] = std::move(handler); }
  void on_json(const std::string& path, unsigned status, boost::json::value body) {
    on(path, [status, body = std::move(body)](const ReceivedRequest&) { return json_response(status, body); });
  }

  // "http://127.0.0.1:PORT", no trailing slash.
  std::string base_url() const {
    std::string url = server_.url("127.0.0.1", "/");
    url.pop_back();
    return url;
  }

  const std::vector<ReceivedRequest>& received() const { return received_; }
  std::size_t count(const std::string& path) const {
    std::size_t n = 0;
    for (const auto& request : received_) {
      const std::string target(request.target());
      if (target.substr(0, target.find('?')) == path) ++n;
    }
    return n;
  }
  const ReceivedRequest* last(const std::string& path) const {
    for (auto it = received_.rbegin(); it != received_.rend(); ++it) {
      const std::string target(it->target());
      if (target.substr(0, target.find('?')) == path) return &*it;
    }
    return nullptr;
  }

 private:
  upstream::test::TestUpstreamServer server_;
  std::map<std::string, Handler> handlers_;
  std::vector<ReceivedRequest> received_;
};

// Runs `body` on `io` to completion and answers its result.
template <typename T>
T run_on(boost::asio::io_context& io, boost::asio::awaitable<T> body) {
  std::optional<T> result;
  io.restart();
  upstream::test::run_test_body(
      io,
      [](boost::asio::awaitable<T> inner, std::optional<T>& out) -> boost::asio::awaitable<void> {
        out.emplace(co_await std::move(inner));
      }(std::move(body), result));
  if (!result) throw std::runtime_error("the test coroutine did not finish");
  return std::move(*result);
}

// The decoded fields of a form body or a query string.
inline std::map<std::string, std::string> form_fields(std::string_view text) {
  std::map<std::string, std::string> fields;
  boost::urls::url url;
  url.set_encoded_query(text);  // throws on a malformed query
  for (const auto& param : url.params()) fields[param.key] = param.value;
  return fields;
}

// The decoded query of `url`.
inline std::map<std::string, std::string> query_fields(std::string_view url) {
  const auto question = url.find('?');
  return question == std::string_view::npos ? std::map<std::string, std::string>{}
                                            : form_fields(url.substr(question + 1));
}

}  // namespace sluice::sso::test
