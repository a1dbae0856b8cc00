// history DOC (issue #20 item 4): the versions the edit watch stored for a document, and a word
// diff of any two of them (watch/README.md, storage/FORMAT.md `versions`).
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/command_exit.h"
#include "app/commands.h"
#include "app/mention_format.h"
#include "app/query_store.h"
#include "app/version_json.h"
#include "base/escape.h"
#include "base/strings.h"
#include "storage/store.h"
#include "watch/word_diff.h"

namespace kuzet::app {

namespace {

// A schedule has at most 64 steps, each at most one version, and version 0: far below this.
constexpr size_t kMaxVersions = 10000;

std::string Names(const std::vector<storage::VersionName>& names) {
  return base::Join(names, ", ",
                    [](const storage::VersionName& n) { return n.name + " (" + n.rule_id + ")"; });
}

void PrintTable(const std::string& url, const std::vector<storage::StoredVersion>& versions) {
  std::cout << "version  fetched (UTC)         HTTP  digest        change\n";
  for (const storage::StoredVersion& stored : versions) {
    const storage::VersionRecord& v = stored.version;
    std::string line = std::to_string(stored.number);
    line.resize(std::max<size_t>(line.size() + 1, 9), ' ');
    line += FormatTimestampUtc(v.fetched_at_us) + "  ";
    std::string status = v.http_status == 0 ? "-" : std::to_string(v.http_status);
    status.resize(std::max<size_t>(status.size() + 1, 6), ' ');
    line += status;
    std::string digest = v.digest.empty() ? "-" : v.digest.substr(0, 12);
    digest.resize(std::max<size_t>(digest.size() + 1, 14), ' ');
    line += digest + base::Join(v.kinds, ", ");
    if (!v.names_removed.empty()) line += "; removed: " + Names(v.names_removed);
    if (!v.names_added.empty()) line += "; added: " + Names(v.names_added);
    if (!v.final_url.empty() && v.final_url != url) line += "; landed on " + v.final_url;
    if (v.evidence_fetched_at_us != 0) line += "; archived";
    std::cout << base::TerminalText(line) << "\n";
  }
}

// The text of version `number`: its own, or for a version that kept the text before it
// (unchanged, cosmetic without a new text, a failed fetch) the last one stored at or before
// it; gone, redirected away and replaced versions without a text read as empty.
Result<std::string> TextOf(const std::vector<storage::StoredVersion>& versions, uint32_t number) {
  const storage::StoredVersion* found = nullptr;
  for (const storage::StoredVersion& v : versions) {
    if (v.number == number) found = &v;
  }
  if (found == nullptr) {
    return Status::NotFound("no version " + std::to_string(number) + " (versions 0 to " +
                            std::to_string(versions.empty() ? 0 : versions.back().number) + ")");
  }
  for (const std::string& kind : found->version.kinds) {
    if (kind == "gone" || kind == "redirected_away" || kind == "replaced") {
      if (!found->version.has_text) return std::string();
    }
  }
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->number <= number && it->version.has_text) {
      return it->version.text;  // the matchable text: the title is its first paragraph
    }
  }
  return std::string();
}

}  // namespace

int HistoryCommand(const HistoryOptions& options) {
  if (options.data_dir.empty() && options.config_path.empty()) {
    return Fail("kuzet: give --config FILE or --data-dir DIR");
  }
  auto store = OpenForQuery(options.data_dir, options.config_path);
  if (!store.ok()) return Fail(store.status());
  auto doc = (*store)->reader().GetDocument(options.id);
  if (!doc.ok()) return Fail(doc.status().message());
  if (!doc->has_value()) {
    return Fail("no document " + std::to_string(options.id) + " in " + (*store)->dir());
  }
  auto versions = (*store)->reader().Versions(options.id, kMaxVersions);
  if (!versions.ok()) return Fail(versions.status().message());
  if (versions->empty()) {
    return Fail("document " + std::to_string(options.id) +
                " is not watched: only documents whose first mention was stored while [watch] "
                "was enabled have versions");
  }
  if (options.diff.size() == 2) {
    auto a = TextOf(*versions, options.diff[0]);
    if (!a.ok()) return Fail("--diff: " + a.status().message());
    auto b = TextOf(*versions, options.diff[1]);
    if (!b.ok()) return Fail("--diff: " + b.status().message());
    const watch::WordDiffResult diff = watch::WordDiff(*a, *b);
    if (options.format == "json") {
      nlohmann::json edits = nlohmann::json::array();
      for (const watch::WordEdit& e : diff.edits) {
        const char* kind = e.kind == watch::EditKind::kEqual    ? "equal"
                           : e.kind == watch::EditKind::kDelete ? "removed"
                                                                : "added";
        edits.push_back({{"kind", kind}, {"text", std::string(e.text)}});
      }
      nlohmann::json out = {{"doc_id", options.id},
                            {"from", options.diff[0]},
                            {"to", options.diff[1]},
                            {"coarse", diff.coarse},
                            {"edits", edits}};
      std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      std::cout << base::TerminalText(watch::FormatWordDiff(diff), /*keep_line_breaks=*/true)
                << "\n";
    }
    return 0;
  }
  if (options.format == "json") {
    auto captures = (*store)->reader().Evidence(options.id);
    if (!captures.ok()) return Fail(captures.status().message());
    std::cout << HistoryToJson(**doc, *versions, *captures)
                     .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
    return 0;
  }
  std::cout << base::TerminalText("document " + std::to_string(options.id) + ": " + (*doc)->url)
            << "\n";
  PrintTable((*doc)->url, *versions);
  return 0;
}

}  // namespace kuzet::app
