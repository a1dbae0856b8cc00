// Records compressed ahead, off the writer's thread (issue #17): a gzip member spliced from parts
// deflated apart inflates to the exact bytes, the writer does no compression for such a record
// (a counting Compressor, injected through WarcWriterOptions), and a capture archived with its
// records compressed ahead reads back equal to one the writer compressed itself.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/warc/capture_records.h"
#include "storage/warc/evidence_archive.h"
#include "storage/warc/gzip_member.h"
#include "storage/warc/precompressed_record.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_verifier.h"
#include "storage/warc/warc_writer.h"
#include "warc_test_util.h"

namespace kuzet::storage::warc {
namespace {

using testing::GzipExchange;
using testing::kFetchMicros;
using testing::ReadCapture;
using testing::ScratchDir;

// The archive's compressor, counting what it is asked to compress.
class CountingCompressor final : public Compressor {
 public:
  Result<std::string> Gzip(std::string_view data) const override {
    ++gzip_calls;
    return inner_.Gzip(data);
  }
  Result<DeflatePart> Deflate(std::string_view data, bool last) const override {
    ++deflate_calls;
    return inner_.Deflate(data, last);
  }
  mutable std::atomic<int> gzip_calls{0};
  mutable std::atomic<int> deflate_calls{0};

 private:
  DeflateCompressor inner_;
};

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

std::string Inflated(const std::string& member) {
  ScratchDir dir;
  const std::filesystem::path path = dir.path() / "member.gz";
  std::FILE* file = std::fopen(path.c_str(), "w+b");
  EXPECT_NE(file, nullptr);
  if (file == nullptr) return "";
  std::fwrite(member.data(), 1, member.size(), file);
  std::fflush(file);
  Result<InflatedMember> inflated = InflateMemberAt(file, path.string(), 0, uint64_t{1} << 30);
  std::fclose(file);
  EXPECT_TRUE(inflated.ok()) << inflated.status().ToString();
  if (!inflated.ok()) return "";
  EXPECT_EQ(inflated->compressed_length, member.size());
  return inflated->data;
}

TEST(SplicedGzipMemberTest, InflatesToTheConcatenationOfItsParts) {
  struct Case {
    const char* name;
    std::string head, stored, tail;
  };
  const std::vector<Case> cases = {
      {"all empty", "", "", ""},
      {"one byte each", "a", "b", "c"},
      {"text", "WARC/1.1\r\nWARC-Type: response\r\n", "WARC-Warcinfo-ID: <urn:uuid:x>\r\n",
       "Content-Length: 5\r\n\r\nhello\r\n\r\n"},
      {"binary tail over the reader's 64 KiB buffer", "head", "line\r\n", RandomBytes(300'000, 1)},
      {"stored part over one stored block (65,535 bytes)", "h", RandomBytes(140'000, 2), "t"},
      {"compressible", std::string(100'000, 'x'), "", std::string(100'000, 'y')},
  };
  const DeflateCompressor compressor;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<DeflatePart> head = compressor.Deflate(c.head, /*last=*/false);
    Result<DeflatePart> tail = compressor.Deflate(c.tail, /*last=*/true);
    ASSERT_TRUE(head.ok() && tail.ok());
    EXPECT_EQ(head->length, c.head.size());
    EXPECT_EQ(Inflated(SplicedGzipMember(*head, c.stored, *tail)), c.head + c.stored + c.tail);
  }
}

// A whole member (libdeflate's deflate in kuzet's own header and trailer) read by zlib's
// inflate, which checks the CRC-32 and ISIZE (RFC 1952 §2.3.1): incompressible data (stored
// blocks), long runs, sizes around a stored block's 65,535 bytes.
TEST(GzipMemberTest, InflatesToItsData) {
  for (const std::string& data :
       {std::string(), std::string("a"), std::string(65'535, 'z'), RandomBytes(65'536, 3),
        RandomBytes(300'000, 4), std::string(200'000, 'x') + RandomBytes(1'000, 5)}) {
    SCOPED_TRACE(data.size());
    Result<std::string> member = GzipMember(data);
    ASSERT_TRUE(member.ok()) << member.status().ToString();
    EXPECT_EQ(Inflated(*member), data);
  }
}

TEST(PrecompressedRecordTest, MemberIsTheRecordWithTheWarcinfoIdAppended) {
  Result<ExchangeRecords> records = MakeExchangeRecords(GzipExchange());
  ASSERT_TRUE(records.ok());
  const DeflateCompressor compressor;
  for (const WarcRecord* record : {&records->request, &records->response}) {
    Result<PrecompressedRecord> ready = PrecompressRecord(*record, compressor);
    ASSERT_TRUE(ready.ok()) << ready.status().ToString();
    EXPECT_EQ(ready->record_id, *record->Field("WARC-Record-ID"));
    WarcRecord linked = *record;
    ASSERT_TRUE(AddField(linked, "WARC-Warcinfo-ID", "<urn:uuid:0-1>").ok());
    EXPECT_EQ(Inflated(PrecompressedMember(*ready, "<urn:uuid:0-1>")), SerializeWarcRecord(linked));
  }
  WarcRecord linked = records->request;
  ASSERT_TRUE(AddField(linked, "WARC-Warcinfo-ID", "<urn:uuid:0-1>").ok());
  EXPECT_FALSE(PrecompressRecord(linked, compressor).ok());  // the writer's field, not the caller's
}

std::unique_ptr<WarcWriter> OpenWriter(const ScratchDir& dir, uint64_t max_file_bytes,
                                       std::shared_ptr<const Compressor> compressor) {
  WarcWriterOptions options;
  options.directory = dir.path();
  options.max_file_bytes = max_file_bytes;
  options.software = "Kuzet test";
  options.now_micros = [] { return kFetchMicros; };
  options.compressor = std::move(compressor);
  Result<std::unique_ptr<WarcWriter>> writer = WarcWriter::Open(std::move(options));
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  return writer.ok() ? std::move(*writer) : nullptr;
}

// Each record at its location: read back equal to `expected`, linked to its file's warcinfo.
void ExpectRecordsAt(const ScratchDir& dir, const std::vector<WarcLocation>& locations,
                     const std::vector<const WarcRecord*>& expected) {
  ASSERT_EQ(locations.size(), expected.size());
  for (size_t i = 0; i < locations.size(); ++i) {
    const std::filesystem::path file = dir.path() / locations[i].file;
    Result<StoredWarcRecord> read = ReadWarcRecordAt(file, locations[i].offset);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->length, locations[i].length);
    EXPECT_EQ(read->record.block, expected[i]->block);
    for (const WarcField& field : expected[i]->fields) {
      EXPECT_EQ(read->record.Field(field.name), field.value) << field.name;
    }
    Result<StoredWarcRecord> warcinfo = ReadWarcRecordAt(file, 0);
    ASSERT_TRUE(warcinfo.ok());
    EXPECT_EQ(read->record.Field("WARC-Warcinfo-ID"), warcinfo->record.Field("WARC-Record-ID"));
    EXPECT_TRUE(VerifyWarcRecord(read->record, file.string()).ok());
  }
}

TEST(PrecompressedRecordTest, WriterDoesNoCompressionForARecordCompressedAhead) {
  const FetchedExchange exchange = GzipExchange();
  Result<ExchangeRecords> records = MakeExchangeRecords(exchange);
  ASSERT_TRUE(records.ok());
  Result<WarcRecord> metadata =
      MakeMetadataRecord({std::string(*records->response.Field("WARC-Record-ID")),
                          exchange.target_uri,
                          kFetchMicros,
                          "7",
                          {"70"}});
  ASSERT_TRUE(metadata.ok());
  const DeflateCompressor worker;
  Result<PrecompressedRecord> request = PrecompressRecord(records->request, worker);
  Result<PrecompressedRecord> response = PrecompressRecord(records->response, worker);
  ASSERT_TRUE(request.ok() && response.ok());

  ScratchDir dir;
  auto counting = std::make_shared<CountingCompressor>();
  // Room for the first group only: the second starts a new file, whose warcinfo id the spliced
  // members must then carry.
  std::unique_ptr<WarcWriter> writer = OpenWriter(dir, 3000, counting);
  ASSERT_TRUE(writer);
  const std::vector<PendingRecord> group = {
      {nullptr, &*request}, {nullptr, &*response}, {&*metadata, nullptr}};
  Result<std::vector<WarcLocation>> first = writer->Append(group);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(counting->gzip_calls, 2);  // the file's warcinfo and the metadata record
  Result<std::vector<WarcLocation>> second = writer->Append(group);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(writer->Sync().ok());
  ASSERT_NE((*second)[0].file, (*first)[0].file);
  // The second group: the metadata, the new file's warcinfo, the metadata again for its id.
  EXPECT_EQ(counting->gzip_calls, 5);
  EXPECT_EQ(counting->deflate_calls, 0);

  const std::vector<const WarcRecord*> expected = {&records->request, &records->response,
                                                   &*metadata};
  ExpectRecordsAt(dir, *first, expected);
  ExpectRecordsAt(dir, *second, expected);
  for (const WarcLocation& at : {(*first)[0], (*second)[0]}) {
    Result<uint64_t> verified = VerifyWarcFile(dir.path() / at.file);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ(*verified, 4u);  // warcinfo, request, response, metadata
  }
}

// Equal but for what is random or names the file: record ids and the links made of them.
void ExpectSameRecords(const std::vector<WarcRecord>& a, const std::vector<WarcRecord>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(std::string(a[i].type()));
    EXPECT_EQ(a[i].type(), b[i].type());
    EXPECT_EQ(a[i].block, b[i].block);
    ASSERT_EQ(a[i].fields.size(), b[i].fields.size());
    for (size_t f = 0; f < a[i].fields.size(); ++f) {
      EXPECT_EQ(a[i].fields[f].name, b[i].fields[f].name);
      const std::string& name = a[i].fields[f].name;
      if (name == "WARC-Record-ID" || name == "WARC-Concurrent-To" || name == "WARC-Refers-To" ||
          name == "WARC-Warcinfo-ID") {
        continue;
      }
      EXPECT_EQ(a[i].fields[f].value, b[i].fields[f].value) << name;
    }
  }
}

struct Archived {
  EvidenceCapture first, again;  // a capture, then a revisit of the same body
  std::vector<WarcRecord> first_records, again_records;
  int writer_gzip_calls = 0, writer_deflate_calls = 0;
};

// Archives GzipExchange() twice for document 7 (the second time unchanged: a revisit), with the
// records compressed ahead or not.
Archived ArchiveTwice(bool ahead) {
  ScratchDir dir;
  auto counting = std::make_shared<CountingCompressor>();
  EvidenceArchiveOptions options;
  options.directory = dir.path();
  options.now_micros = [] { return kFetchMicros; };
  options.compressor = counting;
  auto archive = EvidenceArchive::Open(std::move(options));
  EXPECT_TRUE(archive.ok());
  Archived out;
  if (!archive.ok()) return out;
  FetchedExchange exchange = GzipExchange();
  const DeflateCompressor worker;
  EvidenceContext context;
  context.doc_id = 7;
  context.mention_ids = {70, 71};
  for (int round = 0; round < 2; ++round) {
    if (round == 1) exchange.fetched_micros += 3'600'000'000;
    Result<PrecompressedExchange> ready = PrecompressExchange(exchange, worker);
    EXPECT_TRUE(ready.ok());
    auto capture = (*archive)->Archive(exchange, context, ahead ? &*ready : nullptr);
    EXPECT_TRUE(capture.ok()) << capture.status().ToString();
    if (!capture.ok()) return out;
    EXPECT_TRUE((*archive)->Sync().ok());
    (round == 0 ? out.first : out.again) = *capture;
    context.previous = &out.first;
  }
  out.first_records = ReadCapture(dir.path(), out.first);
  out.again_records = ReadCapture(dir.path(), out.again);
  out.writer_gzip_calls = counting->gzip_calls;
  out.writer_deflate_calls = counting->deflate_calls;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    Result<uint64_t> verified = VerifyWarcFile(entry.path());
    EXPECT_TRUE(verified.ok()) << verified.status().ToString();
  }
  return out;
}

TEST(PrecompressedRecordTest, CaptureCompressedAheadReadsBackEqualToOneTheWriterCompressed) {
  const Archived ahead = ArchiveTwice(true);
  const Archived writer = ArchiveTwice(false);
  ASSERT_EQ(ahead.first_records.size(), 3u);  // request, response, metadata
  ASSERT_EQ(ahead.again_records.size(), 3u);  // request, revisit, metadata
  EXPECT_EQ(ahead.first_records[1].type(), "response");
  EXPECT_EQ(ahead.again_records[1].type(), "revisit");
  ExpectSameRecords(ahead.first_records, writer.first_records);
  ExpectSameRecords(ahead.again_records, writer.again_records);
  // The capture's links: the metadata refers to the response, the revisit to the first capture.
  EXPECT_EQ(ahead.first_records[2].Field("WARC-Refers-To"),
            ahead.first_records[1].Field("WARC-Record-ID"));
  EXPECT_EQ(ahead.first.payload_record_id, *ahead.first_records[1].Field("WARC-Record-ID"));
  EXPECT_EQ(ahead.again_records[1].Field("WARC-Refers-To"), ahead.first.payload_record_id);
  EXPECT_TRUE(ahead.again.revisit);
  EXPECT_EQ(ahead.again.payload_digest, writer.again.payload_digest);
  // The writer compressed the warcinfo, both metadata records and the revisit; nothing else.
  EXPECT_EQ(ahead.writer_gzip_calls, 4);
  EXPECT_EQ(ahead.writer_deflate_calls, 0);
  EXPECT_EQ(writer.writer_gzip_calls, 7);  // and the request and response of both rounds
}

TEST(PrecompressedRecordTest, RecordsOfAnotherExchangeAreRefused) {
  ScratchDir dir;
  EvidenceArchiveOptions options;
  options.directory = dir.path();
  auto archive = EvidenceArchive::Open(std::move(options));
  ASSERT_TRUE(archive.ok());
  const FetchedExchange exchange = GzipExchange();
  FetchedExchange other = exchange;
  other.fetched_micros += 1;
  Result<PrecompressedExchange> ready = PrecompressExchange(other, DeflateCompressor());
  ASSERT_TRUE(ready.ok());
  EvidenceContext context;
  context.doc_id = 7;
  auto capture = (*archive)->Archive(exchange, context, &*ready);
  EXPECT_EQ(capture.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace kuzet::storage::warc
