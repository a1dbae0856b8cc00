#include "crawler/content_decoder.h"

#include <zlib.h>

#include <array>

#include "base/strings.h"

namespace kuzet::crawler {

struct ContentDecoder::Zlib {
  z_stream stream{};
  bool initialised = false;
  ~Zlib() {
    if (initialised) inflateEnd(&stream);
  }
};

Result<ContentDecoder::Coding> ContentDecoder::CodingOf(std::string_view content_encoding) {
  std::string coding = base::AsciiLower(base::TrimAsciiWhitespace(content_encoding));
  if (coding.empty() || coding == "identity") return Coding::kIdentity;
  if (coding == "gzip" || coding == "x-gzip") return Coding::kGzip;
  if (coding == "deflate") return Coding::kDeflate;
  return Status::InvalidArgument("unsupported Content-Encoding \"" + coding + "\"");
}

ContentDecoder::ContentDecoder(Coding coding, int64_t max_output_bytes)
    : coding_(coding), max_output_bytes_(max_output_bytes), zlib_(std::make_unique<Zlib>()) {}

ContentDecoder::~ContentDecoder() = default;

Status ContentDecoder::Add(std::string_view data, std::string& out) {
  if (coding_ == Coding::kIdentity) {
    if (static_cast<int64_t>(out.size() + data.size()) > max_output_bytes_) {
      too_large_ = true;
      return Status::InvalidArgument("decoded body over the limit");
    }
    out.append(data);
    return Status::Ok();
  }
  if (ended_) return Status::Ok();
  if (!zlib_->initialised) {
    int window_bits = 15 + 16;  // gzip (RFC 1952) only
    if (coding_ == Coding::kDeflate) {
      // "deflate" is the zlib format (RFC 9110 §8.4.1.2, RFC 1950), but servers often send raw
      // deflate (RFC 1951): tell them apart by the zlib header (CM = 8, FCHECK), as libcurl does.
      pending_.append(data);
      if (pending_.size() < 2) return Status::Ok();
      const auto b0 = static_cast<unsigned char>(pending_[0]);
      const auto b1 = static_cast<unsigned char>(pending_[1]);
      const bool zlib_header = (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
      window_bits = zlib_header ? 15 : -15;
    }
    if (inflateInit2(&zlib_->stream, window_bits) != Z_OK) {
      return Status::IOError("cannot initialise zlib");
    }
    zlib_->initialised = true;
    if (coding_ == Coding::kDeflate) {
      std::string first = std::move(pending_);
      pending_.clear();
      return Add(first, out);
    }
  }
  z_stream& stream = zlib_->stream;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::array<char, 64 * 1024> buffer;
  while (stream.avail_in > 0 && !ended_) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    const int rc = inflate(&stream, Z_NO_FLUSH);
    const size_t produced = buffer.size() - stream.avail_out;
    if (static_cast<int64_t>(out.size() + produced) > max_output_bytes_) {
      too_large_ = true;
      return Status::InvalidArgument("decoded body over the limit");
    }
    out.append(buffer.data(), produced);
    if (rc == Z_STREAM_END) {
      ended_ = true;
    } else if (rc == Z_BUF_ERROR && produced == 0) {
      break;  // needs more input
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Status::Corruption(std::string("body is not valid ") +
                                (coding_ == Coding::kGzip ? "gzip" : "deflate") + " data" +
                                (stream.msg != nullptr ? std::string(": ") + stream.msg : ""));
    }
  }
  return Status::Ok();
}

Status ContentDecoder::Finish() const {
  if (coding_ == Coding::kIdentity || ended_) return Status::Ok();
  return Status::Corruption(std::string("the ") + (coding_ == Coding::kGzip ? "gzip" : "deflate") +
                            " body ends before its compressed stream does");
}

}  // namespace kuzet::crawler
