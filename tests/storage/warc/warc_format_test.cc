// The record model, its serialization and digests, and the records of a capture, against
// ISO 28500:2017 (WARC 1.1); each case names the section it checks.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "storage/warc/capture_records.h"
#include "storage/warc/payload_digest.h"
#include "storage/warc/warc_record.h"
#include "storage/warc/warc_verifier.h"
#include "warc_test_util.h"

namespace kuzet::storage::warc {
namespace {

using testing::GzipExchange;
using testing::kFetchMicros;

// §5.8/§5.9: "sha1:" + base32. Expected values computed independently (Python hashlib + base64).
TEST(PayloadDigestTest, Sha1Base32KnownValues) {
  struct Case {
    std::string data;
    std::string digest;
  };
  const std::vector<Case> cases = {
      {"", "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"},
      {"abc", "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5"},
      {"The quick brown fox jumps over the lazy dog", "sha1:F7KODRT2FUUPZ3MET3Q3W5XHHENZH2YS"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(WarcSha1Digest(c.data), c.digest) << c.data;
    Result<bool> matches = MatchesWarcDigest(c.digest, c.data);
    ASSERT_TRUE(matches.ok());
    EXPECT_TRUE(*matches);
  }
}

TEST(PayloadDigestTest, MatchesReadsTheFormsToolsWriteAndRefusesOthers) {
  struct Case {
    std::string digest;
    bool ok;
    bool matches;
  };
  const std::vector<Case> cases = {
      {"sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5", true, true},
      {"SHA1:vgmt4nsha2awvor6evyxqugcnsonbwe5", true, true},
      {"sha1:a9993e364706816aba3e25717850c26c9cd0d89d", true, true},
      {"sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", true, false},  // the digest of ""
      {"sha256:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5", false, false},
      {"VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5", false, false},
      {"sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE", false, false},
      {"sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE1", false, false},  // '1' is not base32
  };
  for (const Case& c : cases) {
    Result<bool> matches = MatchesWarcDigest(c.digest, "abc");
    EXPECT_EQ(matches.ok(), c.ok) << c.digest;
    if (matches.ok()) {
      EXPECT_EQ(*matches, c.matches) << c.digest;
    }
  }
}

// §5.1: a field value ends at CRLF, so a value from the network must never hold one.
TEST(WarcRecordTest, AddFieldRefusesHeaderInjection) {
  struct Case {
    std::string name;
    std::string value;
  };
  const std::vector<Case> cases = {
      {"WARC-Target-URI", "http://a.kz/\r\nWARC-Type: resource"},
      {"WARC-Target-URI", "http://a.kz/\nX: y"},
      {"WARC-Target-URI", "http://a.kz/\rX: y"},
      {"WARC-Target-URI", std::string("http://a.kz/\0x", 14)},
      {"WARC-Target-URI", "http://a.kz/\x7f"},
      {"WARC-Target-URI", "http://a.kz/" + std::string(kMaxFieldValueBytes, 'a')},
      {"WARC Type", "response"},   // a space is not a token character
      {"WARC-Type:", "response"},  // neither is a colon
      {"", "response"},
      {"X-Evil\r\nWARC-Type", "x"},
      {"Content-Length", "0"},  // derived from the block, never set (§5.3)
  };
  for (const Case& c : cases) {
    WarcRecord record;
    EXPECT_FALSE(AddField(record, c.name, c.value).ok()) << c.name << ": " << c.value;
    EXPECT_TRUE(record.fields.empty());
  }
  WarcRecord record;
  EXPECT_TRUE(AddField(record, "WARC-Target-URI", "http://a.kz/?q=1\tx").ok());  // HTAB is allowed
}

TEST(WarcRecordTest, AddFieldBoundsTheNumberOfFields) {
  WarcRecord record;
  for (size_t i = 0; i < kMaxFields; ++i) {
    ASSERT_TRUE(AddField(record, "X-Field", std::to_string(i)).ok());
  }
  EXPECT_FALSE(AddField(record, "X-Field", "one too many").ok());
}

// §4: version line, fields, Content-Length, empty line, block, CRLF CRLF.
TEST(WarcRecordTest, SerializesAsTheSpecSaysAndParsesBack) {
  WarcRecord record;
  ASSERT_TRUE(AddField(record, "WARC-Type", "resource").ok());
  ASSERT_TRUE(
      AddField(record, "WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000000>").ok());
  record.block = std::string("body\r\n\r\nwith\0NUL", 16);
  const std::string bytes = SerializeWarcRecord(record);
  EXPECT_EQ(bytes,
            "WARC/1.1\r\nWARC-Type: resource\r\n"
            "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>\r\n"
            "Content-Length: 16\r\n\r\n" +
                record.block + "\r\n\r\n");
  Result<WarcRecord> parsed = ParseWarcRecord(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->type(), "resource");
  EXPECT_EQ(parsed->Field("content-length"), "16");  // names are case-insensitive (§5.1)
  EXPECT_EQ(parsed->block, record.block);
}

TEST(WarcRecordTest, ParseRefusesMalformedRecords) {
  const std::string good_head = "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 4\r\n\r\n";
  struct Case {
    std::string label;
    std::string bytes;
  };
  const std::vector<Case> cases = {
      {"other version", "WARC/2.0\r\nContent-Length: 0\r\n\r\n\r\n\r\n"},
      {"not WARC", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n\r\n\r\n"},
      {"no Content-Length", "WARC/1.1\r\nWARC-Type: resource\r\n\r\nbody\r\n\r\n"},
      {"Content-Length not a number", "WARC/1.1\r\nContent-Length: 4x\r\n\r\nbody\r\n\r\n"},
      {"Content-Length negative", "WARC/1.1\r\nContent-Length: -4\r\n\r\nbody\r\n\r\n"},
      {"block shorter", good_head + "bo"},
      {"block longer", good_head + "bodyX\r\n\r\n"},
      {"no trailing CRLFs", good_head + "body"},
      {"field without colon",
       "WARC/1.1\r\nWARC-Type resource\r\nContent-Length: 0\r\n\r\n\r\n\r\n"},
      {"bare LF in a value",
       "WARC/1.1\r\nWARC-Type: resource\nX: y\r\nContent-Length: 0\r\n\r\n\r\n\r\n"},
      {"bare CR in a value",
       "WARC/1.1\r\nWARC-Type: resource\rX: y\r\nContent-Length: 0\r\n\r\n\r\n\r\n"},
      {"header never ends", "WARC/1.1\r\n" + std::string(kMaxHeaderBytes, 'x')},
      {"too many fields", "WARC/1.1\r\n" +
                              [] {
                                std::string fields;
                                for (size_t i = 0; i <= kMaxFields; ++i) fields += "X: 1\r\n";
                                return fields;
                              }() +
                              "Content-Length: 0\r\n\r\n\r\n\r\n"},
  };
  for (const Case& c : cases) {
    Result<WarcRecord> parsed = ParseWarcRecord(c.bytes);
    EXPECT_FALSE(parsed.ok()) << c.label;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), Status::Code::kCorruption) << c.label;
    }
  }
}

// §5.2 (a URI, here urn:uuid of a version 4 UUID, RFC 9562), §5.4 (W3C-ISO8601 UTC).
TEST(CaptureRecordsTest, RecordIdsAreRandomUuidsAndDatesAreUtc) {
  const std::regex uuid4(
      "<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
      "[0-9a-f]{12}>");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    Result<std::string> id = NewWarcRecordId();
    ASSERT_TRUE(id.ok());
    EXPECT_TRUE(std::regex_match(*id, uuid4)) << *id;
    seen.insert(*id);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(FormatWarcDate(kFetchMicros), "2011-12-15T00:00:00.123456Z");
  EXPECT_EQ(FormatWarcDate(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatWarcDate(-1), "1969-12-31T23:59:59.999999Z");
}

// §6.5, §6.3: request and response, linked by §5.7 WARC-Concurrent-To, with §5.8/§5.9 digests.
TEST(CaptureRecordsTest, ExchangeKeepsTheGzipBodyAsTransferred) {
  const FetchedExchange exchange = GzipExchange();
  Result<ExchangeRecords> records = MakeExchangeRecords(exchange);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  const WarcRecord& request = records->request;
  const WarcRecord& response = records->response;

  EXPECT_EQ(request.type(), "request");
  EXPECT_EQ(request.Field("Content-Type"), kHttpRequestType);
  EXPECT_EQ(request.block, exchange.request_head);
  EXPECT_EQ(response.type(), "response");
  EXPECT_EQ(response.Field("Content-Type"), kHttpResponseType);
  EXPECT_EQ(response.Field("WARC-Target-URI"), exchange.target_uri);
  EXPECT_EQ(response.Field("WARC-IP-Address"), "203.0.113.7");
  EXPECT_EQ(response.Field("WARC-Date"), "2011-12-15T00:00:00.123456Z");
  EXPECT_EQ(request.Field("WARC-Date"), response.Field("WARC-Date"));
  EXPECT_EQ(request.Field("WARC-Concurrent-To"), response.Field("WARC-Record-ID"));
  EXPECT_EQ(response.Field("WARC-Concurrent-To"), request.Field("WARC-Record-ID"));

  // The body stays gzip-encoded: the payload digest is of the compressed bytes, not the HTML.
  EXPECT_EQ(response.block, exchange.response_head + exchange.response_body);
  EXPECT_EQ(response.Field("WARC-Payload-Digest"), WarcSha1Digest(exchange.response_body));
  EXPECT_NE(response.Field("WARC-Payload-Digest"), WarcSha1Digest(testing::PageHtml()));
  EXPECT_EQ(response.Field("WARC-Block-Digest"), WarcSha1Digest(response.block));
  EXPECT_EQ(request.Field("WARC-Block-Digest"), WarcSha1Digest(request.block));
  EXPECT_TRUE(VerifyWarcRecord(request, "request").ok());
  EXPECT_TRUE(VerifyWarcRecord(response, "response").ok());
}

// libcurl hands over a de-chunked body: the record must not claim a chunked one (RFC 9112 §7.1).
TEST(CaptureRecordsTest, ChunkedTransferEncodingIsRenamedForTheDechunkedBody) {
  FetchedExchange exchange = GzipExchange();
  exchange.response_head =
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n";
  Result<ExchangeRecords> records = MakeExchangeRecords(exchange);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->response.block,
            "HTTP/1.1 200 OK\r\nX-Kuzet-Orig-Transfer-Encoding: chunked\r\n"
            "Content-Encoding: gzip\r\n\r\n" +
                exchange.response_body);
  EXPECT_TRUE(VerifyWarcRecord(records->response, "response").ok());
}

TEST(CaptureRecordsTest, UntrustedValuesAreEncodedOrRefused) {
  FetchedExchange exchange = GzipExchange();
  exchange.target_uri = "http://a.kz/\r\nWARC-Type: resource\r\n\r\nжаңа";
  Result<ExchangeRecords> records = MakeExchangeRecords(exchange);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->response.Field("WARC-Target-URI"),
            "http://a.kz/%0D%0AWARC-Type:%20resource%0D%0A%0D%0A%D0%B6%D0%B0%D2%A3%D0%B0");
  Result<WarcRecord> parsed = ParseWarcRecord(SerializeWarcRecord(records->response));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->type(), "response");
  EXPECT_EQ(parsed->fields.size(), records->response.fields.size() + 1);  // + Content-Length

  struct Case {
    std::string label;
    void (*spoil)(FetchedExchange&);
  };
  const std::vector<Case> refused = {
      {"IP address with CRLF", [](FetchedExchange& e) { e.ip_address = "1.2.3.4\r\nX: y"; }},
      {"IP address not an address", [](FetchedExchange& e) { e.ip_address = "example.kz"; }},
      {"empty URI", [](FetchedExchange& e) { e.target_uri.clear(); }},
      {"URI over the field bound",
       [](FetchedExchange& e) { e.target_uri = "http://a.kz/" + std::string(9000, 'a'); }},
      {"response head without its empty line",
       [](FetchedExchange& e) { e.response_head = "HTTP/1.1 200 OK\r\n"; }},
      {"response head with an early empty line",
       [](FetchedExchange& e) { e.response_head = "HTTP/1.1 200 OK\r\n\r\nX: y\r\n\r\n"; }},
      {"request head without its empty line",
       [](FetchedExchange& e) { e.request_head = "GET / HTTP/1.1\r\n"; }},
  };
  for (const Case& c : refused) {
    FetchedExchange spoiled = GzipExchange();
    c.spoil(spoiled);
    EXPECT_FALSE(MakeExchangeRecords(spoiled).ok()) << c.label;
  }
  EXPECT_TRUE(MakeExchangeRecords([] {
                FetchedExchange e = GzipExchange();
                e.ip_address = "2001:db8::7";
                return e;
              }())
                  .ok());
}

