// The search family's posting blocks (storage/posting_list.h, FORMAT.md *search*): the codec
// refuses every malformed value, the merge operator unions lists in any grouping and never
// loses a document to a damaged one, and a cursor walks a word's blocks newest first.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "storage/posting_cursor.h"
#include "storage/posting_list.h"
#include "storage/posting_merge.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

// A word class byte (keywords::WordClassOf): a Cyrillic word on a Russian page; another one.
constexpr uint8_t kClass = 0x1d;
constexpr uint8_t kOtherClass = 0x0c;

// The key of a word's block in one class (FORMAT.md, *search*).
std::string Key(std::string_view word, uint64_t block, uint8_t word_class = kClass) {
  return SearchBlockKey(SearchListKey(word, word_class), block);
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST(PostingListTest, EncodesIdsNewestFirstAsDeltas) {
  const uint64_t block = 3;
  const uint64_t first = PostingBlockFirst(block);
  const std::vector<uint64_t> ids = {first + 300, first + 299, first + 2, first};
  const std::string value = EncodePostingList(block, ids);
  // version, count 4, offset 300 (0xAC 0x02), deltas 1, 297 (0xA9 0x02), 2.
  EXPECT_EQ(value, Bytes({0x01, 0x04, 0xAC, 0x02, 0x01, 0xA9, 0x02, 0x02}));
  PostingList list;
  ASSERT_TRUE(DecodePostingList(value, block, list));
  EXPECT_FALSE(list.whole_block);
  EXPECT_EQ(list.doc_ids, ids);
  // The same bytes read as another block's list are other ids, never the same ones.
  ASSERT_TRUE(DecodePostingList(value, block + 1, list));
  EXPECT_EQ(list.doc_ids.front(), PostingBlockFirst(block + 1) + 300);

  ASSERT_TRUE(DecodePostingList(EncodeWholeBlock(), block, list));
  EXPECT_TRUE(list.whole_block);
  EXPECT_TRUE(list.doc_ids.empty());

  // A full block: every id of it.
  std::vector<uint64_t> all;
  for (uint64_t id = PostingBlockLast(block); id >= first && id != 0; --id) all.push_back(id);
  ASSERT_TRUE(DecodePostingList(EncodePostingList(block, all), block, list));
  EXPECT_EQ(list.doc_ids, all);
}

std::vector<uint32_t> Positions(const PostingList& list, size_t i) {
  const std::span<const uint32_t> p = list.PositionsOf(i);
  return std::vector<uint32_t>(p.begin(), p.end());
}

// A list with the ids' positions (format 6): `positions` per id, empty = unknown.
PostingList ListOf(const std::vector<uint64_t>& ids,
                   const std::vector<std::vector<uint32_t>>& positions) {
  PostingList list;
  list.doc_ids = ids;
  list.position_begin.push_back(0);
  for (const auto& p : positions) {
    list.positions.insert(list.positions.end(), p.begin(), p.end());
    list.position_begin.push_back(static_cast<uint32_t>(list.positions.size()));
  }
  return list;
}

TEST(PostingListTest, EncodesPositionsAfterTheIds) {
  const uint64_t block = 3;
  const uint64_t first = PostingBlockFirst(block);
  std::vector<uint32_t> sixty_four, sixty_five;
  for (uint32_t p = 0; p < 65; ++p) (p < 64 ? sixty_four : sixty_five).push_back(p * 3);
  sixty_five.insert(sixty_five.begin(), sixty_four.begin(), sixty_four.end());
  struct Case {
    const char* what;
    std::vector<uint64_t> ids;
    std::vector<std::vector<uint32_t>> positions;  // to encode
    std::vector<std::vector<uint32_t>> decoded;    // read back (empty: unknown)
    std::string bytes;                             // the value, when pinned
  };
  const std::vector<Case> cases = {
      {"one id, one position", {first + 2}, {{7}}, {{7}}, Bytes({0x81, 0x01, 0x02, 0x01, 0x07})},
      // Positions 3, 200 (delta 197 = 0xC5 0x01), 201; then m = 0 for the unknown id.
      {"two ids, one unknown",
       {first + 9, first + 1},
       {{3, 200, 201}, {}},
       {{3, 200, 201}, {}},
       Bytes({0x81, 0x02, 0x09, 0x08, 0x03, 0x03, 0xC5, 0x01, 0x01, 0x00})},
      {"64 positions are kept", {first}, {sixty_four}, {sixty_four}, ""},
      {"65 become unknown", {first}, {sixty_five}, {{}}, ""},
      {"the last allowed position",
       {first},
       {{kPostingPositionLimit - 1}},
       {{kPostingPositionLimit - 1}},
       ""},
      {"a position at the limit is unknown", {first}, {{1, kPostingPositionLimit}}, {{}}, ""},
  };
  for (const Case& c : cases) {
    const std::string value = EncodePostingList(block, ListOf(c.ids, c.positions));
    if (!c.bytes.empty()) {
      EXPECT_EQ(value, c.bytes) << c.what;
    }
    PostingList list;
    ASSERT_TRUE(DecodePostingList(value, block, list)) << c.what;
    EXPECT_EQ(list.doc_ids, c.ids) << c.what;
    ASSERT_TRUE(list.has_positions()) << c.what;
    for (size_t i = 0; i < c.ids.size(); ++i) {
      EXPECT_EQ(Positions(list, i), c.decoded[i]) << c.what << " id " << i;
    }
    // An ids-only reader stops after the ids.
    ASSERT_TRUE(DecodePostingList(value, block, list, /*want_positions=*/false)) << c.what;
    EXPECT_EQ(list.doc_ids, c.ids) << c.what;
    EXPECT_FALSE(list.has_positions()) << c.what;
  }
  // A value of format 4 or 5 (no positions): every id's positions unknown.
  PostingList list;
  ASSERT_TRUE(DecodePostingList(Bytes({0x01, 0x02, 0x09, 0x08}), block, list));
  EXPECT_EQ(list.doc_ids, std::vector<uint64_t>({first + 9, first + 1}));
  EXPECT_FALSE(list.has_positions());
  EXPECT_TRUE(list.PositionsOf(1).empty());
}

// The positions read one id at a time (PostingPositionReader, what a search's cursor uses) are
// the whole decode's, whichever ids are asked; damaged bytes give the ids before the damage their
// positions and every id from it "unknown".
TEST(PostingListTest, PositionReaderReadsTheIdsAskedAsTheWholeDecode) {
  const uint64_t block = 2;
  std::mt19937_64 random(5);
  std::vector<uint64_t> ids;
  std::vector<std::vector<uint32_t>> positions;
  for (uint64_t id = PostingBlockLast(block); ids.size() < 300; id -= 1 + random() % 9) {
    ids.push_back(id);
    std::vector<uint32_t> p;
    const size_t n = random() % 5 == 0 ? 70 : random() % 6;  // 70: unknown; 0: unknown
    for (uint32_t at = static_cast<uint32_t>(random() % 50); p.size() < n;
         at += 1 + static_cast<uint32_t>(random() % 300)) {
      p.push_back(at);
    }
    positions.push_back(std::move(p));
  }
  const std::string value = EncodePostingList(block, ListOf(ids, positions));
  PostingList whole;
  ASSERT_TRUE(DecodePostingList(value, block, whole));
  PostingList ids_only;
  std::string_view bytes;
  ASSERT_TRUE(DecodePostingList(value, block, ids_only, /*want_positions=*/false, &bytes));
  EXPECT_EQ(ids_only.doc_ids, ids);
  ASSERT_FALSE(bytes.empty());
  for (const size_t step : {1, 2, 7, 299}) {
    for (const size_t from : {0, 1, 150}) {
      PostingPositionReader reader;
      reader.Reset(bytes);
      std::vector<uint32_t> got;
      for (size_t i = from; i < ids.size(); i += step) {
        reader.Read(i, &got);
        const std::span<const uint32_t> want = whole.PositionsOf(i);
        EXPECT_EQ(got, std::vector<uint32_t>(want.begin(), want.end()))
            << "step " << step << " from " << from << " id " << i;
      }
      EXPECT_FALSE(reader.damaged());
    }
  }
  // A value without positions gives no bytes.
  ASSERT_TRUE(DecodePostingList(Bytes({0x01, 0x01, 0x00}), block, ids_only, false, &bytes));
  EXPECT_TRUE(bytes.empty());

  // Two ids: the first at 3 and 8; then damage.
  struct Damaged {
    const char* what;
    std::string bytes;  // after the ids
  };
  const Damaged damaged[] = {
      {"m 65", Bytes({0x02, 0x03, 0x05, 0x41, 0x01})},
      {"delta 0", Bytes({0x02, 0x03, 0x05, 0x02, 0x01, 0x00})},
      {"truncated", Bytes({0x02, 0x03, 0x05, 0x02, 0x01})},
      {"truncated varint", Bytes({0x02, 0x03, 0x05, 0x01, 0x85})},
      {"at 2^24", Bytes({0x02, 0x03, 0x05, 0x01, 0x80, 0x80, 0x80, 0x08})},
      {"nothing", ""},
  };
  for (const Damaged& d : damaged) {
    PostingPositionReader reader;
    reader.Reset(d.bytes);
    std::vector<uint32_t> got;
    reader.Read(0, &got);
    if (d.bytes.empty()) {
      EXPECT_TRUE(got.empty()) << d.what;
    } else {
      EXPECT_EQ(got, std::vector<uint32_t>({3, 8})) << d.what;
    }
    reader.Read(1, &got);
    EXPECT_TRUE(got.empty()) << d.what;
    EXPECT_TRUE(reader.damaged()) << d.what;
    reader.Read(2, &got);
    EXPECT_TRUE(got.empty()) << d.what;
  }
}

// Hostile or damaged values: each is refused, none crashes or allocates by its count.
TEST(PostingListTest, RefusesMalformedValues) {
  struct Case {
    const char* what;
    std::string value;
  };
  const Case cases[] = {
      {"empty", ""},
      {"version 2", Bytes({0x02, 0x01, 0x00})},
      {"positions flag, no positions", Bytes({0x81, 0x01, 0x00})},
      {"positions: truncated", Bytes({0x81, 0x01, 0x00, 0x02, 0x05})},
      {"positions: truncated varint", Bytes({0x81, 0x01, 0x00, 0x01, 0x85})},
      {"positions: m 65", Bytes({0x81, 0x01, 0x00, 0x41, 0x01})},
      {"positions: delta 0 (a position twice)", Bytes({0x81, 0x01, 0x00, 0x02, 0x05, 0x00})},
      {"positions: at 2^24", Bytes({0x81, 0x01, 0x00, 0x01, 0x80, 0x80, 0x80, 0x08})},
      {"positions: sum past 2^24", Bytes({0x81, 0x01, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0x07, 0x01})},
      {"positions: fewer lists than ids", Bytes({0x81, 0x02, 0x05, 0x01, 0x01, 0x03})},
      {"positions: a byte after them", Bytes({0x81, 0x01, 0x00, 0x01, 0x03, 0x00})},
      {"positions and whole block", Bytes({0xC1})},
      {"unknown flag", Bytes({0x21, 0x01, 0x00})},
      {"whole block with bytes after it", Bytes({0x41, 0x00})},
      {"no count", Bytes({0x01})},
      {"truncated count varint", Bytes({0x01, 0x80})},
      {"count 0", Bytes({0x01, 0x00})},
      {"count over the block", Bytes({0x01, 0x81, 0x40, 0x00})},  // 8,193
      {"count over the bytes left", Bytes({0x01, 0x05, 0x00, 0x01})},
      {"huge count", Bytes({0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01})},
      {"over-long varint",
       Bytes({0x01, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00})},
      {"truncated id varint", Bytes({0x01, 0x02, 0x05, 0x80})},
      {"first id outside the block", Bytes({0x01, 0x01, 0x80, 0x20})},  // offset 4,096
      {"delta 0 (an id twice)", Bytes({0x01, 0x02, 0x05, 0x00})},
      {"delta below the block (unsorted)", Bytes({0x01, 0x02, 0x05, 0x06})},
      {"bytes after the last id", Bytes({0x01, 0x01, 0x05, 0x00})},
      {"fewer ids than counted", Bytes({0x01, 0x03, 0x05, 0x01})},
  };
  for (const Case& c : cases) {
    PostingList list;
    EXPECT_FALSE(DecodePostingList(c.value, 7, list)) << c.what;
  }
}

TEST(PostingListTest, KeysSortWordsTogetherAndBlocksNewestFirst) {
  EXPECT_LT(Key("strike", 9), Key("strike", 8));
  EXPECT_LT(Key("strike", 0), Key("striker", 9));
  // A word's classes side by side, each with its blocks newest first.
  EXPECT_LT(Key("strike", 0, 0x0c), Key("strike", 9, 0x0d));
  EXPECT_LT(Key("strike", 0, 0x3f), Key("strike0", 9, 0x00));
  std::string_view word;
  std::optional<uint8_t> word_class;
  uint64_t block = 0;
  const std::string key = Key("ереуіл", 42, 0x1b);
  EXPECT_EQ(key.size(), std::string_view("ереуіл").size() + 10);
  ASSERT_TRUE(ParseSearchBlockKey(key, word, word_class, block));
  EXPECT_EQ(word, "ереуіл");
  EXPECT_EQ(word_class, 0x1b);
  EXPECT_EQ(block, 42u);
  // A class byte of 0x00 is no second delimiter.
  const std::string zero_class = Key("oil", 0, 0x00);
  ASSERT_TRUE(ParseSearchBlockKey(zero_class, word, word_class, block));
  EXPECT_EQ(word, "oil");
  EXPECT_EQ(word_class, 0x00);
  EXPECT_EQ(block, 0u);
  // A key of format 6 or before: no class byte.
  const std::string format6 = SearchBlockKey(std::string("oil") + '\0', 7);
  ASSERT_TRUE(ParseSearchBlockKey(format6, word, word_class, block));
  EXPECT_EQ(word, "oil");
  EXPECT_FALSE(word_class.has_value());
  EXPECT_EQ(block, 7u);
  EXPECT_FALSE(ParseSearchBlockKey("short", word, word_class, block));
  EXPECT_FALSE(ParseSearchBlockKey(std::string("a\0b", 3) + Key("", 1), word, word_class, block));
  EXPECT_FALSE(ParseSearchBlockKey(Key("oil", 1) + "x", word, word_class, block));
}

// ---- the merge operator ---------------------------------------------------------------------

std::vector<uint64_t> Merged(const PostingListUnion& op, const std::string& key,
                             const std::string* existing, const std::vector<std::string>& operands,
                             bool* whole_block = nullptr) {
  std::vector<rocksdb::Slice> slices(operands.begin(), operands.end());
  rocksdb::Slice existing_slice = existing ? rocksdb::Slice(*existing) : rocksdb::Slice();
  const rocksdb::Slice key_slice(key);  // the input keeps a reference
  rocksdb::MergeOperator::MergeOperationInput in(key_slice, existing ? &existing_slice : nullptr,
                                                 slices, nullptr);
  std::string out_value;
  rocksdb::Slice existing_operand;
  rocksdb::MergeOperator::MergeOperationOutput out(out_value, existing_operand);
  EXPECT_TRUE(op.FullMergeV2(in, &out));
  std::string_view word;
  std::optional<uint8_t> word_class;
  uint64_t block = 0;
  EXPECT_TRUE(ParseSearchBlockKey(key, word, word_class, block));
  PostingList list;
  EXPECT_TRUE(DecodePostingList(out_value, block, list)) << "the merge wrote a malformed value";
  if (whole_block) *whole_block = list.whole_block;
  return list.doc_ids;
}

std::string Partial(const PostingListUnion& op, const std::string& key,
                    const std::vector<std::string>& operands) {
  std::deque<rocksdb::Slice> slices(operands.begin(), operands.end());
  std::string out;
  EXPECT_TRUE(op.PartialMergeMulti(key, slices, &out, nullptr));
  return out;
}

TEST(PostingMergeTest, UnionInAnyGroupingIsTheSameAndDuplicatesChangeNothing) {
  PostingListUnion op("test");
  const uint64_t block = 5;
  const std::string key = Key("zhanaozen", block);
  const uint64_t b = PostingBlockFirst(block);
  const std::string a = EncodePostingList(block, std::vector<uint64_t>{b + 9, b + 4, b + 1});
  const std::string c = EncodePostingList(block, std::vector<uint64_t>{b + 12, b + 4});
  const std::string d = EncodePostingList(block, std::vector<uint64_t>{b + 4095, b});
  const std::vector<uint64_t> all = {b + 4095, b + 12, b + 9, b + 4, b + 1, b};

  EXPECT_EQ(Merged(op, key, nullptr, {a, c, d}), all);
  EXPECT_EQ(Merged(op, key, &a, {c, d}), all);
  EXPECT_EQ(Merged(op, key, nullptr, {d, c, a}), all);                      // commutative
  EXPECT_EQ(Merged(op, key, nullptr, {Partial(op, key, {a, c}), d}), all);  // associative
  EXPECT_EQ(Merged(op, key, nullptr, {a, Partial(op, key, {c, d})}), all);
  EXPECT_EQ(Partial(op, key, {a, c, d}), EncodePostingList(block, all));
  // A group written twice (a log replayed, a build redone) adds nothing.
  EXPECT_EQ(Merged(op, key, nullptr, {a, c, d, a, c, d, d}), all);
  EXPECT_EQ(Merged(op, key, &a, {a}), Merged(op, key, nullptr, {a}));
  EXPECT_EQ(op.damaged_lists(), 0u);
}

// Positions of a document in several operands are their union (a changed text keeps its old
// postings); past kMaxPostingPositions, or when any operand does not know them (a value of
// format 5), they are unknown: a superset either way, in any grouping.
TEST(PostingMergeTest, PositionsUniteAndBecomeUnknownPastTheCap) {
  PostingListUnion op("test");
  const uint64_t block = 5;
  const std::string key = Key("strike", block);
  const uint64_t b = PostingBlockFirst(block);
  auto merged = [&](const std::vector<std::string>& operands) {
    std::vector<rocksdb::Slice> slices(operands.begin(), operands.end());
    const rocksdb::Slice key_slice(key);
    rocksdb::MergeOperator::MergeOperationInput in(key_slice, nullptr, slices, nullptr);
    std::string value;
    rocksdb::Slice existing_operand;
    rocksdb::MergeOperator::MergeOperationOutput out(value, existing_operand);
    EXPECT_TRUE(op.FullMergeV2(in, &out));
    PostingList list;
    EXPECT_TRUE(DecodePostingList(value, block, list));
    return list;
  };
  const std::string a = EncodePostingList(block, ListOf({b + 9, b + 4}, {{1, 5}, {7}}));
  const std::string c = EncodePostingList(block, ListOf({b + 4}, {{2, 7}}));
  PostingList list = merged({a, c});
  ASSERT_EQ(list.doc_ids, std::vector<uint64_t>({b + 9, b + 4}));
  EXPECT_EQ(Positions(list, 0), std::vector<uint32_t>({1, 5}));
  EXPECT_EQ(Positions(list, 1), std::vector<uint32_t>({2, 7}));
  EXPECT_EQ(EncodePostingList(block, merged({c, a})), EncodePostingList(block, list));
  EXPECT_EQ(EncodePostingList(block, merged({Partial(op, key, {a, c}), a})),
            EncodePostingList(block, list));

  // 40 + 40 distinct positions: past the cap, unknown; the other id keeps its own.
  std::vector<uint32_t> even, odd;
  for (uint32_t p = 0; p < 40; ++p) {
    even.push_back(2 * p);
    odd.push_back(2 * p + 1);
  }
  list = merged({EncodePostingList(block, ListOf({b + 4}, {even})),
                 EncodePostingList(block, ListOf({b + 9, b + 4}, {{3}, odd}))});
  EXPECT_EQ(Positions(list, 0), std::vector<uint32_t>({3}));
  EXPECT_TRUE(Positions(list, 1).empty());
  // Grouped the other way round, the same.
  EXPECT_EQ(
      EncodePostingList(block, merged({EncodePostingList(block, ListOf({b + 9, b + 4}, {{3}, odd})),
                                       EncodePostingList(block, ListOf({b + 4}, {even}))})),
      EncodePostingList(block, list));

  // A format 5 value (ids only) makes its ids' positions unknown, and loses no id.
  list = merged({a, EncodePostingList(block, std::vector<uint64_t>{b + 4, b + 2})});
  ASSERT_EQ(list.doc_ids, std::vector<uint64_t>({b + 9, b + 4, b + 2}));
  EXPECT_EQ(Positions(list, 0), std::vector<uint32_t>({1, 5}));
  EXPECT_TRUE(Positions(list, 1).empty());
  EXPECT_TRUE(Positions(list, 2).empty());
  // Ids-only values alone stay ids-only.
  list = merged({EncodePostingList(block, std::vector<uint64_t>{b + 4}),
                 EncodePostingList(block, std::vector<uint64_t>{b + 2})});
  EXPECT_FALSE(list.has_positions());
  EXPECT_EQ(op.damaged_lists(), 0u);
}

// Positions for `ids` ids: unknown (none) one time in `unknown_one_in`, else 1 to `max_count`
// draws below `below`, ascending and distinct.
std::vector<std::vector<uint32_t>> RandomPositions(std::mt19937& random, size_t ids,
                                                   int unknown_one_in, int max_count,
                                                   uint32_t below) {
  std::vector<std::vector<uint32_t>> positions;
  for (size_t k = 0; k < ids; ++k) {
    std::set<uint32_t> p;
    const int m = random() % unknown_one_in == 0 ? 0 : 1 + static_cast<int>(random() % max_count);
    for (int j = 0; j < m; ++j) p.insert(static_cast<uint32_t>(random() % below));
    positions.emplace_back(p.begin(), p.end());
  }
  return positions;
}

// Random operands (ids, positions known, unknown or absent) merged whole, in two partial
// groups, and in reverse: the same value every time (RocksDB picks the grouping).
TEST(PostingMergeTest, RandomOperandsMergeToOneValueInAnyGrouping) {
  PostingListUnion op("test");
  const uint64_t block = 9;
  const std::string key = Key("ereuil", block);
  std::mt19937 random(18);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> operands;
    const int n = 2 + static_cast<int>(random() % 6);
    for (int i = 0; i < n; ++i) {
      std::vector<uint64_t> ids;
      for (uint64_t id = PostingBlockLast(block); id >= PostingBlockFirst(block) + 4080; --id) {
        if (random() % 3 == 0) ids.push_back(id);
      }
      if (ids.empty()) ids.push_back(PostingBlockFirst(block));
      if (random() % 5 == 0) {  // format 5: ids only
        operands.push_back(EncodePostingList(block, ids));
        continue;
      }
      operands.push_back(
          EncodePostingList(block, ListOf(ids, RandomPositions(random, ids.size(), 7, 40, 120))));
    }
    auto full = [&](const std::vector<std::string>& ops) {
      std::vector<rocksdb::Slice> slices(ops.begin(), ops.end());
      const rocksdb::Slice key_slice(key);
      rocksdb::MergeOperator::MergeOperationInput in(key_slice, nullptr, slices, nullptr);
      std::string value;
      rocksdb::Slice existing_operand;
      rocksdb::MergeOperator::MergeOperationOutput out(value, existing_operand);
      EXPECT_TRUE(op.FullMergeV2(in, &out));
      return value;
    };
    const std::string whole = full(operands);
    const size_t cut = 1 + random() % (operands.size() - 1);
    const std::vector<std::string> left(operands.begin(), operands.begin() + cut);
    const std::vector<std::string> right(operands.begin() + cut, operands.end());
    EXPECT_EQ(full({Partial(op, key, left), Partial(op, key, right)}), whole) << round;
    EXPECT_EQ(full(std::vector<std::string>(operands.rbegin(), operands.rend())), whole) << round;
    EXPECT_EQ(full({whole, operands[0]}), whole) << round;  // an operand applied again
  }
  EXPECT_EQ(op.damaged_lists(), 0u);
}

