#include "extractor/keywords/term_syntax.h"

namespace kuzet::keywords {

namespace {

size_t Columns(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Status ErrorAt(size_t column, const std::string& what) {
  return Status::InvalidArgument("column " + std::to_string(column) + ": " + what);
}

}  // namespace

Result<std::vector<TermAlternative>> ParseTermSyntax(std::string_view written) {
  size_t lead = 0;
  while (lead < written.size() && IsSpace(written[lead])) ++lead;
  size_t trail = written.size();
  while (trail > lead && IsSpace(written[trail - 1])) --trail;
  std::string_view term = written.substr(lead, trail - lead);
  const size_t base_column = Columns(written.substr(0, lead)) + 1;
  if (term.empty()) return ErrorAt(1, "empty term");

  std::vector<TermAlternative> out;
  if (term.front() == '/') {
    if (term.size() < 2 || term.back() != '/') {
      return ErrorAt(base_column, "unterminated regular expression (no closing '/')");
    }
    TermAlternative alt;
    alt.is_regex = true;
    alt.regex = std::string(term.substr(1, term.size() - 2));
    alt.column = base_column + 1;
    if (alt.regex.empty()) return ErrorAt(base_column, "empty regular expression");
    out.push_back(std::move(alt));
    return out;
  }

  size_t start = 0;
  while (start <= term.size()) {
    size_t bar = term.find('|', start);
    if (bar == std::string_view::npos) bar = term.size();
    std::string_view raw = term.substr(start, bar - start);
    size_t skip = 0;
    while (skip < raw.size() && IsSpace(raw[skip])) ++skip;
    size_t column = base_column + Columns(term.substr(0, start + skip));
    std::string_view text = raw.substr(skip);
    while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
    if (text.empty()) return ErrorAt(column, "empty alternative around '|'");

    TermAlternative alt;
    alt.column = column;
    if (text.front() == '=') {
      alt.exact = true;
      text.remove_prefix(1);
    }
    if (!text.empty() && text.back() == '*') {
      alt.prefix = true;
      text.remove_suffix(1);
    }
    if (alt.exact && alt.prefix) {
      return ErrorAt(column, "a term cannot be both exact (=) and a prefix (*)");
    }
    if (size_t star = text.find('*'); star != std::string_view::npos) {
      return ErrorAt(column + Columns(raw.substr(skip, (alt.exact ? 1 : 0) + star)),
                     "'*' is only allowed at the end of a term");
    }
    if (text.empty()) return ErrorAt(column, "term has no words");
    alt.words = std::string(text);
    out.push_back(std::move(alt));
    start = bar + 1;
  }
  return out;
}

}  // namespace kuzet::keywords
