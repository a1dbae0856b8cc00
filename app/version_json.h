// The edit watch's versions and evidence captures of a document as JSON, for `kuzet history
// --format json` and GET /api/documents/<id>/history (app/README.md).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "storage/evidence.h"
#include "storage/mention.h"
#include "storage/watch.h"

namespace kuzet::app {

// version, fetched_at, http_status, final_url, digest, kinds, paragraphs {removed, added,
// modified}, names, names_removed, names_added ({rule, name}), has_text, evidence (and
// evidence_fetched_at when archived, text_doc_id when set).
nlohmann::json VersionToJson(const storage::StoredVersion& version);

// A capture of the evidence archive: fetched_at, url, kind ("response" or "revisit"),
// payload_digest, records [{file, offset, length}].
nlohmann::json CaptureToJson(const storage::EvidenceCapture& capture);

// {doc_id, url, versions: [...], evidence: [...]}: the document's timeline.
nlohmann::json HistoryToJson(const storage::Document& doc,
                             const std::vector<storage::StoredVersion>& versions,
                             const std::vector<storage::EvidenceCapture>& captures);

}  // namespace kuzet::app
