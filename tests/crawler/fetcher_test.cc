#include "crawler/fetcher.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "tests/crawler/test_server.h"

namespace kuzet::crawler {
namespace {

using testing::TestServer;

config::Settings LocalSettings() {
  config::Settings settings;
  settings.allow_private_hosts = {"127.0.0.1"};
  settings.fetch_timeout = std::chrono::seconds(5);
  return settings;
}

// A content type cpp-httplib does not compress on its own: it gzips text/* itself for a client
// that accepts gzip, over any Content-Encoding a handler already applied.
constexpr char kUncompressedType[] = "application/octet-stream";

// gzip-compresses `size` bytes of `fill` without holding them in memory.
std::string GzipRepeated(char fill, size_t size) {
  z_stream stream{};
  deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string input(1 << 20, fill);
  std::string out;
  char buffer[1 << 16];
  size_t remaining = size;
  for (;;) {
    size_t chunk = std::min(remaining, input.size());
    stream.next_in = reinterpret_cast<Bytef*>(input.data());
    stream.avail_in = static_cast<uInt>(chunk);
    remaining -= chunk;
    int flush = remaining == 0 ? Z_FINISH : Z_NO_FLUSH;
    int rc;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof buffer;
      rc = deflate(&stream, flush);
      out.append(buffer, sizeof buffer - stream.avail_out);
    } while (stream.avail_out == 0);
    if (rc == Z_STREAM_END) break;
  }
  deflateEnd(&stream);
  return out;
}

long MaxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(FetcherTest, ReturnsStatusHeadersBodyAndUserAgent) {
  TestServer server;
  std::string seen_agent;
  server.server().Get("/page", [&](const httplib::Request& req, httplib::Response& res) {
    seen_agent = req.get_header_value("User-Agent");
    res.set_header("X-Test", "yes");
    res.set_content("<html>hello</html>", "text/html; charset=utf-8");
  });
  server.Start();
  config::Settings settings = LocalSettings();
  settings.user_agent = "KuzetTest/1";
  Fetcher fetcher(settings);
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/page"), "", ""});
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "<html>hello</html>");
  EXPECT_EQ(response->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response->Header("x-test"), "yes");
  EXPECT_EQ(response->Header("X-TEST"), "yes");
  EXPECT_EQ(response->final_url, server.Url("/page"));
  EXPECT_EQ(seen_agent, "KuzetTest/1");
  EXPECT_GT(response->bytes_received, 18);
}

TEST(FetcherTest, NotFoundIsAResponseNotAnError) {
  TestServer server;
  server.server().Get("/missing", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("no", "text/plain");
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/missing"), "", ""});
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 404);
}

TEST(FetcherTest, FollowsRedirectsAndRecordsFinalUrl) {
  TestServer server;
  server.server().Get(
      "/a", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/b", 301); });
  server.server().Get("/b", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("c?x=1", 302);  // relative to /b
  });
  server.server().Get("/c", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("final " + req.get_param_value("x"), "text/plain");
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/a"), "", ""});
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "final 1");
  EXPECT_EQ(response->redirects, 2);
  EXPECT_EQ(response->final_url, server.Url("/c?x=1"));
  EXPECT_EQ(response->url, server.Url("/a"));
}

TEST(FetcherTest, CanStopAtARedirectToAnotherOriginAndSayWhere) {
  TestServer other;
  other.server().Get("/article", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("elsewhere", "text/plain");
  });
  other.Start();
  TestServer server;
  server.server().Get(
      "/a", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/b", 301); });
  server.server().Get("/b", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(other.Url("/article"), 302);  // another port: another origin
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  FetchRequest request{server.Url("/a"), "", "", /*stop_at_cross_origin_redirect=*/true};
  Result<FetchResponse> response = fetcher.Fetch(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->redirects, 1);  // /a -> /b, same origin, followed
  EXPECT_EQ(response->final_url, server.Url("/b"));
  EXPECT_EQ(response->redirect_location, other.Url("/article"));
  // Without the flag the whole chain is followed.
  response = fetcher.Fetch({server.Url("/a"), "", ""});
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->body, "elsewhere");
  EXPECT_EQ(response->redirect_location, "");
}

