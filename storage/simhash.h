// Near-duplicate detection (issue #7): a 64-bit SimHash (Charikar 2002) over word 2-shingles, and
// the block layout of the permuted-prefix tables (Manku, Jain, Das Sarma, WWW 2007) that find
// every stored fingerprint within Hamming distance 3 without comparing against all of them.
//
// The hash is persisted (storage/README.md, family `stories`), so the tokenization, shingle size
// and shingle hash below are part of the on-disk format: changing any of them needs a new format
// version.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kuzet::storage {

inline constexpr int kShingleWords = 2;
// Below this many shingles a text is too short for its SimHash to mean anything (a headline, a
// photo caption): such a document forms a story of its own.
inline constexpr int kMinShingles = 32;
inline constexpr int kMaxNearDuplicateDistance = 3;
// 64 bits in 4 blocks of 16: two fingerprints within distance 3 agree on at least one whole block
// (pigeonhole), so one exact-match table per block finds every candidate.
inline constexpr int kSimHashBlocks = 4;

// SimHash of `normalized_text` (see NormalizeForFingerprint): words are maximal runs of letters
// and digits (Unicode), shingles are kShingleWords consecutive words, each hashed with FNV-1a 64
// and the splitmix64 finalizer; bit i is set when more shingle hashes have bit i set than not.
// nullopt below kMinShingles shingles.
std::optional<uint64_t> SimHash64(std::string_view normalized_text);

int HammingDistance(uint64_t a, uint64_t b);

// Block b (0 = the most significant 16 bits).
uint16_t SimHashBlock(uint64_t simhash, int block);

}  // namespace kuzet::storage
