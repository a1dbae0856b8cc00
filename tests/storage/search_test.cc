// Search over the stored documents (storage/search_index.h, issue #18): a query finds exactly
// the documents the same query, as a rule, matched at crawl time — across scripts and
// inflections — newest first, with filters and a cursor; a store of format 2 gets its index.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "extractor/keywords/matcher.h"
#include "storage/encoding.h"
#include "storage/posting_list.h"
#include "storage/records.h"
#include "storage/store.h"
#include "tests/shared_corpus.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::Page;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kMinute = 60'000'000;

std::unique_ptr<Store> OpenStore(const TempDir& dir, Store::Mode mode = Store::Mode::kReadWrite) {
  auto store = Store::Open(dir.path(), mode);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

// The URLs of `hits`, in their order.
std::vector<std::string> UrlsOf(const std::vector<SearchHit>& hits) {
  std::vector<std::string> urls;
  for (const SearchHit& hit : hits) urls.push_back(hit.url);
  return urls;
}

std::vector<std::string> SearchUrls(const Store& store, const std::string& q,
                                    SearchQuery query = {}) {
  auto matcher = CompileSearchQuery(q);
  EXPECT_TRUE(matcher.ok()) << q << ": " << matcher.status().message();
  if (!matcher.ok()) return {"<compile error>"};
  auto result = store.searcher().Search(*matcher, query);
  EXPECT_TRUE(result.ok()) << q << ": " << result.status().message();
  if (!result.ok()) return {"<search error>"};
  return UrlsOf(result->hits);
}

// The result of searching `q`.
SearchResult SearchResultOf(const Store& store, const std::string& q) {
  auto matcher = CompileSearchQuery(q);
  EXPECT_TRUE(matcher.ok()) << q << ": " << matcher.status().message();
  if (!matcher.ok()) return {};
  auto result = store.searcher().Search(*matcher, {});
  EXPECT_TRUE(result.ok()) << q << ": " << result.status().message();
  return result.ok() ? std::move(result).value() : SearchResult{};
}

// Small pages in three languages and scripts, stored in this order (doc ids 1..n).
struct Doc {
  const char* url;
  const char* text;
  const char* lang;
  const char* site;
};
const Doc kDocs[] = {
    {"u1", "В Жанаозене нефтяники объявили забастовку.", "ru", "tengri"},
    {"u2", "Жаңаөзендегі ереуіл туралы жаңалықтар.", "kk", "azattyq"},
    {"u3", "Zhanaozen's oil workers went on strike again.", "en", "rferl"},
    {"u4", "The football match in Zhanaozen ended in a draw.", "en", "rferl"},
    {"u5", "Жанаозенмунайгаз сообщил о прибыли.", "ru", "tengri"},
    {"u6", "The trade unions of Mangystau met the workers.", "en", "rferl"},
    {"u7", "A trade. Union leaders disagreed.", "en", "rferl"},
    {"u8", "Strikers marched in Aktau; the strike spread to Zhanaozen within a week.", "en",
     "rferl"},
    {"u9", "Жаңа-Өзен қаласында жиналыс өтті.", "kk", "azattyq"},
    {"u10", "Козлова заявила о давлении, сказала Наталья Козлова.", "ru", "tengri"},
};

// keys_ahead: with the word keys computed ahead (PageInput::search_keys), as the crawl
// pipeline's workers do; otherwise the writer computes them.
void StoreDocs(Store& store, bool keys_ahead = false) {
  int64_t t = kT0;
  for (const Doc& d : kDocs) {
    PageInput page = Page(d.url, d.text, t += kMinute);
    page.lang = d.lang;
    page.site_id = d.site;
    if (keys_ahead) {
      auto keys = store.searcher().KeysOf(page.text, page.lang);
      ASSERT_TRUE(keys.ok()) << keys.status().message();
      page.search_keys = std::move(keys).value();
    }
    auto stored = store.writer().PutPage(page);
    ASSERT_TRUE(stored.ok()) << stored.status().message();
  }
}

// A hit names its document's story, the one the writer gave it: a republished copy the
// original's, a page of its own its own id; read for all hits together, each gets its own.
TEST(SearchTest, HitsNameTheirDocumentsStory) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  const std::string story =
      "Oil workers in Zhanaozen went on strike in May 2011, demanding higher pay, safer conditions "
      "and the right to form an independent union. The strike lasted seven months until police "
      "opened fire on the sixteenth of December, killing at least fourteen people in the central "
      "square of the town. Dozens were wounded and many strikers were later put on trial.";
  int64_t t = kT0;
  std::map<std::string, uint64_t> story_of;  // by URL, as PutPage said
  auto put = [&](const std::string& url, const std::string& text) {
    auto stored = store->writer().PutPage(Page(url, text, t += kMinute));
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    story_of[url] = stored->story_id;
  };
  put("original", story);
  put("other", "A football match in Zhanaozen ended in a draw on Sunday evening.");
  put("copy", "Updated: " + story);
  put("another", "Zhanaozen's council met to discuss the city budget for the next year.");
  ASSERT_EQ(story_of["copy"], story_of["original"]) << "the copy is not near enough";
  ASSERT_NE(story_of["other"], story_of["original"]);
  ASSERT_NE(story_of["another"], story_of["other"]);
  SearchResult result = SearchResultOf(*store, "Zhanaozen");
  ASSERT_EQ(UrlsOf(result.hits),
            (std::vector<std::string>{"another", "copy", "other", "original"}));
  for (const SearchHit& hit : result.hits) {
    EXPECT_EQ(hit.story_id, story_of[hit.url]) << hit.url;
  }
}

TEST(SearchTest, FindsWhatTheRuleLanguageMatchesNewestFirst) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  StoreDocs(*store);
  struct Case {
    const char* query;
    std::vector<std::string> urls;  // newest first
  };
  const Case cases[] = {
      // Cross-script and inflected: Cyrillic, Kazakh, Latin, hyphenated; not the company.
      {"Zhanaozen", {"u9", "u8", "u4", "u3", "u2", "u1"}},
      {"Zhanaozen*", {"u9", "u8", "u5", "u4", "u3", "u2", "u1"}},
      {"Zhanaozen AND NOT football", {"u9", "u8", "u3", "u2", "u1"}},
      {"strike NEAR/3 Zhanaozen", {"u8"}},  // u3: four words between
      {"strike NEAR/4 Zhanaozen", {"u8", "u3"}},
      {"(strike OR забастовка OR ереуіл) AND Zhanaozen", {"u8", "u3", "u2", "u1"}},
      {"\"trade union\"", {"u6"}},  // u7: a sentence break between the words
      {"/strik(e|ing)\\b/", {"u8", "u3"}},
      {"/aktau/ OR \"trade union\"", {"u8", "u6"}},  // a regex: every document a candidate
      {"/aktau/ AND Zhanaozen", {"u8"}},
      {"=Козлов", {}},
      {"Козлова", {"u10"}},
      {"Mangystau OR Aktau", {"u8", "u6"}},
      {"nothingatall", {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SearchUrls(*store, c.query), c.urls) << c.query;
  }
}

