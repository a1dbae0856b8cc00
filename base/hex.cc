#include "base/hex.h"

namespace kuzet::base {

void AppendHexByte(uint8_t byte, std::string& out, HexCase letter_case) {
  static constexpr char kLower[] = "0123456789abcdef";
  static constexpr char kUpper[] = "0123456789ABCDEF";
  const char* digits = letter_case == HexCase::kLower ? kLower : kUpper;
  out += digits[byte >> 4];
  out += digits[byte & 0xF];
}

std::string HexEncode(std::string_view bytes, HexCase letter_case) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) AppendHexByte(static_cast<uint8_t>(c), out, letter_case);
  return out;
}

void AppendPercentEncoded(uint8_t byte, std::string& out) {
  out += '%';
  AppendHexByte(byte, out, HexCase::kUpper);
}

}  // namespace kuzet::base
