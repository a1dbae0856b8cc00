// A small real website on 127.0.0.1 for end-to-end tests: pages in English, Russian (served as
// windows-1251) and Kazakh, an RSS feed, and a log of every request the server saw.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace kuzet::testing {

class TestSite {
 public:
  TestSite();  // starts serving on an ephemeral port
  ~TestSite();

  int port() const { return port_; }
  std::string Url(const std::string& path) const;
  // Request paths in the order the server received them.
  std::vector<std::string> Requests() const;
  void ClearRequests();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
};

// UTF-8 → windows-1251 (iconv), for pages written in the test as readable text.
std::string ToWindows1251(const std::string& utf8);

}  // namespace kuzet::testing
