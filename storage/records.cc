#include "storage/records.h"

#include "storage/encoding.h"
#include "storage/simhash.h"

namespace kuzet::storage {

namespace {

constexpr uint8_t kRecordVersion = 1;
// The Mention record's appended flags (FORMAT.md).
constexpr uint64_t kMentionBackfilled = 1;

bool GetVersion(Reader& r) {
  uint8_t version;
  return r.GetByte(version) && version == kRecordVersion;
}

bool GetInt(Reader& r, int& v) {
  int64_t wide;
  if (!r.GetVarsint64(wide) || wide < INT32_MIN || wide > INT32_MAX) return false;
  v = static_cast<int>(wide);
  return true;
}

}  // namespace

std::string IdKey(uint64_t id) {
  std::string key;
  PutFixed64BE(key, id);
  return key;
}

std::string RuleBackfillKey(std::string_view rule_id) {
  std::string key(kRuleBackfillPrefix);
  key.append(rule_id);
  return key;
}

std::string IndexPrefix(std::string_view rule_or_site_id) {
  std::string key(rule_or_site_id);
  key.push_back('\0');
  return key;
}

std::string NewestFirstKey(std::string_view prefix, int64_t found_at_us, uint64_t mention_id) {
  std::string key(prefix);
  PutNewestFirstTimeBE(key, found_at_us);
  PutNewestFirstIdBE(key, mention_id);
  return key;
}

std::string TimeIndexKey(int64_t found_at_us, uint64_t mention_id) {
  return NewestFirstKey("", found_at_us, mention_id);
}

std::string RuleIndexKey(std::string_view rule_id, int64_t found_at_us, uint64_t mention_id) {
  return NewestFirstKey(IndexPrefix(rule_id), found_at_us, mention_id);
}

std::string SiteIndexKey(std::string_view site_id, int64_t found_at_us, uint64_t mention_id) {
  return NewestFirstKey(IndexPrefix(site_id), found_at_us, mention_id);
}

uint64_t MentionIdOfIndexKey(std::string_view key) {
  return ~DecodeFixed64BE(key.substr(key.size() - 8));
}

size_t IndexIdEnd(std::string_view key) { return key.find_first_of(std::string_view("\0\x01", 2)); }

std::string RuleIdIndexPrefix(std::string_view rule_id) {
  std::string key(rule_id);
  key.push_back('\x01');
  return key;
}

std::string RuleIdIndexKey(std::string_view rule_id, uint64_t mention_id) {
  std::string key = RuleIdIndexPrefix(rule_id);
  PutFixed64BE(key, mention_id);
  return key;
}

std::string DocRulePrefix(uint64_t doc_id) { return IdKey(doc_id); }

std::string DocRuleKey(uint64_t doc_id, std::string_view rule_id) {
  std::string key = IdKey(doc_id);
  key.append(rule_id);
  return key;
}

std::string EvidencePrefix(uint64_t doc_id) { return IdKey(doc_id); }

std::string EvidenceKey(uint64_t doc_id, int64_t fetched_at_us, std::string_view url) {
  std::string key = IdKey(doc_id);
  PutTimeBE(key, fetched_at_us);
  key.append(url);
  return key;
}

std::string WatchQueueKey(int64_t due_us, uint64_t doc_id) {
  std::string key;
  PutTimeBE(key, due_us);
  PutFixed64BE(key, doc_id);
  return key;
}

std::string VersionsPrefix(uint64_t doc_id) { return IdKey(doc_id); }

std::string VersionKey(uint64_t doc_id, uint32_t number) {
  std::string key = IdKey(doc_id);
  PutFixed32BE(key, number);
  return key;
}

std::string OutboxKey(int64_t due_us, uint64_t mention_id) {
  std::string key;
  PutTimeBE(key, due_us);
  PutFixed64BE(key, mention_id);
  return key;
}

std::string SimHashBucketKey(int block, uint16_t block_value) {
  std::string key;
  key.push_back(static_cast<char>(block));
  key.push_back(static_cast<char>(block_value >> 8));
  key.push_back(static_cast<char>(block_value & 0xff));
  return key;
}

std::string EncodeSimHashBucket(const std::vector<SimHashEntry>& entries) {
  std::string out(1, static_cast<char>(kRecordVersion));
  out.reserve(1 + 16 * entries.size());
  for (const SimHashEntry& e : entries) {
    PutFixed64BE(out, e.simhash);
    PutFixed64BE(out, e.doc_id);
  }
  return out;
}

bool IsWellFormedSimHashBucket(std::string_view in) {
  return !in.empty() && static_cast<uint8_t>(in[0]) == kRecordVersion &&
         (in.size() - kSimHashBucketHeader) % kSimHashEntrySize == 0;
}

bool DecodeSimHashBucket(std::string_view in, std::vector<SimHashEntry>& entries) {
  Reader r(in);
  entries.clear();
  if (!GetVersion(r) || r.rest().size() % 16 != 0) return false;
  entries.resize(r.rest().size() / 16);
  for (SimHashEntry& e : entries) {
    if (!r.GetFixed64BE(e.simhash) || !r.GetFixed64BE(e.doc_id)) return false;
  }
  return true;
}

std::string DocStoryKey(uint64_t doc_id) {
  std::string key = "d";
  PutFixed64BE(key, doc_id);
  return key;
}

std::string StoryMembersPrefix(uint64_t story_id) {
  std::string key = "s";
  PutFixed64BE(key, story_id);
  return key;
}

std::string StoryMemberKey(uint64_t story_id, uint64_t doc_id) {
  return StoryMembersPrefix(story_id) + IdKey(doc_id);
}

std::string StoryTimeKey(int64_t created_us, uint64_t story_id) {
  std::string key(1, kStoryTimeTag);
  PutNewestFirstTimeBE(key, created_us);
  PutNewestFirstIdBE(key, story_id);
  return key;
}

std::string StoryMentionPrefix(uint64_t story_id) {
  std::string key = "m";
  PutFixed64BE(key, story_id);
  return key;
}

std::string StoryMentionKey(uint64_t story_id, int64_t found_at_us, uint64_t mention_id) {
  return NewestFirstKey(StoryMentionPrefix(story_id), found_at_us, mention_id);
}

std::string StoryCountKey(uint64_t story_id) {
  std::string key = "c";
  PutFixed64BE(key, story_id);
  return key;
}

std::string AlertKey(char kind, uint64_t mention_id) {
  std::string key(1, kind);
  PutFixed64BE(key, mention_id);
  return key;
}

std::string EncodeDocStory(const DocStory& story) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutVarint64(out, story.story_id);
  out.push_back(story.simhash ? 1 : 0);
  if (story.simhash) PutFixed64BE(out, *story.simhash);
  return out;
}

