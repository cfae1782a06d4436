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
//
// The head is written as text here, once, rather than kept as a beast message for beast's
// serializer: that serializer walks a chain of small buffers with a variant visit per step and was
// about a tenth of a proxied request's CPU (bench/README.md, "Fourth look").
#pragma once

#include "core/Expected.h"
#include "upstream/UpstreamRequest.h"
#include "upstream/UpstreamUrl.h"

#include <string>
#include <string_view>

namespace sluice::upstream {

struct RequestMessage {
  std::string head;       // request line, header lines and the blank line that ends the head
  std::string_view body;  // the UpstreamRequest's body
};

Expected<RequestMessage> build_request_message(const UpstreamRequest& request, const UpstreamUrl& url);

}  // namespace sluice::upstream
