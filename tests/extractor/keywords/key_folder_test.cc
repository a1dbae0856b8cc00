// Match keys: spellings an analyst considers the same word must share one key, and words that
// differ must not.
#include "extractor/keywords/key_folder.h"

#include <gtest/gtest.h>

#include <unicode/brkiter.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "extractor/keywords/morphology.h"
#include "extractor/keywords/text_index.h"
#include "tests/shared_corpus.h"

namespace kuzet::keywords {
namespace {

class KeyFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto folder = KeyFolder::Create();
    ASSERT_TRUE(folder.ok()) << folder.status().message();
    folder_.emplace(std::move(folder).value());
  }
  std::string Cross(const char* w) { return folder_->FoldUtf8(w, KeyMode::kCrossScript); }
  std::string Plain(const char* w) { return folder_->FoldUtf8(w, KeyMode::kPlain); }
  std::optional<KeyFolder> folder_;
};

TEST_F(KeyFolderTest, CrossScriptSpellingsShareOneKey) {
  const std::vector<std::vector<const char*>> groups = {
      {"Zhanaozen", "Жанаозен", "Жаңаөзен", "Janaozen", "Zhanaözen", "Janaózen", "Jañaözen",
       "ZHANAOZEN", "Ｚｈａｎａｏｚｅｎ"},
      {"Tuletaeva", "Тулетаева", "Tuletayeva", "TULETAEVA"},
      {"KazMunayGas", "KazMunaiGas"},
      {"КазМунайГаз", "ҚазМұнайГаз", "KazMunaiGaz"},
      {"Dostoevsky", "Dostoyevsky", "Dostoevskiy", "Dostoevskii", "Достоевский"},
      {"Fyodor", "Фёдор", "Федор"},
      {"Yerlan", "Ерлан", "Erlan"},
      {"Khamit", "Хамит", "Hamit"},
      {"Shchukin", "Щукин", "Shukin"},
      {"Aleksandr", "Alexandr", "Александр"},
      {"Aktau", "Ақтау", "Aqtau", "Актау"},
      {"Yuliya", "Юлия", "Yulia", "Iuliia"},
      {"Şymkent", "Shymkent", "Шымкент"},
      // Kazakh Latin of October 2017: s' c' y' are ш ч ұ (also with ’ and ʼ).
      {"S'ymkent", "S’ymkent", "Sʼymkent", "Shymkent"},
      {"C'elek", "Chelek", "Челек"},
      {"Y'lttyq", "Ulttyq", "Ұлттық", "Ūlttyq"},
      {"Jan'ao'zen", "Jańaózen", "Жаңаөзен"},
      {"Qazaqstandag'y", "Қазақстандағы", "Qazaqstandağy", "Qazaqstandaǵy"},
      // Central European carons and dots are the digraphs.
      {"Žanaozen", "Żanaozen", "Zhanaozen"},
      {"Šymkent", "Shymkent"},
      {"Čeček", "Chechek", "Чечек"},
  };
  for (const auto& group : groups) {
    for (const char* w : group) EXPECT_EQ(Cross(w), Cross(group[0])) << w << " vs " << group[0];
  }
}

TEST_F(KeyFolderTest, DifferentWordsKeepDifferentKeys) {
  EXPECT_NE(Cross("Жанаозен"), Cross("Жанаозенмунайгаз"));
  EXPECT_NE(Cross("Козлов"), Cross("Козлова"));
  EXPECT_NE(Cross("Казахстан"), Cross("Қазақстан"));  // х vs қ: alternatives exist for this
  EXPECT_NE(Cross("сад"), Cross("зад"));
  EXPECT_NE(Cross("роза"), Cross("роса"));
  // An apostrophe letter only inside a word: English possessives keep their s.
  EXPECT_EQ(Cross("Jones's"), "jones");  // not "joneshs"
  EXPECT_EQ(Cross("workers'"), "workers");
  EXPECT_NE(Cross("Symkent"), Cross("S'ymkent"));
  EXPECT_NE(Cross("Zanaozen"), Cross("Žanaozen"));
}

TEST_F(KeyFolderTest, PlainKeysFoldCaseDiacriticsAndYoButKeepScript) {
  EXPECT_EQ(Plain("ЖАНАОЗЕН"), "жанаозен");
  EXPECT_EQ(Plain("Фёдор"), Plain("Федор"));
  EXPECT_EQ(Plain("Zhanaözen"), "zhanaozen");
  EXPECT_EQ(Plain("Zhanaozen's"), "zhanaozens");
  EXPECT_EQ(Plain("Жанао́зен"), "жанаозен");  // stress mark
  EXPECT_NE(Plain("Жаңаөзен"), Plain("Жанаозен"));
  EXPECT_NE(Plain("Zhanaozen"), Plain("Жанаозен"));
  EXPECT_EQ(Plain("й"), "й");             // a letter, not и with a diacritic
  EXPECT_EQ(Plain("ﬁnance"), "finance");  // NFKC
}

