// A table property of mentions_by_rule files: the largest mention id among the file's keys.
// Internal to storage/.
//
// "What is new for rule R since mention N" reads the rule's by-id entries above N. Every table
// file of mentions_by_rule holds entries of every rule, so its key range never excludes the
// query; but most files hold only mentions older than any analyst's cursor. Each file records
// its largest mention id when it is written (RocksDB user-collected table properties), and the
// query's ReadOptions::table_filter leaves out the files whose largest id is <= N: their index
// and data blocks are never touched (README.md, "Memory"; bench/storage/NOTES.md).
#pragma once

#include <rocksdb/table_properties.h>

#include <cstdint>
#include <memory>

namespace kuzet::storage {

// The property's name; its value is the id as 8 bytes big-endian.
inline constexpr const char* kMaxMentionIdProperty = "kuzet.max_mention_id";

// Collects kMaxMentionIdProperty for every table file written (flushes and compactions).
std::shared_ptr<rocksdb::TablePropertiesCollectorFactory> MaxMentionIdCollectorFactory();

// False only when the file certainly holds no entry with a mention id above `after_id` (files
// written before the property existed are always read).
bool TableMayHoldMentionsAfter(const rocksdb::TableProperties& properties, uint64_t after_id);

}  // namespace kuzet::storage
