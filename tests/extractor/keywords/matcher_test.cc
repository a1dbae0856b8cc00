// Matcher behaviour beyond the table: byte offsets and snippets, rule order, filters, copies,
// concurrent FindAll, and invariants over real Russian and English news text.
#include "extractor/keywords/matcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "tests/extractor/keywords/same_matches.h"
#include "tests/shared_corpus.h"

namespace kuzet::keywords {
namespace {

Matcher MustCompile(const std::vector<RuleSpec>& rules) {
  auto m = Matcher::Compile(rules);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : Matcher();
}

RuleSpec Rule(std::string id, std::vector<std::string> terms, std::string query = "") {
  RuleSpec r;
  r.id = std::move(id);
  r.terms = std::move(terms);
  r.query = std::move(query);
  return r;
}

TEST(MatcherOffsets, ByteOffsetsPointAtTheSurfaceInMultiByteText) {
  Matcher m = MustCompile({Rule("zh", {"Zhanaozen"})});
  const std::string text = "16 декабря 2011 года в Жанаозене (Жаңаөзен) полиция открыла огонь.";
  auto matches = m.FindAll(text);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].begin, text.find("Жанаозене"));
  EXPECT_EQ(matches[0].end, text.find("Жанаозене") + std::string("Жанаозене").size());
  EXPECT_EQ(matches[1].begin, text.find("Жаңаөзен"));
  for (const Match& x : matches) {
    EXPECT_EQ(text.substr(x.begin, x.end - x.begin), x.surface);
    EXPECT_EQ(x.snippet, text);
    EXPECT_EQ(x.snippet.substr(x.snippet_begin, x.snippet_end - x.snippet_begin), x.surface);
    EXPECT_EQ(x.rule_id, "zh");
    EXPECT_EQ(x.term, "Zhanaozen");
  }
}

TEST(MatcherOffsets, NormalizationChangesLengthYetOffsetsStayExact) {
  // Full-width letters (3 bytes each, NFKC → ASCII), a ligature, and a decomposed é before the
  // match: a regex on the normalized text must still map back to original bytes.
  Matcher m = MustCompile({Rule("r", {"/kazakhstan/"}), Rule("w", {"finance"})});
  const std::string text = "Cafe\u0301 ﬁnance — ＫＡＺＡＫＨＳＴＡＮ.";
  auto matches = m.FindAll(text);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].surface, "ﬁnance");
  EXPECT_EQ(matches[0].begin, text.find("ﬁnance"));
  EXPECT_EQ(matches[1].surface, "ＫＡＺＡＫＨＳＴＡＮ");
  EXPECT_EQ(matches[1].begin, text.find("ＫＡＺ"));
  EXPECT_EQ(matches[1].end, text.find("."));
}

TEST(MatcherOffsets, InvalidUtf8KeepsByteOffsets) {
  Matcher m = MustCompile({Rule("zh", {"Zhanaozen"})});
  const std::string text = "\xff\xfe bad bytes \xd0 then Zhanaozen.";
  auto matches = m.FindAll(text);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].begin, text.find("Zhanaozen"));
  EXPECT_EQ(matches[0].surface, "Zhanaozen");
}

TEST(MatcherSnippets, SnippetIsTheSentence) {
  Matcher m = MustCompile({Rule("s", {"забастовка"})});
  const std::string text =
      "Первое предложение о погоде. В Жанаозене продолжается забастовка нефтяников! "
      "Третье предложение.";
  auto matches = m.FindAll(text, "ru");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].snippet, "В Жанаозене продолжается забастовка нефтяников!");
  EXPECT_EQ(matches[0].snippet.substr(matches[0].snippet_begin,
                                      matches[0].snippet_end - matches[0].snippet_begin),
            "забастовка");
}

TEST(MatcherSnippets, ParagraphLinesAndTextEdges) {
  Matcher m = MustCompile({Rule("s", {"Zhanaozen"})});
  const std::string text = "Zhanaozen first\nSecond paragraph without a full stop\nlast Zhanaozen";
  auto matches = m.FindAll(text);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].snippet, "Zhanaozen first");
  EXPECT_EQ(matches[0].snippet_begin, 0u);
  EXPECT_EQ(matches[1].snippet, "last Zhanaozen");
  EXPECT_EQ(matches[1].snippet_end, matches[1].snippet.size());
  EXPECT_EQ(matches[1].end, text.size());
}

TEST(MatcherSnippets, LongSentenceIsTrimmedAtWordsAroundTheMatch) {
  Matcher m = MustCompile({Rule("s", {"Zhanaozen"})});
  std::string text;
  for (int i = 0; i < 80; ++i) text += "word" + std::to_string(i) + " ";
  text += "Zhanaozen ";
  for (int i = 0; i < 80; ++i) text += "tail" + std::to_string(i) + " ";
  text += "end.";
  auto matches = m.FindAll(text);
  ASSERT_EQ(matches.size(), 1u);
  const Match& x = matches[0];
  EXPECT_LE(x.snippet.size(), 300u);
  EXPECT_GE(x.snippet.size(), 250u);
  EXPECT_EQ(x.snippet.substr(x.snippet_begin, x.snippet_end - x.snippet_begin), "Zhanaozen");
  // Centred, and cut between words: the edges are whole words of the text.
  EXPECT_GT(x.snippet_begin, 100u);
  EXPECT_NE(x.snippet.front(), ' ');
  const size_t snippet_at = x.begin - x.snippet_begin;
  EXPECT_EQ(text.substr(snippet_at, x.snippet.size()), x.snippet);
  EXPECT_EQ(text[snippet_at - 1], ' ');
  const char after = text[snippet_at + x.snippet.size()];
  EXPECT_TRUE(after == ' ' || x.snippet.back() == ' ') << x.snippet;
}

