// The watched article of the edit-watch daemon tests (watch_daemon_test, watch_alert_test): a
// loopback site whose one article the test edits or deletes between two re-fetches.
#pragma once

#include <httplib.h>

#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "tests/crawler/test_server.h"

namespace kuzet::testing {

// The article, naming `leader` in its first paragraph (the watched name a test removes).
inline std::string ArticlePage(const std::string& leader) {
  return "<html><head><title>Strike leaders on trial</title></head><body><article>"
         "<h1>Strike leaders on trial</h1><p>" +
         leader +
         " led the oil workers of Zhanaozen through seven months of the strike, demanding higher "
         "pay and safer conditions for every crew in the field.</p><p>Police opened fire on the "
         "sixteenth of December, killing at least fourteen people in the central square of the "
         "town, and dozens of strikers were later put on trial in Aktau.</p></article></body>"
         "</html>";
}

// One article the test changes between fetches, linked from the front page.
class EditableSite {
 public:
  EditableSite() {
    server_.server().Get("/", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content("<html><body><a href=\"" + Url("/a.html") + "\">news</a></body></html>",
                      "text/html");
    });
    server_.server().Get("/a.html", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++article_requests_;
      res.status = status_;
      res.set_content(status_ == 200 ? body_ : "<html><body>Not found</body></html>", "text/html");
    });
    server_.Start();
  }
  std::string Url(const std::string& path) const { return server_.Url(path); }
  void Serve(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  int ArticleRequests() {
    std::lock_guard<std::mutex> lock(mu_);
    return article_requests_;
  }

 private:
  std::mutex mu_;
  int status_ = 200;
  std::string body_ = ArticlePage("Roza Tuletayeva");
  int article_requests_ = 0;
  crawler::testing::TestServer server_;  // last: stops first, while its handlers' state lives
};

}  // namespace kuzet::testing
