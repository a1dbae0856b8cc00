// Tests of the alert-delivery side of storage/store.h (issue #8): due alerts in due order,
// rescheduling after a failed attempt, giving up and requeueing, and the 'sent' marker that keeps
// a mention alerted once. Every state change must survive a reopen.
#include <gtest/gtest.h>

#include "storage/records.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::DumpFamilies;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kMinute = 60'000'000;

std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                 Store::Mode mode = Store::Mode::kReadWrite) {
  auto store = Store::Open(dir, mode);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<uint64_t> Ids(const Result<std::vector<OutboxEntry>>& entries) {
  EXPECT_TRUE(entries.ok()) << entries.status().message();
  std::vector<uint64_t> ids;
  if (entries.ok()) {
    for (const OutboxEntry& e : *entries) ids.push_back(e.mention_id);
  }
  return ids;
}

// Three pages, one mention each, found at kT0, kT0 + 1 min and kT0 + 2 min: mention ids 1, 2, 3.
class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
    for (int i = 0; i < 3; ++i) {
      std::string text = "Strike number " + std::to_string(i) + " in Zhanaozen.";
      auto put = store_->writer().PutPage(Page("https://a.kz/" + std::to_string(i), text,
                                               kT0 + i * kMinute, {Rule("zh", text, "Zhanaozen")}));
      ASSERT_TRUE(put.ok()) << put.status().message();
      ASSERT_EQ(put->new_mentions, 1);
    }
  }
  void Reopen() {
    store_.reset();
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AlertsTest, DueAlertsArePendingEntriesDueByNowOldestFirst) {
  EXPECT_TRUE(Ids(store_->outbox().DueAlerts(kT0 - 1, 10)).empty());
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(kT0, 10)), std::vector<uint64_t>{1});
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(kT0 + 2 * kMinute, 10)),
            (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(kT0 + 2 * kMinute, 2)), (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(Ids(store_->outbox().DueAlerts(kT0 + 2 * kMinute, 0)).empty());
  auto due = store_->outbox().DueAlerts(INT64_MAX, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[1].due_us, kT0 + kMinute);
  EXPECT_EQ((*due)[1].state, OutboxEntry::State::kPending);
  EXPECT_EQ((*due)[1].attempts, 0u);
  EXPECT_EQ((*due)[1].last_error, "");
}

TEST_F(AlertsTest, SentAlertLeavesTheOutboxAndIsRememberedAcrossReopen) {
  EXPECT_FALSE(*store_->outbox().IsAlertSent(2));
  ASSERT_TRUE(store_->outbox().MarkAlertSent(2, kT0 + 5 * kMinute).ok());
  EXPECT_TRUE(*store_->outbox().IsAlertSent(2));
  EXPECT_FALSE(*store_->outbox().IsAlertSent(1));
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(INT64_MAX, 10)), (std::vector<uint64_t>{1, 3}));
  // Sending twice (a crash between delivery and marking) is harmless.
  ASSERT_TRUE(store_->outbox().MarkAlertSent(2, kT0 + 6 * kMinute).ok());
  Reopen();
  EXPECT_TRUE(*store_->outbox().IsAlertSent(2));
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(INT64_MAX, 10)), (std::vector<uint64_t>{1, 3}));
  EXPECT_FALSE(*store_->outbox().IsAlertSent(99));
  // Once sent there is nothing left to reschedule or fail.
  EXPECT_EQ(store_->outbox().RescheduleAlert(2, kT0, "x").code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->outbox().MarkAlertFailed(2, "x").code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->outbox().RescheduleAlert(99, kT0, "x").code(), Status::Code::kNotFound);
}

TEST_F(AlertsTest, RescheduleCountsTheAttemptAndMovesTheDueTime) {
  ASSERT_TRUE(store_->outbox().RescheduleAlert(1, kT0 + 10 * kMinute, "connection refused").ok());
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(kT0 + 2 * kMinute, 10)), (std::vector<uint64_t>{2, 3}));
  ASSERT_TRUE(store_->outbox().RescheduleAlert(1, kT0 + 20 * kMinute, "HTTP 503").ok());
  Reopen();
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(kT0 + 19 * kMinute, 10)), (std::vector<uint64_t>{2, 3}));
  auto due = store_->outbox().DueAlerts(kT0 + 20 * kMinute, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(Ids(due), (std::vector<uint64_t>{2, 3, 1}));
  EXPECT_EQ((*due)[2].due_us, kT0 + 20 * kMinute);
  EXPECT_EQ((*due)[2].attempts, 2u);
  EXPECT_EQ((*due)[2].last_error, "HTTP 503");
  // A rescheduled alert, once delivered, leaves no entry anywhere but the sent marker.
  ASSERT_TRUE(store_->outbox().MarkAlertSent(1, kT0 + 21 * kMinute).ok());
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(INT64_MAX, 10)), (std::vector<uint64_t>{2, 3}));
  store_.reset();
  auto dump = DumpFamilies(dir_.db_path());
  EXPECT_EQ(dump["outbox"].size(), 2u);
  ASSERT_EQ(dump["alerts"].size(), 1u);
  EXPECT_EQ(dump["alerts"].begin()->first[0], 's');
}

