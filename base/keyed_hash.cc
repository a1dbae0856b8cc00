#include "base/keyed_hash.h"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

namespace kuzet::base {

static_assert(crypto_shorthash_KEYBYTES == 16 && crypto_shorthash_BYTES == 8);

KeyedHash::KeyedHash() {
  // Safe to call more than once and from several threads (libsodium's documentation).
  if (sodium_init() < 0) throw std::runtime_error("libsodium: no source of random bytes");
  crypto_shorthash_keygen(key_.data());
}

uint64_t KeyedHash::operator()(std::string_view bytes) const {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                   key_.data());
  uint64_t h;
  std::memcpy(&h, out, sizeof h);
  return h;
}

uint64_t KeyedHash::operator()(std::u16string_view units) const {
  return (*this)(std::string_view(reinterpret_cast<const char*>(units.data()),
                                  units.size() * sizeof(char16_t)));
}

}  // namespace kuzet::base
