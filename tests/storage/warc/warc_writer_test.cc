// The writer and reader together: every record type written, found again at the location the
// writer returned, files opened by warcinfo (§6.2), one gzip member a record (Annex D.2), rotation
// by size, and the file names.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "storage/warc/capture_records.h"
#include "storage/warc/payload_digest.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_verifier.h"
#include "storage/warc/warc_writer.h"
#include "warc_test_util.h"

namespace kuzet::storage::warc {
namespace {

using testing::GzipExchange;
using testing::kFetchMicros;
using testing::ScratchDir;

std::unique_ptr<WarcWriter> OpenWriter(const ScratchDir& dir, uint64_t max_file_bytes) {
  Result<std::unique_ptr<WarcWriter>> writer =
      WarcWriter::Open({dir.path(), max_file_bytes, "Kuzet test", [] { return kFetchMicros; }});
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  return writer.ok() ? std::move(*writer) : nullptr;
}

// Request, response, metadata, then a revisit and its metadata: what the pipeline will write.
std::vector<WarcRecord> AllRecordTypes() {
  const FetchedExchange exchange = GzipExchange();
  Result<ExchangeRecords> exchange_records = MakeExchangeRecords(exchange);
  EXPECT_TRUE(exchange_records.ok());
  const WarcRecord& response = exchange_records->response;
  const std::string response_id(*response.Field("WARC-Record-ID"));
  Result<WarcRecord> metadata = MakeMetadataRecord(
      {response_id, exchange.target_uri, kFetchMicros, "doc-7", {"m-70", "m-71"}});
  FetchedExchange again = exchange;
  again.fetched_micros += 3'600'000'000;
  Result<WarcRecord> revisit =
      MakeRevisitRecord(again, {response_id, exchange.target_uri, kFetchMicros,
                                std::string(*response.Field("WARC-Payload-Digest"))});
  EXPECT_TRUE(metadata.ok() && revisit.ok());
  return {exchange_records->request, response, *metadata, *revisit};
}

TEST(WarcWriterTest, EveryRecordTypeRoundTripsAtItsLocation) {
  ScratchDir dir;
  std::unique_ptr<WarcWriter> writer = OpenWriter(dir, uint64_t{1} << 30);
  ASSERT_TRUE(writer);
  const std::vector<WarcRecord> records = AllRecordTypes();
  Result<std::vector<WarcLocation>> locations = writer->Write(records);
  ASSERT_TRUE(locations.ok()) << locations.status().ToString();
  ASSERT_EQ(locations->size(), records.size());

  const std::filesystem::path file = dir.path() / writer->current_file();
  const std::string file_bytes = testing::FileBytes(file);
  uint64_t expected_offset = (*locations)[0].offset;
  EXPECT_GT(expected_offset, 0u);  // after the warcinfo
  for (size_t i = 0; i < records.size(); ++i) {
    const WarcLocation& at = (*locations)[i];
    EXPECT_EQ(at.file, writer->current_file());
    EXPECT_EQ(at.offset, expected_offset);
    expected_offset += at.length;
    // Each location is one gzip member (RFC 1952 §2.3.1: ID1 ID2 = 1f 8b).
    EXPECT_EQ(file_bytes.substr(at.offset, 2), "\x1f\x8b");

    Result<StoredWarcRecord> read = ReadWarcRecordAt(file, at.offset);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->length, at.length);
    EXPECT_EQ(read->record.block, records[i].block);
    for (const WarcField& field : records[i].fields) {
      EXPECT_EQ(read->record.Field(field.name), field.value) << field.name;
    }
    EXPECT_EQ(read->record.Field("Content-Length"), std::to_string(records[i].block.size()));
    EXPECT_TRUE(VerifyWarcRecord(read->record, "round trip").ok());
  }
  EXPECT_EQ(expected_offset, file_bytes.size());  // nothing after the last member

  // Iterating the file: the warcinfo first, then the records, each linked to it (§5.16).
  Result<std::unique_ptr<WarcFileReader>> reader = WarcFileReader::Open(file);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> types;
  std::string warcinfo_id;
  while (true) {
    Result<std::optional<StoredWarcRecord>> next = (*reader)->Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!next->has_value()) break;
    const WarcRecord& record = (*next)->record;
    types.emplace_back(record.type());
    if (record.type() == "warcinfo") {
      warcinfo_id = std::string(*record.Field("WARC-Record-ID"));
      EXPECT_EQ(record.Field("WARC-Filename"), writer->current_file());
    } else {
      EXPECT_EQ(record.Field("WARC-Warcinfo-ID"), warcinfo_id);
    }
  }
  EXPECT_EQ(types,
            (std::vector<std::string>{"warcinfo", "request", "response", "metadata", "revisit"}));
  Result<uint64_t> verified = VerifyWarcFile(file);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(*verified, 5u);
}

