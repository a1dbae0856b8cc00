// The pipeline's evidence archive (issue #20): a page that produced a mention is kept in WARC
// files exactly as it was fetched (a gzip-served page keeps its gzip bytes), a page fetched again
// unchanged gets a revisit record, the store points at every record, and an archive that may not
// grow (max_disk) keeps the page out of the store instead of storing it without evidence.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/pipeline.h"
#include "crawler/fetcher.h"
#include "storage/warc/payload_digest.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_verifier.h"
#include "tests/crawler/test_server.h"
#include "tests/scratch_dir.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;

const std::string kArticle =
    "<html><head><title>Strike in Zhanaozen</title></head><body><article><h1>Strike in "
    "Zhanaozen</h1><p>The oil workers of Zhanaozen went on strike again this week, demanding the "
    "wages they were promised. " +
    std::string(40, ' ') +
    "Their union says the company has not answered.</p><p>The strike began on Monday, when the "
    "morning shift did not go down to the wells, and by Wednesday it had spread to the "
    "neighbouring fields.</p></article></body></html>";

class EvidencePipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // text/html: cpp-httplib gzips it for a client that accepts gzip, as many news sites do.
    server_.server().Get("/news/1", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kArticle, "text/html; charset=utf-8");
    });
    server_.Start();
    settings_.allow_private_hosts = {"127.0.0.1"};
    site_.id = "steppe";
  }

  crawler::CrawledPage Fetch() {
    crawler::Fetcher fetcher(settings_);
    auto response = fetcher.Fetch({server_.Url("/news/1"), "", ""});
    EXPECT_TRUE(response.ok()) << response.status().message();
    crawler::CrawledPage page;
    page.site = &site_;
    page.url = server_.Url("/news/1");
    page.kind = crawler::PageKind::kLink;
    if (response.ok()) page.response = std::move(*response);
    return page;
  }

  kuzet::testing::ScratchDir dir_{"kuzet-evidence"};
  crawler::testing::TestServer server_;
  config::Settings settings_;
  config::Site site_;
};

storage::warc::WarcRecord RecordAt(const fs::path& dir, const storage::EvidenceLocation& l) {
  auto record = storage::warc::ReadWarcRecordAt(dir / l.file, l.offset);
  EXPECT_TRUE(record.ok()) << record.status().message();
  if (!record.ok()) return {};
  EXPECT_EQ(record->length, l.length);
  EXPECT_TRUE(storage::warc::VerifyWarcRecord(record->record, l.file).ok());
  return record->record;
}

std::string BodyOf(const storage::warc::WarcRecord& record) {
  const size_t end = record.block.find("\r\n\r\n");
  return end == std::string::npos ? "" : record.block.substr(end + 4);
}

