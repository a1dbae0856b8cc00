// A news site on 127.0.0.1 for the storage-fault daemon tests: a feed of kArticles articles,
// each naming Zhanaozen; and what `kuzet mentions` says is stored.
#pragma once

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/app/run_command.h"
#include "tests/crawler/test_server.h"
#include "tests/wait_until.h"

namespace kuzet::testing {

using namespace std::chrono_literals;

constexpr int kArticles = 30;

// A feed of kArticles articles, each served after `delay`, each naming Zhanaozen.
class NewsSite {
 public:
  explicit NewsSite(std::chrono::milliseconds delay) {
    server_.server().Get("/feed.xml", [this](const httplib::Request&, httplib::Response& res) {
      std::string rss = "<rss version=\"2.0\"><channel><title>news</title>";
      for (int i = 1; i <= kArticles; ++i) {
        rss += "<item><link>" + Url("/a" + std::to_string(i)) + "</link></item>";
      }
      res.set_content(rss + "</channel></rss>", "application/rss+xml");
    });
    server_.server().Get(
        R"(/a(\d+))", [this, delay](const httplib::Request& req, httplib::Response& res) {
          {
            std::lock_guard lock(mu_);
            ++article_requests_;
          }
          std::this_thread::sleep_for(delay);  // slow on purpose: the fault strikes mid-crawl
          const std::string n = req.matches[1];
          std::string body = "<html><head><title>Report " + n + "</title></head><body><article>";
          for (int p = 0; p < 6; ++p) {
            body += "<p>Report " + n + ", part " + std::to_string(p) +
                    ": oil workers in Zhanaozen went on strike for equal pay and the right to a "
                    "union of their own; the company refused and the court heard the case.</p>";
          }
          res.set_content(body + "</article></body></html>", "text/html; charset=utf-8");
        });
    server_.Start();
  }
  std::string Url(const std::string& path) const { return server_.Url(path); }
  int ArticleRequests() {
    std::lock_guard lock(mu_);
    return article_requests_;
  }

 private:
  std::mutex mu_;
  int article_requests_ = 0;
  crawler::testing::TestServer server_;  // last: stops first, while its handlers' state lives
};

inline std::set<std::string> StoredPaths(const std::string& config) {
  std::string out =
      RunKuzet("mentions --by rule --limit 1000 --format json --config " + config).out;
  auto json = nlohmann::json::parse(out, nullptr, false);
  std::set<std::string> paths;
  if (!json.is_array()) return paths;
  for (const auto& m : json) {
    std::string url = m.value("url", "");
    paths.insert(url.substr(url.find('/', 8)));
  }
  return paths;
}

// The daemon tests poll files and commands: every 50 ms is often enough.
inline bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  return WaitUntil(done, timeout, 50ms);
}

// Writes a config at `config` that crawls `site` into `data_dir` with one rule (zhanaozen);
// `settings` are extra [settings] lines, `interval` the site's.
inline void WriteNewsConfig(const std::string& config, const std::string& data_dir,
                            const NewsSite& site, const std::string& interval,
                            const std::string& settings = "") {
  std::ofstream(config) << "[settings]\ndata_dir = \"" << data_dir << "\"\n"
                        << "per_host_delay = \"0s\"\n"
                        << settings << "allow_private_hosts = [\"127.0.0.1\"]\n\n"
                        << "[[sites]]\nid = \"news\"\nfeeds = [\"" << site.Url("/feed.xml")
                        << "\"]\ninterval = \"" << interval << "\"\n\n"
                        << "[[rules]]\nid = \"zhanaozen\"\nterms = [\"Zhanaozen\"]\n";
}

}  // namespace kuzet::testing
