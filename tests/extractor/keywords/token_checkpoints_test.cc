// Token checkpoints (issue #18): a stored text's words, offsets and sentences from a checkpoint
// on must be the whole text's, or a search's FindAllAt started there would report other matches
// than FindAll.
#include "extractor/keywords/token_checkpoints.h"

#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "extractor/keywords/key_folder.h"
#include "extractor/keywords/matcher.h"
#include "extractor/keywords/text_index.h"
#include "tests/extractor/keywords/same_matches.h"
#include "tests/shared_corpus.h"

namespace kuzet::keywords {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<icu::BreakIterator> RootBreaker(bool words) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> breaker(
      words ? icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status)
            : icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  return breaker;
}

// ICU's sentence boundaries of `text` at or after `from` (UTF-16 offsets), less `from`.
std::vector<int32_t> SentenceBoundariesFrom(const icu::UnicodeString& text, int32_t from,
                                            icu::BreakIterator* sentences) {
  std::vector<int32_t> out;
  sentences->setText(text);
  for (int32_t b = from == 0 ? sentences->first() : sentences->following(from - 1);
       b != icu::BreakIterator::DONE; b = sentences->next()) {
    out.push_back(b - from);
  }
  return out;
}

// Checks TokenCheckpointsOf(text): ascending, far enough apart, each after a line feed and at
// the first word after it, and the text cut there breaks into the whole text's words and
// sentences. Returns the number of checkpoints, or -1 after a failure.
int ExpectCheckpointsHold(std::string_view text, const std::string& what) {
  auto words = RootBreaker(true);
  auto sentences = RootBreaker(false);
  const TextIndex whole(text, words.get());
  const std::vector<TokenCheckpoint> checkpoints = TokenCheckpointsOf(whole);
  const std::vector<Token>& all = whole.tokens();
  // The definition, word by word: the first word at least kTokensBetweenCheckpoints after the
  // previous checkpoint whose gap before it holds a line feed, at the byte after the last one.
  std::vector<TokenCheckpoint> defined;
  for (size_t t = kTokensBetweenCheckpoints, previous = 0; t < all.size(); ++t) {
    if (t - previous < kTokensBetweenCheckpoints) continue;
    const std::string_view gap =
        text.substr(all[t - 1].byte_end, all[t].byte_begin - all[t - 1].byte_end);
    if (gap.find('\n') == std::string_view::npos) continue;
    defined.push_back(
        TokenCheckpoint{static_cast<uint32_t>(t),
                        static_cast<uint32_t>(all[t - 1].byte_end + gap.rfind('\n') + 1)});
    previous = t;
  }
  if (checkpoints != defined) {
    ADD_FAILURE() << what << ": " << checkpoints.size() << " checkpoints, " << defined.size()
                  << " by the definition";
    return -1;
  }
  TokenCheckpoint previous;
  for (const TokenCheckpoint& c : checkpoints) {
    EXPECT_GE(c.token - previous.token, kTokensBetweenCheckpoints) << what;
    EXPECT_GT(c.byte, previous.byte) << what;
    previous = c;
  }
  // Each cut is broken anew: at most kCuts of them a text (evenly spread, the first and the last
  // included) keep a long page's cost linear.
  constexpr size_t kCuts = 12;
  const size_t step = std::max<size_t>(1, (checkpoints.size() + kCuts - 2) / (kCuts - 1));
  for (size_t k = 0; k < checkpoints.size(); k += step) {
    if (k + step >= checkpoints.size()) k = checkpoints.size() - 1;
    const TokenCheckpoint& c = checkpoints[k];
    const std::string at = what + ", checkpoint at word " + std::to_string(c.token) + ", byte " +
                           std::to_string(c.byte);
    if (c.token >= all.size() || c.byte > text.size() || c.byte == 0 || text[c.byte - 1] != '\n' ||
        all[c.token].byte_begin < c.byte || (c.token > 0 && all[c.token - 1].byte_end > c.byte)) {
      ADD_FAILURE() << at << ": not at the first word of a line";
      return -1;
    }
    const TextIndex cut(text.substr(c.byte), words.get());
    const std::vector<Token>& rest = cut.tokens();
    if (rest.size() != all.size() - c.token) {
      ADD_FAILURE() << at << ": " << rest.size() << " words from it, " << all.size() - c.token
                    << " in the whole text";
      return -1;
    }
    const int32_t u16_from = all[c.token].u16_begin - (rest.empty() ? 0 : rest[0].u16_begin);
    for (size_t i = 0; i < rest.size(); ++i) {
      const Token& w = all[c.token + i];
      if (rest[i].byte_begin + c.byte != w.byte_begin || rest[i].byte_end + c.byte != w.byte_end ||
          rest[i].u16_begin + u16_from != w.u16_begin || rest[i].u16_end + u16_from != w.u16_end) {
        ADD_FAILURE() << at << ": word " << i << " from it differs";
        return -1;
      }
    }
    if (SentenceBoundariesFrom(cut.text(), 0, sentences.get()) !=
        SentenceBoundariesFrom(whole.text(), u16_from, sentences.get())) {
      ADD_FAILURE() << at << ": other sentences";
      return -1;
    }
  }
  return static_cast<int>(checkpoints.size());
}

