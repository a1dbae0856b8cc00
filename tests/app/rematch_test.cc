// Backfill of new rules (issue #18) through the `kuzet` binary: `kuzet rematch` finds in the
// stored articles exactly what `kuzet match` finds in them (real Russian and Kazakh news texts
// from shared/); a rule added by SIGHUP to a running `kuzet run` is backfilled within
// backfill_window and not beyond, without alerts unless the rule asks; and a daemon killed with
// SIGKILL in the middle of a backfill resumes it after a restart instead of starting over.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/store.h"
#include "tests/app/run_command.h"
#include "tests/crawler/test_server.h"
#include "tests/shared_corpus.h"
#include "tests/shell_quote.h"
#include "tests/wait_until.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The element of `kuzet status --format json` for `rule`'s backfill; null when there is none.
nlohmann::json BackfillElement(const nlohmann::json& listed, const std::string& rule) {
  if (!listed.is_array()) return nullptr;
  for (const nlohmann::json& element : listed) {
    if (element.value("backfill", "") == rule) return element;
  }
  return nullptr;
}

constexpr int64_t kDay = 86'400'000'000;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A front page with nothing to follow: the daemon's one site, so that it runs.
class QuietSite {
 public:
  QuietSite() {
    server_.server().Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<!doctype html><html><body><p>Nothing new.</p></body></html>",
                      "text/html; charset=utf-8");
    });
    server_.Start();
  }
  std::string Url() const { return server_.Url("/"); }

 private:
  crawler::testing::TestServer server_;  // last: stops first, while its handlers' state lives
};

// A temporary data dir with a config beside it.
class Workspace {
 public:
  Workspace() {
    std::string path = (fs::temp_directory_path() / "kuzet-rematch-test-XXXXXX").string();
    dir_ = mkdtemp(path.data());
  }
  ~Workspace() { fs::remove_all(dir_); }
  std::string data_dir() const { return dir_ + "/data"; }
  std::string config() const { return dir_ + "/kuzet.toml"; }
  std::string log() const { return dir_ + "/kuzet.log"; }
  void WriteConfig(const std::string& site_url, const std::string& rules,
                   const std::string& window = "30d", const std::string& more = "") const {
    std::ofstream(config()) << "[settings]\ndata_dir = \"data\"\nbackfill_window = \"" << window
                            << "\"\nallow_private_hosts = [\"127.0.0.1\"]\n\n[[sites]]\nid = "
                               "\"quiet\"\nstart_urls = [\""
                            << site_url << "\"]\ninterval = \"1h\"\n\n"
                            << rules << more;
  }

 private:
  std::string dir_;
};

std::unique_ptr<storage::Store> OpenStore(
    const std::string& data_dir, storage::Store::Mode mode = storage::Store::Mode::kReadWrite) {
  auto store = storage::Store::Open(data_dir, mode);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

storage::PageInput Article(const std::string& site, const std::string& url, const std::string& text,
                           const std::string& lang, int64_t at_us) {
  storage::PageInput page;
  page.site_id = site;
  page.url = url;
  page.final_url = url;
  page.title = text.substr(0, text.find('\n'));
  page.text = text;
  page.lang = lang;
  page.charset = "utf-8";
  page.fetched_at_us = at_us;
  page.http_status = 200;
  return page;
}

// Stores the pages in groups (as the crawl would, one batch per group).
void StorePages(storage::Store& store, const std::vector<storage::PageInput>& pages) {
  for (size_t i = 0; i < pages.size(); i += storage::PageWriter::kMaxPagesPerGroup) {
    size_t n = std::min(storage::PageWriter::kMaxPagesPerGroup, pages.size() - i);
    auto put = store.writer().PutPages({pages.data() + i, n});
    ASSERT_TRUE(put.ok()) << put.status().message();
  }
}

// Every mention of `rule` in the store, by document id.
std::map<uint64_t, storage::Mention> MentionsOf(const storage::Store& store,
                                                const std::string& rule) {
  storage::MentionQuery q;
  q.rule_id = rule;
  q.limit = 1'000'000;
  auto mentions = store.reader().Mentions(q);
  EXPECT_TRUE(mentions.ok()) << mentions.status().message();
  std::map<uint64_t, storage::Mention> by_doc;
  if (!mentions.ok()) return by_doc;
  for (storage::Mention& m : *mentions) {
    EXPECT_TRUE(by_doc.emplace(m.doc_id, m).second) << "two mentions of one document";
  }
  return by_doc;
}

// The (begin, end) of each hit `kuzet match` finds for `rule` in the text.
std::vector<std::pair<uint32_t, uint32_t>> MatchHits(const std::string& config,
                                                     const std::string& rule,
                                                     const storage::Document& doc) {
  auto result = testing::RunKuzet("match --config " + config + " --rule " + rule +
                                  " --format json --lang " + doc.lang + " --site " + doc.site_id +
                                  " --text " + testing::ShellQuoted(doc.text));
  auto json = nlohmann::json::parse(result.out, nullptr, false);
  EXPECT_TRUE(json.is_array()) << result.out;
  std::vector<std::pair<uint32_t, uint32_t>> hits;
  if (!json.is_array()) return hits;
  for (const auto& m : json)
    hits.emplace_back(m["begin"].get<uint32_t>(), m["end"].get<uint32_t>());
  return hits;
}

// Names in the news of the region, written once in Cyrillic: found in any inflection and in
// Latin transliteration.
const char kRegionRule[] = R"([[rules]]
id = "kz"
terms = ["Россия", "Москва", "Украина", "Путин", "Казахстан", "нефть"]
)";

