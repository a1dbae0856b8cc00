#include "storage/sha256.h"

#include <openssl/sha.h>

#include "base/hex.h"

namespace kuzet::storage {

std::array<uint8_t, 32> Sha256(std::string_view data) {
  static_assert(SHA256_DIGEST_LENGTH == 32);
  std::array<uint8_t, 32> digest;
  // OpenSSL's one-shot SHA256() (libcrypto): no context to leak, no failure for in-memory input.
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return digest;
}

std::string Sha256Hex(std::string_view data) {
  const std::array<uint8_t, 32> digest = Sha256(data);
  return base::HexEncode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace kuzet::storage
