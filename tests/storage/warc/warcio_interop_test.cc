// Interoperability: a file written by WarcWriter is read by webrecorder's warcio (npm), a reader
// Kuzet does not share code with, which must see every record type, the fields, the offsets the
// writer returned, and digests that match the bytes as it splits them (warcio_check.mjs).
// warcio is installed by `setup.sh --test` into build/node-tools; without node or that package
// the test is skipped, saying so.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "storage/warc/capture_records.h"
#include "storage/warc/evidence_archive.h"
#include "storage/warc/payload_digest.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_writer.h"
#include "warc_test_util.h"

namespace kuzet::storage::warc {
namespace {

using testing::GzipExchange;
using testing::kFetchMicros;
using testing::ScratchDir;

struct CommandOutput {
  int exit_code = -1;
  std::string text;
};

CommandOutput RunCommand(const std::string& command) {
  CommandOutput out;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    out.text.append(buffer.data(), n);
  const int status = pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string Quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST(WarcioInteropTest, WarcioReadsEveryRecordAndItsDigests) {
  const std::filesystem::path warcio = KUZET_WARCIO_DIR;
  if (RunCommand("node --version").exit_code != 0) GTEST_SKIP() << "node is not installed";
  if (!std::filesystem::exists(warcio / "dist/index.js")) {
    GTEST_SKIP() << "warcio is not installed at " << warcio << " (run ./setup.sh --test)";
  }

  ScratchDir dir;
  Result<std::unique_ptr<WarcWriter>> writer =
      WarcWriter::Open({dir.path(), uint64_t{1} << 30, "Kuzet test", [] { return kFetchMicros; }});
  ASSERT_TRUE(writer.ok());
  FetchedExchange exchange = GzipExchange();
  // A chunked response: warcio must not try to de-chunk the de-chunked body.
  exchange.response_head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
      "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n";
  Result<ExchangeRecords> first = MakeExchangeRecords(exchange);
  ASSERT_TRUE(first.ok());
  const std::string response_id(*first->response.Field("WARC-Record-ID"));
  Result<WarcRecord> metadata = MakeMetadataRecord(
      {response_id, exchange.target_uri, kFetchMicros, "doc-2011", {"m-16", "m-17"}});
  FetchedExchange again = exchange;
  again.fetched_micros += 86'400'000'000;
  Result<WarcRecord> revisit = MakeRevisitRecord(
      again,
      {response_id, exchange.target_uri, kFetchMicros, WarcSha1Digest(exchange.response_body)});
  ASSERT_TRUE(metadata.ok() && revisit.ok());
  const std::vector<WarcRecord> records = {first->request, first->response, *metadata, *revisit};
  Result<std::vector<WarcLocation>> locations = (*writer)->Write(records);
  ASSERT_TRUE(locations.ok()) << locations.status().ToString();
  const std::filesystem::path file = dir.path() / (*writer)->current_file();

  const CommandOutput out = RunCommand(
      "node " + Quoted(std::string(KUZET_SOURCE_DIR) + "/tests/storage/warc/warcio_check.mjs") +
      " " + Quoted(warcio.string()) + " " + Quoted(file.string()) + " 2>&1");
  ASSERT_EQ(out.exit_code, 0) << out.text;
  std::vector<nlohmann::json> seen;
  std::istringstream lines(out.text);
  for (std::string line; std::getline(lines, line);) seen.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(seen.size(), 5u) << out.text;

  const std::vector<std::string> types = {"warcinfo", "request", "response", "metadata", "revisit"};
  for (size_t i = 0; i < seen.size(); ++i) {
    const nlohmann::json& r = seen[i];
    SCOPED_TRACE(r.dump());
    EXPECT_EQ(r["type"], types[i]);
    EXPECT_EQ(r["blockDigestOk"], true);  // every record carries one, warcinfo included
    if (i == 0) {
      EXPECT_EQ(r["offset"], 0);
      EXPECT_EQ(r["length"], (*locations)[0].offset);
      continue;
    }
    const WarcRecord& written = records[i - 1];
    EXPECT_EQ(r["offset"], (*locations)[i - 1].offset);
    EXPECT_EQ(r["length"], (*locations)[i - 1].length);
    EXPECT_EQ(r["id"], *written.Field("WARC-Record-ID"));
    EXPECT_EQ(r["targetUri"], exchange.target_uri);
    EXPECT_EQ(r["contentType"], *written.Field("Content-Type"));
  }
  const nlohmann::json& request = seen[1];
  const nlohmann::json& response = seen[2];
  EXPECT_EQ(request["concurrentTo"], response["id"]);
  EXPECT_EQ(response["concurrentTo"], request["id"]);
  EXPECT_EQ(response["ipAddress"], "203.0.113.7");
  EXPECT_EQ(response["date"], "2011-12-15T00:00:00.123456Z");
  EXPECT_EQ(response["httpStatus"], 200);
  EXPECT_EQ(response["contentEncoding"], "gzip");
  EXPECT_EQ(response["payloadDigestOk"], true);
  EXPECT_EQ(response["payloadBytes"], exchange.response_body.size());
  EXPECT_EQ(response["contentDigest"], WarcSha1Digest(testing::PageHtml()));
  EXPECT_EQ(seen[3]["refersTo"], response_id);
  EXPECT_EQ(seen[4]["profile"], kIdenticalPayloadProfile);
  EXPECT_EQ(seen[4]["refersTo"], response_id);
  EXPECT_EQ(seen[4]["refersToTargetUri"], exchange.target_uri);
  EXPECT_EQ(seen[4]["refersToDate"], "2011-12-15T00:00:00.123456Z");
  EXPECT_EQ(seen[4]["httpStatus"], 200);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i]["warcinfoId"], seen[0]["id"]);