// UnionPostings against a plain map of id -> positions: lists whose id ranges do not overlap
// (groups written one after another, joined without a sort) and lists that do, in any order,
// with positions known, unknown, past the cap, or absent from a whole list.
TEST(PostingMergeTest, UnionEqualsAPlainMapForDisjointAndOverlappingLists) {
  std::mt19937 random(17);
  const uint64_t first = PostingBlockFirst(3);
  for (int round = 0; round < 400; ++round) {
    const bool disjoint = round % 2 == 0;
    const int n = 1 + static_cast<int>(random() % 6);
    std::vector<PostingList> lists;
    uint64_t next = first;  // disjoint lists take consecutive ranges upwards
    for (int l = 0; l < n; ++l) {
      std::vector<uint64_t> ids;
      const uint64_t span = 1 + random() % 40;
      const uint64_t from = disjoint ? next : first + random() % 20;
      for (uint64_t id = from + span; id-- > from;) {
        if (random() % 2 == 0) ids.push_back(id);
      }
      if (ids.empty()) ids.push_back(from);
      next = from + span;
      if (random() % 6 == 0) {  // ids only
        PostingList list;
        list.doc_ids = ids;
        lists.push_back(std::move(list));
        continue;
      }
      lists.push_back(ListOf(ids, RandomPositions(random, ids.size(), 8, 50, 100)));
    }
    std::shuffle(lists.begin(), lists.end(), random);

    // The reference: an id's positions are the union of its lists', unknown when any list does
    // not know them or when they pass the cap.
    std::map<uint64_t, std::optional<std::set<uint32_t>>, std::greater<>> expected;
    bool any_positions = false;
    for (const PostingList& list : lists) any_positions = any_positions || list.has_positions();
    for (const PostingList& list : lists) {
      for (size_t i = 0; i < list.doc_ids.size(); ++i) {
        auto [it, added] = expected.try_emplace(list.doc_ids[i], std::set<uint32_t>());
        const std::vector<uint32_t> p = Positions(list, i);
        if (p.empty()) it->second.reset();
        if (it->second) it->second->insert(p.begin(), p.end());
      }
    }
    PostingList merged;
    UnionPostings(lists, merged);
    ASSERT_EQ(merged.doc_ids.size(), expected.size()) << round;
    EXPECT_EQ(merged.has_positions(), any_positions) << round;
    size_t i = 0;
    for (const auto& [id, positions] : expected) {
      ASSERT_EQ(merged.doc_ids[i], id) << round;
      std::vector<uint32_t> want;
      if (positions && positions->size() <= kMaxPostingPositions) {
        want.assign(positions->begin(), positions->end());
      }
      if (any_positions) {
        EXPECT_EQ(Positions(merged, i), want) << round << " id " << id;
      }
      ++i;
    }
  }
}

