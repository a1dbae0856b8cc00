// The HTTP server: routes, bearer authentication, bounds, catch-up with the store's writer.
#include "app/http_server.h"

#include <arpa/inet.h>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "app/http_api.h"
#include "app/mention_format.h"
#include "app/time_bound.h"
#include "storage/store.h"

namespace kuzet::app {

namespace {

constexpr size_t kMaxApiLimit = 1000;
constexpr size_t kMaxFeedLimit = 200;
constexpr size_t kFeedDefaultLimit = 50;
constexpr size_t kMaxBodyBytes = 8 * 1024;  // GET only: any body is a mistake or an attack
// cpp-httplib's ThreadPool queues without limit; this one makes the accept loop wait when
// `max_queued` connections wait for a thread, so a flood fills the kernel's backlog instead of
// memory (and dropping a queued job would leak its socket).
class BoundedThreadPool : public httplib::TaskQueue {
 public:
  BoundedThreadPool(size_t threads, size_t max_queued) : max_queued_(max_queued) {
    for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }
  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return jobs_.size() < max_queued_ || shutdown_; });
    jobs_.push_back(std::move(fn));
    not_empty_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        not_empty_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;  // shut down and drained
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        not_full_.notify_one();
      }
      fn();
    }
  }
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> workers_;
  bool shutdown_ = false;
};

// Compares without an early exit, so the time taken does not reveal how much of a guess matched.
bool ConstantTimeEquals(const std::string& given, const std::string& expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= g ^ static_cast<unsigned char>(expected[i]);
  }
  return diff == 0;
}

std::string JsonText(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(JsonText(body) + "\n", "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& message,
               const std::string& parameter = "") {
  nlohmann::json body = {{"error", message}};
  if (!parameter.empty()) body["parameter"] = parameter;
  SendJson(res, status, body);
}

// A bounded set of route labels for metrics, whatever paths clients try.
std::string RouteLabel(const std::string& path) {
  for (const char* route : {"/", "/api/mentions", "/feed.atom", "/metrics"}) {
    if (path == route) return route;
  }
  return "other";
}

std::string PercentEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParamList(const httplib::Request& req) {
  return {req.params.begin(), req.params.end()};
}

}  // namespace

class HttpServer::Impl {
 public:
  HttpServerOptions options;
  std::unique_ptr<storage::Store> store;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  RequestCounters counters;
  double start_time_seconds = static_cast<double>(NowMicros()) / 1e6;

  std::mutex catch_up_mu;
  std::chrono::steady_clock::time_point last_catch_up{};
  std::atomic<int64_t> last_catch_up_us{0};

  std::mutex count_mu;
  uint64_t counted_through = 0;  // the mention id counted up to
  uint64_t mentions_total = 0;
  std::map<std::string, uint64_t> mentions_by_rule;

  // Sees the writer's latest pages, at most once per interval; a request that finds another
  // thread catching up goes on with the state it has rather than wait.
  void MaybeCatchUp() {
    std::unique_lock<std::mutex> lock(catch_up_mu, std::try_to_lock);
    if (!lock.owns_lock()) return;
    auto now = std::chrono::steady_clock::now();
    if (last_catch_up_us.load() != 0 && now - last_catch_up < options.catch_up_interval) return;
    Status status = store->CatchUp();
    if (!status.ok()) {
      spdlog::warn("http: store catch-up failed: {}", status.message());
      return;
    }
    last_catch_up = now;
    last_catch_up_us.store(NowMicros());
  }