TEST_F(EvidencePipelineTest, GzipServedPageKeepsItsTransferBytesAndARefetchIsARevisit) {
  auto store = storage::Store::Open((dir_.path() / "data").string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto archive = storage::warc::EvidenceArchive::Open({dir_.path() / "evidence"});
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  PagePipeline pipeline(*matcher, **store);
  pipeline.ArchiveEvidence(archive->get());

  crawler::CrawledPage page = Fetch();
  ASSERT_TRUE(page.response.content_decoded) << "the test server should have gzipped the page";
  ASSERT_NE(page.response.encoded_body, page.response.body);
  pipeline.OnPage(page);
  ASSERT_EQ(pipeline.counters().at("steppe").new_mentions, 1);
  auto url = (*store)->reader().GetUrl(page.url);
  ASSERT_TRUE(url.ok() && url->has_value());
  const uint64_t doc_id = (*url)->doc_id;
  auto captures = (*store)->reader().Evidence(doc_id);
  ASSERT_TRUE(captures.ok()) << captures.status().message();
  ASSERT_EQ(captures->size(), 1u);
  const storage::EvidenceCapture first = (*captures)[0];
  EXPECT_FALSE(first.revisit);
  ASSERT_EQ(first.records.size(), 3u);

  const fs::path evidence = dir_.path() / "evidence";
  storage::warc::WarcRecord request = RecordAt(evidence, first.records[0]);
  storage::warc::WarcRecord response = RecordAt(evidence, first.records[1]);
  storage::warc::WarcRecord metadata = RecordAt(evidence, first.records[2]);
  EXPECT_EQ(request.type(), "request");
  EXPECT_TRUE(request.block.starts_with("GET /news/1 HTTP/1.1\r\n")) << request.block;
  EXPECT_EQ(response.type(), "response");
  // The transfer bytes: the head as received, the body still gzip-compressed.
  EXPECT_NE(response.block.find("\r\nContent-Encoding: gzip\r\n"), std::string::npos)
      << response.block.substr(0, 400);
  EXPECT_EQ(BodyOf(response), page.response.encoded_body);
  EXPECT_EQ(*response.Field("WARC-Payload-Digest"),
            storage::warc::WarcSha1Digest(page.response.encoded_body));
  EXPECT_NE(*response.Field("WARC-Payload-Digest"),
            storage::warc::WarcSha1Digest(page.response.body));
  EXPECT_EQ(*response.Field("WARC-IP-Address"), "127.0.0.1");
  EXPECT_EQ(*response.Field("WARC-Target-URI"), page.url);
  EXPECT_EQ(metadata.type(), "metadata");
  EXPECT_NE(metadata.block.find("kuzet-document: " + std::to_string(doc_id) + "\r\n"),
            std::string::npos)
      << metadata.block;
  EXPECT_NE(metadata.block.find("kuzet-mention: 1\r\n"), std::string::npos) << metadata.block;
  EXPECT_EQ(*metadata.Field("WARC-Refers-To"), *response.Field("WARC-Record-ID"));

  // Fetched again, unchanged: a revisit of the first capture, whose payload is not stored again.
  crawler::CrawledPage again = Fetch();
  ASSERT_EQ(again.response.encoded_body, page.response.encoded_body);
  pipeline.OnPage(again);
  captures = (*store)->reader().Evidence(doc_id);
  ASSERT_TRUE(captures.ok());
  ASSERT_EQ(captures->size(), 2u);
  const storage::EvidenceCapture second = (*captures)[1];
  EXPECT_TRUE(second.revisit);
  EXPECT_EQ(second.payload_record_id, first.payload_record_id);
  storage::warc::WarcRecord revisit = RecordAt(evidence, second.records[1]);
  EXPECT_EQ(revisit.type(), "revisit");
  EXPECT_EQ(*revisit.Field("WARC-Refers-To"), *response.Field("WARC-Record-ID"));
  EXPECT_EQ(*revisit.Field("WARC-Payload-Digest"), *response.Field("WARC-Payload-Digest"));
  EXPECT_EQ(BodyOf(revisit), "") << "a revisit keeps the head only";
  EXPECT_EQ(RecordAt(evidence, second.records[2]).type(), "metadata");

  // Every file of the archive reads and verifies whole.
  for (const auto& file : fs::directory_iterator(evidence)) {
    auto n = storage::warc::VerifyWarcFile(file.path());
    ASSERT_TRUE(n.ok()) << n.status().message();
    EXPECT_EQ(*n, 7u);  // warcinfo, then 3 records a capture
  }
}

TEST_F(EvidencePipelineTest, ArchiveOverMaxDiskKeepsThePageOutOfTheStoreLoudly) {
  auto store = storage::Store::Open((dir_.path() / "data").string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  storage::warc::EvidenceArchiveOptions options{dir_.path() / "evidence"};
  options.max_disk_bytes = 4096;  // less than one capture
  auto archive = storage::warc::EvidenceArchive::Open(options);
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  PagePipeline pipeline(*matcher, **store);
  pipeline.ArchiveEvidence(archive->get());
  ASSERT_TRUE(pipeline.CanStore());

  crawler::CrawledPage page = Fetch();
  std::vector<crawler::PageCommit> group(1);
  group[0].page = &page;
  group[0].result = pipeline.Analyze(page, std::atomic<bool>(false));
  pipeline.CommitGroup(group);
  EXPECT_FALSE(group[0].recorded) << "the page stays queued for a crawl after space is freed";
  EXPECT_FALSE(pipeline.CanStore());
  EXPECT_EQ(pipeline.counters().at("steppe").errors, 1);
  auto url = (*store)->reader().GetUrl(page.url);
  ASSERT_TRUE(url.ok());
  EXPECT_FALSE(url->has_value()) << "no mention without its evidence";
  EXPECT_TRUE((*store)->Fault().ok()) << "the store itself is sound";
  for (const auto& file : fs::directory_iterator(dir_.path() / "evidence")) {
    ADD_FAILURE() << "nothing should have been written: " << file.path();
  }
}

// The crawler frees an analyzed page's body when Commit will not read it (issue #17: pages wait
// for the writer through its syncs): Commit reads it only to archive the page, so it is kept for
// an article with mentions while the archive is on, and freed otherwise; committed without its
// body, a page is stored all the same.
TEST_F(EvidencePipelineTest, CommitReadsTheBodyOnlyOfAPageItArchives) {
  auto store = storage::Store::Open((dir_.path() / "data").string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto archive = storage::warc::EvidenceArchive::Open({dir_.path() / "evidence"});
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  auto elsewhere = keywords::Matcher::Compile({keywords::RuleSpec{"gp", {"Gazprom"}}});
  ASSERT_TRUE(elsewhere.ok());
  const std::atomic<bool> never(false);
  struct Case {
    const char* name;
    const keywords::Matcher* matcher;
    bool archive;
    crawler::PageKind kind;
    bool reads_body;
  };
  for (const Case& c :
       {Case{"mentions, archived", &*matcher, true, crawler::PageKind::kLink, true},
        Case{"mentions, no archive", &*matcher, false, crawler::PageKind::kLink, false},
        Case{"no mention", &*elsewhere, true, crawler::PageKind::kLink, false},
        Case{"start page", &*matcher, true, crawler::PageKind::kStart, false},
        Case{"re-fetch", &*matcher, true, crawler::PageKind::kRefetch, true}}) {
    SCOPED_TRACE(c.name);
    PagePipeline pipeline(*c.matcher, **store);
    if (c.archive) pipeline.ArchiveEvidence(archive->get());
    crawler::CrawledPage page = Fetch();
    page.kind = c.kind;
    auto result = pipeline.Analyze(page, never);
    ASSERT_NE(result, nullptr);
    EXPECT_EQ(pipeline.CommitReadsBody(page, *result), c.reads_body);
  }
  // An article with mentions and no archive, committed after its body was freed.
  PagePipeline pipeline(*matcher, **store);
  crawler::CrawledPage page = Fetch();
  std::vector<crawler::PageCommit> group(1);
  group[0].page = &page;
  group[0].result = pipeline.Analyze(page, never);
  ASSERT_FALSE(pipeline.CommitReadsBody(page, *group[0].result));
  std::string().swap(page.response.body);
  std::string().swap(page.response.encoded_body);
  pipeline.CommitGroup(group);
  EXPECT_TRUE(group[0].recorded);
  EXPECT_EQ(pipeline.counters().at("steppe").new_mentions, 1);
}

}  // namespace
}  // namespace kuzet::app
