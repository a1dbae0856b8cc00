#include "crawler/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "base/strings.h"
#include "base/thread_name.h"
#include "crawler/content_decoder.h"
#include "url/address.h"
#include "url/url.h"

namespace kuzet::crawler {

namespace {

using Clock = std::chrono::steady_clock;

// The most of a response head (status line and fields) kept; libcurl's own limit is lower
// (CURL_MAX_HTTP_HEADER per field), so a real server never meets this.
constexpr size_t kMaxHeadBytes = 512 * 1024;

std::string AddressText(const struct sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof text);
  }
  return text;
}

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

bool PrivateHostAllowed(const config::Settings& settings, std::string_view host,
                        std::string_view ip) {
  for (const std::string& allowed : settings.allow_private_hosts) {
    std::string entry = base::AsciiLower(allowed);
    if (entry == "*" || entry == host || entry == ip || "[" + entry + "]" == host) return true;
  }
  return false;
}

std::string FetchResponse::Header(std::string_view name) const {
  std::string wanted = base::AsciiLower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) return value;
  }
  return "";
}

namespace {

// One fetch (all its redirect hops) on one easy handle; used by Fetcher (curl_easy_perform) and
// MultiFetcher (curl_multi). BeginHop sets the handle up for the current hop, EndHop reads its
// outcome and decides: done, next hop, or error.
class Transfer {
 public:
  // ca_file: "" for the system's certificate authorities.
  Transfer(const config::Settings& settings, const std::string& ca_file, CURL* curl,
           FetchRequest request)
      : settings_(settings), ca_file_(ca_file), curl_(curl), request_(std::move(request)) {
    start_ = Clock::now();
    deadline_ = start_ + settings_.fetch_timeout;
    response_.url = request_.url;
    url_ = url::WithAsciiHost(request_.url);
  }

  CURL* curl() const { return curl_; }

  // Sets the handle up for the hop to url_; an error ends the fetch.
  std::optional<Status> BeginHop() {
    std::string scheme = base::AsciiLower(url_.substr(0, url_.find(':')));
    if (scheme != "http" && scheme != "https") return Fail("refused non-http(s) URL " + url_);
    chain_.push_back(url_);
    long remaining_ms = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count());
    if (remaining_ms <= 0) return Fail("timed out after " + std::to_string(TotalMs()) + " ms");

    curl_easy_reset(curl_);  // keeps the connection cache (the handle's, or the multi's)
    hop_host_.clear();       // computed when a connection is opened: reused connections need none
    refused_address_.clear();
    body_too_large_ = false;
    head_too_large_ = false;
    decode_error_ = Status::Ok();
    decoder_.reset();
    response_.body.clear();
    response_.headers.clear();
    response_.request_head.clear();
    response_.response_head.clear();
    response_.encoded_body.clear();
    response_.content_decoded = false;
    response_.remote_ip.clear();

    extra_headers_.reset();
    if (chain_.size() == 1) {  // validators belong to the requested URL only
      curl_slist* list = nullptr;
      if (!request_.etag.empty()) {
        list = curl_slist_append(list, ("If-None-Match: " + request_.etag).c_str());
      }
      if (!request_.last_modified.empty()) {
        list = curl_slist_append(list, ("If-Modified-Since: " + request_.last_modified).c_str());
      }
      extra_headers_.reset(list);
    }

