// Base64 (RFC 4648 section 4), as MIME uses it for headers and bodies.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kuzet::alert {

std::string Base64Encode(std::string_view bytes);

// A MIME body part in base64 (RFC 2045 section 6.8): lines of at most `line_length` characters,
// each ended by CRLF.
std::string Base64Body(std::string_view bytes, size_t line_length = 76);

}  // namespace kuzet::alert
