// Tests of storage/store.h: what a crawler and an analyst rely on. Pages round-trip; re-crawling
// an unchanged page writes nothing new (checked by dumping every column family); a (document,
// rule) pair is a mention once, ever; an exact duplicate at another URL is recorded as a URL of
// the first document; queries filter, order and limit from the indexes; every new mention has its
// outbox entry.
#include "storage/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "storage/records.h"
#include "storage/simhash.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::DumpFamilies;
using testing::FamilyDump;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;  // 2023-11-14, unix microseconds
constexpr int64_t kHour = 3'600'000'000;

const std::string kStrike =
    "Oil workers in Zhanaozen went on strike in May 2011 over pay and conditions.";
const std::string kStrikeRu = "Нефтяники в Жанаозене объявили забастовку в мае 2011 года.";

std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                 Store::Mode mode = Store::Mode::kReadWrite) {
  auto store = Store::Open(dir, mode);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

PutPageResult PutOrDie(Store& store, const PageInput& page) {
  auto result = store.writer().PutPage(page);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? *result : PutPageResult{};
}

std::vector<Mention> QueryOrDie(const Store& store, const MentionQuery& q) {
  auto result = store.reader().Mentions(q);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? *result : std::vector<Mention>{};
}

TEST(StoreTest, PutPageRoundTripsEveryFieldOfTheDocumentAndItsMentions) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  PageInput page =
      Page("https://example.kz/a", kStrike, kT0,
           {Rule("zhanaozen", kStrike, "Zhanaozen"), Rule("strike", kStrike, "strike")});
  page.mentions[0].hits.push_back(MatchHit{"zhanaozen", "Zhanaozen", 1, 2});
  page.site_id = "tengrinews";
  page.final_url = "https://example.kz/a?utm=x";
  page.title = "Strike";
  page.lang = "en";
  page.charset = "windows-1251";
  page.author = "A. Reporter";
  page.published = "2011-05-26";
  page.canonical_url = "https://example.kz/a";
  page.etag = "\"abc\"";
  page.last_modified = "Thu, 26 May 2011 10:00:00 GMT";

  PutPageResult put = PutOrDie(*store, page);
  EXPECT_TRUE(put.new_document);
  EXPECT_FALSE(put.unchanged);
  EXPECT_FALSE(put.duplicate);
  EXPECT_EQ(put.new_mentions, 2);
  ASSERT_NE(put.doc_id, 0u);

  auto doc = store->reader().GetDocument(put.doc_id);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  ASSERT_TRUE(doc->has_value());
  const Document& d = **doc;
  EXPECT_EQ(d.id, put.doc_id);
  EXPECT_EQ(d.site_id, "tengrinews");
  EXPECT_EQ(d.url, page.url);
  EXPECT_EQ(d.final_url, page.final_url);
  EXPECT_EQ(d.title, "Strike");
  EXPECT_EQ(d.text, kStrike);
  EXPECT_EQ(d.lang, "en");
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_EQ(d.author, "A. Reporter");
  EXPECT_EQ(d.published, "2011-05-26");
  EXPECT_EQ(d.canonical_url, page.canonical_url);
  EXPECT_EQ(d.fetched_at_us, kT0);
  EXPECT_EQ(d.first_seen_us, kT0);
  EXPECT_EQ(d.http_status, 200);
  EXPECT_EQ(d.etag, page.etag);
  EXPECT_EQ(d.last_modified, page.last_modified);
  EXPECT_EQ(d.content_hash.size(), 64u);
  EXPECT_TRUE(d.duplicate_urls.empty());
  ASSERT_EQ(d.mentions.size(), 2u);  // ordered by rule id
  EXPECT_EQ(d.mentions[0].rule_id, "strike");
  const Mention& m = d.mentions[1];
  EXPECT_EQ(m.rule_id, "zhanaozen");
  EXPECT_EQ(m.doc_id, put.doc_id);
  EXPECT_EQ(m.site_id, "tengrinews");
  EXPECT_EQ(m.url, page.url);
  EXPECT_EQ(m.title, "Strike");
  EXPECT_EQ(m.lang, "en");
  EXPECT_EQ(m.snippet, kStrike);
  EXPECT_EQ(m.snippet.substr(m.snippet_mark_begin, m.snippet_mark_end - m.snippet_mark_begin),
            "Zhanaozen");
  EXPECT_EQ(m.found_at_us, kT0);
  ASSERT_EQ(m.hits.size(), 2u);
  EXPECT_EQ(m.hits[0].term, "Zhanaozen");
  EXPECT_EQ(m.hits[1].term, "zhanaozen");
  EXPECT_EQ(m.hits[1].begin, 1u);
  EXPECT_EQ(m.hits[1].end, 2u);

  auto url = store->reader().GetUrl(page.url);
  ASSERT_TRUE(url.ok() && url->has_value());
  EXPECT_EQ((*url)->doc_id, put.doc_id);
  EXPECT_EQ((*url)->last_fetch_us, kT0);
  EXPECT_EQ((*url)->http_status, 200);
  EXPECT_EQ((*url)->etag, page.etag);
  EXPECT_EQ((*url)->last_modified, page.last_modified);
  EXPECT_EQ((*url)->content_hash, d.content_hash);

  auto missing = store->reader().GetDocument(put.doc_id + 1);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto unknown_url = store->reader().GetUrl("https://example.kz/never");
  ASSERT_TRUE(unknown_url.ok());
  EXPECT_FALSE(unknown_url->has_value());
}

