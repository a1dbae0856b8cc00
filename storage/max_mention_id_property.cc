#include "storage/max_mention_id_property.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "storage/encoding.h"
#include "storage/records.h"

namespace kuzet::storage {
namespace {

// The mention id of a mentions_by_rule key (FORMAT.md, "Column families"):
// `rule 0x00 NEWEST(found_at, id)` ends with the id complemented, `rule 0x01 id` with the id.
// Any other key counts as the largest id, so that its file is never left out.
uint64_t MentionIdOfRuleIndexKey(std::string_view key) {
  const size_t end = IndexIdEnd(key);
  if (end == std::string_view::npos || key.size() < end + 1 + 8) return UINT64_MAX;
  const uint64_t last = DecodeFixed64BE(key.substr(key.size() - 8));
  return key[end] == '\0' ? ~last : last;
}

class MaxMentionIdCollector : public rocksdb::TablePropertiesCollector {
 public:
  const char* Name() const override { return "kuzet.MaxMentionIdCollector"; }

  // Puts and deletions alike: a deletion of an id above a cursor must not be left out either.
  rocksdb::Status AddUserKey(const rocksdb::Slice& key, const rocksdb::Slice& /*value*/,
                             rocksdb::EntryType /*type*/, rocksdb::SequenceNumber /*seq*/,
                             uint64_t /*file_size*/) override {
    max_id_ = std::max(max_id_, MentionIdOfRuleIndexKey(key.ToStringView()));
    return rocksdb::Status::OK();
  }

  rocksdb::Status Finish(rocksdb::UserCollectedProperties* properties) override {
    properties->emplace(kMaxMentionIdProperty, IdKey(max_id_));
    return rocksdb::Status::OK();
  }

  rocksdb::UserCollectedProperties GetReadableProperties() const override {
    return {{kMaxMentionIdProperty, std::to_string(max_id_)}};
  }

 private:
  uint64_t max_id_ = 0;
};

class MaxMentionIdCollectorFactoryImpl : public rocksdb::TablePropertiesCollectorFactory {
 public:
  const char* Name() const override { return "kuzet.MaxMentionIdCollectorFactory"; }
  rocksdb::TablePropertiesCollector* CreateTablePropertiesCollector(
      rocksdb::TablePropertiesCollectorFactory::Context /*context*/) override {
    return new MaxMentionIdCollector();
  }
};

}  // namespace

std::shared_ptr<rocksdb::TablePropertiesCollectorFactory> MaxMentionIdCollectorFactory() {
  return std::make_shared<MaxMentionIdCollectorFactoryImpl>();
}

bool TableMayHoldMentionsAfter(const rocksdb::TableProperties& properties, uint64_t after_id) {
  auto it = properties.user_collected_properties.find(kMaxMentionIdProperty);
  if (it == properties.user_collected_properties.end() || it->second.size() != 8) return true;
  return DecodeFixed64BE(it->second) > after_id;
}

}  // namespace kuzet::storage
