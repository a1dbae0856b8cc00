// Reading the shared corpora's files for the evaluation tools (eval_extract, eval_charset,
// eval_language): whole files, plain or gzip-compressed.
#pragma once

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kuzet::bench {

// The whole file; false when it cannot be opened.
inline bool ReadFile(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// The whole decompressed content of a .gz file; false when it cannot be read.
inline bool ReadGzip(const std::filesystem::path& path, std::string& out) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  out.clear();
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return n >= 0;
}

}  // namespace kuzet::bench
