// Removes a response's Content-Encoding (RFC 9110 §8.4.1) as the body arrives, so that the
// fetcher can keep the body as transferred (for the evidence archive, storage/warc) and hand the
// extractor the decoded one. Decoding is bounded: output past `max_output_bytes` stops it, so a
// gzip bomb costs at most that much memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace kuzet::crawler {

class ContentDecoder {
 public:
  enum class Coding { kIdentity, kGzip, kDeflate };

  // The coding a Content-Encoding field value names: "" and "identity" are kIdentity; "gzip",
  // "x-gzip" (RFC 9110 §8.4.1.3) kGzip; "deflate" kDeflate. Anything else (br, zstd, a list of
  // several codings) is InvalidArgument: the fetcher only asks for gzip and deflate.
  static Result<Coding> CodingOf(std::string_view content_encoding);

  ContentDecoder(Coding coding, int64_t max_output_bytes);
  ~ContentDecoder();
  ContentDecoder(const ContentDecoder&) = delete;
  ContentDecoder& operator=(const ContentDecoder&) = delete;

  // Decodes the next piece of the body onto `out`. InvalidArgument, with too_large() set, when
  // `out` would pass max_output_bytes; Corruption for bytes that are not of the coding. Bytes after
  // the end of the encoded stream are ignored, as libcurl ignores them.
  Status Add(std::string_view data, std::string& out);
  // After the last piece: Corruption when the encoded stream stopped before its end.
  Status Finish() const;

  bool too_large() const { return too_large_; }

 private:
  struct Zlib;
  Coding coding_;
  int64_t max_output_bytes_;
  std::unique_ptr<Zlib> zlib_;
  bool ended_ = false;
  bool too_large_ = false;
  std::string pending_;  // the first byte of a deflate body, until its header can be told
};

}  // namespace kuzet::crawler