// Searches of one store from several threads at once (the HTTP server's) share the searcher's
// idle break iterators (Searcher::TakeBreakers): each gets what it gets alone, snippets included.
TEST(SearchTest, ConcurrentSearchesGetWhatEachGetsAlone) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  StoreDocs(*store);
  const std::vector<std::string> queries = {"Zhanaozen",
                                            "strike NEAR/4 Zhanaozen",
                                            "\"trade union\"",
                                            "Козлова",
                                            "Zhanaozen AND NOT football",
                                            "/strik(e|ing)\\b/",
                                            "Mangystau OR Aktau",
                                            "ереуіл"};
  auto snippets = [&](const std::string& q) {
    std::vector<std::string> out;
    for (const SearchHit& hit : SearchResultOf(*store, q).hits) {
      for (const auto& m : hit.matches) out.push_back(hit.url + ": " + m.snippet);
    }
    return out;
  };
  std::vector<std::vector<std::string>> alone;
  for (const std::string& q : queries) alone.push_back(snippets(q));
  std::vector<std::thread> threads;
  std::vector<int> differ(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 10; ++round) {
        for (size_t i = 0; i < queries.size(); ++i) {
          const size_t k = (i + static_cast<size_t>(t)) % queries.size();
          if (snippets(queries[k]) != alone[k]) ++differ[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(differ[t], 0) << "thread " << t;
  EXPECT_FALSE(alone[0].empty());
}

// Word positions in the index (issue #18): a phrase or NEAR search reads only the documents
// whose words are together (or near enough), not every document holding them all; the results
// stay exactly what FindAll matches on every stored text.
TEST(SearchTest, PositionsReadOnlyDocumentsWithTheWordsTogether) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  std::vector<std::pair<std::string, std::string>> pages;  // url, text; stored in this order
  for (int i = 0; i < 50; ++i) {  // five words between "business" and "will"
    pages.emplace_back("apart" + std::to_string(i),
                       "The business grew, and later the board will meet " + std::to_string(i));
  }
  pages.emplace_back("together", "The business will grow, the board said.");
  pages.emplace_back("reversed", "Will the business grow?");
  pages.emplace_back("joined-left", "Жаңа-Өзен ереуіл туралы.");      // the joined word, then
  pages.emplace_back("joined-right", "Ереуіл Жаңа-Өзен қаласында.");  // and before it
  pages.emplace_back("joined-far", "Жаңа-Өзен қаласында бүгін ереуіл.");
  int64_t t = kT0;
  for (const auto& [url, text] : pages) {
    PageInput page = Page(url, text, t += kMinute);
    ASSERT_TRUE(store->writer().PutPage(page).ok());
  }
  ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
  struct Case {
    const char* query;
    uint64_t examined;  // documents read (the old index read every one holding all the words)
  };
  const Case cases[] = {
      {"\"business will\"", 1},        // was 52
      {"business NEAR/1 will", 2},     // together and reversed; was 52
      {"business NEAR/4 will", 2},     // five between: still too far
      {"business NEAR/5 will", 52},    // every one
      {"\"will the business\"", 1},    // three words
      {"\"the business grew\"", 50},   // in the apart pages only
      {"Zhanaozen NEAR/0 ереуіл", 2},  // the hyphen-joined word at both of its tokens
      {"Zhanaozen NEAR/1 ереуіл", 2}, {"Zhanaozen NEAR/2 ереуіл", 3},
      {"\"Жаңа Өзен\"", 3},  // the two halves in a row
  };
  auto matcher_urls = [&](const keywords::Matcher& m) {
    std::vector<std::string> urls;
    for (auto it = pages.rbegin(); it != pages.rend(); ++it) {
      if (!m.FindAll(it->second, "en", "site").empty()) urls.push_back(it->first);
    }
    return urls;
  };
  for (const Case& c : cases) {
    auto matcher = CompileSearchQuery(c.query);
    ASSERT_TRUE(matcher.ok()) << c.query;
    SearchQuery every;
    every.limit = 100;
    auto result = store->searcher().Search(*matcher, every);
    ASSERT_TRUE(result.ok()) << result.status().message();
    const std::vector<std::string> urls = UrlsOf(result->hits);
    const std::vector<std::string> expected = matcher_urls(*matcher);
    EXPECT_EQ(urls, expected) << c.query;
    EXPECT_FALSE(expected.empty()) << c.query;
    EXPECT_EQ(result->examined, c.examined) << c.query;
  }
}

// A document whose postings are written is verified reading only the words the index places
// the query's term words at (Matcher::FindAllAt, issue #18), and gives what FindAll gives on its
// whole text: the words under a NOT are read too (u9's hyphen-joined Жаңа-Өзен, the changed
// page's new words), a word whose positions the index does not know (over 64 in a page) sends
// the page to the whole-text verification, and so does a regex.
// A stored text keeps its token checkpoints (FORMAT.md, Document; keywords/token_checkpoints.h):
// those of the keys computed ahead, else the writer's own; an edited text gets its own, never
// its predecessor's; and a search of a phrase in a late paragraph, which starts breaking the
// text at a checkpoint, reports what FindAll does.
TEST(SearchTest, DocumentsKeepTheirTextsTokenCheckpoints) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  std::string paragraphs;
  for (const char* word : {"alpha", "beta", "gamma", "delta"}) {
    for (int i = 0; i < 40; ++i) paragraphs += std::string(word) + (i % 9 == 8 ? ". " : " ");
    paragraphs += "\n";
  }
  const std::string text = paragraphs + "The trade union called the strike in Zhanaozen.\n";
  // (Only white space changed would be the same text to the store: TextKeysOf normalizes it.)
  std::string one_line = text + "Edited.";
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  auto keys_of = [&](const std::string& t) {
    auto keys = store->searcher().KeysOf(t, "en");
    EXPECT_TRUE(keys.ok()) << keys.status().message();
    return keys.ok() ? std::move(keys).value() : SearchIndexKeys{};
  };
  const std::vector<keywords::TokenCheckpoint> computed = keys_of(text).checkpoints;
  ASSERT_EQ(computed.size(), 4u) << "one a paragraph after the first";
  auto stored = [&](const std::string& url) {
    auto state = store->reader().GetUrl(url);
    EXPECT_TRUE(state.ok() && state->has_value()) << url;
    if (!state.ok() || !state->has_value()) return std::vector<keywords::TokenCheckpoint>{};
    auto doc = store->reader().GetDocument((*state)->doc_id);
    EXPECT_TRUE(doc.ok() && doc->has_value()) << url;
    return doc.ok() && doc->has_value() ? (*doc)->token_checkpoints
                                        : std::vector<keywords::TokenCheckpoint>{};
  };
  int64_t t = kT0;
  // The writer's own keys.
  ASSERT_TRUE(store->writer().PutPage(Page("own", text, t += kMinute)).ok());
  EXPECT_EQ(stored("own"), computed);
  // Keys computed ahead are the ones stored (here only their first checkpoint, to tell them
  // from the writer's).
  PageInput ahead = Page("ahead", text + "More.", t += kMinute);
  ahead.search_keys = keys_of(ahead.text);
  ahead.search_keys->checkpoints.resize(1);
  ASSERT_TRUE(store->writer().PutPage(ahead).ok());
  EXPECT_EQ(stored("ahead"),
            std::vector<keywords::TokenCheckpoint>(computed.begin(), computed.begin() + 1));
  // An edited text, one line now: no checkpoint at all, none of the old text's left.
  ASSERT_TRUE(store->writer().PutPage(Page("own", one_line, t += kMinute)).ok());
  EXPECT_TRUE(stored("own").empty());
  ASSERT_TRUE(store->writer().PutPage(Page("own", text, t += kMinute)).ok());
  EXPECT_EQ(stored("own"), computed);
  ASSERT_TRUE(store->writer().FlushSearchIndex().ok());

  auto matcher = CompileSearchQuery("\"trade union\" AND strike");
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  auto result = store->searcher().Search(*matcher, {});
  ASSERT_TRUE(result.ok()) << result.status().message();
  ASSERT_EQ(UrlsOf(result->hits), (std::vector<std::string>{"ahead", "own"}));
  EXPECT_EQ(result->verified_at_positions, 2u);
  for (const SearchHit& hit : result->hits) {
    const std::vector<keywords::Match> all =
        matcher->FindAll(hit.url == "own" ? text : ahead.text, "en", "site");
    ASSERT_EQ(hit.matches.size(), all.size()) << hit.url;
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(hit.matches[i].begin, all[i].begin) << hit.url;
      EXPECT_EQ(hit.matches[i].end, all[i].end) << hit.url;
      EXPECT_EQ(hit.matches[i].surface, all[i].surface) << hit.url;
      EXPECT_EQ(hit.matches[i].snippet, all[i].snippet) << hit.url;
      EXPECT_EQ(hit.matches[i].snippet_begin, all[i].snippet_begin) << hit.url;
    }
  }
}

