#include "storage/mention_reader.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <array>
#include <numeric>

#include "storage/encoding.h"
#include "storage/max_mention_id_property.h"
#include "storage/records.h"
#include "storage/simhash.h"
#include "storage/store_db.h"

namespace kuzet::storage {

namespace {

bool MatchesFilters(const Mention& m, const MentionQuery& q) {
  if (q.since_us && m.found_at_us < *q.since_us) return false;
  if (q.until_us && m.found_at_us >= *q.until_us) return false;
  if (!q.rule_id.empty() && m.rule_id != q.rule_id) return false;
  if (!q.site_id.empty() && m.site_id != q.site_id) return false;
  if (!q.lang.empty() && m.lang != q.lang) return false;
  if (q.story_id != 0 && m.story_id != q.story_id) return false;
  return true;
}

// The queries over the store's database.
class ReaderSteps {
 public:
  explicit ReaderSteps(StoreDb& store) : store_(store) {}

  // The stored document nearest to `simhash` within kMaxNearDuplicateDistance, if any: the
  // lookup alone, reading the buckets in place (no copies).
  Result<std::optional<uint64_t>> FindNearDuplicate(uint64_t simhash) const;
  Result<std::vector<uint64_t>> StoryDocuments(uint64_t story_id) const;
  Result<std::optional<UrlState>> GetUrl(const std::string& url) const;
  Result<std::vector<Mention>> Mentions(const MentionQuery& query) const;
  Result<std::optional<Document>> GetDocument(uint64_t id) const;
  // The records of `ids` (any order), into out[i]; Corruption if one is missing.
  Status ReadMentionRecords(const std::vector<uint64_t>& ids, std::vector<Mention>& out) const;
  Result<std::optional<Mention>> GetMention(uint64_t id) const;
  Result<StoryMembersPage> StoryMembers(uint64_t story_id, size_t limit,
                                        uint64_t before_doc_id) const;
  Result<std::vector<StoryInfo>> Stories(std::optional<int64_t> since_us, size_t limit,
                                         size_t members_per_story) const;
  Result<std::vector<Mention>> StoryMentions(const MentionQuery& query) const;
  Result<MentionsAfterResult> MentionsAfter(uint64_t after_id, const MentionQuery& query) const;
  Result<MentionsAfterResult> RuleMentionsAfter(uint64_t after_id, const MentionQuery& query) const;
  Result<uint64_t> LastMentionId() const;
  Result<MentionReader::DocumentRange> DocumentsSince(int64_t since_us) const;
  Result<DocumentBatch> ScanDocuments(uint64_t first_doc_id, uint64_t before_doc_id,
                                      size_t limit) const;
  Result<std::vector<RuleBackfill>> RuleBackfills(std::string_view rule_id) const;

