// eval_extract: scores kuzet::extractor on article-extraction corpora and times it against
// Gumbo parsing alone on the same pages.
//
//   eval_extract [--repeat N] [--verbose] [--peer NAME=FILE.jsonl]... [CORPUS_DIR...]
//                                                                text extraction (default: aeb-dev
//                                                                and daniel-ru-dev of ../shared)
//   eval_extract --dates [DIR]                                   publication dates (htmldate-dev)
//
// A corpus dir holds html/<id>.html.gz and ground-truth.json (id → {articleBody, url}). Scoring
// follows the article-extraction benchmark: per page, precision and recall over the multiset of
// word 4-grams (words = \w+ runs, case kept) of the extraction versus articleBody; averaged over
// pages; F1 from the two averages. An empty extraction scores P = R = 0 unless the truth is empty
// too (then 1). Throughput counts Extract() end to end (decode, parse, extract) against
// gumbo_parse() + gumbo_destroy_output() of the same bytes with default options, and against
// the parse Extract itself does (Gumbo into a per-document arena, ParsedHtml).
#include <gumbo.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/extract/corpus_files.h"
#include "extractor/extractor.h"
#include "extractor/parsed_html.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using kuzet::bench::ReadFile;
using kuzet::bench::ReadGzip;

// \w+ words as Python's re module finds them (Unicode letters, digits, underscore).
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    const bool word =
        c >= 0 && (u_isalnum(c) || c == '_' || u_charType(c) == U_OTHER_NUMBER ||
                   u_charType(c) == U_LETTER_NUMBER || u_charType(c) == U_NON_SPACING_MARK ||
                   u_charType(c) == U_COMBINING_SPACING_MARK);
    if (word) {
      cur.append(s.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

std::unordered_map<std::string, int> Shingles(std::string_view text) {
  const auto w = Words(text);
  std::unordered_map<std::string, int> out;
  if (w.empty()) return out;
  if (w.size() < 4) {
    std::string all;
    for (const auto& x : w) all += x + '\x1f';
    ++out[all];
    return out;
  }
  for (size_t i = 0; i + 4 <= w.size(); ++i) {
    ++out[w[i] + '\x1f' + w[i + 1] + '\x1f' + w[i + 2] + '\x1f' + w[i + 3]];
  }
  return out;
}

std::pair<double, double> PrecisionRecall(std::string_view predicted, std::string_view truth) {
  const auto p = Shingles(predicted);
  const auto t = Shingles(truth);
  if (p.empty() && t.empty()) return {1, 1};
  if (p.empty() || t.empty()) return {0, 0};
  long common = 0, np = 0, nt = 0;
  for (const auto& [k, v] : p) {
    np += v;
    if (auto it = t.find(k); it != t.end()) common += std::min(v, it->second);
  }
  for (const auto& [k, v] : t) nt += v;
  return {static_cast<double>(common) / np, static_cast<double>(common) / nt};
}

struct Page {
  std::string id, html, truth, url;
};

// Sums of per-page scores. The benchmark averages precision and recall over pages; F1 is printed
// both from those averages and as the mean of per-page F1, so either convention can be compared.
struct Score {
  double precision = 0, recall = 0, f1 = 0;
  int pages = 0;
  void Add(std::string_view predicted, std::string_view truth) {
    const auto [p, r] = PrecisionRecall(predicted, truth);
    precision += p;
    recall += r;
    f1 += p + r > 0 ? 2 * p * r / (p + r) : 0;
    ++pages;
  }
  std::string Format() const {
    const double n = std::max(pages, 1);
    const double P = precision / n, R = recall / n;
    char buf[160];
    std::snprintf(buf, sizeof buf, "precision %.3f  recall %.3f  F1 %.3f  (mean per-page F1 %.3f)",
                  P, R, P + R > 0 ? 2 * P * R / (P + R) : 0, f1 / n);
    return buf;
  }
};

// Another extractor's output on the same corpus: JSON Lines {"id", "text", "seconds"} as written
// by bench/extract/peers/run_peers.sh.
struct PeerOutput {
  std::string name;
  fs::path path;
};

// Scores a peer's output against the same pages; a page the peer skipped scores as empty.
void PrintPeer(const PeerOutput& peer, const std::vector<Page>& pages, double ours_pps) {
  std::unordered_map<std::string, std::pair<std::string, double>> by_id;
  std::ifstream in(peer.path);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("id")) continue;
    by_id[j["id"].get<std::string>()] = {j.value("text", ""), j.value("seconds", 0.0)};
  }
  if (by_id.empty()) {
    std::printf("  %-18s no output in %s\n", peer.name.c_str(), peer.path.c_str());
    return;
  }
  Score score;
  double seconds = 0;
  for (const Page& p : pages) {
    auto it = by_id.find(p.id);
    score.Add(it == by_id.end() ? "" : it->second.first, p.truth);
    if (it != by_id.end()) seconds += it->second.second;
  }
  const double pps = seconds > 0 ? pages.size() / seconds : 0;
  std::printf("  %-18s %s\n  %-18s %.1f pages/s (its own timer, per page), kuzet is %.1fx\n",
              peer.name.c_str(), score.Format().c_str(), "", pps, pps > 0 ? ours_pps / pps : 0);
}

