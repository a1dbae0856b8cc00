// The socket-free parts of the HTTP server: parameters, cursor pagination over a real store,
// snippet splitting, listen addresses and the token rule.
#include <cstdlib>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "app/http_api.h"
#include "app/http_server.h"
#include "tests/app/http_test_store.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kApiParams = {"since", "until", "rule",  "lang",
                                             "site",  "limit", "before"};
constexpr int64_t kNow = 1764400000LL * 1000000;  // 2025-11-29T07:06:40Z

struct BadParamCase {
  std::vector<std::pair<std::string, std::string>> params;
  std::string parameter;
};

TEST(HttpParamsTest, BadParametersNameTheParameter) {
  const std::vector<BadParamCase> cases = {
      {{{"since", "yesterday"}}, "since"},
      {{{"until", "2026-13-01"}}, "until"},
      {{{"limit", "0"}}, "limit"},
      {{{"limit", "1001"}}, "limit"},
      {{{"limit", "ten"}}, "limit"},
      {{{"limit", "5x"}}, "limit"},
      {{{"before", "0"}}, "before"},
      {{{"before", "17.5"}}, "before"},
      {{{"before", "-3"}}, "before"},
      {{{"rule", ""}}, "rule"},
      {{{"site", std::string("a\0b", 3)}}, "site"},
      {{{"lang", std::string(201, 'e')}}, "lang"},
      {{{"rules", "zhanaozen"}}, "rules"},
      {{{"rule", "a"}, {"rule", "b"}}, "rule"},
  };
  for (const BadParamCase& c : cases) {
    auto parsed = ParseMentionParams(c.params, kApiParams, kNow, 1000);
    const ParamError* error = std::get_if<ParamError>(&parsed);
    ASSERT_NE(error, nullptr) << c.parameter;
    EXPECT_EQ(error->parameter, c.parameter);
    EXPECT_NE(error->message.find(c.parameter), std::string::npos) << error->message;
  }
}

TEST(HttpParamsTest, GoodParametersBecomeTheQuery) {
  auto parsed = ParseMentionParams({{"since", "24h"},
                                    {"until", "2026-11-01"},
                                    {"rule", "zhanaozen"},
                                    {"lang", "ru"},
                                    {"site", "steppe"},
                                    {"limit", "7"},
                                    {"before", "42"}},
                                   kApiParams, kNow, 1000);
  const MentionRequest* request = std::get_if<MentionRequest>(&parsed);
  ASSERT_NE(request, nullptr) << std::get<ParamError>(parsed).message;
  EXPECT_EQ(request->query.since_us, kNow - 24LL * 3600 * 1000000);
  EXPECT_EQ(request->query.until_us, 1793491200LL * 1000000);
  EXPECT_EQ(request->query.rule_id, "zhanaozen");
  EXPECT_EQ(request->query.lang, "ru");
  EXPECT_EQ(request->query.site_id, "steppe");
  EXPECT_EQ(request->limit, 7u);
  EXPECT_EQ(request->before, 42u);
}

TEST(HttpSnippetTest, SplitsAtCharacterBoundaries) {
  std::string s = "Нефтяники в Жанаозене вспомнили";
  uint32_t b = static_cast<uint32_t>(s.find("Жанаозене"));
  uint32_t e = b + static_cast<uint32_t>(std::string("Жанаозене").size());
  SnippetParts exact = SplitSnippet(s, b, e);
  EXPECT_EQ(exact.before, "Нефтяники в ");
  EXPECT_EQ(exact.match, "Жанаозене");
  EXPECT_EQ(exact.after, " вспомнили");
  // Offsets inside a two-byte letter widen to the whole letter; none is cut in half.
  SnippetParts widened = SplitSnippet(s, b + 1, e - 1);
  EXPECT_EQ(widened.match, "Жанаозене");
  // Offsets past the end are clamped.
  SnippetParts clamped = SplitSnippet("short", 3, 99);
  EXPECT_EQ(clamped.before, "sho");
  EXPECT_EQ(clamped.match, "rt");
  EXPECT_EQ(clamped.after, "");
}

TEST(HttpListenTest, RefusesOpenAddressWithoutToken) {
  config::Server server;
  server.listen = "0.0.0.0:8765";
  auto refused = HttpOptionsFromConfig(server, "/tmp/data", "", "");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("token"), std::string::npos);

  setenv("KUZET_HTTP_TEST_TOKEN", "s3cret", 1);
  server.token_env = "KUZET_HTTP_TEST_TOKEN";
  auto allowed = HttpOptionsFromConfig(server, "/tmp/data", "", "");
  ASSERT_TRUE(allowed.ok()) << allowed.status().message();
  EXPECT_EQ(allowed->token, "s3cret");
  EXPECT_EQ(allowed->listen, "0.0.0.0:8765");

  auto missing = HttpOptionsFromConfig(server, "/tmp/data", "127.0.0.1:1", "KUZET_HTTP_UNSET_VAR");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("KUZET_HTTP_UNSET_VAR"), std::string::npos);
}

class HttpPaginationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kuzet-http-api-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    auto store = storage::Store::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<storage::Store> store_;
};

// Pages of any size walk every mention exactly once, newest first, including runs of mentions
// with one found_at (the cursor must not skip or repeat inside such a run).
TEST_F(HttpPaginationTest, CursorWalksEveryMentionOnce) {
  const int64_t base = kNow;
  int expected = 0;
  for (int i = 0; i < 30; ++i) {
    // Ten pages share each instant: 3 distinct times.
    auto put = store_->writer().PutPage(testing::NumberedPage(i, base + (i / 10) * 1000000));
    ASSERT_TRUE(put.ok()) << put.status().message();
    expected += put->new_mentions;
  }
  for (auto sample : testing::SamplePages(base + 10 * 1000000)) {
    auto put = store_->writer().PutPage(sample);
    ASSERT_TRUE(put.ok()) << put.status().message();
    expected += put->new_mentions;
  }
  for (size_t limit : {1, 3, 7, 10, 50}) {
    MentionRequest request;
    request.limit = limit;
    std::set<uint64_t> seen;
    std::vector<storage::Mention> all;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = QueryMentionPage(store_->reader(), request);
      ASSERT_TRUE(page.ok()) << page.status().message();
      ASSERT_LE(page->mentions.size(), limit);
      for (const auto& m : page->mentions) {
        EXPECT_TRUE(seen.insert(m.id).second) << "mention " << m.id << " twice, limit " << limit;
        all.push_back(m);
      }
      if (!page->next_before) break;
      request.before = page->next_before;
    }
    EXPECT_EQ(static_cast<int>(all.size()), expected) << "limit " << limit;
    for (size_t i = 1; i < all.size(); ++i) {
      EXPECT_GE(all[i - 1].found_at_us, all[i].found_at_us);
    }
  }
}

// Counting resumes where it stopped: each mention is counted once, new ones when they come.
TEST_F(HttpPaginationTest, CountsNewMentionsOnce) {
  uint64_t through = 0, total = 0;
  std::map<std::string, uint64_t> by_rule;
  const size_t kBatch = 7;  // smaller than each round, so rounds take several batches
  for (int i = 0; i < 60; i += 20) {
    for (int n = i; n < i + 20; ++n) {
      ASSERT_TRUE(store_->writer().PutPage(testing::NumberedPage(n, kNow + n)).ok());
    }
    ASSERT_TRUE(CountNewMentions(store_->reader(), &through, &total, &by_rule, kBatch).ok());
    EXPECT_EQ(total, static_cast<uint64_t>(i + 20));
  }
  for (auto sample : testing::SamplePages(kNow)) ASSERT_TRUE(store_->writer().PutPage(sample).ok());
  ASSERT_TRUE(CountNewMentions(store_->reader(), &through, &total, &by_rule, kBatch).ok());
  ASSERT_TRUE(CountNewMentions(store_->reader(), &through, &total, &by_rule, kBatch).ok());
  EXPECT_EQ(total, 65u);
  EXPECT_EQ(by_rule["zhanaozen"], 63u);
  EXPECT_EQ(by_rule["kmg"], 1u);
  EXPECT_EQ(by_rule["strike-ru"], 1u);
}

TEST_F(HttpPaginationTest, FiltersApplyAcrossPages) {
  for (auto sample : testing::SamplePages(kNow)) ASSERT_TRUE(store_->writer().PutPage(sample).ok());
  MentionRequest request;
  request.query.rule_id = "zhanaozen";
  request.limit = 2;
  auto first = QueryMentionPage(store_->reader(), request);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->mentions.size(), 2u);
  EXPECT_EQ(first->mentions[0].lang, "kk");
  EXPECT_EQ(first->mentions[1].lang, "ru");
  ASSERT_TRUE(first->next_before);
  request.before = first->next_before;
  auto second = QueryMentionPage(store_->reader(), request);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->mentions.size(), 1u);
  EXPECT_EQ(second->mentions[0].lang, "en");
  EXPECT_FALSE(second->next_before);

  request.before = 999;  // no such mention
  auto missing = QueryMentionPage(store_->reader(), request);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST(HttpMetricsTest, EscapesLabelValues) {
  MetricsSnapshot m;
  m.mentions_total = 3;
  m.mentions_by_rule["quote\"back\\slash\nnewline"] = 3;
  std::string text = RenderMetrics(m);
  EXPECT_NE(text.find("kuzet_rule_mentions_total{rule=\"quote\\\"back\\\\slash\\nnewline\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE kuzet_mentions_total counter\nkuzet_mentions_total 3\n"),
            std::string::npos);
}

}  // namespace
}  // namespace kuzet::app
