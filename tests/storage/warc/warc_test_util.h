// What the WARC tests share: a realistic fetch (a Kazakh news page about Zhanaozen, gzip-encoded
// as servers send it), a scratch directory, and the bytes of a file.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/evidence.h"
#include "storage/warc/capture_records.h"
#include "storage/warc/gzip_member.h"
#include "storage/warc/warc_reader.h"

namespace kuzet::storage::warc::testing {

inline constexpr int64_t kFetchMicros = 1'323'907'200'123'456;  // 2011-12-15T00:00:00.123456Z

inline std::string PageHtml() {
  return "<html lang=\"kk\"><body><h1>Жаңаөзен: мұнайшылар ереуілі</h1>"
         "<p>2011 жылғы 16 желтоқсан оқиғасы туралы жаңа куәліктер.</p></body></html>";
}

// A response whose body the server sent gzip-encoded: the record must keep it compressed.
inline FetchedExchange GzipExchange() {
  const Result<std::string> body = GzipMember(PageHtml());
  EXPECT_TRUE(body.ok());
  FetchedExchange exchange;
  exchange.target_uri = "https://news.example.kz/kk/zhanaozen?id=2011";
  exchange.ip_address = "203.0.113.7";
  exchange.fetched_micros = kFetchMicros;
  exchange.request_head =
      "GET /kk/zhanaozen?id=2011 HTTP/1.1\r\nHost: news.example.kz\r\n"
      "User-Agent: Kuzet/1.0\r\nAccept-Encoding: gzip, br\r\n\r\n";
  exchange.response_body = body.ok() ? *body : "";
  exchange.response_head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
      "Content-Encoding: gzip\r\nContent-Length: " +
      std::to_string(exchange.response_body.size()) + "\r\n\r\n";
  return exchange;
}

class ScratchDir {
 public:
  ScratchDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("kuzet-warc-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFileBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A capture read back from the archive: its records in order (a failed read fails the test).
inline std::vector<WarcRecord> ReadCapture(const std::filesystem::path& directory,
                                           const EvidenceCapture& capture) {
  std::vector<WarcRecord> out;
  for (const EvidenceLocation& at : capture.records) {
    Result<StoredWarcRecord> read = ReadWarcRecordAt(directory / at.file, at.offset);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (read.ok()) out.push_back(std::move(read->record));
  }
  return out;
}

}  // namespace kuzet::storage::warc::testing
