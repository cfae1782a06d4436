// PercentEncoding: RFC 3986 percent-encoding — every byte outside the unreserved set
// (A-Z a-z 0-9 - _ . ~) written as %XX with upper-case hex. SigV4's canonical URI and query, AWS
// form bodies (STS) and OAuth form bodies all encode exactly this way.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

// `text` encoded; with `keep_slash`, '/' stays literal too (SigV4 canonical paths).
std::string percent_encode(std::string_view text, bool keep_slash = false);

}  // namespace sluice