  bool Authorized(const httplib::Request& req) const {
    if (options.token.empty()) return true;
    const std::string header = req.get_header_value("Authorization");
    const std::string scheme = "Bearer ";  // RFC 6750 §2.1
    if (header.size() <= scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), header.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return false;
    }
    return ConstantTimeEquals(header.substr(scheme.size()), options.token);
  }

  void Mentions(const httplib::Request& req, httplib::Response& res) {
    auto parsed = ParseMentionParams(ParamList(req),
                                     {"since", "until", "rule", "lang", "site", "limit", "before"},
                                     NowMicros(), kMaxApiLimit);
    if (auto* error = std::get_if<ParamError>(&parsed)) {
      return SendError(res, 400, error->message, error->parameter);
    }
    MentionRequest& request = std::get<MentionRequest>(parsed);
    MaybeCatchUp();
    auto page = QueryMentionPage(*store, request);
    if (!page.ok() && page.status().code() == Status::Code::kNotFound) {
      return SendError(res, 400, page.status().message(), "before");
    }
    if (!page.ok()) return SendError(res, 500, page.status().message());
    nlohmann::json mentions = nlohmann::json::array();
    for (const storage::Mention& m : page->mentions) mentions.push_back(MentionToApiJson(m));
    nlohmann::json body = {{"mentions", mentions}, {"next", nullptr}, {"next_before", nullptr}};
    if (page->next_before) {
      std::string cursor = std::to_string(*page->next_before);
      std::string next = "/api/mentions?";
      for (const auto& [name, value] : req.params) {
        if (name != "before") next += PercentEncode(name) + "=" + PercentEncode(value) + "&";
      }
      next += "before=" + cursor;
      body["next"] = next;
      body["next_before"] = *page->next_before;
    }
    SendJson(res, 200, body);
  }

  void Feed(const httplib::Request& req, httplib::Response& res) {
    auto params = ParamList(req);
    bool has_limit = req.has_param("limit");
    auto parsed =
        ParseMentionParams(params, {"rule", "lang", "site", "limit"}, NowMicros(), kMaxFeedLimit);
    if (auto* error = std::get_if<ParamError>(&parsed)) {
      return SendError(res, 400, error->message, error->parameter);
    }
    MentionRequest& request = std::get<MentionRequest>(parsed);
    if (!has_limit) request.limit = kFeedDefaultLimit;
    MaybeCatchUp();
    auto page = QueryMentionPage(*store, request);
    if (!page.ok()) return SendError(res, 500, page.status().message());
    // The same feed id as `kuzet mentions --format atom` with these filters.
    std::string feed_id = "tag:kuzet,2026:mentions";
    std::string title = "Kuzet mentions";
    for (const auto& [name, value] :
         {std::pair<std::string, std::string>{"rule", request.query.rule_id},
          {"site", request.query.site_id},
          {"lang", request.query.lang}}) {
      if (value.empty()) continue;
      feed_id += ":" + name + "=" + value;
      title += (title == "Kuzet mentions" ? ": " : ", ") + name + " " + value;
    }
    auto stories = LoadStoryPlaces(*store, page->mentions);
    if (!stories.ok()) return SendError(res, 500, stories.status().message());
    res.status = 200;
    res.set_content(FormatMentionAtom(page->mentions, feed_id, title, NowMicros(), &*stories),
                    "application/atom+xml; charset=utf-8");
  }

  void Metrics(httplib::Response& res) {
    MaybeCatchUp();
    MetricsSnapshot snapshot;
    {
      std::lock_guard<std::mutex> lock(count_mu);
      Status status =
          CountNewMentions(*store, &counted_through, &mentions_total, &mentions_by_rule);
      if (!status.ok()) return SendError(res, 500, status.message());
      snapshot.mentions_total = mentions_total;
      snapshot.mentions_by_rule = mentions_by_rule;
    }
    snapshot.requests = counters.Snapshot();
    int64_t caught_up = last_catch_up_us.load();
    snapshot.catch_up_age_seconds =
        caught_up == 0 ? 0 : static_cast<double>(NowMicros() - caught_up) / 1e6;
    snapshot.process_start_time_seconds = start_time_seconds;
    res.status = 200;
    res.set_content(RenderMetrics(snapshot), "text/plain; version=0.0.4; charset=utf-8");
  }

  void Configure() {
    server.new_task_queue = [this] {
      return new BoundedThreadPool(options.threads, options.queued_connections);
    };
    server.set_payload_max_length(kMaxBodyBytes);
    server.set_read_timeout(options.read_timeout);
    server.set_write_timeout(options.write_timeout);
    server.set_keep_alive_max_count(20);
    server.set_keep_alive_timeout(1);

    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (req.path == "/" || Authorized(req)) return httplib::Server::HandlerResponse::Unhandled;
      res.set_header("WWW-Authenticate", "Bearer realm=\"kuzet\"");  // RFC 6750 §3
      SendError(res, 401, "a valid bearer token is required (Authorization: Bearer <token>)");
      return httplib::Server::HandlerResponse::Handled;
    });
    server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      counters.Count(RouteLabel(req.path), res.status);
    });
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      // Asks a client that sent a malformed request to close the connection, rather than hold a
      // worker thread through the keep-alive wait (cpp-httplib 0.11 does not close it itself).
      if ((res.status == 400 || res.status == 413 || res.status == 414 || res.status == 431) &&
          !res.has_header("Connection")) {
        res.set_header("Connection", "close");
      }
      if (!res.body.empty()) return;
      std::string message = res.status == 404 ? "no such page: " + ToValidUtf8(req.path)
                                              : "HTTP " + std::to_string(res.status);
      SendError(res, res.status, message);
    });
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "internal error";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what += std::string(": ") + e.what();
          } catch (...) {
          }
          SendError(res, 500, what);
        });

    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy",
                     "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                     "connect-src 'self'; base-uri 'none'; form-action 'self'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_content(WebPageHtml(), "text/html; charset=utf-8");
    });
    server.Get("/api/mentions",
               [this](const httplib::Request& req, httplib::Response& res) { Mentions(req, res); });
    server.Get("/feed.atom",
               [this](const httplib::Request& req, httplib::Response& res) { Feed(req, res); });
    server.Get("/metrics",
               [this](const httplib::Request&, httplib::Response& res) { Metrics(res); });
  }
};