TEST(SearchTest, VerifiedAtTheTermWordsPositionsAsOnTheWholeText) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  StoreDocs(*store);
  std::string many_the;
  for (int i = 0; i < 70; ++i) many_the += "the ";
  struct Extra {
    std::string url, text;
  };
  const Extra extras[] = {
      {"many", many_the + "strike in Zhanaozen."},  // "the" 70 times: positions unknown
      {"changed", "Strike in Zhanaozen today."},    // changed below, once indexed
  };
  int64_t t = kT0 + 100 * kMinute;
  for (const Extra& e : extras) {
    PageInput page = Page(e.url, e.text, t += kMinute);
    page.lang = "en";
    page.site_id = "rferl";
    ASSERT_TRUE(store->writer().PutPage(page).ok());
  }
  ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
  PageInput changed = Page("changed", "Football in Aktau today, no strike.", t += kMinute);
  changed.lang = "en";
  changed.site_id = "rferl";
  ASSERT_TRUE(store->writer().PutPage(changed).ok());

  // Each document's current text, newest (highest id) first: "changed" keeps its id.
  struct Current {
    std::string url, text, lang, site;
  };
  std::vector<Current> current = {{"changed", changed.text, "en", "rferl"},
                                  {"many", extras[0].text, "en", "rferl"}};
  for (auto d = std::rbegin(kDocs); d != std::rend(kDocs); ++d) {
    current.push_back({d->url, d->text, d->lang, d->site});
  }

  struct Case {
    const char* query;
    bool at_positions;  // every document read was verified at its term words' positions
    size_t rejected_by_not_term = 0;
    // Rejected unread: the index shows the NOT word for sure (not in "changed", whose lists
    // hold its old text's words too).
    size_t rejected_unread = 0;
  };
  const Case cases[] = {
      {"Zhanaozen", true},
      // u4 unread; "changed" is a candidate by a stale key, read, its football found.
      {"Zhanaozen AND NOT football", true, 1, 1},
      {"Zhanaozen AND NOT (football)", true, 1, 1},            // the same
      {"Zhanaozen AND NOT football AND NOT oil", true, 1, 2},  // and u3 unread
      {"Zhanaozen AND NOT (football OR oil)", true},           // no one-word NOT term
      {"заявила AND NOT Козлов", true},  // u10's Козлова is a woman's: the key, not the word
      // u9: the NOT word is its hyphen-joined pair Жаңа-Өзен, a word of the index: unread.
      {"қаласында AND NOT Zhanaozen", true, 0, 1},
      {"жиналыс OR Zhanaozen", true},
      // u3, u8, many unread; not "changed" (its old text had the word): read, a hit.
      {"strike AND NOT Zhanaozen", true, 0, 3},
      {"Aktau AND NOT Zhanaozen", true, 0, 1},  // u8
      {"strike NEAR/4 Zhanaozen", true},
      {"\"trade union\"", true},                // u7: a sentence break between the words
      {"Козлова AND NOT Наталья", true, 0, 1},  // u10 holds Наталья
      // u4, u8 and "many" unread (the key is there, its unknown positions do not matter).
      {"Zhanaozen AND NOT the", true, 0, 3},
      {"strike AND the", false},     // "many": positions of "the" unknown, read whole
      {"/aktau/ OR strike", false},  // a regex: no term word positions
  };
  for (const Case& c : cases) {
    auto matcher = CompileSearchQuery(c.query);
    ASSERT_TRUE(matcher.ok()) << c.query;
    SearchQuery every;
    every.limit = 100;
    auto result = store->searcher().Search(*matcher, every);
    ASSERT_TRUE(result.ok()) << result.status().message();
    const std::vector<std::string> urls = UrlsOf(result->hits);
    std::vector<std::string> expected_urls;
    for (const Current& d : current) {
      if (!matcher->FindAll(d.text, d.lang, d.site).empty()) expected_urls.push_back(d.url);
    }
    EXPECT_EQ(urls, expected_urls) << c.query;
    for (const SearchHit& hit : result->hits) {
      auto d = std::find_if(current.begin(), current.end(),
                            [&](const Current& x) { return x.url == hit.url; });
      ASSERT_NE(d, current.end());
      const std::vector<keywords::Match> want = matcher->FindAll(d->text, d->lang, d->site);
      ASSERT_EQ(hit.matches.size(), want.size()) << c.query << " " << hit.url;
      for (size_t m = 0; m < want.size(); ++m) {
        EXPECT_EQ(std::tie(hit.matches[m].surface, hit.matches[m].begin, hit.matches[m].snippet),
                  std::tie(want[m].surface, want[m].begin, want[m].snippet))
            << c.query << " " << hit.url;
      }
    }
    EXPECT_GT(result->examined + result->rejected_unread, 0u) << c.query;
    EXPECT_EQ(result->rejected_by_not_term, c.rejected_by_not_term) << c.query;
    EXPECT_EQ(result->rejected_unread, c.rejected_unread) << c.query;
    if (c.at_positions) {
      EXPECT_EQ(result->verified_at_positions, result->examined) << c.query;
    } else {
      EXPECT_LT(result->verified_at_positions, result->examined) << c.query;
    }
  }
}

// A read-only store (a RocksDB secondary: no snapshots) verifies at the term words' positions,
// and rejects unread, too while its state stays put (its sequence number unchanged since the
// postings were read).
TEST(SearchTest, ReadOnlyStoreVerifiesAtTheTermWordsPositions) {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    StoreDocs(*store);
    ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
  }
  auto store = OpenStore(dir, Store::Mode::kReadOnly);
  ASSERT_NE(store, nullptr);
  auto matcher = CompileSearchQuery("Zhanaozen AND NOT football");
  ASSERT_TRUE(matcher.ok());
  auto result = store->searcher().Search(*matcher, {});
  ASSERT_TRUE(result.ok()) << result.status().message();
  const std::vector<std::string> urls = UrlsOf(result->hits);
  EXPECT_EQ(urls, std::vector<std::string>({"u9", "u8", "u3", "u2", "u1"}));
  EXPECT_GT(result->examined, 0u);
  EXPECT_EQ(result->verified_at_positions, result->examined);
  EXPECT_EQ(result->rejected_unread, 1u);  // u4: its lists show football for sure
}

// Word keys given ahead index the documents exactly as the writer's own: the same index entries
// and the same results for every query (GroupCommitTest.SearchKeysComputedAheadAreNotComputedAgain
// shows that the writer then uses them as given).
TEST(SearchTest, KeysGivenAheadSearchAsTheWritersOwn) {
  TempDir by_writer, ahead;
  const char* queries[] = {
      "Zhanaozen", "Zhanaozen*",           "strike NEAR/4 Zhanaozen", "\"trade union\"", "Козлова",
      "Жаңа-Өзен", "ереуіл OR забастовка", "/aktau/ AND Zhanaozen",   "trade-union"};
  std::map<std::string, std::vector<std::string>> results_by_writer;
  {
    auto store = OpenStore(by_writer);
    ASSERT_NE(store, nullptr);
    StoreDocs(*store);
    for (const char* q : queries) results_by_writer[q] = SearchUrls(*store, q);
  }
  {
    auto store = OpenStore(ahead);
    ASSERT_NE(store, nullptr);
    StoreDocs(*store, /*keys_ahead=*/true);
    for (const char* q : queries) EXPECT_EQ(SearchUrls(*store, q), results_by_writer[q]) << q;
  }
  EXPECT_FALSE(results_by_writer["Zhanaozen"].empty());
  const auto index = [](const TempDir& dir) {
    return testing::DumpFamilies(dir.db_path())[kSearchFamily];
  };
  const auto index_by_writer = index(by_writer);
  EXPECT_FALSE(index_by_writer.empty());
  EXPECT_TRUE(index(ahead) == index_by_writer);
}