TEST(FetcherTest, RedirectLoopIsAClearError) {
  TestServer server;
  std::atomic<int> hits{0};
  server.server().Get("/loop1", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_redirect("/loop2", 302);
  });
  server.server().Get("/loop2", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_redirect("/loop1", 302);
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/loop1"), "", ""});
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("redirect loop"), std::string::npos)
      << response.status().message();
  EXPECT_NE(response.status().message().find(server.Url("/loop1")), std::string::npos);
  EXPECT_EQ(hits.load(), 2);
}

TEST(FetcherTest, RedirectChainIsBoundedByMaxRedirects) {
  TestServer server;
  std::atomic<int> hits{0};
  server.server().Get(R"(/hop/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    ++hits;
    res.set_redirect("/hop/" + std::to_string(std::stoi(req.matches[1]) + 1), 301);
  });
  server.Start();
  config::Settings settings = LocalSettings();
  settings.max_redirects = 3;
  Fetcher fetcher(settings);
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/hop/0"), "", ""});
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("too many redirects (max_redirects=3)"),
            std::string::npos)
      << response.status().message();
  EXPECT_EQ(hits.load(), 4);  // the original request and three redirects
}

TEST(FetcherTest, DecodesGzipBody) {
  TestServer server;
  const std::string compressed = GzipRepeated('k', 100000);
  std::string accept_encoding;
  server.server().Get("/gz", [&](const httplib::Request& req, httplib::Response& res) {
    accept_encoding = req.get_header_value("Accept-Encoding");
    res.set_header("Content-Encoding", "gzip");
    res.set_content(compressed, kUncompressedType);
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/gz"), "", ""});
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->body, std::string(100000, 'k'));
  EXPECT_NE(accept_encoding.find("gzip"), std::string::npos);
  EXPECT_LT(response->bytes_received, 10000);  // the compressed size went over the wire
}

TEST(FetcherTest, RefusesBodyOverLimit) {
  TestServer server;
  server.server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(2 << 20, 'x'), "text/html");
  });
  server.Start();
  config::Settings settings = LocalSettings();
  settings.max_body_bytes = 1 << 20;
  Fetcher fetcher(settings);
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/big"), "", ""});
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("max_body_bytes"), std::string::npos)
      << response.status().message();
}

TEST(FetcherTest, GzipBombStopsAtLimitWithBoundedMemory) {
  TestServer server;
  const size_t inflated = size_t{160} << 20;  // 160 MiB of zeros, ~160 KB compressed
  const std::string bomb = GzipRepeated('\0', inflated);
  ASSERT_LT(bomb.size(), size_t{1} << 20);
  server.server().Get("/bomb", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(bomb, kUncompressedType);
  });
  server.Start();
  config::Settings settings = LocalSettings();
  settings.max_body_bytes = 1 << 20;
  Fetcher fetcher(settings);
  long rss_before_kb = MaxRssKb();
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/bomb"), "", ""});
  long rss_after_kb = MaxRssKb();
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("after decompression"), std::string::npos)
      << response.status().message();
  EXPECT_LT(rss_after_kb - rss_before_kb, 64 * 1024)
      << "peak memory grew by " << rss_after_kb - rss_before_kb << " KiB";
}

TEST(FetcherTest, TimesOutOnSlowServer) {
  TestServer server;
  server.server().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // slow on purpose
    res.set_content("late", "text/plain");
  });
  server.Start();
  config::Settings settings = LocalSettings();
  settings.fetch_timeout = std::chrono::seconds(1);
  Fetcher fetcher(settings);
  auto start = std::chrono::steady_clock::now();
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/slow"), "", ""});
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("timed out"), std::string::npos)
      << response.status().message();
  EXPECT_LT(elapsed, 1.5);
}