TEST_F(AlertsTest, FailedAlertsWaitUntilRequeuedThenStartAfresh) {
  ASSERT_TRUE(store_->outbox().RescheduleAlert(3, kT0 + 3 * kMinute, "timeout").ok());
  ASSERT_TRUE(store_->outbox().MarkAlertFailed(3, "gave up after 1 attempt").ok());
  ASSERT_TRUE(store_->outbox().MarkAlertFailed(1, "bad webhook URL").ok());
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(INT64_MAX, 10)), std::vector<uint64_t>{2});
  EXPECT_EQ(store_->outbox().MarkAlertFailed(1, "again").code(), Status::Code::kNotFound);
  Reopen();
  auto failed = store_->outbox().FailedAlerts(10);
  ASSERT_EQ(Ids(failed), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ((*failed)[0].state, OutboxEntry::State::kFailed);
  EXPECT_EQ((*failed)[0].last_error, "bad webhook URL");
  EXPECT_EQ((*failed)[1].attempts, 1u);
  EXPECT_EQ((*failed)[1].last_error, "gave up after 1 attempt");
  EXPECT_EQ(Ids(store_->outbox().FailedAlerts(1)), std::vector<uint64_t>{1});

  const int64_t now = kT0 + 60 * kMinute;
  auto requeued = store_->outbox().RequeueFailedAlerts(now);
  ASSERT_TRUE(requeued.ok()) << requeued.status().message();
  EXPECT_EQ(*requeued, 2);
  EXPECT_TRUE(Ids(store_->outbox().FailedAlerts(10)).empty());
  EXPECT_EQ(*store_->outbox().RequeueFailedAlerts(now), 0);
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(now - 1, 10)), std::vector<uint64_t>{2});
  auto due = store_->outbox().DueAlerts(now, 10);
  ASSERT_EQ(Ids(due), (std::vector<uint64_t>{2, 1, 3}));
  EXPECT_EQ((*due)[2].attempts, 0u);
  EXPECT_EQ((*due)[2].due_us, now);
  // A requeued alert can be rescheduled and sent like any other.
  ASSERT_TRUE(store_->outbox().RescheduleAlert(3, now + kMinute, "timeout").ok());
  ASSERT_TRUE(store_->outbox().MarkAlertSent(3, now + kMinute).ok());
  EXPECT_TRUE(*store_->outbox().IsAlertSent(3));
  EXPECT_EQ(Ids(store_->outbox().DueAlerts(INT64_MAX, 10)), (std::vector<uint64_t>{2, 1}));
}

ChannelDelivery Channel(const std::string& key, ChannelDelivery::State state, uint32_t attempts,
                        const std::string& error, int64_t at_us) {
  return ChannelDelivery{key, state, attempts, error, at_us};
}

