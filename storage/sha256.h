// SHA-256 (FIPS 180-4), the content hash of exact-duplicate detection (store keys depend on it),
// computed by OpenSSL's libcrypto rather than by hand.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kuzet::storage {

std::array<uint8_t, 32> Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);

}  // namespace kuzet::storage