TEST(RematchTest, FindsInTheStoredArticlesWhatMatchFindsInThem) {
  const std::vector<testing::GroundTruthArticle> corpus = testing::GroundTruth("daniel-ru-dev");
  if (corpus.empty()) {
    GTEST_SKIP() << "shared corpus absent: " << testing::SharedCorpusDir("daniel-ru-dev");
  }
  Workspace ws;
  ws.WriteConfig("http://127.0.0.1:1/", kRegionRule);
  const int64_t now = NowUs();
  {
    std::vector<storage::PageInput> pages;
    int i = 0;
    for (const testing::GroundTruthArticle& article : corpus) {
      const std::string& text = article.body;
      if (text.empty()) continue;
      // One article an hour back from now: all within the 90 days asked for.
      pages.push_back(Article("ru-news", "https://news.example/" + article.id, text, "ru",
                              now - (100 - i++) * kDay / 24));
    }
    auto store = OpenStore(ws.data_dir());
    ASSERT_TRUE(store);
    StorePages(*store, pages);
  }
  auto run = testing::RunKuzet("rematch --config " + ws.config() + " --rule kz --since 90d 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("rule kz: "), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("\r"), std::string::npos) << "no progress bar without a terminal";

  auto store = OpenStore(ws.data_dir());
  ASSERT_TRUE(store);
  std::map<uint64_t, storage::Mention> found = MentionsOf(*store, "kz");
  auto range = store->reader().DocumentsSince(0);
  ASSERT_TRUE(range.ok());
  int documents = 0, matched = 0;
  for (uint64_t id = range->first; id < range->end; ++id) {
    auto doc = store->reader().GetDocument(id);
    ASSERT_TRUE(doc.ok() && doc->has_value());
    ++documents;
    std::vector<std::pair<uint32_t, uint32_t>> expected = MatchHits(ws.config(), "kz", **doc);
    auto it = found.find(id);
    if (expected.empty()) {
      EXPECT_EQ(it, found.end()) << "doc " << id << " " << (*doc)->url;
      continue;
    }
    ++matched;
    ASSERT_NE(it, found.end()) << "doc " << id << " " << (*doc)->url << ": match finds "
                               << expected.size() << " hits, rematch none";
    std::vector<std::pair<uint32_t, uint32_t>> stored;
    for (const storage::MatchHit& h : it->second.hits) stored.emplace_back(h.begin, h.end);
    EXPECT_EQ(stored, expected) << (*doc)->url;
    EXPECT_TRUE(it->second.backfilled);
  }
  EXPECT_GE(documents, 90);
  EXPECT_GE(matched, 10) << "the rule should find these names in a good part of the corpus";
  EXPECT_EQ(found.size(), static_cast<size_t>(matched));
  // No alert for backfilled mentions: the rule does not ask for them.
  auto pending = store->outbox().Pending(1000);
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  auto last = store->reader().LastMentionId();
  ASSERT_TRUE(last.ok());

  // Analysts see them flagged.
  auto listed =
      nlohmann::json::parse(testing::RunKuzet("mentions --config " + ws.config() +
                                              " --rule kz --by rule --format json --limit 1000")
                                .out,
                            nullptr, false);
  ASSERT_TRUE(listed.is_array());
  EXPECT_EQ(listed.size(), found.size());
  for (const auto& m : listed) EXPECT_EQ(m.value("backfilled", false), true) << m.dump();
  auto articles = nlohmann::json::parse(testing::RunKuzet("mentions --config " + ws.config() +
                                                          " --rule kz --format json --limit 1000")
                                            .out,
                                        nullptr, false);
  ASSERT_TRUE(articles.is_array());
  EXPECT_EQ(articles.size(), found.size());  // one rule: one mention per article
  for (const auto& a : articles) {
    for (const auto& r : a["rules"]) EXPECT_EQ(r.value("backfilled", false), true) << a.dump();
  }

  // While another process holds the data dir (as the daemon does), rematch says what to do.
  auto refused = testing::RunKuzet("rematch --config " + ws.config() + " --rule kz 2>&1");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("stop the daemon"), std::string::npos) << refused.out;
  store.reset();

  // Twice: nothing more.
  auto again = testing::RunKuzet("rematch --config " + ws.config() + " --rule kz --since 90d");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find(", 0 new mentions"), std::string::npos) << again.out;
  store = OpenStore(ws.data_dir());
  ASSERT_TRUE(store);
  auto last_again = store->reader().LastMentionId();
  ASSERT_TRUE(last_again.ok());
  EXPECT_EQ(*last_again, *last);

  // A rule that is not configured is a usage error naming the configured ones.
  store.reset();
  auto unknown = testing::RunKuzet("rematch --config " + ws.config() + " --rule nope 2>&1");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.out.find("(rules: kz)"), std::string::npos) << unknown.out;
}

