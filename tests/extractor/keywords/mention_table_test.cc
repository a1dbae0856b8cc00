// The mention table of issue #14 (mention_table.tsv): rules written as a monitor writes them, one
// Latin or Cyrillic term each, against en/ru/kk (and Central European) sentences, with exactly
// the surfaces that must be found. Every case is asserted; the run prints precision and recall
// by kind of failure and by split (dev = tuned on, held-out = not looked at while tuning).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "extractor/keywords/matcher.h"

namespace kuzet::keywords {
namespace {

struct Row {
  int line = 0;
  std::string kind, split, lang, term, text;
  std::vector<std::string> expected;
};

std::vector<std::string> SplitOn(const std::string& s, const std::string& separator) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (true) {
    const size_t end = s.find(separator, begin);
    out.push_back(s.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) break;
    begin = end + separator.size();
  }
  return out;
}

std::vector<Row> LoadTable(std::string* error) {
  const std::string path =
      std::string(KUZET_SOURCE_DIR) + "/tests/extractor/keywords/mention_table.tsv";
  std::ifstream in(path);
  if (!in) {
    *error = "cannot open " + path;
    return {};
  }
  std::vector<Row> rows;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = SplitOn(line, "\t");
    if (f.size() != 6) {
      *error = path + ":" + std::to_string(n) + ": expected 6 tab-separated fields";
      return {};
    }
    Row r{n, f[0], f[1], f[2] == "-" ? "" : f[2], f[3], f[4], {}};
    if (!f[5].empty()) r.expected = SplitOn(f[5], " | ");
    rows.push_back(std::move(r));
  }
  return rows;
}

struct Score {
  size_t cases = 0, non_matches = 0, true_positive = 0, false_positive = 0, false_negative = 0;
  double Precision() const {
    const size_t found = true_positive + false_positive;
    return found == 0 ? 1.0 : double(true_positive) / found;
  }
  double Recall() const {
    const size_t wanted = true_positive + false_negative;
    return wanted == 0 ? 1.0 : double(true_positive) / wanted;
  }
};

TEST(MentionTable, EveryCaseFindsExactlyItsSurfaces) {
  std::string error;
  const std::vector<Row> rows = LoadTable(&error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_GE(rows.size(), 400u);
  std::map<std::string, Score> by_kind, by_split;
  Score total;
  for (const Row& row : rows) {
    SCOPED_TRACE("mention_table.tsv:" + std::to_string(row.line) + " [" + row.split + "] " +
                 row.kind + " term=" + row.term + " text=\"" + row.text + "\"");
    RuleSpec rule;
    rule.id = "r";
    rule.terms = {row.term};
    auto matcher = Matcher::Compile({rule});
    ASSERT_TRUE(matcher.ok()) << matcher.status().message();
    std::vector<std::string> found;
    for (const Match& m : matcher->FindAll(row.text, row.lang)) found.push_back(m.surface);
    EXPECT_EQ(found, row.expected);

    Score delta;
    delta.cases = 1;
    delta.non_matches = row.expected.empty() ? 1 : 0;
    std::vector<std::string> missing = row.expected;
    for (const std::string& f : found) {
      auto it = std::find(missing.begin(), missing.end(), f);
      if (it != missing.end()) {
        missing.erase(it);
        ++delta.true_positive;
      } else {
        ++delta.false_positive;
      }
    }
    delta.false_negative = missing.size();
    for (Score* s : {&by_kind[row.kind], &by_split[row.split], &total}) {
      s->cases += delta.cases;
      s->non_matches += delta.non_matches;
      s->true_positive += delta.true_positive;
      s->false_positive += delta.false_positive;
      s->false_negative += delta.false_negative;
    }
  }
  auto print = [](const std::string& name, const Score& s) {
    std::printf(
        "  %-14s %4zu cases (%3zu non-matches)  precision %.3f (%zu/%zu)  recall %.3f (%zu/%zu)\n",
        name.c_str(), s.cases, s.non_matches, s.Precision(), s.true_positive,
        s.true_positive + s.false_positive, s.Recall(), s.true_positive,
        s.true_positive + s.false_negative);
  };
  std::printf("mention table by kind:\n");
  for (const auto& [kind, s] : by_kind) print(kind, s);
  std::printf("mention table by split:\n");
  for (const auto& [split, s] : by_split) print(split, s);
  print("all", total);
  EXPECT_GE(total.non_matches, 100u);
  EXPECT_GE(total.Precision(), 0.98);
  EXPECT_EQ(total.Recall(), 1.0);
}

}  // namespace
}  // namespace kuzet::keywords