// Most words fold through a per-code-unit table; a word with a code unit outside it (here an
// emoji, which normalizes and maps to itself) takes ICU's normalizer. Appending one must only
// append its bytes: the two paths agree, for letters that compose with a following mark
// (и + U+0306 = й), marks alone, case folds to several letters (İ, ß, ŉ), soft hyphens, final
// sigma, Kazakh and Latin look-alikes mixed into Cyrillic, and random strings of them.
TEST_F(KeyFolderTest, TableAndNormalizerPathsAgree) {
  const std::u16string emoji = u"\U0001F600";
  const std::string emoji_utf8 = "\xF0\x9F\x98\x80";
  const std::u16string pool =
      u"aAzZkKhHsSyYiIeEoO09-_"
      u"\u00AD\u00DF\u00C4\u00E4\u00D6\u00F1\u00E7\u0130\u0131\u0149\u015F\u017D\u017C\u01F5"
      u"\u0301\u0306\u0308\u0345"
      u"\u0410\u0430\u0416\u0436\u0418\u0438\u0419\u0439\u0401\u0451\u0415\u0435"
      u"\u0406\u0456\u04D8\u04D9\u0492\u049A\u04A2\u04E8\u04B0\u04AE\u04BA\u040E\u0490"
      u"\u03A3\u03C3\u03C2\u1E9E\u1EA0";
  std::vector<std::u16string> words = {u"Жаңаөзен",  u"Забаcтовка", u"ЖАНАОЗЕН",
                                       u"Zhanaözen", u"и\u0306",    u"\u0306",
                                       u"İstanbul",  u"Straße",     u"Жана\u00ADозен"};
  std::mt19937 rng(16122011);
  for (int i = 0; i < 20000; ++i) {
    std::u16string w;
    for (size_t n = 1 + rng() % 8; n > 0; --n) w += pool[rng() % pool.size()];
    words.push_back(w);
  }
  for (int i = 0; i < 200; ++i) {  // longer than the table path's first room (64 units)
    std::u16string w;
    for (size_t n = 60 + rng() % 400; n > 0; --n) w += pool[rng() % pool.size()];
    words.push_back(w);
  }
  for (const std::u16string& w : words) {
    for (KeyMode mode : {KeyMode::kPlain, KeyMode::kCrossScript}) {
      ASSERT_EQ(folder_->Fold(w + emoji, mode), folder_->Fold(w, mode) + emoji_utf8)
          << "mode " << static_cast<int>(mode) << " word of " << w.size() << " units, first U+"
          << std::hex << static_cast<int>(w[0]);
    }
  }
}

// A search compiles a matcher per query from a copy of the searcher's folder: the copies share
// one set of ending tables per mode, built once even when threads ask for them together.
TEST_F(KeyFolderTest, CopiesShareOneMorphologyPerMode) {
  const KeyFolder copy = *folder_;
  std::vector<const Morphology*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      const KeyFolder& f = i % 2 == 0 ? *folder_ : copy;
      seen[i] = &f.SharedMorphology(KeyMode::kCrossScript);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Morphology* m : seen) EXPECT_EQ(m, seen[0]);
  EXPECT_NE(&copy.SharedMorphology(KeyMode::kPlain), seen[0]);
  EXPECT_EQ(&copy.SharedMorphology(KeyMode::kPlain), &folder_->SharedMorphology(KeyMode::kPlain));
  // A folder created anew has tables of its own.
  auto other = KeyFolder::Create();
  ASSERT_TRUE(other.ok());
  EXPECT_NE(&other->SharedMorphology(KeyMode::kCrossScript), seen[0]);
}

TEST(CollapseRomanization, Rules) {
  EXPECT_EQ(CollapseRomanization("zhanaozen"), "janaozen");
  EXPECT_EQ(CollapseRomanization("khan"), "han");
  EXPECT_EQ(CollapseRomanization("shchukin"), "shukin");
  EXPECT_EQ(CollapseRomanization("tuletayeva"), "tuletaeva");
  EXPECT_EQ(CollapseRomanization("yerlan"), "erlan");
  EXPECT_EQ(CollapseRomanization("fyodor"), "fedor");
  EXPECT_EQ(CollapseRomanization("assambleya"), "asamblea");
}

