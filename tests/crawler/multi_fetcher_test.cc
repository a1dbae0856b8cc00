#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "crawler/fetcher.h"
#include "tests/crawler/test_server.h"
#include "tests/wait_until.h"

namespace kuzet::crawler {
namespace {

using Clock = std::chrono::steady_clock;
using testing::TestServer;

config::Settings LocalSettings() {
  config::Settings settings;
  settings.allow_private_hosts = {"127.0.0.1"};
  settings.fetch_timeout = std::chrono::seconds(5);
  return settings;
}

// Waits for `count` results (or 10 s) and returns them by id.
std::map<uint64_t, Result<FetchResponse>> WaitFor(MultiFetcher& fetcher, size_t count) {
  std::map<uint64_t, Result<FetchResponse>> results;
  Clock::time_point give_up = Clock::now() + std::chrono::seconds(10);
  while (results.size() < count && Clock::now() < give_up) {
    for (auto& [id, result] : fetcher.Wait(Clock::now() + std::chrono::milliseconds(200))) {
      results.emplace(id, std::move(result));
    }
  }
  return results;
}

// The same checks as Fetcher, per fetch, with many fetches in flight at once.
TEST(MultiFetcherTest, GivesTheSameResultsAndErrorsAsFetcher) {
  // 10 servers x 5 paths = 50 fetches in flight. Several servers because cpp-httplib listens
  // with a backlog of 5 and serves a few connections at a time: a dropped SYN costs 1 s.
  constexpr int kServers = 10;
  std::vector<std::unique_ptr<TestServer>> servers;
  for (int s = 0; s < kServers; ++s) {
    auto server = std::make_unique<TestServer>();
    server->server().Get("/page", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<p>hello</p>", "text/html; charset=utf-8");
    });
    server->server().Get("/missing",
                         [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    server->server().Get("/hop", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/page", 301);
    });
    server->server().Get("/loop", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/loop", 302);
    });
    server->server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(200000, 'x'), "text/plain");
    });
    server->Start();
    servers.push_back(std::move(server));
  }
  config::Settings settings = LocalSettings();
  settings.max_body_bytes = 100000;
  const std::vector<std::string> paths = {"/page", "/missing", "/hop", "/loop", "/big"};
  MultiFetcher multi(settings);
  for (int s = 0; s < kServers; ++s) {
    for (size_t i = 0; i < paths.size(); ++i) {
      multi.Start(s * paths.size() + i, {servers[s]->Url(paths[i]), "", ""});
    }
  }
  std::map<uint64_t, Result<FetchResponse>> results = WaitFor(multi, kServers * paths.size());
  ASSERT_EQ(results.size(), kServers * paths.size());
  Fetcher single(settings);
  for (int s = 0; s < kServers; ++s) {
    for (size_t i = 0; i < paths.size(); ++i) {
      Result<FetchResponse> expected = single.Fetch({servers[s]->Url(paths[i]), "", ""});
      const Result<FetchResponse>& got = results.at(s * paths.size() + i);
      ASSERT_EQ(got.ok(), expected.ok()) << paths[i];
      if (!got.ok()) {
        EXPECT_EQ(got.status().message(), expected.status().message());
        continue;
      }
      EXPECT_EQ(got->status, expected->status) << paths[i];
      EXPECT_EQ(got->body, expected->body) << paths[i];
      EXPECT_EQ(got->final_url, expected->final_url) << paths[i];
      EXPECT_EQ(got->redirects, expected->redirects) << paths[i];
      EXPECT_EQ(got->content_type, expected->content_type) << paths[i];
      EXPECT_EQ(got->http_version, 1);
    }
  }
  EXPECT_EQ(results.at(2)->final_url, servers[0]->Url("/page"));
  EXPECT_NE(results.at(3).status().message().find("redirect loop"), std::string::npos);
  EXPECT_NE(results.at(4).status().message().find("max_body_bytes"), std::string::npos);
}

TEST(MultiFetcherTest, RefusesLoopbackUnlessAllowed) {
  TestServer server;
  std::atomic<int> hits{0};
  server.server().Get("/private", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content("secret", "text/plain");
  });
  server.Start();
  config::Settings settings = LocalSettings();
  settings.allow_private_hosts.clear();
  MultiFetcher fetcher(settings);
  fetcher.Start(7, {server.Url("/private"), "", ""});
  std::map<uint64_t, Result<FetchResponse>> results = WaitFor(fetcher, 1);
  ASSERT_EQ(results.count(7), 1u);
  ASSERT_FALSE(results.at(7).ok());
  EXPECT_NE(results.at(7).status().message().find("non-public address 127.0.0.1"),
            std::string::npos);
  EXPECT_EQ(hits.load(), 0);
}

