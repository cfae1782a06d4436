#include "upstream/UpstreamRequest.h"

#include <boost/beast/core/string.hpp>

#include <algorithm>

namespace sluice::upstream {

void UpstreamRequest::set_header(std::string_view name, std::string value) {
  for (auto& [existing, existing_value] : headers) {
    if (boost::beast::iequals(existing, name)) {
      existing_value = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

void UpstreamRequest::remove_header(std::string_view name) {
  std::erase_if(headers, [&](const auto& header) { return boost::beast::iequals(header.first, name); });
}

const std::string* UpstreamRequest::find_header(std::string_view name) const {
  for (const auto& [existing, value] : headers) {
    if (boost::beast::iequals(existing, name)) return &value;
  }
  return nullptr;
}

}  // namespace sluice::upstream