TEST(SearchTest, FiltersAndCursor) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  StoreDocs(*store);
  SearchQuery by_site;
  by_site.site = "tengri";
  EXPECT_EQ(SearchUrls(*store, "Zhanaozen", by_site), std::vector<std::string>({"u1"}));
  SearchQuery by_lang;
  by_lang.lang = "kk";
  EXPECT_EQ(SearchUrls(*store, "Zhanaozen", by_lang), std::vector<std::string>({"u9", "u2"}));
  SearchQuery window;  // u2..u4 were fetched at kT0 + 2..4 minutes
  window.since_us = kT0 + 2 * kMinute;
  window.until_us = kT0 + 4 * kMinute;
  EXPECT_EQ(SearchUrls(*store, "Zhanaozen", window), std::vector<std::string>({"u3", "u2"}));

  // Pages of two, following the cursor, give the whole answer once.
  auto matcher = CompileSearchQuery("Zhanaozen");
  ASSERT_TRUE(matcher.ok());
  SearchQuery page;
  page.limit = 2;
  std::vector<std::string> all;
  for (int calls = 0; calls < 10; ++calls) {
    auto result = store->searcher().Search(*matcher, page);
    ASSERT_TRUE(result.ok()) << result.status().message();
    for (const SearchHit& hit : result->hits) all.push_back(hit.url);
    EXPECT_LE(result->hits.size(), 2u);
    if (result->next_before == 0) break;
    page.before_doc = result->next_before;
  }
  EXPECT_EQ(all, std::vector<std::string>({"u9", "u8", "u4", "u3", "u2", "u1"}));

  // The writer still holds the ten documents' postings (PageWriter::kSearchBufferDocuments):
  // each is read and verified.
  for (const char* q : {"Zhanaozen", "\"trade union\""}) {
    auto unindexed = CompileSearchQuery(q);
    ASSERT_TRUE(unindexed.ok());
    auto result = store->searcher().Search(*unindexed, {});
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->examined, 10u) << q;
  }
  // Written, the index narrows: only the documents holding a key that may be an inflection of
  // the terms are read (the six that match, not Жанаозенмунайгаз; the two with "trade" and
  // "union").
  ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
  for (auto [q, examined] : {std::pair{"Zhanaozen", 6u}, std::pair{"\"trade union\"", 2u}}) {
    auto narrowed = CompileSearchQuery(q);
    ASSERT_TRUE(narrowed.ok());
    auto result = store->searcher().Search(*narrowed, {});
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->examined, examined) << q;
  }

  // A bound on the candidates read: a regex reads every document, a few per call.
  auto regex = CompileSearchQuery("/zhanaozen|жанаозен/");
  ASSERT_TRUE(regex.ok());
  SearchQuery bounded;
  bounded.max_examined = 3;
  auto result = store->searcher().Search(*regex, bounded);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->examined, 3u);
  EXPECT_EQ(result->next_before, 8u);  // docs 10, 9, 8 read; go on below 8
}

// Store::OpenOptions::search_buffer_max_age: the first group committed after the oldest buffered
// document has waited that long writes the buffer, so a slow crawl leaves no unindexed tail for
// long. Table: the age bound, and how many documents "ереуіл" then reads (the ten buffered, or
// only u2).
TEST(SearchTest, BufferedPostingsAreWrittenOnceTheOldestHasWaitedTheMaxAge) {
  struct Case {
    std::chrono::milliseconds max_age;
    size_t examined;
  };
  for (const Case& c :
       {Case{std::chrono::hours(1), std::size(kDocs)}, Case{std::chrono::milliseconds(0), 1}}) {
    TempDir dir;
    Store::OpenOptions options;
    options.search_buffer_max_age = c.max_age;
    auto store = Store::Open(dir.path(), Store::Mode::kReadWrite, options);
    ASSERT_TRUE(store.ok()) << store.status().message();
    StoreDocs(**store);
    auto query = CompileSearchQuery("ереуіл");
    ASSERT_TRUE(query.ok());
    auto result = (*store)->searcher().Search(*query, {});
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->examined, c.examined) << c.max_age.count() << " ms";
    ASSERT_EQ(result->hits.size(), 1u);
    EXPECT_EQ(result->hits[0].url, "u2");
  }
}

// A plain-key rule (cross_script = false) is not narrowed by the cross-script index: every
// document is a candidate, and FindAll still decides.
TEST(SearchTest, PlainKeyRulesAreVerifiedOnEveryDocument) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  StoreDocs(*store);
  keywords::RuleSpec plain;
  plain.id = "plain";
  plain.terms = {"Жанаозен"};
  plain.cross_script = false;
  auto matcher = keywords::Matcher::Compile({plain});
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  auto result = store->searcher().Search(*matcher, {});
  ASSERT_TRUE(result.ok()) << result.status().message();
  const std::vector<std::string> urls = UrlsOf(result->hits);
  EXPECT_EQ(urls, std::vector<std::string>({"u1"}));  // Cyrillic only, inflected
  EXPECT_EQ(result->examined, std::size(kDocs));
}

// A word key that extends a term's key with letters the morphology does not take as an ending
// ("strike" in "strikebreakers") is no inflection of it: its postings are skipped when the plan
// is read, so a page holding only such words is not even read (SearchResult::examined), while
// the inflections beside each case still are, and are found.
TEST(SearchTest, ExtensionsThatAreNoInflectionAreNotCandidates) {
  struct Case {
    const char* query;
    const char* extension_only;  // a page with only a non-inflecting extension of the term
    const char* inflected;       // a page with an inflection FindAll accepts
    const char* lang;
  };
  const Case cases[] = {
      {"strike", "The strikebreakers crossed the picket line.", "Two strikes were called.", "en"},
      {"union", "Unionized workers voted.", "The unions voted.", "en"},
      {"нефть", "Нефтяники вышли на площадь.", "Цены на нефти упали.", "ru"},
      {"Zhanaozen", "Жанаозенмунайгаз сообщил о прибыли.", "В Жанаозене прошёл митинг.", "ru"},
      {"мұнай", "Мұнайгаз компаниясы есеп берді.", "Мұнайшылар алаңға шықты.", "kk"},
      {"ереуіл", "Ереуілдету туралы айтылды.", "Ереуілшілер талап қойды.", "kk"},
      {"strike AND нефть", "Strikebreakers and нефтяники.", "Strikes over нефти.", "ru"},
      {"strike OR мұнай", "Strikebreakers at Мұнайгаз.", "Мұнайшылар strikes.", "kk"},
  };
  for (const Case& c : cases) {
    TempDir dir;
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    PageInput page = Page("extension", c.extension_only, kT0);
    page.lang = c.lang;
    ASSERT_TRUE(store->writer().PutPage(page).ok());
    ASSERT_TRUE(store->writer().FlushSearchIndex().ok());  // else every document is read
    auto matcher = CompileSearchQuery(c.query);
    ASSERT_TRUE(matcher.ok()) << c.query << ": " << matcher.status().message();
    auto result = store->searcher().Search(*matcher, {});
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->examined, 0u) << c.query << " read \"" << c.extension_only << "\"";
    EXPECT_TRUE(result->hits.empty()) << c.query;

    page = Page("inflected", c.inflected, kT0 + kMinute);
    page.lang = c.lang;
    ASSERT_TRUE(store->writer().PutPage(page).ok());
    ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
    result = store->searcher().Search(*matcher, {});
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->examined, 1u) << c.query << " on \"" << c.inflected << "\"";
    ASSERT_EQ(result->hits.size(), 1u) << c.query << " on \"" << c.inflected << "\"";
    EXPECT_EQ(result->hits[0].url, "inflected");
  }
}

TEST(SearchTest, QueryErrorsNameTheColumn) {
  auto bad = CompileSearchQuery("strike AND");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("query: column", 0), 0u) << bad.status().message();
  EXPECT_FALSE(CompileSearchQuery("NOT strike").ok());
  EXPECT_FALSE(CompileSearchQuery("").ok());
}

