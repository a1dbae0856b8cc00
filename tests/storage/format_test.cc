// Tests of the on-disk building blocks described in storage/README.md: key order, record
// round-trips, refusal of every truncated record, SHA-256 against FIPS 180-4 vectors, and the
// text normalization behind exact-duplicate detection.
#include <gtest/gtest.h>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <random>

#include "storage/encoding.h"
#include "storage/records.h"
#include "storage/sha256.h"
#include "storage/simhash.h"
#include "storage/store.h"
#include "storage/text_fold.h"
#include "tests/shared_corpus.h"

namespace kuzet::storage {
namespace {

TEST(KeyOrderTest, IndexKeysSortNewestFirstAndOutboxKeysOldestFirst) {
  const std::pair<int64_t, uint64_t> oldest_first[] = {{INT64_MIN, 0},
                                                       {-1'000'000, 5},
                                                       {-1, 0},
                                                       {0, 0},
                                                       {0, 1},
                                                       {1, 0},
                                                       {255, 0},
                                                       {256, 0},
                                                       {1'700'000'000'000'000, 1},
                                                       {1'700'000'000'000'000, 300},
                                                       {INT64_MAX, UINT64_MAX}};
  for (size_t i = 1; i < std::size(oldest_first); ++i) {
    auto [t0, id0] = oldest_first[i - 1];
    auto [t1, id1] = oldest_first[i];
    EXPECT_GT(TimeIndexKey(t0, id0), TimeIndexKey(t1, id1)) << i;
    EXPECT_GT(RuleIndexKey("r", t0, id0), RuleIndexKey("r", t1, id1)) << i;
    EXPECT_LT(OutboxKey(t0, id0), OutboxKey(t1, id1)) << i;
    EXPECT_EQ(MentionIdOfIndexKey(SiteIndexKey("site", t1, id1)), id1);
  }
  std::string key = OutboxKey(-42, 7);
  Reader r(key);
  int64_t t;
  uint64_t id;
  ASSERT_TRUE(r.GetTimeBE(t) && r.GetFixed64BE(id));
  EXPECT_EQ(t, -42);
  EXPECT_EQ(id, 7u);
}

TEST(KeyOrderTest, RuleIndexKeysOfOneRuleAreContiguous) {
  // "ab" must not fall between "a"'s entries: the NUL after the rule id ends it.
  std::vector<std::string> keys = {RuleIndexKey("a", 5, 1), RuleIndexKey("ab", 1, 2),
                                   RuleIndexKey("a", 9, 3), RuleIndexKey("a\x01", 0, 4),
                                   RuleIndexKey("b", 0, 5)};
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys[0], RuleIndexKey("a", 9, 3));
  EXPECT_EQ(keys[1], RuleIndexKey("a", 5, 1));
  EXPECT_TRUE(keys[1].starts_with(IndexPrefix("a")));
  EXPECT_FALSE(keys[2].starts_with(IndexPrefix("a")));
}

TEST(VarintTest, RoundTripsBoundaryValues) {
  const uint64_t values[] = {0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
  const int64_t signed_values[] = {0, -1, 1, -64, 64, INT64_MIN, INT64_MAX};
  std::string buf;
  for (uint64_t v : values) PutVarint64(buf, v);
  for (int64_t v : signed_values) PutVarsint64(buf, v);
  Reader r(buf);
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(r.GetVarint64(got));
    EXPECT_EQ(got, v);
  }
  for (int64_t v : signed_values) {
    int64_t got;
    ASSERT_TRUE(r.GetVarsint64(got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(r.empty());
  std::string one;
  PutVarsint64(one, -1);
  EXPECT_EQ(one.size(), 1u) << "zigzag keeps small negatives short";
}

Mention SampleMention() {
  Mention m;
  m.id = 300;
  m.doc_id = 12;
  m.rule_id = "zhanaozen";
  m.site_id = "azattyq";
  m.url = "https://rus.azattyq.org/a/24425395.html";
  m.title = "Жаңаөзен";
  m.lang = "kk";
  m.snippet = "Жаңаөзендегі ереуіл";
  m.snippet_mark_begin = 0;
  m.snippet_mark_end = 22;
  m.found_at_us = 1'700'000'000'000'000;
  m.hits = {{"жаңаөзен", "Жаңаөзендегі", 0, 22}, {"жанаозен", "Жанаозен", 40, 56}};
  m.story_id = 9;
  return m;
}

Document SampleDocument() {
  Document d;
  d.id = 12;
  d.site_id = "azattyq";
  d.url = "https://rus.azattyq.org/a/24425395.html";
  d.final_url = d.url + "?x=1";
  d.title = "Жаңаөзен";
  d.text = std::string("text with a NUL \0 inside", 24);
  d.lang = "kk";
  d.charset = "utf-8";
  d.author = "A";
  d.published = "2011-12-16";
  d.canonical_url = d.url;
  d.fetched_at_us = -5;
  d.http_status = 200;
  d.etag = "\"e\"";
  d.last_modified = "Fri, 16 Dec 2011 10:00:00 GMT";
  d.first_seen_us = 1;
  d.content_hash = std::string(64, 'a');
  d.duplicate_urls = {"https://x.kz/1", "https://y.kz/2"};
  d.duplicate_site_ids = {"x", ""};
  return d;
}

TEST(RecordTest, RoundTripsAndRefusesEveryTruncation) {
  UrlState url{1'700'000'000'000'000, 304, "\"etag\"", "yesterday", 77, std::string(64, 'f')};
  Mention mention = SampleMention();
  Document doc = SampleDocument();
  OutboxEntry alert{0, 0, OutboxEntry::State::kFailed, 3, "HTTP 503"};
  // A record from before per-channel states ends where the channel list begins.
  const size_t alert_without_channels = EncodeOutboxValue(alert).size() - 1;
  alert.channels = {{"webhook", ChannelDelivery::State::kFailed, 3, "HTTP 503", 7}};

  const std::string encoded[] = {EncodeUrlState(url), EncodeMention(mention), EncodeDocument(doc),
                                 EncodeOutboxValue(alert)};
  UrlState url2;
  ASSERT_TRUE(DecodeUrlState(encoded[0], url2));
  EXPECT_EQ(EncodeUrlState(url2), encoded[0]);
  EXPECT_EQ(url2.doc_id, 77u);
  EXPECT_EQ(url2.http_status, 304);
  Mention mention2;
  ASSERT_TRUE(DecodeMention(encoded[1], mention2));
  EXPECT_EQ(EncodeMention(mention2), encoded[1]);
  EXPECT_EQ(mention2.hits.size(), 2u);
  EXPECT_EQ(mention2.hits[1].surface, "Жанаозен");
  Document doc2;
  ASSERT_TRUE(DecodeDocument(encoded[2], doc2));
  EXPECT_EQ(EncodeDocument(doc2), encoded[2]);
  EXPECT_EQ(doc2.text, doc.text);
  EXPECT_EQ(doc2.duplicate_urls, doc.duplicate_urls);
  EXPECT_EQ(doc2.duplicate_site_ids, doc.duplicate_site_ids);
  EXPECT_EQ(doc2.fetched_at_us, -5);
  OutboxEntry alert2;
  ASSERT_TRUE(DecodeOutboxValue(encoded[3], alert2));
  EXPECT_EQ(alert2.attempts, 3u);
  EXPECT_EQ(alert2.state, OutboxEntry::State::kFailed);
  EXPECT_EQ(alert2.last_error, "HTTP 503");
  EXPECT_EQ(alert2.channels, alert.channels);
  EXPECT_EQ(mention2.story_id, 9u);

  // Appended fields of a later record version are ignored.
  ASSERT_TRUE(DecodeMention(encoded[1] + "\x01later field", mention2));

  // Records written before fields were appended (mention: story_id; document: the duplicates'
  // sites, 4 bytes here; alert: last_error, due_us) still decode, with those fields empty.
  // Every other truncation is refused.
  const size_t legacy_size[] = {0, encoded[1].size() - 1, encoded[2].size() - 4, 3};
  ASSERT_TRUE(DecodeMention(std::string_view(encoded[1]).substr(0, legacy_size[1]), mention2));
  EXPECT_EQ(mention2.story_id, 0u);
  ASSERT_TRUE(DecodeDocument(std::string_view(encoded[2]).substr(0, legacy_size[2]), doc2));
  EXPECT_EQ(doc2.duplicate_urls, doc.duplicate_urls);
  EXPECT_EQ(doc2.duplicate_site_ids, (std::vector<std::string>{"", ""}));
  ASSERT_TRUE(DecodeOutboxValue(std::string_view(encoded[3]).substr(0, 3), alert2));
  EXPECT_EQ(alert2.last_error, "");

  for (int kind = 0; kind < 4; ++kind) {
    for (size_t size = 0; size < encoded[kind].size(); ++size) {
      std::string_view cut(encoded[kind].data(), size);
      bool decoded = kind == 0   ? DecodeUrlState(cut, url2)
                     : kind == 1 ? DecodeMention(cut, mention2)
                     : kind == 2 ? DecodeDocument(cut, doc2)
                                 : DecodeOutboxValue(cut, alert2);
      if (size == legacy_size[kind] && size > 0) continue;
      if (kind == 3 && size == alert_without_channels) continue;
      EXPECT_FALSE(decoded) << "record kind " << kind << " truncated to " << size << " bytes";
    }
  }
  // An unknown record version is refused, not misread.
  std::string future = encoded[1];
  future[0] = 2;
  EXPECT_FALSE(DecodeMention(future, mention2));
}

// The text's token checkpoints (FORMAT.md, Document, appended): written only when there are any,
// so a record without them is what it was before the field; deltas from the previous one; a
// record whose checkpoints do not ascend, leave the text or overrun it is refused.
TEST(RecordTest, DocumentTokenCheckpointsAreAppendedAndChecked) {
  Document doc = SampleDocument();
  const std::string without = EncodeDocument(doc);
  doc.token_checkpoints = {{3, 5}, {40, 16}, {300, 24}};
  const std::string with = EncodeDocument(doc);
  ASSERT_EQ(with.substr(0, without.size()), without);
  // n, then (token delta, byte delta) each: 3, (3, 5), (37, 11), (260 = 0x84 0x02, 8).
  EXPECT_EQ(with.substr(without.size()), std::string("\x03\x03\x05\x25\x0b\x84\x02\x08"));
  Document decoded;
  ASSERT_TRUE(DecodeDocument(with, decoded));
  EXPECT_EQ(decoded.token_checkpoints, doc.token_checkpoints);
  EXPECT_EQ(EncodeDocument(decoded), with);
  ASSERT_TRUE(DecodeDocument(without, decoded));
  EXPECT_TRUE(decoded.token_checkpoints.empty()) << "a record without them reads as none";
  for (size_t size = without.size() + 1; size < with.size(); ++size) {
    EXPECT_FALSE(DecodeDocument(std::string_view(with).substr(0, size), decoded)) << size;
  }
  const struct {
    const char* what;
    std::string tail;
  } refused[] = {
      {"a token delta of 0", std::string("\x02\x03\x05\x00\x01", 5)},
      {"a byte delta of 0", std::string("\x02\x03\x05\x01\x00", 5)},
      {"past the text's 24 bytes", "\x01\x03\x19"},
      {"past the text's end by adding up", "\x02\x03\x0c\x01\x0d"},
      {"more than the bytes left hold", "\x03\x03\x05\x01\x01"},
      {"a count beyond any record", "\xff\xff\xff\xff\x0f\x01\x01"},
      {"a token past 2^32", "\x02\x03\x05\xff\xff\xff\xff\x0f\x01"},
  };
  for (const auto& r : refused) {
    EXPECT_FALSE(DecodeDocument(without + r.tail, decoded)) << r.what;
  }
  EXPECT_TRUE(DecodeDocument(without + "\x02\x03\x0c\x01\x0c", decoded)) << "up to the end";
}

TEST(RecordTest, DocStoryRoundTripsWithAndWithoutSimHash) {
  for (std::optional<uint64_t> simhash : {std::optional<uint64_t>(), std::optional<uint64_t>(0),
                                          std::optional<uint64_t>(UINT64_MAX)}) {
    DocStory story{42, simhash}, decoded;
    std::string encoded = EncodeDocStory(story);
    ASSERT_TRUE(DecodeDocStory(encoded, decoded));
    EXPECT_EQ(decoded.story_id, 42u);
    EXPECT_EQ(decoded.simhash, simhash);
    for (size_t size = 0; size < encoded.size(); ++size) {
      EXPECT_FALSE(DecodeDocStory(std::string_view(encoded.data(), size), decoded)) << size;
    }
  }
}

// The permuted-prefix tables find a fingerprint by exact match on one 16-bit block; that finds
// every fingerprint within distance 3 only if one of the four blocks always survives 3 flips.
TEST(SimHashTableTest, EveryFingerprintWithinDistanceThreeSharesABucket) {
  std::mt19937_64 random(7);
  for (int trial = 0; trial < 20000; ++trial) {
    uint64_t a = random();
    uint64_t b = a;
    int flips = static_cast<int>(random() % 4);
    for (int f = 0; f < flips; ++f) b ^= uint64_t{1} << (random() % 64);
    ASSERT_LE(HammingDistance(a, b), kMaxNearDuplicateDistance);
    int shared = 0;
    for (int block = 0; block < kSimHashBlocks; ++block) {
      shared += SimHashBucketKey(block, SimHashBlock(a, block)) ==
                SimHashBucketKey(block, SimHashBlock(b, block));
    }
    ASSERT_GE(shared, 1) << std::hex << a << " " << b;
  }
  // The blocks tile the 64 bits, most significant first; a bucket key is the block number and
  // the block's bits.
  EXPECT_EQ(SimHashBlock(0x0123456789abcdefULL, 0), 0x0123);
  EXPECT_EQ(SimHashBlock(0x0123456789abcdefULL, 3), 0xcdef);
  EXPECT_EQ(SimHashBucketKey(2, 0x89ab), std::string("\x02\x89\xab", 3));
}

TEST(RecordTest, SimHashBucketsRoundTripAndRefuseTruncation) {
  std::vector<SimHashEntry> entries = {{0x0123456789abcdefULL, 1}, {UINT64_MAX, UINT64_MAX}},
                            decoded;
  std::string encoded = EncodeSimHashBucket(entries);
  EXPECT_EQ(encoded.size(), 1u + 16 * entries.size());
  ASSERT_TRUE(DecodeSimHashBucket(encoded, decoded));
  EXPECT_EQ(decoded, entries);
  for (size_t size = 0; size < encoded.size(); ++size) {
    bool whole_entries = size >= 1 && (size - 1) % 16 == 0;
    EXPECT_EQ(DecodeSimHashBucket(std::string_view(encoded.data(), size), decoded), whole_entries)
        << size;
  }
  EXPECT_FALSE(DecodeSimHashBucket(std::string("\x02", 1), decoded)) << "unknown record version";
}

TEST(SimHashBasicsTest, ShortTextsHaveNoneAndNormalizedEqualTextsShareOne) {
  EXPECT_FALSE(TextSimHash("").has_value());
  EXPECT_FALSE(TextSimHash("oil workers went on strike in zhanaozen").has_value());
  std::string words;
  for (int i = 0; i < kMinWords - 1; ++i) words += "word" + std::to_string(i) + " ";
  EXPECT_FALSE(TextSimHash(words).has_value()) << kMinWords - 1 << " words are too few";
  words += "last";
  EXPECT_TRUE(TextSimHash(words).has_value()) << kMinWords << " words are enough";
  std::string text =
      "Oil workers in Zhanaozen went on strike in May 2011, demanding higher pay, safer "
      "conditions and the right to form an independent union. The strike lasted seven months "
      "until police opened fire on the sixteenth of December, killing at least fourteen people "
      "in the central square of the town.";
  auto a = TextSimHash(text);
  auto b = TextSimHash("  OIL  " + text.substr(4) + "\n");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  // Punctuation is not part of a word.
  EXPECT_EQ(TextSimHash(words), TextSimHash("«" + words + "»..."));
  // A feature is a word, weighted by 1 + ln(count): word order alone changes nothing.
  EXPECT_EQ(TextSimHash(words), TextSimHash("last " + words.substr(0, words.size() - 4)));
}

// Short lines (share blocks, credits, "read also" links) do not count once the long lines hold
// enough words; a text made of short lines only still has a SimHash.
TEST(SimHashBasicsTest, ShortLinesAreLeftOutOfLongTexts) {
  const std::string paragraph =
      "Oil workers in Zhanaozen went on strike in May 2011, demanding higher pay, safer "
      "conditions and the right to form an independent union. The strike lasted seven months "
      "until police opened fire on the sixteenth of December, killing at least fourteen people "
      "in the central square of the town.";
  const std::string short_line(kShortLineChars - 1, 'x');  // one word, 69 characters
  ASSERT_EQ(TextSimHash(paragraph), TextSimHash("Share: Facebook Telegram\n" + paragraph + "\n" +
                                                short_line + "\r\nPhoto: Reuters"));
  const std::string long_line(kShortLineChars, 'x');
  EXPECT_NE(TextSimHash(paragraph), TextSimHash(paragraph + "\n" + long_line));
  // Whitespace runs count one character: a short line padded with spaces stays short.
  EXPECT_EQ(TextSimHash(paragraph), TextSimHash(paragraph + "\nfollow   us          on "
                                                            "telegram              and       "
                                                            "        instagram              "));
  std::string short_lines;
  for (int i = 0; i < kMinWords; ++i) short_lines += "line number " + std::to_string(i) + "\n";
  EXPECT_TRUE(TextSimHash(short_lines).has_value());
}

TEST(Sha256Test, MatchesFips180Vectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Padding edges: 55, 56 and 64 bytes need one, two and two final blocks.
  EXPECT_EQ(Sha256Hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(Sha256Hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(Sha256Hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(NormalizeForFingerprintTest, IgnoresCaseUnicodeFormAndWhitespace) {
  struct Case {
    const char* a;
    const char* b;
  };
  const Case same[] = {
      {"Oil workers in Zhanaozen", "  oil   WORKERS\tin\nzhanaozen "},
      {"Жанаозен", "ЖАНАОЗЕН"},
      {"Жаңаөзен", "ЖАҢАӨЗЕН"},
      {"й", "\xD0\xB8\xCC\x86"},              // composed vs и + combining breve
      {"Zhanaozen", "\xEF\xBC\xBAhanaozen"},  // full-width Z
      {"a b",
       "a\xC2\xA0\xE2\x80\x83"
       "b"},  // no-break and em spaces
      {"Straße", "STRASSE"},
  };
  for (const Case& c : same) {
    EXPECT_EQ(NormalizeForFingerprint(c.a), NormalizeForFingerprint(c.b)) << c.a << " / " << c.b;
  }
  EXPECT_EQ(NormalizeForFingerprint("  Oil   Workers \n"), "oil workers");
  const Case different[] = {
      {"Жанаозен", "Жаңаөзен"},  // different letters stay different
      {"oil workers", "oilworkers"},
      {"2011", "2012"},
  };
  for (const Case& c : different) {
    EXPECT_NE(NormalizeForFingerprint(c.a), NormalizeForFingerprint(c.b)) << c.a << " / " << c.b;
  }
}

// Stored content hashes depend on the exact bytes of the normalization: the UTF-8 fast path must
// give what the original UTF-16 pipeline gave (ICU nfkc_cf, then whitespace collapsed), on real
// texts and on ill-formed input (each bad sequence one U+FFFD).
std::string ReferenceNormalization(const std::string& utf8) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(error);
  icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString::fromUTF8(utf8), error);
  icu::UnicodeString collapsed;
  bool pending_space = false;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !collapsed.isEmpty();
      continue;
    }
    if (pending_space) collapsed.append(static_cast<UChar>(' '));
    pending_space = false;
    collapsed.append(c);
  }
  std::string out;
  collapsed.toUTF8String(out);
  return out;
}

TEST(NormalizeForFingerprintTest, GivesTheBytesStoredHashesWereMadeOf) {
  std::vector<std::string> texts = {
      "", " \n\t ", "Жаңаөзен\u2028ЖАҢАӨЗЕН\u00a0Straße ＺＨＡＮＡＯＺＥＮ ﬁ ①",
      std::string("bad \xff\xfe bytes \xd0 cut \xe2\x82 and \xed\xa0\x80 a surrogate"),
      std::string("nul \0 inside", 13)};
  // Ill-formed sequences at every offset of the eight-bytes-at-a-time ASCII check.
  for (const char* bad : {"\xff", "\xe2\x82", "\xed\xa0\x80", "\xf0\x9f\x98", "\xc0\xaf"}) {
    for (size_t offset = 0; offset < 18; ++offset) {
      texts.push_back(std::string(offset, 'A') + bad + std::string(9, 'b') + bad);
    }
  }
  for (const testing::GroundTruthArticle& article : testing::GroundTruth("daniel-ru-dev")) {
    texts.push_back(article.body);
  }
  for (const std::string& text : texts) {
    EXPECT_EQ(NormalizeForFingerprint(text), ReferenceNormalization(text)) << text.substr(0, 80);
  }
}

// TextKeysOf collapses the whitespace in the SimHash's pass over the folded text: that pass gives
// CollapseWhitespace's bytes and the SimHash's value, whitespace, line breaks, U+FFFD and
// ill-formed input (one U+FFFD per bad sequence; three bad bytes kept, as always) included.
TEST(TextKeysTest, OnePassCollapsesAsCollapseWhitespace) {
  struct Case {
    std::string text, collapsed;
  };
  const Case cases[] = {
      {"", ""},
      {" \n\t ", ""},
      {"  oil \t\r\n workers  ", "oil workers"},
      {"a\u00a0\u2003b\u2028c\u0085d\u000be", "a b c d e"},
      {"x\xff\xfey", "x\uFFFD\uFFFDy"},
      {" \xff ", "\uFFFD"},
      {"a \xE2\x82 b", "a \uFFFD b"},
      {"a \xF0\x9F\x98 b", "a \xF0\x9F\x98 b"},
      {"real \uFFFD kept", "real \uFFFD kept"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CollapseWhitespace(c.text), c.collapsed) << c.text;
    std::string collapsed = "left over";
    EXPECT_EQ(SimHashOfFoldedText(c.text, &collapsed), SimHashOfFoldedText(c.text)) << c.text;
    EXPECT_EQ(collapsed, c.collapsed) << c.text;
  }
  std::string article;
  for (int i = 0; i < 40; ++i) article += "Жаңаөзен  oil workers\u00a0went on strike, line ";
  std::string collapsed;
  const auto simhash = SimHashOfFoldedText(FoldText(article), &collapsed);
  ASSERT_TRUE(simhash.has_value());
  EXPECT_EQ(simhash, TextSimHash(article));
  EXPECT_EQ(collapsed, NormalizeForFingerprint(article));
}

// The keys a caller computes ahead (the pipeline's workers) are the store's own: the SHA-256 of
// the exact-duplicate text and the SimHash, of well-formed, ill-formed and empty text alike.
TEST(TextKeysTest, AreTheFingerprintAndSimHashOfTheText) {
  std::string article;
  for (int i = 0; i < 12; ++i) {
    article +=
        "Oil workers of Zhanaozen went on strike in 2011; ЖАҢАӨЗЕН мұнайшылары ереуілге "
        "шықты, line " +
        std::to_string(i) + "\n";
  }
  const std::string texts[] = {
      "",
      " \n\t ",
      "Жаңаөзен\u2028ЖАҢАӨЗЕН\u00a0Straße ＺＨＡＮＡＯＺＥＮ",
      std::string("bad \xff\xfe bytes \xd0 cut \xe2\x82 and \xed\xa0\x80 a surrogate"),
      std::string("nul \0 inside", 13),
      article};
  for (const std::string& text : texts) {
    const TextKeys keys = TextKeysOf(text);
    const std::array<uint8_t, 32> digest = Sha256(NormalizeForFingerprint(text));
    EXPECT_EQ(keys.fingerprint_key, std::string(digest.begin(), digest.end())) << text;
    EXPECT_EQ(keys.simhash, TextSimHash(text)) << text;
    EXPECT_EQ(keys.text_bytes, text.size()) << text;
  }
  EXPECT_TRUE(TextKeysOf(article).simhash.has_value()) << "the article is long enough for one";
}

}  // namespace
}  // namespace kuzet::storage