TEST(StoreTest, UnchangedPageStoresNothingButItsFetchState) {
  TempDir dir;
  const std::string url = "https://example.kz/a";
  FamilyDump before;
  {
    auto store = OpenOrDie(dir.path());
    PutOrDie(*store, Page(url, kStrike, kT0, {Rule("zhanaozen", kStrike, "Zhanaozen")}));
  }
  before = DumpFamilies(dir.db_path());
  ASSERT_EQ(before["mentions"].size(), 1u);
  {
    auto store = OpenOrDie(dir.path());
    // Case and whitespace differences are template noise, not a new text.
    std::string noisy =
        "  OIL workers in   Zhanaozen\twent on strike in May 2011 over pay and "
        "conditions.\n";
    for (const std::string& text : {kStrike, noisy}) {
      PageInput again = Page(url, text, kT0 + kHour,
                             {Rule("zhanaozen", text, "Zhanaozen"), Rule("may", text, "May")});
      again.etag = "\"v2\"";
      PutPageResult put = PutOrDie(*store, again);
      EXPECT_TRUE(put.unchanged) << text;
      EXPECT_FALSE(put.new_document);
      EXPECT_EQ(put.new_mentions, 0);
    }
    auto state = store->reader().GetUrl(url);
    ASSERT_TRUE(state.ok() && state->has_value());
    EXPECT_EQ((*state)->last_fetch_us, kT0 + kHour);
    EXPECT_EQ((*state)->etag, "\"v2\"");
  }
  FamilyDump after = DumpFamilies(dir.db_path());
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [family, entries] : before) {
    if (family == "urls") {
      ASSERT_EQ(after[family].size(), entries.size());
      continue;
    }
    EXPECT_EQ(after[family], entries) << "column family " << family << " changed";
  }
}

