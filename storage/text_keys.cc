// TextKeysOf (declared in page.h): the text is folded once, and the exact-duplicate key and the
// SimHash both start from the folded form.
#include <array>

#include "storage/page.h"
#include "storage/sha256.h"
#include "storage/simhash.h"
#include "storage/text_fold.h"

namespace kuzet::storage {

TextKeys TextKeysOf(const std::string& utf8_text) {
  TextKeys keys;
  const std::string folded = FoldText(utf8_text);
  const std::array<uint8_t, 32> digest = Sha256(CollapseWhitespace(folded));
  keys.fingerprint_key.assign(digest.begin(), digest.end());
  keys.simhash = SimHashOfFoldedText(folded);
  keys.text_bytes = utf8_text.size();
  return keys;
}

}  // namespace kuzet::storage
