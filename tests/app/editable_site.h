// The watched article of the edit-watch daemon tests (watch_daemon_test, watch_alert_test): a
// loopback site whose one article the test edits or deletes between two re-fetches.
#pragma once

#include <httplib.h>

#include <functional>
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
    server_.server().Get("/a.html", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++article_requests_;
      if (!redirect_.empty()) {
        res.set_redirect(redirect_, 301);
        return;
      }
      // With validators on, the article's ETag names its body, and a conditional GET of an
      // unchanged article is answered 304 Not Modified (RFC 9110 §13.1.2, §15.4.5).
      std::string etag = std::to_string(std::hash<std::string>()(body_));
      etag.insert(etag.begin(), '"');
      etag.push_back('"');
      if (validators_ && status_ == 200) {
        res.set_header("ETag", etag);
        if (req.get_header_value("If-None-Match") == etag) {
          ++not_modified_;
          res.status = 304;
          return;
        }
      }
      res.status = status_;
      res.set_content(status_ == 200 ? body_ : "<html><body>Not found</body></html>", "text/html");
    });
    server_.server().Get("/robots.txt", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      if (robots_status_ != 200) {
        res.status = robots_status_;
      } else if (robots_.empty()) {
        res.status = 404;
      } else {
        res.set_content(robots_, "text/plain");
      }
    });
    server_.Start();
  }
  std::string Url(const std::string& path) const { return server_.Url(path); }
  void Serve(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  // The article redirects (301) to `location`; "" serves it again.
  void RedirectTo(std::string location) {
    std::lock_guard<std::mutex> lock(mu_);
    redirect_ = std::move(location);
  }
  // The robots.txt served; "" answers 404 (everything allowed, RFC 9309 §2.3.1.3).
  void ServeRobots(std::string robots) {
    std::lock_guard<std::mutex> lock(mu_);
    robots_ = std::move(robots);
  }
  // The status robots.txt answers with; not 200: no body (a 503 makes it unreachable, §2.3.1.4).
  void ServeRobotsStatus(int status) {
    std::lock_guard<std::mutex> lock(mu_);
    robots_status_ = status;
  }
  void ServeValidators(bool on) {
    std::lock_guard<std::mutex> lock(mu_);
    validators_ = on;
  }
  int NotModifiedAnswers() {
    std::lock_guard<std::mutex> lock(mu_);
    return not_modified_;
  }
  int ArticleRequests() {
    std::lock_guard<std::mutex> lock(mu_);
    return article_requests_;
  }

 private:
  std::mutex mu_;
  int status_ = 200;
  int robots_status_ = 200;
  std::string body_ = ArticlePage("Roza Tuletayeva");
  int article_requests_ = 0;
  bool validators_ = false;
  std::string redirect_, robots_;
  int not_modified_ = 0;
  crawler::testing::TestServer server_;  // last: stops first, while its handlers' state lives
};

}  // namespace kuzet::testing
