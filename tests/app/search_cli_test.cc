// `kuzet search` through the real binary and `/api/search` through an in-process server, over a
// store written with storage/'s API: cross-script and inflected hits, filters, formats, paging,
// and bad queries refused with their column (exit 2 / HTTP 400).
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "app/http_server.h"
#include "base/time.h"
#include "storage/store.h"
#include "tests/app/run_command.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;

using testing::RunKuzet;

constexpr int64_t kMinute = 60'000'000;

struct Page {
  const char* site;
  const char* url;
  const char* lang;
  const char* text;
};
// Doc ids 1..5 in this order, one minute apart, the last a minute ago.
const Page kPages[] = {
    {"tengri", "https://tengri.kz/1", "ru", "В Жанаозене нефтяники объявили забастовку."},
    {"azattyq", "https://azattyq.kz/2", "kk", "Жаңаөзендегі ереуіл туралы жаңалықтар."},
    {"rferl", "https://rferl.org/3", "en", "Zhanaozen's oil workers went on strike again."},
    {"rferl", "https://rferl.org/4", "en", "The football match in Zhanaozen ended in a draw."},
    {"tengri", "https://tengri.kz/5", "ru", "Жанаозенмунайгаз сообщил о прибыли."},
};

class SearchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kuzet-search-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    data_ = (dir_ / "data").string();
    auto store = storage::Store::Open(data_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    int64_t t = base::NowMicros() - (std::size(kPages) + 1) * kMinute;
    for (const Page& p : kPages) {
      storage::PageInput page;
      page.site_id = p.site;
      page.url = page.final_url = p.url;
      page.lang = p.lang;
      page.text = p.text;
      page.title = std::string(p.text).substr(0, 20);
      page.fetched_at_us = t += kMinute;
      page.http_status = 200;
      ASSERT_TRUE((*store)->writer().PutPage(page).ok());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `kuzet serve` over the test's store, on a free loopback port.
  Result<std::unique_ptr<app::HttpServer>> StartServer() const {
    app::HttpServerOptions options;
    options.data_dir = data_;
    options.listen = "127.0.0.1:0";
    return app::HttpServer::Start(options);
  }

  std::vector<std::string> JsonUrls(const std::string& args) {
    auto r = RunKuzet("search " + args + " --data-dir " + data_ + " --format json");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_array()) << r.out;
    std::vector<std::string> urls;
    if (!j.is_array()) return urls;
    for (const auto& hit : j) urls.push_back(hit.value("url", ""));
    return urls;
  }

  fs::path dir_;
  std::string data_;
};

TEST_F(SearchCliTest, FindsAcrossScriptsAndInflectionsWithFilters) {
  EXPECT_EQ(JsonUrls("Zhanaozen"),
            std::vector<std::string>({"https://rferl.org/4", "https://rferl.org/3",
                                      "https://azattyq.kz/2", "https://tengri.kz/1"}));
  EXPECT_EQ(JsonUrls("'Zhanaozen AND NOT football' --lang en"),
            std::vector<std::string>({"https://rferl.org/3"}));
  EXPECT_EQ(JsonUrls("'Zhanaozen*' --site tengri"),
            std::vector<std::string>({"https://tengri.kz/5", "https://tengri.kz/1"}));
  EXPECT_EQ(JsonUrls("Zhanaozen --since 3m"), std::vector<std::string>({"https://rferl.org/4"}));

  // The JSON carries the document, the matched surface and the sentence.
  auto r = RunKuzet("search ереуіл --data-dir " + data_ + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["doc_id"], 2);
  EXPECT_EQ(j[0]["hits"][0]["surface"], "ереуіл");
  EXPECT_EQ(j[0]["snippet"], "Жаңаөзендегі ереуіл туралы жаңалықтар.");
  EXPECT_TRUE(j[0].contains("fetched_at"));
  EXPECT_FALSE(j[0].contains("rule"));
}

