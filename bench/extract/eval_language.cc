// eval_language: language detection (en/ru/kk/other) of kuzet::extractor::DetectLanguage against
// CLD2 alone on the same texts, in one run; confusion tables, per-kind accuracy and µs per text.
//
//   eval_language [--verbose] [--repeat N] [--kind SUBSTRING] [--exclude SUBSTRING]...
//                 [SHARED_DIR [LOCALE_DIR]]
//
// Texts (all real; labels from the sources, never from a detector):
//   ru  daniel-ru-dev articleBody (100); charset-dev ru-* decoded from their legacy charsets;
//       aeb-dev articles whose <html lang> is ru
//   en  aeb-dev articleBody of pages whose <html lang> is en; readability expected.html whose
//       metadata lang is en* (Lorem ipsum placeholders left out)
//   other  readability of other langs; charset-dev of other langs (bg included);
//       gettext catalogs (LOCALE_DIR, default /usr/share/locale) of uk be ky tt ba tg mn bg sr mk
//       and of the Latin-script Turkic tr az uz tk crh
//   kk  gettext catalogs of kk (the only real Kazakh on the machine), sentences joined into texts
//       of 80, 300 and 1000 bytes
// Variants of the ru and kk texts inject the failure kinds of issue #14, each from real material:
// a code block (<pre>/<code> of the corpus pages), URLs and e-mail addresses (hrefs/mailto of the
// Russian pages), an English quotation (aeb-dev sentences), a navigation line (link texts of the
// English pages), a quoted Ukrainian word (ru only), a Russian quotation (kk only, 30 %); kk also
// with Latin i for і and with Russian look-alikes for the Kazakh letters ("Казакстан") and in the
// Latin alphabet of 2021. Pages (Extract on daniel-ru-dev and aeb-dev HTML) are scored too. Every
// text goes to the dev or the held-out half by a hash of its id; both halves are reported. Without
// ../shared or the locale dir the missing sets are skipped.
#include <cstdio>  // before CLD2, whose header uses FILE without including it

#include <cld2/public/compact_lang_det.h>
#include <unicode/ucnv.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/strings.h"
#include "bench/extract/corpus_files.h"
#include "extractor/extractor.h"
#include "extractor/language.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using kuzet::bench::ReadFile;
using kuzet::bench::ReadGzip;

struct Sample {
  std::string id;    // source and position, hashed for the dev/held-out split
  std::string kind;  // e.g. "ru/daniel+code"
  std::string truth;
  std::string text;
  bool page = false;  // text is an HTML page for Extract
};

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

bool HeldOut(const Sample& s) { return (Fnv1a(s.id) >> 7) % 2 == 1; }

std::string ToUtf8(const std::string& bytes, const std::string& charset) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(bytes.size() * 4 + 16, '\0');
  const int32_t n =
      ucnv_convert("UTF-8", charset.c_str(), out.data(), static_cast<int32_t>(out.size()),
                   bytes.data(), static_cast<int32_t>(bytes.size()), &err);
  if (U_FAILURE(err)) return {};
  out.resize(static_cast<size_t>(n));
  return out;
}