int EvalCorpus(const fs::path& dir, int repeat, bool verbose,
               const std::vector<PeerOutput>& peers) {
  std::string gt_text;
  if (!ReadFile(dir / "ground-truth.json", gt_text)) {
    std::cerr << "cannot read " << (dir / "ground-truth.json") << "\n";
    return 1;
  }
  const auto gt = nlohmann::json::parse(gt_text, nullptr, false);
  if (gt.is_discarded() || !gt.is_object()) {
    std::cerr << "bad ground-truth.json in " << dir << "\n";
    return 1;
  }
  std::vector<Page> pages;
  size_t bytes = 0;
  for (const auto& [id, v] : gt.items()) {
    Page p;
    p.id = id;
    if (!ReadGzip(dir / "html" / (id + ".html.gz"), p.html)) {
      std::cerr << "missing page " << id << "\n";
      continue;
    }
    p.truth = v.value("articleBody", "");
    p.url = v.value("url", "");
    bytes += p.html.size();
    pages.push_back(std::move(p));
  }
  Score ours;
  for (const auto& p : pages) {
    const auto result = kuzet::extractor::Extract(p.html, "", p.url);
    const std::string text = result.ok() ? result->text : "";
    ours.Add(text, p.truth);
    const auto [prec, rec] = PrecisionRecall(text, p.truth);
    if (verbose) {
      std::printf("%-70s P %.3f R %.3f  %zu chars  lang %s\n", p.id.c_str(), prec, rec, text.size(),
                  result.ok() ? result->lang.c_str() : "-");
    }
  }
  // Timing: per page, the four contenders run back to back in rotating order, so that load from
  // other processes and cache warmth fall on all of them alike.
  // 0: Extract; 1: Gumbo default (the goal's reference); 2: Gumbo with max_errors=0, as Extract
  // parses; 3: Gumbo into Extract's arena (ParsedHtml), i.e. the parse inside Extract, so that
  // 0 against 3 is the cost of everything Extract adds to its own parse.
  constexpr int kContenders = 4;
  double seconds[kContenders] = {0, 0, 0, 0};
  size_t sink = 0;
  GumboOptions quiet = kGumboDefaultOptions;
  quiet.max_errors = 0;  // what Extract itself uses
  auto run = [&](int which, const Page& p) {
    const auto t0 = Clock::now();
    if (which == 0) {
      auto result = kuzet::extractor::Extract(p.html, "", p.url);
      sink += result.ok() ? result->text.size() : 0;
    } else if (which == 3) {
      const kuzet::extractor::ParsedHtml parsed(p.html);
      sink += parsed.output()->root->v.element.children.length;
    } else {
      const GumboOptions* o = which == 1 ? &kGumboDefaultOptions : &quiet;
      GumboOutput* out = gumbo_parse_with_options(o, p.html.data(), p.html.size());
      sink += out->root->v.element.children.length;
      gumbo_destroy_output(o, out);
    }
    seconds[which] += std::chrono::duration<double>(Clock::now() - t0).count();
  };
  for (int r = 0; r < repeat; ++r) {
    for (size_t i = 0; i < pages.size(); ++i) {
      for (int k = 0; k < kContenders; ++k) {
        run(static_cast<int>((i + r + k) % kContenders), pages[i]);
      }
    }
  }
  if (sink == 42) std::puts("");  // keeps the work observable
  const double n = static_cast<double>(pages.size()) * repeat;
  const double ours_pps = n / seconds[0], gumbo_pps = n / seconds[1];
  const double quiet_pps = n / seconds[2], arena_pps = n / seconds[3];
  std::printf("%s: %zu pages, %.1f MB\n", dir.filename().c_str(), pages.size(), bytes / 1e6);
  std::printf("  %-18s %s\n", "kuzet", ours.Format().c_str());
  std::printf("  kuzet Extract %.1f pages/s, gumbo parse alone %.1f pages/s, ratio %.2f\n",
              ours_pps, gumbo_pps, ours_pps / gumbo_pps);
  std::printf("  gumbo parse alone with max_errors=0 %.1f pages/s, ratio %.2f\n", quiet_pps,
              ours_pps / quiet_pps);
  std::printf(
      "  gumbo parse alone into Extract's arena (the parse inside Extract) %.1f pages/s, "
      "ratio %.2f\n",
      arena_pps, ours_pps / arena_pps);
  for (const PeerOutput& peer : peers) PrintPeer(peer, pages, ours_pps);
  return 0;
}