// §6.7.2: a revisit of identical payload digest, with §5.11-§5.13 naming the earlier capture.
TEST(CaptureRecordsTest, RevisitRefersToTheEarlierCapture) {
  const FetchedExchange exchange = GzipExchange();
  const EarlierCapture earlier{"<urn:uuid:11111111-1111-4111-8111-111111111111>",
                               exchange.target_uri, kFetchMicros - 86'400'000'000,
                               WarcSha1Digest(exchange.response_body)};
  Result<WarcRecord> revisit = MakeRevisitRecord(exchange, earlier);
  ASSERT_TRUE(revisit.ok()) << revisit.status().ToString();
  EXPECT_EQ(revisit->type(), "revisit");
  EXPECT_EQ(revisit->Field("WARC-Profile"), kIdenticalPayloadProfile);
  EXPECT_EQ(revisit->Field("WARC-Refers-To"), earlier.record_id);
  EXPECT_EQ(revisit->Field("WARC-Refers-To-Target-URI"), exchange.target_uri);
  EXPECT_EQ(revisit->Field("WARC-Refers-To-Date"), "2011-12-14T00:00:00.123456Z");
  EXPECT_EQ(revisit->Field("WARC-Payload-Digest"), earlier.payload_digest);
  EXPECT_EQ(revisit->block, exchange.response_head);  // the head only
  EXPECT_TRUE(VerifyWarcRecord(*revisit, "revisit").ok());

  EarlierCapture changed = earlier;
  changed.payload_digest = WarcSha1Digest("another body");
  EXPECT_FALSE(MakeRevisitRecord(exchange, changed).ok());
  changed.payload_digest = "sha1:\r\nX: y";
  EXPECT_FALSE(MakeRevisitRecord(exchange, changed).ok());
  changed = earlier;
  changed.record_id = "<urn:uuid:1>\r\nWARC-Type: response";
  EXPECT_FALSE(MakeRevisitRecord(exchange, changed).ok());
}

