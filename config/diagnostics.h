// Internal to kuzet_config: collects every validation error of one file, so `kuzet check-config`
// can show them all at once instead of one per run.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::config {

class ErrorList {
 public:
  explicit ErrorList(std::string source_name) : source_name_(std::move(source_name)) {}

  // Records "<source>:<line>: <field>: <what>".
  void Add(int line, std::string_view field, std::string_view what);

  bool empty() const { return errors_.empty(); }

  // All errors sorted by line (ties keep the order they were found), one per line of the message.
  Status ToStatus() const;

 private:
  struct Error {
    int line;
    std::string text;
  };
  std::string source_name_;
  std::vector<Error> errors_;
};

// The known key closest to `unknown` by edit distance, or "" when none is close enough to be a
// plausible typo (at most 2 edits, and at most half the length of the unknown key).
std::string ClosestKey(std::string_view unknown, std::span<const std::string_view> known);

// `text` in double quotes, for "got ..." messages.
std::string Quoted(std::string_view text);

}  // namespace kuzet::config