int EvalDates(const fs::path& dir, bool verbose) {
  std::string text;
  if (!ReadFile(dir / "eval_mediacloud_2020.json", text)) {
    std::cerr << "cannot read " << (dir / "eval_mediacloud_2020.json") << "\n";
    return 1;
  }
  // The file writes unknown dates as a bare NaN (Python's json), which is not JSON.
  for (size_t p = 0; (p = text.find(": NaN", p)) != std::string::npos;)
    text.replace(p, 5, ": null");
  const auto gt = nlohmann::json::parse(text, nullptr, false);
  if (gt.is_discarded() || !gt.is_object()) {
    std::cerr << "bad eval_mediacloud_2020.json\n";
    return 1;
  }
  size_t total = 0, exact = 0, missing = 0, undated = 0;
  for (const auto& [url, v] : gt.items()) {
    std::string html;
    if (!ReadFile(dir / "test_set" / v.value("file", ""), html)) continue;
    if (!v.contains("date") || !v["date"].is_string()) {
      ++undated;  // no reference date: not scored
      continue;
    }
    ++total;
    const std::string want = v["date"].get<std::string>();
    auto r = kuzet::extractor::Extract(html, "", url);
    const std::string got = r.ok() ? r->date.substr(0, 10) : "";
    if (got == want) {
      ++exact;
    } else {
      if (got.empty()) ++missing;
      if (verbose)
        std::printf("%s want %s got %s  %s\n", v.value("file", "").c_str(), want.c_str(),
                    got.empty() ? "-" : got.c_str(), url.c_str());
    }
  }
  std::printf(
      "htmldate: %zu dated pages (%zu without reference skipped), exact date %.1f%% (%zu), "
      "none found %zu, wrong %zu\n",
      total, undated, 100.0 * exact / std::max<size_t>(total, 1), exact, missing,
      total - exact - missing);
  return 0;
}

// The text of an HTML fragment (Readability's expected.html): text nodes in order, block elements
// separated, so words never run together across paragraphs.
void AppendText(const GumboNode* node, std::string& out) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
    out += node->v.text.text;
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) return;
  const GumboVector& children =
      node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
  if (node->type == GUMBO_NODE_ELEMENT &&
      (node->v.element.tag == GUMBO_TAG_SCRIPT || node->v.element.tag == GUMBO_TAG_STYLE)) {
    return;
  }
  for (unsigned i = 0; i < children.length; ++i) {
    AppendText(static_cast<const GumboNode*>(children.data[i]), out);
  }
  out += '\n';
}

std::string HtmlToText(const std::string& html) {
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  std::string text;
  AppendText(output->root, text);
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return text;
}

