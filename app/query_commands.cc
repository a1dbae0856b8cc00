// mentions, doc, stories, compact: what the analyst asks, and the store's upkeep.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/command_exit.h"
#include "app/commands.h"
#include "app/http_api.h"
#include "app/mention_format.h"
#include "app/mention_groups.h"
#include "app/mention_stream.h"
#include "app/query_store.h"
#include "app/time_bound.h"
#include "base/strings.h"
#include "base/time.h"
#include "config/config.h"
#include "storage/read_cursors.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

// The ids a config defines, as "a, b, c".
template <typename Items>
std::string IdList(const Items& items) {
  const std::string list = base::Join(items, ", ", [](const auto& item) { return item.id; });
  return list.empty() ? "none" : list;
}

// A --rule or --site naming neither a configured id nor anything stored is a typo, not a question
// with an empty answer: "" when the ids are fine (or no config is at hand to tell), else the
// message. Ids that only stored mentions know (a rule since removed from the config) still list.
Result<std::string> UnknownIdMessage(const std::string& config_path,
                                     const storage::MentionReader& store, const std::string& rule,
                                     const std::string& site) {
  if (config_path.empty() || (rule.empty() && site.empty())) return std::string();
  auto config = config::LoadConfigFile(config_path);
  if (!config.ok()) return std::string();  // the data dir came from elsewhere; nothing to check
  auto stored = [&](const std::string& rule_id, const std::string& site_id) -> Result<bool> {
    storage::MentionQuery query;
    query.rule_id = rule_id;
    query.site_id = site_id;
    query.limit = 1;
    auto found = store.Mentions(query);
    if (!found.ok()) return found.status();
    return !found->empty();
  };
  auto known = [](const auto& items, const std::string& id) {
    return std::any_of(items.begin(), items.end(), [&](const auto& i) { return i.id == id; });
  };
  if (!rule.empty() && !known(config->rules, rule)) {
    auto any = stored(rule, "");
    if (!any.ok()) return any.status();
    if (!*any) {
      return "--rule " + rule + ": no such rule in " + config_path +
             " (rules: " + IdList(config->rules) + ")";
    }
  }
  if (!site.empty() && !known(config->sites, site)) {
    auto any = stored("", site);
    if (!any.ok()) return any.status();
    if (!*any) {
      return "--site " + site + ": no such site in " + config_path +
             " (sites: " + IdList(config->sites) + ")";
    }
  }
  return std::string();
}

// The read cursor's key: one cursor per user and per set of filters (not the time bounds).
std::string CursorFilter(const MentionsOptions& o) {
  return "rule=" + o.rule + "\tsite=" + o.site + "\tlang=" + o.lang +
         "\tstory=" + std::to_string(o.story);
}

std::string DefaultUser() {
  const char* user = std::getenv("USER");
  if (user != nullptr && storage::ReadCursors::ValidateUser(user).ok()) return user;
  return "default";
}

std::string FeedTitle(const MentionsOptions& o) {
  std::string title = "Kuzet mentions";
  std::string filters;
  for (const auto& [name, value] : {std::pair<std::string, std::string>{"rule", o.rule},
                                    {"site", o.site},
                                    {"lang", o.lang},
                                    {"story", o.story ? std::to_string(o.story) : ""}}) {
    if (!value.empty()) filters += (filters.empty() ? "" : ", ") + name + " " + value;
  }
  return filters.empty() ? title : title + " (" + filters + ")";
}

// One story (its id is its first document's) with a page of its documents below `before`.
Result<std::vector<storage::StoryInfo>> OneStory(const storage::Store& store, uint64_t story_id,
                                                 size_t members, uint64_t before) {
  auto first = store.reader().GetDocument(story_id);
  if (!first.ok()) return first.status();
  if (!first->has_value() || (*first)->story_id != story_id) {
    return Status::NotFound("no story " + std::to_string(story_id) + " in " + store.dir());
  }
  auto page = store.reader().StoryMembers(story_id, members, before);
  if (!page.ok()) return page.status();
  storage::StoryInfo info;
  info.id = story_id;
  info.created_us = (*first)->first_seen_us;
  info.members = std::move(page->members);
  info.total_documents = page->total_documents;
  info.total_places = page->total_places;
  info.next_before = page->next_before;
  return std::vector<storage::StoryInfo>{std::move(info)};
}

