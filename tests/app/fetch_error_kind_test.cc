// The `kind` label of kuzet_fetch_errors_total (app/fetch_error_kind.h): real failed fetches
// against loopback servers land in their kind; the crawler's own verdicts by table; and a URL
// that contains another kind's words never decides the kind.
#include "app/fetch_error_kind.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <httplib.h>

#include "crawler/fetcher.h"
#include "tests/app/run_command.h"

namespace kuzet::app {
namespace {

using namespace std::chrono_literals;

// A loopback server with a slow page (held until the server ends), a big page and a redirect loop.
class FailingServer {
 public:
  FailingServer() {
    server_.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock<std::mutex> lock(mu_);
      released_cv_.wait_for(lock, 10s, [this] { return released_; });
      res.set_content("late", "text/plain");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(64 * 1024, 'x'), "text/html");
    });
    server_.Get("/loop",
                [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FailingServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    released_cv_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable released_cv_;
  bool released_ = false;
};

config::Settings LoopbackSettings() {
  config::Settings settings;
  settings.allow_private_hosts = {"127.0.0.1"};
  settings.fetch_timeout = std::chrono::seconds(1);
  settings.max_body_bytes = 1024;
  return settings;
}

FetchErrorKind KindOfFetch(const config::Settings& settings, const std::string& url) {
  crawler::Fetcher fetcher(settings);
  auto response = fetcher.Fetch({url});
  EXPECT_FALSE(response.ok()) << url;
  if (response.ok()) return FetchErrorKind::kOther;
  return ClassifyFetchError(response.status());
}

TEST(FetchErrorKindTest, RealFailedFetchesLandInTheirKind) {
  FailingServer server;
  config::Settings settings = LoopbackSettings();
  int closed = kuzet::testing::FreePort();  // nothing listens there
  ASSERT_GT(closed, 0);
  EXPECT_EQ(KindOfFetch(settings, "http://127.0.0.1:" + std::to_string(closed) + "/"),
            FetchErrorKind::kConnect);
  EXPECT_EQ(KindOfFetch(settings, server.Url("/slow")), FetchErrorKind::kTimeout);
  EXPECT_EQ(KindOfFetch(settings, server.Url("/big")), FetchErrorKind::kTooLarge);
  EXPECT_EQ(KindOfFetch(settings, server.Url("/loop")), FetchErrorKind::kRedirect);
  config::Settings strict = settings;
  strict.allow_private_hosts.clear();
  EXPECT_EQ(KindOfFetch(strict, server.Url("/big")), FetchErrorKind::kBlockedAddress);
}

std::string CurlText(CURLcode code) { return curl_easy_strerror(code); }

TEST(FetchErrorKindTest, MessagesAsTheCrawlerWritesThemByTable) {
  const std::string url = "https://steppe.kz/news/1";
  struct Case {
    Status error;
    FetchErrorKind kind;
    const char* label;
  } cases[] = {
      {Status::Network("network error: " + CurlText(CURLE_COULDNT_RESOLVE_HOST) + " fetching " +
                       url),
       FetchErrorKind::kDns, "dns"},
      {Status::Network("network error: " + CurlText(CURLE_PEER_FAILED_VERIFICATION) + " fetching " +
                       url),
       FetchErrorKind::kTls, "tls"},
      {Status::Network("network error: " + CurlText(CURLE_SSL_CONNECT_ERROR) + " fetching " + url),
       FetchErrorKind::kTls, "tls"},
      {Status::Network("network error: " + CurlText(CURLE_GOT_NOTHING) + " fetching " + url),
       FetchErrorKind::kNetwork, "network"},
      {Status::Network("timed out after 30000 ms fetching " + url), FetchErrorKind::kTimeout,
       "timeout"},
      {Status::Unavailable("HTTP 404 for " + url), FetchErrorKind::kHttp4xx, "http_4xx"},
      {Status::Unavailable("HTTP 429 for " + url + " (Retry-After: 7200); 3 more URLs left"),
       FetchErrorKind::kHttp4xx, "http_4xx"},
      {Status::Unavailable("HTTP 503 for " + url), FetchErrorKind::kHttp5xx, "http_5xx"},
      {Status::Unavailable("HTTP 304 for " + url), FetchErrorKind::kHttpOther, "http_other"},
      {Status::Unavailable("disallowed by robots.txt: " + url), FetchErrorKind::kRobots, "robots"},
      {Status::Unavailable("disallowed by robots.txt (robots.txt unreachable: HTTP 503): " + url),
       FetchErrorKind::kHttp5xx, "http_5xx"},
      {Status::Unavailable("disallowed by robots.txt (robots.txt unreachable: network error: " +
                           CurlText(CURLE_COULDNT_RESOLVE_HOST) +
                           " fetching https://steppe.kz/robots.txt): " + url),
       FetchErrorKind::kDns, "dns"},
      {Status::Unavailable("redirected out of the site's scope: " + url + " -> https://x.com/"),
       FetchErrorKind::kRedirect, "redirect"},
      {Status::Network("too many redirects (max_redirects=5) fetching " + url),
       FetchErrorKind::kRedirect, "redirect"},
      {Status::Network("refused redirect to non-public address 10.0.0.1: " + url),
       FetchErrorKind::kBlockedAddress, "blocked_address"},
      {Status::Corruption("not an RSS, RDF or Atom feed (root element <html>) in " + url),
       FetchErrorKind::kUnparseable, "unparseable"},
      {Status::InvalidArgument("invalid URL \"htp:/x\""), FetchErrorKind::kBadUrl, "bad_url"},
      {Status::IOError("libcurl could not be initialised"), FetchErrorKind::kOther, "other"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassifyFetchError(c.error), c.kind) << c.error.message();
    EXPECT_STREQ(FetchErrorKindLabel(ClassifyFetchError(c.error)), c.label) << c.error.message();
  }
}

// The URL comes from pages: words of another kind in it change nothing.
TEST(FetchErrorKindTest, WordsInTheUrlNeverDecideTheKind) {
  EXPECT_EQ(ClassifyFetchError(Status::Network("network error: " + CurlText(CURLE_COULDNT_CONNECT) +
                                               " fetching https://x.kz/timed out after/HTTP 500")),
            FetchErrorKind::kConnect);
  EXPECT_EQ(
      ClassifyFetchError(Status::Unavailable("HTTP 404 for https://x.kz/disallowed by robots.txt")),
      FetchErrorKind::kHttp4xx);
  EXPECT_EQ(ClassifyFetchError(Status::Network(
                "network error: " + CurlText(CURLE_RECV_ERROR) +
                " fetching https://x.kz/?q=" + CurlText(CURLE_COULDNT_RESOLVE_HOST))),
            FetchErrorKind::kNetwork);
  EXPECT_EQ(ClassifyFetchError(Status::Unavailable("HTTP 5")), FetchErrorKind::kOther);
}

}  // namespace
}  // namespace kuzet::app
