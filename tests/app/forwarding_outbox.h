// An alert outbox that hands every call to another (the store's): the base of the tests' faulty
// outboxes, each overriding just the call it makes fail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alert/delivery_worker.h"

namespace kuzet::testing {

// RecordChannels is left as AlertOutbox has it (one RecordChannel after another), so a fault a
// subclass puts in RecordChannel applies to batched records too; a subclass that faults
// RecordChannels overrides it and forwards to outbox() itself.
class ForwardingOutbox : public alert::AlertOutbox {
 public:
  explicit ForwardingOutbox(alert::AlertOutbox& outbox) : outbox_(outbox) {}

  Result<std::vector<alert::DueAlert>> Due(int64_t now_us, size_t limit) override {
    return outbox_.Due(now_us, limit);
  }
  Result<std::optional<alert::OutboxAlert>> Load(uint64_t mention_id) override {
    return outbox_.Load(mention_id);
  }
  Result<bool> StoryAlerted(const std::string& rule_id, uint64_t story_id,
                            uint64_t except_mention_id) override {
    return outbox_.StoryAlerted(rule_id, story_id, except_mention_id);
  }
  Status RecordChannel(uint64_t mention_id, const alert::ChannelState& channel) override {
    return outbox_.RecordChannel(mention_id, channel);
  }
  Status MarkSent(uint64_t mention_id, int64_t sent_us) override {
    return outbox_.MarkSent(mention_id, sent_us);
  }
  Status Reschedule(uint64_t mention_id, int64_t next_due_us, const std::string& error) override {
    return outbox_.Reschedule(mention_id, next_due_us, error);
  }
  Status MarkFailed(uint64_t mention_id, const std::string& error) override {
    return outbox_.MarkFailed(mention_id, error);
  }

 protected:
  alert::AlertOutbox& outbox() { return outbox_; }

 private:
  alert::AlertOutbox& outbox_;
};

}  // namespace kuzet::testing
