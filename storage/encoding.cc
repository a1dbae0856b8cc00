#include "storage/encoding.h"

namespace kuzet::storage {

namespace {
constexpr uint64_t kSignBit = uint64_t{1} << 63;
}  // namespace

void PutFixed64BE(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void PutFixed32BE(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void PutTimeBE(std::string& out, int64_t unix_us) {
  PutFixed64BE(out, static_cast<uint64_t>(unix_us) ^ kSignBit);
}

void PutNewestFirstTimeBE(std::string& out, int64_t unix_us) {
  PutFixed64BE(out, ~(static_cast<uint64_t>(unix_us) ^ kSignBit));
}

void PutNewestFirstIdBE(std::string& out, uint64_t id) { PutFixed64BE(out, ~id); }

void PutVarsint64(std::string& out, int64_t v) {
  PutVarint64(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutLengthPrefixed(std::string& out, std::string_view s) {
  PutVarint64(out, s.size());
  out.append(s);
}

uint64_t DecodeFixed64BE(std::string_view b) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < b.size(); ++i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

bool Reader::GetFixed64BE(uint64_t& v) {
  if (failed_ || in_.size() < 8) return failed_ = true, false;
  v = DecodeFixed64BE(in_.substr(0, 8));
  in_.remove_prefix(8);
  return true;
}

bool Reader::GetFixed32BE(uint32_t& v) {
  if (failed_ || in_.size() < 4) return failed_ = true, false;
  v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in_[i]);
  in_.remove_prefix(4);
  return true;
}

bool Reader::GetTimeBE(int64_t& unix_us) {
  uint64_t raw;
  if (!GetFixed64BE(raw)) return false;
  unix_us = static_cast<int64_t>(raw ^ kSignBit);
  return true;
}

bool Reader::GetVarint64(uint64_t& v) {
  if (failed_) return false;
  v = 0;
  for (int shift = 0; shift <= 63 && !in_.empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return failed_ = true, false;
}

bool Reader::GetVarint32(uint32_t& v) {
  uint64_t wide;
  if (!GetVarint64(wide)) return false;
  if (wide > UINT32_MAX) return failed_ = true, false;
  v = static_cast<uint32_t>(wide);
  return true;
}

bool Reader::GetVarsint64(int64_t& v) {
  uint64_t zigzag;
  if (!GetVarint64(zigzag)) return false;
  v = static_cast<int64_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
  return true;
}

bool Reader::GetLengthPrefixed(std::string& s) {
  uint64_t size;
  if (!GetVarint64(size)) return false;
  if (size > in_.size()) return failed_ = true, false;
  s.assign(in_.substr(0, size));
  in_.remove_prefix(size);
  return true;
}

bool Reader::GetByte(uint8_t& b) {
  if (failed_ || in_.empty()) return failed_ = true, false;
  b = static_cast<uint8_t>(in_.front());
  in_.remove_prefix(1);
  return true;
}

}  // namespace kuzet::storage
