// Pages with mentions written straight into a store (storage::Store::PutPage), for the HTTP
// tests: the same records the pipeline writes, with known texts, languages, sites and rules.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace kuzet::testing {

// A page whose whole text is one sentence; each (rule id, surface) pair becomes a mention whose
// snippet is that sentence with the surface marked.
storage::PageInput MakePage(const std::string& site, const std::string& url,
                            const std::string& title, const std::string& lang,
                            const std::string& text,
                            const std::vector<std::pair<std::string, std::string>>& rule_surfaces,
                            int64_t fetched_at_us);

// Four pages in English, Russian and Kazakh on sites "steppe" and "ulys" with rules zhanaozen,
// strike-ru and kmg, fetched one second apart from base_us: 5 mentions. One title holds HTML
// metacharacters, to catch unescaped output.
std::vector<storage::PageInput> SamplePages(int64_t base_us);

// The n-th page of a long run (distinct URL and text), one mention of rule "zhanaozen".
storage::PageInput NumberedPage(int n, int64_t fetched_at_us);

}  // namespace kuzet::testing