// A damaged operand or stored value widens its block to every document (all verified by the
// search) instead of dropping the documents the other lists hold; a damaged key too.
TEST(PostingMergeTest, DamagedListBecomesTheWholeBlockAndIsCounted) {
  PostingListUnion op("test");
  const uint64_t block = 2;
  const std::string key = Key("strike", block);
  const std::string good =
      EncodePostingList(block, std::vector<uint64_t>{PostingBlockFirst(block) + 7});
  const std::string damaged[] = {"",
                                 Bytes({0x01, 0x02, 0x05, 0x00}),
                                 Bytes({0x01, 0xFF}),
                                 Bytes({0x01, 0x01, 0x80, 0x20}),
                                 Bytes({0x81, 0x01, 0x07, 0x41, 0x01}),
                                 Bytes({0x81, 0x01, 0x07, 0x02, 0x05, 0x00})};
  uint64_t expected_damage = 0;
  for (const std::string& bad : damaged) {
    bool whole = false;
    EXPECT_TRUE(Merged(op, key, nullptr, {good, bad}, &whole).empty());
    EXPECT_TRUE(whole);
    EXPECT_TRUE(Merged(op, key, &bad, {good}, &whole).empty());
    EXPECT_TRUE(whole);
    expected_damage += 2;
    EXPECT_EQ(op.damaged_lists(), expected_damage);
  }
  // The whole block absorbs any list, and is not damage.
  bool whole = false;
  Merged(op, key, nullptr, {good, EncodeWholeBlock()}, &whole);
  EXPECT_TRUE(whole);
  EXPECT_EQ(op.damaged_lists(), expected_damage);
  // A key that is no posting key: its values cannot be read for any block.
  std::string out;
  EXPECT_TRUE(op.PartialMergeMulti("no-block", {good, good}, &out, nullptr));
  EXPECT_EQ(out, EncodeWholeBlock());
}

