#include "app/version_json.h"

#include "app/mention_format.h"

namespace kuzet::app {

namespace {

nlohmann::json NamesToJson(const std::vector<storage::VersionName>& names) {
  nlohmann::json out = nlohmann::json::array();
  for (const storage::VersionName& n : names)
    out.push_back({{"rule", n.rule_id}, {"name", n.name}});
  return out;
}

}  // namespace

nlohmann::json VersionToJson(const storage::StoredVersion& stored) {
  const storage::VersionRecord& v = stored.version;
  nlohmann::json modified = nlohmann::json::array();
  for (const auto& [old_index, new_index] : v.paragraphs_modified) {
    modified.push_back({old_index, new_index});
  }
  nlohmann::json out = {
      {"version", stored.number},
      {"fetched_at", FormatTimestampUtc(v.fetched_at_us)},
      {"http_status", v.http_status},
      {"final_url", v.final_url},
      {"digest", v.digest},
      {"kinds", v.kinds},
      {"paragraphs",
       {{"removed", v.paragraphs_removed}, {"added", v.paragraphs_added}, {"modified", modified}}},
      {"names", NamesToJson(v.names)},
      {"names_removed", NamesToJson(v.names_removed)},
      {"names_added", NamesToJson(v.names_added)},
      {"has_text", v.has_text},
      {"evidence", v.evidence_fetched_at_us != 0},
  };
  if (v.evidence_fetched_at_us != 0) {
    out["evidence_fetched_at"] = FormatTimestampUtc(v.evidence_fetched_at_us);
  }
  if (v.text_doc_id != 0) out["text_doc_id"] = v.text_doc_id;
  return out;
}

nlohmann::json CaptureToJson(const storage::EvidenceCapture& capture) {
  nlohmann::json records = nlohmann::json::array();
  for (const storage::EvidenceLocation& r : capture.records) {
    records.push_back({{"file", r.file}, {"offset", r.offset}, {"length", r.length}});
  }
  return {{"fetched_at", FormatTimestampUtc(capture.fetched_at_us)},
          {"url", capture.url},
          {"kind", capture.revisit ? "revisit" : "response"},
          {"payload_digest", capture.payload_digest},
          {"records", records}};
}

nlohmann::json HistoryToJson(const storage::Document& doc,
                             const std::vector<storage::StoredVersion>& versions,
                             const std::vector<storage::EvidenceCapture>& captures) {
  nlohmann::json out = {{"doc_id", doc.id}, {"url", doc.url}};
  nlohmann::json list = nlohmann::json::array();
  for (const storage::StoredVersion& v : versions) list.push_back(VersionToJson(v));
  out["versions"] = list;
  nlohmann::json evidence = nlohmann::json::array();
  for (const storage::EvidenceCapture& c : captures) evidence.push_back(CaptureToJson(c));
  out["evidence"] = evidence;
  return out;
}

}  // namespace kuzet::app
