#include "app/mention_stream.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "app/cursor_file.h"
#include "app/mention_format.h"
#include "app/story_places.h"

namespace kuzet::app {

namespace {

// A store that cannot be caught up this many polls in a row is broken, not busy.
constexpr int kMaxCatchUpFailures = 30;

sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

enum class Written { kOk, kReaderGone, kFailed };

Written WriteLine(int fd, const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) return Written::kReaderGone;
    if (n < 0) {
      std::cerr << "kuzet mentions --follow: cannot write to stdout: " << std::strerror(errno)
                << "\n";
      return Written::kFailed;
    }
    done += static_cast<size_t>(n);
  }
  return Written::kOk;
}

// True when SIGINT or SIGTERM is pending on `signal_fd` (not consumed: the caller stops anyway).
bool StopPending(int signal_fd) {
  pollfd fd = {signal_fd, POLLIN, 0};
  return poll(&fd, 1, 0) > 0;
}

class Stream {
 public:
  Stream(storage::Store& store, const MentionStreamOptions& options, int out_fd, int signal_fd)
      : store_(store), options_(options), out_fd_(out_fd), signal_fd_(signal_fd) {}

  // Where the stream starts (see MentionStreamOptions::after).
  Status Start() {
    if (!options_.cursor_file.empty()) {
      auto saved = ReadCursorFile(options_.cursor_file);
      if (!saved.ok()) return saved.status();
      if (*saved) {
        cursor_ = **saved;
        saved_ = cursor_;
        saved_known_ = true;
        std::cerr << "following mentions after id " << cursor_ << " (from " << options_.cursor_file
                  << ")" << std::endl;
        return Status::Ok();
      }
    }
    if (options_.after) {
      cursor_ = *options_.after;
    } else {
      auto last = store_.reader().LastMentionId();
      if (!last.ok()) return last.status();
      cursor_ = *last;
    }
    std::cerr << "following mentions after id " << cursor_ << std::endl;
    return Status::Ok();
  }

  // Every page past the cursor; false when the reader went away or a stop signal came.
  Result<bool> Drain() {
    for (;;) {
      if (StopPending(signal_fd_)) return false;
      auto page = store_.reader().MentionsAfter(cursor_, options_.query);
      if (!page.ok()) return page.status();
      auto stories = LoadStoryPlaces(store_.reader(), page->mentions);
      if (!stories.ok()) return stories.status();
      for (const storage::Mention& m : page->mentions) {
        // One line, whatever the text: JSON escapes newlines inside strings (RFC 8259 section 7).
        std::string line = MentionToJson(m, &*stories)
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        line += '\n';
        switch (WriteLine(out_fd_, line)) {
          case Written::kOk:
            break;
          case Written::kReaderGone:
            return false;
          case Written::kFailed:
            return Status::IOError("stdout is not writable");
        }
        // The line first, then the cursor: a crash between the two repeats the line on restart
        // (at least once) instead of losing it.
        cursor_ = m.id;
        if (Status s = SaveCursor(); !s.ok()) return s;
      }
      // Mentions the filters skipped are passed for good too.
      cursor_ = std::max(cursor_, page->examined_through);
      if (Status s = SaveCursor(); !s.ok()) return s;
      if (page->mentions.size() < options_.query.limit) return true;
    }
  }

 private:
  Status SaveCursor() {
    if (options_.cursor_file.empty() || (saved_known_ && saved_ == cursor_)) return Status::Ok();
    if (Status s = WriteCursorFile(options_.cursor_file, cursor_); !s.ok()) return s;
    saved_ = cursor_;
    saved_known_ = true;
    return Status::Ok();
  }

  storage::Store& store_;
  const MentionStreamOptions& options_;
  const int out_fd_;
  const int signal_fd_;
  uint64_t cursor_ = 0;
  bool saved_known_ = false;  // the cursor file holds saved_
  uint64_t saved_ = 0;
};

}  // namespace

void PrepareStreamSignals() {
  sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int FollowMentions(storage::Store& store, const MentionStreamOptions& options, int out_fd) {
  auto fail = [](const Status& s) {
    std::cerr << "kuzet mentions --follow: " << s.message() << "\n";
    return 1;
  };
  sigset_t signals = StopSignals();
  int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd < 0) {
    return fail(
        Status::IOError(std::string("cannot read signals (signalfd): ") + std::strerror(errno)));
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{signal_fd};

  Stream stream(store, options, out_fd, signal_fd);
  if (Status s = stream.Start(); !s.ok()) return fail(s);
  int catch_up_failures = 0;
  for (;;) {
    auto drained = stream.Drain();
    if (!drained.ok()) return fail(drained.status());
    if (!*drained) return 0;  // the reader closed the pipe, or a stop signal
    // Idle: a stop signal, the reader closing the pipe (POLLERR on its write end) or the poll
    // interval, whichever comes first. A terminal or file never reports POLLERR here.
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {out_fd, 0, 0}};
    int ready = poll(fds, 2, static_cast<int>(options.poll.count()));
    if (ready < 0 && errno != EINTR) {
      return fail(Status::IOError(std::string("poll: ") + std::strerror(errno)));
    }
    if (ready > 0 && fds[0].revents != 0) return 0;
    if (ready > 0 && (fds[1].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return 0;
    if (Status s = store.reader().CatchUp(); !s.ok()) {
      std::cerr << "kuzet mentions --follow: cannot catch up with the store (" << s.message()
                << "); trying again\n";
      if (++catch_up_failures >= kMaxCatchUpFailures) return fail(s);
    } else {
      catch_up_failures = 0;
    }
  }
}

}  // namespace kuzet::app