// ---- the cursor, over a real RocksDB family with the operator --------------------------------

class PostingCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.merge_operator = std::make_shared<PostingListUnion>(dir_.path());
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.path() + "/db", &db).ok());
    db_.reset(db);
  }
  void Add(const std::string& word, std::vector<uint64_t> ids) {
    std::sort(ids.begin(), ids.end(), std::greater<>());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    // One Merge per block, as a group writes them.
    while (!ids.empty()) {
      const uint64_t block = PostingBlockOf(ids.front());
      auto end = std::find_if(ids.begin(), ids.end(),
                              [&](uint64_t id) { return PostingBlockOf(id) != block; });
      std::vector<uint64_t> part(ids.begin(), end);
      ASSERT_TRUE(db_->Merge({}, Key(word, block), EncodePostingList(block, part)).ok());
      ids.erase(ids.begin(), end);
    }
  }
  std::vector<uint64_t> Walk(const std::string& word, uint64_t from, uint8_t word_class = kClass) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}));
    PostingCursor cursor(*it, SearchListKey(word, word_class));
    std::vector<uint64_t> ids;
    for (uint64_t at_most = from; at_most != 0;) {
      const uint64_t id = cursor.Next(at_most);
      if (id == 0) break;
      EXPECT_LE(id, at_most);
      ids.push_back(id);
      at_most = id - 1;
    }
    EXPECT_TRUE(cursor.status().ok());
    return ids;
  }
  testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

