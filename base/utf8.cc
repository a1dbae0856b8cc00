#include "base/utf8.h"

#include <unicode/utf8.h>

#include <algorithm>

namespace kuzet::base {

int32_t NextUtf8(std::string_view text, size_t* pos) {
  // A window of at most 4 bytes (the longest sequence), so ICU's int32_t indexes never overflow
  // whatever the text's size.
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data() + *pos);
  const int32_t length = static_cast<int32_t>(std::min<size_t>(text.size() - *pos, 4));
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(bytes, i, length, c);
  *pos += static_cast<size_t>(i);
  return c < 0 ? -1 : c;
}

}  // namespace kuzet::base