// Lines of the pieces news text is made of and of the ones that trip word and sentence breaking
// next to a line feed (combining marks, joiners, CR LF, invalid UTF-8, Korean, Japanese and Thai
// that ICU's dictionaries break, regional indicators, quotes and closing punctuation).
TEST(TokenCheckpointsTest, GeneratedTextsBreakFromEachCheckpointAsWhole) {
  const char* const pieces[] = {
      "word",   "Жанаозен", "Жаңаөзен", "3,5",    "U.S.A",    "don't",    "a.b",    "ab",
      "абв",    "42",       " ",        " ",      " ",        "  ",       "\t",     ". ",
      "? ",     "! ",       "\n",       "\n",     "\r\n",     "\n\n",     "\r",     "\u2029",
      "\u0085", ",",        "-",        "—",      "«",        "»",        "\"",     "'",
      "’",      ")",        "(",        "\u0301", "\u200D",   "\u200C",   "\u2060", "\u00AD",
      "\u00A0", "😀",        "👍🏽", "🇰🇿",     "🇰",        "中文",     "かな",   "カタカナ",
      "한국어", "ไทย",      "שלום",     "كلمة",   "\xFF",     "\xE2\x80", "…",      "．",
      "。",     "Mr.",      "e.g.",     "1.",     "\n\u0301", "\n\u200D", "\n ",
  };
  std::mt19937 random(20261207);
  std::uniform_int_distribution<size_t> piece(0, std::size(pieces) - 1);
  size_t checkpoints = 0;
  int failures = 0;
  for (int round = 0; round < 3000 && failures < 10; ++round) {
    std::string text;
    for (int n = 0; n < 400; ++n) text += pieces[piece(random)];
    const int found = ExpectCheckpointsHold(text, "generated text " + std::to_string(round));
    if (found < 0) ++failures;
    checkpoints += found > 0 ? static_cast<size_t>(found) : 0;
  }
  EXPECT_GT(checkpoints, 5000u);
}

// The shared articles (English with Korean and Japanese sentences, Russian) and their raw pages,
// and the charset-dev pages as bytes (invalid UTF-8 included).
TEST(TokenCheckpointsTest, SharedTextsBreakFromEachCheckpointAsWhole) {
  const fs::path corpus = testing::SharedCorpusDir("");
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "no shared corpus at " << corpus;
  size_t texts = 0, with_checkpoints = 0, checkpoints = 0;
  int failures = 0;
  auto check = [&](std::string_view text, const std::string& what) {
    ++texts;
    const int found = ExpectCheckpointsHold(text, what);
    if (found < 0) ++failures;
    with_checkpoints += found > 0 ? 1 : 0;
    checkpoints += found > 0 ? static_cast<size_t>(found) : 0;
  };
  for (const char* name : {"aeb-dev", "daniel-ru-dev"}) {
    for (const testing::GroundTruthArticle& article : testing::GroundTruth(name)) {
      check(article.body, std::string(name) + "/" + article.id);
      check(testing::ReadGzipFile(corpus / name / "html" / (article.id + ".html.gz")),
            std::string(name) + "/" + article.id + ".html.gz");
      if (failures >= 10) return;
    }
  }
  for (const fs::directory_entry& page : fs::directory_iterator(corpus / "charset-dev" / "pages")) {
    check(testing::ReadCorpusFile(page.path()), "charset-dev/" + page.path().filename().string());
    if (failures >= 10) return;
  }
  std::cout << texts << " texts, " << with_checkpoints << " with checkpoints, " << checkpoints
            << " checkpoints\n";
  EXPECT_GT(with_checkpoints, texts / 2);
}

