// A file of JSON Lines (one JSON value a line), as a hook channel that appends what it receives
// (`cat >> FILE`) leaves it.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kuzet::testing {

// Every line of `path` parsed; none when the file is not there yet. A line that is not JSON throws
// (the test errs, naming the parse error).
inline std::vector<nlohmann::json> ReadJsonLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace kuzet::testing