TEST(FetcherTest, RefusesLoopbackUnlessAllowed) {
  TestServer server;
  std::atomic<int> hits{0};
  server.server().Get("/private", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content("secret", "text/plain");
  });
  server.Start();
  config::Settings settings = LocalSettings();
  settings.allow_private_hosts.clear();
  Fetcher refusing(settings);
  Result<FetchResponse> refused = refusing.Fetch({server.Url("/private"), "", ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("non-public address 127.0.0.1"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(hits.load(), 0);

  settings.allow_private_hosts = {"*"};
  Fetcher allowing(settings);
  Result<FetchResponse> allowed = allowing.Fetch({server.Url("/private"), "", ""});
  ASSERT_TRUE(allowed.ok()) << allowed.status().message();
  EXPECT_EQ(allowed->body, "secret");
}

TEST(FetcherTest, RedirectToUnlistedPrivateHostIsRefused) {
  // "localhost" is allowed; a redirect from it to the literal 127.0.0.1 is not.
  TestServer server;
  std::atomic<int> private_hits{0};
  server.server().Get("/start", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("http://127.0.0.1:" + std::to_string(server.port()) + "/internal", 302);
  });
  server.server().Get("/internal", [&](const httplib::Request&, httplib::Response& res) {
    ++private_hits;
    res.set_content("internal", "text/plain");
  });
  server.Start();
  config::Settings settings = LocalSettings();
  settings.allow_private_hosts = {"localhost"};
  Fetcher fetcher(settings);
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/start", "localhost"), "", ""});
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("non-public address 127.0.0.1"), std::string::npos)
      << response.status().message();
  EXPECT_EQ(private_hits.load(), 0);
}

TEST(FetcherTest, ConditionalGetSendsValidatorsAndReports304) {
  TestServer server;
  std::string if_none_match, if_modified_since;
  server.server().Get("/feed", [&](const httplib::Request& req, httplib::Response& res) {
    if_none_match = req.get_header_value("If-None-Match");
    if_modified_since = req.get_header_value("If-Modified-Since");
    if (if_none_match == "\"v1\"") {
      res.status = 304;
      return;
    }
    res.set_header("ETag", "\"v1\"");
    res.set_content("<rss/>", "application/rss+xml");
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> first = fetcher.Fetch({server.Url("/feed"), "", ""});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->status, 200);
  EXPECT_TRUE(if_none_match.empty());
  const std::string etag = first->Header("etag");
  EXPECT_EQ(etag, "\"v1\"");

  Result<FetchResponse> second =
      fetcher.Fetch({server.Url("/feed"), etag, "Sun, 29 Nov 2026 07:00:00 GMT"});
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->status, 304);
  EXPECT_TRUE(second->body.empty());
  EXPECT_EQ(if_none_match, "\"v1\"");
  EXPECT_EQ(if_modified_since, "Sun, 29 Nov 2026 07:00:00 GMT");
}

TEST(FetcherTest, RefusesNonHttpSchemesIncludingRedirects) {
  TestServer server;
  server.server().Get("/to-file", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("file:///etc/passwd", 302);
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> direct = fetcher.Fetch({"file:///etc/passwd", "", ""});
  ASSERT_FALSE(direct.ok());
  EXPECT_NE(direct.status().message().find("non-http(s)"), std::string::npos);
  Result<FetchResponse> redirected = fetcher.Fetch({server.Url("/to-file"), "", ""});
  ASSERT_FALSE(redirected.ok());
  EXPECT_NE(redirected.status().message().find("non-http(s)"), std::string::npos)
      << redirected.status().message();
}

TEST(FetcherTest, ConnectionRefusedNamesTheUrl) {
  TestServer server;
  server.Start();
  std::string url = server.Url("/gone");
  server.Stop();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> response = fetcher.Fetch({url, "", ""});
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find(url), std::string::npos);
}