TEST(WarcWriterTest, RotatesBySizeWithoutSplittingAGroup) {
  ScratchDir dir;
  const std::vector<WarcRecord> records = AllRecordTypes();
  // Room for the warcinfo and about two groups a file.
  std::unique_ptr<WarcWriter> probe = OpenWriter(dir, uint64_t{1} << 30);
  Result<std::vector<WarcLocation>> first = probe->Write(records);
  ASSERT_TRUE(first.ok());
  const uint64_t group = first->back().offset + first->back().length - first->front().offset;
  const uint64_t max_file_bytes = first->front().offset + 2 * group + group / 2;
  probe.reset();
  std::filesystem::remove_all(dir.path());
  std::filesystem::create_directories(dir.path());

  std::unique_ptr<WarcWriter> writer = OpenWriter(dir, max_file_bytes);
  std::map<std::string, int> groups_per_file;
  for (int i = 0; i < 7; ++i) {
    Result<std::vector<WarcLocation>> locations = writer->Write(records);
    ASSERT_TRUE(locations.ok()) << locations.status().ToString();
    for (const WarcLocation& at : *locations) EXPECT_EQ(at.file, locations->front().file);
    ++groups_per_file[locations->front().file];
  }
  EXPECT_EQ(groups_per_file.size(), 4u);  // 2 + 2 + 2 + 1
  std::vector<std::string> names;
  for (const auto& [name, groups] : groups_per_file) {
    names.push_back(name);
    EXPECT_LE(std::filesystem::file_size(dir.path() / name), max_file_bytes) << name;
    Result<uint64_t> verified = VerifyWarcFile(dir.path() / name);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ(*verified, 1u + 4u * static_cast<uint64_t>(groups)) << name;
  }
  EXPECT_EQ(names.front(), "kuzet-20111215000000123456-00000.warc.gz");
  EXPECT_EQ(names.back(), "kuzet-20111215000000123456-00003.warc.gz");

  // A group larger than a whole file still goes whole, into a file of its own.
  std::unique_ptr<WarcWriter> tiny = OpenWriter(dir, 1);
  Result<std::vector<WarcLocation>> a = tiny->Write(records);
  Result<std::vector<WarcLocation>> b = tiny->Write(records);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->front().file, b->front().file);
  EXPECT_EQ(a->front().file, a->back().file);
}

// Append writes and Sync makes durable: appends cost no fsync, a Sync one of the current file, a
// Sync with nothing new none (the evidence archive's one fsync per stored group, issue #20).
TEST(WarcWriterTest, AppendsAreMadeDurableByOneSync) {
  ScratchDir dir;
  int fsyncs = 0;
  WarcWriterOptions options{dir.path(), uint64_t{1} << 30, "Kuzet test",
                            [] { return kFetchMicros; }};
  options.fsync = [&fsyncs](int fd) {
    ++fsyncs;
    return ::fsync(fd);
  };
  Result<std::unique_ptr<WarcWriter>> writer = WarcWriter::Open(std::move(options));
  ASSERT_TRUE(writer.ok());
  const std::vector<WarcRecord> records = AllRecordTypes();
  ASSERT_TRUE((*writer)->Append(records).ok());
  EXPECT_EQ(fsyncs, 2) << "the new file's warcinfo and its directory";
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*writer)->Append(records).ok());
  EXPECT_EQ(fsyncs, 2);
  ASSERT_TRUE((*writer)->Sync().ok());
  EXPECT_EQ(fsyncs, 3);
  ASSERT_TRUE((*writer)->Sync().ok());
  EXPECT_EQ(fsyncs, 3) << "nothing appended since the last Sync";
  ASSERT_TRUE((*writer)->Write(records).ok());
  EXPECT_EQ(fsyncs, 4);
  Result<uint64_t> verified = VerifyWarcFile(dir.path() / (*writer)->current_file());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(*verified, 1 + 7 * records.size());
}

TEST(WarcWriterTest, NeverReusesAnExistingFileName) {
  ScratchDir dir;
  const std::vector<WarcRecord> records = AllRecordTypes();
  std::unique_ptr<WarcWriter> one = OpenWriter(dir, uint64_t{1} << 30);
  std::unique_ptr<WarcWriter> two = OpenWriter(dir, uint64_t{1} << 30);  // same clock, same serial
  Result<std::vector<WarcLocation>> a = one->Write(records);
  Result<std::vector<WarcLocation>> b = two->Write(records);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->front().file, b->front().file);
  EXPECT_TRUE(VerifyWarcFile(dir.path() / a->front().file).ok());
  EXPECT_TRUE(VerifyWarcFile(dir.path() / b->front().file).ok());
}

TEST(WarcWriterTest, FileNamesSortByTime) {
  const std::regex pattern("kuzet-[0-9]{20}-[0-9]{5}\\.warc\\.gz");
  EXPECT_EQ(WarcFileName(kFetchMicros, 12), "kuzet-20111215000000123456-00012.warc.gz");
  EXPECT_TRUE(std::regex_match(WarcFileName(0, 0), pattern));
  EXPECT_LT(WarcFileName(kFetchMicros, 99), WarcFileName(kFetchMicros + 1, 0));
}

TEST(WarcWriterTest, OpenRefusesBadOptions) {
  EXPECT_FALSE(WarcWriter::Open({"/nonexistent/kuzet-warc", 1 << 20, "Kuzet", nullptr}).ok());
  ScratchDir dir;
  EXPECT_FALSE(WarcWriter::Open({dir.path(), 0, "Kuzet", nullptr}).ok());
}

TEST(WarcReaderTest, MissingFileIsNotFound) {
  Result<StoredWarcRecord> read = ReadWarcRecordAt("/nonexistent/kuzet.warc.gz", 0);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace kuzet::storage::warc