TEST_F(PostingCursorTest, WalksEveryBlockNewestFirstFromAnyStart) {
  std::mt19937_64 random(17);
  std::vector<uint64_t> ids;
  for (int i = 0; i < 3000; ++i) ids.push_back(1 + random() % (5 * kPostingBlockDocs));
  // Written in several groups, flushed in between: merged across memtable and table files.
  for (size_t part = 0; part < 3; ++part) {
    const auto first = ids.begin() + static_cast<std::ptrdiff_t>(part * 1000);
    Add("strike", std::vector<uint64_t>(first, first + 1000));
    if (part == 1) {
      ASSERT_TRUE(db_->Flush({}).ok());
    }
  }
  Add("striker", {1, 2, 3});  // a longer word: never read as "strike"'s
  Add("stri", {9});
  std::sort(ids.begin(), ids.end(), std::greater<>());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(Walk("strike", UINT64_MAX), ids);
  for (uint64_t from : {ids[500], ids[500] - 1, PostingBlockFirst(2), PostingBlockFirst(2) - 1}) {
    std::vector<uint64_t> expected;
    for (uint64_t id : ids) {
      if (id <= from) expected.push_back(id);
    }
    EXPECT_EQ(Walk("strike", from), expected) << "from " << from;
  }
  EXPECT_EQ(Walk("striker", UINT64_MAX), std::vector<uint64_t>({3, 2, 1}));
  EXPECT_TRUE(Walk("strikes", UINT64_MAX).empty());
}

