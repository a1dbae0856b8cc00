// Shared by the crawl tests: a recording CrawlHandler, a small site server that logs requests,
// and helpers to write feeds.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "tests/crawler/test_server.h"
#include "tests/wait_until.h"
#include "url/url.h"

namespace kuzet::crawler::testing {

using Clock = std::chrono::steady_clock;

// Records what the crawler asks of it; extracts links with a regex over href="...". Checks the
// handler contract's threads (crawler.h, CrawlHandler): ShouldFetch and OnFetchError on the thread
// that called CrawlOnce (`caller`), OnPage (from Commit, from CommitGroup) on another (the
// crawler's writer), and no two calls of the same side at once.
class RecordingHandler : public CrawlHandler {
 public:
  std::set<std::string> stored;    // ShouldFetch returns false for these; guarded by stored_mutex
  std::vector<std::string> pages;  // the writer's (OnPage)
  std::vector<std::pair<std::string, std::string>> errors;  // url, message; the crawl thread's
  std::vector<std::string> asked;                           // the crawl thread's (ShouldFetch)
  std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> wrong_thread{false};
  std::atomic<bool> overlapped{false};
  bool store_pages = false;  // OnPage adds the page to `stored`, as the app's store would
  std::function<void(const CrawledPage&)> on_page;  // called after recording a page
  std::mutex stored_mutex;  // `stored` is read on the crawl thread and written by OnPage

  bool ShouldFetch(const config::Site&, const std::string& url) override {
    Guard guard(this, /*commit=*/false);
    asked.push_back(url);
    std::lock_guard<std::mutex> lock(stored_mutex);
    return stored.count(url) == 0;
  }
  std::vector<std::string> OnPage(const CrawledPage& page) override {
    Guard guard(this, /*commit=*/true);
    pages.push_back(page.url);
    if (store_pages) {
      std::lock_guard<std::mutex> lock(stored_mutex);
      stored.insert(page.url);
    }
    if (on_page) on_page(page);
    std::vector<std::string> links;
    static const std::regex href(R"re(href="([^"]*)")re");
    const std::string& body = page.response.body;
    for (auto it = std::sregex_iterator(body.begin(), body.end(), href);
         it != std::sregex_iterator(); ++it) {
      Result<std::string> absolute = url::Resolve(page.response.final_url, (*it)[1].str());
      if (absolute.ok()) links.push_back(*absolute);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // widen any overlap window
    return links;
  }
  void OnFetchError(const config::Site&, const std::string& url, const Status& error) override {
    Guard guard(this, /*commit=*/false);
    errors.emplace_back(url, error.message());
  }

 private:
  struct Guard {
    Guard(RecordingHandler* h, bool commit)
        : handler(h), busy(commit ? h->commit_busy : h->crawl_busy) {
      if (busy.exchange(true)) handler->overlapped = true;
      const bool on_caller = std::this_thread::get_id() == handler->caller;
      if (on_caller == commit) handler->wrong_thread = true;
    }
    ~Guard() { busy = false; }
    RecordingHandler* handler;
    std::atomic<bool>& busy;
  };
  std::atomic<bool> crawl_busy{false}, commit_busy{false};
};

// Serves a small site and records every request path with its arrival time.
class SiteServer {
 public:
  explicit SiteServer(std::map<std::string, std::string> pages) : pages_(std::move(pages)) {
    server_.server().Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::string target = req.path;
      if (!req.params.empty()) {
        std::string query;
        for (const auto& [k, v] : req.params) query += (query.empty() ? "?" : "&") + k + "=" + v;
        target += query;
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.emplace_back(target, Clock::now());
      }
      if (slow_path_ == req.path) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // slow on purpose
        ++slow_answers_;
      }
      auto it = pages_.find(req.path);
      if (it == pages_.end()) {
        res.status = 404;
        return;
      }
      // "HTTP <status> <Retry-After>" as a page body makes the server answer with that status.
      if (it->second.rfind("HTTP ", 0) == 0) {
        std::lock_guard<std::mutex> lock(mutex_);
        int& served = status_served_[req.path];
        if (served++ < status_times_) {
          res.status = std::stoi(it->second.substr(5, 3));
          if (it->second.size() > 9) res.set_header("Retry-After", it->second.substr(9));
          return;
        }
        res.set_content("recovered", "text/html");
        return;
      }
      bool feed = it->second.find("<rss") != std::string::npos ||
                  it->second.find("<urlset") != std::string::npos ||
                  it->second.find("<sitemapindex") != std::string::npos;
      res.set_content(it->second, feed ? "application/xml" : "text/html");
    });
    server_.Start();
  }
  std::string Url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return server_.Url(path, host);
  }
  // Requested paths, robots.txt left out.
  std::vector<std::string> Paths() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [path, time] : requests_) {
      if (path != "/robots.txt") out.push_back(path);
    }
    return out;
  }
  int RobotsRequests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(std::count_if(requests_.begin(), requests_.end(),
                                          [](const auto& r) { return r.first == "/robots.txt"; }));
  }
  // How many times an "HTTP ..." page answers with its status before it recovers.
  void SetStatusTimes(int times) { status_times_ = times; }
  std::vector<std::pair<std::string, Clock::time_point>> Requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  void SetSlowPath(std::string path) { slow_path_ = std::move(path); }
  // How often the slow path has been answered (its 1.2 s are over).
  int SlowAnswers() const { return slow_answers_; }

 private:
  std::map<std::string, std::string> pages_;
  std::string slow_path_;
  std::atomic<int> slow_answers_{0};
  int status_times_ = 1;
  std::map<std::string, int> status_served_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, Clock::time_point>> requests_;
  TestServer server_;
};

