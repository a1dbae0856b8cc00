// Reading a scraped /metrics text (Prometheus exposition format) in tests.
#pragma once

#include <optional>
#include <string>

namespace kuzet::testing {

// The value of one series ("name{labels}", labels as rendered) in an exposition text, if present.
inline std::optional<double> SeriesValue(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return std::nullopt;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace kuzet::testing
