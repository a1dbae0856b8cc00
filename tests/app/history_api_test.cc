// GET /api/documents/<id>/history (app/http_server.cc): a watched document's versions and
// evidence captures as JSON; an unknown document is 404 and a malformed id 400.
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/http_server.h"
#include "storage/store.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kT0 = 1'700'000'000'000'000;
const std::string kText =
    "Roza Tuletayeva led the oil workers of Zhanaozen through seven months of the strike.";

TEST(HistoryApiTest, AWatchedDocumentsVersionsAreServedAsJson) {
  const fs::path dir =
      fs::temp_directory_path() / ("kuzet-history-api-" + std::to_string(getpid()));
  fs::remove_all(dir);
  uint64_t doc_id = 0;
  {
    auto store = storage::Store::Open((dir / "data").string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    storage::PageInput page;
    page.site_id = "vlast";
    page.url = "https://vlast.kz/a.html";
    page.final_url = page.url;
    page.title = "Strike";
    page.text = kText;
    page.fetched_at_us = kT0;
    page.http_status = 200;
    storage::MentionInput m;
    m.rule_id = "leaders";
    m.hits.push_back({"Tuletayeva", "Tuletayeva", 5, 15});
    page.mentions.push_back(m);
    page.watch = storage::WatchStart{kT0 + 3'600'000'000LL, 1};
    auto put = (*store)->writer().PutPage(page);
    ASSERT_TRUE(put.ok()) << put.status().message();
    doc_id = put->doc_id;
    storage::VersionInput gone;
    gone.doc_id = doc_id;
    gone.due_us = kT0 + 3'600'000'000LL;
    storage::VersionRecord v;
    v.fetched_at_us = gone.due_us + 1;
    v.http_status = 410;
    v.kinds = {"gone"};
    gone.version = v;
    ASSERT_TRUE((*store)->writer().PutVersion(gone).ok());
  }
  app::HttpServerOptions options;
  options.data_dir = (dir / "data").string();
  options.listen = "127.0.0.1:0";
  auto server = app::HttpServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status().message();
  httplib::Client client("127.0.0.1", (*server)->port());

  auto ok = client.Get("/api/documents/" + std::to_string(doc_id) + "/history");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  const auto body = nlohmann::json::parse(ok->body);
  EXPECT_EQ(body["doc_id"], doc_id);
  EXPECT_EQ(body["url"], "https://vlast.kz/a.html");
  ASSERT_EQ(body["versions"].size(), 2u);
  EXPECT_EQ(body["versions"][0]["kinds"], nlohmann::json::array({"original"}));
  EXPECT_EQ(body["versions"][0]["names"][0]["name"], "Tuletayeva");
  EXPECT_EQ(body["versions"][1]["kinds"], nlohmann::json::array({"gone"}));
  EXPECT_EQ(body["versions"][1]["http_status"], 410);
  EXPECT_TRUE(body["evidence"].is_array());

  for (const auto& [path, status] : std::vector<std::pair<std::string, int>>{
           {"/api/documents/999/history", 404},
           {"/api/documents/1x/history", 400},
           {"/api/documents//history", 400},
           {"/api/documents/99999999999999999999/history", 400},
           {"/api/documents/1", 404},
       }) {
    auto r = client.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, status) << path << ": " << r->body;
  }
  server->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kuzet