// Table: which checkpoint a search starts at (the last strictly before its first word that is
// one in the text), and what it does with checkpoints that are not (a corrupt or stale store).
TEST(TokenCheckpointsTest, CheckpointBeforeTakesTheLastValidOneStrictlyBefore) {
  // Bytes 0-9 "aaaa bbbb\n", 10-19 "cccc dddd\n", 20-29 "eeee ffff\n", 30-33 "gggg".
  const std::string text = "aaaa bbbb\ncccc dddd\neeee ffff\ngggg";
  const std::vector<TokenCheckpoint> good = {{2, 10}, {4, 20}, {6, 30}};
  struct Case {
    std::vector<TokenCheckpoint> checkpoints;
    uint32_t first;
    TokenCheckpoint expected;
  } const cases[] = {
      {good, 0, {0, 0}},                 // before any checkpoint
      {good, 2, {0, 0}},                 // at one: strictly before is the start
      {good, 3, {2, 10}},                // the word after one
      {good, 6, {4, 20}},                // at the last
      {good, 7, {6, 30}},                // past the last
      {good, 100, {6, 30}},              // a word past the text: the last checkpoint still
      {{}, 5, {0, 0}},                   // none stored
      {{{2, 11}, {4, 20}}, 3, {0, 0}},   // not after a line feed: skipped
      {{{2, 11}, {4, 20}}, 5, {4, 20}},  // ... the next valid one still counts
      {{{2, 10}, {4, 40}}, 5, {2, 10}},  // past the text's end: skipped
      {{{4, 20}, {2, 10}}, 5, {4, 20}},  // descending: nothing after the break is trusted
      {{{2, 20}, {4, 10}}, 5, {2, 20}},  // bytes descending
      {{{0, 10}, {4, 20}}, 5, {0, 0}},   // a word 0 checkpoint is the start: stop
  };
  for (const Case& c : cases) {
    const TokenCheckpoint got = CheckpointBefore(c.checkpoints, text, c.first);
    EXPECT_EQ(got, c.expected) << "first " << c.first << ": got {" << got.token << ", " << got.byte
                               << "}";
  }
}

// A masculine surname's -а form names a woman when the word before it says so, across white
// space and so across a line feed (surname_context.cc): a checkpoint at the surname itself would
// hide that word. FindAllAt with the text's checkpoints finds what FindAll finds, here and with
// the surname at every word after a checkpoint.
TEST(TokenCheckpointsTest, FindAllAtFromACheckpointReadsTheWordBeforeTheLine) {
  auto folder = KeyFolder::Create();
  ASSERT_TRUE(folder.ok()) << folder.status().message();
  RuleSpec spec;
  spec.id = "kozlov";
  spec.terms = {"Козлов"};
  auto matcher = Matcher::Compile({spec}, *folder);
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  auto words = RootBreaker(true);
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "слово ";
  size_t compared = 0, from_checkpoints = 0;
  for (const std::string before : {"госпожа", "Наталья", "адвокат", "суд."}) {
    for (int shift = 0; shift < 3; ++shift) {
      std::string text = filler + before + "\n";
      for (int i = 0; i < shift; ++i) text += "слово ";
      text += "Козлова сообщил о забастовке.\n" + filler;
      const TextIndex index(text, words.get());
      const std::vector<TokenCheckpoint> checkpoints = TokenCheckpointsOf(index);
      ASSERT_FALSE(checkpoints.empty()) << text;
      const uint32_t surname = 41 + static_cast<uint32_t>(shift);
      ASSERT_EQ(index.TokenText(index.tokens()[surname]), u"Козлова");
      const std::vector<uint32_t> at = {surname};
      const std::vector<Match> all = matcher->FindAll(text, "ru");
      EXPECT_TRUE(SameMatches(all, matcher->FindAllAt(text, "ru", "", at, nullptr, checkpoints)))
          << before << ", shift " << shift << ": " << all.size() << " by FindAll";
      ++compared;
      from_checkpoints += CheckpointBefore(checkpoints, text, surname).byte != 0 ? 1 : 0;
    }
  }
  EXPECT_EQ(from_checkpoints, compared - 4) << "each shift but 0 starts at a checkpoint";
}

}  // namespace
}  // namespace kuzet::keywords