    CURL* curl = curl_;
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_PRIVATE, this);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // Environment proxies would bypass the address check.
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    // The body is kept as transferred (evidence) and decoded here (ContentDecoder), so only the
    // codings it decodes are asked for.
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
    curl_easy_setopt(curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    // The request head as sent reaches only the debug callback (CURLINFO_HEADER_OUT), which
    // libcurl calls only when verbose; nothing is printed while a callback is set.
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, &Transfer::Debug);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, this);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    // Under curl_multi: wait for an HTTP/2 connection being set up to the same origin and
    // multiplex on it rather than open another one. Only for https, the only scheme on which
    // HTTP/2 is negotiated (2TLS): for http the wait would only delay the transfer.
    curl_easy_setopt(curl, CURLOPT_PIPEWAIT, scheme == "https" ? 1L : 0L);
    // Bigger reads than the 16 KiB default: fewer recv calls and callbacks per page.
    curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 64L * 1024);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, settings_.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, remaining_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(remaining_ms, 15000L));
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(settings_.max_body_bytes));
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &Transfer::OpenSocket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Transfer::Write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &Transfer::Header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, this);
    if (extra_headers_) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, extra_headers_.get());
    if (!ca_file_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
    return std::nullopt;
  }

  enum class Next { kDone, kNextHop, kError };

  // After the hop ended with `rc`. kNextHop: call BeginHop again; kError: see error().
  Next EndHop(CURLcode rc) {
    curl_off_t body_bytes = 0;
    long header_bytes = 0;
    curl_easy_getinfo(curl_, CURLINFO_SIZE_DOWNLOAD_T, &body_bytes);
    curl_easy_getinfo(curl_, CURLINFO_HEADER_SIZE, &header_bytes);
    response_.bytes_received += body_bytes + header_bytes;

    if (rc == CURLE_OK && decoder_ != nullptr) {
      if (Status s = decoder_->Finish(); !s.ok()) decode_error_ = s;
    }
    if (rc != CURLE_OK || !decode_error_.ok()) {
      if (!decode_error_.ok()) {
        error_ = Fail("damaged body: " + decode_error_.message());
      } else if (head_too_large_) {
        error_ = Fail("response head larger than " + std::to_string(kMaxHeadBytes) + " bytes");
      } else if (!refused_address_.empty()) {
        error_ =
            Fail("refused to connect to non-public address " + refused_address_ + " of " +
                 url::HostOf(url_) + " (add the host to settings.allow_private_hosts to allow it)");
      } else if (body_too_large_ || rc == CURLE_FILESIZE_EXCEEDED) {
        error_ =
            Fail("body larger than max_body_bytes=" + std::to_string(settings_.max_body_bytes) +
                 " (as transferred or after decompression)");
      } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        error_ = Fail("timed out after " + std::to_string(TotalMs()) + " ms");
      } else {
        error_ = Fail(std::string("network error: ") + curl_easy_strerror(rc));
      }
      return Next::kError;
    }

    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response_.status);
    const char* ip = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_PRIMARY_IP, &ip);
    response_.remote_ip = ip != nullptr ? ip : "";
    long version = 0;
    curl_easy_getinfo(curl_, CURLINFO_HTTP_VERSION, &version);
    response_.http_version = version == CURL_HTTP_VERSION_3     ? 3
                             : version == CURL_HTTP_VERSION_2_0 ? 2
                                                                : 1;
    const char* content_type = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_CONTENT_TYPE, &content_type);
    response_.content_type = content_type != nullptr ? content_type : "";

    const char* location = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_REDIRECT_URL, &location);
    long status = response_.status;
    bool is_redirect =
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    if (!is_redirect || location == nullptr || location[0] == '\0') {
      response_.final_url = url_;
      response_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
      return Next::kDone;
    }
    std::string next = location;
    if (request_.stop_at_cross_origin_redirect &&
        url::OriginOf(url::WithAsciiHost(next)) != url::OriginOf(url_)) {
      response_.final_url = url_;
      response_.redirect_location = next;
      response_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
      return Next::kDone;
    }
    if (std::find(chain_.begin(), chain_.end(), next) != chain_.end()) {
      chain_.push_back(next);
      error_ = Fail("redirect loop");
      return Next::kError;
    }
    if (response_.redirects >= settings_.max_redirects) {
      chain_.push_back(next);
      error_ = Fail("too many redirects (max_redirects=" + std::to_string(settings_.max_redirects) +
                    ")");
      return Next::kError;
    }
    ++response_.redirects;
    url_ = url::WithAsciiHost(next);
    return Next::kNextHop;
  }

  const Status& error() const { return error_; }
  FetchResponse TakeResponse() { return std::move(response_); }

 private:
  long TotalMs() const {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(settings_.fetch_timeout).count());
  }

  Status Fail(const std::string& what) const {
    std::string message = what + " fetching " + request_.url;
    if (chain_.size() > 1) {
      message += " (redirects:";
      for (size_t i = 1; i < chain_.size(); ++i) message += " -> " + chain_[i];
      message += ")";
    }
    return Status::Network(message);
  }

  bool PrivateAllowed(const std::string& host, const std::string& ip) const {
    return PrivateHostAllowed(settings_, host, ip);
  }

  // CURLOPT_OPENSOCKETFUNCTION: called with the resolved address before every new connection, so
  // neither a redirect nor a DNS answer that changes between check and use (rebinding) can reach
  // a private address.
  static curl_socket_t OpenSocket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
    auto* self = static_cast<Transfer*>(user);
    if (purpose == CURLSOCKTYPE_IPCXN) {
      std::string ip = AddressText(&address->addr);
      if (self->hop_host_.empty()) self->hop_host_ = url::HostOf(self->url_);
      if ((address->family != AF_INET && address->family != AF_INET6) ||
          (url::IsNonPublicAddress(ip) && !self->PrivateAllowed(self->hop_host_, ip))) {
        self->refused_address_ = ip.empty() ? "non-IP address" : ip;
        return CURL_SOCKET_BAD;
      }
    }
    return socket(address->family, address->socktype, address->protocol);
  }

  static size_t Write(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Transfer*>(user);
    const size_t n = size * count;
    FetchResponse& response = self->response_;
    const int64_t limit = self->settings_.max_body_bytes;
    if (self->decoder_ == nullptr) {  // the first bytes of the body: the head is complete
      // Several Content-Encoding fields are one list (RFC 9110 §5.3), which CodingOf refuses.
      std::string codings;
      for (const auto& [name, value] : response.headers) {
        if (name == "content-encoding") codings += (codings.empty() ? "" : ", ") + value;
      }
      auto coding = ContentDecoder::CodingOf(codings);
      if (!coding.ok()) {
        self->decode_error_ = coding.status();
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
      }
      self->decoder_ = std::make_unique<ContentDecoder>(*coding, limit);
      response.content_decoded = *coding != ContentDecoder::Coding::kIdentity;
      // One allocation for the body as transferred when its length is announced (and within the
      // limit).
      curl_off_t length = -1;
      curl_easy_getinfo(self->curl_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      if (length > 0 && length <= limit) {
        (response.content_decoded ? response.encoded_body : response.body)
            .reserve(static_cast<size_t>(length));
      }
    }
    if (response.content_decoded) {
      // Both forms are bounded: the bytes as transferred, and what they decode to (a gzip bomb
      // stops at the limit, so memory stays bounded).
      if (static_cast<int64_t>(response.encoded_body.size() + n) > limit) {
        self->body_too_large_ = true;
        return 0;
      }
      response.encoded_body.append(data, n);
    }
    if (Status s = self->decoder_->Add(std::string_view(data, n), response.body); !s.ok()) {
      if (self->decoder_->too_large()) {
        self->body_too_large_ = true;
      } else {
        self->decode_error_ = s;
      }
      return 0;
    }
    return n;
  }

  // CURLOPT_DEBUGFUNCTION: keeps the request head as sent (CURLINFO_HEADER_OUT); a request sent
  // again on the hop (a reused connection that had closed) replaces the earlier one.
  static int Debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    if (type != CURLINFO_HEADER_OUT) return 0;
    std::string& head = static_cast<Transfer*>(user)->response_.request_head;
    if (head.ends_with("\r\n\r\n")) head.clear();
    if (head.size() + size <= kMaxHeadBytes) head.append(data, size);
    return 0;
  }

  static size_t Header(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Transfer*>(user);
    size_t n = size * count;
    std::string_view line(data, n);
    std::string& head = self->response_.response_head;
    if (line.rfind("HTTP/", 0) == 0) head.clear();  // a new response (after 1xx) starts
    if (head.size() + n > kMaxHeadBytes) {
      self->head_too_large_ = true;
      return 0;
    }
    head.append(line);
    if (line.rfind("HTTP/", 0) == 0) {
      self->response_.headers.clear();
      return n;
    }
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0) {
      self->response_.headers.emplace_back(
          base::AsciiLower(base::TrimAsciiWhitespace(line.substr(0, colon))),
          std::string(base::TrimAsciiWhitespace(line.substr(colon + 1))));
    }
    return n;
  }

  const config::Settings& settings_;
  const std::string& ca_file_;
  CURL* curl_;
  FetchRequest request_;
  FetchResponse response_;
  Clock::time_point start_, deadline_;
  std::string url_;  // of the hop in progress
  std::vector<std::string> chain_;
  std::unique_ptr<curl_slist, CurlSlistDeleter> extra_headers_;
  // State of the hop in progress, set by the callbacks.
  std::string hop_host_;
  std::string refused_address_;  // set when the connect callback refused an address
  bool body_too_large_ = false;
  bool head_too_large_ = false;
  std::unique_ptr<ContentDecoder> decoder_;  // made at the body's first bytes
  Status decode_error_;                      // an unsupported or damaged Content-Encoding
  Status error_;
};

}  // namespace

