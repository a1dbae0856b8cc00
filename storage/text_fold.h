// The text folding shared by exact-duplicate keys (NormalizeForFingerprint) and the SimHash:
// Unicode NFKC with case folding, computed once per page. Internal to storage/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kuzet::storage {

// NFKC case-folded text (ICU nfkc_cf), line breaks and other whitespace left as they are.
// Ill-formed UTF-8 sequences become U+FFFD.
std::string FoldText(const std::string& utf8_text);

// Whitespace runs (Unicode White_Space) collapsed to one space, leading and trailing whitespace
// dropped: NormalizeForFingerprint(t) == CollapseWhitespace(FoldText(t)).
std::string CollapseWhitespace(std::string_view folded_text);

// CollapseWhitespace a code point at a time, for a pass that decodes the text anyway (the
// SimHash's, in TextKeysOf): the one definition of the collapse, which CollapseWhitespace runs
// too. Text between whitespace runs is copied a run at a time, not a character at a time.
class WhitespaceCollapser {
 public:
  // Writes into *out (cleared); `text` must outlive the collapser.
  WhitespaceCollapser(std::string_view text, std::string* out) : text_(text), out_(*out) {
    out_.clear();
    out_.reserve(text.size());
  }
  // What U8_NEXT read at [at, next): `c` (negative for an ill-formed sequence). `space`: it is
  // White_Space (a negative `c` is not).
  void Next(int32_t at, int32_t next, int32_t c, bool space) {
    if (space) {
      Flush(at);
      run_ = next;
      pending_space_ = !out_.empty();
    } else if (c < 0 && next - at != 3) {  // an ill-formed sequence: one U+FFFD for it
      // (three ill-formed bytes are copied as they are, as CollapseWhitespace always did)
      Flush(at);
      if (pending_space_) out_.push_back(' ');
      pending_space_ = false;
      out_.append("\xEF\xBF\xBD");
      run_ = next;
    }
  }
  // After the last code point.
  void Finish() { Flush(static_cast<int32_t>(text_.size())); }

 private:
  void Flush(int32_t end) {
    if (end > run_) {
      if (pending_space_) out_.push_back(' ');
      pending_space_ = false;
      out_.append(text_.substr(run_, end - run_));
    }
  }

  std::string_view text_;
  std::string& out_;
  int32_t run_ = 0;  // where the text not yet copied begins
  bool pending_space_ = false;
};

}  // namespace kuzet::storage