// A server that answers after 1.5 s does not hold up fetches from another one.
TEST(MultiFetcherTest, SlowServerDoesNotDelayOthers) {
  TestServer slow, fast;
  slow.server().Get("/", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // slow on purpose
    res.set_content("slow", "text/plain");
  });
  fast.server().Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("fast", "text/plain");
  });
  slow.Start();
  fast.Start();
  MultiFetcher fetcher(LocalSettings());
  Clock::time_point start = Clock::now();
  for (uint64_t id = 0; id < 4; ++id) fetcher.Start(id, {slow.Url("/"), "", ""});
  // Few enough not to overflow cpp-httplib's listen backlog of 5 (a dropped SYN costs 1 s).
  for (uint64_t id = 10; id < 14; ++id) fetcher.Start(id, {fast.Url("/"), "", ""});
  std::map<uint64_t, Result<FetchResponse>> results;
  double fast_seconds = 0;
  while (results.size() < 8 && Clock::now() - start < std::chrono::seconds(10)) {
    for (auto& [id, result] : fetcher.Wait(Clock::now() + std::chrono::milliseconds(100))) {
      ASSERT_TRUE(result.ok()) << result.status().message();
      EXPECT_EQ(result->body, id < 10 ? "slow" : "fast");
      results.emplace(id, std::move(result));
    }
    size_t fast_done = 0;
    for (const auto& entry : results) fast_done += entry.first >= 10;
    if (fast_done == 4 && fast_seconds == 0) {
      fast_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    }
  }
  EXPECT_EQ(results.size(), 8u);
  EXPECT_GT(fast_seconds, 0);
  EXPECT_LT(fast_seconds, 1.0);
}

TEST(MultiFetcherTest, DestructorAbortsFetchesInFlight) {
  TestServer slow;
  std::atomic<bool> answering{false};
  slow.server().Get("/", [&answering](const httplib::Request&, httplib::Response& res) {
    answering = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // slow on purpose
    res.set_content("slow", "text/plain");
  });
  slow.Start();
  Clock::time_point start = Clock::now();
  {
    MultiFetcher fetcher(LocalSettings());
    fetcher.Start(1, {slow.Url("/"), "", ""});
    // In flight: driven until the server has the request and is answering it.
    ASSERT_TRUE(WaitUntil(
        [&] {
          EXPECT_TRUE(fetcher.Wait(Clock::now() + std::chrono::milliseconds(10)).empty());
          return answering.load();
        },
        std::chrono::seconds(5), std::chrono::milliseconds(1)));
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 0.9);
}

// HTTP/2 is negotiated (ALPN) where a TLS server offers it, also for fetches started together
// (CURLOPT_PIPEWAIT: they wait for the connection and multiplex on it). Uses a private nginx
// (Debian package nginx-light) with a self-signed certificate from openssl; skipped when either is
// missing.
TEST(MultiFetcherTest, NegotiatesHttp2OverTlsWithNginx) {
  namespace fs = std::filesystem;
  const char* nginx = nullptr;
  for (const char* path : {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
    if (access(path, X_OK) == 0) nginx = path;
  }
  if (nginx == nullptr || std::system("command -v openssl >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "nginx or openssl not installed (apt-get install nginx-light openssl)";
  }
  char dir_template[] = "/tmp/kuzet-h2-test.XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const fs::path dir = dir_template;
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  std::string make_cert =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(make_cert.c_str()), 0);
  fs::create_directories(dir / "www");
  std::ofstream(dir / "www" / "index.html") << "<p>over h2</p>";
  const int port = 18443 + static_cast<int>(getpid() % 500);
  {
    std::ofstream conf(dir / "nginx.conf");
    if (getuid() == 0) conf << "user root;\n";
    conf << "worker_processes 1; pid " << (dir / "nginx.pid").string() << "; error_log "
         << (dir / "error.log").string() << ";\nevents {}\nhttp {\n access_log off;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      conf << " " << temp << "_temp_path " << (dir / temp).string() << ";\n";
    }
    conf << " server { listen 127.0.0.1:" << port << " ssl http2; ssl_certificate "
         << (dir / "cert.pem").string() << "; ssl_certificate_key " << (dir / "key.pem").string()
         << "; root " << (dir / "www").string() << "; }\n}\n";
  }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string error_log = (dir / "error.log").string();
    execl(nginx, nginx, "-p", dir.c_str(), "-c", (dir / "nginx.conf").c_str(), "-e",
          error_log.c_str(), "-g", "daemon off;", static_cast<char*>(nullptr));
    _exit(127);
  }
  config::Settings settings = LocalSettings();
  settings.allow_private_hosts = {"*"};
  // The certificate is self-signed: trusted as the only CA, verification stays on.
  const std::string ca_file = (dir / "cert.pem").string();
  const std::string url = "https://localhost:" + std::to_string(port) + "/index.html";
  Result<FetchResponse> first = Status::Network("not started");
  std::map<uint64_t, Result<FetchResponse>> results;
  {
    MultiFetcher fetcher(settings, ca_file);
    for (uint64_t attempt = 100; attempt < 150; ++attempt) {  // nginx needs a moment to listen
      fetcher.Start(attempt, {url, "", ""});
      std::map<uint64_t, Result<FetchResponse>> probe = WaitFor(fetcher, 1);
      if (probe.count(attempt) != 0) first = std::move(probe.at(attempt));
      if (first.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // between tries to connect
    }
    if (first.ok()) {
      for (uint64_t id = 0; id < 10; ++id) fetcher.Start(id, {url, "", ""});
      results = WaitFor(fetcher, 10);
    }
  }
  kill(child, SIGTERM);
  waitpid(child, nullptr, 0);
  fs::remove_all(dir);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "<p>over h2</p>");
  ASSERT_EQ(results.size(), 10u);
  for (const auto& [id, result] : results) {
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->body, "<p>over h2</p>");
  }
  EXPECT_EQ(first->http_version, 2);
  EXPECT_EQ(results.at(9)->http_version, 2);
}

}  // namespace
}  // namespace kuzet::crawler