// Text of an HTML fragment: tags dropped, the common entities decoded.
std::string StripTags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (in_tag) {
      in_tag = c != '>';
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
          {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (auto [name, value] : kEntities) {
        if (html.substr(i, name.size()) == name) {
          out += value;
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += c;
  }
  return out;
}

// Inner texts of every <tag ...>...</tag> in html.
std::vector<std::string> Elements(std::string_view html, std::string_view tag) {
  std::vector<std::string> out;
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  while ((pos = html.find(open, pos)) != std::string_view::npos) {
    const size_t gt = html.find('>', pos);
    if (gt == std::string_view::npos) break;
    if (html[pos + open.size()] != '>' && html[pos + open.size()] != ' ') {
      pos = gt;
      continue;
    }
    const size_t end = html.find(close, gt);
    if (end == std::string_view::npos) break;
    out.push_back(StripTags(html.substr(gt + 1, end - gt - 1)));
    pos = end + close.size();
  }
  return out;
}

// Values of attributes that open with `open` (e.g. `href="`) and start with `value_prefix`.
std::vector<std::string> AttributeValues(std::string_view html, std::string_view open,
                                         std::string_view value_prefix) {
  std::vector<std::string> out;
  const std::string key = std::string(open) + std::string(value_prefix);
  size_t pos = 0;
  while ((pos = html.find(key, pos)) != std::string_view::npos) {
    const size_t start = pos + open.size();
    size_t end = start;
    while (end < html.size() && html[end] != '"' && html[end] != '\'' && html[end] != ' ') ++end;
    out.emplace_back(html.substr(start, end - start));
    pos = end;
  }
  return out;
}

// msgstr values of a GNU .mo catalog (first plural form), keyboard accelerators removed.
std::vector<std::string> MoStrings(const fs::path& path) {
  std::vector<std::string> out;
  std::string mo;
  if (!ReadFile(path, mo) || mo.size() < 28) return out;
  auto u32 = [&](size_t at) -> uint32_t {
    if (at + 4 > mo.size()) return 0;
    uint32_t v;
    std::memcpy(&v, mo.data() + at, 4);
    return v;
  };
  if (u32(0) != 0x950412de) return out;  // only little-endian catalogs occur here
  const uint32_t count = u32(8);
  const uint32_t originals = u32(12);
  const uint32_t translations = u32(16);
  for (uint32_t i = 0; i < count && i < 100000; ++i) {
    const uint32_t olen = u32(originals + 8 * i);
    const uint32_t len = u32(translations + 8 * i);
    const uint32_t off = u32(translations + 8 * i + 4);
    if (olen == 0 || len == 0 || static_cast<size_t>(off) + len > mo.size()) continue;
    const std::string original(mo.c_str() + u32(originals + 8 * i + 4));
    std::string s(mo.c_str() + off);  // first plural form ends at the first NUL
    if (s == original) continue;      // untranslated
    std::string clean;
    for (char c : s) {
      if (c == '_' || c == '&') continue;
      clean += c == '\n' || c == '\t' ? ' ' : c;
    }
    out.push_back(std::move(clean));
  }
  return out;
}

// Primary language subtag of <html lang="..."> in lower case, or "".
std::string HtmlLang(std::string_view html) {
  const size_t tag = html.find("<html");
  if (tag == std::string_view::npos) return {};
  const size_t end = html.find('>', tag);
  const size_t attr = html.find("lang=\"", tag);
  if (attr == std::string_view::npos || attr > end) return {};
  std::string lang;
  for (size_t i = attr + 6; i < end && std::isalpha(static_cast<unsigned char>(html[i])); ++i)
    lang += kuzet::base::AsciiLower(html[i]);
  return lang;
}

size_t CyrillicLetters(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == 0xD0 || b == 0xD1 || b == 0xD2 || b == 0xD3) ++n;
  }
  return n;
}

// Sentences of a catalog joined into texts of about `target` bytes each.
std::vector<std::string> JoinSentences(const std::vector<std::string>& strings,
                                       const std::vector<size_t>& targets, size_t max_texts,
                                       bool latin = false) {
  std::vector<std::string> out;
  std::string cur;
  size_t t = 0;
  for (const auto& s : strings) {
    if (CyrillicLetters(s) < 3 && !latin) continue;
    if (!cur.empty()) cur += (cur.back() == '.' || cur.back() == ':') ? " " : ". ";
    cur += s;
    if (cur.size() >= targets[t % targets.size()]) {
      out.push_back(std::move(cur));
      cur.clear();
      ++t;
      if (out.size() >= max_texts) break;
    }
  }
  return out;
}

struct Noise {
  std::vector<std::string> code;
  std::vector<std::string> urls;
  std::vector<std::string> emails;
  std::vector<std::string> english;
  std::vector<std::string> nav;
  std::vector<std::string> ukrainian_words;
  std::vector<std::string> russian;  // sentences of the Russian articles, quoted in Kazakh texts
};

const std::string& Pick(const std::vector<std::string>& v, size_t k) { return v[k % v.size()]; }