struct Fetcher::Impl {
  config::Settings settings;
  CURL* curl = nullptr;
};

Fetcher::Fetcher(const config::Settings& settings) : impl_(std::make_unique<Impl>()) {
  impl_->settings = settings;
  // Reference-counted and thread-safe since libcurl 7.84; done here so no caller has to.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  impl_->curl = curl_easy_init();
}

Fetcher::~Fetcher() {
  if (impl_->curl != nullptr) curl_easy_cleanup(impl_->curl);
  curl_global_cleanup();
}

Result<FetchResponse> Fetcher::Fetch(const FetchRequest& request) {
  if (impl_->curl == nullptr) return Status::IOError("libcurl could not be initialised");
  static const std::string kSystemCas;
  Transfer transfer(impl_->settings, kSystemCas, impl_->curl, request);
  for (;;) {
    if (std::optional<Status> error = transfer.BeginHop()) return *error;
    switch (transfer.EndHop(curl_easy_perform(impl_->curl))) {
      case Transfer::Next::kDone:
        return transfer.TakeResponse();
      case Transfer::Next::kError:
        return transfer.error();
      case Transfer::Next::kNextHop:
        break;
    }
  }
}

// Event-driven (curl_multi_socket_action over epoll) rather than curl_multi_perform, whose cost
// grows with the number of transfers in flight: with hundreds in flight, only the sockets that
// are ready are serviced.
struct MultiFetcher::Impl {
  config::Settings settings;
  std::string ca_file;
  CURLM* multi = nullptr;
  int epoll_fd = -1;
  int wake_fd = -1;    // eventfd: Start and ~MultiFetcher wake the network thread
  long timer_ms = -1;  // libcurl's timer (CURLMOPT_TIMERFUNCTION); -1: none
  std::thread network;

