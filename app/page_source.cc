#include "app/page_source.h"

#include <zlib.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "config/config.h"
#include "crawler/fetcher.h"

namespace kuzet::app {

namespace {

Result<std::string> ReadGzipFile(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Status::IOError(path + ": cannot open");
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(file, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* message = gzerror(file, &err);
  std::string error = n < 0 ? message : "";
  gzclose(file);
  if (!error.empty()) return Status::IOError(path + ": " + error);
  return out;
}

}  // namespace

Result<PageBytes> ReadPage(const std::string& input, const std::string& base_url) {
  PageBytes page;
  page.url = base_url;
  if (input == "-") {
    page.bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return page;
  }
  if (input.starts_with("http://") || input.starts_with("https://")) {
    config::Settings settings;
    settings.allow_private_hosts = {"*"};  // the user named this URL themselves
    crawler::Fetcher fetcher(settings);
    auto response = fetcher.Fetch(crawler::FetchRequest{input});
    if (!response.ok()) return response.status();
    if (response->status != 200) {
      return Status::Network(input + ": HTTP status " + std::to_string(response->status));
    }
    page.bytes = std::move(response->body);
    page.content_type = response->content_type;
    page.url = response->final_url;
    return page;
  }
  if (input.ends_with(".gz")) {
    auto bytes = ReadGzipFile(input);
    if (!bytes.ok()) return bytes.status();
    page.bytes = std::move(bytes).value();
    return page;
  }
  std::ifstream file(input, std::ios::binary);
  if (!file) return Status::IOError(input + ": cannot open");
  std::ostringstream content;
  content << file.rdbuf();
  page.bytes = content.str();
  return page;
}

}  // namespace kuzet::app
