// The stored SimHash is part of the on-disk format (storage/simhash.h), and SimHashOfFoldedText
// computes it through lookup tables, whole ASCII word runs and per-count bit lanes (issue #17).
// Here it must equal a plain transcription of the definition in simhash.h, and the collapsed text
// it writes must equal CollapseWhitespace: on every shared-corpus article (English, Russian) and
// on generated texts made of what is rare in articles (every kind of line break and space,
// ill-formed UTF-8, combining marks, CJK, emoji, words repeated across the weight buckets, lines
// on either side of the short-line length).
#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/simhash.h"
#include "storage/text_fold.h"

namespace kuzet::storage {
namespace {

// simhash.h, read literally: lines at the mandatory breaks, a line's length with whitespace runs
// collapsed and trimmed, words as maximal runs of u_isalnum, the words of long lines (or of all
// lines when those are too few), each distinct word weighted 1 + ln(count) in thousandths
// (rounded), bit i set when the weights of the words with bit i set outweigh the others.
uint64_t ReferenceWordHash(std::string_view word) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
  for (char c : word) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;  // splitmix64's finalizer
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

bool ReferenceLineBreak(UChar32 c) {
  return (c >= 0x0a && c <= 0x0d) || c == 0x85 || c == 0x2028 || c == 0x2029;
}

std::optional<uint64_t> ReferenceSimHash(std::string_view folded) {
  struct Line {
    size_t chars = 0;
    std::vector<std::string> words;
  };
  std::vector<Line> lines(1);
  std::string word;
  bool space_before = false;  // whitespace since the line's last non-space character
  const auto* bytes = reinterpret_cast<const uint8_t*>(folded.data());
  const int32_t length = static_cast<int32_t>(folded.size());
  for (int32_t i = 0; i <= length;) {
    const int32_t at = i;
    UChar32 c = 0x2028;  // the end of the text ends the last line
    if (i < length) {
      U8_NEXT(bytes, i, length, c);
      if (c < 0) c = 0xfffd;
    } else {
      ++i;
    }
    if (u_isalnum(c)) {
      word.append(folded.substr(at, i - at));
    } else if (!word.empty()) {
      lines.back().words.push_back(word);
      word.clear();
    }
    if (ReferenceLineBreak(c)) {
      lines.emplace_back();
      space_before = false;
    } else if (u_isUWhiteSpace(c)) {
      space_before = lines.back().chars > 0;
    } else {
      lines.back().chars += space_before ? 2 : 1;
      space_before = false;
    }
  }
  std::vector<std::string> kept, all;
  for (const Line& line : lines) {
    if (line.chars >= static_cast<size_t>(kShortLineChars)) {
      kept.insert(kept.end(), line.words.begin(), line.words.end());
    }
    all.insert(all.end(), line.words.begin(), line.words.end());
  }
  const std::vector<std::string>& words =
      kept.size() >= static_cast<size_t>(kMinWords) ? kept : all;
  if (words.size() < static_cast<size_t>(kMinWords)) return std::nullopt;
  std::map<std::string, size_t> counts;
  for (const std::string& w : words) ++counts[w];
  int64_t sums[64] = {};
  for (const auto& [w, n] : counts) {
    const int64_t weight = std::lround(1000.0 * (1.0 + std::log(static_cast<double>(n))));
    const uint64_t h = ReferenceWordHash(w);
    for (int bit = 0; bit < 64; ++bit) sums[bit] += (h >> bit & 1) ? weight : -weight;
  }
  uint64_t simhash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (sums[bit] > 0) simhash |= uint64_t{1} << bit;
  }
  return simhash;
}

void ExpectAsDefined(const std::string& text, const std::string& name) {
  const std::string folded = FoldText(text);
  std::string collapsed;
  EXPECT_EQ(SimHashOfFoldedText(folded, &collapsed), ReferenceSimHash(folded)) << name;
  EXPECT_EQ(collapsed, CollapseWhitespace(folded)) << name;
  EXPECT_EQ(SimHashOfFoldedText(folded), ReferenceSimHash(folded)) << name << " (no collapse)";
}

TEST(SimHashReferenceTest, EqualsTheDefinitionOnEverySharedCorpusArticle) {
  size_t articles = 0, hashed = 0;
  for (const char* corpus :
       {"corpus/daniel-ru-dev/ground-truth.json", "corpus/aeb-dev/ground-truth.json"}) {
    const std::filesystem::path path = std::filesystem::path(KUZET_SHARED_DIR) / corpus;
    std::ifstream in(path);
    if (!in) GTEST_SKIP() << path << " not found (shared corpus absent)";
    const nlohmann::json truth = nlohmann::json::parse(in, nullptr, false);
    ASSERT_TRUE(truth.is_object()) << path;
    for (const auto& [id, entry] : truth.items()) {
      const std::string text = entry.value("articleBody", "");
      ExpectAsDefined(text, std::string(corpus) + " " + id);
      ++articles;
      hashed += TextSimHash(text).has_value();
    }
  }
  EXPECT_GT(articles, 200u);
  EXPECT_GT(hashed, 150u) << "most articles are long enough to have a SimHash";
}

TEST(SimHashReferenceTest, EqualsTheDefinitionOnGeneratedTextsOfRareCharacters) {
  const std::vector<std::string> pieces = {
      "strike", "Zhanaozen", "Жаңаөзен", "нефтяники", "2011",     "o'clock", " ",
      "  ",     "\t",        "\n",       "\r\n",      "\v",       "\f",      "\u0085",
      "\u2028", "\u2029",    "\u00a0",   "\u3000",    "\x1c",     ".",       ", ",
      "-",      "\xff",      "\xd0",     "\xe2\x80",  "\xc0\xaf", "e\u0301", "\u0301",
      "漢字",   "😀",         "ǅ",        "Ⅻ",         "①",        "ﬁ",       std::string(1, '\0')};
  uint64_t state = 7;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  for (int round = 0; round < 400; ++round) {
    std::string text;
    // A vocabulary of few words, some repeated across the weight buckets (1 to 40 times).
    const size_t vocabulary = 8 + next() % 60;
    const size_t count = next() % 1500;
    for (size_t k = 0; k < count; ++k) {
      if (next() % 3 == 0) {
        text.append("w").append(std::to_string(next() % vocabulary)).append(" ");
      } else {
        text += pieces[next() % pieces.size()];
      }
    }
    ExpectAsDefined(text, "generated text " + std::to_string(round));
    if (HasFailure()) return;
  }
}

TEST(SimHashReferenceTest, EqualsTheDefinitionAtTheShortLineAndWordCountBounds) {
  // Lines of 69, 70 and 71 characters (spaces counting once), words 1 to 40 times over.
  for (int chars = kShortLineChars - 1; chars <= kShortLineChars + 1; ++chars) {
    for (int repeats = 1; repeats <= 40; ++repeats) {
      std::string text;
      for (int line = 0; line < 40; ++line) {
        std::string body = "w";
        body.append(std::to_string(line % repeats)).append("  x");
        while (static_cast<int>(body.size()) < chars + 1) body += "y";  // "  " counts once
        text.append(" ").append(body).append(" \n");
      }
      ExpectAsDefined(text, std::to_string(chars) + " chars, " + std::to_string(repeats));
    }
  }
}

}  // namespace
}  // namespace kuzet::storage