// Evidence (issue #20): the body as transferred, the heads as they crossed the wire.
TEST(FetcherTest, KeepsGzipBodyAsTransferredBesideTheDecodedOne) {
  TestServer server;
  const std::string compressed = GzipRepeated('k', 5000);
  server.server().Get("/gz", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_header("X-Probe", "evidence");
    res.set_content(compressed, kUncompressedType);
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/gz"), "", ""});
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->body, std::string(5000, 'k'));
  EXPECT_TRUE(response->content_decoded);
  EXPECT_EQ(response->encoded_body, compressed);
  EXPECT_EQ(response->TransferredBody(), compressed);
  EXPECT_TRUE(response->response_head.starts_with("HTTP/1.1 200 OK\r\n"))
      << response->response_head;
  EXPECT_TRUE(response->response_head.ends_with("\r\n\r\n"));
  EXPECT_NE(response->response_head.find("Content-Encoding: gzip\r\n"), std::string::npos);
  EXPECT_NE(response->response_head.find("X-Probe: evidence\r\n"), std::string::npos);
  EXPECT_TRUE(response->request_head.starts_with("GET /gz HTTP/1.1\r\n")) << response->request_head;
  EXPECT_TRUE(response->request_head.ends_with("\r\n\r\n"));
  EXPECT_NE(response->request_head.find("Accept-Encoding: gzip, deflate\r\n"), std::string::npos);
  EXPECT_EQ(response->remote_ip, "127.0.0.1");
}

TEST(FetcherTest, PlainBodyIsItsOwnTransferredForm) {
  TestServer server;
  server.server().Get("/plain", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("<p>plain</p>", kUncompressedType);
  });
  server.Start();
  Fetcher fetcher(LocalSettings());
  Result<FetchResponse> response = fetcher.Fetch({server.Url("/plain"), "", ""});
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_FALSE(response->content_decoded);
  EXPECT_EQ(response->encoded_body, "");
  EXPECT_EQ(response->TransferredBody(), "<p>plain</p>");
}

// "deflate" is the zlib format, but servers send raw deflate too; both are read.
std::string Deflate(const std::string& text, int window_bits) {
  z_stream stream{};
  deflateInit2(&stream, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

TEST(FetcherTest, DecodesEveryCodingItAsksForAndRefusesTheRest) {
  const std::string page = "<p>" + std::string(3000, 'z') + "</p>";
  const std::string gzip = GzipRepeated('q', 2000);
  struct Case {
    std::string name, coding, sent, expected_body, expected_error;
  } cases[] = {
      {"zlib deflate", "deflate", Deflate(page, 15), page, ""},
      {"raw deflate", "deflate", Deflate(page, -15), page, ""},
      {"x-gzip", "x-gzip", gzip, std::string(2000, 'q'), ""},
      {"upper case", "GZIP", gzip, std::string(2000, 'q'), ""},
      {"brotli", "br", "\x0b\x01\x80hello\x03", "", "unsupported Content-Encoding \"br\""},
      {"two codings", "gzip, gzip", gzip, "", "unsupported Content-Encoding \"gzip, gzip\""},
      {"not gzip", "gzip", std::string(500, 'x'), "", "damaged body"},
      {"truncated gzip", "gzip", gzip.substr(0, gzip.size() / 2), "", "damaged body"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestServer server;
    server.server().Get("/c", [&](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", c.coding);
      res.set_content(c.sent, kUncompressedType);
    });
    server.Start();
    Fetcher fetcher(LocalSettings());
    Result<FetchResponse> response = fetcher.Fetch({server.Url("/c"), "", ""});
    if (c.expected_error.empty()) {
      ASSERT_TRUE(response.ok()) << response.status().message();
      EXPECT_EQ(response->body, c.expected_body);
      EXPECT_EQ(response->TransferredBody(), c.sent);
    } else {
      ASSERT_FALSE(response.ok());
      EXPECT_NE(response.status().message().find(c.expected_error), std::string::npos)
          << response.status().message();
      EXPECT_NE(response.status().message().find(server.Url("/c")), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace kuzet::crawler
