// Fixed lists of byte-string fragments, asked "which lists have a fragment in this text?".
//
// The scorer asks this for the class and id of every block on every page, against five lists of
// 10-60 fragments; one find() per fragment per list made it the largest cost after parsing. All
// lists are indexed together by first byte, so one walk over the text answers for every list,
// comparing only the fragments that can start at each byte.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace kuzet::extractor {

class FragmentSet {
 public:
  // List i answers as bit (1 << i) of Find; at most 32 lists. The fragments must outlive the set
  // (string literals); empty fragments are ignored.
  explicit FragmentSet(std::initializer_list<std::span<const std::string_view>> lists);

  // Bit i is set when some fragment of list i occurs in text (exact bytes, as
  // std::string_view::find would find it).
  uint32_t Find(std::string_view text) const;

 private:
  struct Fragment {
    std::string_view text;
    uint32_t bit;
  };
  std::vector<Fragment> sorted_;  // by first byte
  std::array<uint16_t, 257>
      first_byte_{};  // sorted_[first_byte_[b], first_byte_[b + 1]) start with b
  uint32_t all_bits_ = 0;
};

}  // namespace kuzet::extractor