inline config::Settings FastLocalSettings() {
  config::Settings settings;
  settings.allow_private_hosts = {"127.0.0.1", "localhost"};
  settings.per_host_delay = std::chrono::seconds(0);
  settings.per_host_connections = 2;
  settings.concurrency = 4;
  settings.fetch_timeout = std::chrono::seconds(5);
  return settings;
}

inline std::string RfcDate(std::time_t t) {
  char buffer[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

inline std::string Rss(const std::vector<std::pair<std::string, std::time_t>>& items) {
  std::string rss = "<rss version=\"2.0\"><channel><title>t</title>";
  for (const auto& [link, date] : items) {
    rss += "<item><link>" + link + "</link><pubDate>" + RfcDate(date) + "</pubDate></item>";
  }
  return rss + "</channel></rss>";
}

// A feed of `n` recent items base/a1 .. base/an ("article i"), newest first, and the pages
// themselves. `base`: empty for links relative to the feed's host.
inline std::map<std::string, std::string> FeedSite(int n, const std::string& base = "") {
  std::map<std::string, std::string> pages;
  std::vector<std::pair<std::string, std::time_t>> items;
  std::time_t now = std::time(nullptr);
  for (int i = 1; i <= n; ++i) {
    std::string path = "/a" + std::to_string(i);
    pages[path] = "article " + std::to_string(i);
    items.emplace_back(base + path, now - i * 60);
  }
  pages["/feed.xml"] = Rss(items);
  return pages;
}

inline bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A fresh CrawlState in a temporary directory per test; Reopen() does what a restart does.
class CrawlStateFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kuzet-crawl-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    state_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    state_.reset();
    auto opened = CrawlState::Open(dir_.string());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    state_ = std::move(opened).value();
  }
  std::vector<std::string> QueuedUrls(const std::string& site_id) {
    auto queue = state_->Queue(site_id);
    EXPECT_TRUE(queue.ok());
    std::vector<std::string> urls;
    if (queue.ok()) {
      for (const QueuedUrl& q : *queue) urls.push_back(q.url);
    }
    return urls;
  }
  ResourceState Resource(const std::string& site_id, const std::string& url) {
    auto r = state_->Resource(site_id, url);
    EXPECT_TRUE(r.ok() && r->has_value()) << url;
    return r.ok() && r->has_value() ? **r : ResourceState{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<CrawlState> state_;
};

}  // namespace kuzet::crawler::testing
