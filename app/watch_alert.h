// The alert of a change of a watched document (issue #20 item 3), built for the delivery worker
// from the store's versions: what changed (watch::ChangeHeadline), the before/after excerpt of
// the first watched name removed or added (watch::ExcerptNameChange), the rule it goes to.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "alert/alert.h"
#include "config/config.h"
#include "storage/mention.h"
#include "storage/watch.h"

namespace kuzet::app {

// The alert of the change `alert_id` (storage::ChangeAlertId): `versions` are the document's
// versions numbered up to it at least, oldest first; `document` is the watched document (may be
// null). nullopt when the version is not among `versions`. The rule is that of the first name
// removed, else added, else the first name the version before carried (rule_id "" when none:
// the worker's fallback route). The alert's id is "change.{doc}.{version}"; its found_at is the
// fetch's time.
std::optional<alert::Alert> ChangeAlertFromVersions(
    uint64_t alert_id, const std::vector<storage::StoredVersion>& versions,
    const storage::Document* document, const config::Config& config);

}  // namespace kuzet::app