bool DecodeDocStory(std::string_view in, DocStory& story) {
  Reader r(in);
  uint8_t has_simhash;
  if (!GetVersion(r) || !r.GetVarint64(story.story_id) || !r.GetByte(has_simhash)) return false;
  story.simhash.reset();
  if (has_simhash == 0) return true;
  uint64_t simhash;
  if (has_simhash != 1 || !r.GetFixed64BE(simhash)) return false;
  story.simhash = simhash;
  return true;
}

std::string EncodeStoryCount(const StoryCount& count) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutVarint64(out, count.documents);
  PutVarint64(out, count.places);
  return out;
}

bool DecodeStoryCount(std::string_view in, StoryCount& count) {
  Reader r(in);
  return GetVersion(r) && r.GetVarint64(count.documents) && r.GetVarint64(count.places);
}

std::string EncodeUrlState(const UrlState& s) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutVarsint64(out, s.last_fetch_us);
  PutVarsint64(out, s.http_status);
  PutLengthPrefixed(out, s.etag);
  PutLengthPrefixed(out, s.last_modified);
  PutVarint64(out, s.doc_id);
  PutLengthPrefixed(out, s.content_hash);
  return out;
}

bool DecodeUrlState(std::string_view in, UrlState& s) {
  Reader r(in);
  return GetVersion(r) && r.GetVarsint64(s.last_fetch_us) && GetInt(r, s.http_status) &&
         r.GetLengthPrefixed(s.etag) && r.GetLengthPrefixed(s.last_modified) &&
         r.GetVarint64(s.doc_id) && r.GetLengthPrefixed(s.content_hash);
}

