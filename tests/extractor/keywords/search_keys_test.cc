// FindAll with search keys (matcher.h) gives exactly SearchKeys::KeysOf of the text, keys and
// word positions, from its own pass over the words (issues #17, #18): the store indexes those
// keys and positions, so any difference would lose or invent search candidates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "extractor/keywords/matcher.h"
#include "extractor/keywords/search_keys.h"
#include "tests/sanitizer_slowdown.h"
#include "tests/shared_corpus.h"

namespace kuzet::keywords {
namespace {

namespace fs = std::filesystem;

// The matchers the keys must not depend on: rules of both key modes (with a regex and a query),
// plain rules only (the cross-script fold then runs only for the keys), and no rules at all.
std::vector<RuleSpec> MonitorRules() {
  std::vector<RuleSpec> rules(8);
  rules[0] = {.id = "zhanaozen", .terms = {"Zhanaozen", "Жанаозен", "Жаңаөзен"}};
  rules[1] = {.id = "kmg", .terms = {"KazMunayGas", "КазМунайГаз"}, .exact = true};
  rules[2] = {.id = "kazakhstan", .terms = {"Kazakhstan", "Казахстан"}};
  rules[3] = {.id = "putin", .terms = {"Putin", "Путин"}, .languages = {"ru"}};
  rules[4] = {.id = "trump-china", .query = "Trump NEAR/5 China"};
  rules[5] = {.id = "strike", .terms = {"/strik(e|es|ing)/"}};
  rules[6] = {.id = "union", .terms = {"trade union", "профсоюз*"}, .cross_script = false};
  rules[7] = {.id = "court", .terms = {"суд"}, .cross_script = false};
  return rules;
}

std::vector<RuleSpec> PlainRules() {
  std::vector<RuleSpec> rules(1);
  rules[0] = {.id = "court", .terms = {"суд", "court"}, .cross_script = false};
  return rules;
}

struct Fixture {
  SearchKeys search_keys;
  std::vector<std::pair<std::string, Matcher>> matchers;
};

const Fixture& TheFixture() {
  static const Fixture* fixture = [] {
    auto search_keys = SearchKeys::Create();
    EXPECT_TRUE(search_keys.ok()) << search_keys.status().message();
    auto* f = new Fixture{std::move(search_keys).value(), {}};
    for (const auto& [name, rules] :
         {std::pair{"monitor rules", MonitorRules()}, std::pair{"plain rules", PlainRules()},
          std::pair{"no rules", std::vector<RuleSpec>{}}}) {
      auto matcher = Matcher::Compile(rules);
      EXPECT_TRUE(matcher.ok()) << name << ": " << matcher.status().message();
      f->matchers.emplace_back(name, std::move(matcher).value());
    }
    return f;
  }();
  return *fixture;
}

// Checks every matcher on `text`: the keys, positions and token checkpoints equal KeysOf, and the
// matches are FindAll's without keys. Returns KeysOf(text).keys, after checking its shape: one list
// of positions per key, each non-empty, ascending and distinct.
std::vector<std::string> ExpectKeysOfOnePass(const std::string& text, const std::string& what) {
  const Fixture& f = TheFixture();
  // A Russian page, and once each as the other grammars (word classes, format 7) read pages.
  for (const char* lang : {"kk", "en", "cs", ""}) {
    const SearchKeyPositions of = f.search_keys.KeysOf(text, lang);
    for (const auto& [name, matcher] : f.matchers) {
      std::optional<SearchKeyPositions> keys;
      matcher.FindAll(text, lang, "", nullptr, &keys);
      EXPECT_TRUE(keys.has_value()) << what << " (" << name << ", " << lang << ")";
      if (!keys) continue;
      EXPECT_EQ(keys->keys, of.keys) << what << " (" << name << ", " << lang << ")";
      EXPECT_EQ(keys->checkpoints, of.checkpoints) << what << " (" << name << ", " << lang << ")";
      EXPECT_EQ(keys->classes, of.classes) << what << " (" << name << ", " << lang << ")";
      EXPECT_EQ(keys->positions, of.positions) << what << " (" << name << ", " << lang << ")";
    }
  }
  const SearchKeyPositions expected = f.search_keys.KeysOf(text, "ru");
  EXPECT_EQ(expected.classes.size(), expected.keys.size()) << what;
  EXPECT_EQ(expected.positions.size(), expected.keys.size()) << what;
  for (size_t i = 0; i < std::min(expected.keys.size(), expected.positions.size()); ++i) {
    const std::span<const uint32_t> p = expected.positions[i];
    EXPECT_FALSE(p.empty()) << what << ": " << expected.keys[i];
    EXPECT_TRUE(std::adjacent_find(p.begin(), p.end(), std::greater_equal<uint32_t>()) == p.end())
        << what << ": " << expected.keys[i] << " positions not ascending";
  }
  for (const auto& [name, matcher] : f.matchers) {
    std::optional<SearchKeyPositions> keys;
    std::vector<std::string> timeouts;
    const std::vector<Match> matches = matcher.FindAll(text, "ru", "", &timeouts, &keys);
    EXPECT_TRUE(keys.has_value()) << what << " (" << name << ")";
    if (keys) {
      EXPECT_EQ(keys->keys, expected.keys) << what << " (" << name << ")";
      EXPECT_EQ(keys->classes, expected.classes) << what << " (" << name << ")";
      EXPECT_EQ(keys->positions, expected.positions) << what << " (" << name << ")";
    }
    const std::vector<Match> alone = matcher.FindAll(text, "ru", "");
    EXPECT_EQ(matches.size(), alone.size()) << what << " (" << name << ")";
    for (size_t i = 0; i < std::min(matches.size(), alone.size()); ++i) {
      EXPECT_EQ(matches[i].rule_id, alone[i].rule_id) << what;
      EXPECT_EQ(matches[i].begin, alone[i].begin) << what;
      EXPECT_EQ(matches[i].end, alone[i].end) << what;
      EXPECT_EQ(matches[i].snippet, alone[i].snippet) << what;
    }
  }
  return expected.keys;
}

bool Has(const std::vector<std::string>& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

struct EdgeCase {
  const char* name;
  std::string text;
  std::vector<std::string> present;  // keys KeysOf must hold
  std::vector<std::string> absent;   // and must not
};

// A page whose words were picked to share one slot of FindAll's table of word forms under the
// standard library's hash (what an attacker can do offline: it has no key) makes FindAll start
// its pass over again with its keyed hash (find_all.cc): the keys, positions and matches are
// those of any page.
TEST(SearchKeysOnePassTest, FormsCraftedForOneSlotGiveTheKeysOfKeysOf) {
  // 500 distinct words, each twice: 1,000 words, a table of 2,048 slots; every word's fixed hash
  // has the same low 11 bits.
  std::vector<std::u16string> crafted;
  for (uint64_t n = 0; crafted.size() < 500; ++n) {
    std::u16string word = u"z";
    for (uint64_t v = n; v > 0; v /= 26) word.push_back(static_cast<char16_t>(u'a' + v % 26));
    if ((std::hash<std::u16string_view>{}(word)&2047) == 0) crafted.push_back(word);
  }
  std::string text;
  for (int copy = 0; copy < 2; ++copy) {
    for (size_t i = 0; i < crafted.size(); ++i) {
      for (char16_t c : crafted[i]) text.push_back(static_cast<char>(c));
      text += i % 12 == 11 ? ".\n" : " ";
    }
  }
  EXPECT_EQ(ExpectKeysOfOnePass(text, "crafted forms").size(), crafted.size());

  std::string target;
  for (char16_t c : crafted[321]) target.push_back(static_cast<char>(c));
  RuleSpec rule;
  rule.id = "crafted";
  rule.terms = {"=" + target};
  auto matcher = Matcher::Compile({rule});
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  const std::vector<Match> found = matcher->FindAll(text);
  ASSERT_EQ(found.size(), 2u) << target;
  for (const Match& m : found) EXPECT_EQ(text.substr(m.begin, m.end - m.begin), target);
  EXPECT_LT(found[0].begin, text.size() / 2);
  EXPECT_GT(found[1].begin, text.size() / 2);
}

TEST(SearchKeysOnePassTest, EdgeCasesGiveTheKeysOfKeysOf) {
  std::string long_word;  // a 60-byte key, cut to 48
  for (int i = 0; i < 6; ++i) long_word += "zabastovka";
  const std::string cut = long_word.substr(0, 48);
  const std::string long_other = cut + "strike";  // the same cut
  const std::vector<EdgeCase> cases = {
      {"empty", "", {}, {}},
      {"punctuation only", " -- !? … ", {}, {}},
      {"hyphen pair", "В Жаңа-Өзен бастық.", {"jana", "ozen", "janaozen"}, {}},
      {"U+2010 and U+2011 hyphens",
       "Жаңа\u2010Өзен and Kazakh\u2011stan",
       {"janaozen", "kazahstan"},
       {}},
      {"two hyphens join nothing", "Жаңа--Өзен", {"jana", "ozen"}, {"janaozen"}},
      {"spaced hyphen joins nothing", "Жаңа - Өзен", {"jana", "ozen"}, {"janaozen"}},
      {"en dash joins nothing", "Жаңа–Өзен", {"jana", "ozen"}, {"janaozen"}},
      {"chain of hyphens", "a-b-c", {"a", "b", "c", "ab", "bc"}, {"abc"}},
      {"48-byte cut", long_word + " " + long_other, {cut}, {long_word, cut + "strike"}},
      {"cross-script spellings",
       "Жанаозен Zhanaozen Janaózen жанаозене",
       {"janaozen", "janaozene"},
       {}},
      {"plain words of a plain rule", "Суд court суда", {"sud", "court", "suda"}, {}},
      {"Latin look-alikes in Cyrillic", "Забаcтовка", {"zabastovka"}, {}},
      {"invalid UTF-8", std::string("Zha\xFFnaozen \xC3\x28 \xE2\x82 ok\xF0\x9F"), {"ok"}, {}},
      {"NUL bytes", std::string("suд\0court", 10), {"court"}, {}},
      {"surrogate pairs and CJK", "😀 𝐙𝐡𝐚𝐧𝐚𝐨𝐳𝐞𝐧 日本語のテキスト", {"janaozen"}, {}},
      {"numbers and apostrophes", "2011 Zhanaozen's 16-17", {"2011", "janaozens", "1617"}, {}},
  };
  for (const EdgeCase& c : cases) {
    const std::vector<std::string> keys = ExpectKeysOfOnePass(c.text, c.name);
    std::string all;
    for (const std::string& key : keys) all += " " + key;
    for (const std::string& key : c.present) {
      EXPECT_TRUE(Has(keys, key)) << c.name << ": " << key << " not in" << all;
    }
    for (const std::string& key : c.absent) {
      EXPECT_FALSE(Has(keys, key)) << c.name << ": " << key << " in" << all;
    }
    if (c.text.empty()) {
      EXPECT_TRUE(keys.empty());
    }
  }
}

// The positions are the token indexes of the words with the key (issue #18): phrase and NEAR
// searches compare them, so each case is one a wrong position would turn into a missed hit.
TEST(SearchKeysOnePassTest, PositionsAreTheTokensOfEachKey) {
  struct Case {
    const char* name;
    std::string text;
    std::string key;
    std::vector<uint32_t> positions;
  };
  const std::vector<Case> cases = {
      {"repeated word", "business will, business.", "busines", {0, 2}},
      {"once", "business will, business.", "wil", {1}},
      {"punctuation is no token", "«Жаңаөзен» — 2011 ... Zhanaozen!", "janaozen", {0, 2}},
      {"two forms fold to one key", "Жанаозен and Zhanaozen", "janaozen", {0, 2}},
      {"hyphen pair at both words", "В Жаңа-Өзен бастық.", "janaozen", {1, 2}},
      {"a half of the pair", "В Жаңа-Өзен бастық.", "ozen", {2}},
      {"pair and word merge", "Жаңаөзен, Жаңа-Өзен", "janaozen", {0, 1, 2}},
      {"chain of hyphens", "a-b-c", "bc", {1, 2}},
  };
  const Fixture& f = TheFixture();
  for (const Case& c : cases) {
    ExpectKeysOfOnePass(c.text, c.name);
    const SearchKeyPositions of = f.search_keys.KeysOf(c.text, "ru");
    // The key's positions over its word classes (Жанаозен and Zhanaozen: two scripts).
    std::vector<uint32_t> positions;
    std::string all;
    for (size_t k = 0; k < of.keys.size(); ++k) {
      all += " " + of.keys[k];
      if (of.keys[k] == c.key) {
        positions.insert(positions.end(), of.positions[k].begin(), of.positions[k].end());
      }
    }
    std::sort(positions.begin(), positions.end());
    ASSERT_FALSE(positions.empty()) << c.name << ": no key " << c.key << " in" << all;
    EXPECT_EQ(positions, c.positions) << c.name;
  }
}

TEST(SearchKeysOnePassTest, DefaultMatcherLeavesTheKeysUnset) {
  std::optional<SearchKeyPositions> keys = SearchKeyPositions{{"stale"}, {0}, {{0}}};
  EXPECT_TRUE(Matcher().FindAll("Zhanaozen", "", "", nullptr, &keys).empty());
  EXPECT_FALSE(keys.has_value()) << "the caller must compute them itself";
}

// SearchKeySet::Take sorts through 8-byte integer prefixes (issue #17): its (key, word class)
// pairs must come out exactly as std::sort and std::unique order them, bytes compared unsigned,
// whatever the keys.
using KeyAndClass = std::pair<std::string, uint8_t>;

std::vector<KeyAndClass> ReferenceTake(const std::vector<std::string>& added,
                                       const std::vector<uint8_t>& classes) {
  std::vector<KeyAndClass> keys;
  for (size_t i = 0; i < added.size(); ++i) {
    const std::string& k = added[i];
    if (!k.empty())
      keys.emplace_back(k.substr(0, std::min(k.size(), kMaxSearchKeyBytes)), classes[i]);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::vector<KeyAndClass> Take(const std::vector<std::string>& added,
                              const std::vector<uint8_t>& classes) {
  SearchKeySet set;
  for (size_t i = 0; i < added.size(); ++i) set.Add(added[i], classes[i]);
  SearchKeyPositions taken = std::move(set).Take();
  EXPECT_EQ(taken.classes.size(), taken.keys.size());
  std::vector<KeyAndClass> out;
  for (size_t i = 0; i < std::min(taken.keys.size(), taken.classes.size()); ++i) {
    out.emplace_back(taken.keys[i], taken.classes[i]);
  }
  return out;
}

TEST(SearchKeySetTest, TakeOrdersAsStdSortOnPrefixTiesShortKeysAndHighBytes) {
  using namespace std::string_literals;
  const std::vector<std::vector<std::string>> cases = {
      {},
      {""},
      {"b", "a", "b", "", "a"},
      // Equal first eight bytes: the rest decides.
      {"janaozenmunaigaz", "janaozen", "janaozenskii", "janaozen", "janaozem"},
      // Shorter than eight bytes against a longer key padded with the smallest byte.
      {"ab\0"s, "ab", "ab\0\0"s, "ab\x01", "a", "\0"s, "\0\0"s},
      // Bytes above 0x7f order above ASCII (UTF-8 Cyrillic and Kazakh keys).
      {"\xd0\xb6\xd0\xb0", "zzzz", "\xff", "\x80\x80", "\xd0\xb6", "z\xff", "z\x7f"},
      // Cut at kMaxSearchKeyBytes: equal after the cut.
      {std::string(60, 'k'), std::string(48, 'k') + "x", std::string(47, 'k'),
       std::string(49, 'k')},
  };
  for (const auto& added : cases) {
    // One class, then classes that differ among equal keys.
    std::vector<uint8_t> classes(added.size(), 0x0d);
    EXPECT_EQ(Take(added, classes), ReferenceTake(added, classes))
        << "case of " << added.size() << " keys";
    for (size_t i = 0; i < classes.size(); ++i) classes[i] = static_cast<uint8_t>(i % 3 * 0x11);
    EXPECT_EQ(Take(added, classes), ReferenceTake(added, classes))
        << "case of " << added.size() << " keys, three classes";
  }
}

TEST(SearchKeySetTest, TakeOrdersAsStdSortOnRandomKeys) {
  // Few distinct bytes (the extremes and two letters) and short keys: many prefix ties and
  // duplicates, keys that end inside the prefix.
  const std::string alphabet = std::string("\0\x01az\x7f\x80\xff", 7);
  uint64_t state = 17;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  for (int round = 0; round < 200; ++round) {
    // Both sorts: a comparison sort below 256 keys, a radix sort of the prefixes from it on.
    std::vector<std::string> added(next() % 3000);
    std::vector<uint8_t> classes;
    for (std::string& key : added) {
      const size_t length = next() % 14;
      for (size_t i = 0; i < length; ++i) key.push_back(alphabet[next() % alphabet.size()]);
      classes.push_back(static_cast<uint8_t>(next() % 3 == 0 ? 0x3f : 0x0d));
    }
    ASSERT_EQ(Take(added, classes), ReferenceTake(added, classes)) << "round " << round;
  }
}

// Positions (kept flat, one array for all keys: issue #17) come out per (key, class) as the
// ascending, distinct union over every handle of the pair, however they were added: in token
// order per handle as the passes over the words add them, or interleaved, repeated and out of
// order (the contract does not rely on the passes' order).
TEST(SearchKeySetTest, TakeGivesEachKeyTheUnionOfItsPositions) {
  uint64_t state = 29;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  for (int round = 0; round < 300; ++round) {
    const bool in_order = round % 2 == 0;
    SearchKeySet set;
    std::vector<int> handles;
    std::map<KeyAndClass, std::set<uint32_t>> expected;
    std::vector<KeyAndClass> of_handle;
    // Few distinct keys so that handles share (key, class) pairs; both sorts (256 keys and up).
    const size_t added = next() % (round < 150 ? 40 : 700);
    for (size_t i = 0; i < added; ++i) {
      const std::string key = next() % 20 == 0 ? "" : "k" + std::to_string(next() % 300);
      const uint8_t word_class = static_cast<uint8_t>(next() % 2);
      const int handle = set.Add(key, word_class);
      if (handle < 0) continue;
      handles.push_back(handle);
      of_handle.resize(static_cast<size_t>(handle) + 1);
      of_handle[static_cast<size_t>(handle)] = {key, word_class};
      expected[{key, word_class}];  // a key without positions has an empty list
    }
    if (in_order) {  // a pass over tokens: each handle's positions ascending
      for (uint32_t token = 0; token < 2000 && !handles.empty(); token += 1 + next() % 3) {
        const int handle = handles[next() % handles.size()];
        set.AddPosition(handle, token);
        expected[of_handle[static_cast<size_t>(handle)]].insert(token);
      }
    } else {
      for (int n = 0; n < 3000 && !handles.empty(); ++n) {
        const int handle = handles[next() % handles.size()];
        const uint32_t token = next() % 500;
        set.AddPosition(handle, token);
        expected[of_handle[static_cast<size_t>(handle)]].insert(token);
      }
    }
    set.AddPosition(-1, 7);  // no key: nothing
    const SearchKeyPositions taken = std::move(set).Take();
    ASSERT_EQ(taken.keys.size(), expected.size()) << "round " << round;
    ASSERT_EQ(taken.positions.size(), expected.size()) << "round " << round;
    size_t k = 0;
    for (const auto& [key, positions] : expected) {
      EXPECT_EQ(KeyAndClass(taken.keys[k], taken.classes[k]), key) << "round " << round;
      const std::span<const uint32_t> got = taken.positions[k];
      EXPECT_EQ(std::vector<uint32_t>(got.begin(), got.end()),
                std::vector<uint32_t>(positions.begin(), positions.end()))
          << "round " << round << ", key " << key.first;
      ++k;
    }
  }
}

// Every article body of the shared corpora (English, Russian, Kazakh sites), and the raw HTML of
// the Russian pages (markup, scripts, entities: text no article extraction cleaned).
TEST(SearchKeysOnePassTest, EqualOnEverySharedCorpusArticle) {
  const fs::path corpus = testing::SharedCorpusDir("");
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "no shared corpus at " << corpus;
  // A sanitizer build reads every 4th article: it is there for memory errors on these paths,
  // which the sample runs through; all of them took 108 s under ASan+UBSan at -O0.
  const size_t stride = kSanitizerSlowdown > 1 ? 4 : 1;
  size_t texts = 0, keys = 0;
  for (const char* name : {"aeb-dev", "daniel-ru-dev"}) {
    const std::vector<testing::GroundTruthArticle> articles = testing::GroundTruth(name);
    ASSERT_FALSE(articles.empty()) << corpus / name / "ground-truth.json";
    for (size_t i = 0; i < articles.size(); i += stride) {
      const testing::GroundTruthArticle& article = articles[i];
      keys += ExpectKeysOfOnePass(article.body, std::string(name) + "/" + article.id).size();
      ++texts;
      if (std::string(name) == "daniel-ru-dev") {
        const std::string html =
            testing::ReadGzipFile(corpus / name / "html" / (article.id + ".html.gz"));
        ASSERT_FALSE(html.empty()) << name << "/" << article.id;
        ExpectKeysOfOnePass(html, std::string(name) + "/" + article.id + ".html");
        ++texts;
      }
    }
  }
  EXPECT_GT(texts, 300u / stride);
  EXPECT_GT(keys, 50000u / stride) << "the corpus articles have words";
}

}  // namespace
}  // namespace kuzet::keywords