  // warcio's own CDX indexer (its command line) sees the response where the writer put it, with
  // the payload digest as CDX "digest" (its value without "sha1:").
  const CommandOutput cdx = RunCommand("node " + Quoted((warcio / "dist/cli.js").string()) +
                                       " cdx-index " + Quoted(file.string()) + " 2>&1");
  ASSERT_EQ(cdx.exit_code, 0) << cdx.text;
  nlohmann::json line;  // the index line of the response, found by its offset
  std::istringstream cdx_lines(cdx.text);
  for (std::string text; std::getline(cdx_lines, text);) {
    const size_t json_start = text.find('{');
    ASSERT_NE(json_start, std::string::npos) << cdx.text;
    nlohmann::json parsed = nlohmann::json::parse(text.substr(json_start));
    if (parsed["offset"] == std::to_string((*locations)[1].offset)) line = std::move(parsed);
  }
  ASSERT_FALSE(line.is_null()) << cdx.text;
  EXPECT_EQ(line["url"], exchange.target_uri);
  EXPECT_EQ(line["status"], "200");
  EXPECT_EQ("sha1:" + line["digest"].get<std::string>(), WarcSha1Digest(exchange.response_body));
  EXPECT_EQ(line["length"], std::to_string((*locations)[1].length));
  EXPECT_EQ(line["filename"], file.filename().string());
}

// A re-fetch that followed a cross-origin redirect (the article moved to another site): the
// capture holds the old origin's request and 301 too, each pair linked by WARC-Concurrent-To, and
// its metadata names the 301, so the evidence shows where the article went.
TEST(WarcioInteropTest, ARedirectsResponseIsArchivedWithTheCaptureItLedTo) {
  const std::filesystem::path warcio = KUZET_WARCIO_DIR;
  if (RunCommand("node --version").exit_code != 0) GTEST_SKIP() << "node is not installed";
  if (!std::filesystem::exists(warcio / "dist/index.js")) {
    GTEST_SKIP() << "warcio is not installed at " << warcio << " (run ./setup.sh --test)";
  }
  ScratchDir dir;
  EvidenceArchiveOptions options;
  options.directory = dir.path();
  auto archive = EvidenceArchive::Open(std::move(options));
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  FetchedExchange moved;
  moved.target_uri = "https://old.example.kz/kk/zhanaozen?id=2011";
  moved.ip_address = "203.0.113.9";
  moved.fetched_micros = kFetchMicros - 1000;
  moved.request_head =
      "GET /kk/zhanaozen?id=2011 HTTP/1.1\r\nHost: old.example.kz\r\nUser-Agent: Kuzet/1.0\r\n\r\n";
  moved.response_head =
      "HTTP/1.1 301 Moved Permanently\r\nLocation: https://news.example.kz/kk/zhanaozen?id=2011"
      "\r\nContent-Length: 9\r\n\r\n";
  moved.response_body = "moved on.";
  const FetchedExchange landed = GzipExchange();
  EvidenceContext context;
  context.doc_id = 2011;
  context.mention_ids = {16};
  auto capture = (*archive)->Archive(landed, context, nullptr, std::span(&moved, 1));
  ASSERT_TRUE(capture.ok()) << capture.status().ToString();
  ASSERT_TRUE((*archive)->Sync().ok());
  ASSERT_EQ(capture->records.size(), 5u);  // the 301's request and response, then the capture's
  const std::filesystem::path file = dir.path() / capture->records[0].file;

  const CommandOutput out = RunCommand(
      "node " + Quoted(std::string(KUZET_SOURCE_DIR) + "/tests/storage/warc/warcio_check.mjs") +
      " " + Quoted(warcio.string()) + " " + Quoted(file.string()) + " 2>&1");
  ASSERT_EQ(out.exit_code, 0) << out.text;
  std::vector<nlohmann::json> seen;
  std::istringstream lines(out.text);
  for (std::string line; std::getline(lines, line);) seen.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(seen.size(), 6u) << out.text;
  const std::vector<std::string> types = {"warcinfo", "request",  "response",
                                          "request",  "response", "metadata"};
  for (size_t i = 0; i < seen.size(); ++i) {
    SCOPED_TRACE(seen[i].dump());
    EXPECT_EQ(seen[i]["type"], types[i]);
    EXPECT_EQ(seen[i]["blockDigestOk"], true);
    if (i > 0) {
      EXPECT_EQ(seen[i]["offset"], capture->records[i - 1].offset);
    }
  }
  EXPECT_EQ(seen[1]["targetUri"], moved.target_uri);
  EXPECT_EQ(seen[2]["targetUri"], moved.target_uri);
  EXPECT_EQ(seen[2]["httpStatus"], 301);
  EXPECT_EQ(seen[2]["ipAddress"], "203.0.113.9");
  EXPECT_EQ(seen[2]["payloadDigestOk"], true);
  EXPECT_EQ(seen[1]["concurrentTo"], seen[2]["id"]);
  EXPECT_EQ(seen[2]["concurrentTo"], seen[1]["id"]);
  EXPECT_EQ(seen[4]["targetUri"], landed.target_uri);
  EXPECT_EQ(seen[4]["httpStatus"], 200);
  EXPECT_EQ(seen[5]["refersTo"], seen[4]["id"]);
  EXPECT_EQ(capture->payload_record_id, seen[4]["id"]);  // the article, not the 301
  // The metadata names the 301 the capture was reached through.
  Result<StoredWarcRecord> metadata = ReadWarcRecordAt(file, capture->records.back().offset);
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_NE(metadata->record.block.find(
                "kuzet-redirected-from: " + seen[2]["id"].get<std::string>() + "\r\n"),
            std::string::npos)
      << metadata->record.block;
}

}  // namespace
}  // namespace kuzet::storage::warc