  std::mutex mutex;  // guards the members below
  std::condition_variable results_ready;
  std::deque<std::pair<uint64_t, FetchRequest>> requests;
  std::vector<std::pair<uint64_t, Result<FetchResponse>>> results;
  bool stopping = false;
  bool wake_pending = false;  // a curl_multi_wakeup is on its way: later Starts need none
  bool interrupted = false;   // Interrupt was called since the last Wait

  // Network thread only.
  std::unordered_map<CURL*, std::pair<uint64_t, std::unique_ptr<Transfer>>> running;
  std::vector<CURL*> idle_handles;  // finished easy handles kept for reuse

  void Finish(std::vector<std::pair<uint64_t, Result<FetchResponse>>>& finished, CURL* curl,
              Result<FetchResponse> result) {
    auto it = running.find(curl);
    finished.emplace_back(it->second.first, std::move(result));
    running.erase(it);
    idle_handles.push_back(curl);
  }

  // Starts the transfer's next hop or, when it cannot start, finishes it with the error.
  void Begin(std::vector<std::pair<uint64_t, Result<FetchResponse>>>& finished, CURL* curl) {
    Transfer& transfer = *running.at(curl).second;
    if (std::optional<Status> error = transfer.BeginHop()) {
      Finish(finished, curl, *error);
      return;
    }
    CURLMcode rc = curl_multi_add_handle(multi, curl);
    if (rc != CURLM_OK) {
      Finish(finished, curl, Status::IOError(std::string("libcurl: ") + curl_multi_strerror(rc)));
    }
  }

