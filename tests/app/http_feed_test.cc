// The Atom feed as feed readers use it (issue #18): rel="self", ETag and 304 Not Modified, and a
// read-only feed token that goes in the URL (readers cannot send an Authorization header) and
// opens the feed only.
#include <stdlib.h>

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "app/http_server.h"
#include "tests/app/http_test_server.h"

namespace kuzet::app {
namespace {

class HttpFeedTest : public testing::ServedStoreTest {
 protected:
  void Serve(const HttpServerOptions& options) {
    Start(options);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port());
    client_->set_read_timeout(5, 0);
  }
  httplib::Result Get(const std::string& path, const httplib::Headers& headers = {}) {
    return client_->Get(path.c_str(), headers);
  }
  int Status(const std::string& path, const httplib::Headers& headers = {}) {
    auto res = Get(path, headers);
    return res ? res->status : 0;
  }
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpFeedTest, SelfLinkIsThePublicUrlWithTheFiltersNeverTheHostHeader) {
  HttpServerOptions options = Options();
  options.public_url = "https://kuzet.example.org/";
  Serve(options);
  auto res = Get("/feed.atom?limit=5&rule=zhanaozen", {{"Host", "evil.example\"><x"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->body.find("<link rel=\"self\" type=\"application/atom+xml\" "
                           "href=\"https://kuzet.example.org/feed.atom?rule=zhanaozen&amp;"
                           "limit=5\"/>"),
            std::string::npos)
      << res->body;
  EXPECT_EQ(res->body.find("evil"), std::string::npos);
}

TEST_F(HttpFeedTest, WithoutAPublicUrlTheSelfLinkIsThePath) {
  Serve(Options());
  auto res = Get("/feed.atom?site=steppe&lang=ru");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("href=\"/feed.atom?site=steppe&amp;lang=ru\"/>"), std::string::npos)
      << res->body;
}

TEST_F(HttpFeedTest, EtagAnswersIfNoneMatchWith304) {
  Serve(Options());
  auto first = Get("/feed.atom?rule=zhanaozen");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_EQ(etag.size(), 18u) << "a quoted 64-bit hash: " << etag;
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(first->get_header_value("Cache-Control"), "private, no-cache");

  struct Case {
    std::string if_none_match;
    int status;
  };
  const Case cases[] = {
      {etag, 304},
      {"W/" + etag, 304},  // weak comparison (RFC 9110 section 13.1.2)
      {"\"0000000000000000\", " + etag, 304},
      {"*", 304},
      {"\"0000000000000000\"", 200},
      {etag.substr(0, 17), 200},
  };
  for (const Case& c : cases) {
    auto res = Get("/feed.atom?rule=zhanaozen", {{"If-None-Match", c.if_none_match}});
    ASSERT_TRUE(res) << c.if_none_match;
    EXPECT_EQ(res->status, c.status) << c.if_none_match;
    EXPECT_EQ(res->get_header_value("ETag"), etag) << c.if_none_match;
    if (c.status == 304) {
      EXPECT_EQ(res->body, "") << c.if_none_match;
    }
  }
  // Another feed, another tag; the same feed's tag is stable.
  auto other = Get("/feed.atom?rule=kmg");
  ASSERT_TRUE(other);
  EXPECT_NE(other->get_header_value("ETag"), etag);
  EXPECT_EQ(Get("/feed.atom?rule=zhanaozen")->get_header_value("ETag"), etag);
}

// An empty feed's <updated> is the current time; its tag must not change every second.
TEST_F(HttpFeedTest, AnEmptyFeedKeepsItsEtag) {
  Serve(Options());
  auto first = Get("/feed.atom?rule=nothing-matches-this");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto second = Get("/feed.atom?rule=nothing-matches-this");
  ASSERT_TRUE(second);
  EXPECT_NE(first->body, second->body) << "the <updated> of an empty feed moves";
  ASSERT_FALSE(first->get_header_value("ETag").empty());
  EXPECT_EQ(first->get_header_value("ETag"), second->get_header_value("ETag"));
}

TEST_F(HttpFeedTest, TheFeedTokenInTheUrlOpensTheFeedOnly) {
  HttpServerOptions options = Options();
  options.token = "api-secret";
  options.feed_token = "feed-secret";
  Serve(options);
  const httplib::Headers api_bearer = {{"Authorization", "Bearer api-secret"}};
  const httplib::Headers feed_bearer = {{"Authorization", "Bearer feed-secret"}};
  struct Case {
    std::string path;
    httplib::Headers headers;
    int status;
  };
  const Case cases[] = {
      {"/feed.atom?token=feed-secret", {}, 200},
      {"/feed.atom?rule=zhanaozen&token=feed-secret", {}, 200},
      {"/feed.atom?token=feed%2Dsecret", {}, 200},  // a query value is percent-decoded
      {"/feed.atom", api_bearer, 200},              // the API token keeps working on the feed
      {"/feed.atom?token=anything", api_bearer, 200},
      {"/feed.atom", {}, 401},
      {"/feed.atom?token=feed-secreT", {}, 401},
      {"/feed.atom?token=feed-secret&token=feed-secret", {}, 401},
      {"/feed.atom?token=api-secret", {}, 401},  // the API token never goes in a URL
      {"/feed.atom", feed_bearer, 401},
      {"/api/mentions?token=feed-secret", {}, 401},
      {"/api/mentions", feed_bearer, 401},
      {"/metrics?token=feed-secret", {}, 401},
      {"/api/mentions", api_bearer, 200},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Status(c.path, c.headers), c.status) << c.path;
  }
  auto res = Get("/feed.atom?rule=zhanaozen&token=feed-secret");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body.find("feed-secret"), std::string::npos) << "no token in rel=self";
  EXPECT_NE(res->body.find("href=\"/feed.atom?rule=zhanaozen\"/>"), std::string::npos);
}

TEST(HttpFeedOptionsTest, FeedTokenComesFromItsVariableAndMustDifferFromTheApiToken) {
  config::Server server;
  server.token_env = "KUZET_TEST_API_TOKEN";
  server.feed_token_env = "KUZET_TEST_FEED_TOKEN";
  setenv("KUZET_TEST_API_TOKEN", "api-secret", 1);
  unsetenv("KUZET_TEST_FEED_TOKEN");
  auto unset = HttpOptionsFromConfig(server, "/nonexistent", "", "");
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("KUZET_TEST_FEED_TOKEN"), std::string::npos);

  setenv("KUZET_TEST_FEED_TOKEN", "api-secret", 1);
  auto same = HttpOptionsFromConfig(server, "/nonexistent", "", "");
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.status().message().find("must differ"), std::string::npos);
  EXPECT_EQ(same.status().message().find("api-secret"), std::string::npos) << "never the token";

  setenv("KUZET_TEST_FEED_TOKEN", "feed-secret", 1);
  server.public_url = "https://kuzet.example.org";
  auto ok = HttpOptionsFromConfig(server, "/nonexistent", "", "");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->feed_token, "feed-secret");
  EXPECT_EQ(ok->token, "api-secret");
  EXPECT_EQ(ok->public_url, "https://kuzet.example.org");
  unsetenv("KUZET_TEST_API_TOKEN");
  unsetenv("KUZET_TEST_FEED_TOKEN");
}

}  // namespace
}  // namespace kuzet::app