// One thread's TextBreakers, kept across calls of two matchers over every shared article (English
// with Korean and Japanese pages among them, Russian) and made-up texts of the scripts ICU breaks
// apart (dictionaries, a script it has none for), give each call exactly the matches and snippets
// of a call with fresh iterators: nothing of one text's breaking is left for the next.
TEST(MatcherTextBreakers, KeptAcrossTextsAndMatchersGiveWhatFreshOnesGive) {
  std::vector<std::string> texts = {
      "",
      "Strike in Zhanaozen. 잔아오젠 파업. ジャナオゼンのストライキ。 Zhanaozen again.\n"
      "Полиция в Жанаозене. ส่วน Zhanaozen ສ່ວນ Zhanaozen 。Zhanaozen",
      "No match here at all, only words.",
  };
  for (const char* folder : {"aeb-dev", "daniel-ru-dev"}) {
    for (const auto& article : kuzet::testing::GroundTruth(folder)) texts.push_back(article.body);
  }
  if (texts.size() == 3) std::cout << "no shared corpus: made-up texts only\n";
  const Matcher a = MustCompile({Rule("zh", {"Zhanaozen", "police*", "полиция"}),
                                 Rule("w", {"the", "который"}, "\"of the\" OR year NEAR/3 the")});
  const Matcher b = MustCompile({Rule("s", {"strike", "забастовка", "said"})});
  TextBreakers breakers = a.NewTextBreakers();
  ASSERT_FALSE(breakers.empty());
  size_t matches = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    for (const Matcher* m : {&a, &b}) {
      const std::vector<Match> fresh = m->FindAll(texts[i], "en");
      const std::vector<Match> kept = m->FindAll(texts[i], "en", "", nullptr, nullptr, &breakers);
      EXPECT_TRUE(SameMatches(kept, fresh)) << "text " << i;
      matches += fresh.size();
    }
  }
  EXPECT_GT(matches, texts.size());  // most texts have matches: the snippets were compared
  // An empty set (a default-constructed matcher's) is as none.
  TextBreakers none = Matcher().NewTextBreakers();
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(
      SameMatches(a.FindAll(texts[1], "en", "", nullptr, nullptr, &none), a.FindAll(texts[1])))
      << "empty breakers";
}

TEST(MatcherRegex, PathologicalPatternIsCutOffAndOtherRulesStillMatch) {
  Matcher m = MustCompile({Rule("slow", {"/(a|aa)+b/"}), Rule("zh", {"Zhanaozen"})});
  const std::string text = "Zhanaozen " + std::string(60, 'a') + "!";
  const auto start = std::chrono::steady_clock::now();
  auto matches = m.FindAll(text);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 10.0);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].rule_id, "zh");
}

TEST(MatcherOrder, TextOrderThenRuleEachSpanOncePerRule) {
  Matcher m = MustCompile({Rule("b", {"strike", "strike*"}), Rule("a", {"Zhanaozen", "strike"})});
  auto matches = m.FindAll("Zhanaozen strike.");
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(matches[0].rule_id, "a");
  EXPECT_EQ(matches[0].surface, "Zhanaozen");
  EXPECT_EQ(matches[1].rule_id, "a");
  EXPECT_EQ(matches[1].surface, "strike");
  EXPECT_EQ(matches[2].rule_id, "b");
  EXPECT_EQ(matches[2].term, "strike");  // one entry per (rule, span); the first term by name
}

TEST(MatcherFilters, OnlyRulesForThePagesLanguageAndSite) {
  RuleSpec ru = Rule("ru", {"Zhanaozen"});
  ru.languages = {"ru"};
  RuleSpec site = Rule("site", {"Zhanaozen"});
  site.sites = {"rferl"};
  Matcher m = MustCompile({ru, site});
  auto ids = [&](std::string_view lang, std::string_view s) {
    std::vector<std::string> out;
    for (const Match& x : m.FindAll("Жанаозен", lang, s)) out.push_back(x.rule_id);
    return out;
  };
  EXPECT_EQ(ids("ru", "rferl"), (std::vector<std::string>{"ru", "site"}));
  EXPECT_EQ(ids("en", "rferl"), (std::vector<std::string>{"site"}));
  EXPECT_EQ(ids("ru", "other"), (std::vector<std::string>{"ru"}));
  EXPECT_EQ(ids("", ""), (std::vector<std::string>{"ru", "site"}));
}

