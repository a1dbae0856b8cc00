// Test helper: the pages the alert worker tests store, one Zhanaozen mention each.
#pragma once

#include <cstdint>
#include <string>

#include "storage/store.h"

namespace kuzet::app::testing {

// An article long enough for near-duplicate detection; `variant` changes one line, so two
// variants are one story and a page with other text is another.
inline std::string StrikeText(const std::string& variant) {
  std::string text =
      "Oil workers in Zhanaozen walked off the job on Monday demanding the wage rises they were "
      "promised after the strike of 2011, when police opened fire on protesters in the town "
      "square. The union said that more than two thousand workers of the Ozenmunaigas company "
      "joined the action and that the regional akimat refused to meet their representatives. "
      "Human rights monitors from Almaty travelled to the town to document arrests and the "
      "questioning of activists, and lawyers asked the prosecutor to release those detained. "
      "Families of the workers killed in December 2011 again demanded an independent "
      "investigation of the shooting and the punishment of those responsible for it.";
  return text + "\nUpdated " + variant;  // a reprint's own dateline line
}

// A page of site "steppe" with one mention of rule "zhanaozen" at the first "Zhanaozen".
inline storage::PageInput Page(const std::string& url, const std::string& title,
                               const std::string& text, int64_t at_us) {
  storage::PageInput page;
  page.site_id = "steppe";
  page.url = page.final_url = url;
  page.title = title;
  page.text = text;
  page.lang = "en";
  page.charset = "utf-8";
  page.fetched_at_us = at_us;
  page.http_status = 200;
  storage::MentionInput mention;
  mention.rule_id = "zhanaozen";
  uint32_t begin = static_cast<uint32_t>(text.find("Zhanaozen"));
  mention.hits.push_back({"Zhanaozen", "Zhanaozen", begin, begin + 9});
  mention.snippet = text.substr(0, 120);
  mention.snippet_mark_begin = begin;
  mention.snippet_mark_end = begin + 9;
  page.mentions.push_back(mention);
  return page;
}

// The config the worker tests load alerts with: site "steppe", rule "zhanaozen".
inline constexpr char kSteppeConfig[] = R"([[sites]]
id = "steppe"
name = "Steppe Labour News"
start_urls = ["http://127.0.0.1/"]
[[rules]]
id = "zhanaozen"
description = "Жанаозен"
terms = ["Zhanaozen"]
)";

}  // namespace kuzet::app::testing
