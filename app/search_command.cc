// search QUERY: the stored articles a rule-language query matches (issue #18), newest first.
#include <unistd.h>

#include <iostream>
#include <tuple>

#include "app/command_exit.h"
#include "app/commands.h"
#include "app/mention_format.h"
#include "app/query_store.h"
#include "app/search_results.h"
#include "app/story_places.h"
#include "app/time_bound.h"
#include "base/time.h"
#include "storage/store.h"

namespace kuzet::app {

int SearchCommand(const SearchOptions& options) {
  SearchRequest request;
  request.q = options.query;
  if (request.q.size() > kMaxSearchQueryBytes) {
    return UsageFail("the query has " + std::to_string(request.q.size()) +
                     " bytes, more than the " + std::to_string(kMaxSearchQueryBytes) +
                     " a query may have");
  }
  const int64_t now = base::NowMicros();
  for (auto [name, text, into] : {std::tuple{"--since", &options.since, &request.query.since_us},
                                  std::tuple{"--until", &options.until, &request.query.until_us}}) {
    if (text->empty()) continue;
    auto bound = ParseTimeBound(name, *text, now);
    if (!bound.ok()) return UsageFail(bound.status().message());
    *into = *bound;
  }
  request.query.lang = options.lang;
  request.query.site = options.site;
  request.query.limit = options.limit;
  request.query.before_doc = options.before;

  if (options.data_dir.empty() && options.config_path.empty()) {
    return UsageFail("give --config FILE or --data-dir DIR");
  }
  auto store = OpenForQuery(options.data_dir, options.config_path);
  if (!store.ok()) return Fail(store.status());
  auto page = RunSearch(**store, request);
  if (!page.ok()) {
    // A query the rule compiler refuses is bad usage, said with its column.
    if (page.status().code() == Status::Code::kInvalidArgument) {
      return UsageFail(page.status().message());
    }
    return Fail(page.status());
  }
  auto stories = LoadStoryPlaces((*store)->reader(), page->hits);
  if (!stories.ok()) return Fail(stories.status());

  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const storage::Mention& hit : page->hits) out.push_back(SearchHitToJson(hit, &*stories));
    std::cout << out.dump(2) << "\n";
  } else if (options.format == "csv") {
    if (options.bom) std::cout << "\xEF\xBB\xBF";  // how Excel knows the file is UTF-8
    std::cout << FormatMentionCsv(page->hits, &*stories);
  } else {
    const bool tty = isatty(STDOUT_FILENO);
    std::cout << FormatMentionTable(page->hits, tty ? "\033[1;31m" : "[", tty ? "\033[0m" : "]",
                                    &*stories);
  }
  std::cout.flush();
  if (!std::cout) return Fail(Status::IOError("cannot write the results to stdout"));
  // On stderr, so that JSON and CSV on stdout stay exactly the format.
  if (page->next_before != 0) {
    std::cerr << "more documents may match (--limit " << options.limit
              << ", or the candidates one call reads): the next page is --before "
              << page->next_before << "\n";
  }
  return 0;
}

}  // namespace kuzet::app