// A changed page is found by its new text, not by its old one (whose index entries stay).
TEST(SearchTest, ChangedTextIsSearchedAsItIsNow) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->writer().PutPage(Page("u", "Strike in Zhanaozen today.", kT0)).ok());
  ASSERT_TRUE(store->writer().PutPage(Page("u", "Football in Aktau today.", kT0 + kMinute)).ok());
  EXPECT_EQ(SearchUrls(*store, "Zhanaozen"), std::vector<std::string>());
  EXPECT_EQ(SearchUrls(*store, "Aktau"), std::vector<std::string>({"u"}));
}

// `x AND NOT y`: an indexed candidate whose lists show y for sure is rejected without being read
// (SearchResult::rejected_unread); a document whose text changed keeps its old text's postings
// (the "Zhanaozen" of u's first text), so it is read and verified as it is now, whether it
// changed after its postings were written (below search_indexed_through) or while they waited in
// the writer's buffer.
TEST(SearchTest, ANotTermRejectsUnreadOnlyDocumentsWhoseTextDidNotChange) {
  for (const bool flush_between : {true, false}) {
    SCOPED_TRACE(flush_between ? "changed after indexing" : "changed in the buffer");
    TempDir dir;
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->writer().PutPage(Page("u", "Strike in Zhanaozen today.", kT0)).ok());
    ASSERT_TRUE(store->writer().PutPage(Page("v", "Strike in Zhanaozen again.", kT0)).ok());
    ASSERT_TRUE(store->writer().PutPage(Page("w", "Strike in Aktau again.", kT0)).ok());
    if (flush_between) {
      ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
    }
    ASSERT_TRUE(store->writer().PutPage(Page("u", "Strike in Aktau today.", kT0 + kMinute)).ok());
    ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
    const SearchResult result = SearchResultOf(*store, "strike AND NOT Zhanaozen");
    const std::vector<std::string> urls = UrlsOf(result.hits);
    EXPECT_EQ(urls, std::vector<std::string>({"w", "u"}));
    EXPECT_EQ(result.rejected_unread, 1u) << "v";
    EXPECT_EQ(result.examined, 2u) << "u and w";
  }
}

// Козлова is the man's genitive or the woman's name, which the words around decide: a list of
// "Козлова" does not show Козлов for sure, so `... AND NOT Козлов` reads the page, where the
// context names a woman (a hit), and the man's genitive elsewhere (rejected when read).
TEST(SearchTest, ANotSurnameWhoseFormMayBeAWomansIsVerifiedOnTheText) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  PageInput woman = Page("woman", "Наталья Козлова объявила забастовку.", kT0);
  PageInput man = Page("man", "Дело Козлова и забастовка.", kT0 + kMinute);
  PageInput plain = Page("plain", "Козлов и забастовка.", kT0 + 2 * kMinute);
  for (PageInput* page : {&woman, &man, &plain}) {
    page->lang = "ru";
    ASSERT_TRUE(store->writer().PutPage(*page).ok());
  }
  ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
  const SearchResult result = SearchResultOf(*store, "забастовка AND NOT Козлов");
  const std::vector<std::string> urls = UrlsOf(result.hits);
  EXPECT_EQ(urls, std::vector<std::string>({"woman"}));
  EXPECT_EQ(result.rejected_unread, 1u) << "plain";
  EXPECT_EQ(result.examined, 2u) << "woman and man";
}

// Posting blocks (4,096 ids each) read as one union per word: over three blocks, with words of
// several keys (strike, strikes), a word absent from the middle block, a run across a block
// boundary and a word in every other document, every query finds exactly what FindAll finds in
// the texts, newest first.
TEST(SearchTest, WordsOfManyKeysAcrossPostingBlocksFindWhatFindAllFinds) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  constexpr uint64_t kDocuments = 2 * kPostingBlockDocs + 700;
  std::vector<std::string> texts(kDocuments + 1);
  std::vector<PageInput> group;
  for (uint64_t id = 1; id <= kDocuments; ++id) {
    std::string text = "Report " + std::to_string(id) + ":";
    if (id % 3 == 0) text += " alpha";
    if (id % 5 == 0) text += " strike";
    if (id % 7 == 0) text += " strikes";
    if (id >= 4000 && id < 4200) text += " gamma";
    if (PostingBlockOf(id) != 1 && id % 11 == 0) text += " delta";
    text += ".";
    texts[id] = text;
    group.push_back(Page("https://a.uk/" + std::to_string(id), text, kT0 + int64_t(id)));
    if (group.size() == 256 || id == kDocuments) {
      auto stored = store->writer().PutPages(group);
      ASSERT_TRUE(stored.ok()) << stored.status().message();
      group.clear();
    }
  }
  ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
  for (const char* q :
       {"strike", "alpha AND strike", "gamma", "delta", "delta AND alpha", "alpha NEAR/1 strike",
        "strike AND NOT alpha", "gamma OR delta", "\"alpha strike\""}) {
    auto matcher = CompileSearchQuery(q);
    ASSERT_TRUE(matcher.ok()) << q;
    std::vector<uint64_t> expected;
    for (uint64_t id = kDocuments; id >= 1; --id) {
      if (!matcher->FindAll(texts[id], "en", "site").empty()) expected.push_back(id);
    }
    SearchQuery every;
    every.limit = 100000;
    every.max_examined = 100000;
    auto result = store->searcher().Search(*matcher, every);
    ASSERT_TRUE(result.ok()) << result.status().message();
    std::vector<uint64_t> found;
    for (const SearchHit& hit : result->hits) found.push_back(hit.doc_id);
    EXPECT_EQ(found, expected) << q;
    EXPECT_FALSE(expected.empty()) << q;
    // One word: the index's candidates are its documents, none more.
    if (std::string_view(q).find(' ') == std::string_view::npos) {
      EXPECT_EQ(result->examined, expected.size()) << q;
    }
  }
}

// Runs `edit` on the store's RocksDB opened directly, with every family.
template <typename F>
void EditRaw(const std::string& db_path, F&& edit) {
  rocksdb::Options options;
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, db_path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, testing::RawFamilyOptions(n));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, db_path, descriptors, &handles, &db).ok());
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
  for (auto* h : handles) by_name[h->GetName()] = h;
  edit(*db, by_name);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

// The format version this kuzet writes, as stored (BE32).
const std::string kVersionNow = {0, 0, 0, static_cast<char>(kFormatVersion)};

// Rewrites every search entry under a key without its word class byte, as formats 4 to 6 wrote
// them: the lists of a word's classes become one list per (word key, block).
void StripClasses(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* search) {
  std::map<std::pair<std::string, uint64_t>, std::vector<PostingList>> lists;
  std::vector<std::string> old_keys;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator({}, search));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view word;
    std::optional<uint8_t> word_class;
    uint64_t block = 0;
    ASSERT_TRUE(ParseSearchBlockKey(it->key().ToStringView(), word, word_class, block));
    ASSERT_TRUE(word_class.has_value()) << word;
    PostingList list;
    ASSERT_TRUE(DecodePostingList(it->value().ToStringView(), block, list));
    lists[{std::string(word), block}].push_back(std::move(list));
    old_keys.push_back(it->key().ToString());
  }
  ASSERT_FALSE(old_keys.empty());
  for (const std::string& key : old_keys) ASSERT_TRUE(db.Delete({}, search, key).ok());
  for (const auto& [word_block, parts] : lists) {
    PostingList merged;
    UnionPostings(parts, merged);
    const auto& [word, block] = word_block;
    ASSERT_TRUE(
        db.Put({}, search, SearchBlockKey(word + '\0', block), EncodePostingList(block, merged))
            .ok());
  }
}

// Whether every search entry's key has a word class byte (format 7).
bool EveryEntryHasAClass(const testing::FamilyDump& dump) {
  for (const auto& [key, value] : dump.at(kSearchFamily)) {
    std::string_view word;
    std::optional<uint8_t> word_class;
    uint64_t block = 0;
    if (!ParseSearchBlockKey(key, word, word_class, block) || !word_class) return false;
  }
  return !dump.at(kSearchFamily).empty();
}

