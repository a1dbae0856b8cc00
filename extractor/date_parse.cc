#include "extractor/date_parse.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace kuzet::extractor {
namespace {

struct MonthName {
  std::string_view prefix;  // lowercase; a word matches if it starts with this
  int month;
  size_t min_len;  // the word must be at least this long (bytes)
};

// Stems long enough to be unambiguous in their language; genitive and nominative both match.
constexpr MonthName kMonths[] = {
    // English (also abbreviations)
    {"jan", 1, 3},
    {"feb", 2, 3},
    {"mar", 3, 3},
    {"apr", 4, 3},
    {"may", 5, 3},
    {"jun", 6, 3},
    {"jul", 7, 3},
    {"aug", 8, 3},
    {"sep", 9, 3},
    {"oct", 10, 3},
    {"nov", 11, 3},
    {"dec", 12, 3},
    // Russian
    {"январ", 1, 10},
    {"феврал", 2, 12},
    {"март", 3, 8},
    {"апрел", 4, 10},
    {"мая", 5, 6},
    {"май", 5, 6},
    {"июн", 6, 6},
    {"июл", 7, 6},
    {"август", 8, 12},
    {"сентябр", 9, 14},
    {"октябр", 10, 12},
    {"ноябр", 11, 10},
    {"декабр", 12, 12},
    // Ukrainian
    {"січ", 1, 6},
    {"лют", 2, 6},
    {"берез", 3, 10},
    {"квіт", 4, 8},
    {"травн", 5, 10},
    {"черв", 6, 8},
    {"лип", 7, 6},
    {"серп", 8, 8},
    {"верес", 9, 10},
    {"жовт", 10, 8},
    {"листопад", 11, 16},
    {"груд", 12, 8},
    // Kazakh
    {"қаңтар", 1, 12},
    {"ақпан", 2, 10},
    {"наурыз", 3, 12},
    {"сәуір", 4, 10},
    {"мамыр", 5, 10},
    {"маусым", 6, 12},
    {"шілде", 7, 10},
    {"тамыз", 8, 10},
    {"қыркүйек", 9, 16},
    {"қазан", 10, 10},
    {"қараша", 11, 12},
    {"желтоқсан", 12, 18},
    // German, French, Spanish, Portuguese, Italian, Turkish (stems that do not collide above)
    {"januar", 1, 6},
    {"februar", 2, 7},
    {"märz", 3, 5},
    {"mai", 5, 3},
    {"juni", 6, 4},
    {"juli", 7, 4},
    {"okt", 10, 3},
    {"dez", 12, 3},
    {"janv", 1, 4},
    {"févr", 2, 5},
    {"mars", 3, 4},
    {"avr", 4, 3},
    {"juin", 6, 4},
    {"juil", 7, 4},
    {"août", 8, 5},
    {"déc", 12, 4},
    {"ene", 1, 3},
    {"abr", 4, 3},
    {"ago", 8, 3},
    {"dic", 12, 3},
    {"enero", 1, 5},
    {"febrero", 2, 7},
    {"marzo", 3, 5},
    {"mayo", 5, 4},
    {"junio", 6, 5},
    {"julio", 7, 5},
    {"septiembre", 9, 10},
    {"octubre", 10, 7},
    {"noviembre", 11, 9},
    {"diciembre", 12, 9},
    {"janeiro", 1, 7},
    {"fevereiro", 2, 9},
    {"março", 3, 6},
    {"maio", 5, 4},
    {"junho", 6, 5},
    {"julho", 7, 5},
    {"setembro", 9, 8},
    {"outubro", 10, 7},
    {"novembro", 11, 8},
    {"dezembro", 12, 8},
    {"gennaio", 1, 7},
    {"febbraio", 2, 8},
    {"aprile", 4, 6},
    {"maggio", 5, 6},
    {"giugno", 6, 6},
    {"luglio", 7, 6},
    {"agosto", 8, 6},
    {"settembre", 9, 9},
    {"ottobre", 10, 7},
    {"dicembre", 12, 8},
    {"ocak", 1, 4},
    {"şubat", 2, 6},
    {"nisan", 4, 5},
    {"mayıs", 5, 6},
    {"haziran", 6, 7},
    {"temmuz", 7, 6},
    {"ağustos", 8, 8},
    {"eylül", 9, 6},
    {"ekim", 10, 4},
    {"kasım", 11, 6},
    {"aralık", 12, 7},
    {"mei", 5, 3},
    {"maart", 3, 5},
    {"augustus", 8, 8},  // Dutch (others share stems above)
};

int MonthFromWord(std::string_view w) {
  for (const auto& m : kMonths) {
    if (w.size() >= m.prefix.size() && w.starts_with(m.prefix) &&
        (w.size() >= m.min_len || w.size() == m.prefix.size()))
      return m.month;
  }
  return 0;
}

bool Plausible(int y, int m, int d) {
  if (y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return d <= kDays[m - 1];
}

std::string Format(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

struct Token {
  enum Type { kNumber, kWord } type;
  std::string text;  // lowercase for words
  int value = 0;     // numbers
  size_t digits = 0;
  char sep_after = ' ';  // the first non-space separator character following the token, if any
};

// Whether c is a letter, and its lowercase. ASCII and basic Cyrillic (U+0400-U+045F, letters
// only) are mapped here: ICU calls per character dominated scanning 20 KB of page text.
bool LetterToLower(UChar32 c, UChar32& lower) {
  if (c < 0x80) {
    if (c >= 'a' && c <= 'z') {
      lower = c;
      return true;
    }
    if (c >= 'A' && c <= 'Z') {
      lower = c + 32;
      return true;
    }
    return false;
  }
  if (c >= 0x400 && c <= 0x45F) {
    lower = c < 0x410 ? c + 0x50 : c < 0x430 ? c + 0x20 : c;
    return true;
  }
  if (!u_isalpha(c)) return false;
  lower = u_tolower(c);
  return true;
}

// Splits s into numbers and lowercase words, appending to tokens from byte `pos` on until
// max_tokens are held or s ends; `pos` advances so that a later call resumes where this one
// stopped. Punctuation between tokens is remembered in sep_after.
void TokenizeMore(std::string_view s, size_t& pos, std::vector<Token>& tokens, size_t max_tokens) {
  auto i = static_cast<int32_t>(pos);
  const auto n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n && tokens.size() < max_tokens) {
    UChar32 c;
    const int32_t start = i;
    U8_NEXT(p, i, n, c);
    if (c < 0) continue;
    if (c >= '0' && c <= '9') {
      Token t{Token::kNumber, "", 0, 0};
      int32_t j = start;
      while (j < n && p[j] >= '0' && p[j] <= '9') {
        if (t.digits < 9) t.value = t.value * 10 + (p[j] - '0');
        ++t.digits;
        ++j;
      }
      i = j;
      tokens.push_back(std::move(t));
    } else if (UChar32 unused; LetterToLower(c, unused)) {
      Token t{Token::kWord, "", 0, 0};
      int32_t j = start;
      while (j < n) {
        const int32_t k = j;
        UChar32 d;
        U8_NEXT(p, j, n, d);
        UChar32 lower;
        if (d < 0 || !LetterToLower(d, lower)) {
          j = k;
          break;
        }
        if (lower < 0x80) {
          t.text.push_back(static_cast<char>(lower));
          continue;
        }
        char buf[4];
        int32_t len = 0;
        UBool err = false;
        U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, lower, err);
        if (!err) t.text.append(buf, static_cast<size_t>(len));
      }
      i = j;
      tokens.push_back(std::move(t));
    } else if (!tokens.empty() && c != ' ' && tokens.back().sep_after == ' ' && c < 0x80) {
      tokens.back().sep_after = static_cast<char>(c);
    } else if (!tokens.empty() && c >= 0x80 && !u_isspace(c) && tokens.back().sep_after == ' ') {
      tokens.back().sep_after = '#';  // some non-ASCII punctuation
    }
  }
  pos = static_cast<size_t>(i);
}

int Year(const Token& t) {
  if (t.type != Token::kNumber) return 0;
  if (t.digits == 4) return t.value;
  return 0;
}

// Tries every date pattern starting at tokens[k].
std::string MatchAt(const std::vector<Token>& t, size_t k) {
  auto num = [&](size_t i) { return i < t.size() && t[i].type == Token::kNumber; };
  auto word_month = [&](size_t i) {
    return i < t.size() && t[i].type == Token::kWord ? MonthFromWord(t[i].text) : 0;
  };
  // Numeric: YYYY-MM-DD / YYYY.MM.DD / YYYY/MM/DD
  if (num(k) && t[k].digits == 4 && num(k + 1) && num(k + 2) && t[k + 1].digits <= 2 &&
      t[k + 2].digits <= 2 &&
      (t[k].sep_after == '-' || t[k].sep_after == '/' || t[k].sep_after == '.') &&
      t[k + 1].sep_after == t[k].sep_after) {
    if (Plausible(t[k].value, t[k + 1].value, t[k + 2].value))
      return Format(t[k].value, t[k + 1].value, t[k + 2].value);
  }
  // East Asian: 2020年07月03日, 2020년 7월 3일
  if (num(k) && t[k].digits == 4 && k + 4 < t.size() && t[k + 1].type == Token::kWord &&
      (t[k + 1].text == "年" || t[k + 1].text == "년") && num(k + 2) && num(k + 4) &&
      t[k + 3].type == Token::kWord && (t[k + 3].text == "月" || t[k + 3].text == "월") &&
      Plausible(t[k].value, t[k + 2].value, t[k + 4].value))
    return Format(t[k].value, t[k + 2].value, t[k + 4].value);
  // DD.MM.YYYY / DD/MM/YYYY / DD-MM-YYYY (day first unless that is impossible)
  if (num(k) && num(k + 1) && num(k + 2) && t[k].digits <= 2 && t[k + 1].digits <= 2 &&
      (t[k + 2].digits == 4 || (t[k + 2].digits == 2 && t[k].sep_after == '.')) &&
      (t[k].sep_after == '.' || t[k].sep_after == '/' || t[k].sep_after == '-') &&
      t[k + 1].sep_after == t[k].sep_after) {
    const int y = t[k + 2].digits == 4 ? t[k + 2].value : 2000 + t[k + 2].value;
    if (Plausible(y, t[k + 1].value, t[k].value)) return Format(y, t[k + 1].value, t[k].value);
    if (Plausible(y, t[k].value, t[k + 1].value)) return Format(y, t[k].value, t[k + 1].value);
  }
  // D Month YYYY  ("5 ноября 2013", "16 желтоқсан 2011", "5 November 2013", "5. März 2013",
  // "5 de noviembre de 2013")
  if (num(k) && t[k].digits <= 2) {
    size_t m = k + 1;
    if (m < t.size() && t[m].type == Token::kWord && t[m].text == "de") ++m;
    const int month = word_month(m);
    size_t y = m + 1;
    if (y < t.size() && t[y].type == Token::kWord && (t[y].text == "de" || t[y].text == "of")) ++y;
    if (month != 0 && Year(y < t.size() ? t[y] : t[k]) && Plausible(t[y].value, month, t[k].value))
      return Format(t[y].value, month, t[k].value);
  }
  // Month D, YYYY  ("November 5, 2013", "Nov 5 2013"); the month table is searched last, as it
  // is the costly test and every word reaches it.
  if (num(k + 1) && t[k + 1].digits <= 2 && k + 2 < t.size() && Year(t[k + 2])) {
    if (const int month = word_month(k);
        month != 0 && Plausible(t[k + 2].value, month, t[k + 1].value))
      return Format(t[k + 2].value, month, t[k + 1].value);
  }
  // YYYY Month D  ("2011 жылғы 16 желтоқсан" is handled as D Month after the year word)
  if (num(k) && t[k].digits == 4) {
    size_t m = k + 1;
    if (m < t.size() && t[m].type == Token::kWord &&
        (t[m].text.starts_with("жыл") || t[m].text == "г"))
      ++m;
    if (const int month = word_month(m); month != 0 && num(m + 1) && t[m + 1].digits <= 2 &&
                                         Plausible(t[k].value, month, t[m + 1].value))
      return Format(t[k].value, month, t[m + 1].value);
    if (num(m) && t[m].digits <= 2) {
      if (const int month = word_month(m + 1);
          month != 0 && Plausible(t[k].value, month, t[m].value))
        return Format(t[k].value, month, t[m].value);
    }
  }
  return "";
}

}  // namespace