// A cursor that goes on past its first block walks on an iterator of its own (Next to the next
// lower block, a Seek when a jump passes blocks): the same ids as on the shared iterator alone,
// with empty blocks between and jumps of two blocks at a time.
TEST_F(PostingCursorTest, WalksOnItsOwnIteratorAsOnTheSharedOne) {
  std::mt19937_64 random(29);
  std::vector<uint64_t> ids;
  for (int i = 0; i < 4000; ++i) {
    const uint64_t id = 1 + random() % (12 * kPostingBlockDocs);
    if (PostingBlockOf(id) % 4 != 2) ids.push_back(id);  // blocks 2, 6, 10 empty
  }
  Add("strike", ids);
  Add("striker", {5, PostingBlockFirst(7)});  // the next list: a walk must stop before it
  std::sort(ids.begin(), ids.end(), std::greater<>());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto largest_at_or_below = [&](uint64_t at_most) -> uint64_t {
    auto it = std::lower_bound(ids.begin(), ids.end(), at_most, std::greater<>());
    return it == ids.end() ? 0 : *it;
  };
  // 0: no factory; 1: an iterator of its own; 2: a factory whose budget is spent (nullptr).
  for (const int own : {0, 1, 2}) {
    for (const uint64_t jump : {uint64_t{0}, 2 * kPostingBlockDocs + 7}) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}));
      std::function<std::unique_ptr<rocksdb::Iterator>()> make;
      size_t made = 0;
      if (own > 0) {
        make = [&]() -> std::unique_ptr<rocksdb::Iterator> {
          ++made;
          if (own == 2) return nullptr;
          return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator({}));
        };
      }
      PostingCursor cursor(*it, SearchListKey("strike", kClass), false, make);
      size_t steps = 0;
      for (uint64_t at_most = UINT64_MAX; at_most != 0; ++steps) {
        const uint64_t id = cursor.Next(at_most);
        ASSERT_EQ(id, largest_at_or_below(at_most)) << "own " << own << ", jump " << jump;
        if (id == 0) break;
        // Every third step jumps past two blocks.
        at_most = steps % 3 == 2 && id > jump ? id - 1 - jump : id - 1;
      }
      EXPECT_TRUE(cursor.status().ok());
      EXPECT_GT(steps, 100u);
      EXPECT_EQ(made, own > 0 ? 1u : 0u) << "asked once, whatever it gave";
    }
  }
}

