// The alerts of a change of a watched document (issue #20 item 3), built for the delivery worker
// from the store's versions: what changed (watch::ChangeHeadline), and for each rule the change
// concerns its own alert with the before/after excerpt of its first watched name removed or added
// (watch::ExcerptNameChange), found where the matcher finds the name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alert/alert.h"
#include "config/config.h"
#include "extractor/keywords/matcher.h"
#include "storage/mention.h"
#include "storage/watch.h"

namespace kuzet::app {

// The rules a change concerns, each once: the rules of the names removed and added; for gone,
// redirected away and replaced every rule the document matched in a version before
// (`matched_before`: their names), so a deletion after a name's removal still reaches that
// name's rule; for any other change also the rules of `matched_before` listed in
// `alert_cosmetic` (they asked for every change). Empty when the document never carried a name.
std::vector<std::string> ChangeRules(const storage::VersionRecord& version,
                                     const std::vector<storage::VersionName>& matched_before,
                                     const std::vector<std::string>& alert_cosmetic);

// The alerts of the change `alert_id` (storage::ChangeAlertId), one per rule of ChangeRules (one
// with rule_id "" when there is none: the worker's fallback route), all with the id
// "change.{doc}.{version}" and the fetch's time as found_at. Each has the names of its rule only,
// the headline of those names (ChangeHeadline) and the excerpt of its rule's first name removed
// (else added). The name's place is the first hit of that rule and term by `matcher`'s FindAll
// over the text that has it, the same pass that produced the mention, so an inflected or
// other-script form ("в Жанаозене", "Zhanaozen" for Жаңаөзен) is found and marked; without a
// matcher or a hit (a rule edited since), the term's first occurrence as bytes; else no excerpt.
// `versions` are the document's versions numbered up to it at least, oldest first; `document`
// is the watched document (may be null); `matcher` may be null. Empty when the version is not
// among `versions`.
std::vector<alert::Alert> ChangeAlertsFromVersions(
    uint64_t alert_id, const std::vector<storage::StoredVersion>& versions,
    const storage::Document* document, const config::Config& config,
    const keywords::Matcher* matcher);

}  // namespace kuzet::app
