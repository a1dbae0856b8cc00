// Hexadecimal digits: byte strings as hex, and the "%XX" escapes of URLs (RFC 3986 §2.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kuzet::base {

// 0-15 for 0-9, a-f, A-F; -1 for any other byte.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class HexCase { kLower, kUpper };

// Appends the two hex digits of `byte`.
void AppendHexByte(uint8_t byte, std::string& out, HexCase letter_case = HexCase::kLower);

// Two lowercase hex digits per byte of `bytes` (digests, keys in logs).
std::string HexEncode(std::string_view bytes, HexCase letter_case = HexCase::kLower);

// Appends "%XX" with uppercase digits, the form RFC 3986 §2.1 says producers should use.
void AppendPercentEncoded(uint8_t byte, std::string& out);

}  // namespace kuzet::base