// CollapseRomanization as key_folder.h states it, written for clarity: the digraphs by a table
// tried in order at each position, then iotation and doubled letters. The match keys of every
// stored rule and page depend on it, so a faster pass must give exactly this.
std::string ReferenceCollapse(std::string_view s) {
  static const std::pair<std::string_view, std::string_view> kDigraphs[] = {
      {"shch", "sh"}, {"dzh", "j"}, {"dj", "j"}, {"zh", "j"}, {"kh", "h"},
      {"ck", "k"},    {"ph", "f"},  {"y", "i"},  {"q", "k"},  {"x", "ks"}};
  std::string d;
  for (size_t i = 0; i < s.size();) {
    bool replaced = false;
    for (const auto& [from, to] : kDigraphs) {
      if (s.substr(i).starts_with(from)) {
        d += to;
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) d += s[i++];
  }
  auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'o' || c == 'u'; };
  auto consonant = [&](char c) { return c >= 'a' && c <= 'z' && !vowel(c) && c != 'i'; };
  std::string out;
  for (size_t i = 0; i < d.size(); ++i) {
    char c = d[i];
    const char next = i + 1 < d.size() ? d[i + 1] : '\0';
    const char prev = out.empty() ? '\0' : out.back();
    if (c == 'i') {
      if (vowel(prev) && vowel(next)) continue;  // ya/ia between vowels
      if (i == 0 && next == 'e' && d.size() > 2 && consonant(d[2])) continue;  // Yerlan
      if (next == 'o' && consonant(prev)) {                                    // Fyodor
        c = 'e';
        ++i;
      }
    }
    if (c >= 'a' && c <= 'z' && prev == c) continue;  // doubled letters
    out += c;
  }
  return out;
}

TEST(CollapseRomanization, EqualsTheRulesOnEveryShortString) {
  // Every string of up to five of the letters the rules read (and a byte of a UTF-8 sequence):
  // each digraph at every position, overlapping, cut by the end of the word.
  const std::string letters = "shcdzjkpyqxieoaut\xd0";
  std::string scratch, out;
  size_t checked = 0;
  std::string word;
  auto check_all = [&](auto& self, size_t length) -> void {
    CollapseRomanization(word, &scratch, &out);
    ASSERT_EQ(out, ReferenceCollapse(word)) << word;
    ++checked;
    if (length == 5) return;
    for (char c : letters) {
      word.push_back(c);
      self(self, length + 1);
      word.pop_back();
      if (HasFatalFailure()) return;
    }
  };
  check_all(check_all, 0);
  EXPECT_EQ(checked, 1u + 18 + 18 * 18 + 18 * 18 * 18 + 18 * 18 * 18 * 18 + 18 * 18 * 18 * 18 * 18);
  EXPECT_EQ(CollapseRomanization("shchukinzhanaozenxylophone"),
            ReferenceCollapse("shchukinzhanaozenxylophone"));
}

// The keys are persisted (the search index) and compared with the stored rules' keys, so the
// folding's fast paths (issue #17) must leave every key as it was. Every distinct word of the
// shared corpus articles (the words FindAll folds, from TextIndex), folded in both modes, must
// digest to the value the folder before the fast paths gave (computed with ICU 72's data, whose
// normalization the words outside the tables take). CollapseRomanization must equal the rules
// on each lower-cased word and cross-script key, and on runs of them longer than its stack
// buffer.
TEST_F(KeyFolderTest, KeysOfEverySharedCorpusWordAreAsBeforeTheFastPaths) {
  std::map<std::u16string, size_t> words;  // word -> first seen, ordered for the digest
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> breaker(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  ASSERT_TRUE(U_SUCCESS(status));
  for (const char* corpus : {"daniel-ru-dev", "aeb-dev"}) {
    for (const testing::GroundTruthArticle& article : testing::GroundTruth(corpus)) {
      const TextIndex index(article.body, breaker.get());
      for (const Token& token : index.tokens()) words.emplace(index.TokenText(token), words.size());
    }
  }
  if (words.empty()) GTEST_SKIP() << "no shared corpus at " << KUZET_SHARED_DIR;
  uint64_t digest = 0xcbf29ce484222325ULL;  // FNV-1a 64 of the keys, each ended by a NUL
  auto add = [&digest](std::string_view key) {
    for (char c : key) digest = (digest ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
    digest = digest * 0x100000001b3ULL;
  };
  std::string key, scratch, collapsed, run;
  for (const auto& [word, first_seen] : words) {
    for (KeyMode mode : {KeyMode::kPlain, KeyMode::kCrossScript}) {
      folder_->Fold(word, mode, &key, &scratch);
      add(key);
      ASSERT_EQ(key, folder_->Fold(word, mode)) << "reused buffers, word " << first_seen;
    }
    // `key` is the cross-script key; the plain key of an ASCII word is the word lower-cased.
    for (const std::string& input : {key, folder_->Fold(word, KeyMode::kPlain)}) {
      CollapseRomanization(input, &scratch, &collapsed);
      ASSERT_EQ(collapsed, ReferenceCollapse(input)) << "word " << first_seen;
      run += input;
    }
    if (run.size() > 200) {
      CollapseRomanization(run, &scratch, &collapsed);
      ASSERT_EQ(collapsed, ReferenceCollapse(run)) << "run of " << run.size() << " bytes";
      run.clear();
    }
  }
  EXPECT_EQ(words.size(), 24095u);
  EXPECT_EQ(digest, 0x3742153268bc74b6ULL);
}

}  // namespace
}  // namespace kuzet::keywords
