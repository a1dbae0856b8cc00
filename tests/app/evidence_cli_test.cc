// `kuzet evidence DOC [--out FILE] [--verify]` after a real crawl of the loopback site (issue
// #20): the records of a matched document come out as a .warc.gz stream that webrecorder's warcio
// reads, with every block and payload digest recomputed by it; the site's pages are served
// gzip-encoded and the response records keep the gzip bytes; --verify finds a flipped byte and
// names the file and offset. warcio (npm) is installed by `setup.sh --test` into build/node-tools;
// without node or warcio that part is skipped, saying so.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/store.h"
#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/app/test_site.h"
#include "tests/scratch_dir.h"
#include "tests/shell_quote.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunKuzet;
using testing::RunShell;
using testing::ShellQuoted;

class EvidenceCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(config_) << testing::SteppeCrawlConfig(site_);
    ASSERT_NO_FATAL_FAILURE(testing::CrawlOnce(config_));
  }

  // The document of the English strike article, which mentions Zhanaozen.
  uint64_t MatchedDoc() { return testing::MentionedDoc(config_, "/en/strike.html"); }

  std::vector<storage::EvidenceCapture> Captures(uint64_t doc) {
    auto store =
        storage::Store::Open((dir_.path() / "data").string(), storage::Store::Mode::kReadOnly);
    EXPECT_TRUE(store.ok()) << store.status().message();
    if (!store.ok()) return {};
    auto captures = (*store)->reader().Evidence(doc);
    EXPECT_TRUE(captures.ok()) << captures.status().message();
    return captures.ok() ? *captures : std::vector<storage::EvidenceCapture>{};
  }

  testing::TestSite site_;
  testing::ScratchDir dir_{"kuzet-evidence-cli"};
  std::string config_ = (dir_.path() / "kuzet.toml").string();
};

TEST_F(EvidenceCliTest, MatchedDocumentsRecordsAreAWarcThatWarcioReadsWithEveryDigest) {
  const uint64_t doc = MatchedDoc();
  ASSERT_NE(doc, 0u);
  const std::string out = (dir_.path() / "doc.warc.gz").string();
  CommandResult written = RunKuzet("evidence " + std::to_string(doc) + " --config " + config_ +
                                   " --out " + out + " 2>&1");
  ASSERT_EQ(written.exit_code, 0) << written.out;
  // The same bytes on stdout.
  CommandResult to_stdout =
      RunShell(std::string(KUZET_BINARY) + " evidence " + std::to_string(doc) + " --config " +
               config_ + " | cmp - " + out + " && echo same");
  EXPECT_EQ(to_stdout.out, "same\n");
  CommandResult verified =
      RunKuzet("evidence " + std::to_string(doc) + " --config " + config_ + " --verify 2>&1");
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
  EXPECT_NE(verified.out.find("every digest matches"), std::string::npos) << verified.out;

  const fs::path warcio = KUZET_WARCIO_DIR;
  if (RunShell("node --version").exit_code != 0) GTEST_SKIP() << "node is not installed";
  if (!fs::exists(warcio / "dist/index.js")) {
    GTEST_SKIP() << "warcio is not installed at " << warcio << " (run ./setup.sh --test)";
  }
  CommandResult read =
      RunShell("node " +
               ShellQuoted(std::string(KUZET_SOURCE_DIR) + "/tests/storage/warc/warcio_check.mjs") +
               " " + ShellQuoted(warcio.string()) + " " + ShellQuoted(out) + " 2>&1");
  ASSERT_EQ(read.exit_code, 0) << read.out;
  std::vector<nlohmann::json> records;
  std::istringstream lines(read.out);
  for (std::string line; std::getline(lines, line);) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 4u) << read.out;
  const char* types[] = {"warcinfo", "request", "response", "metadata"};
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(records[i].dump());
    EXPECT_EQ(records[i]["type"], types[i]);
    EXPECT_EQ(records[i]["blockDigestOk"], true);
  }
  const nlohmann::json& response = records[2];
  EXPECT_EQ(response["payloadDigestOk"], true);
  EXPECT_EQ(response["httpStatus"], 200);
  EXPECT_EQ(response["contentEncoding"], "gzip") << "the page as transferred, gzip and all";
  EXPECT_EQ(response["targetUri"], site_.Url("/en/strike.html"));  // utm_ taken off
  EXPECT_EQ(records[1]["concurrentTo"], response["id"]);
  EXPECT_EQ(records[3]["refersTo"], response["id"]);
  for (size_t i = 1; i < records.size(); ++i) EXPECT_EQ(records[i]["warcinfoId"], records[0]["id"]);
}

