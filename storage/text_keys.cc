// TextKeysOf (declared in page.h): the text is folded once, and one pass over the folded form
// gives both the SimHash and the whitespace-collapsed text of the exact-duplicate key.
#include <array>

#include "storage/page.h"
#include "storage/sha256.h"
#include "storage/simhash.h"
#include "storage/text_fold.h"

namespace kuzet::storage {

TextKeys TextKeysOf(const std::string& utf8_text) {
  TextKeys keys;
  const std::string folded = FoldText(utf8_text);
  std::string collapsed;  // CollapseWhitespace(folded), in the SimHash's pass
  keys.simhash = SimHashOfFoldedText(folded, &collapsed);
  const std::array<uint8_t, 32> digest = Sha256(collapsed);
  keys.fingerprint_key.assign(digest.begin(), digest.end());
  keys.text_bytes = utf8_text.size();
  return keys;
}

}  // namespace kuzet::storage