// Synthetic articles, one every `step` back from `newest`, the ones with i % every == 0 naming
// Zhanaozen.
std::vector<storage::PageInput> Articles(int count, int64_t newest, int64_t step, int every) {
  std::vector<storage::PageInput> pages;
  for (int i = count - 1; i >= 0; --i) {  // oldest first, as a crawl stores them
    std::string text = "Report " + std::to_string(i) + " from the regional desk. ";
    text += i % every == 0 ? "Oil workers in Zhanaozen met the union on wages."
                           : "The city council discussed the new bus routes.";
    pages.push_back(Article("quiet", "https://desk.example/" + std::to_string(i), text, "en",
                            newest - i * step));
  }
  return pages;
}

void StopDaemon(pid_t pid) {
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  waitpid(pid, &status, 0);
}

TEST(RematchTest, RuleAddedBySighupIsBackfilledWithinTheWindowWithoutAlertsUnlessAsked) {
  QuietSite site;
  Workspace ws;
  const int64_t now = NowUs();
  {
    auto store = OpenStore(ws.data_dir());
    ASSERT_TRUE(store);
    // 60 articles, one a day from now back: 30 within the window (about), every one naming
    // Zhanaozen.
    StorePages(*store, Articles(60, now - kDay / 2, kDay, 1));
  }
  const int port = testing::FreePort();
  ASSERT_GT(port, 0);
  const std::string server =
      "\n[server]\nenabled = true\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\n";
  ws.WriteConfig(site.Url(), "[[rules]]\nid = \"bus\"\nterms = [\"bus\"]\n", "30d", server);
  pid_t pid = testing::StartKuzetRun(ws.config(), ws.log());
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(WaitUntil(
      [&] { return testing::ReadFile(ws.log()).find("kuzet running") != std::string::npos; }, 30s))
      << testing::ReadFile(ws.log());
  // The rules added: one quiet, one asking for alerts.
  ws.WriteConfig(site.Url(),
                 "[[rules]]\nid = \"bus\"\nterms = [\"bus\"]\n\n[[rules]]\nid = \"zh\"\nterms = "
                 "[\"Zhanaozen\"]\n\n[[rules]]\nid = \"zh-alert\"\nterms = [\"Zhanaozen\"]\n"
                 "alert_backfill = true\n",
                 "30d", server);
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  ASSERT_TRUE(WaitUntil(
      [&] {
        std::string log = testing::ReadFile(ws.log());
        return log.find("backfill of rule zh finished") != std::string::npos &&
               log.find("backfill of rule zh-alert finished") != std::string::npos;
      },
      60s))
      << testing::ReadFile(ws.log());
  // /metrics: each rule's last backfill.
  httplib::Client client("127.0.0.1", port);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics) << testing::ReadFile(ws.log());
  for (const char* series : {"kuzet_backfill_running{rule=\"zh\"} 0\n",
                             "kuzet_backfill_mentions_found{rule=\"zh\"} 30\n",
                             "kuzet_backfill_documents{rule=\"zh\",state=\"scanned\"} 30\n",
                             "kuzet_backfill_mentions_found{rule=\"bus\"} 0\n"}) {
    EXPECT_NE(metrics->body.find(series), std::string::npos) << series << metrics->body;
  }
  auto status = testing::RunKuzet("status --config " + ws.config());
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("backfill of rule"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("zh-alert"), std::string::npos) << status.out;
  // The same in JSON: an element per backfill after the sites' (issue #18).
  status = testing::RunKuzet("status --format json --config " + ws.config());
  EXPECT_EQ(status.exit_code, 0);
  const nlohmann::json listed = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_TRUE(listed.is_array()) << status.out;
  const nlohmann::json zh = BackfillElement(listed, "zh");
  ASSERT_TRUE(zh.is_object()) << status.out;
  EXPECT_EQ(zh.at("state"), "done");
  EXPECT_EQ(zh.at("documents_scanned"), zh.at("documents_total"));
  EXPECT_EQ(zh.at("mentions_found"), 30);
  EXPECT_TRUE(zh.at("started").is_string() && zh.at("finished").is_string()) << zh.dump();
  EXPECT_TRUE(BackfillElement(listed, "zh-alert").is_object()) << status.out;
  StopDaemon(pid);

  auto store = OpenStore(ws.data_dir());
  ASSERT_TRUE(store);
  auto window = store->reader().GetRuleBackfill("zh");
  ASSERT_TRUE(window.ok() && window->has_value());
  const int64_t since = (*window)->since_us;
  EXPECT_NEAR(static_cast<double>(since), static_cast<double>(now - 30 * kDay), 60e6);
  for (const std::string rule : {"zh", "zh-alert"}) {
    std::map<uint64_t, storage::Mention> found = MentionsOf(*store, rule);
    int within = 0;
    for (uint64_t id = 1; id <= 60; ++id) {
      auto doc = store->reader().GetDocument(id);
      ASSERT_TRUE(doc.ok() && doc->has_value());
      const bool in_window = (*doc)->first_seen_us >= since;
      within += in_window;
      EXPECT_EQ(found.contains(id), in_window) << rule << " doc " << id;
    }
    EXPECT_EQ(within, 30);
    for (const auto& [id, m] : found) EXPECT_TRUE(m.backfilled);
  }
  // Alerts only for the rule that asked; `bus` (configured at start) found its own mentions too.
  auto pending = store->outbox().Pending(1000);
  ASSERT_TRUE(pending.ok());
  std::map<std::string, int> alerts;
  for (const auto& entry : *pending) {
    auto m = store->reader().GetMention(entry.mention_id);
    ASSERT_TRUE(m.ok() && m->has_value());
    ++alerts[(*m)->rule_id];
  }
  EXPECT_EQ(alerts, (std::map<std::string, int>{{"zh-alert", 30}}));
}