TEST_F(EvidenceCliTest, VerifyFindsAFlippedByteAndNamesFileAndOffset) {
  const uint64_t doc = MatchedDoc();
  ASSERT_NE(doc, 0u);
  std::vector<storage::EvidenceCapture> captures = Captures(doc);
  ASSERT_EQ(captures.size(), 1u);
  ASSERT_EQ(captures[0].records.size(), 3u);
  const storage::EvidenceLocation response = captures[0].records[1];
  const fs::path file = dir_.path() / "data" / "evidence" / response.file;
  {
    std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
    const std::streamoff at = static_cast<std::streamoff>(response.offset + response.length / 2);
    bytes.seekg(at);
    char c = 0;
    bytes.get(c);
    bytes.seekp(at);
    bytes.put(static_cast<char>(c ^ 0x20));
  }
  CommandResult verified =
      RunKuzet("evidence " + std::to_string(doc) + " --config " + config_ + " --verify 2>&1");
  EXPECT_NE(verified.exit_code, 0) << verified.out;
  EXPECT_NE(verified.out.find(file.string() + " at offset " + std::to_string(response.offset)),
            std::string::npos)
      << verified.out;
  // The damaged records are not written out either.
  CommandResult written = RunKuzet("evidence " + std::to_string(doc) + " --config " + config_ +
                                   " --out " + (dir_.path() / "x.warc.gz").string() + " 2>&1");
  EXPECT_NE(written.exit_code, 0) << written.out;
}

TEST_F(EvidenceCliTest, DocumentWithoutMentionsHasNoEvidence) {
  auto store =
      storage::Store::Open((dir_.path() / "data").string(), storage::Store::Mode::kReadOnly);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto weather = (*store)->reader().GetUrl(site_.Url("/en/weather.html"));
  ASSERT_TRUE(weather.ok() && weather->has_value()) << "the weather page should be stored";
  const uint64_t doc = (*weather)->doc_id;
  store->reset();
  CommandResult r = RunKuzet("evidence " + std::to_string(doc) + " --config " + config_ + " 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("has no evidence"), std::string::npos) << r.out;
}

size_t WarcFiles(const fs::path& dir) {
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    n += entry.path().filename().string().ends_with(".warc.gz");
  }
  return n;
}

TEST_F(EvidenceCliTest, CompactDeletesEvidenceOnlyWhenToldAndPastRetention) {
  const uint64_t doc = MatchedDoc();
  ASSERT_NE(doc, 0u);
  const fs::path evidence = dir_.path() / "data" / "evidence";
  const size_t files = WarcFiles(evidence);
  ASSERT_GE(files, 1u);

  CommandResult plain = RunKuzet("compact --config " + config_ + " 2>&1");
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  EXPECT_EQ(WarcFiles(evidence), files);
  EXPECT_EQ(Captures(doc).size(), 1u);
  CommandResult forever = RunKuzet("compact --evidence --config " + config_ + " 2>&1");
  ASSERT_EQ(forever.exit_code, 0) << forever.out;
  EXPECT_NE(forever.out.find("evidence: kept"), std::string::npos) << forever.out;
  EXPECT_EQ(WarcFiles(evidence), files);
  EXPECT_EQ(Captures(doc).size(), 1u);

  std::ofstream(config_, std::ios::app) << "\n[evidence]\nretention = \"1s\"\n";
  sleep(2);  // every capture is now older than the retention
  CommandResult retained = RunKuzet("compact --evidence --config " + config_ + " 2>&1");
  ASSERT_EQ(retained.exit_code, 0) << retained.out;
  EXPECT_NE(retained.out.find("deleted " + std::to_string(files) + " WARC files"),
            std::string::npos)
      << retained.out;
  EXPECT_EQ(WarcFiles(evidence), 0u);
  EXPECT_TRUE(Captures(doc).empty());
  CommandResult gone =
      RunKuzet("evidence " + std::to_string(doc) + " --config " + config_ + " 2>&1");
  EXPECT_EQ(gone.exit_code, 1) << gone.out;
  EXPECT_NE(gone.out.find("has no evidence"), std::string::npos) << gone.out;
}

// Before any crawl, every command that reads the store (evidence among them, which reads the
// config itself for its [evidence] dir) says there is no data yet and how to make some, whether
// the store is named by --config or by --data-dir: one opener, one answer.
TEST(QueryCommandsBeforeACrawlTest, SayThereIsNoDataYet) {
  testing::TestSite site;  // never crawled
  testing::ScratchDir dir("kuzet-no-data-yet");
  const std::string config = (dir.path() / "kuzet.toml").string();
  std::ofstream(config) << testing::SteppeCrawlConfig(site);
  const std::string missing = (dir.path() / "data").string();
  for (const char* command :
       {"mentions", "doc 1", "stories", "search Zhanaozen", "history 1", "evidence 1"}) {
    for (const std::string& store : {"--config " + config, "--data-dir " + missing}) {
      SCOPED_TRACE(std::string(command) + " " + store);
      CommandResult r = RunKuzet(std::string(command) + " " + store + " 2>&1");
      EXPECT_EQ(r.exit_code, 1) << r.out;
      EXPECT_NE(
          r.out.find(missing + ": no data yet: run `kuzet crawl --once` or `kuzet run` first"),
          std::string::npos)
          << r.out;
    }
  }
  EXPECT_FALSE(fs::exists(missing)) << "a query command must not create the store";
}

}  // namespace
}  // namespace kuzet
