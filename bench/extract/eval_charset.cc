// eval_charset: how often kuzet::extractor::DecodeToUtf8 picks a right charset, beside uchardet
// alone on the same texts in the same run.
//
//   eval_charset [-v] [--held-out-misses] [--chars N] [--peer NAME=FILE.jsonl]... [SHARED_DIR]
//   eval_charset --write-samples DIR [--chars N] [SHARED_DIR]
//
// SHARED_DIR defaults to ../shared beside the source tree. -v lists the texts some detector got
// wrong (not those of the held-out half unless --held-out-misses). --write-samples writes every
// sample as DIR/<n>.bin with DIR/index.tsv (file, sample name, label) for peer detectors, whose
// decoded texts --peer reads back ({"name", "text"} per line; compare_charset.sh runs
// charset-normalizer this way) and scores in the same run.
//
// Three sets, each broken down by charset family:
//   * charset-dev, dev half and held-out half: corpus/charset-dev/labels.tsv (file, lang,
//     charset), split by an FNV-1a hash of the file name (even: dev, odd: held out), so the split
//     never changes and does not follow the order of the list;
//   * generated: UTF-8 texts of the shared corpora (daniel-ru-dev and aeb-dev ground truth, the
//     readability expected pages, the htmldate-dev pages whose text is Ukrainian or Kazakh),
//     their first N characters (default 1000), encoded into UTF-16 (big-endian with a byte-order
//     mark, little-endian without) and into each single-byte target of the text's script
//     (Cyrillic or Latin) that holds the text's letters (at most 1 % of its letters unmappable:
//     those and typographic marks the charset lacks become ASCII). Encodings that came out pure
//     ASCII test nothing and are left out;
//   * the texts of the dev half of charset-dev (each distinct text once), encoded the same way:
//     more languages (Bulgarian, Central European, Baltic...) in more code pages, without
//     touching the held-out half.
//
// "Right" means the text decodes identically: the decoder's output equals the reference decoding
// under the label (ICU's converter for the label; for KZ-1048, PTCP154, ISO-8859-16 and VISCII,
// which ICU lacks, Kuzet's own tables, each checked independently in charset_test), a leading
// U+FEFF ignored on both sides. So an ASCII text is right under any ASCII-compatible
// charset, iso-8859-1 vs windows-1252 is right when no byte 0x80-0x9F occurs, KOI8-R vs KOI8-U
// when none of the eight bytes they differ in occurs, and a wrong guess is never right.
// uchardet alone is scored the same way: its answer decoded by ICU (or by Kuzet's tables when ICU
// lacks the name); no answer is wrong.
#include <uchardet/uchardet.h>
#include <unicode/ucnv.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/extract/corpus_files.h"
#include "extractor/charset.h"
#include "extractor/cyrillic_codepages.h"
#include "extractor/extractor.h"

namespace {

namespace fs = std::filesystem;
namespace ex = kuzet::extractor;
using kuzet::bench::ReadFile;

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

std::u16string ToUtf16(std::string_view utf8) {
  std::u16string out;
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto n = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) c = 0xFFFD;
    if (c > 0xFFFF) {
      out.push_back(U16_LEAD(c));
      out.push_back(U16_TRAIL(c));
    } else {
      out.push_back(static_cast<char16_t>(c));
    }
  }
  return out;
}

std::string StripBom(std::string s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.erase(0, 3);
  return s;
}

// Labels of uchardet and charset-dev that ICU spells otherwise.
std::string IcuName(std::string label) {
  label = Lower(label);
  if (label == "uhc") return "windows-949";
  if (label == "mac-centraleurope") return "x-mac-centraleurroman";
  if (label == "mac-cyrillic") return "x-mac-cyrillic";
  if (label == "ascii") return "US-ASCII";
  return label;
}