// Whitespace collapsed and trimmed, for comparing titles and bylines.
std::string Squeeze(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Mozilla Readability's test pages: <name>/source.html, expected.html (the article) and
// expected-metadata.json (title, byline). Scores the text like the other corpora, and the share
// of pages whose title, and whose byline (where one is expected), Kuzet gets exactly.
int EvalReadability(const fs::path& dir, bool verbose) {
  Score text_score;
  int pages = 0, titles_right = 0, bylines_expected = 0, bylines_right = 0;
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(dir)) cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  for (const fs::path& c : cases) {
    std::string source, expected, meta_text;
    if (!ReadFile(c / "source.html", source) || !ReadFile(c / "expected.html", expected) ||
        !ReadFile(c / "expected-metadata.json", meta_text)) {
      continue;
    }
    const auto meta = nlohmann::json::parse(meta_text, nullptr, false);
    if (meta.is_discarded()) continue;
    const auto result = kuzet::extractor::Extract(source, "", "http://fakehost/test/page.html");
    const std::string text = result.ok() ? result->text : "";
    text_score.Add(text, HtmlToText(expected));
    ++pages;
    const std::string want_title = meta.contains("title") && meta["title"].is_string()
                                       ? Squeeze(meta["title"].get<std::string>())
                                       : "";
    const std::string got_title = result.ok() ? Squeeze(result->title) : "";
    if (got_title == want_title) ++titles_right;
    if (meta.contains("byline") && meta["byline"].is_string()) {
      ++bylines_expected;
      const std::string want = Squeeze(meta["byline"].get<std::string>());
      const std::string got = result.ok() ? Squeeze(result->author) : "";
      if (!got.empty() && (got == want || want.find(got) != std::string::npos)) {
        ++bylines_right;
      } else if (verbose) {
        std::printf("%s: byline \"%s\", expected \"%s\"\n", c.filename().c_str(), got.c_str(),
                    want.c_str());
      }
    }
    if (verbose && got_title != want_title) {
      std::printf("%s: title \"%s\", expected \"%s\"\n", c.filename().c_str(), got_title.c_str(),
                  want_title.c_str());
    }
  }
  std::printf("readability: %d pages\n  %-18s %s\n", pages, "kuzet", text_score.Format().c_str());
  std::printf("  title exact %.1f%% (%d of %d), byline found %.1f%% (%d of %d expected)\n",
              100.0 * titles_right / std::max(pages, 1), titles_right, pages,
              100.0 * bylines_right / std::max(bylines_expected, 1), bylines_right,
              bylines_expected);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  bool verbose = false, dates = false, readability = false;
  std::vector<fs::path> dirs;
  std::vector<PeerOutput> peers;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--peer" && i + 1 < argc) {
      const std::string spec = argv[++i];
      const size_t eq = spec.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--peer expects NAME=FILE.jsonl, got " << spec << "\n";
        return 2;
      }
      peers.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--verbose" || a == "-v") {
      verbose = true;
    } else if (a == "--readability") {
      readability = true;
    } else if (a == "--dates") {
      dates = true;
    } else if (a == "--help" || a == "-h") {
      std::puts(
          "usage: eval_extract [--repeat N] [--verbose] [--peer NAME=FILE.jsonl]... "
          "[CORPUS_DIR...]\n"
          "       eval_extract --dates [--verbose] [HTMLDATE_DIR]\n"
          "       eval_extract --readability [--verbose] [READABILITY_DIR]");
      return 0;
    } else {
      dirs.emplace_back(a);
    }
  }
  const fs::path shared = fs::path(KUZET_SHARED_DIR) / "corpus";
  if (readability) {
    return EvalReadability(dirs.empty() ? shared / "readability" : dirs[0], verbose);
  }
  if (dates) {
    return EvalDates(dirs.empty() ? shared / "htmldate-dev" : dirs[0], verbose);
  }
  if (dirs.empty()) dirs = {shared / "aeb-dev", shared / "daniel-ru-dev"};
  int rc = 0;
  if (!peers.empty() && dirs.size() != 1) {
    std::cerr << "--peer scores one corpus: name exactly one CORPUS_DIR\n";
    return 2;
  }
  for (const auto& d : dirs) rc |= EvalCorpus(d, repeat, verbose, peers);
  return rc;
}