// Stories newest first; with `rule` (nullopt: every story), only those with a mention of it ("":
// of any rule). Pages with no match are the bulk of a crawl, so the stories are read in growing
// batches until `limit` matched ones are found or the store has no more, at most
// kMaxStoriesExamined of them.
Result<std::vector<storage::StoryInfo>> MatchedStories(const storage::MentionReader& store,
                                                       std::optional<int64_t> since, size_t limit,
                                                       size_t members,
                                                       const std::optional<std::string>& rule) {
  if (!rule) return store.Stories(since, limit, members);
  constexpr size_t kMaxStoriesExamined = 1'000'000;
  std::vector<storage::StoryInfo> matched;
  size_t examined = 0;
  for (size_t batch = std::max<size_t>(limit * 4, 64);;
       batch = std::min(batch * 4, kMaxStoriesExamined)) {
    // Stories() has no cursor: each round reads the newest `batch` and skips those seen.
    auto stories = store.Stories(since, batch, members);
    if (!stories.ok()) return stories.status();
    for (size_t i = examined; i < stories->size() && matched.size() < limit; ++i) {
      storage::MentionQuery query;
      query.story_id = (*stories)[i].id;
      query.rule_id = *rule;
      query.limit = 1;
      auto mention = store.Mentions(query);
      if (!mention.ok()) return mention.status();
      if (!mention->empty()) matched.push_back(std::move((*stories)[i]));
    }
    examined = stories->size();
    if (matched.size() >= limit || stories->size() < batch) return matched;
    if (batch >= kMaxStoriesExamined) {
      std::cerr << "stopped after the newest " << examined
                << " stories; use --since to look further back\n";
      return matched;
    }
  }
}

// --follow and the options only it takes; a check CLI11 cannot express.
Status CheckFollowOptions(const MentionsOptions& o) {
  if (!o.follow) {
    if (o.after || !o.cursor_file.empty() || o.poll_seconds) {
      return Status::InvalidArgument("--after, --cursor-file and --poll go with --follow");
    }
    return Status::Ok();
  }
  if (o.format != "json") {
    return Status::InvalidArgument("--follow writes JSON Lines: give --format json");
  }
  if (!o.by.empty() && o.by != "rule") {
    return Status::InvalidArgument("--follow streams one mention per line: it takes no --by " +
                                   o.by);
  }
  if (o.only_new || o.before != 0 || !o.until.empty()) {
    return Status::InvalidArgument(
        "--follow streams from a cursor on: it does not go with --new, --before or --until");
  }
  return Status::Ok();
}

}  // namespace