  static int OnSocket(CURL*, curl_socket_t socket, int what, void* user, void*) {
    auto* self = static_cast<Impl*>(user);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, socket, nullptr);
      return 0;
    }
    epoll_event event{};
    event.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    event.data.fd = socket;
    if (epoll_ctl(self->epoll_fd, EPOLL_CTL_MOD, socket, &event) != 0) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_ADD, socket, &event);
    }
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* user) {
    static_cast<Impl*>(user)->timer_ms = timeout_ms;
    return 0;
  }

  void Wake() const {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t written = write(wake_fd, &one, sizeof one);
  }

  void Run() {
    std::vector<std::pair<uint64_t, Result<FetchResponse>>> finished;
    Clock::time_point timer_due = Clock::time_point::max();
    std::array<epoll_event, 256> events;
    std::deque<std::pair<uint64_t, FetchRequest>> incoming;
    bool incoming_started = false;
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stopping) break;
        incoming.swap(requests);
        wake_pending = false;
      }
      for (auto& [id, request] : incoming) {
        CURL* curl = nullptr;
        if (!idle_handles.empty()) {
          curl = idle_handles.back();
          idle_handles.pop_back();
        } else {
          curl = curl_easy_init();
        }
        if (curl == nullptr) {
          finished.emplace_back(id, Status::IOError("libcurl could not be initialised"));
          continue;
        }
        running.emplace(curl, std::make_pair(id, std::make_unique<Transfer>(settings, ca_file, curl,
                                                                            std::move(request))));
        Begin(finished, curl);
        incoming_started = true;  // libcurl set a 0 ms timer to start it: act before sleeping
      }
      incoming.clear();

      // Wait for ready sockets, libcurl's timer, or a wakeup.
      if (timer_ms >= 0) {
        timer_due = Clock::now() + std::chrono::milliseconds(timer_ms);
        timer_ms = -1;
      }
      long wait_ms = 1000;
      if (timer_due != Clock::time_point::max()) {
        wait_ms = std::clamp<long>(
            static_cast<long>(
                std::chrono::duration_cast<std::chrono::milliseconds>(timer_due - Clock::now())
                    .count()),
            0L, 1000L);
      }
      int ready = incoming_started ? 0
                                   : epoll_wait(epoll_fd, events.data(), events.size(),
                                                static_cast<int>(wait_ms));
      incoming_started = false;
      int still_running = 0;
      for (int i = 0; i < ready; ++i) {
        int fd = events[i].data.fd;
        if (fd == wake_fd) {
          uint64_t count = 0;
          [[maybe_unused]] ssize_t got = read(wake_fd, &count, sizeof count);
          continue;
        }
        int flags = ((events[i].events & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                    ((events[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                    ((events[i].events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(multi, fd, flags, &still_running);
      }
      if (timer_ms >= 0) {  // set during the socket actions above
        timer_due = Clock::now() + std::chrono::milliseconds(timer_ms);
        timer_ms = -1;
      }
      if (timer_due != Clock::time_point::max() && Clock::now() >= timer_due) {
        timer_due = Clock::time_point::max();
        curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &still_running);
      }
      int queued = 0;
      while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* curl = message->easy_handle;
        CURLcode rc = message->data.result;
        curl_multi_remove_handle(multi, curl);
        Transfer& transfer = *running.at(curl).second;
        switch (transfer.EndHop(rc)) {
          case Transfer::Next::kDone:
            Finish(finished, curl, transfer.TakeResponse());
            break;
          case Transfer::Next::kError:
            Finish(finished, curl, transfer.error());
            break;
          case Transfer::Next::kNextHop:
            Begin(finished, curl);
            break;
        }
      }
      if (!finished.empty()) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          for (auto& result : finished) results.push_back(std::move(result));
        }
        finished.clear();
        results_ready.notify_all();
      }
    }
    for (auto& [curl, entry] : running) {
      curl_multi_remove_handle(multi, curl);
      curl_easy_cleanup(curl);
    }
    running.clear();
    for (CURL* curl : idle_handles) curl_easy_cleanup(curl);
    idle_handles.clear();
  }
};