 private:
  StoreDb& store_;
};

Result<std::optional<uint64_t>> ReaderSteps::FindNearDuplicate(uint64_t simhash) const {
  rocksdb::ColumnFamilyHandle* family = store_.Family(kSimHashFamily);
  std::array<char, 3 * kSimHashBlocks> key_bytes;
  std::array<rocksdb::Slice, kSimHashBlocks> keys;
  for (int block = 0; block < kSimHashBlocks; ++block) {
    const uint16_t bits = SimHashBlock(simhash, block);
    char* key = &key_bytes[3 * block];
    key[0] = static_cast<char>(block);
    key[1] = static_cast<char>(bits >> 8);
    key[2] = static_cast<char>(bits & 0xff);
    keys[block] = rocksdb::Slice(key, 3);
  }
  std::array<rocksdb::PinnableSlice, kSimHashBlocks> values;
  std::array<rocksdb::Status, kSimHashBlocks> statuses;
  store_.db()->MultiGet(rocksdb::ReadOptions(), family, kSimHashBlocks, keys.data(), values.data(),
                        statuses.data(), /*sorted_input=*/true);
  std::optional<uint64_t> best;
  int best_distance = kMaxNearDuplicateDistance + 1;
  for (int block = 0; block < kSimHashBlocks; ++block) {
    if (statuses[block].IsNotFound()) continue;
    if (!statuses[block].ok())
      return store_.Error(statuses[block], "cannot read the SimHash tables");
    std::string_view bucket = values[block].ToStringView();
    if (!IsWellFormedSimHashBucket(bucket)) {
      return store_.Error(Status::Code::kCorruption, "SimHash bucket is malformed");
    }
    for (size_t at = kSimHashBucketHeader; at < bucket.size(); at += kSimHashEntrySize) {
      const int distance = HammingDistance(simhash, DecodeFixed64BE(bucket.substr(at, 8)));
      const uint64_t doc_id = DecodeFixed64BE(bucket.substr(at + 8, 8));
      if (distance < best_distance || (distance == best_distance && best && doc_id < *best)) {
        best = doc_id;
        best_distance = distance;
      }
    }
  }
  return best;
}

Result<std::vector<uint64_t>> ReaderSteps::StoryDocuments(uint64_t story_id) const {
  std::vector<uint64_t> docs;
  const std::string prefix = StoryMembersPrefix(story_id);
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator({}, store_.Family(kStoriesFamily)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != prefix.size() + 8) {
      return store_.Error(Status::Code::kCorruption, "story member key is malformed");
    }
    docs.push_back(DecodeFixed64BE(it->key().ToStringView().substr(prefix.size())));
  }
  if (!it->status().ok())
    return store_.Error(it->status(), "cannot read story " + std::to_string(story_id));
  return docs;
}

Result<std::optional<UrlState>> ReaderSteps::GetUrl(const std::string& url) const {
  auto value = store_.Get(kUrlsFamily, url);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<UrlState>();
  UrlState state;
  if (!DecodeUrlState(**value, state)) {
    return store_.Error(Status::Code::kCorruption, "URL state of " + url + " is malformed");
  }
  return std::optional<UrlState>(std::move(state));
}

Result<std::vector<Mention>> ReaderSteps::Mentions(const MentionQuery& query) const {
  std::vector<Mention> out;
  if (query.limit == 0) return out;
  if (query.since_us && query.until_us && *query.since_us >= *query.until_us) return out;
  if (query.story_id != 0) return StoryMentions(query);

  // Every index key ends in (found_at, mention id) complemented, so a forward scan between two
  // bounds gives newest first. The rule index (or else the site index) narrows by its prefix.
  const char* family = kMentionsByTimeFamily;
  std::string prefix;
  if (!query.rule_id.empty()) {
    family = kMentionsByRuleFamily;
    prefix = IndexPrefix(query.rule_id);
  } else if (!query.site_id.empty()) {
    family = kMentionsBySiteFamily;
    prefix = IndexPrefix(query.site_id);
  }
  auto time_bound = [&prefix](int64_t unix_us) {
    std::string key = prefix;
    PutNewestFirstTimeBE(key, unix_us);
    return key;
  };
  // Newest first: "until" (exclusive) is the lower key bound, "since" (inclusive) the upper.
  if (query.until_us && *query.until_us == INT64_MIN) return out;
  std::string lower = query.until_us ? time_bound(*query.until_us - 1) : prefix;
  std::string upper;
  if (query.since_us && *query.since_us != INT64_MIN) {
    upper = time_bound(*query.since_us - 1);
  } else if (!prefix.empty()) {
    upper = prefix;
    upper.back() = '\x01';  // just past every "id \0 ..." key
  }
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_lower_bound = &lower_slice;
  if (!upper.empty()) options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator(options, store_.Family(family)));