std::string EncodeDocument(const Document& d) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutVarint64(out, d.id);
  for (const std::string* field : {&d.site_id, &d.url, &d.final_url, &d.title, &d.text, &d.lang,
                                   &d.charset, &d.author, &d.published, &d.canonical_url}) {
    PutLengthPrefixed(out, *field);
  }
  PutVarsint64(out, d.fetched_at_us);
  PutVarsint64(out, d.http_status);
  PutLengthPrefixed(out, d.etag);
  PutLengthPrefixed(out, d.last_modified);
  PutVarsint64(out, d.first_seen_us);
  PutLengthPrefixed(out, d.content_hash);
  PutVarint64(out, d.duplicate_urls.size());
  for (const std::string& url : d.duplicate_urls) PutLengthPrefixed(out, url);
  // Appended (FORMAT.md): the site of each duplicate URL.
  PutVarint64(out, d.duplicate_urls.size());
  for (size_t i = 0; i < d.duplicate_urls.size(); ++i) {
    PutLengthPrefixed(out, i < d.duplicate_site_ids.size() ? d.duplicate_site_ids[i] : "");
  }
  // Appended (FORMAT.md), and only when there are any: a record without them is byte for byte
  // what it was before the field.
  if (!d.token_checkpoints.empty()) {
    PutVarint64(out, d.token_checkpoints.size());
    keywords::TokenCheckpoint previous;
    for (const keywords::TokenCheckpoint& c : d.token_checkpoints) {
      PutVarint64(out, c.token - previous.token);
      PutVarint64(out, c.byte - previous.byte);
      previous = c;
    }
  }
  return out;
}

bool DecodeDocument(std::string_view in, Document& d) {
  Reader r(in);
  if (!GetVersion(r) || !r.GetVarint64(d.id)) return false;
  for (std::string* field : {&d.site_id, &d.url, &d.final_url, &d.title, &d.text, &d.lang,
                             &d.charset, &d.author, &d.published, &d.canonical_url}) {
    if (!r.GetLengthPrefixed(*field)) return false;
  }
  uint64_t count;
  if (!(r.GetVarsint64(d.fetched_at_us) && GetInt(r, d.http_status) &&
        r.GetLengthPrefixed(d.etag) && r.GetLengthPrefixed(d.last_modified) &&
        r.GetVarsint64(d.first_seen_us) && r.GetLengthPrefixed(d.content_hash) &&
        r.GetVarint64(count))) {
    return false;
  }
  if (count > r.rest().size()) return false;  // each URL takes at least one byte
  d.duplicate_urls.resize(count);
  for (std::string& url : d.duplicate_urls) {
    if (!r.GetLengthPrefixed(url)) return false;
  }
  // Records written before duplicate_site_ids was appended know no sites: "" each.
  d.duplicate_site_ids.assign(count, "");
  if (r.empty()) return true;
  uint64_t sites;
  if (!r.GetVarint64(sites) || sites != count) return false;
  for (std::string& site : d.duplicate_site_ids) {
    if (!r.GetLengthPrefixed(site)) return false;
  }
  d.token_checkpoints.clear();
  if (r.empty()) return true;
  uint64_t checkpoints;
  if (!r.GetVarint64(checkpoints) || checkpoints > r.rest().size() / 2) return false;
  d.token_checkpoints.resize(checkpoints);
  uint64_t token = 0, byte = 0;
  for (keywords::TokenCheckpoint& c : d.token_checkpoints) {
    uint64_t token_delta, byte_delta;
    if (!r.GetVarint64(token_delta) || !r.GetVarint64(byte_delta)) return false;
    // Ascending, inside the text, after its start.
    if (token_delta == 0 || byte_delta == 0 || token_delta > UINT32_MAX ||
        byte_delta > d.text.size() - byte) {
      return false;
    }
    token += token_delta;
    byte += byte_delta;
    if (token > UINT32_MAX || byte > UINT32_MAX) return false;
    c = keywords::TokenCheckpoint{static_cast<uint32_t>(token), static_cast<uint32_t>(byte)};
  }
  return true;
}