MultiFetcher::MultiFetcher(const config::Settings& settings, std::string ca_file)
    : impl_(std::make_unique<Impl>()) {
  impl_->settings = settings;
  impl_->ca_file = std::move(ca_file);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  impl_->multi = curl_multi_init();
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl_->multi != nullptr && (impl_->epoll_fd < 0 || impl_->wake_fd < 0)) {
    curl_multi_cleanup(impl_->multi);
    impl_->multi = nullptr;
  }
  if (impl_->multi != nullptr) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = impl_->wake_fd;
    epoll_ctl(impl_->epoll_fd, EPOLL_CTL_ADD, impl_->wake_fd, &event);
    curl_multi_setopt(impl_->multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(impl_->multi, CURLMOPT_SOCKETDATA, impl_.get());
    curl_multi_setopt(impl_->multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(impl_->multi, CURLMOPT_TIMERDATA, impl_.get());
    impl_->network = std::thread([this] {
      NameThisThread("kuzet-fetch");
      impl_->Run();
    });
  }
}

MultiFetcher::~MultiFetcher() {
  if (impl_->network.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      impl_->stopping = true;
    }
    impl_->Wake();
    impl_->network.join();
  }
  if (impl_->multi != nullptr) curl_multi_cleanup(impl_->multi);
  if (impl_->epoll_fd >= 0) close(impl_->epoll_fd);
  if (impl_->wake_fd >= 0) close(impl_->wake_fd);
  curl_global_cleanup();
}

void MultiFetcher::Start(uint64_t id, FetchRequest request) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->multi == nullptr) {
      impl_->results.emplace_back(id, Status::IOError("libcurl could not be initialised"));
      impl_->results_ready.notify_all();
      return;
    }
    impl_->requests.emplace_back(id, std::move(request));
    // One wakeup per batch: the network thread takes every queued request when it wakes.
    if (impl_->wake_pending) return;
    impl_->wake_pending = true;
  }
  impl_->Wake();
}

std::vector<std::pair<uint64_t, Result<FetchResponse>>> MultiFetcher::Wait(
    std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  impl_->results_ready.wait_until(lock, deadline,
                                  [this] { return !impl_->results.empty() || impl_->interrupted; });
  impl_->interrupted = false;
  std::vector<std::pair<uint64_t, Result<FetchResponse>>> out;
  out.swap(impl_->results);
  return out;
}

void MultiFetcher::Interrupt() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->interrupted = true;
  }
  impl_->results_ready.notify_all();
}

}  // namespace kuzet::crawler