std::string NormalizeDate(std::string_view value) {
  if (value.size() > 200) value = value.substr(0, 200);
  // Compact ISO 8601 basic format: 20131105 or 20131105T...
  if (value.size() >= 8) {
    bool digits = true;
    for (size_t i = 0; i < 8; ++i) digits = digits && value[i] >= '0' && value[i] <= '9';
    if (digits && (value.size() == 8 || value[8] == 'T' || value[8] == ' ')) {
      const int y = std::stoi(std::string(value.substr(0, 4)));
      const int m = std::stoi(std::string(value.substr(4, 2)));
      const int d = std::stoi(std::string(value.substr(6, 2)));
      if (Plausible(y, m, d)) return Format(y, m, d);
    }
  }
  std::vector<Token> tokens;
  size_t pos = 0;
  TokenizeMore(value, pos, tokens, 16);
  for (size_t k = 0; k < tokens.size(); ++k) {
    std::string d = MatchAt(tokens, k);
    if (!d.empty()) return d;
  }
  return "";
}

std::string FindDateInText(std::string_view utf8) {
  // Tokenized in growing batches so that a date near the start (the usual case) does not pay
  // for tokenizing 20 KB of page text. MatchAt(k) reads at most kLookahead tokens past k, and
  // the sep_after of the last token is final only once the next token has started, so only
  // positions with kLookahead tokens after them are tried before the text is exhausted.
  constexpr size_t kLookahead = 4;
  constexpr size_t kMaxTokens = 200000;
  std::vector<Token> tokens;
  size_t pos = 0;
  size_t k = 0;
  for (size_t batch = 64;; batch *= 2) {
    TokenizeMore(utf8, pos, tokens, std::min(batch, kMaxTokens));
    const bool complete = pos >= utf8.size() || tokens.size() >= kMaxTokens;
    const size_t ready =
        complete ? tokens.size() : (tokens.size() > kLookahead ? tokens.size() - kLookahead : 0);
    for (; k < ready; ++k) {
      std::string d = MatchAt(tokens, k);
      if (!d.empty()) return d;
    }
    if (complete) return "";
  }
}

