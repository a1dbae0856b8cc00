#include "alert/base64.h"

#include <cstdint>

namespace kuzet::alert {

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  const auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += kAlphabet[n >> 6 & 63];
    out += kAlphabet[n & 63];
  }
  if (const size_t left = bytes.size() - i; left > 0) {
    const uint32_t n = at(i) << 16 | (left == 2 ? at(i + 1) << 8 : 0);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += left == 2 ? kAlphabet[n >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string Base64Body(std::string_view bytes, size_t line_length) {
  const std::string encoded = Base64Encode(bytes);
  if (line_length < 4) line_length = 4;
  line_length -= line_length % 4;
  std::string out;
  out.reserve(encoded.size() + encoded.size() / line_length * 2 + 2);
  for (size_t i = 0; i < encoded.size(); i += line_length) {
    out.append(encoded, i, line_length);
    out += "\r\n";
  }
  return out;
}

}  // namespace kuzet::alert
