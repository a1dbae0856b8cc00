#include "storage/wal_scan.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace kuzet::storage {

namespace fs = std::filesystem;

namespace {

// RocksDB's log format (db/log_format.h): 32 KiB blocks of records, each with a header of a
// masked CRC32C (4 bytes, little-endian), a length (2), a type (1) and, for the recyclable
// types, the log number (4). A record that does not fit a block is split into fragments.
constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;
constexpr size_t kRecyclableHeaderSize = 11;
enum RecordType : uint8_t {
  kZeroType = 0,  // preallocated space: the end of what was written
  kFullType = 1,
  kFirstType = 2,
  kMiddleType = 3,
  kLastType = 4,
  kRecyclableFullType = 5,
  kRecyclableLastType = 8,
};
constexpr uint32_t kMaskDelta = 0xa282ead8u;

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, as RocksDB's util/crc32c.
uint32_t Crc32cExtend(uint32_t crc, const uint8_t* data, size_t n) {
  static const std::array<uint32_t, 256> kTable = [] {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      table[i] = c;
    }
    return table;
  }();
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = kTable[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

uint32_t Fixed32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

// The largest logical record (write batch) assembled from fragments; a longer one is damage.
// Kuzet's batches are a page with its mentions: a few MiB at most.
constexpr size_t kMaxRecordSize = 256 << 20;

// Scans one log, a 32 KiB block at a time (records never cross a block; fragments do). Before
// the damage, records are only checked; after it (in this log or an earlier one), intact
// batches are reported.
Status ScanOne(const fs::path& file, WalDamage& damage,
               const std::function<void(const std::string&)>& batch) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + file.string());
  if (damage.found) damage.files_from_damage.push_back(file.string());
  std::array<uint8_t, kBlockSize> block;
  std::string record;  // fragments assembled so far
  bool in_record = false;
  for (uint64_t block_start = 0;; block_start += kBlockSize) {
    in.read(reinterpret_cast<char*>(block.data()), kBlockSize);
    const size_t size = static_cast<size_t>(in.gcount());
    if (size == 0) break;
    const bool last_block = size < kBlockSize;
    // Marks damage at `pos` (the first only); the rest of the block is skipped.
    auto damaged = [&](size_t pos, const char* reason) {
      if (!damage.found) {
        damage.found = true;
        damage.file = file.string();
        damage.offset = block_start + pos;
        damage.reason = reason;
        damage.files_from_damage.push_back(file.string());
      }
      damage.unreadable_bytes += size - pos;
      record.clear();
      in_record = false;
    };
    size_t pos = 0;
    bool end_of_log = false;
    while (pos + kHeaderSize <= size) {  // less is the block's zero trailer, or a torn tail
      const uint8_t* header = block.data() + pos;
      const uint8_t type = header[6];
      const size_t length = static_cast<size_t>(header[4]) | static_cast<size_t>(header[5]) << 8;
      if (type == kZeroType && length == 0 && Fixed32(header) == 0) {  // preallocated zeros
        end_of_log = last_block;
        break;
      }
      if (type < kFullType || type > kRecyclableLastType) {
        damaged(pos, "unknown record type");
        break;
      }
      const bool recyclable = type >= kRecyclableFullType;
      const size_t header_size = recyclable ? kRecyclableHeaderSize : kHeaderSize;
      if (pos + header_size + length > size) {
        if (last_block) {  // the last record, cut short by a crash: a torn tail
          end_of_log = true;
          break;
        }
        damaged(pos, "bad record length");
        break;
      }
      // The CRC covers the type, the log number of recyclable records, and the payload.
      uint32_t crc = Crc32cExtend(0, header + 6, 1);
      if (recyclable) crc = Crc32cExtend(crc, header + 7, 4);
      crc = Crc32cExtend(crc, header + header_size, length);
      if (crc != Unmask(Fixed32(header))) {
        damaged(pos, "checksum mismatch");
        break;
      }
      const std::string_view payload(reinterpret_cast<const char*>(header + header_size), length);
      pos += header_size + length;
      const uint8_t base = recyclable ? type - (kRecyclableFullType - kFullType) : type;
      bool complete = false;
      if (base == kFullType) {
        record.assign(payload);
        complete = true;
        in_record = false;
      } else if (base == kFirstType) {
        record.assign(payload);
        in_record = true;
      } else if (in_record) {  // kMiddleType or kLastType after a first fragment
        if (record.size() + payload.size() > kMaxRecordSize) {
          damaged(pos - header_size - length, "record too long");
          break;
        }
        record.append(payload);
        complete = base == kLastType;
        in_record = !complete;
      }
      // A middle or last fragment without its first: its start was in a damaged block.
      if (complete && damage.found) {
        ++damage.batches_after;
        batch(record);
      }
    }
    if (end_of_log || last_block) break;
  }
  return Status::Ok();
}

}  // namespace

Result<WalDamage> ScanWriteAheadLogs(const std::string& db_path,
                                     const std::function<void(const std::string&)>& batch) {
  std::vector<std::pair<uint64_t, fs::path>> logs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(db_path, ec)) {
    const fs::path& path = entry.path();
    if (path.extension() != ".log") continue;
    const std::string stem = path.stem().string();
    if (stem.empty() || stem.size() > 19 || !std::all_of(stem.begin(), stem.end(), ::isdigit))
      continue;
    logs.emplace_back(std::stoull(stem), path);
  }
  if (ec) return Status::IOError("cannot list " + db_path + ": " + ec.message());
  std::sort(logs.begin(), logs.end());
  WalDamage damage;
  for (const auto& [number, path] : logs) {
    if (Status s = ScanOne(path, damage, batch); !s.ok()) return s;
  }
  return damage;
}

}  // namespace kuzet::storage