  std::string site_id, lang;
  std::vector<uint64_t> ids;  // newest first
  ids.reserve(std::min<size_t>(query.limit, 1024));
  for (it->Seek(lower); it->Valid() && ids.size() < query.limit; it->Next()) {
    rocksdb::Slice key = it->key();
    if (key.size() != prefix.size() + 16) {
      return store_.Error(Status::Code::kCorruption, "mention index key is malformed");
    }
    // Site and language sit in the index value, so filtering on them reads no mention record.
    if (!DecodeIndexValue(it->value().ToStringView(), site_id, lang)) {
      return store_.Error(Status::Code::kCorruption, "mention index value is malformed");
    }
    if (!query.site_id.empty() && site_id != query.site_id) continue;
    if (!query.lang.empty() && lang != query.lang) continue;
    ids.push_back(MentionIdOfIndexKey(key.ToStringView()));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the mention index");
  if (Status s = ReadMentionRecords(ids, out); !s.ok()) return s;
  return out;
}

Result<std::optional<Document>> ReaderSteps::GetDocument(uint64_t id) const {
  auto doc = store_.LoadDocumentRecord(id);
  if (!doc.ok() || !doc->has_value()) return doc;
  auto story = store_.LoadDocStory(id);
  if (!story.ok()) return story.status();
  (*doc)->story_id = story->has_value() ? (*story)->story_id : id;
  const std::string prefix = DocRulePrefix(id);
  std::string upper = IdKey(id + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  if (id != UINT64_MAX) options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.Family(kDocRuleFamily)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->value().size() != 8) {
      return store_.Error(Status::Code::kCorruption, "doc_rule value is malformed");
    }
    uint64_t mention_id = DecodeFixed64BE(it->value().ToStringView());
    auto mention = store_.LoadMention(mention_id);
    if (!mention.ok()) return mention.status();
    if (!mention->has_value()) {
      return store_.Error(Status::Code::kCorruption, "document " + std::to_string(id) +
                                                         " lists missing mention " +
                                                         std::to_string(mention_id));
    }
    if ((*mention)->story_id == 0) (*mention)->story_id = (*doc)->story_id;
    (*doc)->mentions.push_back(std::move(**mention));
  }
  if (!it->status().ok())
    return store_.Error(it->status(), "cannot read the mentions of a document");
  return doc;
}

