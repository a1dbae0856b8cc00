// Keeps a read-only store (a RocksDB secondary, storage/store.h) caught up with the process that
// writes it, from a thread of its own, every `interval`: no request that reads the store waits
// for a catch-up, however much the writer wrote meanwhile. (A catch-up replays the writer's new
// log records; for a burst of a few hundred pages that is 0.1-0.2 s, and a request that did it
// inline held up every connection of its event loop.)
//
// RocksDB asks a secondary to catch up regularly anyway, so that the files it reads stay those
// the primary keeps.
#ifndef KUZET_APP_CATCH_UP_LOOP_H_
#define KUZET_APP_CATCH_UP_LOOP_H_

#include <chrono>
#include <memory>

#include "storage/mention_reader.h"

namespace kuzet::app {

class CatchUpLoop {
 public:
  // Starts the thread; `reader` must outlive this object. The first catch-up is one interval
  // from now (opening the store read the writer's state).
  CatchUpLoop(const storage::MentionReader& reader, std::chrono::milliseconds interval);
  ~CatchUpLoop();  // stops the thread (a catch-up under way is finished first)

  CatchUpLoop(const CatchUpLoop&) = delete;
  CatchUpLoop& operator=(const CatchUpLoop&) = delete;

  // Unix microseconds at which the last successful catch-up (or the construction) began: what
  // the store shows is at least as new as the writer's state then.
  int64_t caught_up_us() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kuzet::app

#endif  // KUZET_APP_CATCH_UP_LOOP_H_
