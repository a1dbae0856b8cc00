// Keys and values of every column family, as storage/FORMAT.md lays them out. Internal to storage/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/alert_entry.h"
#include "storage/backfill.h"
#include "storage/evidence.h"
#include "storage/mention.h"
#include "storage/page.h"
#include "storage/watch.h"

namespace kuzet::storage {

// ---- column families ---------------------------------------------------------------------------
inline constexpr const char* kMetaFamily = "meta";
inline constexpr const char* kUrlsFamily = "urls";
inline constexpr const char* kDocsFamily = "docs";
inline constexpr const char* kFingerprintsFamily = "fingerprints";
inline constexpr const char* kMentionsFamily = "mentions";
inline constexpr const char* kMentionsByTimeFamily = "mentions_by_time";
inline constexpr const char* kMentionsByRuleFamily = "mentions_by_rule";
inline constexpr const char* kMentionsBySiteFamily = "mentions_by_site";
inline constexpr const char* kDocRuleFamily = "doc_rule";
inline constexpr const char* kOutboxFamily = "outbox";
inline constexpr const char* kStoriesFamily = "stories";
inline constexpr const char* kAlertsFamily = "alerts";
// The permuted-prefix SimHash tables, one bucket record per (block, block value).
inline constexpr const char* kSimHashFamily = "simhash";
// The evidence archive's captures of each document (evidence.h).
inline constexpr const char* kEvidenceFamily = "evidence";
// The search index (format 4): one posting list per (word key, block of doc ids), posting_list.h.
inline constexpr const char* kSearchFamily = "search";
// The edit watch (watch.h): the re-fetch queue of watched documents, and their versions.
inline constexpr const char* kWatchFamily = "watch";
inline constexpr const char* kVersionsFamily = "versions";

// ---- meta keys ---------------------------------------------------------------------------------
inline constexpr std::string_view kFormatVersionKey = "format_version";   // fixed32 BE
inline constexpr std::string_view kNextDocIdKey = "next_doc_id";          // fixed64 BE
inline constexpr std::string_view kNextMentionIdKey = "next_mention_id";  // fixed64 BE
// Every document with an id <= this has its postings in `search` (FORMAT.md, *search*).
inline constexpr std::string_view kSearchIndexedThroughKey = "search_indexed_through";  // BE64
// A rule's backfill (issue #18): this prefix, then the rule id -> RuleBackfill record.
inline constexpr std::string_view kRuleBackfillPrefix = "backfill/";
std::string RuleBackfillKey(std::string_view rule_id);
// The version of the layout in FORMAT.md. A store with another number is refused (FORMAT.md,
// *Versions*).
inline constexpr uint32_t kFormatVersion = 7;
// Format 6 is format 7 without the word class byte in the search family's keys (issue #18),
// format 5 also without word positions, format 4 also without the search_indexed_through record
// (every document indexed): a read-write open rebuilds the search index and raises the version;
// a read-only one searches them with every word of any class and every position unknown where
// they have none, which is what their entries mean.
inline constexpr uint32_t kFormatVersionWithoutWordClasses = 6;
inline constexpr uint32_t kFormatVersionWithoutPositions = 5;
inline constexpr uint32_t kFormatVersionIndexedThroughAll = 4;
// Format 2 is format 4 without the search family, format 3 with one empty search entry per
// (word key, document): a read-write open (re)builds the index and raises the version
// (FORMAT.md, *Versions*).
inline constexpr uint32_t kFormatVersionWithoutSearch = 2;
inline constexpr uint32_t kFormatVersionPostingPerDocument = 3;

// ---- keys --------------------------------------------------------------------------------------
std::string IdKey(uint64_t id);  // docs, mentions: 8 bytes BE
// Mention indexes: prefix, then found_at and mention id complemented, so newest sorts first.
std::string IndexPrefix(std::string_view rule_or_site_id);  // the id, 0x00
std::string NewestFirstKey(std::string_view prefix, int64_t found_at_us, uint64_t mention_id);
std::string TimeIndexKey(int64_t found_at_us, uint64_t mention_id);  // empty prefix
std::string RuleIndexKey(std::string_view rule_id, int64_t found_at_us, uint64_t mention_id);
std::string SiteIndexKey(std::string_view site_id, int64_t found_at_us, uint64_t mention_id);
// mentions_by_rule also lists each rule's mentions by id (for read cursors): the rule id, 0x01,
// the mention id BE64. Rule ids hold no 0x00 or 0x01 byte, so the two ranges never interleave.
std::string RuleIdIndexPrefix(std::string_view rule_id);
std::string RuleIdIndexKey(std::string_view rule_id, uint64_t mention_id);
// Where the rule or site id of a mentions_by_rule / mentions_by_site key ends: the position of
// its 0x00 or 0x01 tag byte (ids hold neither), or npos when the key has no tag.
size_t IndexIdEnd(std::string_view key);
// The mention id at the end of any of the three index keys (at least 16 bytes).
uint64_t MentionIdOfIndexKey(std::string_view key);
// search: posting_list.h (SearchBlockKey).
std::string DocRulePrefix(uint64_t doc_id);
std::string DocRuleKey(uint64_t doc_id, std::string_view rule_id);
std::string OutboxKey(int64_t due_us, uint64_t mention_id);

// simhash family (format 2): block number (1 byte) + the block's 16 bits BE -> SimHashBucket.
std::string SimHashBucketKey(int block, uint16_t block_value);
// stories family (issue #7): see FORMAT.md.
std::string DocStoryKey(uint64_t doc_id);
std::string StoryMembersPrefix(uint64_t story_id);
std::string StoryMemberKey(uint64_t story_id, uint64_t doc_id);
inline constexpr char kStoryTimeTag = 't';
std::string StoryTimeKey(int64_t created_us, uint64_t story_id);  // 't' + NEWEST(created, id)
std::string StoryCountKey(uint64_t story_id);                     // 'c' + story id BE64
// A story's mentions newest first: 'm' + story id BE64, then NEWEST(found_at, mention id).
std::string StoryMentionPrefix(uint64_t story_id);
std::string StoryMentionKey(uint64_t story_id, int64_t found_at_us, uint64_t mention_id);

// alerts family: 'p' + mention id -> due TIME (where a rescheduled pending entry is in outbox),
// 'f' + mention id -> Alert record (state F), 's' + mention id -> svarint sent_us.
std::string AlertKey(char kind, uint64_t mention_id);

// evidence family: doc id BE64 + TIME(fetched_at) + URL -> EvidenceCapture record.
std::string EvidencePrefix(uint64_t doc_id);
std::string EvidenceKey(uint64_t doc_id, int64_t fetched_at_us, std::string_view url);

// watch family: TIME(due) + doc id BE64 -> WatchEntry record (due first: a scan from the start
// lists what is due, earliest first).
std::string WatchQueueKey(int64_t due_us, uint64_t doc_id);
// versions family: doc id BE64 + version number BE32 -> VersionRecord.
std::string VersionsPrefix(uint64_t doc_id);
std::string VersionKey(uint64_t doc_id, uint32_t number);

// ---- values ------------------------------------------------------------------------------------
// Every record value starts with a record-version byte (1). Decoders return false on truncated
// or malformed input and on a version they do not know; trailing bytes after the known fields are
// ignored, so a later version may append fields.
std::string EncodeUrlState(const UrlState& state);
bool DecodeUrlState(std::string_view in, UrlState& state);

// A Document without its mentions (those live in their own family).
std::string EncodeDocument(const Document& doc);
bool DecodeDocument(std::string_view in, Document& doc);

std::string EncodeMention(const Mention& mention);
bool DecodeMention(std::string_view in, Mention& mention);

// The value of a mentions_by_time / mentions_by_rule entry: the fields queries filter on.
std::string EncodeIndexValue(std::string_view site_id, std::string_view lang);
bool DecodeIndexValue(std::string_view in, std::string& site_id, std::string& lang);
// The same, also giving the bytes after the two fields: in a rule's by-id entry, the Mention
// record itself (so reading what is new for a rule reads no other family).
bool DecodeIndexValue(std::string_view in, std::string& site_id, std::string& lang,
                      std::string_view& rest);

// The value under DocStoryKey: the document's story and the SimHash it is indexed under.
struct DocStory {
  uint64_t story_id = 0;
  std::optional<uint64_t> simhash;  // none for texts too short to have one
};
std::string EncodeDocStory(const DocStory& story);
bool DecodeDocStory(std::string_view in, DocStory& story);

// The value under StoryCountKey, kept in the batch of every page that adds to the story, so a
// query learns a story's size with one read: varint documents, varint places (URLs: each
// document's own and its exact reprints').
struct StoryCount {
  uint64_t documents = 0, places = 0;
};
std::string EncodeStoryCount(const StoryCount& count);
bool DecodeStoryCount(std::string_view in, StoryCount& count);

// A SimHash bucket: every (SimHash, doc id) whose block b has the bucket's 16 bits, in the order
// stored. Record-version byte, then 16 bytes an entry: SimHash BE64, doc id BE64.
struct SimHashEntry {
  uint64_t simhash = 0, doc_id = 0;
  bool operator==(const SimHashEntry&) const = default;
};
std::string EncodeSimHashBucket(const std::vector<SimHashEntry>& entries);
// Whether a bucket record can be read in place (a lookup reads its entries without copying):
// the version byte, then whole entries.
bool IsWellFormedSimHashBucket(std::string_view in);
inline constexpr size_t kSimHashEntrySize = 16;
inline constexpr size_t kSimHashBucketHeader = 1;  // the record-version byte
bool DecodeSimHashBucket(std::string_view in, std::vector<SimHashEntry>& entries);

// The RuleBackfill record (rule_id is the key's, not the value's).
std::string EncodeRuleBackfill(const RuleBackfill& backfill);
bool DecodeRuleBackfill(std::string_view in, RuleBackfill& backfill);
std::string EncodeEvidenceCapture(const EvidenceCapture& capture);
bool DecodeEvidenceCapture(std::string_view in, EvidenceCapture& capture);

std::string EncodeWatchEntry(const WatchEntry& entry);
bool DecodeWatchEntry(std::string_view in, WatchEntry& entry);
std::string EncodeVersionRecord(const VersionRecord& version);
bool DecodeVersionRecord(std::string_view in, VersionRecord& version);

std::string EncodeOutboxValue(const OutboxEntry& entry);
bool DecodeOutboxValue(std::string_view in, OutboxEntry& entry);

}  // namespace kuzet::storage