int MentionsCommand(const MentionsOptions& options) {
  storage::MentionQuery query;
  int64_t now = base::NowMicros();
  if (!options.since.empty()) {
    auto since = ParseTimeBound("--since", options.since, now);
    if (!since.ok()) return UsageFail(since.status().message());
    query.since_us = *since;
  }
  if (!options.until.empty()) {
    auto until = ParseTimeBound("--until", options.until, now);
    if (!until.ok()) return UsageFail(until.status().message());
    query.until_us = *until;
  }
  query.rule_id = options.rule;
  query.lang = options.lang;
  query.site_id = options.site;
  query.story_id = options.story;
  query.limit = options.limit;

  const std::string user = options.user.empty() ? DefaultUser() : options.user;
  if (options.only_new) {
    if (Status s = storage::ReadCursors::ValidateUser(user); !s.ok()) return UsageFail(s.message());
  } else if (!options.user.empty()) {
    return UsageFail("--user only goes with --new");
  }

  if (options.only_new && options.before != 0) {
    return UsageFail("--before pages through a listing; it does not go with --new");
  }
  if (Status s = CheckFollowOptions(options); !s.ok()) return UsageFail(s.message());
  // Articles unless asked otherwise; a stream and a feed stay one entry per mention.
  const MentionGrouping grouping =
      ParseMentionGrouping(options.by.empty()
                               ? (options.follow || options.format == "atom" ? "rule" : "article")
                               : options.by)
          .value_or(MentionGrouping::kArticle);
  if (grouping != MentionGrouping::kRule && options.format == "atom") {
    return UsageFail("--format atom lists one entry per mention: it takes no --by " + options.by);
  }
  if (options.follow) PrepareStreamSignals();  // before RocksDB starts its threads

  auto store = OpenForQuery(options.data_dir, options.config_path);
  if (!store.ok()) return Fail(store.status());
  auto unknown =
      UnknownIdMessage(options.config_path, (*store)->reader(), options.rule, options.site);
  if (!unknown.ok()) return Fail(unknown.status());
  if (!unknown->empty()) return UsageFail(*unknown);

  if (options.follow) {
    MentionStreamOptions stream;
    stream.query = query;
    stream.after = options.after;
    stream.cursor_file = options.cursor_file;
    stream.poll =
        std::chrono::milliseconds(static_cast<int64_t>(options.poll_seconds.value_or(1.0) * 1000));
    return FollowMentions(**store, stream, STDOUT_FILENO);
  }

  std::vector<storage::Mention> mentions;
  std::vector<MentionGroup> groups;     // grouping != kRule; `mentions` then holds their heads
  std::optional<uint64_t> next_before;  // set when older mentions than those listed match
  bool walk_bound = false;              // a group page ended at its read bound (mention_groups.h)
  uint64_t advance_to = 0;
  std::optional<storage::ReadCursors> cursors;
  if (options.only_new) {
    cursors.emplace((*store)->dir());
    auto cursor = cursors->Get(user, CursorFilter(options));
    if (!cursor.ok()) return Fail(cursor.status());
    auto fresh = (*store)->reader().MentionsAfter(*cursor, query);
    if (!fresh.ok()) return Fail(fresh.status());
    mentions = std::move(fresh->mentions);
    std::reverse(mentions.begin(), mentions.end());  // newest first, like every listing
    advance_to = fresh->examined_through;
    if (mentions.size() == query.limit) {
      std::cerr << "more new mentions than --limit " << query.limit
                << ": the oldest are listed; run again for the rest\n";
    }
  } else {
    MentionRequest request;
    request.query = query;
    request.limit = options.limit;
    if (options.before != 0) request.before = options.before;
    if (grouping != MentionGrouping::kRule) {
      auto page = QueryMentionGroups((*store)->reader(), request, grouping);
      if (!page.ok()) return Fail(page.status());
      groups = std::move(page->groups);
      next_before = page->next_before;
      walk_bound = page->walk_bound;
    } else {
      auto page =
          QueryMentionPage((*store)->reader(), request);  // reads one more to know if more exist
      if (!page.ok()) return Fail(page.status());
      mentions = std::move(page->mentions);
      next_before = page->next_before;
    }
  }
  if (grouping != MentionGrouping::kRule && options.only_new) {
    groups = GroupMentions(mentions, grouping);
  }
  if (grouping != MentionGrouping::kRule) mentions = GroupHeads(groups);
  auto stories = LoadStoryPlaces((*store)->reader(), mentions);
  if (!stories.ok()) return Fail(stories.status());

  const bool tty = isatty(STDOUT_FILENO);
  if (grouping != MentionGrouping::kRule) {
    if (options.format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const MentionGroup& g : groups)
        out.push_back(MentionGroupToJson(g, grouping, &*stories));
      std::cout << out.dump(2) << "\n";
    } else if (options.format == "csv") {
      if (options.bom) std::cout << "\xEF\xBB\xBF";
      std::cout << FormatMentionGroupCsv(groups, &*stories);
    } else {
      std::cout << FormatMentionGroupTable(groups, grouping, tty ? "\033[1;31m" : "[",
                                           tty ? "\033[0m" : "]", &*stories);
    }
  } else if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const storage::Mention& m : mentions) out.push_back(MentionToJson(m, &*stories));
    std::cout << out.dump(2) << "\n";
  } else if (options.format == "csv") {
    // The UTF-8 byte order mark is how Excel knows the file is UTF-8 (else Cyrillic is garbled);
    // --no-bom for programs that do not expect it.
    if (options.bom) std::cout << "\xEF\xBB\xBF";
    std::cout << FormatMentionCsv(mentions, &*stories);
  } else if (options.format == "atom") {
    std::string feed_id = "tag:kuzet,2026:mentions";
    if (options.only_new) feed_id += ":user=" + user;
    for (const auto& [name, value] : {std::pair<std::string, std::string>{"rule", options.rule},
                                      {"site", options.site},
                                      {"lang", options.lang}}) {
      if (!value.empty()) feed_id += ":" + name + "=" + value;
    }
    if (options.story != 0) feed_id += ":story=" + std::to_string(options.story);
    std::cout << FormatMentionAtom(mentions, feed_id, FeedTitle(options), now, &*stories);
  } else {
    std::cout << FormatMentionTable(mentions, tty ? "\033[1;31m" : "[", tty ? "\033[0m" : "]",
                                    &*stories);
  }
  std::cout.flush();
  if (!std::cout) return Fail(Status::IOError("cannot write the mentions to stdout"));
  // On stderr, so that JSON, CSV and Atom on stdout stay exactly the format.
  if (next_before) {
    const char* what = grouping == MentionGrouping::kRule    ? "mentions"
                       : grouping == MentionGrouping::kStory ? "stories"
                                                             : "articles";
    if (walk_bound) {
      std::cerr << "stopped after reading " << kMaxGroupWalk
                << " mentions beyond those listed; more " << what
                << " may match: the next page is --before " << *next_before << "\n";
    } else {
      std::cerr << "more " << what << " match than --limit " << options.limit
                << ": the next page is --before " << *next_before << "\n";
    }
  }
  // Only once the listing is out does the cursor move: a failed run shows them again.
  if (cursors) {
    if (Status s = cursors->Advance(user, CursorFilter(options), advance_to); !s.ok()) {
      return Fail(s);
    }
  }
  return 0;
}