Status ReaderSteps::ReadMentionRecords(const std::vector<uint64_t>& ids,
                                       std::vector<Mention>& out) const {
  // In id order through one iterator: the mentions of a time window are mostly consecutive ids,
  // reached with Next() (a step) instead of a fresh search each, which is what MultiGet does.
  std::vector<size_t> order(ids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids[a] < ids[b]; });
  out.resize(ids.size());
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator({}, store_.Family(kMentionsFamily)));
  char key_bytes[8];  // the id's key, built without an allocation per record
  const rocksdb::Slice key(key_bytes, sizeof key_bytes);
  for (size_t i : order) {
    for (int b = 0; b < 8; ++b) key_bytes[b] = static_cast<char>(ids[i] >> (56 - 8 * b));
    // A few Next() steps when the wanted id is just ahead (ids are dense), else a fresh search.
    if (it->Valid() && it->key().size() == 8) {
      uint64_t at = DecodeFixed64BE(it->key().ToStringView());
      if (at < ids[i] && ids[i] - at <= 4) {
        while (it->Valid() && it->key().compare(key) < 0) it->Next();
      }
    }
    if (!it->Valid() || it->key() != key) it->Seek(key);
    if (!it->status().ok()) return store_.Error(it->status(), "cannot read the mentions");
    if (!it->Valid() || it->key() != key) {
      return store_.Error(Status::Code::kCorruption,
                          "mention " + std::to_string(ids[i]) + " is indexed but missing");
    }
    if (!DecodeMention(it->value().ToStringView(), out[i])) {
      return store_.Error(Status::Code::kCorruption,
                          "mention " + std::to_string(ids[i]) + " is malformed");
    }
    if (Status s = store_.FillStory(out[i]); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::optional<Mention>> ReaderSteps::GetMention(uint64_t id) const {
  auto mention = store_.LoadMention(id);
  if (!mention.ok() || !mention->has_value()) return mention;
  if (Status s = store_.FillStory(**mention); !s.ok()) return s;
  return mention;
}

Result<StoryMembersPage> ReaderSteps::StoryMembers(uint64_t story_id, size_t limit,
                                                   uint64_t before_doc_id) const {
  StoryMembersPage page;
  auto count = store_.LoadStoryCount(story_id);
  if (!count.ok()) return count.status();
  page.total_documents = count->documents;
  page.total_places = count->places;
  if (limit == 0) return page;
  // The member keys of the story below before_doc_id, read backwards from the newest: a bounded
  // range scan of at most limit + 1 keys.
  const std::string prefix = StoryMembersPrefix(story_id);
  const std::string upper =
      before_doc_id != 0 ? prefix + IdKey(before_doc_id) : prefix + std::string(9, '\xff');
  rocksdb::Slice lower_slice(prefix), upper_slice(upper);
  rocksdb::ReadOptions options;
  options.total_order_seek = true;
  options.iterate_lower_bound = &lower_slice;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.Family(kStoriesFamily)));
  page.members.reserve(std::min<size_t>(limit, 128));
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    if (it->key().size() != prefix.size() + 8) {
      return store_.Error(Status::Code::kCorruption, "story member key is malformed");
    }
    const uint64_t id = DecodeFixed64BE(it->key().ToStringView().substr(prefix.size()));
    if (page.members.size() == limit) {
      page.next_before = page.members.back().doc_id;  // one more exists
      break;
    }
    auto doc = store_.LoadDocumentRecord(id);
    if (!doc.ok()) return doc.status();
    if (!doc->has_value()) {
      return store_.Error(
          Status::Code::kCorruption,
          "story " + std::to_string(story_id) + " lists missing document " + std::to_string(id));
    }
    Document& d = **doc;
    page.members.push_back(StoryMember{
        d.id, std::move(d.site_id), std::move(d.url), std::move(d.title), std::move(d.lang),
        std::move(d.duplicate_urls), std::move(d.duplicate_site_ids), d.first_seen_us});
  }
  if (!it->status().ok()) {
    return store_.Error(it->status(), "cannot read story " + std::to_string(story_id));
  }
  return page;
}

Result<std::vector<StoryInfo>> ReaderSteps::Stories(std::optional<int64_t> since_us, size_t limit,
                                                    size_t members_per_story) const {
  std::vector<StoryInfo> out;
  if (limit == 0) return out;
  const std::string prefix(1, kStoryTimeTag);
  std::string upper = prefix;
  if (since_us && *since_us != INT64_MIN) {
    PutNewestFirstTimeBE(upper, *since_us - 1);
  } else {
    upper.back() = kStoryTimeTag + 1;
  }
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  options.total_order_seek = true;  // 't' keys span many 4-byte prefixes
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.Family(kStoriesFamily)));
  for (it->Seek(prefix); it->Valid() && out.size() < limit; it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != 17)
      return store_.Error(Status::Code::kCorruption, "story time key is malformed");
    StoryInfo info;
    info.created_us =
        static_cast<int64_t>(~DecodeFixed64BE(key.substr(1, 8)) ^ (uint64_t{1} << 63));
    info.id = ~DecodeFixed64BE(key.substr(9));
    auto members = StoryMembers(info.id, members_per_story, 0);
    if (!members.ok()) return members.status();
    info.members = std::move(members->members);
    info.total_documents = members->total_documents;
    info.total_places = members->total_places;
    info.next_before = members->next_before;
    out.push_back(std::move(info));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the stories");
  return out;
}

