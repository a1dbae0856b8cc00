#include "extractor/keywords/normalized_text.h"

#include <unicode/normalizer2.h>
#include <unicode/utf16.h>

namespace kuzet::keywords {

NormalizedText::NormalizedText(const icu::UnicodeString& source) : source_length_(source.length()) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const int32_t n = source.length();
  source_begin_.reserve(n);
  source_end_.reserve(n);
  auto emit = [&](const icu::UnicodeString& piece, int32_t begin, int32_t end) {
    text_.append(piece);
    for (int32_t k = 0; k < piece.length(); ++k) {
      source_begin_.push_back(begin);
      source_end_.push_back(end);
    }
  };
  for (int32_t i = 0; i < n;) {
    UChar32 c = source.char32At(i);
    int32_t j = i + U16_LENGTH(c);
    while (j < n && U_SUCCESS(status) && !nfkc_cf->hasBoundaryBefore(source.char32At(j))) {
      j += U16_LENGTH(source.char32At(j));
    }
    if (j == i + 1 && c < 0x80) {  // lone ASCII character: folding is lower-casing
      char16_t lower =
          (c >= 'A' && c <= 'Z') ? static_cast<char16_t>(c - 'A' + 'a') : static_cast<char16_t>(c);
      text_.append(static_cast<UChar>(lower));
      source_begin_.push_back(i);
      source_end_.push_back(j);
    } else if (U_SUCCESS(status)) {
      UErrorCode segment_status = U_ZERO_ERROR;
      icu::UnicodeString piece = nfkc_cf->normalize(source.tempSubString(i, j - i), segment_status);
      emit(U_SUCCESS(segment_status) ? piece : source.tempSubString(i, j - i), i, j);
    } else {
      emit(source.tempSubString(i, j - i), i, j);
    }
    i = j;
  }
}

std::pair<int32_t, int32_t> NormalizedText::SourceRange(int32_t begin, int32_t end) const {
  const int32_t n = text_.length();
  if (begin >= n) return {source_length_, source_length_};
  if (end <= begin) return {source_begin_[begin], source_begin_[begin]};
  return {source_begin_[begin], source_end_[end - 1]};
}

}  // namespace kuzet::keywords