std::optional<std::string> DecodeIcu(std::string_view bytes, const std::string& name) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open(name.c_str(), &err),
                                                          ucnv_close);
  if (U_FAILURE(err) || !conv) return std::nullopt;
  std::u16string units(bytes.size() * 2 + 16, u'\0');
  err = U_ZERO_ERROR;
  const int32_t n = ucnv_toUChars(conv.get(), units.data(), static_cast<int32_t>(units.size()),
                                  bytes.data(), static_cast<int32_t>(bytes.size()), &err);
  if (U_FAILURE(err)) return std::nullopt;
  std::string out;
  for (int32_t k = 0; k < n;) {
    UChar32 c;
    U16_NEXT(units.data(), k, n, c);
    if (U_IS_SURROGATE(c)) c = 0xFFFD;
    ex::AppendUtf8(static_cast<uint32_t>(c), out);
  }
  if (out.starts_with("\xEF\xBB\xBF")) out.erase(0, 3);
  return out;
}

// The text under `label`: ICU's converter, else Kuzet's own decoders (KZ-1048, PTCP154).
std::optional<std::string> DecodeAs(std::string_view bytes, const std::string& label) {
  const std::string canonical = ex::NormalizeCharsetLabel(label);
  if (canonical == "KZ-1048" || canonical == "PTCP154") {
    std::string out;
    ex::DecodeWithCharset(bytes, canonical, out);
    return out;
  }
  if (auto s = DecodeIcu(bytes, IcuName(label))) return s;
  if (canonical.empty()) return std::nullopt;
  std::string out;
  if (!ex::DecodeWithCharset(bytes, canonical, out)) return std::nullopt;
  return StripBom(std::move(out));
}

std::string UchardetGuess(std::string_view bytes) {
  uchardet_t ud = uchardet_new();
  std::string out;
  if (uchardet_handle_data(ud, bytes.data(), bytes.size()) == 0) {
    uchardet_data_end(ud);
    out = uchardet_get_charset(ud);
  }
  uchardet_delete(ud);
  return out;
}

// Charset family of a label, for the breakdown.
std::string Family(const std::string& label) {
  const std::string l = Lower(label);
  auto any = [&](std::initializer_list<const char*> names) {
    for (const char* n : names) {
      if (l == n) return true;
    }
    return false;
  };
  if (l.starts_with("utf")) return "unicode";
  if (any({"windows-1251", "koi8-r", "koi8-u", "ibm866", "ibm855", "mac-cyrillic", "x-mac-cyrillic",
           "iso-8859-5", "kz-1048", "ptcp154"}))
    return "cyrillic";
  if (any({"ascii", "iso-8859-1", "iso-8859-15", "windows-1252"})) return "latin-western";
  if (any({"iso-8859-2", "iso-8859-16", "windows-1250", "ibm852", "mac-centraleurope"}))
    return "latin-central";
  if (any({"iso-8859-4", "iso-8859-10", "iso-8859-13", "windows-1257"})) return "latin-baltic";
  if (any({"iso-8859-3", "iso-8859-9", "windows-1254"})) return "latin-turkish-south";
  if (any({"iso-8859-7", "windows-1253"})) return "greek";
  if (any({"iso-8859-8", "windows-1255"})) return "hebrew";
  if (any({"iso-8859-6", "windows-1256"})) return "arabic";
  if (any({"iso-8859-11", "tis-620"})) return "thai";
  if (any({"viscii", "windows-1258"})) return "vietnamese";
  return "cjk";
}

struct Sample {
  std::string name;   // file name or text id + charset
  std::string label;  // the charset it is in
  std::string bytes;
};

// A peer detector's decoded texts, by sample name (see peers/charset_normalizer_peer.py).
struct Peer {
  std::string name;
  std::map<std::string, std::string> text;
};

struct Tally {
  int total = 0;
  std::vector<int> right;  // kuzet, uchardet alone, then each peer