std::string EncodeMention(const Mention& m) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutVarint64(out, m.id);
  PutVarint64(out, m.doc_id);
  for (const std::string* field : {&m.rule_id, &m.site_id, &m.url, &m.title, &m.lang, &m.snippet}) {
    PutLengthPrefixed(out, *field);
  }
  PutVarint64(out, m.snippet_mark_begin);
  PutVarint64(out, m.snippet_mark_end);
  PutVarsint64(out, m.found_at_us);
  PutVarint64(out, m.hits.size());
  for (const MatchHit& h : m.hits) {
    PutLengthPrefixed(out, h.term);
    PutLengthPrefixed(out, h.surface);
    PutVarint64(out, h.begin);
    PutVarint64(out, h.end);
  }
  PutVarint64(out, m.story_id);  // appended (FORMAT.md)
  // Appended, and only when set: a crawled mention's record is what it was before backfills.
  if (m.backfilled) PutVarint64(out, kMentionBackfilled);
  return out;
}

bool DecodeMention(std::string_view in, Mention& m) {
  Reader r(in);
  if (!GetVersion(r) || !r.GetVarint64(m.id) || !r.GetVarint64(m.doc_id)) return false;
  for (std::string* field : {&m.rule_id, &m.site_id, &m.url, &m.title, &m.lang, &m.snippet}) {
    if (!r.GetLengthPrefixed(*field)) return false;
  }
  uint64_t count;
  if (!(r.GetVarint32(m.snippet_mark_begin) && r.GetVarint32(m.snippet_mark_end) &&
        r.GetVarsint64(m.found_at_us) && r.GetVarint64(count))) {
    return false;
  }
  if (count > r.rest().size()) return false;
  m.hits.resize(count);
  for (MatchHit& h : m.hits) {
    if (!(r.GetLengthPrefixed(h.term) && r.GetLengthPrefixed(h.surface) && r.GetVarint32(h.begin) &&
          r.GetVarint32(h.end))) {
      return false;
    }
  }
  m.story_id = 0;
  if (!r.empty() && !r.GetVarint64(m.story_id)) return false;
  uint64_t flags = 0;
  if (!r.empty() && !r.GetVarint64(flags)) return false;
  m.backfilled = (flags & kMentionBackfilled) != 0;
  return true;
}

std::string EncodeIndexValue(std::string_view site_id, std::string_view lang) {
  std::string out;
  PutLengthPrefixed(out, site_id);
  PutLengthPrefixed(out, lang);
  return out;
}

bool DecodeIndexValue(std::string_view in, std::string& site_id, std::string& lang) {
  Reader r(in);
  return r.GetLengthPrefixed(site_id) && r.GetLengthPrefixed(lang);
}

bool DecodeIndexValue(std::string_view in, std::string& site_id, std::string& lang,
                      std::string_view& rest) {
  Reader r(in);
  if (!r.GetLengthPrefixed(site_id) || !r.GetLengthPrefixed(lang)) return false;
  rest = r.rest();
  return true;
}

std::string EncodeEvidenceCapture(const EvidenceCapture& c) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutLengthPrefixed(out, c.url);
  PutVarsint64(out, c.fetched_at_us);
  out.push_back(c.revisit ? 'V' : 'R');
  PutLengthPrefixed(out, c.payload_record_id);
  PutLengthPrefixed(out, c.payload_uri);
  PutVarsint64(out, c.payload_micros);
  PutLengthPrefixed(out, c.payload_digest);
  PutVarint64(out, c.records.size());
  for (const EvidenceLocation& l : c.records) {
    PutLengthPrefixed(out, l.file);
    PutVarint64(out, l.offset);
    PutVarint64(out, l.length);
  }
  return out;
}

bool DecodeEvidenceCapture(std::string_view in, EvidenceCapture& c) {
  Reader r(in);
  uint8_t kind;
  if (!GetVersion(r) || !r.GetLengthPrefixed(c.url) || !r.GetVarsint64(c.fetched_at_us) ||
      !r.GetByte(kind) || (kind != 'R' && kind != 'V') ||
      !r.GetLengthPrefixed(c.payload_record_id) || !r.GetLengthPrefixed(c.payload_uri) ||
      !r.GetVarsint64(c.payload_micros) || !r.GetLengthPrefixed(c.payload_digest)) {
    return false;
  }
  c.revisit = kind == 'V';
  uint64_t n;
  // Each location takes at least 3 bytes, which bounds n by the record's own length.
  if (!r.GetVarint64(n) || n > r.rest().size() / 3) return false;
  c.records.resize(n);
  for (EvidenceLocation& l : c.records) {
    if (!r.GetLengthPrefixed(l.file) || !r.GetVarint64(l.offset) || !r.GetVarint64(l.length)) {
      return false;
    }
  }
  return true;
}

