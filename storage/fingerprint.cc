// NormalizeForFingerprint (declared in store.h): what counts as "the same text" for exact
// duplicates. Republished articles differ in case, in Unicode form (composed vs decomposed
// Cyrillic/Kazakh letters, full-width forms) and in whitespace left by templates; none of that
// makes a different story.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "storage/store.h"

namespace kuzet::storage {

std::string NormalizeForFingerprint(const std::string& utf8_text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(error);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(utf8_text);
  icu::UnicodeString folded;
  if (U_SUCCESS(error)) {
    folded = nfkc_casefold->normalize(text, error);
  }
  if (U_FAILURE(error)) folded = text.foldCase();  // ICU data missing: still case-insensitive

  icu::UnicodeString collapsed;
  bool pending_space = false;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !collapsed.isEmpty();
      continue;
    }
    if (pending_space) collapsed.append(static_cast<UChar>(' '));
    pending_space = false;
    collapsed.append(c);
  }
  std::string out;
  collapsed.toUTF8String(out);
  return out;
}

}  // namespace kuzet::storage
