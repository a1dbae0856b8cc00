#include "extractor/page_budget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "extractor/extractor.h"
#include "extractor/nesting_cap.h"
#include "extractor/parsed_html.h"
#include "tests/sanitizer_slowdown.h"

namespace kuzet::extractor {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string ReopenedFormatting(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "<b id=" + std::to_string(i) + "><p>x";
  return out;
}

std::string Article(int paragraphs) {
  std::string html = "<html><head><title>Zhanaozen</title></head><body><article>";
  for (int i = 0; i < paragraphs; ++i) {
    html +=
        "<p>Oil workers in Zhanaozen went on strike in May 2011 demanding higher wages, and "
        "the strike lasted for months until December " +
        std::to_string(i) + ".</p>";
  }
  return html + "</article></body></html>";
}

// The memory budget rests on the estimate: it must never be below what Gumbo really allocates.
TEST(PageBudgetTest, ParseEstimateCoversTheArena) {
  if (!ParsedHtml::UsesArena()) GTEST_SKIP() << "no arena under AddressSanitizer";
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"paragraphs", Repeat("<p>", 300000)},
      {"text and paragraphs", Repeat("x<p>", 250000)},
      {"line breaks", Repeat("<br>", 300000)},
      {"attributes", Repeat("<i a b c d e f g h>", 50000)},
      {"reopened formatting", ReopenedFormatting(100000)},
      {"comments", Repeat("<!---->", 150000)},
      {"table cells", "<table>" + Repeat("<td>", 300000)},
      {"entities", Repeat("&amp;", 200000)},
      {"article", Article(2000)},
  };
  const std::filesystem::path corpus = std::filesystem::path(KUZET_SHARED_DIR) / "corpus";
  if (std::filesystem::is_directory(corpus / "readability")) {
    for (const auto& entry : std::filesystem::directory_iterator(corpus / "readability")) {
      std::ifstream in(entry.path() / "source.html", std::ios::binary);
      std::stringstream html;
      html << in.rdbuf();
      inputs.emplace_back(entry.path().filename().string(), html.str());
    }
  }
  double worst_over = 0;
  for (const auto& [name, html] : inputs) {
    const ParsedHtml parsed(html);
    const size_t estimate = EstimateParseBytes(html.size(), ScanNesting(html));
    EXPECT_GE(estimate, parsed.used_bytes()) << name;
    worst_over =
        std::max(worst_over, static_cast<double>(estimate) /
                                 static_cast<double>(std::max<size_t>(1, parsed.used_bytes())));
  }
  std::printf("estimate / arena: at most %.1f over %zu inputs\n", worst_over, inputs.size());
}

TEST(PageBudgetTest, ParseOverTheMemoryBudgetIsRefusedBeforeParsing) {
  const std::string html = Repeat("x<p>", 250000);  // 1 MB; Gumbo would take ~90 MB
  PageBudget budget(std::chrono::seconds(10), 16u << 20);
  const auto started = std::chrono::steady_clock::now();
  auto article = Extract(html, "text/html; charset=utf-8", "http://example.kz/a", &budget);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_FALSE(article.ok());
  EXPECT_EQ(budget.exceeded(), PageBudget::Exceeded::kMemory);
  EXPECT_NE(article.status().message().find("http://example.kz/a"), std::string::npos);
  EXPECT_NE(article.status().message().find("memory budget of 16 MiB"), std::string::npos)
      << article.status().message();
  EXPECT_LT(seconds, 0.5 * kSanitizerSlowdown);  // the scan only, no parse
}

TEST(PageBudgetTest, CpuBudgetEndsExtraction) {
  const std::string html = Article(20000);  // ~3 MB: tens of ms of parsing
  PageBudget budget(std::chrono::microseconds(100), SIZE_MAX);
  auto article = Extract(html, "text/html; charset=utf-8", "http://example.kz/b", &budget);
  ASSERT_FALSE(article.ok());
  EXPECT_EQ(budget.exceeded(), PageBudget::Exceeded::kCpu);
  EXPECT_NE(article.status().message().find("CPU budget"), std::string::npos)
      << article.status().message();
  EXPECT_FALSE(budget.Check());  // stays exceeded
}

TEST(PageBudgetTest, CancelFlagEndsExtraction) {
  std::atomic<bool> cancel{true};
  PageBudget budget(std::chrono::seconds(10), SIZE_MAX, &cancel);
  auto article = Extract(Article(10), "text/html", "http://example.kz/c", &budget);
  ASSERT_FALSE(article.ok());
  EXPECT_EQ(budget.exceeded(), PageBudget::Exceeded::kCancelled);
}

TEST(PageBudgetTest, WithinBudgetTheArticleIsTheSame) {
  const std::string html = Article(50);
  PageBudget budget(std::chrono::seconds(2), 256u << 20);
  auto with = Extract(html, "text/html", "http://example.kz/d", &budget);
  auto without = Extract(html, "text/html", "http://example.kz/d");
  ASSERT_TRUE(with.ok()) << with.status().message();
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(with->text, without->text);
  EXPECT_EQ(with->title, without->title);
  EXPECT_EQ(budget.exceeded(), PageBudget::Exceeded::kNone);
}

}  // namespace
}  // namespace kuzet::extractor