std::string FindDateInUrl(std::string_view url) {
  // Only the path: skip scheme and host.
  size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : url.find('/', start + 3);
  if (start == std::string_view::npos) return "";
  const std::string_view path = url.substr(start);
  auto digits_at = [&](size_t i, size_t n, int& v) {
    if (i + n > path.size()) return false;
    v = 0;
    for (size_t k = i; k < i + n; ++k) {
      if (path[k] < '0' || path[k] > '9') return false;
      v = v * 10 + (path[k] - '0');
    }
    return true;
  };
  for (size_t i = 0; i + 8 <= path.size(); ++i) {
    if (i > 0 && path[i - 1] >= '0' && path[i - 1] <= '9') continue;
    int y = 0, m = 0, d = 0;
    if (!digits_at(i, 4, y) || y < 1990 || y > 2099) continue;
    const char sep = i + 4 < path.size() ? path[i + 4] : 0;
    if ((sep == '/' || sep == '-' || sep == '_') && digits_at(i + 5, 2, m) && i + 7 < path.size() &&
        path[i + 7] == sep && digits_at(i + 8, 2, d) &&
        (i + 10 >= path.size() || path[i + 10] < '0' || path[i + 10] > '9') && Plausible(y, m, d))
      return Format(y, m, d);
    if (digits_at(i, 8, y) && (i + 8 >= path.size() || path[i + 8] < '0' || path[i + 8] > '9')) {
      digits_at(i, 4, y);
      digits_at(i + 4, 2, m);
      digits_at(i + 6, 2, d);
      if (Plausible(y, m, d)) return Format(y, m, d);
    }
  }
  return "";
}

}  // namespace kuzet::extractor
