#include "extractor/fragment_set.h"

#include <algorithm>

namespace kuzet::extractor {

FragmentSet::FragmentSet(std::initializer_list<std::span<const std::string_view>> lists) {
  uint32_t bit = 1;
  for (std::span<const std::string_view> list : lists) {
    for (std::string_view f : list) {
      if (!f.empty()) sorted_.push_back({f, bit});
    }
    all_bits_ |= bit;
    bit <<= 1;
  }
  std::stable_sort(sorted_.begin(), sorted_.end(), [](const Fragment& a, const Fragment& b) {
    return static_cast<unsigned char>(a.text[0]) < static_cast<unsigned char>(b.text[0]);
  });
  size_t k = 0;
  for (unsigned b = 0; b < 256; ++b) {
    first_byte_[b] = static_cast<uint16_t>(k);
    while (k < sorted_.size() && static_cast<unsigned char>(sorted_[k].text[0]) == b) ++k;
  }
  first_byte_[256] = static_cast<uint16_t>(k);
}

uint32_t FragmentSet::Find(std::string_view text) const {
  uint32_t found = 0;
  for (size_t i = 0; i < text.size() && found != all_bits_; ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::string_view rest = text.substr(i);
    for (unsigned k = first_byte_[b]; k < first_byte_[b + 1]; ++k) {
      const Fragment& f = sorted_[k];
      if ((found & f.bit) != 0 || f.text.size() > rest.size()) continue;
      // The second byte rejects most candidates before a full comparison.
      if (f.text.size() > 1 && rest[1] != f.text[1]) continue;
      if (rest.starts_with(f.text)) found |= f.bit;
    }
  }
  return found;
}

}  // namespace kuzet::extractor
