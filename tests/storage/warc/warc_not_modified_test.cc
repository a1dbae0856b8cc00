// A conditional re-fetch answered 304 Not Modified (RFC 9110 §15.4.5) as the evidence archive
// keeps it: a revisit record of profile server-not-modified (ISO 28500:2017, WARC 1.1 §6.7.3)
// that carries the 304's head and names the capture whose content it confirms.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/warc/capture_records.h"
#include "storage/warc/evidence_archive.h"
#include "storage/warc/payload_digest.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_verifier.h"
#include "warc_test_util.h"

namespace kuzet::storage::warc {
namespace {

using testing::GzipExchange;
using testing::kFetchMicros;
using testing::ReadCapture;
using testing::ScratchDir;

constexpr int64_t kDay = 86'400'000'000;

// The conditional GET of GzipExchange()'s page a day later, and the server's 304.
FetchedExchange NotModifiedExchange() {
  FetchedExchange exchange = GzipExchange();
  exchange.fetched_micros = kFetchMicros + kDay;
  exchange.request_head =
      "GET /kk/zhanaozen?id=2011 HTTP/1.1\r\nHost: news.example.kz\r\n"
      "User-Agent: Kuzet/1.0\r\nIf-None-Match: \"v1\"\r\n\r\n";
  exchange.response_head = "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n";
  exchange.response_body.clear();
  return exchange;
}

TEST(NotModifiedTest, StatusLineIsReadFromTheHeadOnly) {
  struct Case {
    std::string head;
    bool not_modified;
  };
  const std::vector<Case> cases = {
      {"HTTP/1.1 304 Not Modified\r\n\r\n", true},
      {"HTTP/2 304\r\n\r\n", true},
      {"HTTP/1.1 304\r\nETag: \"a\"\r\n\r\n", true},
      {"HTTP/1.1 200 OK\r\nX-Note: 304 \r\n\r\n", false},
      {"HTTP/1.1 3040 Odd\r\n\r\n", false},
      {"HTTP/1.1 30 Odd\r\n\r\n", false},
      {"ICY 304 Not Modified\r\n\r\n", false},
      {"", false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsNotModifiedHead(c.head), c.not_modified) << c.head;
}

// §6.7.3 with §5.11-§5.13 naming the earlier capture; the block is the 304's head.
TEST(NotModifiedTest, RevisitCarriesThe304HeadAndRefersToTheEarlierCapture) {
  const FetchedExchange exchange = NotModifiedExchange();
  const EarlierCapture earlier{"<urn:uuid:11111111-1111-4111-8111-111111111111>",
                               exchange.target_uri, kFetchMicros,
                               WarcSha1Digest(GzipExchange().response_body)};
  Result<WarcRecord> revisit = MakeNotModifiedRecord(exchange, &earlier);
  ASSERT_TRUE(revisit.ok()) << revisit.status().ToString();
  EXPECT_EQ(revisit->type(), "revisit");
  EXPECT_EQ(revisit->Field("WARC-Profile"), kServerNotModifiedProfile);
  EXPECT_EQ(revisit->Field("WARC-Refers-To"), earlier.record_id);
  EXPECT_EQ(revisit->Field("WARC-Refers-To-Target-URI"), exchange.target_uri);
  EXPECT_EQ(revisit->Field("WARC-Refers-To-Date"), "2011-12-15T00:00:00.123456Z");
  EXPECT_EQ(revisit->Field("WARC-Date"), "2011-12-16T00:00:00.123456Z");
  EXPECT_EQ(revisit->Field("WARC-IP-Address"), "203.0.113.7");
  EXPECT_FALSE(revisit->Field("WARC-Payload-Digest"));  // no payload crossed the wire
  EXPECT_EQ(revisit->block, exchange.response_head);
  EXPECT_TRUE(VerifyWarcRecord(*revisit, "revisit").ok());

  // Without an earlier capture (archived before [evidence] was on): no reference to one.
  Result<WarcRecord> alone = MakeNotModifiedRecord(exchange, nullptr);
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  EXPECT_EQ(alone->Field("WARC-Profile"), kServerNotModifiedProfile);
  EXPECT_FALSE(alone->Field("WARC-Refers-To"));
  EXPECT_FALSE(alone->Field("WARC-Refers-To-Date"));
}

TEST(NotModifiedTest, AnythingButABodiless304IsRefused) {
  FetchedExchange ok = GzipExchange();  // a 200 with a body
  EXPECT_EQ(MakeNotModifiedRecord(ok, nullptr).status().code(), Status::Code::kInvalidArgument);
  FetchedExchange with_body = NotModifiedExchange();
  with_body.response_body = "<html>smuggled</html>";
  EXPECT_EQ(MakeNotModifiedRecord(with_body, nullptr).status().code(),
            Status::Code::kInvalidArgument);
  FetchedExchange no_uri = NotModifiedExchange();
  no_uri.target_uri.clear();
  EXPECT_FALSE(MakeNotModifiedRecord(no_uri, nullptr).ok());
  FetchedExchange broken = NotModifiedExchange();
  broken.response_head = "HTTP/1.1 304 Not Modified\r\nX: \r\n\r\nY: z\r\n\r\n";
  EXPECT_FALSE(MakeNotModifiedRecord(broken, nullptr).ok());
}

// The archive: a page captured, then its 304 a day later: request, revisit, metadata, the
// revisit naming the first response, and the capture's payload that response's.
TEST(NotModifiedTest, ArchiveKeepsA304AsARevisitOfTheLastCapture) {
  ScratchDir dir;
  EvidenceArchiveOptions options;
  options.directory = dir.path();
  auto archive = EvidenceArchive::Open(std::move(options));
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  EvidenceContext context;
  context.doc_id = 7;
  context.mention_ids = {70};
  auto first = (*archive)->Archive(GzipExchange(), context);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  context.previous = &*first;
  auto again = (*archive)->Archive(NotModifiedExchange(), context);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE((*archive)->Sync().ok());

  EXPECT_TRUE(again->revisit);
  EXPECT_EQ(again->fetched_at_us, kFetchMicros + kDay);
  EXPECT_EQ(again->payload_record_id, first->payload_record_id);
  EXPECT_EQ(again->payload_micros, kFetchMicros);
  EXPECT_EQ(again->payload_digest, first->payload_digest);
  const std::vector<WarcRecord> records = ReadCapture(dir.path(), *again);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].type(), "request");
  EXPECT_EQ(records[1].type(), "revisit");
  EXPECT_EQ(records[2].type(), "metadata");
  EXPECT_EQ(records[1].Field("WARC-Profile"), kServerNotModifiedProfile);
  EXPECT_EQ(records[1].Field("WARC-Refers-To"), first->payload_record_id);
  EXPECT_EQ(records[1].block, NotModifiedExchange().response_head);
  // §5.7 both ways: the request is concurrent to the revisit that stands for its response.
  EXPECT_EQ(records[0].Field("WARC-Concurrent-To"), records[1].Field("WARC-Record-ID"));
  EXPECT_EQ(records[1].Field("WARC-Concurrent-To"), records[0].Field("WARC-Record-ID"));
  EXPECT_EQ(records[2].Field("WARC-Refers-To"), records[1].Field("WARC-Record-ID"));

  // Without a previous capture it is still archived, referring to nothing.
  context.previous = nullptr;
  auto alone = (*archive)->Archive(NotModifiedExchange(), context);
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  ASSERT_TRUE((*archive)->Sync().ok());
  EXPECT_TRUE(alone->revisit);
  EXPECT_TRUE(alone->payload_record_id.empty());
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    Result<uint64_t> verified = VerifyWarcFile(entry.path());
    EXPECT_TRUE(verified.ok()) << verified.status().ToString();
  }
}

}  // namespace
}  // namespace kuzet::storage::warc