// Rewrites every search entry as a list of ids without positions, as formats 4 and 5 wrote them.
void StripPositions(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* search) {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator({}, search));
  size_t stripped = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view word;
    std::optional<uint8_t> word_class;
    uint64_t block = 0;
    PostingList list;
    ASSERT_TRUE(ParseSearchBlockKey(it->key().ToStringView(), word, word_class, block));
    ASSERT_TRUE(DecodePostingList(it->value().ToStringView(), block, list));
    ASSERT_TRUE(list.has_positions()) << word;
    ASSERT_TRUE(db.Put({}, search, it->key(), EncodePostingList(block, list.doc_ids)).ok());
    ++stripped;
  }
  ASSERT_GT(stripped, 0u);
}

// Whether every search entry of the store has positions (format 6).
bool EveryEntryHasPositions(const testing::FamilyDump& dump) {
  for (const auto& [key, value] : dump.at(kSearchFamily)) {
    if (value.empty() || (static_cast<uint8_t>(value[0]) & kPostingFlagPositions) == 0) {
      return false;
    }
  }
  return !dump.at(kSearchFamily).empty();
}

// A store written before the index (format 2: no search family): read-only, search says what
// to do; the first read-write open builds the index and raises the version.
TEST(SearchTest, FormatTwoStoreIsIndexedByTheNextReadWriteOpen) {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    StoreDocs(*store);
  }
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    ASSERT_TRUE(db.DropColumnFamily(families.at(kSearchFamily)).ok());
    std::string version = {0, 0, 0, 2};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
  });
  {
    auto reader = OpenStore(dir, Store::Mode::kReadOnly);
    ASSERT_NE(reader, nullptr);
    auto matcher = CompileSearchQuery("Zhanaozen");
    ASSERT_TRUE(matcher.ok());
    auto result = reader->searcher().Search(*matcher, {});
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find("no search index yet"), std::string::npos);
  }
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(SearchUrls(*store, "Zhanaozen"),
              std::vector<std::string>({"u9", "u8", "u4", "u3", "u2", "u1"}));
  }
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    std::string version;
    ASSERT_TRUE(
        db.Get({}, families.at(kMetaFamily), std::string(kFormatVersionKey), &version).ok());
    EXPECT_EQ(version, kVersionNow);
  });
}

// A store of format 3 (one empty entry per word key and document): read-only, search says what
// to do; the first read-write open drops those entries, indexes every document in posting
// blocks and raises the version.
TEST(SearchTest, FormatThreeStoreIsReindexedByTheNextReadWriteOpen) {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    StoreDocs(*store);
  }
  // The old layout: word key, 0x00, BE64 of NOT doc id -> empty; for a word no text has.
  std::string old_key = std::string("qqqq") + '\0';
  for (int i = 0; i < 8; ++i) old_key.push_back(static_cast<char>(0xFF));
  old_key.back() = static_cast<char>(0xFE);  // document 1
  EditRaw(dir.db_path(), [&](rocksdb::DB& db, auto& families) {
    ASSERT_TRUE(db.DropColumnFamily(families.at(kSearchFamily)).ok());
    rocksdb::ColumnFamilyHandle* search = nullptr;
    ASSERT_TRUE(db.CreateColumnFamily({}, kSearchFamily, &search).ok());
    ASSERT_TRUE(db.Put({}, search, old_key, "").ok());
    db.DestroyColumnFamilyHandle(search);
    std::string version = {0, 0, 0, 3};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
  });
  {
    auto reader = OpenStore(dir, Store::Mode::kReadOnly);
    ASSERT_NE(reader, nullptr);
    auto matcher = CompileSearchQuery("Zhanaozen");
    ASSERT_TRUE(matcher.ok());
    auto result = reader->searcher().Search(*matcher, {});
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find("no search index yet (format version 3)"),
              std::string::npos)
        << result.status().message();
  }
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(SearchUrls(*store, "Zhanaozen"),
              std::vector<std::string>({"u9", "u8", "u4", "u3", "u2", "u1"}));
    EXPECT_EQ(SearchUrls(*store, "qqqq"), std::vector<std::string>());
  }
  const testing::FamilyDump dump = testing::DumpFamilies(dir.db_path());
  EXPECT_EQ(dump.at(kSearchFamily).count(old_key), 0u);
  const auto postings = testing::SearchPostings(dump);  // fails on any entry not in blocks
  EXPECT_FALSE(postings.empty());
  EXPECT_EQ(dump.at(kMetaFamily).at(std::string(kFormatVersionKey)), kVersionNow);
}

// A store of format 4 (no search_indexed_through: every document indexed in its own batch):
// read-only, it is searched as fully indexed (no document is read for nothing); the first
// read-write open rebuilds the index with positions, records every document as indexed and
// raises the version.
TEST(SearchTest, FormatFourStoreIsSearchedAsIndexedAndRaisedByTheNextReadWriteOpen) {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    StoreDocs(*store);
  }  // closing writes the buffered postings
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    ASSERT_TRUE(
        db.Delete({}, families.at(kMetaFamily), std::string(kSearchIndexedThroughKey)).ok());
    StripClasses(db, families.at(kSearchFamily));
    StripPositions(db, families.at(kSearchFamily));
    std::string version = {0, 0, 0, 4};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
  });
  {
    auto reader = OpenStore(dir, Store::Mode::kReadOnly);
    ASSERT_NE(reader, nullptr);
    auto matcher = CompileSearchQuery("Zhanaozen");
    ASSERT_TRUE(matcher.ok());
    auto result = reader->searcher().Search(*matcher, {});
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->examined, 6u);  // the index narrows: no tail of unindexed documents
  }
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(SearchUrls(*store, "Zhanaozen"),
              std::vector<std::string>({"u9", "u8", "u4", "u3", "u2", "u1"}));
  }
  const testing::FamilyDump dump = testing::DumpFamilies(dir.db_path());
  EXPECT_EQ(dump.at(kMetaFamily).at(std::string(kFormatVersionKey)), kVersionNow);
  EXPECT_EQ(DecodeFixed64BE(dump.at(kMetaFamily).at(std::string(kSearchIndexedThroughKey))), 10u);
  EXPECT_TRUE(EveryEntryHasPositions(dump));
}

// A store of format 5 (lists without word positions): read-only, it is searched with every
// position unknown (a phrase reads every document holding its words, and finds the same); the
// first read-write open rebuilds the index with positions and raises the version.
TEST(SearchTest, FormatFiveStoreIsSearchedWithoutPositionsAndReindexedByTheNextReadWriteOpen) {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    StoreDocs(*store);
  }
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    StripClasses(db, families.at(kSearchFamily));
    StripPositions(db, families.at(kSearchFamily));
    std::string version = {0, 0, 0, 5};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
  });
  {
    auto reader = OpenStore(dir, Store::Mode::kReadOnly);
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(SearchUrls(*reader, "Zhanaozen"),
              std::vector<std::string>({"u9", "u8", "u4", "u3", "u2", "u1"}));
    EXPECT_EQ(SearchUrls(*reader, "\"trade union\""), std::vector<std::string>({"u6"}));
  }
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(SearchUrls(*store, "Zhanaozen"),
              std::vector<std::string>({"u9", "u8", "u4", "u3", "u2", "u1"}));
    EXPECT_EQ(SearchUrls(*store, "\"trade union\""), std::vector<std::string>({"u6"}));
  }
  const testing::FamilyDump dump = testing::DumpFamilies(dir.db_path());
  EXPECT_EQ(dump.at(kMetaFamily).at(std::string(kFormatVersionKey)), kVersionNow);
  EXPECT_TRUE(EveryEntryHasPositions(dump));
}

