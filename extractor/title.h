// The headline of a page, without the site name that <title> and og:title usually carry
// ("Headline | Site", "Site — Headline", "Headline - Section - site.kz").
//
// Which side of a separator is the site cannot be learnt per page from other pages of the site, so
// the page's own signals decide, strongest first: the declared site name (og:site_name, JSON-LD
// publisher, application-name) or the host name as a part; a heading (<h1>) that equals one part,
// or extends it ("Жанаозен" in the title, "Жанаозен: пять лет спустя" in the <h1>); else a short
// last part after a longer headline is taken for the site.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace kuzet::extractor {

struct TitleSources {
  std::string_view meta_title;  // JSON-LD headline, dc:title, og:title, <meta name=title>,
                                // twitter:title or parsely-title: the first present
  std::string_view title_tag;   // <title>
  std::span<const std::string> headings;  // the first few <h1> texts, document order
  std::string_view site_name;             // "" if the page declares none
  std::string_view page_url;              // for the host name; may be ""
};

// The metadata title if any, else <title>, else the first heading; site name removed.
std::string ChooseTitle(const TitleSources& sources);

// title without the site name part, judged by the signals above; title itself (whitespace
// collapsed) when none says which part is the site.
std::string StripSiteName(std::string_view title, std::string_view site_name, std::string_view host,
                          std::span<const std::string> headings);

// The host of an absolute URL, lowercased, without "www."; "" if there is none.
std::string HostOf(std::string_view url);

}  // namespace kuzet::extractor
