// bench_crawl: (1) crawl throughput of kuzet::crawler::Crawler on local sites with simulated
// network latency, next to a sequential libcurl loop fetching the same URLs; (2) link
// canonicalization throughput on the links of real news pages (htmldate-dev), next to libcurl's
// URL parser alone (curl_url set + get, what any libcurl-based crawler pays at least).
#include <curl/curl.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crawler/crawler.h"
#include "url/url.h"

namespace {

using Clock = std::chrono::steady_clock;
using kuzet::crawler::CrawledPage;
using kuzet::crawler::Crawler;
using kuzet::crawler::CrawlHandler;
using kuzet::crawler::CrawlStats;

constexpr int kSites = 4;
constexpr int kPagesPerSite = 50;
constexpr int kLatencyMs = 20;

std::vector<std::string> ExtractLinks(const std::string& body, const std::string& base) {
  static const std::regex href(R"re(href="([^"]*)")re");
  std::vector<std::string> links;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), href); it != std::sregex_iterator();
       ++it) {
    auto absolute = kuzet::url::Resolve(base, (*it)[1].str());
    if (absolute.ok()) links.push_back(*absolute);
  }
  return links;
}

class LinkHandler : public CrawlHandler {
 public:
  int pages = 0;
  bool ShouldFetch(const kuzet::config::Site&, const std::string&) override { return true; }
  std::vector<std::string> OnPage(const CrawledPage& page) override {
    ++pages;
    return ExtractLinks(page.response.body, page.response.final_url);
  }
  void OnFetchError(const kuzet::config::Site&, const std::string& url,
                    const kuzet::Status& error) override {
    std::fprintf(stderr, "error %s: %s\n", url.c_str(), error.message().c_str());
  }
};

size_t Discard(char*, size_t size, size_t count, void* body) {
  static_cast<std::string*>(body)->append(size * count, ' ');
  return size * count;
}

void BenchCrawl() {
  std::string start_page;
  for (int i = 0; i < kPagesPerSite - 1; ++i) {
    start_page += "<a href=\"/p" + std::to_string(i) + "\">article " + std::to_string(i) + "</a>\n";
  }
  std::vector<std::unique_ptr<httplib::Server>> servers;
  std::vector<std::thread> threads;
  std::vector<int> ports;
  for (int s = 0; s < kSites; ++s) {
    auto server = std::make_unique<httplib::Server>();
    server->Get(R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kLatencyMs));
      if (req.path == "/robots.txt") {
        res.status = 404;
      } else if (req.path == "/start") {
        res.set_content(start_page, "text/html");
      } else {
        res.set_content(std::string(20000, 'x'), "text/html");
      }
    });
    ports.push_back(server->bind_to_any_port("127.0.0.1"));
    httplib::Server* raw = server.get();
    threads.emplace_back([raw] { raw->listen_after_bind(); });
    servers.push_back(std::move(server));
  }
  for (auto& server : servers) {
    while (!server->is_running()) std::this_thread::yield();
  }

  std::vector<kuzet::config::Site> sites(kSites);
  std::vector<std::string> all_urls;
  for (int s = 0; s < kSites; ++s) {
    std::string origin = "http://127.0.0.1:" + std::to_string(ports[s]);
    sites[s].id = "site" + std::to_string(s);
    sites[s].start_urls = {origin + "/start"};
    sites[s].max_depth = 1;
    sites[s].max_pages = kPagesPerSite;
    all_urls.push_back(origin + "/robots.txt");
    all_urls.push_back(origin + "/start");
    for (int i = 0; i < kPagesPerSite - 1; ++i)
      all_urls.push_back(origin + "/p" + std::to_string(i));
  }
  kuzet::config::Settings settings;
  settings.allow_private_hosts = {"127.0.0.1"};
  settings.per_host_delay = std::chrono::seconds(0);
  settings.concurrency = 8;
  settings.per_host_connections = 2;

  LinkHandler handler;
  auto start = Clock::now();
  CrawlStats stats = Crawler(settings).CrawlOnce(sites, handler);
  double kuzet_seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // Peer: one libcurl easy handle fetching the same URLs one after another.
  CURL* curl = curl_easy_init();
  std::string body;
  int fetched = 0;
  start = Clock::now();
  for (const std::string& url : all_urls) {
    body.clear();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Discard);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    if (curl_easy_perform(curl) == CURLE_OK) ++fetched;
  }
  double peer_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  curl_easy_cleanup(curl);

  int kuzet_requests = stats.pages_fetched + stats.robots_fetched;
  std::printf("crawl: %d sites x %d pages, %d ms latency per request\n", kSites, kPagesPerSite,
              kLatencyMs);
  std::printf("  kuzet Crawler (concurrency 8, 2 per host): %d requests in %.2f s = %.0f req/s\n",
              kuzet_requests, kuzet_seconds, kuzet_requests / kuzet_seconds);
  std::printf("  sequential libcurl loop:                   %d requests in %.2f s = %.0f req/s\n",
              fetched, peer_seconds, fetched / peer_seconds);
  std::printf("  ratio (kuzet / sequential req/s): %.2f\n",
              (kuzet_requests / kuzet_seconds) / (fetched / peer_seconds));
  for (auto& server : servers) server->stop();
  for (auto& thread : threads) thread.join();
}

void BenchCanonicalize() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(KUZET_SHARED_DIR) / "corpus/htmldate-dev";
  std::ifstream index_file(dir / "eval_mediacloud_2020.json");
  if (!index_file) {
    std::printf("canonicalize: skipped, %s absent\n", dir.c_str());
    return;
  }
  // The index holds NaN dates, which JSON parsers reject; only "url": {"file": ...} is needed.
  std::stringstream index_text;
  index_text << index_file.rdbuf();
  const std::string text = index_text.str();
  static const std::regex entry(R"re("(https?://[^"]+)": \{"file": "([^"]+)")re");
  std::vector<std::string> links;
  size_t pages = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry);
       it != std::sregex_iterator(); ++it) {
    std::ifstream page(dir / "test_set" / (*it)[2].str(), std::ios::binary);
    std::stringstream buffer;
    buffer << page.rdbuf();
    ++pages;
    for (std::string& link : ExtractLinks(buffer.str(), (*it)[1].str())) {
      links.push_back(std::move(link));
    }
  }
  const int rounds = 5;
  int ok = 0;
  auto start = Clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& link : links) ok += kuzet::url::Canonicalize(link).ok();
  }
  double kuzet_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  int peer_ok = 0;
  start = Clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& link : links) {
      CURLU* handle = curl_url();
      char* out = nullptr;
      if (curl_url_set(handle, CURLUPART_URL, link.c_str(), 0) == CURLUE_OK &&
          curl_url_get(handle, CURLUPART_URL, &out, 0) == CURLUE_OK) {
        ++peer_ok;
      }
      curl_free(out);
      curl_url_cleanup(handle);
    }
  }
  double peer_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  double n = static_cast<double>(links.size()) * rounds;
  std::printf("canonicalize: %zu links from %zu real news pages, %d rounds\n", links.size(), pages,
              rounds);
  std::printf("  kuzet Canonicalize:       %.0f URLs/s (%d ok)\n", n / kuzet_seconds, ok / rounds);
  std::printf("  curl_url set+get only:    %.0f URLs/s (%d ok)\n", n / peer_seconds,
              peer_ok / rounds);
  std::printf("  ratio (kuzet / curl_url): %.2f\n", peer_seconds / kuzet_seconds);
}

}  // namespace

int main() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  BenchCrawl();
  BenchCanonicalize();
  curl_global_cleanup();
  return 0;
}
