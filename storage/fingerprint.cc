// NormalizeForFingerprint (declared in store.h): what counts as "the same text" for exact
// duplicates. Republished articles differ in case, in Unicode form (composed vs decomposed
// Cyrillic/Kazakh letters, full-width forms) and in whitespace left by templates; none of that
// makes a different story.
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstring>

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

}  // namespace

std::string FoldText(const std::string& utf8_text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(error);
  std::string out;
  if (U_SUCCESS(error) && IsWellFormedUtf8(utf8_text)) {
    // Straight from UTF-8 to UTF-8: no UTF-16 copies (the common case).
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