// A store of format 6 (keys without word classes): read-only, every key reads as a word of any
// class, so the English "strange" is a candidate for стран (as "stran" + the Kazakh dative -ge
// would be on a Kazakh page), read and rejected; the first read-write open rebuilds the index with
// word classes (format 7), and then the English page is no candidate.
TEST(SearchTest, FormatSixStoreIsSearchedWithoutClassesAndReindexedByTheNextReadWriteOpen) {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    PageInput english = Page("https://a.uk/1", "A strange story, told by a stranger.", kT0);
    PageInput russian = Page("https://a.ru/2", "Страна узнала о забастовке.", kT0 + kMinute);
    russian.lang = "ru";
    PageInput kazakh = Page("https://a.kz/3", "Strange Qazaqstan.", kT0 + 2 * kMinute);
    kazakh.lang = "kk";
    for (const PageInput& page : {english, russian, kazakh}) {
      ASSERT_TRUE(store->writer().PutPage(page).ok());
    }
    ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
    const SearchResult now = SearchResultOf(*store, "стран");
    // The Kazakh page's "Strange" may be стран + -ge: a candidate, which FindAll decides.
    EXPECT_EQ(now.examined, 2u);
  }
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    StripClasses(db, families.at(kSearchFamily));
    std::string version = {0, 0, 0, 6};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
  });
  std::vector<std::string> found;
  {
    auto reader = OpenStore(dir, Store::Mode::kReadOnly);
    ASSERT_NE(reader, nullptr);
    const SearchResult old = SearchResultOf(*reader, "стран");
    EXPECT_EQ(old.examined, 3u) << "without classes the English page is a candidate";
    found = UrlsOf(old.hits);
    EXPECT_EQ(SearchUrls(*reader, "Zhanaozen"), std::vector<std::string>());
  }
  ASSERT_FALSE(found.empty());
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    const SearchResult rebuilt = SearchResultOf(*store, "стран");
    EXPECT_EQ(rebuilt.examined, 2u);
    const std::vector<std::string> urls = UrlsOf(rebuilt.hits);
    EXPECT_EQ(urls, found);
  }
  const testing::FamilyDump dump = testing::DumpFamilies(dir.db_path());
  EXPECT_EQ(dump.at(kMetaFamily).at(std::string(kFormatVersionKey)), kVersionNow);
  EXPECT_TRUE(EveryEntryHasAClass(dump));
  EXPECT_TRUE(EveryEntryHasPositions(dump));
}

// A rebuild cut short (here by a malformed document record, which stops it after the old
// entries were dropped and before any new one was written) leaves a format 5 store that a
// read-only search still answers whole: the drop also reset search_indexed_through, so every
// document is verified instead of trusting the half-built index.
TEST(SearchTest, RebuildCutShortLeavesEveryDocumentACandidate) {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    StoreDocs(*store);
  }
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    StripClasses(db, families.at(kSearchFamily));
    StripPositions(db, families.at(kSearchFamily));
    std::string version = {0, 0, 0, 5};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
    ASSERT_TRUE(db.Put({}, families.at(kDocsFamily), IdKey(11), "not a document").ok());
  });
  {
    auto store = Store::Open(dir.path(), Store::Mode::kReadWrite);
    ASSERT_FALSE(store.ok()) << "the rebuild should stop at the malformed record";
  }
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    ASSERT_TRUE(db.Delete({}, families.at(kDocsFamily), IdKey(11)).ok());
  });
  {
    auto reader = OpenStore(dir, Store::Mode::kReadOnly);
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(SearchUrls(*reader, "Zhanaozen"),
              std::vector<std::string>({"u9", "u8", "u4", "u3", "u2", "u1"}));
  }
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(SearchUrls(*store, "Zhanaozen"),
              std::vector<std::string>({"u9", "u8", "u4", "u3", "u2", "u1"}));
  }
  const testing::FamilyDump dump = testing::DumpFamilies(dir.db_path());
  EXPECT_EQ(dump.at(kMetaFamily).at(std::string(kFormatVersionKey)), kVersionNow);
  EXPECT_TRUE(EveryEntryHasPositions(dump));
}

// The search entries a group writes (read back from the log into a memtable): one per word key
// and posting block, however many of the group's documents hold the word -- not one per word and
// document, which made the index's memtable inserts half of a crawl's CPU (issue #17).
TEST(SearchTest, GroupWritesOneEntryPerWordKeyAndBlock) {
  TempDir dir;
  std::set<std::string> distinct_keys;
  size_t keys_per_document = 0;
  constexpr int kPages = 16;
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    std::vector<PageInput> pages;
    for (int i = 0; i < kPages; ++i) {
      pages.push_back(Page("https://a.kz/" + std::to_string(i),
                           testing::kStrikeArticle + " Reader " + std::to_string(i) + ".",
                           kT0 + i * kMinute));
      auto keys = store->searcher().KeysOf(pages.back().text, pages.back().lang);
      ASSERT_TRUE(keys.ok());
      keys_per_document += keys->keys.size();
      distinct_keys.insert(keys->keys.begin(), keys->keys.end());
    }
    auto stored = store->writer().PutPages(pages);
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    for (const PutPageResult& r : *stored) {
      ASSERT_TRUE(r.new_document);
      ASSERT_EQ(PostingBlockOf(r.doc_id), 0u);  // one block: ids 1..16
    }
  }
  ASSERT_GT(keys_per_document, 2 * distinct_keys.size());  // the pages share most words
  uint64_t entries = 0;
  EditRaw(dir.db_path(), [&](rocksdb::DB& db, auto& families) {
    rocksdb::ColumnFamilyHandle* search = families.at(kSearchFamily);
    for (const char* property :
         {"rocksdb.num-entries-active-mem-table", "rocksdb.num-entries-imm-mem-tables"}) {
      uint64_t n = 0;
      ASSERT_TRUE(db.GetIntProperty(search, property, &n));
      entries += n;
    }
    std::vector<rocksdb::LiveFileMetaData> files;
    db.GetLiveFilesMetaData(&files);
    for (const auto& file : files) {
      if (file.column_family_name == kSearchFamily) entries += file.num_entries;
    }
  });
  EXPECT_EQ(entries, distinct_keys.size()) << keys_per_document << " word keys in the documents";
  // And every (word key, document) is in the index.
  const auto postings = testing::SearchPostings(testing::DumpFamilies(dir.db_path()));
  EXPECT_EQ(postings.size(), keys_per_document);
}

// Groups of one page (what a crawl mostly commits) no longer write one Merge per word key and
// page: the writer keeps the postings across groups and writes one per word key and block
// (issue #17). On the old code the entries were one per word key of each page.
TEST(SearchTest, GroupsOfOnePageWriteOneEntryPerWordKeyAndBlock) {
  TempDir dir;
  std::set<std::string> distinct_keys;
  size_t keys_per_document = 0;
  constexpr int kPages = 64;
  static_assert(kPages < PageWriter::kSearchBufferDocuments);
  {
    auto store = OpenStore(dir);
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < kPages; ++i) {
      PageInput page =
          Page("https://a.kz/" + std::to_string(i),
               testing::kStrikeArticle + " Reader " + std::to_string(i) + ".", kT0 + i * kMinute);
      auto keys = store->searcher().KeysOf(page.text, page.lang);
      ASSERT_TRUE(keys.ok());
      keys_per_document += keys->keys.size();
      distinct_keys.insert(keys->keys.begin(), keys->keys.end());
      auto stored = store->writer().PutPage(page);
      ASSERT_TRUE(stored.ok()) << stored.status().message();
      ASSERT_TRUE(stored->new_document);
    }
    ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
  }
  ASSERT_GT(keys_per_document, 2 * distinct_keys.size());  // the pages share most words
  uint64_t entries = 0;
  EditRaw(dir.db_path(), [&](rocksdb::DB& db, auto& families) {
    rocksdb::ColumnFamilyHandle* search = families.at(kSearchFamily);
    for (const char* property :
         {"rocksdb.num-entries-active-mem-table", "rocksdb.num-entries-imm-mem-tables"}) {
      uint64_t n = 0;
      ASSERT_TRUE(db.GetIntProperty(search, property, &n));
      entries += n;
    }
    std::vector<rocksdb::LiveFileMetaData> files;
    db.GetLiveFilesMetaData(&files);
    for (const auto& file : files) {
      if (file.column_family_name == kSearchFamily) entries += file.num_entries;
    }
  });
  EXPECT_EQ(entries, distinct_keys.size()) << keys_per_document << " word keys in the documents";
  const auto postings = testing::SearchPostings(testing::DumpFamilies(dir.db_path()));
  EXPECT_EQ(postings.size(), keys_per_document);
}