TEST(BackfillKillTest, SigkillMidBackfillResumesWhereItStoppedAfterARestart) {
  QuietSite site;
  Workspace ws;
  constexpr int kArticles = 12000, kEvery = 4;
  {
    auto store = OpenStore(ws.data_dir());
    ASSERT_TRUE(store);
    StorePages(*store, Articles(kArticles, NowUs() - 3'600'000'000, 60'000'000, kEvery));
  }
  ws.WriteConfig(site.Url(), "[[rules]]\nid = \"zh\"\nterms = [\"Zhanaozen\"]\n");
  pid_t pid = testing::StartKuzetRun(ws.config(), ws.log());
  ASSERT_GT(pid, 0);
  // Killed once some batches are stored, before the last. A backfill of short texts runs at tens
  // of thousands of documents a second, faster than a read-only open can look: so the daemon is
  // stopped (SIGSTOP) as soon as its log says the scan began, then let run in steps of 2 ms,
  // looked at only while stopped, until some progress is stored.
  std::optional<storage::RuleBackfill> at_kill;
  auto reader = [&]() -> std::optional<storage::RuleBackfill> {
    auto store = storage::Store::Open(ws.data_dir(), storage::Store::Mode::kReadOnly);
    if (!store.ok()) return std::nullopt;
    auto b = (*store)->reader().GetRuleBackfill("zh");
    return b.ok() ? *b : std::nullopt;
  };
  ASSERT_TRUE(WaitUntil(
      [&] {
        return testing::ReadFile(ws.log()).find("backfill of rule zh: scanning") !=
               std::string::npos;
      },
      60s, 1ms))
      << testing::ReadFile(ws.log());
  ASSERT_EQ(kill(pid, SIGSTOP), 0);
  for (int step = 0; step < 5000; ++step) {
    auto b = reader();
    if (b && b->docs_scanned > 0) break;
    ASSERT_EQ(kill(pid, SIGCONT), 0);
    std::this_thread::sleep_for(2ms);
    ASSERT_EQ(kill(pid, SIGSTOP), 0);
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);
  at_kill = reader();
  ASSERT_TRUE(at_kill) << testing::ReadFile(ws.log());
  ASSERT_GT(at_kill->docs_scanned, 0u);
  ASSERT_FALSE(at_kill->done()) << "killed too late: the backfill had finished";
  // `kuzet status --format json` shows it running, with the progress stored (issue #18).
  {
    const testing::CommandResult status =
        testing::RunKuzet("status --format json --config " + ws.config());
    EXPECT_EQ(status.exit_code, 0) << status.out;
    const nlohmann::json zh =
        BackfillElement(nlohmann::json::parse(status.out, nullptr, false), "zh");
    ASSERT_TRUE(zh.is_object()) << status.out;
    EXPECT_EQ(zh.at("state"), "running");
    EXPECT_EQ(zh.at("documents_scanned"), at_kill->docs_scanned);
    EXPECT_EQ(zh.at("documents_total"), kArticles);
    EXPECT_EQ(zh.at("mentions_found"), at_kill->found);
    EXPECT_TRUE(zh.at("window_since").is_string() && zh.at("started").is_string()) << zh.dump();
    EXPECT_TRUE(zh.at("finished").is_null()) << zh.dump();
  }

  const std::string first_log = testing::ReadFile(ws.log());
  pid = testing::StartKuzetRun(ws.config(), ws.log());
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(WaitUntil(
      [&] {
        return testing::ReadFile(ws.log()).find("backfill of rule zh finished", first_log.size()) !=
               std::string::npos;
      },
      120s))
      << testing::ReadFile(ws.log());
  const std::string second_log = testing::ReadFile(ws.log()).substr(first_log.size());
  // It went on from the stored cursor: no new plan, the documents scanned before the kill kept.
  EXPECT_EQ(second_log.find("(new rule)"), std::string::npos) << second_log;
  EXPECT_NE(second_log.find("backfill of rule zh: " + std::to_string(at_kill->docs_scanned) +
                            " of " + std::to_string(kArticles) + " documents scanned, going on"),
            std::string::npos)
      << second_log;
  StopDaemon(pid);

  auto store = OpenStore(ws.data_dir());
  ASSERT_TRUE(store);
  std::map<uint64_t, storage::Mention> found = MentionsOf(*store, "zh");
  EXPECT_EQ(found.size(), static_cast<size_t>(kArticles / kEvery));
  auto done = store->reader().GetRuleBackfill("zh");
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_TRUE((*done)->done());
  EXPECT_EQ((*done)->docs_scanned, static_cast<uint64_t>(kArticles));
  EXPECT_EQ((*done)->found, static_cast<uint64_t>(kArticles / kEvery));
}

}  // namespace
}  // namespace kuzet
