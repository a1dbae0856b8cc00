// NormalizeForFingerprint (declared in store.h): what counts as "the same text" for exact
// duplicates. Republished articles differ in case, in Unicode form (composed vs decomposed
// Cyrillic/Kazakh letters, full-width forms) and in whitespace left by templates; none of that
// makes a different story.
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/text_fold.h"

namespace kuzet::storage {

namespace {

bool IsWellFormedUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    // Eight ASCII bytes at a time: most of an English page.
    if (i + 8 <= length) {
      uint64_t eight;
      std::memcpy(&eight, bytes + i, 8);
      if ((eight & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

// NFKC_Casefold of each code point below kFoldTableLimit that begins a normalization segment
// whatever surrounds it (ICU Normalizer2::hasBoundaryBefore): a run of such code points folds one
// code point at a time, and a text splits at each of them into parts that fold on their own
// (UAX #15, section 9). Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, general punctuation,
// currency signs, letterlike symbols (№), arrows: nearly every character of the pages watched,
// folded from the table instead of by ICU (issue #17). Built once from ICU, immutable after.
constexpr char32_t kFoldTableLimit = 0x2200;
constexpr uint32_t kNotFoldedAlone = UINT32_MAX;

struct FoldTable {
  // Per code point: offset into `bytes` << 8 | length of its fold, or kNotFoldedAlone.
  std::vector<uint32_t> entries;
  std::string bytes;   // and eight bytes of padding
  size_t longest = 0;  // bytes of the longest fold
};

// nullptr when ICU's data is missing, or ASCII does not fold to lower case in it (the pass below
// lower-cases ASCII itself): FoldText then asks ICU for everything.
std::unique_ptr<const FoldTable> BuildFoldTable(const icu::Normalizer2& nfkc_cf) {
  auto table = std::make_unique<FoldTable>();
  table->entries.assign(kFoldTableLimit, kNotFoldedAlone);
  for (char32_t c = 0; c < kFoldTableLimit; ++c) {
    if ((c >= 0xd800 && c < 0xe000) || !nfkc_cf.hasBoundaryBefore(static_cast<UChar32>(c))) {
      continue;
    }
    UErrorCode error = U_ZERO_ERROR;
    const icu::UnicodeString folded =
        nfkc_cf.normalize(icu::UnicodeString(static_cast<UChar32>(c)), error);
    std::string bytes;
    folded.toUTF8String(bytes);
    if (U_FAILURE(error) || bytes.size() > 0xff) return nullptr;
    const char32_t ascii_lower = c >= 'A' && c <= 'Z' ? c + 0x20 : c;
    if (c < 0x80 && bytes != std::string(1, static_cast<char>(ascii_lower))) return nullptr;
    table->entries[c] =
        static_cast<uint32_t>(table->bytes.size()) << 8 | static_cast<uint32_t>(bytes.size());
    table->bytes += bytes;
    table->longest = std::max(table->longest, bytes.size());
  }
  table->bytes.append(8, '\0');  // FoldThroughTable copies eight bytes of a shorter fold
  return table;
}

// Eight ASCII bytes lower-cased at once: 0x20 added to each byte in 'A'..'Z' (no carries: every
// byte is below 0x80).
uint64_t LowerCaseAscii8(uint64_t eight) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const uint64_t at_least_a = (eight + (0x80 - 'A') * kOnes) & kHigh;
  const uint64_t above_z = (eight + (0x7f - 'Z') * kOnes) & kHigh;
  return eight | ((at_least_a & ~above_z) >> 2);
}

// FoldText of well-formed text into *out: the table's code points from it, every other one
// (and the segment before it, which it may join) by ICU, up to the next code point of the table.
// False for ill-formed UTF-8, or when ICU fails.
bool FoldThroughTable(const FoldTable& table, const icu::Normalizer2& nfkc_cf,
                      std::string_view text, std::string* out) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  out->resize(n + table.longest);
  size_t o = 0;
  // Where the last code point of the table began, in `text` and in *out: a segment boundary
  // (before it, the text is folded and final).
  size_t segment_in = 0, segment_out = 0;
  auto room = [&](size_t bytes_needed) {
    if (o + bytes_needed > out->size()) out->resize(std::max(2 * out->size(), o + bytes_needed));
  };
  auto in_table = [&](size_t i, size_t* next) -> uint32_t {
    const uint8_t lead = bytes[i];
    char32_t c = kFoldTableLimit;
    if (lead >= 0xc2 && lead < 0xe0 && i + 1 < n && (bytes[i + 1] & 0xc0) == 0x80) {
      c = (lead & 0x1fu) << 6 | (bytes[i + 1] & 0x3fu);
      *next = i + 2;
    } else if (lead >= 0xe0 && lead < 0xf0 && i + 2 < n && (bytes[i + 1] & 0xc0) == 0x80 &&
               (bytes[i + 2] & 0xc0) == 0x80) {
      c = (lead & 0x0fu) << 12 | (bytes[i + 1] & 0x3fu) << 6 | (bytes[i + 2] & 0x3fu);
      if (c < 0x800) c = kFoldTableLimit;  // overlong: ill-formed, found so below
      *next = i + 3;
    }
    return c < kFoldTableLimit ? table.entries[c] : kNotFoldedAlone;
  };
  std::string segment;  // ICU's fold of a segment the table cannot fold
  for (size_t i = 0; i < n;) {
    if (bytes[i] < 0x80) {  // a run of ASCII, lower-cased eight bytes at a time where it can
      room(n - i);
      char* w = out->data();
      const size_t run = i;
      for (uint64_t eight; i + 8 <= n; i += 8, o += 8) {
        std::memcpy(&eight, bytes + i, 8);
        if ((eight & 0x8080808080808080ULL) != 0) break;
        eight = LowerCaseAscii8(eight);
        std::memcpy(w + o, &eight, 8);
      }
      for (; i < n && bytes[i] < 0x80; ++i, ++o) {
        w[o] = static_cast<char>(bytes[i] >= 'A' && bytes[i] <= 'Z' ? bytes[i] + 0x20 : bytes[i]);
      }
      if (i > run) {
        segment_in = i - 1;
        segment_out = o - 1;
      }
      continue;
    }
    size_t next = i;
    const uint32_t entry = in_table(i, &next);
    if (entry != kNotFoldedAlone) {
      const size_t length = entry & 0xff;
      room(std::max<size_t>(length, 8));
      segment_in = i;
      segment_out = o;
      const char* fold = table.bytes.data() + (entry >> 8);
      if (length <= 8) {  // nearly all: eight bytes copied as one word (`bytes` is padded)
        std::memcpy(out->data() + o, fold, 8);
      } else {
        std::memcpy(out->data() + o, fold, length);
      }
      o += length;
      i = next;
      continue;
    }
    // To ICU: from the last boundary to the next code point of the table (which has a boundary
    // before it), so that ICU sees everything this code point can combine or reorder with.
    size_t end = i;
    while (end < n) {
      size_t after = end;
      if (end > i && (bytes[end] < 0x80 || in_table(end, &after) != kNotFoldedAlone)) break;
      int32_t k = static_cast<int32_t>(end);
      UChar32 c;
      U8_NEXT(bytes, k, static_cast<int32_t>(n), c);
      if (c < 0) return false;
      end = static_cast<size_t>(k);
    }
    // Into a string of its own: shrinking *out to append would zero-fill it again after.
    UErrorCode error = U_ZERO_ERROR;
    segment.clear();
    icu::StringByteSink<std::string> sink(&segment);
    nfkc_cf.normalizeUTF8(0, text.substr(segment_in, end - segment_in), sink, nullptr, error);
    if (U_FAILURE(error)) return false;
    o = segment_out;
    room(segment.size());
    std::memcpy(out->data() + o, segment.data(), segment.size());
    o += segment.size();
    i = end;
  }
  out->resize(o);
  return true;
}

}  // namespace

std::string FoldText(const std::string& utf8_text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(error);
  std::string out;
  if (U_SUCCESS(error)) {
    static const std::unique_ptr<const FoldTable> table = BuildFoldTable(*nfkc_casefold);
    if (table != nullptr && FoldThroughTable(*table, *nfkc_casefold, utf8_text, &out)) return out;
  }
  if (U_SUCCESS(error) && IsWellFormedUtf8(utf8_text)) {
    // Straight from UTF-8 to UTF-8: no UTF-16 copies.
    out.clear();
    icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(utf8_text.size()));
    nfkc_casefold->normalizeUTF8(0, utf8_text, sink, nullptr, error);
    if (U_SUCCESS(error)) return out;
    out.clear();
    error = U_ZERO_ERROR;
  }
  // Ill-formed input goes through UTF-16, whose conversion replaces each bad sequence with
  // U+FFFD, as this function always did (stored content hashes depend on it).
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(utf8_text);
  icu::UnicodeString folded;
  if (U_SUCCESS(error)) folded = nfkc_casefold->normalize(text, error);
  if (U_FAILURE(error)) folded = text.foldCase();  // ICU data missing: still case-insensitive
  out.clear();
  folded.toUTF8String(out);
  return out;
}

std::string CollapseWhitespace(std::string_view folded) {
  std::string out;
  WhitespaceCollapser collapser(folded, &out);
  const auto* bytes = reinterpret_cast<const uint8_t*>(folded.data());
  const int32_t length = static_cast<int32_t>(folded.size());
  for (int32_t i = 0; i < length;) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    // ASCII without a call into ICU (whose White_Space there is exactly these): most pages' text.
    const bool space = c < 0x80 ? c == ' ' || (c >= 0x09 && c <= 0x0d) : u_isUWhiteSpace(c);
    collapser.Next(at, i, c, space);
  }
  collapser.Finish();
  return out;
}

std::string NormalizeForFingerprint(const std::string& utf8_text) {
  return CollapseWhitespace(FoldText(utf8_text));
}

}  // namespace kuzet::storage
