#include "config/table_reader.h"

namespace kuzet::config {

std::string_view DescribeType(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

int LineOf(const toml::node& node, int fallback) {
  int line = static_cast<int>(node.source().begin.line);
  return line > 0 ? line : fallback;
}

TableReader::TableReader(const toml::table& table, std::string path, int line,
                         std::span<const std::string_view> known_keys, ErrorList& errors)
    : table_(table), path_(std::move(path)), line_(line), errors_(errors) {
  for (auto&& [key, value] : table_) {
    std::string_view name = key.str();
    bool known = false;
    for (std::string_view k : known_keys) known = known || k == name;
    if (known) continue;
    std::string what = "unknown key";
    std::string suggestion = ClosestKey(name, known_keys);
    if (!suggestion.empty()) what += " (did you mean " + Quoted(suggestion) + "?)";
    int key_line = static_cast<int>(key.source().begin.line);
    errors_.Add(key_line > 0 ? key_line : LineOf(value, line_), Field(name), what);
  }
}

int TableReader::LineOfKey(std::string_view key) const {
  const toml::node* node = table_.get(key);
  return node ? LineOf(*node, line_) : line_;
}

bool TableReader::String(std::string_view key, std::string* out, const StringCheck& check) {
  const toml::node* node = table_.get(key);
  if (!node) return false;
  const auto* value = node->as_string();
  if (!value) {
    Error(key, "expected a string, got " + std::string(DescribeType(*node)));
    return false;
  }
  std::string text = value->get();
  if (check) {
    std::string problem = check(text);
    if (!problem.empty()) {
      Error(key, problem);
      return false;
    }
  }
  *out = std::move(text);
  return true;
}

bool TableReader::StringArray(std::string_view key, std::vector<std::string>* out,
                              const StringCheck& check) {
  const toml::node* node = table_.get(key);
  if (!node) return false;
  const toml::array* array = node->as_array();
  if (!array) {
    Error(key, "expected an array of strings, got " + std::string(DescribeType(*node)));
    return false;
  }
  int array_line = LineOf(*node, line_);
  bool all_valid = true;
  std::vector<std::string> values;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    std::string field = Field(key) + "[" + std::to_string(i) + "]";
    int element_line = LineOf(element, array_line);
    const auto* value = element.as_string();
    if (!value) {
      errors_.Add(element_line, field,
                  "expected a string, got " + std::string(DescribeType(element)));
      all_valid = false;
      continue;
    }
    std::string text = value->get();
    if (check) {
      std::string problem = check(text);
      if (!problem.empty()) {
        errors_.Add(element_line, field, problem);
        all_valid = false;
        continue;
      }
    }
    values.push_back(std::move(text));
  }
  *out = std::move(values);
  return all_valid;
}

bool TableReader::Bool(std::string_view key, bool* out) {
  const toml::node* node = table_.get(key);
  if (!node) return false;
  const auto* value = node->as_boolean();
  if (!value) {
    Error(key, "expected a boolean (true or false), got " + std::string(DescribeType(*node)));
    return false;
  }
  *out = value->get();
  return true;
}

bool TableReader::Integer(std::string_view key, std::int64_t min, std::int64_t max,
                          std::int64_t* out) {
  const toml::node* node = table_.get(key);
  if (!node) return false;
  const auto* value = node->as_integer();
  if (!value) {
    Error(key, "expected an integer, got " + std::string(DescribeType(*node)));
    return false;
  }
  std::int64_t number = value->get();
  if (number < min || number > max) {
    Error(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                   ", got " + std::to_string(number));
    return false;
  }
  *out = number;
  return true;
}

bool TableReader::Integer(std::string_view key, int min, int max, int* out) {
  std::int64_t number = 0;
  if (!Integer(key, std::int64_t{min}, std::int64_t{max}, &number)) return false;
  *out = static_cast<int>(number);
  return true;
}

bool TableReader::Duration(std::string_view key, bool allow_zero, Seconds* out) {
  const toml::node* node = table_.get(key);
  if (!node) return false;
  const auto* value = node->as_string();
  if (!value) {
    Error(key, "expected a duration like \"15m\", got " + std::string(DescribeType(*node)));
    return false;
  }
  Result<Seconds> duration = ParseDuration(value->get());
  if (!duration.ok()) {
    Error(key, duration.status().message());
    return false;
  }
  if (!allow_zero && duration->count() == 0) {
    Error(key, "expected a duration greater than zero, got " + Quoted(value->get()));
    return false;
  }
  *out = *duration;
  return true;
}

}  // namespace kuzet::config