Result<std::vector<Mention>> ReaderSteps::StoryMentions(const MentionQuery& query) const {
  // The story's own index, newest first, bounded by the time window like Mentions(); site and
  // language filter on the index value, a rule on the record (a rare rule may walk far).
  const std::string prefix = StoryMentionPrefix(query.story_id);
  std::vector<Mention> out;
  if (query.until_us && *query.until_us == INT64_MIN) return out;
  std::string lower = prefix, upper = prefix;
  if (query.until_us) PutNewestFirstTimeBE(lower, *query.until_us - 1);
  if (query.since_us && *query.since_us != INT64_MIN) {
    PutNewestFirstTimeBE(upper, *query.since_us - 1);
  } else {
    upper += std::string(17, '\xff');  // past every 16-byte suffix
  }
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions options;
  options.total_order_seek = true;
  options.iterate_lower_bound = &lower_slice;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.Family(kStoriesFamily)));
  std::string site_id, lang;
  std::vector<uint64_t> ids;  // newest first
  for (it->Seek(lower); it->Valid() && ids.size() + out.size() < query.limit; it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != prefix.size() + 16 ||
        !DecodeIndexValue(it->value().ToStringView(), site_id, lang)) {
      return store_.Error(Status::Code::kCorruption, "story mention index entry is malformed");
    }
    if (!query.site_id.empty() && site_id != query.site_id) continue;
    if (!query.lang.empty() && lang != query.lang) continue;
    const uint64_t id = MentionIdOfIndexKey(key);
    if (query.rule_id.empty()) {
      ids.push_back(id);
      continue;
    }
    auto mention = store_.LoadMention(id);
    if (!mention.ok()) return mention.status();
    if (!mention->has_value()) {
      return store_.Error(Status::Code::kCorruption,
                          "mention " + std::to_string(id) + " is indexed but missing");
    }
    if ((*mention)->rule_id != query.rule_id) continue;
    if (Status s = store_.FillStory(**mention); !s.ok()) return s;
    out.push_back(std::move(**mention));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the story's mentions");
  if (!query.rule_id.empty()) return out;
  if (Status s = ReadMentionRecords(ids, out); !s.ok()) return s;
  return out;
}

Result<MentionsAfterResult> ReaderSteps::MentionsAfter(uint64_t after_id,
                                                       const MentionQuery& query) const {
  MentionsAfterResult result;
  result.examined_through = after_id;
  if (query.limit == 0 || after_id == UINT64_MAX) return result;
  if (!query.rule_id.empty()) return RuleMentionsAfter(after_id, query);
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator({}, store_.Family(kMentionsFamily)));
  for (it->Seek(IdKey(after_id + 1)); it->Valid() && result.mentions.size() < query.limit;
       it->Next()) {
    Mention m;
    if (it->key().size() != 8 || !DecodeMention(it->value().ToStringView(), m)) {
      return store_.Error(Status::Code::kCorruption, "mention record is malformed");
    }
    if (Status s = store_.FillStory(m); !s.ok()) return s;
    result.examined_through = m.id;
    if (MatchesFilters(m, query)) result.mentions.push_back(std::move(m));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the mentions");
  return result;
}

Result<MentionsAfterResult> ReaderSteps::RuleMentionsAfter(uint64_t after_id,
                                                           const MentionQuery& query) const {
  // The rule's by-id entries from after_id on hold the mention records themselves: one range
  // scan, no other family read.
  MentionsAfterResult result;
  result.examined_through = after_id;
  const std::string prefix = RuleIdIndexPrefix(query.rule_id);
  std::string upper = prefix;
  upper.back() = '\x02';
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  // Files holding only mentions up to after_id (most of them) are not read at all.
  options.table_filter = [after_id](const rocksdb::TableProperties& properties) {
    return TableMayHoldMentionsAfter(properties, after_id);
  };
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.Family(kMentionsByRuleFamily)));
  std::string site_id, lang;
  std::string_view record;
  result.mentions.reserve(std::min<size_t>(query.limit, 128));
  for (it->Seek(prefix + IdKey(after_id + 1)); it->Valid() && result.mentions.size() < query.limit;
       it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.size() != prefix.size() + 8 ||
        !DecodeIndexValue(it->value().ToStringView(), site_id, lang, record)) {
      return store_.Error(Status::Code::kCorruption, "rule index entry is malformed");
    }
    result.examined_through = DecodeFixed64BE(key.substr(prefix.size()));
    if (!query.site_id.empty() && site_id != query.site_id) continue;
    if (!query.lang.empty() && lang != query.lang) continue;
    Mention m;
    if (!DecodeMention(record, m)) {
      return store_.Error(Status::Code::kCorruption,
                          "mention " + std::to_string(result.examined_through) + " is malformed");
    }
    if (Status s = store_.FillStory(m); !s.ok()) return s;
    if (MatchesFilters(m, query)) result.mentions.push_back(std::move(m));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the rule index");
  return result;
}

