// Byte-level building blocks of the store's keys and records (described in storage/FORMAT.md):
// big-endian fixed-width integers, so keys sort numerically, and LEB128 varints and
// length-prefixed strings for record values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kuzet::storage {

// Appends v as 8 big-endian bytes.
void PutFixed64BE(std::string& out, uint64_t v);
void PutFixed32BE(std::string& out, uint32_t v);
// Signed times sort correctly as unsigned once the sign bit is flipped.
void PutTimeBE(std::string& out, int64_t unix_us);
// The complement of PutTimeBE / PutFixed64BE: later times and larger ids sort first, so an index
// read newest first is a forward scan (RocksDB's fast direction, notably in memtables).
void PutNewestFirstTimeBE(std::string& out, int64_t unix_us);
void PutNewestFirstIdBE(std::string& out, uint64_t id);
// Appends v as a varint (LEB128), inline: the search index writes one per id and position, most
// of a byte.
inline void PutVarint64(std::string& out, uint64_t v) {
  if (v < 0x80) {
    out.push_back(static_cast<char>(v));
    return;
  }
  char bytes[10];
  size_t n = 0;
  for (; v >= 0x80; v >>= 7) bytes[n++] = static_cast<char>((v & 0x7f) | 0x80);
  bytes[n++] = static_cast<char>(v);
  out.append(bytes, n);
}
// A varint length, then the bytes.
void PutLengthPrefixed(std::string& out, std::string_view s);
// Zigzag, so small negative numbers stay short.
void PutVarsint64(std::string& out, int64_t v);

// Reads from a byte string, front to back. Every Get returns false (and reads nothing more) once
// the input is truncated or malformed.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool GetFixed64BE(uint64_t& v);
  bool GetFixed32BE(uint32_t& v);
  bool GetTimeBE(int64_t& unix_us);
  bool GetVarint64(uint64_t& v);
  bool GetVarint32(uint32_t& v);
  bool GetVarsint64(int64_t& v);
  bool GetLengthPrefixed(std::string& s);
  bool GetByte(uint8_t& b);
  bool empty() const { return in_.empty(); }
  std::string_view rest() const { return in_; }

 private:
  std::string_view in_;
  bool failed_ = false;
};

uint64_t DecodeFixed64BE(std::string_view eight_bytes);

}  // namespace kuzet::storage