// Spreads pieces of `pool` (from the k-th on, a piece cut at a line end or else a space when it
// would overshoot)
// over the sentence ends of text until they make `ratio` of its bytes.
std::string Interleave(const std::string& text, const std::vector<std::string>& pool, size_t k,
                       double ratio, std::string_view open = "", std::string_view close = "") {
  const size_t want = std::max<size_t>(40, static_cast<size_t>(text.size() * ratio));
  std::vector<std::string> pieces;
  size_t have = 0;
  for (size_t j = 0; have < want && j < 64; ++j) {
    std::string piece = Pick(pool, k + j);
    if (have + piece.size() > want + 40) {
      size_t cut = piece.find('\n', want - have);
      if (cut == std::string::npos) cut = piece.find(' ', want - have);
      if (cut != std::string::npos) piece.resize(cut);
    }
    have += piece.size();
    pieces.push_back(std::string(open) + piece + std::string(close));
  }
  std::vector<size_t> ends;  // positions after sentence ends
  for (size_t i = 0; i + 1 < text.size(); ++i)
    if (text[i] == '\n' || (text[i] == '.' && text[i + 1] == ' ')) ends.push_back(i + 1);
  std::string out;
  size_t from = 0;
  for (size_t p = 0; p < pieces.size(); ++p) {
    const size_t at = ends.empty() ? text.size() : ends[(p * ends.size()) / pieces.size()];
    if (at >= from) {
      out += text.substr(from, at - from);
      from = at;
    }
    out += "\n" + pieces[p] + "\n";
  }
  return out + text.substr(from);
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

// Kazakh in the Latin alphabet of 2021 (ä ğ ñ ö ū ü ş ı q), letter by letter.
std::string Latin2021(const std::string& s) {
  static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
      {"а", "a"}, {"ә", "ä"},  {"б", "b"}, {"в", "v"},  {"г", "g"}, {"ғ", "ğ"},  {"д", "d"},
      {"е", "e"}, {"ё", "io"}, {"ж", "j"}, {"з", "z"},  {"и", "i"}, {"й", "i"},  {"к", "k"},
      {"қ", "q"}, {"л", "l"},  {"м", "m"}, {"н", "n"},  {"ң", "ñ"}, {"о", "o"},  {"ө", "ö"},
      {"п", "p"}, {"р", "r"},  {"с", "s"}, {"т", "t"},  {"у", "u"}, {"ұ", "ū"},  {"ү", "ü"},
      {"ф", "f"}, {"х", "h"},  {"һ", "h"}, {"ц", "ts"}, {"ч", "ç"}, {"ш", "ş"},  {"щ", "şş"},
      {"ъ", ""},  {"ы", "y"},  {"і", "ı"}, {"ь", ""},   {"э", "e"}, {"ю", "iu"}, {"я", "ia"},
      {"А", "A"}, {"Ә", "Ä"},  {"Б", "B"}, {"В", "V"},  {"Г", "G"}, {"Ғ", "Ğ"},  {"Д", "D"},
      {"Е", "E"}, {"Ж", "J"},  {"З", "Z"}, {"И", "I"},  {"К", "K"}, {"Қ", "Q"},  {"Л", "L"},
      {"М", "M"}, {"Н", "N"},  {"О", "O"}, {"Ө", "Ö"},  {"П", "P"}, {"Р", "R"},  {"С", "S"},
      {"Т", "T"}, {"У", "U"},  {"Ұ", "Ū"}, {"Ү", "Ü"},  {"Ф", "F"}, {"Х", "H"},  {"Һ", "H"},
      {"Ш", "Ş"}, {"Ы", "Y"},  {"І", "I"}, {"Э", "E"},  {"Я", "Ia"}};
  std::string out = s;
  for (auto [from, to] : kMap) out = ReplaceAll(std::move(out), from, to);
  return out;
}

// The Kazakh letters written with their Russian look-alikes (fonts or keyboards without them).
std::string RussianLookalikes(std::string s) {
  static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
      {"ә", "а"}, {"Ә", "А"}, {"ғ", "г"}, {"Ғ", "Г"}, {"қ", "к"}, {"Қ", "К"},
      {"ң", "н"}, {"Ң", "Н"}, {"ө", "о"}, {"Ө", "О"}, {"ұ", "у"}, {"Ұ", "У"},
      {"ү", "у"}, {"Ү", "У"}, {"һ", "х"}, {"Һ", "Х"}, {"і", "и"}, {"І", "И"}};
  for (auto [from, to] : kMap) s = ReplaceAll(std::move(s), from, to);
  return s;
}