TEST(StoreTest, ChangedPageUpdatesTheDocumentAndMentionsEachRuleOnlyOnce) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  const std::string url = "https://example.kz/a";
  PutPageResult first =
      PutOrDie(*store, Page(url, kStrike, kT0, {Rule("zhanaozen", kStrike, "Zhanaozen")}));
  ASSERT_EQ(first.new_mentions, 1);

  const std::string edited = kStrike + " Police opened fire in December.";
  PutPageResult second = PutOrDie(
      *store, Page(url, edited, kT0 + kHour,
                   {Rule("zhanaozen", edited, "Zhanaozen"), Rule("police", edited, "Police"),
                    Rule("police", edited, "fire")}));  // a rule listed twice is one mention
  EXPECT_FALSE(second.unchanged);
  EXPECT_FALSE(second.new_document);
  EXPECT_EQ(second.doc_id, first.doc_id);
  EXPECT_EQ(second.new_mentions, 1);

  // Reverting to the first text: the same document again, and no rule is new.
  PutPageResult third = PutOrDie(
      *store, Page(url, kStrike, kT0 + 2 * kHour,
                   {Rule("zhanaozen", kStrike, "Zhanaozen"), Rule("police", kStrike, "strike")}));
  EXPECT_EQ(third.doc_id, first.doc_id);
  EXPECT_FALSE(third.new_document);
  EXPECT_FALSE(third.duplicate);
  EXPECT_EQ(third.new_mentions, 0);

  auto doc = store->reader().GetDocument(first.doc_id);
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->text, kStrike);
  EXPECT_EQ((*doc)->fetched_at_us, kT0 + 2 * kHour);
  EXPECT_EQ((*doc)->first_seen_us, kT0);
  ASSERT_EQ((*doc)->mentions.size(), 2u);
  EXPECT_EQ((*doc)->mentions[0].rule_id, "police");
  EXPECT_EQ((*doc)->mentions[0].found_at_us, kT0 + kHour);
  EXPECT_EQ((*doc)->mentions[1].rule_id, "zhanaozen");
  EXPECT_EQ((*doc)->mentions[1].found_at_us, kT0);
  EXPECT_EQ(QueryOrDie(*store, {}).size(), 2u);
}

TEST(StoreTest, ExactDuplicateAtAnotherUrlBecomesAUrlOfTheFirstDocument) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  PutPageResult original = PutOrDie(
      *store, Page("https://a.kz/1", kStrike, kT0, {Rule("zhanaozen", kStrike, "Zhanaozen")}));
  std::string reprint =
      "OIL WORKERS IN ZHANAOZEN WENT ON STRIKE IN MAY 2011 OVER PAY AND "
      "CONDITIONS.";
  PageInput copy =
      Page("https://b.kz/reprint", reprint, kT0 + kHour, {Rule("zhanaozen", reprint, "ZHANAOZEN")});
  copy.site_id = "other";
  for (int round = 0; round < 2; ++round) {  // the second time it is simply unchanged
    PutPageResult dup = PutOrDie(*store, copy);
    EXPECT_EQ(dup.doc_id, original.doc_id);
    EXPECT_FALSE(dup.new_document);
    EXPECT_EQ(dup.new_mentions, 0);
    EXPECT_EQ(dup.duplicate, round == 0);
    EXPECT_EQ(dup.unchanged, round == 1);
  }
  auto doc = store->reader().GetDocument(original.doc_id);
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->url, "https://a.kz/1");
  EXPECT_EQ((*doc)->text, kStrike);  // the duplicate never overwrites the original
  EXPECT_EQ((*doc)->duplicate_urls, std::vector<std::string>{"https://b.kz/reprint"});
  EXPECT_EQ((*doc)->duplicate_site_ids, std::vector<std::string>{"other"});
  ASSERT_EQ((*doc)->mentions.size(), 1u);
  auto state = store->reader().GetUrl("https://b.kz/reprint");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->doc_id, original.doc_id);
  EXPECT_EQ(QueryOrDie(*store, {}).size(), 1u);

  // The reprint's page later changes: it becomes a document of its own, the original is intact.
  const std::string own = reprint + " Updated with local reactions.";
  PutPageResult split = PutOrDie(*store, Page("https://b.kz/reprint", own, kT0 + 2 * kHour,
                                              {Rule("zhanaozen", own, "ZHANAOZEN")}));
  EXPECT_TRUE(split.new_document);
  EXPECT_NE(split.doc_id, original.doc_id);
  EXPECT_EQ(split.new_mentions, 1);
  auto original_again = store->reader().GetDocument(original.doc_id);
  ASSERT_TRUE(original_again.ok() && original_again->has_value());
  EXPECT_EQ((*original_again)->text, kStrike);
}

