// The loopback site (test_site.h) crawled by the real binary, as the CLI tests that read back
// what a crawl stored set it up: the config, the crawl, the document a mention names. The
// [settings] table is also that of the daemon tests' configs (`kuzet run` over a loopback site).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "tests/app/run_command.h"
#include "tests/app/test_site.h"

namespace kuzet::testing {

// The [settings] table of a test config: the store in "data" beside the config, no politeness
// delay, the loopback site allowed (it is a private host).
inline std::string LoopbackSettings(std::string_view log_level) {
  return R"([settings]
data_dir = "data"
per_host_delay = "0s"
allow_private_hosts = ["127.0.0.1"]
log_level = ")" +
         std::string(log_level) + "\"\n";
}

// The site one level deep from its home page, and the rule "zhanaozen" in its three spellings,
// which the English, Russian and Kazakh strike articles match.
inline std::string SteppeCrawlConfig(const TestSite& site) {
  return LoopbackSettings("warn") + R"(
[[sites]]
id = "steppe"
start_urls = [")" +
         site.Url("/") +
         R"("]
max_depth = 1

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен", "Жаңаөзен"]
)";
}

// `kuzet crawl --once --config CONFIG`; fails the test (fatally) unless it exits 0.
inline void CrawlOnce(const std::string& config) {
  CommandResult crawl = RunKuzet("crawl --once --config " + config + " 2>&1");
  ASSERT_EQ(crawl.exit_code, 0) << crawl.out;
}

// The document of the mention whose URL contains `path` (as `kuzet mentions` lists it); 0,
// failing the test, if there is none.
inline uint64_t MentionedDoc(const std::string& config, std::string_view path) {
  CommandResult r = RunKuzet("mentions --config " + config + " --format json");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  for (const auto& m : nlohmann::json::parse(r.out)) {
    if (m["url"].get<std::string>().find(path) != std::string::npos) {
      return m["doc_id"].get<uint64_t>();
    }
  }
  ADD_FAILURE() << "no mention of " << path << ": " << r.out;
  return 0;
}

}  // namespace kuzet::testing
