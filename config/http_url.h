// Internal to kuzet_config: checks that a configured URL is an absolute http(s) URL.
#pragma once

#include <optional>
#include <string>

namespace kuzet::config {

// The URL's host, lowercased, if `url` is an absolute http:// or https:// URL with a host that
// libcurl accepts (the same parser the crawler fetches with); nullopt otherwise.
std::optional<std::string> HttpUrlHost(const std::string& url);

}  // namespace kuzet::config