void AddNoisyVariants(const Sample& base, const Noise& noise, size_t k, std::vector<Sample>& out) {
  auto add = [&](std::string suffix, std::string text) {
    out.push_back({base.id + "+" + suffix, base.kind + "+" + suffix, base.truth, std::move(text)});
  };
  // Noise up to 70 % of the text's bytes (half as many Latin letters as it has Cyrillic ones);
  // quotations up to 30 %, so the text stays mostly in its own language.
  if (!noise.code.empty()) add("code", Interleave(base.text, noise.code, k, 0.7));
  if (!noise.urls.empty()) {
    std::vector<std::string> links = {Pick(noise.urls, k), Pick(noise.urls, k + 1),
                                      Pick(noise.urls, k + 2)};
    if (!noise.emails.empty()) links.push_back("E-mail: " + Pick(noise.emails, k));
    std::vector<std::string> pool;
    for (size_t j = 0; j < 64; ++j)
      pool.push_back(j % 4 == 3 ? links[3 % links.size()] : Pick(noise.urls, k * 7 + j));
    add("urls", Interleave(base.text, pool, 0, 0.7));
  }
  if (!noise.english.empty())
    add("english", Interleave(base.text, noise.english, k, 0.3, "\u00ab", "\u00bb"));
  if (!noise.nav.empty()) add("nav", Interleave(base.text, noise.nav, k, 0.7));
  if (base.truth == "ru" && !noise.ukrainian_words.empty())
    add("ukword",
        Interleave(base.text, noise.ukrainian_words, k, 0.02, "\u00ab", "\u00bb, \u2014"));
  if (base.truth == "kk" && !noise.russian.empty())
    add("russian", Interleave(base.text, noise.russian, k, 0.3, "\u00ab", "\u00bb"));
  if (base.truth == "kk") {
    add("latin-i", ReplaceAll(ReplaceAll(base.text, "і", "i"), "І", "I"));
    add("lookalike", RussianLookalikes(base.text));
    add("latin2021", Latin2021(base.text));
  }
}

std::string Cld2Label(std::string_view text) {
  bool reliable = false;
  const CLD2::Language lang = CLD2::DetectLanguage(
      text.data(), static_cast<int>(std::min<size_t>(text.size(), 64u << 10)), true, &reliable);
  if (lang == CLD2::ENGLISH) return "en";
  if (lang == CLD2::RUSSIAN) return "ru";
  if (lang == CLD2::KAZAKH) return "kk";
  return "other";
}

constexpr std::array<std::string_view, 4> kLabels = {"kk", "ru", "en", "other"};

size_t LabelIndex(std::string_view l) {
  for (size_t i = 0; i < kLabels.size(); ++i)
    if (kLabels[i] == l) return i;
  return 3;
}

struct Confusion {
  std::array<std::array<size_t, 4>, 4> n{};
  void Add(std::string_view truth, std::string_view got) {
    ++n[LabelIndex(truth)][LabelIndex(got)];
  }
  void Print(const char* title) const {
    std::printf("%s\n  true\\got      kk     ru     en  other\n", title);
    for (size_t t = 0; t < 4; ++t) {
      std::printf("  %-8s", std::string(kLabels[t]).c_str());
      for (size_t g = 0; g < 4; ++g) std::printf(" %6zu", n[t][g]);
      std::printf("\n");
    }
    size_t main_total = 0, main_right = 0, kk_total = 0, false_kk = 0;
    for (size_t t = 0; t < 3; ++t) {
      for (size_t g = 0; g < 4; ++g) main_total += n[t][g];
      main_right += n[t][t];
    }
    for (size_t g = 0; g < 4; ++g) kk_total += n[0][g];
    for (size_t t = 1; t < 4; ++t) false_kk += n[t][0];
    size_t other_total = 0;
    for (size_t g = 0; g < 4; ++g) other_total += n[3][g];
    std::printf(
        "  accuracy kk/ru/en %.4f (%zu/%zu)  kk recall %.4f  other kept %.4f  "
        "reported kk but not kk: %zu\n",
        main_total ? double(main_right) / main_total : 0.0, main_right, main_total,
        kk_total ? double(n[0][0]) / kk_total : 0.0,
        other_total ? double(n[3][3]) / other_total : 0.0, false_kk);
  }
};

