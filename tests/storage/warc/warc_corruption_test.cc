// Damaged archives: every kind of damage to a written WARC file is found by the verifier (or the
// reader), as a Corruption that names the file and the offset of the damaged record. The archive
// is evidence; a record that changed since it was written must never pass for the original.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "storage/warc/capture_records.h"
#include "storage/warc/gzip_member.h"
#include "storage/warc/payload_digest.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_verifier.h"
#include "storage/warc/warc_writer.h"
#include "warc_test_util.h"

namespace kuzet::storage::warc {
namespace {

using testing::FileBytes;
using testing::GzipExchange;
using testing::kFetchMicros;
using testing::ScratchDir;
using testing::WriteFileBytes;

struct WrittenFile {
  std::filesystem::path path;
  std::vector<WarcLocation> locations;  // request, response, metadata
};

WrittenFile WriteCapture(const ScratchDir& dir) {
  Result<std::unique_ptr<WarcWriter>> writer =
      WarcWriter::Open({dir.path(), uint64_t{1} << 30, "Kuzet test", [] { return kFetchMicros; }});
  EXPECT_TRUE(writer.ok());
  Result<ExchangeRecords> exchange = MakeExchangeRecords(GzipExchange());
  EXPECT_TRUE(exchange.ok());
  Result<WarcRecord> metadata =
      MakeMetadataRecord({std::string(*exchange->response.Field("WARC-Record-ID")),
                          GzipExchange().target_uri,
                          kFetchMicros,
                          "doc-1",
                          {"m-1"}});
  EXPECT_TRUE(metadata.ok());
  const std::vector<WarcRecord> records = {exchange->request, exchange->response, *metadata};
  Result<std::vector<WarcLocation>> locations = (*writer)->Write(records);
  EXPECT_TRUE(locations.ok());
  return {dir.path() / (*writer)->current_file(), *locations};
}

// Replaces the member at `at` by `record`, serialized and compressed: damage that gzip's own CRC
// cannot see, only the WARC digests can.
void ReplaceMember(const WrittenFile& file, const WarcLocation& at, const WarcRecord& record) {
  const std::string bytes = FileBytes(file.path);
  Result<std::string> member = GzipMember(SerializeWarcRecord(record));
  ASSERT_TRUE(member.ok());
  WriteFileBytes(file.path,
                 bytes.substr(0, at.offset) + *member + bytes.substr(at.offset + at.length));
}

WarcRecord RecordAt(const WrittenFile& file, const WarcLocation& at) {
  Result<StoredWarcRecord> read = ReadWarcRecordAt(file.path, at.offset);
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  return read.ok() ? read->record : WarcRecord{};
}

void SetField(WarcRecord& record, std::string_view name, std::string_view value) {
  for (WarcField& field : record.fields) {
    if (field.name == name) field.value = value;
  }
}

TEST(WarcCorruptionTest, EveryDamageIsFoundAtItsRecord) {
  struct Case {
    std::string label;
    size_t record;  // index of the damaged record in WrittenFile::locations
    std::function<void(const WrittenFile&, const WarcLocation&)> damage;
    std::string expected_message;  // a part of the Status message
  };
  const std::vector<Case> cases = {
      {"file cut inside the last member", 2,
       [](const WrittenFile& f, const WarcLocation& at) {
         std::filesystem::resize_file(f.path, at.offset + at.length / 2);
       },
       "truncated"},
      {"a byte of compressed data flipped", 1,
       [](const WrittenFile& f, const WarcLocation& at) {
         std::string bytes = FileBytes(f.path);
         bytes[at.offset + at.length / 2] ^= 0x20;
         WriteFileBytes(f.path, bytes);
       },
       "gzip member"},
      {"the gzip trailer's CRC-32 changed", 1,
       [](const WrittenFile& f, const WarcLocation& at) {
         std::string bytes = FileBytes(f.path);
         bytes[at.offset + at.length - 8] ^= 0x01;  // RFC 1952 §2.3.1: CRC32 then ISIZE
         WriteFileBytes(f.path, bytes);
       },
       "gzip member"},
      {"the body re-written and re-compressed", 1,
       [](const WrittenFile& f, const WarcLocation& at) {
         WarcRecord record = RecordAt(f, at);
         record.block.back() ^= 0x01;
         ReplaceMember(f, at, record);
       },
       "WARC-Block-Digest"},
      {"the body and its block digest re-written", 1,
       [](const WrittenFile& f, const WarcLocation& at) {
         WarcRecord record = RecordAt(f, at);
         record.block.back() ^= 0x01;
         SetField(record, "WARC-Block-Digest", WarcSha1Digest(record.block));
         ReplaceMember(f, at, record);
       },
       "WARC-Payload-Digest"},
      {"the request's block digest removed", 0,
       [](const WrittenFile& f, const WarcLocation& at) {
         WarcRecord record = RecordAt(f, at);
         std::erase_if(record.fields,
                       [](const WarcField& field) { return field.name == "WARC-Block-Digest"; });
         ReplaceMember(f, at, record);
       },
       "without WARC-Block-Digest"},
      {"the metadata's mention id changed", 2,
       [](const WrittenFile& f, const WarcLocation& at) {
         WarcRecord record = RecordAt(f, at);
         record.block.replace(record.block.find("m-1"), 3, "m-9");
         ReplaceMember(f, at, record);
       },
       "WARC-Block-Digest"},
      {"Content-Length made longer than the block", 2,
       [](const WrittenFile& f, const WarcLocation& at) {
         WarcRecord record = RecordAt(f, at);
         std::string text = SerializeWarcRecord(record);
         const std::string length = "Content-Length: " + std::to_string(record.block.size());
         text.replace(text.find(length), length.size(),
                      "Content-Length: " + std::to_string(record.block.size() + 9));
         const std::string bytes = FileBytes(f.path);
         Result<std::string> member = GzipMember(text);
         ASSERT_TRUE(member.ok());
         WriteFileBytes(f.path, bytes.substr(0, at.offset) + *member);
       },
       "Content-Length"},
      {"garbage after the last member", 3,
       [](const WrittenFile& f, const WarcLocation&) {
         WriteFileBytes(f.path, FileBytes(f.path) + "not gzip at all");
       },
       "gzip member"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    ScratchDir dir;
    const WrittenFile file = WriteCapture(dir);
    ASSERT_TRUE(VerifyWarcFile(file.path).ok());  // sound before the damage
    const uint64_t offset = c.record < file.locations.size()
                                ? file.locations[c.record].offset
                                : file.locations.back().offset + file.locations.back().length;
    c.damage(file, c.record < file.locations.size() ? file.locations[c.record] : WarcLocation{});
    Result<uint64_t> verified = VerifyWarcFile(file.path);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.status().code(), Status::Code::kCorruption);
    const std::string& message = verified.status().message();
    EXPECT_NE(message.find(c.expected_message), std::string::npos) << message;
    EXPECT_NE(message.find(file.path.string() + " at offset " + std::to_string(offset)),
              std::string::npos)
        << message;
  }
}

// A member that inflates far beyond any record (a "gzip bomb") is refused once past the bound,
// without inflating the rest.
TEST(WarcCorruptionTest, OversizedMemberIsRefusedWithinTheBound) {
  ScratchDir dir;
  const std::filesystem::path path = dir.path() / "bomb.warc.gz";
  WarcRecord record;
  ASSERT_TRUE(AddField(record, "WARC-Type", "resource").ok());
  record.block = std::string(64 << 20, 'a');  // compresses to about 64 KiB
  Result<std::string> member = GzipMember(SerializeWarcRecord(record));
  ASSERT_TRUE(member.ok());
  WriteFileBytes(path, *member);
  Result<StoredWarcRecord> read = ReadWarcRecordAt(path, 0, 1 << 20);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Status::Code::kCorruption);
  EXPECT_NE(read.status().message().find("above the limit"), std::string::npos);
  EXPECT_TRUE(ReadWarcRecordAt(path, 0, 128 << 20).ok());
}

TEST(WarcCorruptionTest, OffsetInsideAMemberIsNotARecord) {
  ScratchDir dir;
  const WrittenFile file = WriteCapture(dir);
  Result<StoredWarcRecord> read = ReadWarcRecordAt(file.path, file.locations[1].offset + 1);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Status::Code::kCorruption);
  EXPECT_FALSE(ReadWarcRecordAt(file.path, std::filesystem::file_size(file.path) + 100).ok());
}

}  // namespace
}  // namespace kuzet::storage::warc