TEST_F(SearchCliTest, TableCsvAndPaging) {
  auto table = RunKuzet("search strike --data-dir " + data_);
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("https://rferl.org/3"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("[strike]"), std::string::npos) << table.out;

  auto csv = RunKuzet("search strike --data-dir " + data_ + " --format csv --no-bom");
  ASSERT_EQ(csv.exit_code, 0) << csv.out;
  EXPECT_EQ(csv.out.rfind("id,", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find("https://rferl.org/3"), std::string::npos) << csv.out;

  auto first = RunKuzet("search Zhanaozen --limit 2 --format json --data-dir " + data_ + " 2>&1");
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_NE(first.out.find("the next page is --before 3"), std::string::npos) << first.out;
  EXPECT_EQ(JsonUrls("Zhanaozen --before 3"),
            std::vector<std::string>({"https://azattyq.kz/2", "https://tengri.kz/1"}));
}

TEST_F(SearchCliTest, BadQueriesAreUsageErrorsWithTheColumn) {
  auto r = RunKuzet("search 'strike AND' --data-dir " + data_ + " 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("query: column 11: expected term after AND"), std::string::npos) << r.out;
  auto long_query = RunKuzet("search " + std::string(1001, 'a') + " --data-dir " + data_ + " 2>&1");
  EXPECT_EQ(long_query.exit_code, 2) << long_query.out;
  EXPECT_NE(long_query.out.find("1001 bytes"), std::string::npos) << long_query.out;
}

TEST_F(SearchCliTest, ApiSearch) {
  auto server = StartServer();
  ASSERT_TRUE(server.ok()) << server.status().message();
  httplib::Client client("127.0.0.1", (*server)->port());

  auto ok = client.Get("/api/search?q=Zhanaozen%20AND%20NOT%20football&limit=2");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  auto body = nlohmann::json::parse(ok->body);
  ASSERT_EQ(body["results"].size(), 2u) << ok->body;
  EXPECT_EQ(body["results"][0]["url"], "https://rferl.org/3");
  EXPECT_EQ(body["results"][1]["url"], "https://azattyq.kz/2");
  EXPECT_EQ(body["next_before"], 2);
  auto next = client.Get(body["next"].get<std::string>());
  ASSERT_TRUE(next);
  auto rest = nlohmann::json::parse(next->body);
  ASSERT_EQ(rest["results"].size(), 1u) << next->body;
  EXPECT_EQ(rest["results"][0]["url"], "https://tengri.kz/1");
  EXPECT_TRUE(rest["next"].is_null());

  struct Bad {
    std::string path, parameter;
  };
  const Bad bad[] = {
      {"/api/search", "q"},
      {"/api/search?q=", "q"},
      {"/api/search?q=strike%20AND", "q"},
      {"/api/search?q=" + std::string(1001, 'a'), "q"},
      {"/api/search?q=a&q=b", "q"},
      {"/api/search?q=strike&rule=x", "rule"},
      {"/api/search?q=strike&limit=0", "limit"},
      {"/api/search?q=strike&before=x", "before"},
  };
  for (const Bad& b : bad) {
    auto r = client.Get(b.path);
    ASSERT_TRUE(r) << b.path;
    EXPECT_EQ(r->status, 400) << b.path << " " << r->body;
    auto error = nlohmann::json::parse(r->body, nullptr, false);
    EXPECT_EQ(error.value("parameter", ""), b.parameter) << b.path << " " << r->body;
  }
}

// The web page's search box: ?q= in the page's URL lists the articles the query matches,
// rendered by the server (app/web_page.h).
TEST_F(SearchCliTest, WebPageSearches) {
  auto server = StartServer();
  ASSERT_TRUE(server.ok()) << server.status().message();
  httplib::Client client("127.0.0.1", (*server)->port());
  auto page = client.Get("/?q=Zhanaozen%20AND%20NOT%20football&lang=kk");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<mark>Жаңаөзендегі</mark> ереуіл"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("1 result"), std::string::npos) << page->body;
  EXPECT_EQ(page->body.find("rferl.org"), std::string::npos) << "an English article leaked";
  EXPECT_NE(page->body.find("name=\"q\""), std::string::npos);  // the box keeps the query

  // A query that does not compile, or a search with a rule, is a 400 page naming it.
  auto bad = client.Get("/?q=strike%20AND");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("q: "), std::string::npos) << bad->body;
  auto with_rule = client.Get("/?q=strike&rule=kz");
  ASSERT_TRUE(with_rule);
  EXPECT_EQ(with_rule->status, 400);
  EXPECT_NE(with_rule->body.find("rule: "), std::string::npos) << with_rule->body;
}

}  // namespace
}  // namespace kuzet