const std::string kLongStrike =
    "Oil workers in Zhanaozen went on strike in May 2011, demanding higher pay, safer conditions "
    "and the right to form an independent union. The strike lasted seven months until police "
    "opened fire on the sixteenth of December, killing at least fourteen people in the central "
    "square of the town. Dozens were wounded and many strikers were later put on trial.";
const std::string kLongOther =
    "The regional court in Aktau heard the appeal of the union lawyer on Tuesday. Her defence "
    "argued that the prosecution had relied on testimony obtained under pressure, and asked the "
    "judges to release her pending a new investigation. The hearing was adjourned until next "
    "month after the prosecutor requested more time to study the documents.";

TEST(StoreTest, NearDuplicateTextsJoinTheStoryOfTheFirstDocument) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  const std::string reprint = "Updated: " + kLongStrike;
  ASSERT_LE(HammingDistance(*TextSimHash(kLongStrike), *TextSimHash(reprint)),
            kMaxNearDuplicateDistance)
      << "the test's near-duplicate is not near enough";

  PutPageResult first = PutOrDie(*store, Page("https://a.kz/1", kLongStrike, kT0,
                                              {Rule("zhanaozen", kLongStrike, "Zhanaozen")}));
  EXPECT_EQ(first.story_id, first.doc_id);
  PutPageResult near = PutOrDie(*store, Page("https://b.kz/1", reprint, kT0 + kHour,
                                             {Rule("zhanaozen", reprint, "Zhanaozen")}));
  EXPECT_TRUE(near.new_document) << "a near-duplicate is a document of its own";
  EXPECT_EQ(near.new_mentions, 1);
  EXPECT_EQ(near.story_id, first.doc_id);
  PutPageResult other = PutOrDie(*store, Page("https://a.kz/2", kLongOther, kT0 + kHour));
  EXPECT_EQ(other.story_id, other.doc_id);
  PutPageResult short_text = PutOrDie(*store, Page("https://a.kz/3", kStrike, kT0 + kHour));
  EXPECT_EQ(short_text.story_id, short_text.doc_id) << "too short to join a story";

  auto members = store->reader().StoryDocuments(first.doc_id);
  ASSERT_TRUE(members.ok()) << members.status().message();
  EXPECT_EQ(*members, (std::vector<uint64_t>{first.doc_id, near.doc_id}));
  EXPECT_EQ(*store->reader().StoryDocuments(other.doc_id), std::vector<uint64_t>{other.doc_id});
  EXPECT_TRUE(store->reader().StoryDocuments(999)->empty());
  auto doc = store->reader().GetDocument(near.doc_id);
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->story_id, first.doc_id);

  // The first document is rewritten into another text: it stays in its story, and its SimHash
  // table entries are replaced, not added to.
  PutPageResult rewritten =
      PutOrDie(*store, Page("https://a.kz/1", kLongOther + " Updated.", kT0 + 2 * kHour));
  EXPECT_EQ(rewritten.story_id, first.doc_id);
  PutPageResult exact = PutOrDie(*store, Page("https://d.kz/copy", reprint, kT0 + 3 * kHour));
  EXPECT_TRUE(exact.duplicate);
  EXPECT_EQ(exact.story_id, first.doc_id) << "an exact copy is in the story of its document";
  PutPageResult again = PutOrDie(*store, Page("https://b.kz/1", reprint, kT0 + 3 * kHour));
  EXPECT_TRUE(again.unchanged);
  EXPECT_EQ(again.story_id, first.doc_id);
  store.reset();
  FamilyDump dump = DumpFamilies(dir.db_path());
  size_t table_entries = 0;
  for (const auto& [key, value] : dump["simhash"]) {
    std::vector<SimHashEntry> entries;
    ASSERT_TRUE(DecodeSimHashBucket(value, entries));
    table_entries += entries.size();
  }
  EXPECT_EQ(table_entries, 3u * kSimHashBlocks) << "three documents have a SimHash";
}

