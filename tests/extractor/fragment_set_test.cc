#include "extractor/fragment_set.h"

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace kuzet::extractor {
namespace {

constexpr std::string_view kFurniture[] = {"comment", "share", "коммент", "-ad-"};
constexpr std::string_view kProse[] = {"article", "content", "text", ""};
constexpr std::string_view kShort[] = {"a"};

TEST(FragmentSetTest, ReportsEveryListWithAFragmentInTheText) {
  const FragmentSet set{kFurniture, kProse, kShort};
  struct Case {
    std::string_view text;
    uint32_t want;
  };
  const Case cases[] = {
      {"", 0},
      {"post-comment-area", 1 | 4},
      {"entry-content", 2},
      {"share-buttons article", 1 | 2 | 4},
      {"commen", 0},   // a fragment cut off by the end of the text does not count
      {"comment", 1},  // the whole text
      {"xyz", 0},
      {"top-ad-slot", 1 | 4},
      {"блок-комментариев", 1},  // multi-byte fragments
      {"ТЕКСТ text", 2},
      {"sharetext", 1 | 2 | 4},
  };
  for (const Case& c : cases) EXPECT_EQ(set.Find(c.text), c.want) << c.text;
}

// Every fragment is found inside other text, and answers for its own list.
TEST(FragmentSetTest, FindsEveryFragmentInsideText) {
  const FragmentSet set{kFurniture, kProse};
  for (const auto& [list, bit] : {std::pair{std::span<const std::string_view>(kFurniture), 1u},
                                  std::pair{std::span<const std::string_view>(kProse), 2u}}) {
    for (std::string_view f : list) {
      if (f.empty()) continue;
      std::string text = "x";
      text += f;
      text += 'y';
      EXPECT_EQ(set.Find(text), bit) << f;
    }
  }
}

}  // namespace
}  // namespace kuzet::extractor