  void Add(const std::vector<bool>& ok) {
    ++total;
    right.resize(ok.size());
    for (size_t k = 0; k < ok.size(); ++k) right[k] += ok[k] ? 1 : 0;
  }
  void Add(const Tally& other) {
    total += other.total;
    right.resize(std::max(right.size(), other.right.size()));
    for (size_t k = 0; k < other.right.size(); ++k) right[k] += other.right[k];
  }
};

struct Score {
  std::map<std::string, Tally> by_family;
  Tally all;
  std::vector<std::string> unscored;  // samples without a reference decoder
};

// Scores one sample; returns a line describing a miss of any detector, "" if all right.
std::string Evaluate(const Sample& s, const std::vector<Peer>& peers, Score& score) {
  const std::optional<std::string> want = DecodeAs(s.bytes, s.label);
  if (!want) {
    score.unscored.push_back(s.name + " (" + s.label + ")");
    return "";
  }
  const ex::DecodedText kuzet = ex::DecodeToUtf8(s.bytes, "");
  const std::string guess = UchardetGuess(s.bytes);
  const std::optional<std::string> by_uchardet =
      guess.empty() ? std::nullopt : DecodeAs(s.bytes, guess);
  std::vector<bool> ok = {StripBom(kuzet.utf8) == *want, by_uchardet && *by_uchardet == *want};
  for (const Peer& peer : peers) {
    const auto it = peer.text.find(s.name);
    ok.push_back(it != peer.text.end() && StripBom(it->second) == *want);
  }
  score.all.Add(ok);
  score.by_family[Family(s.label)].Add(ok);
  if (std::find(ok.begin(), ok.end(), false) == ok.end()) return "";
  std::string line = "  " + s.name + " (" + s.label + "): kuzet " + kuzet.charset +
                     (ok[0] ? " ok" : " WRONG") + ", uchardet " + (guess.empty() ? "-" : guess) +
                     (ok[1] ? " ok" : " WRONG");
  for (size_t k = 0; k < peers.size(); ++k) {
    line += ", " + peers[k].name + (ok[k + 2] ? " ok" : " WRONG");
  }
  return line;
}

void Print(const std::string& title, const Score& score, const std::vector<Peer>& peers) {
  std::vector<std::string> names = {"kuzet", "uchardet alone"};
  for (const Peer& p : peers) names.push_back(p.name);
  auto line = [&](const std::string& label, const Tally& t) {
    std::printf("  %-22s %4d", label.c_str(), t.total);
    for (size_t k = 0; k < names.size(); ++k) {
      const int right = k < t.right.size() ? t.right[k] : 0;
      std::printf("   %s %.3f (%d)", names[k].c_str(),
                  t.total == 0 ? 0.0 : static_cast<double>(right) / t.total, right);
    }
    std::printf("\n");
  };
  std::printf("%s\n", title.c_str());
  line("all", score.all);
  for (const auto& [family, t] : score.by_family) line(family, t);
  for (const std::string& u : score.unscored) {
    std::printf("  not scored (no decoder for the label in ICU or Kuzet): %s\n", u.c_str());
  }
}

uint32_t Fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

// --- generated set -----------------------------------------------------------------------

// A single-byte charset as code point → byte, from its 256 decoded bytes.
struct SingleByte {
  std::string label;
  std::map<char16_t, char> encode;
};

std::optional<SingleByte> LoadSingleByte(const std::string& label) {
  std::string all(256, '\0');
  for (int b = 0; b < 256; ++b) all[static_cast<size_t>(b)] = static_cast<char>(b);
  const std::optional<std::string> decoded = DecodeAs(all, label);
  if (!decoded) return std::nullopt;
  const std::u16string units = ToUtf16(*decoded);
  if (units.size() != 256) return std::nullopt;
  SingleByte sb{label, {}};
  for (int b = 255; b >= 0; --b) {  // the lowest byte wins for duplicates
    const char16_t u = units[static_cast<size_t>(b)];
    if (u != 0xFFFD && (b >= 0x80 || u == b)) sb.encode[u] = static_cast<char>(b);
  }
  return sb;
}