// Six mentions over three hours, two sites, two languages, two rules.
class MentionQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    struct Row {
      const char* url;
      const char* site;
      const char* lang;
      int64_t at;
      std::vector<const char*> rules;
    };
    const Row rows[] = {
        {"https://a.kz/1", "a", "en", kT0, {"zhanaozen"}},
        {"https://b.ru/1", "b", "ru", kT0 + kHour, {"zhanaozen", "strike"}},
        {"https://a.kz/2", "a", "ru", kT0 + 2 * kHour, {"strike"}},
        {"https://b.ru/2", "b", "en", kT0 + 3 * kHour, {"zhanaozen", "strike"}},
    };
    int n = 0;
    for (const Row& row : rows) {
      std::string text = kStrikeRu + " #" + std::to_string(n++);
      std::vector<MentionInput> mentions;
      for (const char* rule : row.rules) mentions.push_back(Rule(rule, text, "Жанаозене"));
      PageInput page = Page(row.url, text, row.at, mentions);
      page.site_id = row.site;
      page.lang = row.lang;
      ASSERT_EQ(PutOrDie(*store_, page).new_mentions, static_cast<int>(row.rules.size()));
    }
  }

  // "url rule" of each result, in order.
  std::vector<std::string> Ask(const MentionQuery& q) {
    std::vector<std::string> out;
    for (const Mention& m : QueryOrDie(*store_, q)) out.push_back(m.url + " " + m.rule_id);
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(MentionQueryTest, EachFilterOrderAndLimit) {
  struct Case {
    const char* name;
    MentionQuery query;
    std::vector<std::string> expected;
  };
  auto q = [](auto&& fill) {
    MentionQuery query;
    fill(query);
    return query;
  };
  const Case cases[] = {
      {"all, newest first (same time: higher id first)",
       {},
       {"https://b.ru/2 strike", "https://b.ru/2 zhanaozen", "https://a.kz/2 strike",
        "https://b.ru/1 strike", "https://b.ru/1 zhanaozen", "https://a.kz/1 zhanaozen"}},
      {"limit",
       q([](MentionQuery& m) { m.limit = 2; }),
       {"https://b.ru/2 strike", "https://b.ru/2 zhanaozen"}},
      {"limit 0", q([](MentionQuery& m) { m.limit = 0; }), {}},
      {"since is inclusive",
       q([](MentionQuery& m) { m.since_us = kT0 + 2 * kHour; }),
       {"https://b.ru/2 strike", "https://b.ru/2 zhanaozen", "https://a.kz/2 strike"}},
      {"until is exclusive",
       q([](MentionQuery& m) { m.until_us = kT0 + kHour; }),
       {"https://a.kz/1 zhanaozen"}},
      {"since and until",
       q([](MentionQuery& m) {
         m.since_us = kT0 + kHour;
         m.until_us = kT0 + 3 * kHour;
       }),
       {"https://a.kz/2 strike", "https://b.ru/1 strike", "https://b.ru/1 zhanaozen"}},
      {"empty window",
       q([](MentionQuery& m) {
         m.since_us = kT0 + kHour;
         m.until_us = kT0 + kHour;
       }),
       {}},
      {"rule",
       q([](MentionQuery& m) { m.rule_id = "zhanaozen"; }),
       {"https://b.ru/2 zhanaozen", "https://b.ru/1 zhanaozen", "https://a.kz/1 zhanaozen"}},
      {"rule that is a prefix of nothing", q([](MentionQuery& m) { m.rule_id = "zhanao"; }), {}},
      {"rule and window",
       q([](MentionQuery& m) {
         m.rule_id = "strike";
         m.since_us = kT0 + kHour;
         m.until_us = kT0 + 3 * kHour;
       }),
       {"https://a.kz/2 strike", "https://b.ru/1 strike"}},
      {"lang",
       q([](MentionQuery& m) { m.lang = "ru"; }),
       {"https://a.kz/2 strike", "https://b.ru/1 strike", "https://b.ru/1 zhanaozen"}},
      {"site",
       q([](MentionQuery& m) { m.site_id = "a"; }),
       {"https://a.kz/2 strike", "https://a.kz/1 zhanaozen"}},
      {"site, lang, rule and limit together",
       q([](MentionQuery& m) {
         m.site_id = "b";
         m.lang = "en";
         m.rule_id = "zhanaozen";
         m.limit = 1;
       }),
       {"https://b.ru/2 zhanaozen"}},
      {"limit counts matches, not scanned entries",
       q([](MentionQuery& m) {
         m.site_id = "a";
         m.limit = 1;
       }),
       {"https://a.kz/2 strike"}},
      {"site and window",
       q([](MentionQuery& m) {
         m.site_id = "b";
         m.since_us = kT0 + kHour;
         m.until_us = kT0 + 3 * kHour;
       }),
       {"https://b.ru/1 strike", "https://b.ru/1 zhanaozen"}},
      {"site and lang",
       q([](MentionQuery& m) {
         m.site_id = "a";
         m.lang = "en";
       }),
       {"https://a.kz/1 zhanaozen"}},
      {"until before everything", q([](MentionQuery& m) { m.until_us = kT0; }), {}},
      {"since after everything", q([](MentionQuery& m) { m.since_us = kT0 + 3 * kHour + 1; }), {}},
      {"extreme bounds",
       q([](MentionQuery& m) {
         m.since_us = INT64_MIN;
         m.until_us = INT64_MAX;
         m.rule_id = "strike";
       }),
       {"https://b.ru/2 strike", "https://a.kz/2 strike", "https://b.ru/1 strike"}},
      {"unknown site", q([](MentionQuery& m) { m.site_id = "c"; }), {}},
  };
  for (const Case& c : cases) EXPECT_EQ(Ask(c.query), c.expected) << c.name;
}

TEST_F(MentionQueryTest, EveryNewMentionHasAPendingOutboxEntryDueWhenFound) {
  auto outbox = store_->outbox().Pending(100);
  ASSERT_TRUE(outbox.ok()) << outbox.status().message();
  std::vector<Mention> mentions = QueryOrDie(*store_, {});
  ASSERT_EQ(outbox->size(), mentions.size());
  // Oldest due first, one entry per mention, due at the mention's found_at.
  std::reverse(mentions.begin(), mentions.end());
  for (size_t i = 0; i < mentions.size(); ++i) {
    EXPECT_EQ((*outbox)[i].mention_id, mentions[i].id);
    EXPECT_EQ((*outbox)[i].due_us, mentions[i].found_at_us);
    EXPECT_EQ((*outbox)[i].state, OutboxEntry::State::kPending);
    EXPECT_EQ((*outbox)[i].attempts, 0u);
  }
  // A page that adds no mention adds no alert.
  PutOrDie(*store_, Page("https://c.kz/1", "Weather in Aktau is sunny.", kT0 + 4 * kHour));
  EXPECT_EQ(store_->outbox().Pending(100)->size(), mentions.size());
  EXPECT_EQ(store_->outbox().Pending(2)->size(), 2u);
}

// The crawler may call from several threads; two threads storing the same page race for one
// mention, and exactly one wins.
TEST(StoreTest, ConcurrentWritersStoreEachMentionOnceWithUniqueIds) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  constexpr int kPages = 40;
  std::vector<std::thread> threads;
  std::atomic<int> new_mentions = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < kPages; ++n) {
        int page = (n + t * 7) % kPages;  // every thread writes every page, in its own order
        std::string text = kStrike + " Page " + std::to_string(page) + ".";
        auto put =
            store->writer().PutPage(Page("https://a.kz/" + std::to_string(page), text, kT0 + page,
                                         {Rule("zhanaozen", text, "Zhanaozen")}));
        if (put.ok()) new_mentions += put->new_mentions;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(new_mentions.load(), kPages);
  MentionQuery all;
  all.limit = 1000;
  std::vector<Mention> mentions = QueryOrDie(*store, all);
  ASSERT_EQ(mentions.size(), static_cast<size_t>(kPages));
  std::set<uint64_t> ids, docs;
  for (const Mention& m : mentions) ids.insert(m.id), docs.insert(m.doc_id);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kPages));
  EXPECT_EQ(docs.size(), static_cast<size_t>(kPages));
  EXPECT_EQ(store->outbox().Pending(1000)->size(), static_cast<size_t>(kPages));
}