std::string EncodeWatchEntry(const WatchEntry& e) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutLengthPrefixed(out, e.url);
  PutLengthPrefixed(out, e.site_id);
  PutVarint64(out, e.step);
  PutFixed64BE(out, e.schedule_fingerprint);
  PutVarsint64(out, e.watched_since_us);
  return out;
}

bool DecodeWatchEntry(std::string_view in, WatchEntry& e) {
  Reader r(in);
  return GetVersion(r) && r.GetLengthPrefixed(e.url) && r.GetLengthPrefixed(e.site_id) &&
         r.GetVarint32(e.step) && r.GetFixed64BE(e.schedule_fingerprint) &&
         r.GetVarsint64(e.watched_since_us);
}

namespace {

void PutIndexes(std::string& out, const std::vector<uint32_t>& indexes) {
  PutVarint64(out, indexes.size());
  for (uint32_t i : indexes) PutVarint64(out, i);
}

// Each element takes at least `min_bytes`, which bounds a count by the record's own length.
bool GetCount(Reader& r, size_t min_bytes, uint64_t& n) {
  return r.GetVarint64(n) && n <= r.rest().size() / min_bytes;
}

bool GetIndexes(Reader& r, std::vector<uint32_t>& indexes) {
  uint64_t n;
  if (!GetCount(r, 1, n)) return false;
  indexes.resize(n);
  for (uint32_t& i : indexes) {
    if (!r.GetVarint32(i)) return false;
  }
  return true;
}

void PutNames(std::string& out, const std::vector<VersionName>& names) {
  PutVarint64(out, names.size());
  for (const VersionName& n : names) {
    PutLengthPrefixed(out, n.rule_id);
    PutLengthPrefixed(out, n.name);
  }
}

bool GetNames(Reader& r, std::vector<VersionName>& names) {
  uint64_t n;
  if (!GetCount(r, 2, n)) return false;
  names.resize(n);
  for (VersionName& name : names) {
    if (!r.GetLengthPrefixed(name.rule_id) || !r.GetLengthPrefixed(name.name)) return false;
  }
  return true;
}

}  // namespace

std::string EncodeVersionRecord(const VersionRecord& v) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutVarsint64(out, v.fetched_at_us);
  PutVarsint64(out, v.http_status);
  PutLengthPrefixed(out, v.final_url);
  PutLengthPrefixed(out, v.digest);
  PutVarint64(out, v.kinds.size());
  for (const std::string& kind : v.kinds) PutLengthPrefixed(out, kind);
  PutIndexes(out, v.paragraphs_removed);
  PutIndexes(out, v.paragraphs_added);
  PutVarint64(out, v.paragraphs_modified.size());
  for (const auto& [old_index, new_index] : v.paragraphs_modified) {
    PutVarint64(out, old_index);
    PutVarint64(out, new_index);
  }
  PutNames(out, v.names);
  PutNames(out, v.names_removed);
  PutNames(out, v.names_added);
  PutVarint64(out, v.text_doc_id);
  out.push_back(v.has_text ? 1 : 0);
  if (v.has_text) {
    PutLengthPrefixed(out, v.title);
    PutLengthPrefixed(out, v.text);
  }
  PutVarsint64(out, v.evidence_fetched_at_us);
  return out;
}

bool DecodeVersionRecord(std::string_view in, VersionRecord& v) {
  Reader r(in);
  uint64_t n;
  if (!GetVersion(r) || !r.GetVarsint64(v.fetched_at_us) || !GetInt(r, v.http_status) ||
      !r.GetLengthPrefixed(v.final_url) || !r.GetLengthPrefixed(v.digest) || !GetCount(r, 1, n)) {
    return false;
  }
  v.kinds.resize(n);
  for (std::string& kind : v.kinds) {
    if (!r.GetLengthPrefixed(kind)) return false;
  }
  if (!GetIndexes(r, v.paragraphs_removed) || !GetIndexes(r, v.paragraphs_added) ||
      !GetCount(r, 2, n)) {
    return false;
  }
  v.paragraphs_modified.resize(n);
  for (auto& [old_index, new_index] : v.paragraphs_modified) {
    if (!r.GetVarint32(old_index) || !r.GetVarint32(new_index)) return false;
  }
  uint8_t has_text;
  if (!GetNames(r, v.names) || !GetNames(r, v.names_removed) || !GetNames(r, v.names_added) ||
      !r.GetVarint64(v.text_doc_id) || !r.GetByte(has_text) || has_text > 1) {
    return false;
  }
  v.has_text = has_text == 1;
  if (v.has_text && (!r.GetLengthPrefixed(v.title) || !r.GetLengthPrefixed(v.text))) return false;
  return r.GetVarsint64(v.evidence_fetched_at_us);
}