int DocCommand(const DocOptions& options) {
  auto store = OpenForQuery(options.data_dir, options.config_path);
  if (!store.ok()) return Fail(store.status());
  auto doc = (*store)->reader().GetDocument(options.id);
  if (!doc.ok()) return Fail(doc.status());
  if (!doc->has_value()) {
    return Fail(
        Status::NotFound("no document " + std::to_string(options.id) + " in " + (*store)->dir()));
  }
  auto story = (*store)->reader().StoryMembers((*doc)->story_id, options.members, options.before);
  if (!story.ok()) return Fail(story.status());
  if (options.format == "json") {
    std::cout << DocumentToJson(**doc, *story).dump(2) << "\n";
  } else {
    std::cout << FormatDocumentText(**doc, *story);
  }
  return 0;
}

int StoriesCommand(const StoriesOptions& options) {
  std::optional<int64_t> since;
  if (!options.since.empty()) {
    auto bound = ParseTimeBound("--since", options.since, base::NowMicros());
    if (!bound.ok()) return UsageFail(bound.status().message());
    since = *bound;
  }
  auto store = OpenForQuery(options.data_dir, options.config_path);
  if (!store.ok()) return Fail(store.status());
  auto unknown = UnknownIdMessage(options.config_path, (*store)->reader(), options.rule, "");
  if (!unknown.ok()) return Fail(unknown.status());
  if (!unknown->empty()) return UsageFail(*unknown);
  Result<std::vector<storage::StoryInfo>> stories =
      options.story != 0
          ? OneStory(**store, options.story, options.members, options.before)
          : MatchedStories((*store)->reader(), since, options.limit, options.members,
                           options.all ? std::nullopt : std::optional<std::string>(options.rule));
  if (!stories.ok()) return Fail(stories.status());
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const storage::StoryInfo& story : *stories) out.push_back(StoryToJson(story));
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << FormatStoryTable(*stories);
  }
  return 0;
}

// compact --evidence: [evidence] retention over the store's captures, then the WARC files that no
// kept capture points at and that were last written before the cutoff.
int CompactEvidence(storage::Store& store, const config::Config& config) {
  const std::string dir = config::EvidenceDir(config.settings, config.evidence);
  if (config.evidence.retention.count() == 0) {
    std::cout << "evidence: kept (retention = \"0s\", forever) in " << dir << "\n";
    return 0;
  }
  const int64_t cutoff =
      base::NowMicros() - static_cast<int64_t>(config.evidence.retention.count()) * 1000000;
  auto dropped = store.maintenance().DropEvidenceOlderThan(cutoff);
  if (!dropped.ok()) return Fail(dropped.status());
  namespace fs = std::filesystem;
  const auto cutoff_time = std::chrono::system_clock::time_point(std::chrono::microseconds(cutoff));
  uint64_t files = 0, bytes = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(".warc.gz") || dropped->files_in_use.contains(name)) continue;
    std::error_code stat_error;
    const auto written = it->last_write_time(stat_error);
    if (stat_error || std::chrono::file_clock::to_sys(written) >= cutoff_time) continue;
    const uintmax_t size = it->file_size(stat_error);
    if (!fs::remove(it->path(), stat_error) || stat_error) {
      return Fail(
          Status::IOError("cannot delete " + it->path().string() + ": " + stat_error.message()));
    }
    ++files;
    bytes += size;
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Fail(Status::IOError("cannot list " + dir + ": " + ec.message()));
  }
  std::cout << "evidence: dropped " << dropped->captures_dropped << " of "
            << dropped->captures_examined << " captures fetched before "
            << FormatTimestampUtc(cutoff) << "; deleted " << files << " WARC files (" << bytes
            << " bytes) from " << dir << "\n";
  return 0;
}