Result<uint64_t> ReaderSteps::LastMentionId() const {
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator({}, store_.Family(kMentionsFamily)));
  it->SeekToLast();
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the mentions");
  if (!it->Valid()) return uint64_t{0};
  if (it->key().size() != 8)
    return store_.Error(Status::Code::kCorruption, "mention key is malformed");
  return DecodeFixed64BE(it->key().ToStringView());
}

Result<MentionReader::DocumentRange> ReaderSteps::DocumentsSince(int64_t since_us) const {
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(rocksdb::ReadOptions(), store_.Family(kDocsFamily)));
  auto id_at = [&](const rocksdb::Iterator& at) -> Result<uint64_t> {
    if (at.key().size() != 8) {
      return store_.Error(Status::Code::kCorruption, "document key is malformed");
    }
    return DecodeFixed64BE(at.key().ToStringView());
  };
  MentionReader::DocumentRange range;
  it->SeekToLast();
  if (!it->Valid()) {
    if (!it->status().ok()) return store_.Error(it->status(), "cannot read docs");
    return range;  // no document
  }
  auto last = id_at(*it);
  if (!last.ok()) return last.status();
  range.end = *last + 1;
  // Whether the first document at or after doc id x was first seen within the window (true past
  // the last one). Ids grow with first_seen, so this is false, then true: bisect for the change.
  auto in_window = [&](uint64_t x) -> Result<bool> {
    it->Seek(IdKey(x));
    if (!it->Valid()) {
      if (!it->status().ok()) return store_.Error(it->status(), "cannot read docs");
      return true;
    }
    auto id = id_at(*it);
    if (!id.ok()) return id.status();
    Document doc;
    if (!DecodeDocument(it->value().ToStringView(), doc)) {
      return store_.Error(Status::Code::kCorruption,
                          "document " + std::to_string(*id) + " is malformed");
    }
    return doc.first_seen_us >= since_us;
  };
  uint64_t low = 1, high = range.end;
  while (low < high) {
    const uint64_t mid = low + (high - low) / 2;
    auto inside = in_window(mid);
    if (!inside.ok()) return inside.status();
    if (*inside) {
      high = mid;
    } else {
      low = mid + 1;
    }
  }
  range.first = low;
  return range;
}

Result<DocumentBatch> ReaderSteps::ScanDocuments(uint64_t first_doc_id, uint64_t before_doc_id,
                                                 size_t limit) const {
  DocumentBatch batch;
  if (limit == 0 || first_doc_id >= before_doc_id) return batch;
  const std::string lower = IdKey(first_doc_id), upper = IdKey(before_doc_id);
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_lower_bound = &lower_slice;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.Family(kDocsFamily)));
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    if (batch.documents.size() == limit) {
      batch.next_before = batch.documents.back().id;  // more below
      break;
    }
    Document doc;
    if (it->key().size() != 8 || !DecodeDocument(it->value().ToStringView(), doc)) {
      return store_.Error(Status::Code::kCorruption, "document record is malformed");
    }
    doc.id = DecodeFixed64BE(it->key().ToStringView());
    batch.documents.push_back(std::move(doc));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read docs");
  return batch;
}

