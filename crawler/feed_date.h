// Dates as feeds and sitemaps write them.
#pragma once

#include <cstdint>
#include <string_view>

namespace kuzet::crawler {

// Unix seconds for an RFC 822/1123 date ("Tue, 10 Jun 2003 04:00:00 GMT", RSS 2.0 pubDate, also
// without weekday or seconds, with zone names like EST or offsets like +0300) or an ISO 8601 /
// RFC 3339 date ("2003-12-13T18:30:02Z", "2003-12-13T18:30:02.25+01:00", "2003-12-13", Atom,
// Dublin Core, sitemaps). 0 when the text is not such a date.
int64_t ParseFeedDate(std::string_view text);

}  // namespace kuzet::crawler
