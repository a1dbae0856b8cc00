// Change alerts of the edit watch in the store (issue #20 item 3; FORMAT.md *alerts*): an alerted
// version's alert is written pending in the version's batch under its own id space, a repeated
// re-fetch writes no second one, and the outbox's moves (sent, rescheduled, failed, requeued)
// work on it as on a mention's alert without touching the mentions' alerts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/records.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kHour = 3'600'000'000;

static_assert(IsChangeAlertId(ChangeAlertId(1, 0)));
static_assert(!IsChangeAlertId(UINT64_MAX >> 1));
static_assert(ChangeAlertDocId(ChangeAlertId(kMaxChangeAlertDocId, 7)) == kMaxChangeAlertDocId);
static_assert(ChangeAlertVersion(ChangeAlertId(kMaxChangeAlertDocId, 7)) == 7);
static_assert(ChangeAlertVersion(ChangeAlertId(3, kMaxChangeAlertVersion)) ==
              kMaxChangeAlertVersion);

// A store holding the watched strike article (two mentions); returns its doc id.
uint64_t PutWatchedStrike(Store& store) {
  auto put = store.writer().PutPage(testing::WatchedStrike(kT0, kT0 + kHour));
  EXPECT_TRUE(put.ok()) << put.status().message();
  return put.ok() ? put->doc_id : 0;
}

VersionInput Refetch(uint64_t doc_id, int64_t due_us, std::optional<int64_t> next_due_us,
                     bool alert) {
  VersionInput input = testing::GoneRefetch(doc_id, kT0, due_us, next_due_us, 1);
  input.alert = alert;
  return input;
}

std::vector<OutboxEntry> ChangeAlerts(Store& store) {
  auto pending = store.outbox().Pending(1000);
  EXPECT_TRUE(pending.ok()) << pending.status().message();
  std::vector<OutboxEntry> out;
  if (!pending.ok()) return out;
  for (const OutboxEntry& e : *pending) {
    if (IsChangeAlertId(e.mention_id)) out.push_back(e);
  }
  return out;
}

TEST(ChangeAlertStoreTest, AnAlertedVersionWritesOneAlertInItsBatchEvenWhenRepeated) {
  TempDir dir;
  uint64_t doc_id = 0;
  size_t pending_before = 0;
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    doc_id = PutWatchedStrike(**store);
    auto before = (*store)->outbox().Pending(1000);
    ASSERT_TRUE(before.ok());
    pending_before = before->size();
    const VersionInput gone = Refetch(doc_id, kT0 + kHour, kT0 + 6 * kHour, true);
    auto stored = (*store)->writer().PutVersion(gone);
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    ASSERT_EQ(stored->number, 1u);
    // The daemon was killed after PutVersion and fetched once more: no second alert.
    auto again = (*store)->writer().PutVersion(gone);
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_FALSE(again->stored);
  }
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  const std::vector<OutboxEntry> alerts = ChangeAlerts(**store);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].mention_id, ChangeAlertId(doc_id, 1));
  EXPECT_EQ(ChangeAlertDocId(alerts[0].mention_id), doc_id);
  EXPECT_EQ(ChangeAlertVersion(alerts[0].mention_id), 1u);
  EXPECT_EQ(alerts[0].due_us, kT0 + kHour + 5);  // due when fetched
  EXPECT_EQ(alerts[0].state, OutboxEntry::State::kPending);
  // The mentions' alerts are as they were.
  auto all = (*store)->outbox().Pending(1000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), pending_before + 1);
  auto due = (*store)->outbox().DueAlerts(kT0 + kHour + 5, 1000);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), pending_before + 1);
}

TEST(ChangeAlertStoreTest, AVersionNotAlertedWritesNoAlert) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  const uint64_t doc_id = PutWatchedStrike(**store);
  auto stored = (*store)->writer().PutVersion(Refetch(doc_id, kT0 + kHour, std::nullopt, false));
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  ASSERT_TRUE(stored->stored);
  EXPECT_TRUE(ChangeAlerts(**store).empty());
  // An unchanged fetch that keeps no version has nothing to alert either.
  TempDir dir2;
  auto store2 = Store::Open(dir2.path());
  ASSERT_TRUE(store2.ok());
  const uint64_t doc2 = PutWatchedStrike(**store2);
  VersionInput unchanged = Refetch(doc2, kT0 + kHour, std::nullopt, true);
  unchanged.version.reset();
  ASSERT_TRUE((*store2)->writer().PutVersion(unchanged).ok());
  EXPECT_TRUE(ChangeAlerts(**store2).empty());
}

TEST(ChangeAlertStoreTest, TheOutboxMovesAChangeAlertAsAMentionsAlert) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  const uint64_t doc_id = PutWatchedStrike(**store);
  ASSERT_TRUE(
      (*store)->writer().PutVersion(Refetch(doc_id, kT0 + kHour, kT0 + 6 * kHour, true)).ok());
  ASSERT_TRUE(
      (*store)->writer().PutVersion(Refetch(doc_id, kT0 + 6 * kHour, std::nullopt, true)).ok());
  const uint64_t first = ChangeAlertId(doc_id, 1), second = ChangeAlertId(doc_id, 2);
  Outbox& outbox = (*store)->outbox();

  // A channel's outcome, then a reschedule: the entry moves and keeps its channel.
  ASSERT_TRUE(outbox
                  .RecordAlertChannel(first, ChannelDelivery{"email", ChannelDelivery::State::kSent,
                                                             0, "", kT0 + 2 * kHour})
                  .ok());
  ASSERT_TRUE(outbox.RescheduleAlert(first, kT0 + 3 * kHour, "webhook: HTTP 503").ok());
  std::vector<OutboxEntry> alerts = ChangeAlerts(**store);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].mention_id, first);
  EXPECT_EQ(alerts[0].due_us, kT0 + 3 * kHour);
  EXPECT_EQ(alerts[0].attempts, 1u);
  ASSERT_EQ(alerts[0].channels.size(), 1u);
  EXPECT_EQ(alerts[0].channels[0].state, ChannelDelivery::State::kSent);

  // Sent: gone from the outbox, marked sent; marking it again is harmless.
  ASSERT_TRUE(outbox.MarkAlertSent(first, kT0 + 4 * kHour).ok());
  ASSERT_TRUE(outbox.MarkAlertSent(first, kT0 + 5 * kHour).ok());
  auto sent = outbox.IsAlertSent(first);
  ASSERT_TRUE(sent.ok());
  EXPECT_TRUE(*sent);
  alerts = ChangeAlerts(**store);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].mention_id, second);

  // Failed, then requeued.
  ASSERT_TRUE(outbox.MarkAlertFailed(second, "smtp: 550").ok());
  EXPECT_TRUE(ChangeAlerts(**store).empty());
  auto failed = outbox.FailedAlerts(100);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->front().mention_id, second);
  auto requeued = outbox.RequeueFailedAlerts(kT0 + 7 * kHour);
  ASSERT_TRUE(requeued.ok());
  EXPECT_EQ(*requeued, 1);
  alerts = ChangeAlerts(**store);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].due_us, kT0 + 7 * kHour);
  // A change alert never written is nowhere: NotFound, as for a mention.
  EXPECT_EQ(outbox.MarkAlertFailed(ChangeAlertId(doc_id, 9), "x").code(), Status::Code::kNotFound);
  auto never = outbox.IsAlertSent(ChangeAlertId(doc_id, 9));
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(*never);
}

}  // namespace
}  // namespace kuzet::storage