Result<std::vector<RuleBackfill>> ReaderSteps::RuleBackfills(std::string_view rule_id) const {
  // rule_id "": every rule's record; else that rule's only.
  const std::string prefix = RuleBackfillKey(rule_id);
  std::vector<RuleBackfill> out;
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(rocksdb::ReadOptions(), store_.Family(kMetaFamily)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    RuleBackfill b;
    b.rule_id = it->key().ToString().substr(kRuleBackfillPrefix.size());
    if (!rule_id.empty() && b.rule_id != rule_id) break;
    if (!DecodeRuleBackfill(it->value().ToStringView(), b)) {
      return store_.Error(Status::Code::kCorruption,
                          "backfill record of rule " + b.rule_id + " is malformed");
    }
    out.push_back(std::move(b));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read meta");
  return out;
}

}  // namespace

Result<std::optional<UrlState>> MentionReader::GetUrl(const std::string& url) const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).GetUrl(url); });
}

Result<std::vector<Mention>> MentionReader::Mentions(const MentionQuery& query) const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).Mentions(query); });
}

Result<MentionsAfterResult> MentionReader::MentionsAfter(uint64_t after_id,
                                                         const MentionQuery& query) const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).MentionsAfter(after_id, query); });
}

Result<uint64_t> MentionReader::LastMentionId() const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).LastMentionId(); });
}

Result<std::optional<Mention>> MentionReader::GetMention(uint64_t id) const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).GetMention(id); });
}

Result<std::optional<Document>> MentionReader::GetDocument(uint64_t id) const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).GetDocument(id); });
}

namespace {

// Reads the queue entries in key order (earliest due first) while `keep` says so.
template <typename Keep>
Result<std::vector<DueWatch>> ScanWatchQueue(StoreDb& db, Keep keep) {
  std::vector<DueWatch> due;
  rocksdb::ColumnFamilyHandle* family = db.Family(kWatchFamily);
  if (family == nullptr) return due;  // a read-only open of a store from before the watch
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(rocksdb::ReadOptions(), family));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Reader key(it->key().ToStringView());
    DueWatch watch;
    if (!key.GetTimeBE(watch.due_us) || !key.GetFixed64BE(watch.doc_id) || !key.empty() ||
        !DecodeWatchEntry(it->value().ToStringView(), watch.entry)) {
      return db.Error(Status::Code::kCorruption, "an entry of the re-fetch queue is malformed");
    }
    if (!keep(watch, due.size())) break;
    due.push_back(std::move(watch));
  }
  if (!it->status().ok()) return db.Error(it->status(), "cannot read the re-fetch queue");
  return due;
}

}  // namespace

Result<std::vector<DueWatch>> MentionReader::DueWatches(int64_t now_us, size_t limit) const {
  limit = std::min(limit, kMaxDueWatches);
  return Guard(db_.dir(), [&] {
    return ScanWatchQueue(db_, [&](const DueWatch& watch, size_t taken) {
      return taken < limit && watch.due_us <= now_us;
    });
  });
}

Result<std::optional<DueWatch>> MentionReader::QueuedWatch(uint64_t doc_id) const {
  return Guard(db_.dir(), [&]() -> Result<std::optional<DueWatch>> {
    std::optional<DueWatch> found;
    auto scanned = ScanWatchQueue(db_, [&](const DueWatch& watch, size_t) {
      if (watch.doc_id == doc_id) found = watch;
      return !found;
    });
    if (!scanned.ok()) return scanned.status();
    return found;
  });
}

Result<std::vector<StoredVersion>> MentionReader::Versions(uint64_t doc_id, size_t limit,
                                                           uint32_t from_number) const {
  return Guard(db_.dir(), [&]() -> Result<std::vector<StoredVersion>> {
    std::vector<StoredVersion> versions;
    rocksdb::ColumnFamilyHandle* family = db_.Family(kVersionsFamily);
    if (family == nullptr) return versions;
    const std::string prefix = VersionsPrefix(doc_id);
    std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(rocksdb::ReadOptions(), family));
    for (it->Seek(VersionKey(doc_id, from_number));
         it->Valid() && it->key().starts_with(prefix) && versions.size() < limit; it->Next()) {
      Reader key(it->key().ToStringView().substr(prefix.size()));
      StoredVersion v;
      if (!key.GetFixed32BE(v.number) || !key.empty() ||
          !DecodeVersionRecord(it->value().ToStringView(), v.version)) {
        return db_.Error(Status::Code::kCorruption,
                         "a version of document " + std::to_string(doc_id) + " is malformed");
      }
      versions.push_back(std::move(v));
    }
    if (!it->status().ok()) return db_.Error(it->status(), "cannot read the versions");
    return versions;
  });
}

