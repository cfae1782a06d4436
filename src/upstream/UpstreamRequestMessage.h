// UpstreamRequestMessage: the HTTP/1.1 request head and body that go on the wire for an
// UpstreamRequest.
//
// The head is: request line with the URL's path and query; `Host` (the URL's host, with the port
// only when it is not the scheme's default — or the request's own Host value, which a signer such
// as SigV4 may have covered); `Content-Length`; `Connection: keep-alive`; then the request's
// headers in their order; then `User-Agent: sluice/0.1` only when the request has none. The
// framing headers the client owns (Content-Length, Connection, Transfer-Encoding) are not copied
// from the request. A header whose name is not an HTTP token, or whose value holds CR, LF or NUL,
// is refused: it would split the head. The body is borrowed from the request, not copied, so the
// UpstreamRequest must outlive the message.
#pragma once

#include "core/Expected.h"
#include "upstream/UpstreamRequest.h"
#include "upstream/UpstreamUrl.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>

namespace sluice::upstream {

using RequestMessage = boost::beast::http::request<boost::beast::http::span_body<const char>>;

Expected<RequestMessage> build_request_message(const UpstreamRequest& request, const UpstreamUrl& url);

}  // namespace sluice::upstream