// ASCII stand-ins for typographic marks a code page may lack.
std::string_view AsciiFallback(char16_t c) {
  switch (c) {
    case u'«':
    case u'»':
    case u'“':
    case u'”':
    case u'„':
      return "\"";
    case u'‘':
    case u'’':
    case u'‚':
      return "'";
    case u'–':
    case u'—':
    case u'−':
      return "-";
    case u'…':
      return "...";
    case u'\u00A0':
    case u'\u2009':
    case u'\u202F':
      return " ";
    case u'№':
      return "N";
    default:
      return "";
  }
}

bool IsLetter(char16_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F) ||
         (c >= 0x370 && c <= 0x52F);
}

// The text in `sb`, or nothing when more than 1 % of its letters cannot be written in it.
std::optional<std::string> EncodeSingleByte(std::u16string_view text, const SingleByte& sb) {
  std::string out;
  size_t letters = 0, missing = 0;
  bool high = false;
  for (char16_t c : text) {
    if (IsLetter(c)) ++letters;
    if (auto it = sb.encode.find(c); it != sb.encode.end()) {
      out.push_back(it->second);
      high = high || static_cast<unsigned char>(it->second) >= 0x80;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (std::string_view f = AsciiFallback(c); !f.empty()) {
      out += f;
    } else {
      if (IsLetter(c)) ++missing;
      out.push_back('?');
    }
  }
  if (!high || missing * 100 > letters) return std::nullopt;
  return out;
}

std::string Utf16Bytes(std::u16string_view text, bool big_endian, bool bom) {
  std::string out;
  auto put = [&](char16_t u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out.push_back(big_endian ? hi : lo);
    out.push_back(big_endian ? lo : hi);
  };
  if (bom) put(0xFEFF);
  for (char16_t u : text) put(u);
  return out;
}

// Tags dropped, a few entities decoded, whitespace runs collapsed.
std::string HtmlToText(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (in_tag) {
      if (c == '>') in_tag = false;
      continue;
    }
    if (c == '<') {
      in_tag = true;
      out.push_back(' ');
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
          {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (const auto& [name, text] : kEntities) {
        if (html.substr(i).starts_with(name)) {
          out += text;
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    if ((c == ' ' || c == '\n' || c == '\t' || c == '\r') && !out.empty() && out.back() == ' ')
      continue;
    out.push_back(c == '\n' || c == '\t' || c == '\r' ? ' ' : c);
  }
  return out;
}

// The first `chars` UTF-16 units, not splitting a surrogate pair.
std::u16string Prefix(std::u16string s, size_t chars) {
  if (s.size() <= chars) return s;
  if (U16_IS_LEAD(s[chars - 1])) --chars;
  return s.substr(0, chars);
}

struct SourceText {
  std::string id;
  std::u16string text;
};

std::vector<SourceText> LoadSourceTexts(const fs::path& shared, size_t chars) {
  std::vector<SourceText> texts;
  for (const char* corpus : {"daniel-ru-dev", "aeb-dev"}) {
    std::string json;
    if (!ReadFile(shared / "corpus" / corpus / "ground-truth.json", json)) continue;
    const auto truth = nlohmann::json::parse(json, nullptr, false);
    if (!truth.is_object()) continue;
    for (const auto& [id, entry] : truth.items()) {
      if (!entry.contains("articleBody") || !entry["articleBody"].is_string()) continue;
      texts.push_back({std::string(corpus) + "/" + id,
                       Prefix(ToUtf16(entry["articleBody"].get<std::string>()), chars)});
    }
  }
  std::error_code ec;
  for (const auto& dir : fs::directory_iterator(shared / "corpus" / "readability", ec)) {
    std::string html;
    if (!ReadFile(dir.path() / "expected.html", html)) continue;
    texts.push_back({"readability/" + dir.path().filename().string(),
                     Prefix(ToUtf16(HtmlToText(html)), chars)});
  }
  // htmldate-dev pages that are Ukrainian or Kazakh (by their letters), as Kuzet extracts them.
  for (const auto& file :
       fs::directory_iterator(shared / "corpus" / "htmldate-dev" / "test_set", ec)) {
    std::string html;
    if (!ReadFile(file.path(), html)) continue;
    const auto article = ex::Extract(html, "", "");
    if (!article.ok()) continue;
    const std::u16string text = ToUtf16(article->text);
    size_t specific = 0;
    for (char16_t c : text) {
      if (std::u16string_view(u"їєґЇЄҐәғқңөұүһӘҒҚҢӨҰҮҺ").find(c) != std::u16string_view::npos)
        ++specific;
    }
    if (specific >= 10) {
      texts.push_back({"htmldate-dev/" + file.path().filename().string(), Prefix(text, chars)});
    }
  }
  return texts;
}

// The charset-dev texts of `samples` as UTF-8 (each distinct text once), to be encoded anew.
std::vector<SourceText> DecodedTexts(const std::vector<Sample>& samples, size_t chars) {
  std::vector<SourceText> texts;
  std::set<std::u16string> seen;
  for (const Sample& s : samples) {
    const std::optional<std::string> text = DecodeAs(s.bytes, s.label);
    if (!text) continue;
    std::u16string utf16 = Prefix(ToUtf16(*text), chars);
    if (seen.insert(utf16).second) texts.push_back({"charset-dev/" + s.name, std::move(utf16)});
  }
  return texts;
}

std::vector<Sample> GenerateSamples(const std::vector<SourceText>& texts) {
  static const char* kTargets[] = {"windows-1251", "KOI8-R",         "KOI8-U",     "IBM866",
                                   "IBM855",       "x-mac-cyrillic", "ISO-8859-5", "KZ-1048",
                                   "windows-1252", "ISO-8859-1",     "ISO-8859-2", "ISO-8859-9",
                                   "windows-1254"};
  std::vector<SingleByte> charsets;
  for (const char* label : kTargets) {
    if (auto sb = LoadSingleByte(label)) {
      charsets.push_back(std::move(*sb));
    } else {
      std::fprintf(stderr, "eval_charset: no table for %s\n", label);
    }
  }
  std::vector<Sample> samples;
  for (const SourceText& t : texts) {
    size_t cyrillic = 0, latin = 0;
    for (char16_t c : t.text) {
      cyrillic += c >= 0x400 && c <= 0x52F ? 1 : 0;
      latin += IsLetter(c) && c < 0x370 ? 1 : 0;
    }
    for (const SingleByte& sb : charsets) {
      // A text goes only into code pages made for its script.
      if ((Family(sb.label) == "cyrillic") != (cyrillic > latin)) continue;
      if (auto bytes = EncodeSingleByte(t.text, sb)) {
        samples.push_back({t.id + "@" + sb.label, sb.label, std::move(*bytes)});
      }
    }
    bool non_ascii = false;
    for (char16_t c : t.text) non_ascii = non_ascii || c >= 0x80;
    if (!non_ascii) continue;
    samples.push_back({t.id + "@UTF-16BE+BOM", "UTF-16BE", Utf16Bytes(t.text, true, true)});
    samples.push_back({t.id + "@UTF-16LE", "UTF-16LE", Utf16Bytes(t.text, false, false)});
  }
  return samples;
}

// Peer output: one JSON object per line, {"name": sample name, "text": decoded text}.
std::optional<Peer> LoadPeer(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos) return std::nullopt;
  Peer peer{spec.substr(0, eq), {}};
  std::ifstream in(spec.substr(eq + 1));
  if (!in) return std::nullopt;
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("name") && j.contains("text") && j["text"].is_string()) {
      peer.text[j["name"].get<std::string>()] = j["text"].get<std::string>();
    }
  }
  return peer;
}

// Writes every sample as a file and index.tsv (file, label), for peers to detect.
bool WriteSamples(const fs::path& dir, const std::vector<Sample>& samples) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::ofstream index(dir / "index.tsv");
  for (size_t k = 0; k < samples.size(); ++k) {
    const std::string file = std::to_string(k) + ".bin";
    std::ofstream out(dir / file, std::ios::binary);
    out << samples[k].bytes;
    index << file << '\t' << samples[k].name << '\t' << samples[k].label << '\n';
    if (!out) return false;
  }
  return static_cast<bool>(index);
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false, held_out_misses = false;
  size_t chars = 1000;
  fs::path shared = KUZET_SHARED_DIR;
  std::string write_dir;
  std::vector<Peer> peers;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--verbose" || arg == "-v") {
      verbose = true;
    } else if (arg == "--held-out-misses") {
      held_out_misses = true;
    } else if (arg == "--chars" && i + 1 < argc) {
      chars = static_cast<size_t>(std::stoul(argv[++i]));
    } else if (arg == "--write-samples" && i + 1 < argc) {
      write_dir = argv[++i];
    } else if (arg == "--peer" && i + 1 < argc) {
      auto peer = LoadPeer(argv[++i]);
      if (!peer) {
        std::fprintf(stderr, "eval_charset: bad --peer %s (NAME=FILE.jsonl)\n", argv[i]);
        return 1;
      }
      peers.push_back(std::move(*peer));
    } else {
      shared = arg;
    }
  }
  const fs::path dev_dir = shared / "corpus" / "charset-dev";
  std::ifstream labels(dev_dir / "labels.tsv");
  if (!labels) {
    std::fprintf(stderr, "eval_charset: cannot read %s\n", (dev_dir / "labels.tsv").c_str());
    return 1;
  }
  // 0: dev half, 1: held-out half, 2: generated from the corpora, 3: the dev half re-encoded.
  std::vector<Sample> sets[4];
  std::string line;
  std::getline(labels, line);  // header
  while (std::getline(labels, line)) {
    std::istringstream fields(line);
    Sample s;
    std::string lang;
    if (!(fields >> s.name >> lang >> s.label)) continue;
    if (!ReadFile(dev_dir / "pages" / s.name, s.bytes)) {
      std::fprintf(stderr, "eval_charset: cannot read %s\n", s.name.c_str());
      continue;
    }
    sets[Fnv1a(s.name) % 2 == 0 ? 0 : 1].push_back(std::move(s));
  }
  sets[2] = GenerateSamples(LoadSourceTexts(shared, chars));
  sets[3] = GenerateSamples(DecodedTexts(sets[0], chars));
  if (!write_dir.empty()) {
    std::vector<Sample> all;
    for (const auto& set : sets) all.insert(all.end(), set.begin(), set.end());
    if (!WriteSamples(write_dir, all)) {
      std::fprintf(stderr, "eval_charset: cannot write %s\n", write_dir.c_str());
      return 1;
    }
    std::printf("%zu samples written to %s\n", all.size(), write_dir.c_str());
    return 0;
  }
  const char* titles[] = {"charset-dev, dev half", "charset-dev, held-out half",
                          "generated from the shared corpora",
                          "generated from the dev half of charset-dev"};
  Score scores[4];
  for (int k = 0; k < 4; ++k) {
    std::vector<std::string> misses;
    for (const Sample& s : sets[k]) {
      std::string miss = Evaluate(s, peers, scores[k]);
      if (!miss.empty()) misses.push_back(std::move(miss));
    }
    Print(titles[k], scores[k], peers);
    // Misses of the held-out half are not shown unless asked: it is for scoring, not tuning.
    if (verbose && (k != 1 || held_out_misses)) {
      for (const std::string& m : misses) std::printf("%s\n", m.c_str());
    }
  }
  Score both;
  for (int k = 0; k < 2; ++k) {
    both.all.Add(scores[k].all);
    for (const auto& [family, t] : scores[k].by_family) both.by_family[family].Add(t);
  }
  Print("charset-dev, both halves", both, peers);
  return 0;
}