std::string EncodeOutboxValue(const OutboxEntry& e) {
  std::string out(1, static_cast<char>(kRecordVersion));
  out.push_back(e.state == OutboxEntry::State::kFailed ? 'F' : 'P');
  PutVarint64(out, e.attempts);
  PutLengthPrefixed(out, e.last_error);  // appended (FORMAT.md)
  PutVarsint64(out, e.due_us);
  PutVarint64(out, e.channels.size());  // appended with per-channel delivery (issue #15)
  for (const ChannelDelivery& c : e.channels) {
    PutLengthPrefixed(out, c.channel);
    out.push_back(c.state == ChannelDelivery::State::kSent     ? 'S'
                  : c.state == ChannelDelivery::State::kFailed ? 'F'
                                                               : 'P');
    PutVarint64(out, c.attempts);
    PutLengthPrefixed(out, c.last_error);
    PutVarsint64(out, c.at_us);
  }
  return out;
}

bool DecodeOutboxValue(std::string_view in, OutboxEntry& e) {
  Reader r(in);
  uint8_t state;
  if (!GetVersion(r) || !r.GetByte(state) || (state != 'P' && state != 'F')) return false;
  e.state = state == 'F' ? OutboxEntry::State::kFailed : OutboxEntry::State::kPending;
  if (!r.GetVarint32(e.attempts)) return false;
  e.last_error.clear();
  e.channels.clear();
  if (r.empty()) return true;  // written before last_error and due_us were appended
  int64_t due;
  if (!r.GetLengthPrefixed(e.last_error) || !r.GetVarsint64(due)) return false;
  if (e.state == OutboxEntry::State::kFailed) e.due_us = due;  // in the key when pending
  if (r.empty()) return true;  // written before per-channel delivery: every channel pending
  uint64_t n;
  // Each channel takes at least 5 bytes, which bounds n by the record's own length.
  if (!r.GetVarint64(n) || n > r.rest().size() / 5) return false;
  e.channels.resize(n);
  for (ChannelDelivery& c : e.channels) {
    uint8_t channel_state;
    if (!r.GetLengthPrefixed(c.channel) || !r.GetByte(channel_state) ||
        !r.GetVarint32(c.attempts) || !r.GetLengthPrefixed(c.last_error) ||
        !r.GetVarsint64(c.at_us)) {
      return false;
    }
    switch (channel_state) {
      case 'P':
        c.state = ChannelDelivery::State::kPending;
        break;
      case 'S':
        c.state = ChannelDelivery::State::kSent;
        break;
      case 'F':
        c.state = ChannelDelivery::State::kFailed;
        break;
      default:
        return false;
    }
  }
  return true;
}

std::string EncodeRuleBackfill(const RuleBackfill& b) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutLengthPrefixed(out, b.fingerprint);
  PutVarsint64(out, b.since_us);
  PutVarint64(out, b.first_doc_id);
  PutVarint64(out, b.before_doc_id);
  PutVarint64(out, b.docs_total);
  PutVarint64(out, b.docs_scanned);
  PutVarint64(out, b.found);
  PutVarsint64(out, b.started_us);
  PutVarsint64(out, b.finished_us);
  return out;
}

bool DecodeRuleBackfill(std::string_view in, RuleBackfill& b) {
  Reader r(in);
  return GetVersion(r) && r.GetLengthPrefixed(b.fingerprint) && r.GetVarsint64(b.since_us) &&
         r.GetVarint64(b.first_doc_id) && r.GetVarint64(b.before_doc_id) &&
         r.GetVarint64(b.docs_total) && r.GetVarint64(b.docs_scanned) && r.GetVarint64(b.found) &&
         r.GetVarsint64(b.started_us) && r.GetVarsint64(b.finished_us);
}

}  // namespace kuzet::storage
