// A keyed hash for tables whose keys a page chose (its words, its links).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kuzet::base {

// SipHash-2-4 (libsodium's crypto_shorthash) under a random key of its own. A table that hashes
// a page's words with a fixed function can be flooded: words picked offline to share a slot turn
// each lookup into a walk over all of them, and one page into seconds of probing (a hash of
// 64 fixed bits needs only its low bits to collide). Without the key, which never leaves the
// process, the slots cannot be predicted. ~20 ns for a word.
class KeyedHash {
 public:
  // A fresh key from the system's random source; throws std::runtime_error when there is none.
  KeyedHash();
  // A given key: the same hashes in every process (known-answer tests, reproducing a table).
  explicit KeyedHash(const std::array<unsigned char, 16>& key) : key_(key) {}

  uint64_t operator()(std::string_view bytes) const;
  uint64_t operator()(std::u16string_view units) const;  // of the units' bytes

 private:
  std::array<unsigned char, 16> key_;
};

// KeyedHash as a standard container's hasher (std::string, std::string_view keys): each
// container default-constructs its own key.
struct KeyedStringHash {
  KeyedHash hash;
  size_t operator()(std::string_view bytes) const { return hash(bytes); }
};

}  // namespace kuzet::base