// ---- search == crawl-time matching, on real articles ---------------------------------------

struct Article {
  std::string id, text, lang;
};

std::vector<Article> LoadArticles() {
  std::vector<Article> articles;
  for (const auto& [folder, lang] :
       {std::pair{"aeb-dev", "en"}, std::pair{"daniel-ru-dev", "ru"}}) {
    for (const kuzet::testing::GroundTruthArticle& article : kuzet::testing::GroundTruth(folder)) {
      articles.push_back({std::string(folder) + "/" + article.id, article.body, lang});
    }
  }
  return articles;
}

// Queries of every kind the rule language has, over words these articles use.
const char* const kQueries[] = {
    "Russia",
    "Россия",
    "Moscow OR Москва",
    "Путин",
    "=Путин",
    "president AND government",
    "\"prime minister\"",
    "\"Министерство обороны\"",
    "police OR полиция OR милиция",
    "Путин NEAR/5 заявил",
    "econom*",
    "/strik(e|ing)\\b/",
    "Россия AND NOT Украина",
    "(война OR war) AND (Украина OR Ukraine)",
    "суд",
    "year",
    "people AND NOT year",
    "Kazakhstan OR Казахстан",
    "компания NEAR/10 рублей",
    "Trump|Obama",
    "people AND NOT the",
    "Путин AND NOT заявил",
};

TEST(SearchTest, SearchEqualsCrawlTimeMatchingOnRealArticles) {
  const std::vector<Article> articles = LoadArticles();
  if (articles.empty()) GTEST_SKIP() << "no shared corpus at " << KUZET_SHARED_DIR;

  // The crawl: every query is a rule; each page is stored with the mentions FindAll gives it.
  // Each query's matches per document, as its own rule "search" finds them (the hits' terms,
  // surfaces, offsets and snippets a search must give).
  std::vector<std::map<uint64_t, std::vector<keywords::Match>>> expected(std::size(kQueries));
  std::vector<keywords::Matcher> alone;
  for (const char* q : kQueries) {
    auto matcher = CompileSearchQuery(q);
    ASSERT_TRUE(matcher.ok()) << q;
    alone.push_back(std::move(matcher).value());
  }
  std::vector<keywords::RuleSpec> rules;
  for (size_t i = 0; i < std::size(kQueries); ++i) {
    keywords::RuleSpec rule;
    rule.id = "q" + std::to_string(i);
    rule.query = kQueries[i];
    rules.push_back(rule);
  }
  auto crawl_matcher = keywords::Matcher::Compile(rules);
  ASSERT_TRUE(crawl_matcher.ok()) << crawl_matcher.status().message();
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  int64_t t = kT0;
  for (const Article& a : articles) {
    PageInput page = Page("https://corpus/" + a.id, a.text, t += kMinute);
    page.lang = a.lang;
    std::map<std::string, MentionInput> by_rule;
    for (const keywords::Match& m : crawl_matcher->FindAll(a.text, a.lang, page.site_id)) {
      MentionInput& mention = by_rule[m.rule_id];
      mention.rule_id = m.rule_id;
      mention.hits.push_back(
          {m.term, m.surface, static_cast<uint32_t>(m.begin), static_cast<uint32_t>(m.end)});
    }
    for (auto& [id, mention] : by_rule) page.mentions.push_back(std::move(mention));
    auto stored = store->writer().PutPage(page);
    ASSERT_TRUE(stored.ok());
    for (size_t i = 0; i < std::size(kQueries); ++i) {
      std::vector<keywords::Match> matches = alone[i].FindAll(a.text, a.lang, page.site_id);
      if (!matches.empty()) expected[i][stored->doc_id] = std::move(matches);
    }
  }

  // The search: each query alone, against the documents its rule mentioned; first with every
  // posting still in the writer's buffer, then written.
  ASSERT_LT(articles.size(), PageWriter::kSearchBufferDocuments);
  size_t examined[2] = {0, 0}, at_positions[2] = {0, 0}, rejected_unread[2] = {0, 0};
  for (int written = 0; written < 2; ++written) {
    if (written == 1) {
      ASSERT_TRUE(store->writer().FlushSearchIndex().ok());
    }
    size_t total = 0, nonempty = 0;
    for (size_t i = 0; i < std::size(kQueries); ++i) {
      MentionQuery mq;
      mq.rule_id = rules[i].id;
      mq.limit = 100000;
      auto mentions = store->reader().Mentions(mq);
      ASSERT_TRUE(mentions.ok());
      std::set<uint64_t> crawled;
      for (const Mention& m : *mentions) crawled.insert(m.doc_id);

      auto matcher = CompileSearchQuery(kQueries[i]);
      ASSERT_TRUE(matcher.ok()) << kQueries[i];
      SearchQuery q;
      q.limit = 100000;
      q.max_examined = 100000;
      auto result = store->searcher().Search(*matcher, q);
      ASSERT_TRUE(result.ok()) << result.status().message();
      std::set<uint64_t> searched;
      for (const SearchHit& hit : result->hits) searched.insert(hit.doc_id);
      EXPECT_EQ(searched, crawled) << kQueries[i] << (written ? "" : " (postings buffered)");
      examined[written] += result->examined;
      at_positions[written] += result->verified_at_positions;
      rejected_unread[written] += result->rejected_unread;
      // Every hit's matches are FindAll's, whichever way it was verified.
      for (const SearchHit& hit : result->hits) {
        auto want = expected[i].find(hit.doc_id);
        ASSERT_NE(want, expected[i].end()) << kQueries[i] << ": document " << hit.doc_id;
        ASSERT_EQ(hit.matches.size(), want->second.size()) << kQueries[i] << ": " << hit.doc_id;
        for (size_t m = 0; m < hit.matches.size(); ++m) {
          const keywords::Match &got = hit.matches[m], &wanted = want->second[m];
          EXPECT_EQ(std::tie(got.term, got.surface, got.begin, got.end, got.snippet,
                             got.snippet_begin, got.snippet_end),
                    std::tie(wanted.term, wanted.surface, wanted.begin, wanted.end, wanted.snippet,
                             wanted.snippet_begin, wanted.snippet_end))
              << kQueries[i] << ": document " << hit.doc_id << ", match " << m;
        }
      }
      EXPECT_TRUE(std::is_sorted(
          result->hits.begin(), result->hits.end(),
          [](const SearchHit& a, const SearchHit& b) { return a.doc_id > b.doc_id; }));
      total += crawled.size();
      nonempty += crawled.empty() ? 0 : 1;
    }
    std::cout << total << " (document, query) matches of " << std::size(kQueries)
              << " queries over " << articles.size() << " articles\n";
    // Not a vacuous comparison: most queries match something in these articles.
    EXPECT_GE(nonempty, std::size(kQueries) - 4);
    EXPECT_GE(total, 100u);
  }
  // Buffered, every document was a candidate, verified on its whole text; written, the index
  // narrows, and gives most candidates' term word tokens (not the regex's or =Путин's).
  EXPECT_LT(examined[1], examined[0]);
  EXPECT_EQ(at_positions[0], 0u);
  EXPECT_GT(at_positions[1], examined[1] / 2);
  // AND NOT: indexed candidates whose lists show the NOT word for sure are not read.
  EXPECT_EQ(rejected_unread[0], 0u);
  EXPECT_GT(rejected_unread[1], 20u);
  std::cout << examined[1] << " documents read, " << at_positions[1]
            << " verified at the term words' positions, " << rejected_unread[1]
            << " rejected unread\n";
}

}  // namespace
}  // namespace kuzet::storage