TEST_F(PostingCursorTest, DamagedBlockYieldsEveryIdOfIt) {
  Add("strike", {PostingBlockFirst(3) + 5, 10});
  ASSERT_TRUE(db_->Put({}, Key("strike", 1), Bytes({0x01, 0x02, 0x05, 0x00})).ok());
  const std::vector<uint64_t> ids = Walk("strike", PostingBlockFirst(2) + 1);
  ASSERT_EQ(ids.size(), kPostingBlockDocs + 1);
  EXPECT_EQ(ids.front(), PostingBlockLast(1));
  EXPECT_EQ(ids[kPostingBlockDocs - 1], PostingBlockFirst(1));
  EXPECT_EQ(ids.back(), 10u);
}

// A write's postings: one Merge per word key and block, in key order (the memtable's insert
// hint relies on it), whatever the order and repetition the documents came in.
TEST_F(PostingCursorTest, BuilderWritesOneMergePerWordAndBlockInKeyOrder) {
  PostingBuilder builder;
  const uint64_t late = PostingBlockFirst(1) + 1;
  builder.Add({"oil", "strike"}, {kClass, kClass}, {{1}, {2, 9}}, late);
  builder.Add({"strike"}, {kClass}, {}, 5);  // a changed document keeps its older id
  builder.Add({"oil", "strike"}, {kClass, kClass}, {{1}, {4}}, late);
  builder.Add({"zhanaozen"}, {kClass}, {{0}}, late + 3);
  // Another class of a word is another list (FORMAT.md, format 7).
  builder.Add({"oil"}, {kOtherClass}, {{3}}, 7);
  EXPECT_EQ(builder.postings(), 7u);
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(builder.AddTo(batch, db_->DefaultColumnFamily()).ok());
  EXPECT_EQ(builder.postings(), 7u) << "unchanged: the writer keeps it until the batch is written";
  rocksdb::WriteBatch again;
  ASSERT_TRUE(builder.AddTo(again, db_->DefaultColumnFamily()).ok());
  EXPECT_EQ(again.Data(), batch.Data());
  builder.Clear();
  EXPECT_EQ(builder.postings(), 0u);
  rocksdb::WriteBatch cleared;
  ASSERT_TRUE(builder.AddTo(cleared, db_->DefaultColumnFamily()).ok());
  EXPECT_EQ(cleared.Count(), 0u);
  struct Keys : rocksdb::WriteBatch::Handler {
    std::vector<std::string> merged;
    rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      merged.push_back(key.ToString());
      return rocksdb::Status::OK();
    }
  } keys;
  ASSERT_TRUE(batch.Iterate(&keys).ok());
  EXPECT_EQ(keys.merged,
            std::vector<std::string>({Key("oil", 0, kOtherClass), Key("oil", 1), Key("strike", 1),
                                      Key("strike", 0), Key("zhanaozen", 1)}));
  ASSERT_TRUE(db_->Write({}, &batch).ok());
  EXPECT_EQ(Walk("strike", UINT64_MAX), std::vector<uint64_t>({late, 5}));
  EXPECT_EQ(Walk("oil", UINT64_MAX), std::vector<uint64_t>({late}));
  EXPECT_EQ(Walk("oil", UINT64_MAX, kOtherClass), std::vector<uint64_t>({7}));
  // The document added twice has the union of its positions; the one added without, none.
  std::string value;
  ASSERT_TRUE(db_->Get({}, Key("strike", 1), &value).ok());
  PostingList list;
  ASSERT_TRUE(DecodePostingList(value, 1, list));
  ASSERT_TRUE(list.has_positions());
  EXPECT_EQ(Positions(list, 0), std::vector<uint32_t>({2, 4, 9}));
  ASSERT_TRUE(db_->Get({}, Key("strike", 0), &value).ok());
  ASSERT_TRUE(DecodePostingList(value, 0, list));
  EXPECT_TRUE(Positions(list, 0).empty()) << "unknown";
}