int CompactCommand(const CompactOptions& options) {
  auto data_dir = ResolveDataDir(options.data_dir, options.config_path);
  if (!data_dir.ok()) return Fail(data_dir.status());
  std::optional<config::Config> config;
  if (options.evidence) {
    if (options.config_path.empty()) {
      return UsageFail("compact --evidence needs --config: the [evidence] retention and dir");
    }
    auto loaded = config::LoadConfigFile(options.config_path);
    if (!loaded.ok()) return Fail(loaded.status());
    config = std::move(*loaded);
  }
  std::optional<int64_t> cutoff;
  if (!options.drop_text_older_than.empty()) {
    auto age = config::ParseDuration(options.drop_text_older_than);
    if (!age.ok()) return UsageFail("--drop-text-older-than: " + age.status().message());
    cutoff = base::NowMicros() - static_cast<int64_t>(age->count()) * 1000000;
  }
  if (!std::filesystem::exists(std::filesystem::path(*data_dir) / "store" / "CURRENT")) {
    return Fail(Status::NotFound(*data_dir + ": no Kuzet store here"));
  }
  auto store = storage::Store::Open(*data_dir, storage::Store::Mode::kReadWrite);
  if (!store.ok()) {
    if (store.status().code() == Status::Code::kUnavailable) {
      std::cerr << "kuzet compact needs the data dir to itself: stop the daemon (`kuzet run`) or "
                   "the crawl using it, then run compact again.\n";
    }
    return Fail(store.status());
  }
  if (cutoff) {
    auto dropped = (*store)->maintenance().DropTextOlderThan(*cutoff);
    if (!dropped.ok()) return Fail(dropped.status());
    std::cout << "dropped the text of " << dropped->texts_dropped << " of "
              << dropped->documents_examined << " documents last fetched before "
              << FormatTimestampUtc(*cutoff) << "\n";
  } else if (Status s = (*store)->maintenance().Compact(); !s.ok()) {
    return Fail(s);
  }
  if (config) {
    if (int code = CompactEvidence(**store, *config); code != 0) return code;
  }
  std::cout << "compacted " << *data_dir << "\n";
  return 0;
}

int RepairCommand(const RepairOptions& options) {
  auto data_dir = ResolveDataDir(options.data_dir, options.config_path);
  if (!data_dir.ok()) return Fail(data_dir.status());
  auto report = storage::Store::Repair(*data_dir);
  if (!report.ok()) {
    if (report.status().code() == Status::Code::kUnavailable) {
      std::cerr << "kuzet repair needs the data dir to itself: stop the daemon (`kuzet run`) or "
                   "the crawl using it, then run repair again.\n";
    }
    return Fail(report.status());
  }
  if (!report->damaged) {
    std::cout << "the write-ahead logs of " << *data_dir << " are intact: nothing to repair\n";
    return 0;
  }
  const storage::Store::RepairReport& r = *report;
  std::cout << "repaired " << *data_dir << ": the write-ahead log " << r.file
            << " was damaged at byte " << r.offset << " (" << r.reason << ")\n"
            << "dropped: " << r.batches_dropped << " intact write batch(es) after the damage and "
            << r.unreadable_bytes << " unreadable byte(s)\n";
  if (r.mentions_dropped > 0) {
    std::cout << "mentions lost: " << r.mentions_dropped << " (ids " << r.first_mention_id << "-"
              << r.last_mention_id << "); new mentions get ids from " << r.last_mention_id + 1
              << "\n";
  } else {
    std::cout << "mentions lost: none known (mentions in the damaged record itself cannot be "
                 "read)\n";
  }
  std::cout << "documents lost: " << r.documents_dropped
            << " (a lost page is fetched again when a crawl finds its link again)\n"
            << "the damaged logs are kept in " << r.saved_logs_dir << "\n";
  return 0;
}

}  // namespace kuzet::app
