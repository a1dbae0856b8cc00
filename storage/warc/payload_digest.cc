#include "storage/warc/payload_digest.h"

#include <openssl/sha.h>

#include <array>
#include <cstdint>

#include "base/hex.h"
#include "base/strings.h"

namespace kuzet::storage::warc {
namespace {

using Sha1 = std::array<uint8_t, SHA_DIGEST_LENGTH>;

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

Sha1 ComputeSha1(std::string_view data) {
  Sha1 digest;
  // OpenSSL's one-shot SHA1() (libcrypto): no context to leak, no failure for in-memory input.
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return digest;
}

// RFC 4648 §6. 20 bytes are exactly 32 letters of 5 bits, so there is never any "=" padding.
std::string Base32(const Sha1& bytes) {
  static_assert(SHA_DIGEST_LENGTH * 8 % 5 == 0);
  std::string out;
  out.reserve(SHA_DIGEST_LENGTH * 8 / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

}  // namespace

std::string WarcSha1Digest(std::string_view data) { return "sha1:" + Base32(ComputeSha1(data)); }

Result<bool> MatchesWarcDigest(std::string_view labelled_digest, std::string_view data) {
  const size_t colon = labelled_digest.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("WARC digest without an algorithm label: " +
                                   std::string(labelled_digest.substr(0, 80)));
  }
  const std::string_view algorithm = labelled_digest.substr(0, colon);
  const std::string_view value = labelled_digest.substr(colon + 1);
  if (!base::EqualsIgnoreAsciiCase(algorithm, "sha1")) {
    return Status::InvalidArgument("WARC digest algorithm not supported: " +
                                   std::string(algorithm.substr(0, 80)));
  }
  const Sha1 actual = ComputeSha1(data);
  if (value.size() == 2 * SHA_DIGEST_LENGTH) {
    std::string lower = base::AsciiLower(value);
    for (char c : lower) {
      if (base::HexDigitValue(c) < 0) {
        return Status::InvalidArgument("WARC sha1 digest is neither base32 nor hex: " +
                                       std::string(value));
      }
    }
    const std::string expected = base::HexEncode(
        std::string_view(reinterpret_cast<const char*>(actual.data()), actual.size()));
    return lower == expected;
  }
  if (value.size() != SHA_DIGEST_LENGTH * 8 / 5) {
    return Status::InvalidArgument("WARC sha1 digest of the wrong length: " +
                                   std::string(value.substr(0, 80)));
  }
  std::string upper(value);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (kBase32Alphabet.find(c) == std::string_view::npos) {
      return Status::InvalidArgument("WARC sha1 digest is neither base32 nor hex: " +
                                     std::string(value));
    }
  }
  return upper == Base32(actual);
}

}  // namespace kuzet::storage::warc
