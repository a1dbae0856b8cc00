// Near-duplicate detection (issue #7): a 64-bit SimHash (Charikar 2002) of a page's words, and the
// block layout of the permuted-prefix tables (Manku, Jain, Das Sarma, WWW 2007) that find every
// stored fingerprint within Hamming distance 3 without comparing against all of them.
//
// The hash is persisted (storage/FORMAT.md, family `simhash`), so the line filter, tokenization,
// weighting and word hash below are part of the on-disk format: changing any of them needs a new
// format version (and the migration that recomputes stored SimHashes from the stored texts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kuzet::storage {

// Lines shorter than this many characters (after folding, whitespace runs counting one) are left
// out: share blocks, photo credits, "read also" links, subscription prompts and datelines are
// short lines, and they are what differs between two sites' copies of one article. 70 is
// jusText's `length_low` (Pomikálek 2011), the boundary below which it calls a paragraph short.
inline constexpr int kShortLineChars = 70;
// Below this many words a text is too short for its SimHash to mean anything (a headline, a
// photo caption): such a document forms a story of its own. When the long lines hold fewer words
// than this, every line counts.
inline constexpr int kMinWords = 32;
inline constexpr int kMaxNearDuplicateDistance = 3;
// 64 bits in 4 blocks of 16: two fingerprints within distance 3 agree on at least one whole block
// (pigeonhole), so one exact-match table per block finds every candidate.
inline constexpr int kSimHashBlocks = 4;

// SimHash of a page's text as stored (Document::text, not normalized). The text is folded (NFKC
// case folding), cut into lines, and short lines are dropped (see kShortLineChars). Words are
// maximal runs of Unicode letters and digits; each distinct word is a feature hashed with FNV-1a
// 64 and the splitmix64 finalizer, weighted 1 + ln(occurrences) (sublinear term frequency, so a
// word repeated throughout does not drown the rest); bit i is set when the weights of the
// features with bit i set outweigh the others. nullopt below kMinWords words.
std::optional<uint64_t> TextSimHash(std::string_view page_text);

// The same, for text already folded by FoldText (storage/text_fold.h): TextKeysOf folds once for
// both the exact-duplicate key and the SimHash.
std::optional<uint64_t> SimHashOfFoldedText(std::string_view folded_text);
// The same, writing CollapseWhitespace(folded_text) (storage/text_fold.h) into *collapsed in the
// same pass: TextKeysOf decodes and classifies the folded text once for both keys.
std::optional<uint64_t> SimHashOfFoldedText(std::string_view folded_text, std::string* collapsed);

int HammingDistance(uint64_t a, uint64_t b);

// Block b (0 = the most significant 16 bits).
uint16_t SimHashBlock(uint64_t simhash, int block);

}  // namespace kuzet::storage
