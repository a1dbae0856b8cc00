#include "crawler/feed_date.h"

#include <array>
#include <cctype>
#include <string>

#include "base/strings.h"

namespace kuzet::crawler {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Valid(int y, int mo, int d, int h, int mi, int s) {
  return y >= 1970 && y < 3000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 24 &&
         mi >= 0 && mi < 60 && s >= 0 && s <= 60;
}

int64_t ToUnix(int y, int mo, int d, int h, int mi, int s, int offset_seconds) {
  if (!Valid(y, mo, d, h, mi, s)) return 0;
  int64_t t = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
              h * 3600 + mi * 60 + s - offset_seconds;
  return t > 0 ? t : 0;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool Done() const { return pos_ >= text_.size(); }
  char Peek() const { return Done() ? '\0' : text_[pos_]; }
  void Skip(std::string_view chars) {
    while (!Done() && chars.find(text_[pos_]) != std::string_view::npos) ++pos_;
  }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads 1..max_digits digits.
  bool Number(int* out, size_t max_digits = 4) {
    size_t start = pos_;
    int value = 0;
    while (!Done() && pos_ - start < max_digits &&
           std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      value = value * 10 + (text_[pos_++] - '0');
    }
    *out = value;
    return pos_ > start;
  }
  std::string Word() {
    std::string word;
    while (!Done() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) {
      word += base::AsciiLower(text_[pos_++]);
    }
    return word;
  }
  std::string_view Rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

int MonthFromName(const std::string& word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (word.compare(0, 3, kMonths[i]) == 0) return static_cast<int>(i) + 1;
  }
  return 0;
}

// "Z", "+03:00", "+0300", "-05", "GMT", "UT", "EST", ...; false when unrecognised.
bool ParseZone(Scanner& scan, int* offset_seconds) {
  scan.Skip(" ");
  *offset_seconds = 0;
  if (scan.Done()) return true;  // no zone: UTC, as feedparser assumes
  char sign = scan.Peek();
  if (sign == '+' || sign == '-') {
    scan.Eat(sign);
    int hours = 0, minutes = 0;
    if (!scan.Number(&hours, 2)) return false;
    scan.Eat(':');
    scan.Number(&minutes, 2);
    *offset_seconds = (hours * 3600 + minutes * 60) * (sign == '-' ? -1 : 1);
    return true;
  }
  std::string zone = scan.Word();
  struct Named {
    std::string_view name;
    int hours;
  };
  static constexpr std::array<Named, 13> kZones = {{{"z", 0},
                                                    {"ut", 0},
                                                    {"utc", 0},
                                                    {"gmt", 0},
                                                    {"est", -5},
                                                    {"edt", -4},
                                                    {"cst", -6},
                                                    {"cdt", -5},
                                                    {"mst", -7},
                                                    {"mdt", -6},
                                                    {"pst", -8},
                                                    {"pdt", -7},
                                                    {"msk", 3}}};
  for (const Named& named : kZones) {
    if (zone == named.name) {
      *offset_seconds = named.hours * 3600;
      return true;
    }
  }
  return zone.empty();
}

int64_t ParseIso8601(std::string_view text) {
  Scanner scan(text);
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0;
  if (!scan.Number(&y, 4) || y < 1000) return 0;
  if (!scan.Eat('-')) return 0;
  if (!scan.Number(&mo, 2)) return 0;
  if (scan.Eat('-') && !scan.Number(&d, 2)) return 0;
  if (scan.Eat('T') || scan.Eat('t') || scan.Eat(' ')) {
    if (!scan.Number(&h, 2) || !scan.Eat(':') || !scan.Number(&mi, 2)) return 0;
    if (scan.Eat(':')) scan.Number(&s, 2);
    if (scan.Eat('.') || scan.Eat(',')) {
      int fraction = 0;
      scan.Number(&fraction, 9);
    }
  }
  int offset = 0;
  if (!ParseZone(scan, &offset)) return 0;
  return ToUnix(y, mo, d, h, mi, s, offset);
}

int64_t ParseRfc822(std::string_view text) {
  Scanner scan(text);
  scan.Skip(" \t");
  if (std::isalpha(static_cast<unsigned char>(scan.Peek()))) {  // optional weekday
    scan.Word();
    scan.Skip(", ");
  }
  int d = 0, mo = 0, y = 0, h = 0, mi = 0, s = 0;
  if (!scan.Number(&d, 2)) return 0;
  scan.Skip(" -");
  mo = MonthFromName(scan.Word());
  if (mo == 0) return 0;
  scan.Skip(" -");
  if (!scan.Number(&y, 4)) return 0;
  if (y < 100) y += y < 50 ? 2000 : 1900;  // RFC 822 two-digit years
  scan.Skip(" ");
  if (scan.Number(&h, 2)) {
    if (!scan.Eat(':') || !scan.Number(&mi, 2)) return 0;
    if (scan.Eat(':')) scan.Number(&s, 2);
  }
  int offset = 0;
  if (!ParseZone(scan, &offset)) return 0;
  return ToUnix(y, mo, d, h, mi, s, offset);
}

}  // namespace

int64_t ParseFeedDate(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) return 0;
  if (text.size() >= 7 && std::isdigit(static_cast<unsigned char>(text[0])) &&
      std::isdigit(static_cast<unsigned char>(text[3])) && text[4] == '-') {
    return ParseIso8601(text);
  }
  return ParseRfc822(text);
}

}  // namespace kuzet::crawler