void LoadShared(const fs::path& shared, const Noise& noise_in, std::vector<Sample>& base,
                Noise& noise) {
  noise = noise_in;
  const fs::path corpus = shared / "corpus";
  // daniel-ru-dev: Russian article bodies, and the pages themselves.
  {
    std::ifstream in(corpus / "daniel-ru-dev" / "ground-truth.json");
    if (in) {
      const auto truth = nlohmann::json::parse(in, nullptr, false);
      for (const auto& [id, v] : truth.items()) {
        const std::string body = v.value("articleBody", "");
        base.push_back({"daniel/" + id, "ru/daniel", "ru", body});
        for (size_t start = 0, i = 0; i < body.size() && noise.russian.size() < 2000; ++i) {
          if (body[i] == '\n' || (body[i] == '.' && i + 1 < body.size() && body[i + 1] == ' ')) {
            const std::string sentence = body.substr(start, i + 1 - start);
            if (sentence.size() >= 80 && sentence.size() <= 400 &&
                sentence.find('\n') == std::string::npos)
              noise.russian.push_back(sentence);
            start = i + 1;
            while (start < body.size() && body[start] == ' ') ++start;
          }
        }
        std::string html;
        if (ReadGzip(corpus / "daniel-ru-dev" / "html" / (id + ".html.gz"), html)) {
          for (auto& u : AttributeValues(html, "href=\"", "http")) noise.urls.push_back(u);
          for (auto& u : AttributeValues(html, "mailto:", ""))
            if (u.find('@') != std::string::npos) noise.emails.push_back(u);
          base.push_back({"daniel-page/" + id, "ru/daniel-page", "ru", html, true});
        }
      }
    }
  }
  // aeb-dev: article bodies and pages labelled by the page's own <html lang> (pages without one
  // are left out); English sentences, navigation and code from the English pages.
  {
    std::ifstream in(corpus / "aeb-dev" / "ground-truth.json");
    if (in) {
      const auto truth = nlohmann::json::parse(in, nullptr, false);
      for (const auto& [id, v] : truth.items()) {
        std::string html;
        if (!ReadGzip(corpus / "aeb-dev" / "html" / (id + ".html.gz"), html)) continue;
        const std::string lang = HtmlLang(html);
        if (lang.empty()) continue;
        const std::string label = lang == "en" || lang == "ru" ? lang : "other";
        const std::string kind = label + (label == "other" ? "/aeb-" + lang : "/aeb");
        const std::string body = v.value("articleBody", "");
        base.push_back({"aeb/" + id, kind, label, body});
        base.push_back({"aeb-page/" + id, kind + "-page", label, html, true});
        if (label != "en") continue;
        for (auto& c : Elements(html, "pre"))
          if (c.size() >= 40 && c.size() <= 1500) noise.code.push_back(c);
        std::string nav;
        size_t items = 0;
        for (auto& a : Elements(html, "a")) {
          if (a.empty() || a.size() > 20 || CyrillicLetters(a) > 0) continue;
          nav += (items ? " | " : "") + a;
          if (++items == 8) break;
        }
        if (items == 8) noise.nav.push_back(nav);
        // Sentences of 60-300 bytes as quotations.
        size_t start = 0;
        for (size_t i = 0; i < body.size() && noise.english.size() < 2000; ++i) {
          if (body[i] == '\n' || (body[i] == '.' && i + 1 < body.size() && body[i + 1] == ' ')) {
            const std::string s = body.substr(start, i + 1 - start);
            if (s.size() >= 60 && s.size() <= 300 && s.find('\n') == std::string::npos)
              noise.english.push_back(s);
            start = i + 1;
            while (start < body.size() && body[start] == ' ') ++start;
          }
        }
      }
    }
  }
  // readability: text of expected.html labelled by expected-metadata lang; code blocks.
  if (fs::is_directory(corpus / "readability")) {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(corpus / "readability")) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      std::ifstream in(d / "expected-metadata.json");
      if (!in) continue;
      const auto meta = nlohmann::json::parse(in, nullptr, false);
      if (!meta.is_object() || !meta.contains("lang") || !meta["lang"].is_string()) continue;
      const std::string lang = meta["lang"];
      std::string html;
      if (!ReadFile(d / "expected.html", html)) continue;
      // Placeholder Latin labelled "en" by the test's metadata is no language.
      if (html.find("Lorem ipsum") != std::string::npos) continue;
      const bool en = lang.rfind("en", 0) == 0;
      base.push_back({"readability/" + d.filename().string(),
                      en ? "en/readability" : "other/readability-" + lang.substr(0, 2),
                      en ? "en" : "other", StripTags(html)});
      for (auto& c : Elements(html, "pre"))
        if (c.size() >= 40 && c.size() <= 1500) noise.code.push_back(c);
    }
  }
  // charset-dev: plain texts decoded from their legacy charsets.
  {
    std::ifstream in(corpus / "charset-dev" / "labels.tsv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string file, lang, charset;
      ls >> file >> lang >> charset;
      std::string bytes;
      if (!ReadFile(corpus / "charset-dev" / "pages" / file, bytes)) continue;
      const std::string text = ToUtf8(bytes, charset == "ascii" ? "US-ASCII" : charset);
      if (text.empty()) continue;
      const std::string truth = lang == "ru" || lang == "en" ? lang : "other";
      base.push_back({"charset/" + file, truth + "/charset-" + (truth == "other" ? lang : charset),
                      truth, text});
    }
  }
}