Result<std::vector<EvidenceCapture>> MentionReader::Evidence(uint64_t doc_id) const {
  return Guard(db_.dir(), [&]() -> Result<std::vector<EvidenceCapture>> {
    std::vector<EvidenceCapture> captures;
    rocksdb::ColumnFamilyHandle* family = db_.Family(kEvidenceFamily);
    if (family == nullptr) return captures;  // a read-only open of a store from before it
    const std::string prefix = EvidencePrefix(doc_id);
    const std::string upper = IdKey(doc_id + 1);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions options;
    if (doc_id != UINT64_MAX) options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(options, family));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      EvidenceCapture capture;
      if (!DecodeEvidenceCapture(it->value().ToStringView(), capture)) {
        return db_.Error(Status::Code::kCorruption, "evidence capture of document " +
                                                        std::to_string(doc_id) + " is malformed");
      }
      captures.push_back(std::move(capture));
    }
    if (!it->status().ok()) return db_.Error(it->status(), "cannot read the evidence captures");
    return captures;
  });
}

Result<std::optional<uint64_t>> MentionReader::FindNearDuplicate(const std::string& text) const {
  return Guard(db_.dir(), [&]() -> Result<std::optional<uint64_t>> {
    std::optional<uint64_t> simhash = TextSimHash(text);
    if (!simhash) return std::optional<uint64_t>();
    return ReaderSteps(db_).FindNearDuplicate(*simhash);
  });
}

Result<std::vector<uint64_t>> MentionReader::StoryDocuments(uint64_t story_id) const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).StoryDocuments(story_id); });
}

Result<StoryMembersPage> MentionReader::StoryMembers(uint64_t story_id, size_t limit,
                                                     uint64_t before_doc_id) const {
  return Guard(db_.dir(),
               [&] { return ReaderSteps(db_).StoryMembers(story_id, limit, before_doc_id); });
}

Result<std::vector<StoryInfo>> MentionReader::Stories(std::optional<int64_t> since_us, size_t limit,
                                                      size_t members_per_story) const {
  return Guard(db_.dir(),
               [&] { return ReaderSteps(db_).Stories(since_us, limit, members_per_story); });
}

Status MentionReader::CatchUp() const {
  return Guard(db_.dir(), [&] { return db_.CatchUp(); });
}

Result<MentionReader::DocumentRange> MentionReader::DocumentsSince(int64_t since_us) const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).DocumentsSince(since_us); });
}

Result<DocumentBatch> MentionReader::ScanDocuments(uint64_t first_doc_id, uint64_t before_doc_id,
                                                   size_t limit) const {
  return Guard(db_.dir(),
               [&] { return ReaderSteps(db_).ScanDocuments(first_doc_id, before_doc_id, limit); });
}

Result<std::optional<RuleBackfill>> MentionReader::GetRuleBackfill(
    const std::string& rule_id) const {
  return Guard(db_.dir(), [&]() -> Result<std::optional<RuleBackfill>> {
    if (rule_id.empty()) return std::optional<RuleBackfill>();
    auto all = ReaderSteps(db_).RuleBackfills(rule_id);
    if (!all.ok()) return all.status();
    if (all->empty()) return std::optional<RuleBackfill>();
    return std::optional<RuleBackfill>(std::move(all->front()));
  });
}

Result<std::vector<RuleBackfill>> MentionReader::RuleBackfills() const {
  return Guard(db_.dir(), [&] { return ReaderSteps(db_).RuleBackfills(""); });
}

}  // namespace kuzet::storage