Result<ListenAddress> ParseListenAddress(std::string_view listen) {
  std::string text(listen);
  auto bad = [&] {
    return Status::InvalidArgument("listen: expected host:port like \"127.0.0.1:8765\", got \"" +
                                   text + "\"");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad();
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.front() == '[') {
    if (address.host.size() < 3 || address.host.back() != ']') return bad();
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  std::string_view port = std::string_view(text).substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || address.port < 0 ||
      address.port > 65535) {
    return bad();
  }
  return address;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

Result<HttpServerOptions> HttpOptionsFromConfig(const config::Server& server,
                                                const std::string& data_dir,
                                                const std::string& listen_override,
                                                const std::string& token_env_override) {
  HttpServerOptions options;
  options.data_dir = data_dir;
  options.listen = listen_override.empty() ? server.listen : listen_override;
  auto address = ParseListenAddress(options.listen);
  if (!address.ok()) return address.status();
  std::string token_env = token_env_override.empty() ? server.token_env : token_env_override;
  if (!token_env.empty()) {
    const char* token = std::getenv(token_env.c_str());
    if (token == nullptr || *token == '\0') {
      return Status::InvalidArgument("token_env: the environment variable " + token_env +
                                     " is not set or empty");
    }
    options.token = token;
  }
  if (!IsLoopbackHost(address->host) && options.token.empty()) {
    return Status::InvalidArgument(
        "listen " + options.listen +
        ": refusing to serve mentions beyond this machine without a bearer token; set token_env "
        "(or --token-env) to an environment variable holding one, or listen on 127.0.0.1");
  }
  return options;
}

Result<std::unique_ptr<HttpServer>> StartHttpServerFromConfig(const config::Config& config) {
  auto options = HttpOptionsFromConfig(config.server, config.settings.data_dir, "", "");
  if (!options.ok()) {
    return Status::InvalidArgument("[server] in " + config.path + ": " +
                                   options.status().message());
  }
  return HttpServer::Start(*options);
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->server.stop();
  impl_->thread.join();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options) {
  auto address = ParseListenAddress(options.listen);
  if (!address.ok()) return address.status();
  auto store = storage::Store::Open(options.data_dir, storage::Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->store = std::move(store).value();
  impl->Configure();
  if (address->port == 0) {
    impl->port = impl->server.bind_to_any_port(address->host);
    if (impl->port <= 0) impl->port = 0;
  } else if (impl->server.bind_to_port(address->host, address->port)) {
    impl->port = address->port;
  }
  if (impl->port == 0) {
    return Status::IOError("listen " + options.listen +
                           ": cannot bind (in use, or no such address)");
  }
  impl->last_catch_up = std::chrono::steady_clock::now();
  impl->last_catch_up_us.store(NowMicros());  // Open read the writer's state just now
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  // stop() before the accept loop has started would be lost; wait for it (briefly).
  for (int i = 0; i < 200 && !raw->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  spdlog::info("http: serving on http://{}:{}/ ({})", address->host, impl->port,
               options.token.empty() ? "no token" : "bearer token required");
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace kuzet::app