// One message carried several alerts (an article's rules, issue #18): its outcome is recorded in
// every entry at once, or, when one of them has no pending entry, in none.
TEST_F(AlertsTest, OneSendIsRecordedInAllItsEntriesOrInNone) {
  using State = ChannelDelivery::State;
  const ChannelDelivery email = Channel("email", State::kSent, 0, "", kT0);
  EXPECT_EQ(store_->outbox().RecordAlertChannels({{1, email}, {99, email}}).code(),
            Status::Code::kNotFound);
  auto due = store_->outbox().DueAlerts(kT0 + 10 * kMinute, 10);
  ASSERT_EQ(Ids(due), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_TRUE((*due)[0].channels.empty()) << "nothing written for mention 1 either";

  ASSERT_TRUE(store_->outbox().RecordAlertChannels({{1, email}, {3, email}}).ok());
  Reopen();
  due = store_->outbox().DueAlerts(kT0 + 10 * kMinute, 10);
  ASSERT_EQ(Ids(due), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ((*due)[0].channels, std::vector<ChannelDelivery>{email});
  EXPECT_TRUE((*due)[1].channels.empty());
  EXPECT_EQ((*due)[2].channels, std::vector<ChannelDelivery>{email});
}

TEST_F(AlertsTest, ChannelStatesAreRecordedInPlaceAndKeptThroughRescheduleFailureAndReopen) {
  using State = ChannelDelivery::State;
  const ChannelDelivery email = Channel("email", State::kSent, 0, "", kT0);
  ChannelDelivery webhook = Channel("webhook", State::kPending, 1, "HTTP 500", kT0 + kMinute);
  ASSERT_TRUE(store_->outbox().RecordAlertChannel(1, email).ok());
  ASSERT_TRUE(store_->outbox().RecordAlertChannel(1, webhook).ok());
  webhook.attempts = 2;  // a later outcome of the same channel replaces the earlier one
  ASSERT_TRUE(store_->outbox().RecordAlertChannel(1, webhook).ok());
  auto due = store_->outbox().DueAlerts(kT0, 10);
  ASSERT_EQ(Ids(due), std::vector<uint64_t>{1}) << "recording does not move the entry";
  EXPECT_EQ((*due)[0].channels, (std::vector<ChannelDelivery>{email, webhook}));

  ASSERT_TRUE(store_->outbox().RescheduleAlert(1, kT0 + 5 * kMinute, "webhook: HTTP 500").ok());
  Reopen();
  due = store_->outbox().DueAlerts(kT0 + 5 * kMinute, 10);
  ASSERT_EQ(Ids(due), (std::vector<uint64_t>{2, 3, 1}));
  EXPECT_EQ((*due)[2].channels, (std::vector<ChannelDelivery>{email, webhook}));
  webhook = Channel("webhook", State::kFailed, 3, "HTTP 500", kT0 + 5 * kMinute);
  ASSERT_TRUE(store_->outbox().RecordAlertChannel(1, webhook).ok());
  ASSERT_TRUE(store_->outbox().MarkAlertFailed(1, "webhook: HTTP 500").ok());
  auto failed = store_->outbox().FailedAlerts(10);
  ASSERT_EQ(Ids(failed), std::vector<uint64_t>{1});
  EXPECT_EQ((*failed)[0].channels, (std::vector<ChannelDelivery>{email, webhook}));
  // Only a pending entry takes a channel's outcome.
  EXPECT_EQ(store_->outbox().RecordAlertChannel(1, email).code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->outbox().RecordAlertChannel(99, email).code(), Status::Code::kNotFound);

  // --retry: the failed channel starts afresh, the sent one stays sent (it is never repeated).
  const int64_t now = kT0 + 60 * kMinute;
  ASSERT_EQ(*store_->outbox().RequeueFailedAlerts(now), 1);
  due = store_->outbox().DueAlerts(now, 10);
  ASSERT_EQ(Ids(due), (std::vector<uint64_t>{2, 3, 1}));
  EXPECT_EQ((*due)[2].channels,
            (std::vector<ChannelDelivery>{
                email, Channel("webhook", State::kPending, 0, "HTTP 500", now)}));
}

TEST(AlertRecordTest, RecordsFromBeforeChannelStatesReadWithNoneSoEveryChannelIsPending) {
  // Byte for byte as earlier versions wrote them: version 1, state, attempts, then (later)
  // last_error and due_us; no channel list.
  std::string oldest = {1, 'P', 2};
  std::string before_channels = {1, 'F', 3, 8, 'H', 'T', 'T', 'P', ' ', '5', '0', '3', 4};
  OutboxEntry entry;
  entry.channels = {ChannelDelivery{"stale"}};
  ASSERT_TRUE(DecodeOutboxValue(oldest, entry));
  EXPECT_EQ(entry.attempts, 2u);
  EXPECT_TRUE(entry.channels.empty());
  entry.channels = {ChannelDelivery{"stale"}};
  ASSERT_TRUE(DecodeOutboxValue(before_channels, entry));
  EXPECT_EQ(entry.state, OutboxEntry::State::kFailed);
  EXPECT_EQ(entry.last_error, "HTTP 503");
  EXPECT_EQ(entry.due_us, 2);
  EXPECT_TRUE(entry.channels.empty());

  // A channel count the record cannot hold and an unknown channel state are refused.
  EXPECT_FALSE(DecodeOutboxValue(before_channels + std::string{'\x7f'}, entry));
  std::string one_channel = EncodeOutboxValue(
      OutboxEntry{0, 0, OutboxEntry::State::kPending, 0, "", {ChannelDelivery{"email"}}});
  ASSERT_TRUE(DecodeOutboxValue(one_channel, entry));
  ASSERT_EQ(entry.channels.size(), 1u);
  one_channel[one_channel.find("email") + 5] = 'X';
  EXPECT_FALSE(DecodeOutboxValue(one_channel, entry));
}

TEST_F(AlertsTest, GetMentionReadsOneMentionWithItsStory) {
  auto mention = store_->reader().GetMention(2);
  ASSERT_TRUE(mention.ok() && mention->has_value());
  EXPECT_EQ((*mention)->url, "https://a.kz/1");
  EXPECT_EQ((*mention)->rule_id, "zh");
  EXPECT_EQ((*mention)->found_at_us, kT0 + kMinute);
  EXPECT_EQ((*mention)->story_id, (*mention)->doc_id);
  EXPECT_FALSE(store_->reader().GetMention(99)->has_value());
}

TEST_F(AlertsTest, ReadOnlyOpenReadsAlertsButRefusesToChangeThem) {
  ASSERT_TRUE(store_->outbox().MarkAlertFailed(1, "bad").ok());
  ASSERT_TRUE(store_->outbox().MarkAlertSent(2, kT0).ok());
  auto reader = OpenOrDie(dir_.path(), Store::Mode::kReadOnly);
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(*reader->outbox().IsAlertSent(2));
  EXPECT_EQ(Ids(reader->outbox().FailedAlerts(10)), std::vector<uint64_t>{1});
  EXPECT_EQ(Ids(reader->outbox().DueAlerts(INT64_MAX, 10)), std::vector<uint64_t>{3});
  EXPECT_EQ(reader->outbox().MarkAlertSent(3, kT0).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(reader->outbox().RescheduleAlert(3, kT0, "x").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(reader->outbox().RequeueFailedAlerts(kT0).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace kuzet::storage