TEST(StoreTest, IdsContinueAfterReopenAndDataPersists) {
  TempDir dir;
  uint64_t first_doc = 0, first_mention = 0;
  {
    auto store = OpenOrDie(dir.path());
    first_doc = PutOrDie(*store, Page("https://a.kz/1", kStrike, kT0,
                                      {Rule("zhanaozen", kStrike, "Zhanaozen")}))
                    .doc_id;
    first_mention = QueryOrDie(*store, {}).at(0).id;
  }
  auto store = OpenOrDie(dir.path());
  PutPageResult second = PutOrDie(
      *store, Page("https://a.kz/2", kStrikeRu, kT0, {Rule("zhanaozen", kStrikeRu, "Жанаозене")}));
  EXPECT_GT(second.doc_id, first_doc);
  std::vector<Mention> all = QueryOrDie(*store, {});
  ASSERT_EQ(all.size(), 2u);
  std::set<uint64_t> ids = {all[0].id, all[1].id};
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_TRUE(ids.count(first_mention));
}

TEST(StoreTest, RecordFetchKeepsTheDocumentAndContentHash) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  PutPageResult put = PutOrDie(*store, Page("https://a.kz/1", kStrike, kT0));
  ASSERT_TRUE(
      store->writer().RecordFetch("https://a.kz/1", 304, kT0 + kHour, "\"e\"", "yesterday").ok());
  ASSERT_TRUE(store->writer().RecordFetch("https://a.kz/front", 200, kT0, "", "").ok());
  auto state = store->reader().GetUrl("https://a.kz/1");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->doc_id, put.doc_id);
  EXPECT_EQ((*state)->http_status, 304);
  EXPECT_EQ((*state)->last_fetch_us, kT0 + kHour);
  EXPECT_EQ((*state)->etag, "\"e\"");
  EXPECT_EQ((*state)->last_modified, "yesterday");
  EXPECT_EQ((*state)->content_hash.size(), 64u);
  auto front = store->reader().GetUrl("https://a.kz/front");
  ASSERT_TRUE(front.ok() && front->has_value());
  EXPECT_EQ((*front)->doc_id, 0u);
  // A URL known only from a fetch gets its document once content comes.
  PutPageResult later = PutOrDie(*store, Page("https://a.kz/front", kStrikeRu, kT0 + kHour));
  EXPECT_TRUE(later.new_document);
}