void LoadLocales(const fs::path& locale_dir, std::vector<Sample>& base, Noise& noise) {
  static constexpr std::string_view kOther[] = {"uk", "be", "ky", "tt", "ba", "tg", "mn", "bg",
                                                "sr", "mk", "tr", "az", "uz", "tk", "crh"};
  auto catalogs = [&](std::string_view lang) {
    std::vector<fs::path> files;
    const fs::path dir = locale_dir / std::string(lang) / "LC_MESSAGES";
    if (!fs::is_directory(dir)) return files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename().string().rfind("iso_", 0) != 0) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
  };
  for (const auto& file : catalogs("kk")) {
    const auto texts = JoinSentences(MoStrings(file), {80, 300, 1000}, 60);
    for (size_t i = 0; i < texts.size(); ++i)
      base.push_back({"kk/" + file.filename().string() + "/" + std::to_string(i), "kk/gettext",
                      "kk", texts[i]});
  }
  for (auto lang : kOther) {
    for (const auto& file : catalogs(lang)) {
      const auto strings = MoStrings(file);
      if (lang == "uk") {
        for (const auto& s : strings) {
          // Single words with a letter Russian lacks (і ї є).
          if (s.find(' ') == std::string::npos && s.size() >= 8 && s.size() <= 30 &&
              (s.find("і") != std::string::npos || s.find("ї") != std::string::npos ||
               s.find("є") != std::string::npos) &&
              noise.ukrainian_words.size() < 500)
            noise.ukrainian_words.push_back(s);
        }
      }
      const bool latin_script =
          lang == "tr" || lang == "az" || lang == "uz" || lang == "tk" || lang == "crh";
      const auto texts = JoinSentences(strings, {80, 300, 1000}, 15, latin_script);
      for (size_t i = 0; i < texts.size(); ++i)
        base.push_back(
            {std::string(lang) + "/" + file.filename().string() + "/" + std::to_string(i),
             "other/gettext-" + std::string(lang), "other", texts[i]});
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  int repeat = 1;
  std::string kind_filter;
  std::vector<std::string> excluded;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-v" || a == "--verbose") {
      verbose = true;
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--exclude" && i + 1 < argc) {
      excluded.push_back(argv[++i]);
    } else if (a == "--kind" && i + 1 < argc) {
      kind_filter = argv[++i];
    } else {
      positional.push_back(a);
    }
  }
  const fs::path shared = positional.size() > 0 ? fs::path(positional[0]) : KUZET_SHARED_DIR;
  const fs::path locales = positional.size() > 1 ? fs::path(positional[1]) : "/usr/share/locale";

  std::vector<Sample> base;
  Noise noise;
  if (fs::is_directory(shared / "corpus")) {
    LoadShared(shared, Noise{}, base, noise);
  } else {
    std::fprintf(stderr, "no %s/corpus: corpus sets skipped\n", shared.c_str());
  }
  if (fs::is_directory(locales)) {
    LoadLocales(locales, base, noise);
  } else {
    std::fprintf(stderr, "no %s: gettext sets (all the Kazakh) skipped\n", locales.c_str());
  }
  std::vector<Sample> samples;
  size_t k = 0;
  for (const auto& s : base) {
    samples.push_back(s);
    if (!s.page && (s.truth == "ru" || s.truth == "kk")) AddNoisyVariants(s, noise, k++, samples);
  }
  for (const auto& x : excluded) {
    std::erase_if(samples, [&](const Sample& s) { return s.kind.find(x) != std::string::npos; });
  }
  if (!kind_filter.empty()) {
    std::erase_if(samples,
                  [&](const Sample& s) { return s.kind.find(kind_filter) == std::string::npos; });
  }

  Confusion kuzet[2], cld2[2];
  std::map<std::string, std::array<size_t, 3>> by_kind;  // total, kuzet right, cld2 right
  // Time spent per text, [0] all texts, [1] the corpus pages (Extract's text, what the daemon
  // sees); each call repeated `repeat` times, best of the repeats counted.
  double kuzet_us[2] = {}, cld2_us[2] = {};
  size_t timed[2] = {};
  for (const auto& s : samples) {
    std::string text = s.text;
    if (s.page) {
      auto article = kuzet::extractor::Extract(s.text, "text/html", "");
      if (!article.ok()) continue;
      text = article->text.size() >= 200 ? article->text : article->title + "\n" + article->text;
    }
    std::string got, cld;
    double best_kuzet = 1e18, best_cld2 = 1e18;
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = Clock::now();
      got = kuzet::extractor::DetectLanguage(text);
      const auto t1 = Clock::now();
      cld = Cld2Label(text);
      const auto t2 = Clock::now();
      best_kuzet = std::min(best_kuzet, std::chrono::duration<double, std::micro>(t1 - t0).count());
      best_cld2 = std::min(best_cld2, std::chrono::duration<double, std::micro>(t2 - t1).count());
    }
    for (int k = 0; k < (s.page ? 2 : 1); ++k) {
      kuzet_us[k] += best_kuzet;
      cld2_us[k] += best_cld2;
      ++timed[k];
    }
    const int half = HeldOut(s) ? 1 : 0;
    kuzet[half].Add(s.truth, got);
    cld2[half].Add(s.truth, cld);
    auto& row = by_kind[s.kind];
    ++row[0];
    row[1] += got == s.truth;
    row[2] += cld == s.truth;
    if (verbose && got != s.truth) {
      std::string head = text.substr(0, 160);
      for (char& c : head)
        if (c == '\n') c = ' ';
      std::printf("MISS %-24s %-28s %-5s got %-5s cld2 %-5s | %s\n", s.kind.c_str(),
                  s.id.substr(0, 28).c_str(), s.truth.c_str(), got.c_str(), cld.c_str(),
                  head.c_str());
    }
  }
  std::printf(
      "%zu texts (noise pools: %zu code, %zu urls, %zu emails, %zu english, %zu nav, "
      "%zu ukrainian words)\n\n",
      samples.size(), noise.code.size(), noise.urls.size(), noise.emails.size(),
      noise.english.size(), noise.nav.size(), noise.ukrainian_words.size());
  kuzet[0].Print("Kuzet, dev half");
  cld2[0].Print("CLD2 alone, dev half");
  kuzet[1].Print("Kuzet, held-out half");
  cld2[1].Print("CLD2 alone, held-out half");
  std::printf("\n%-34s %6s %8s %8s\n", "kind", "texts", "kuzet", "cld2");
  for (const auto& [kind, row] : by_kind)
    std::printf("%-34s %6zu %8.3f %8.3f\n", kind.c_str(), row[0], double(row[1]) / row[0],
                double(row[2]) / row[0]);
  for (int k = 0; k < 2; ++k) {
    if (timed[k] == 0) continue;
    std::printf("%s DetectLanguage %.1f µs, CLD2 alone %.1f µs (%zu %s, best of %d)\n",
                k == 0 ? "\nall texts:  " : "pages only: ", kuzet_us[k] / timed[k],
                cld2_us[k] / timed[k], timed[k], k == 0 ? "texts" : "pages", repeat);
  }
  return 0;
}
