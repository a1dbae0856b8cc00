// Hostile pages for the pipeline's tests, built in code: a parse that would blow the memory
// budget, a PDF served as HTML, an article on which a backtracking regex runs out of time.
#pragma once

#include <string>

#include "crawler/crawler.h"

namespace kuzet::app::testing {

// A page of `site` at `url` as the crawler hands it over: 200, text/html.
inline crawler::CrawledPage PageAt(const config::Site& site, const std::string& url,
                                   std::string body) {
  crawler::CrawledPage page;
  page.site = &site;
  page.url = url;
  page.kind = crawler::PageKind::kLink;
  page.response.final_url = url;
  page.response.status = 200;
  page.response.content_type = "text/html; charset=utf-8";
  page.response.body = std::move(body);
  return page;
}

// 1 MB of "x<p>": Gumbo would take ~90 MB (estimated ~190 MiB), over a 16 MiB budget.
inline std::string MemoryBombHtml() {
  std::string html;
  for (int i = 0; i < 250000; ++i) html += "x<p>";
  return html;
}

// A PDF whose bytes spell the keyword "Zhanaozen".
inline std::string PdfBytes() {
  using namespace std::string_literals;
  return "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Title (Zhanaozen strike report) >>\nendobj\n"
         "2 0 obj\n<< /Length 12 >>\nstream\n\x78\x9C\x01\x00\x00\xFF\xFF\x00\x00\x00\x01\n"
         "endstream\nendobj\n%%EOF\n"s;
}

// An article with a run of 60 a's, on which /(a|aa)+b/ backtracks past ICU's time limit.
inline std::string BacktrackingArticleHtml() {
  return "<html><head><title>Zhanaozen strike</title></head><body><article><p>The oil workers of "
         "Zhanaozen went on strike in May 2011, demanding the wages they were promised, and "
         "shouted " +
         std::string(60, 'a') + " at the gates of the company.</p></article></body></html>";
}

}  // namespace kuzet::app::testing