TEST(StoreTest, InvalidInputIsRefusedWithAMessageNamingTheDataDir) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  auto no_url = store->writer().PutPage(Page("", kStrike, kT0));
  ASSERT_FALSE(no_url.ok());
  EXPECT_EQ(no_url.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(no_url.status().message().find(dir.path()), std::string::npos);
  for (const std::string& bad_rule : {std::string(), std::string("a\0b", 3)}) {
    auto put = store->writer().PutPage(
        Page("https://a.kz/1", kStrike, kT0, {Rule(bad_rule, kStrike, "Oil")}));
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.status().code(), Status::Code::kInvalidArgument);
  }
  EXPECT_FALSE(store->reader().GetUrl("https://a.kz/1")->has_value())
      << "a refused page left a trace";
}

TEST(StoreTest, SecondWriterIsRefusedWhileTheFirstHoldsTheDir) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  auto second = Store::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable) << second.status().message();
  EXPECT_NE(second.status().message().find(dir.path()), std::string::npos);
}

TEST(StoreTest, ReadOnlyOpenOfAMissingStoreSaysSoAndCreatesNothing) {
  TempDir dir;
  auto store = Store::Open(dir.path() + "/nothing", Store::Mode::kReadOnly);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kNotFound);
  EXPECT_NE(store.status().message().find(dir.path() + "/nothing"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/nothing"));
}

}  // namespace
}  // namespace kuzet::storage