// The builder's table of keys grows, is cleared and is filled again (thousands of keys, words that
// share prefixes, two classes of one word, documents repeated and out of order): every batch holds
// exactly the entries a plain map of (list key, block) -> documents gives, in key order.
TEST_F(PostingCursorTest, BuilderEqualsAPlainMapAcrossGrowthClearAndAppend) {
  std::mt19937 random(17);
  // Round 3's words are crafted to share one slot of the builder's table under the standard
  // library's hash (the low 16 bits of it): the builder switches to its keyed hash in the middle
  // of a document's words (posting_list.h, kMaxProbes) and must lose and repeat no list.
  std::vector<std::string> crafted;
  for (uint64_t n = 0; crafted.size() < 300; ++n) {
    const std::string word = "c" + std::to_string(n);
    if ((std::hash<std::string_view>{}(word)&0xffff) == 0) crafted.push_back(word);
  }
  PostingBuilder builder;
  // The same documents split in two builders, the second appended to the first (AppendFrom:
  // the writer's kept buffer), give the same entries byte for byte.
  PostingBuilder first_half, second_half;
  for (int round = 0; round < 4; ++round) {
    // (list key, block) -> doc id -> positions; nullopt: unknown.
    std::map<std::string, std::map<uint64_t, std::optional<std::vector<uint32_t>>>> expected;
    const int documents = round == 1 ? 5 : 300;  // after Clear, a small write in a big table
    for (int d = 0; d < documents; ++d) {
      const uint64_t doc_id = 1 + random() % (3 * kPostingBlockDocs);
      std::vector<std::string> words;
      std::vector<uint8_t> classes;
      std::vector<std::vector<uint32_t>> positions;
      kuzet::keywords::PositionLists position_lists;
      std::set<std::pair<std::string, uint8_t>> seen;
      for (int w = 0; w < 40; ++w) {
        std::string word =
            round == 3 ? crafted[random() % crafted.size()] : "w" + std::to_string(random() % 6000);
        if (random() % 4 == 0) word += "x";  // a word that is another's prefix
        const uint8_t word_class = random() % 8 == 0 ? kOtherClass : kClass;
        if (!seen.emplace(word, word_class).second) continue;
        words.push_back(word);
        classes.push_back(word_class);
        positions.push_back({static_cast<uint32_t>(w), static_cast<uint32_t>(100 + w)});
        for (const uint32_t p : positions.back()) position_lists.Push(p);
        position_lists.EndList();
      }
      const bool with_positions = random() % 5 != 0;
      if (!with_positions) position_lists.Clear();
      builder.Add(words, classes, position_lists, doc_id);
      (d < documents / 2 ? first_half : second_half).Add(words, classes, position_lists, doc_id);
      for (size_t w = 0; w < words.size(); ++w) {
        auto& docs =
            expected[SearchBlockKey(SearchListKey(words[w], classes[w]), PostingBlockOf(doc_id))];
        auto it = docs.find(doc_id);
        if (it == docs.end()) {
          docs.emplace(doc_id, with_positions ? std::optional(positions[w]) : std::nullopt);
        } else if (!with_positions || !it->second.has_value()) {
          it->second = std::nullopt;  // unknown once any is
        } else {                      // the document again: the union
          std::vector<uint32_t> merged = *it->second;
          merged.insert(merged.end(), positions[w].begin(), positions[w].end());
          std::sort(merged.begin(), merged.end());
          merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
          it->second = merged;
        }
      }
    }
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(builder.AddTo(batch, db_->DefaultColumnFamily()).ok());
    builder.Clear();
    first_half.AppendFrom(second_half);
    rocksdb::WriteBatch appended;
    ASSERT_TRUE(first_half.AddTo(appended, db_->DefaultColumnFamily()).ok());
    EXPECT_EQ(appended.Data(), batch.Data()) << "round " << round << ": AppendFrom";
    first_half.Clear();
    second_half.Clear();
    struct Entries : rocksdb::WriteBatch::Handler {
      std::vector<std::pair<std::string, std::string>> merged;
      rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice& key,
                              const rocksdb::Slice& value) override {
        merged.emplace_back(key.ToString(), value.ToString());
        return rocksdb::Status::OK();
      }
    } entries;
    ASSERT_TRUE(batch.Iterate(&entries).ok());
    ASSERT_EQ(entries.merged.size(), expected.size()) << "round " << round;
    auto want = expected.begin();
    for (const auto& [key, value] : entries.merged) {
      ASSERT_EQ(key, want->first) << "round " << round << ": one entry per key, in key order";
      std::string_view word;
      std::optional<uint8_t> word_class;
      uint64_t block = 0;
      ASSERT_TRUE(ParseSearchBlockKey(key, word, word_class, block));
      PostingList list;
      ASSERT_TRUE(DecodePostingList(value, block, list));
      ASSERT_EQ(list.doc_ids.size(), want->second.size());
      auto doc = want->second.rbegin();  // newest first
      for (size_t i = 0; i < list.doc_ids.size(); ++i, ++doc) {
        EXPECT_EQ(list.doc_ids[i], doc->first);
        EXPECT_EQ(Positions(list, i), doc->second.value_or(std::vector<uint32_t>{}))
            << key << " doc " << doc->first;
      }
      ++want;
    }
  }
}

}  // namespace
}  // namespace kuzet::storage
