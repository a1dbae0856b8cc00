// Reads a page for the one-shot tools (extract, match): a file (".gz" decompressed), a URL, or
// "-" for standard input.
#pragma once

#include <string>

#include "base/status.h"

namespace kuzet::app {

struct PageBytes {
  std::string bytes;
  std::string content_type;  // the HTTP Content-Type for a URL, "" otherwise
  std::string url;           // the final URL, or the --base-url given for a file
};

Result<PageBytes> ReadPage(const std::string& input, const std::string& base_url);

}  // namespace kuzet::app