TEST(MatcherLifecycle, EmptyMovedAndCopiedMatchers) {
  Matcher empty;
  EXPECT_TRUE(empty.FindAll("Zhanaozen").empty());
  EXPECT_EQ(empty.rule_count(), 0u);
  auto compiled = Matcher::Compile({Rule("zh", {"Zhanaozen"})});
  ASSERT_TRUE(compiled.ok());
  Matcher moved = std::move(compiled).value();
  Matcher copy = moved;
  EXPECT_EQ(moved.FindAll("Janaozen").size(), 1u);
  EXPECT_EQ(copy.FindAll("Janaozen").size(), 1u);
  EXPECT_EQ(copy.rule_count(), 1u);
}

TEST(MatcherThreads, ConcurrentFindAllGivesTheSameResults) {
  Matcher m = MustCompile({Rule("zh", {"Zhanaozen", "/police|полиция/"}, ""),
                           Rule("q", {}, "strike NEAR/4 Zhanaozen")});
  const std::string text =
      "Strike in Zhanaozen. Полиция открыла огонь в Жанаозене. Жаңаөзендегі ереуіл.";
  const auto expected = m.FindAll(text);
  ASSERT_EQ(expected.size(), 6u);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto got = m.FindAll(text);
        bool same = got.size() == expected.size();
        for (size_t k = 0; same && k < got.size(); ++k) {
          same = got[k].begin == expected[k].begin && got[k].rule_id == expected[k].rule_id &&
                 got[k].snippet == expected[k].snippet;
        }
        if (!same) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

// Worker threads share one compiled rule set of thousands of terms (one double array, one fold
// table): eight threads over different pages at once find exactly what one thread finds.
TEST(MatcherThreads, ThousandsOfTermsEightThreadsSameAsOne) {
  const std::vector<std::string> stems = {"Zhanaozen",   "Mangystau", "Kazakhstan", "strike",
                                          "забастовка",  "ереуіл",    "мұнайшы",    "Kozlov",
                                          "trade union", "Ақтау"};
  std::vector<RuleSpec> rules;
  for (size_t i = 0; i < 3000; ++i) {
    // The real terms, and many more that share their beginnings (deep, branching automaton).
    std::string term = stems[i % stems.size()];
    if (i >= stems.size())
      term += std::string(1, static_cast<char>('a' + i % 26)) + "x" +
              std::string(1, static_cast<char>('a' + i / 26 % 26));
    rules.push_back(Rule(std::string("r").append(std::to_string(i)), {term}));
  }
  const Matcher m = MustCompile(rules);
  const std::vector<std::string> pages = {
      "Strike in Zhanaozen: trade unions of Mangystau. Kozlov's lawyer spoke in Aktau.",
      "В Жанаозене забастовка нефтяников; дело Козлова, мангистауские профсоюзы.",
      "Жаңаөзендегі ереуіл. Мұнайшылар Ақтауда, Маңғыстау облысында, Қазақстанда.",
      "Kasachstan: Streik in Schanaosen. Nazarbajew. Zhanaozenax, strikebx, Kozlovzxa.",
  };
  std::vector<std::vector<Match>> expected;
  for (const std::string& page : pages) expected.push_back(m.FindAll(page));
  size_t total = 0;
  for (const auto& e : expected) total += e.size();
  ASSERT_GT(total, 15u);
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const size_t p = static_cast<size_t>(t + i) % pages.size();
        const auto got = m.FindAll(pages[p]);
        bool same = got.size() == expected[p].size();
        for (size_t k = 0; same && k < got.size(); ++k) {
          same = got[k].rule_id == expected[p][k].rule_id && got[k].begin == expected[p][k].begin &&
                 got[k].end == expected[p][k].end && got[k].snippet == expected[p][k].snippet;
        }
        if (!same) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

// Real news text: every match's offsets, surface and snippet agree with the input, and a term
// taken from an article is found in it.
TEST(MatcherCorpus, OffsetsAndSnippetsHoldOnRealArticles) {
  const std::vector<testing::GroundTruthArticle> corpus = testing::GroundTruth("daniel-ru-dev");
  if (corpus.empty()) GTEST_SKIP() << "absent: " << testing::SharedCorpusDir("daniel-ru-dev");
  Matcher m = MustCompile({Rule("ru", {"Россия", "президент", "Казахстан", "/\\d{4} год/"}),
                           Rule("near", {}, "суд NEAR/5 (решение OR приговор)")});
  size_t total = 0, articles = 0;
  for (const testing::GroundTruthArticle& article : corpus) {
    const std::string& text = article.body;
    ++articles;
    for (const Match& x : m.FindAll(text, "ru")) {
      ++total;
      ASSERT_LE(x.end, text.size());
      ASSERT_EQ(text.substr(x.begin, x.end - x.begin), x.surface) << article.id;
      ASSERT_EQ(x.snippet.substr(x.snippet_begin, x.snippet_end - x.snippet_begin), x.surface);
      ASSERT_LE(x.snippet.size(), 300u + x.surface.size());
    }
  }
  EXPECT_GT(articles, 50u);
  EXPECT_GT(total, 100u);
}

}  // namespace
}  // namespace kuzet::keywords