// §6.6 metadata with an application/warc-fields block (§7 / Annex).
TEST(CaptureRecordsTest, MetadataLinksDocumentAndMentions) {
  const CaptureLinks links{"<urn:uuid:22222222-2222-4222-8222-222222222222>",
                           "https://news.example.kz/kk/zhanaozen?id=2011",
                           kFetchMicros,
                           "doc-42",
                           {"m-1", "m-2"}};
  Result<WarcRecord> metadata = MakeMetadataRecord(links);
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(metadata->type(), "metadata");
  EXPECT_EQ(metadata->Field("Content-Type"), kWarcFieldsType);
  EXPECT_EQ(metadata->Field("WARC-Refers-To"), links.capture_record_id);
  EXPECT_EQ(metadata->block,
            "kuzet-document: doc-42\r\nkuzet-mention: m-1\r\nkuzet-mention: m-2\r\n");
  EXPECT_TRUE(VerifyWarcRecord(*metadata, "metadata").ok());

  CaptureLinks injected = links;
  injected.mention_ids.push_back("m-3\r\nkuzet-document: forged");
  EXPECT_FALSE(MakeMetadataRecord(injected).ok());
  injected = links;
  injected.document_id = "doc\n42";
  EXPECT_FALSE(MakeMetadataRecord(injected).ok());
}

// §6.2 warcinfo, with §5.17 WARC-Filename.
TEST(CaptureRecordsTest, WarcinfoNamesFileAndSoftware) {
  Result<WarcRecord> info = MakeWarcinfoRecord("kuzet-x.warc.gz", kFetchMicros, "Kuzet 1.0");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->type(), "warcinfo");
  EXPECT_EQ(info->Field("WARC-Filename"), "kuzet-x.warc.gz");
  EXPECT_EQ(info->Field("WARC-Target-URI"), std::nullopt);
  EXPECT_NE(info->block.find("software: Kuzet 1.0\r\n"), std::string::npos);
  EXPECT_NE(info->block.find("format: WARC File Format 1.1\r\n"), std::string::npos);
  EXPECT_FALSE(MakeWarcinfoRecord("kuzet-x.warc.gz", kFetchMicros, "Kuzet\r\nX: y").ok());
}

}  // namespace
}  // namespace kuzet::storage::warc
