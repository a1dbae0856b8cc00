// Internal to kuzet_config: typed, error-collecting access to one TOML table of the config.
//
// Each getter leaves the output untouched when the key is absent (so struct defaults apply) or
// when the value is wrong (and records an error naming the line and the dotted field path).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/config.h"
#include "config/diagnostics.h"

namespace kuzet::config {

// "a string", "an integer", ... for "expected X, got Y" messages.
std::string_view DescribeType(const toml::node& node);

// Line of a node in the file, or `fallback` when toml++ has no position for it.
int LineOf(const toml::node& node, int fallback);

class TableReader {
 public:
  // Checks a value after its type is right. Returns an error message ("" when the value is fine)
  // and may normalise the value in place (e.g. lowercase a host).
  using StringCheck = std::function<std::string(std::string& value)>;

  // `path` is the table's field path in messages ("settings", "sites[2]"; "" for the top level);
  // `line` is the table's line.
  // Reports every key of `table` not in `known_keys`, suggesting the closest known key.
  TableReader(const toml::table& table, std::string path, int line,
              std::span<const std::string_view> known_keys, ErrorList& errors);

  int line() const { return line_; }
  const std::string& path() const { return path_; }
  bool Has(std::string_view key) const { return table_.contains(key); }
  std::string Field(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  // Line of the key's value, or of the table when the key is absent.
  int LineOfKey(std::string_view key) const;
  void Error(std::string_view key, std::string_view what) {
    errors_.Add(LineOfKey(key), Field(key), what);
  }
  void MissingKey(std::string_view key) { errors_.Add(line_, Field(key), "missing required key"); }

  // Returns true when the key was present and valid.
  bool String(std::string_view key, std::string* out, const StringCheck& check = {});
  bool StringArray(std::string_view key, std::vector<std::string>* out,
                   const StringCheck& check = {});
  bool Bool(std::string_view key, bool* out);
  bool Integer(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t* out);
  bool Integer(std::string_view key, int min, int max, int* out);
  bool Duration(std::string_view key, bool allow_zero, Seconds* out);

 private:
  const toml::table& table_;
  std::string path_;
  int line_;
  ErrorList& errors_;
};

}  // namespace kuzet::config
