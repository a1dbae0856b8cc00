// The HTTP server: GNU libmicrohttpd event loops, routes, bearer authentication, the limits in
// http_server.h, catch-up with the store's writer.
#include "app/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include <microhttpd.h>
#include <spdlog/spdlog.h>

#include "app/build_info.h"
#include "app/catch_up_loop.h"
#include "app/data_dir_size.h"
#include "app/health.h"
#include "app/http_api.h"
#include "app/http_deadlines.h"
#include "app/mention_format.h"
#include "app/mention_groups.h"
#include "app/pipeline_metrics.h"
#include "app/search_results.h"
#include "app/time_bound.h"
#include "app/version_json.h"
#include "app/web_page.h"
#include "base/escape.h"
#include "base/hex.h"
#include "base/strings.h"
#include "base/time.h"
#include "storage/store.h"
#include "url/address.h"

namespace kuzet::app {

namespace {

constexpr size_t kMaxApiLimit = 1000;
constexpr size_t kMaxFeedLimit = 200;
constexpr size_t kFeedDefaultLimit = 50;
constexpr size_t kMaxHeaderLines = 100;

// Compares without an early exit, so the time taken does not reveal how much of a guess matched.
bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= g ^ static_cast<unsigned char>(expected[i]);
  }
  return diff == 0;
}

// What a route answers. Header names and values are constants of this file, never request or
// stored text (so no CR/LF can reach a header).
struct Reply {
  int status = 200;
  std::string body;
  const char* content_type = "application/json; charset=utf-8";
  std::vector<std::pair<const char*, const char*>> headers;
  std::string etag;  // "" or a quoted hash of our own (FeedEtag), never request text
};

// A strong validator for a rendered feed: FNV-1a 64 of its bytes, quoted (RFC 9110 section 8.8.3).
// Equal feeds get equal tags across restarts; a collision only delays one reader's update.
std::string FeedEtag(std::string_view content) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : content) h = (h ^ c) * 0x100000001b3ULL;
  std::string tag = "\"";
  for (int shift = 56; shift >= 0; shift -= 8)
    base::AppendHexByte(static_cast<uint8_t>(h >> shift), tag);
  return tag + "\"";
}

// If-None-Match (RFC 9110 section 13.1.2): "*" or a list of entity tags, compared weakly (a W/
// prefix is ignored).
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? "" : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

// libmicrohttpd's messages may quote a request line: a token in its query never reaches the log.
std::string WithoutTokens(std::string text) {
  for (size_t at = text.find("token="); at != std::string::npos; at = text.find("token=", at)) {
    at += 6;
    size_t end = text.find_first_of("& \t\"", at);
    text.replace(at, (end == std::string::npos ? text.size() : end) - at, "(hidden)");
  }
  return text;
}

std::string JsonText(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Reply JsonReply(int status, const nlohmann::json& body) {
  Reply reply;
  reply.status = status;
  reply.body = JsonText(body) + "\n";
  return reply;
}

Reply ErrorReply(int status, const std::string& message, const std::string& parameter = "") {
  nlohmann::json body = {{"error", base::ToValidUtf8(message)}};
  if (!parameter.empty()) body["parameter"] = base::ToValidUtf8(parameter);
  return JsonReply(status, body);
}

// A bounded set of route labels for metrics, whatever paths clients try.
std::string RouteLabel(std::string_view path) {
  if (path.starts_with("/api/documents/")) return "/api/documents/history";
  for (const char* route : {"/", "/page.css", "/page.js", "/api/mentions", "/api/search",
                            "/feed.atom", "/metrics", "/healthz"}) {
    if (path == route) return route;
  }
  return "other";
}

std::string PercentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      base::AppendPercentEncoded(c, out);
    }
  }
  return out;
}

using ParamList = std::vector<std::pair<std::string, std::string>>;

// The query parameters, percent-decoded by libmicrohttpd, in request order (repeats kept, so
// ParseMentionParams can refuse them); exact bytes, NULs included.
ParamList QueryParams(MHD_Connection* connection) {
  ParamList params;
  MHD_get_connection_values_n(
      connection, MHD_GET_ARGUMENT_KIND,
      [](void* cls, MHD_ValueKind, const char* key, size_t key_size, const char* value,
         size_t value_size) {
        auto* list = static_cast<ParamList*>(cls);
        list->emplace_back(std::string(key, key_size),
                           value == nullptr ? std::string() : std::string(value, value_size));
        return MHD_YES;
      },
      &params);
  return params;
}

bool HasParam(const ParamList& params, const std::string& name) {
  for (const auto& param : params) {
    if (param.first == name) return true;
  }
  return false;
}

std::string ClientAddress(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "?";
  char host[INET6_ADDRSTRLEN] = "?";
  const sockaddr* addr = info->client_addr;
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, host, sizeof host);
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, host, sizeof host);
  }
  return host;
}

// libmicrohttpd's own messages (refused connections, protocol errors) come from hostile input as
// often as not: logged, but at most one line a second, with a count of those left out.
class RateLimitedLog {
 public:
  void Warn(const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(1)) {
      ++suppressed_;
      return;
    }
    if (suppressed_ > 0) {
      spdlog::warn("http: {} (and {} similar messages left out)", message, suppressed_);
    } else {
      spdlog::warn("http: {}", message);
    }
    suppressed_ = 0;
    last_ = now;
  }

 private:
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_{};
  uint64_t suppressed_ = 0;
};

// The listening socket, made here rather than by libmicrohttpd so that its options are known:
// SO_REUSEADDR (a restart may bind beside connections in TIME_WAIT) but never SO_REUSEPORT (with
// it a second server on the port would silently take half the requests), and a real backlog.
Result<int> OpenListenSocket(const std::string& listen, const url::ListenAddress& address,
                             int backlog) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address.port);
  int gai = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
  if (gai != 0 || found == nullptr) {
    return Status::InvalidArgument("listen " + listen + ": no such address (" + gai_strerror(gai) +
                                   ")");
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int error = errno;
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, backlog) != 0) {
      error = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd >= 0) return fd;
  if (error == EADDRINUSE) {
    return Status::IOError("address already in use: " + listen +
                           " (another kuzet serve or program listens there)");
  }
  return Status::IOError("listen " + listen + ": " + std::strerror(error));
}

int BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) return 0;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return 0;
}

}  // namespace

class HttpServer::Impl {
 public:
  HttpServerOptions options;
  std::unique_ptr<storage::Store> own_store;  // `kuzet serve`: a read-only instance of data_dir
  storage::Store* store = nullptr;            // own_store, or the daemon's (options.store)
  const storage::MentionReader* reader = nullptr;  // store's reader
  ConnectionDeadlines deadlines;
  MHD_Daemon* daemon = nullptr;
  int port = 0;
  RequestCounters counters;
  RateLimitedLog library_log;
  double start_time_seconds = static_cast<double>(base::NowMicros()) / 1e6;

  // `kuzet serve`: keeps own_store caught up with the writer; none in the daemon, whose own
  // store is always current.
  std::unique_ptr<CatchUpLoop> catch_up;

  std::mutex choices_mu;  // guards options.page_choices, which a reload replaces

  std::mutex count_mu;
  uint64_t counted_through = 0;  // the mention id counted up to
  uint64_t mentions_total = 0;
  std::map<std::string, uint64_t> mentions_by_rule;

  // RFC 6750 §2.1: "Bearer" (any case), one space, the token exactly as configured.
  bool Authorized(MHD_Connection* connection) const {
    if (options.token.empty()) return true;
    const char* value = nullptr;
    size_t size = 0;
    if (MHD_lookup_connection_value_n(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION,
                                      std::strlen(MHD_HTTP_HEADER_AUTHORIZATION), &value,
                                      &size) != MHD_YES ||
        value == nullptr) {
      return false;
    }
    std::string_view header(value, size);
    const std::string_view scheme = "Bearer ";
    if (header.size() <= scheme.size() || !base::StartsWithIgnoreAsciiCase(header, scheme)) {
      return false;
    }
    return ConstantTimeEquals(header.substr(scheme.size()), options.token);
  }

  Reply Mentions(const ParamList& params) {
    auto parsed = ParseMentionParams(
        params, {"since", "until", "rule", "lang", "site", "limit", "before", "group"},
        base::NowMicros(), kMaxApiLimit);
    if (auto* error = std::get_if<ParamError>(&parsed)) {
      return ErrorReply(400, error->message, error->parameter);
    }
    MentionRequest& request = std::get<MentionRequest>(parsed);
    if (request.group != "rule") return MentionGroups(params, request);
    auto page = QueryMentionPage(*reader, request);
    if (!page.ok() && page.status().code() == Status::Code::kNotFound) {
      return ErrorReply(400, page.status().message(), "before");
    }
    if (!page.ok()) return ErrorReply(500, page.status().message());
    // also_at: each story's newest other places, read once per story of the page (bounded).
    auto stories = LoadStoryPlaces(*reader, page->mentions);
    if (!stories.ok()) return ErrorReply(500, stories.status().message());
    nlohmann::json mentions = nlohmann::json::array();
    for (const storage::Mention& m : page->mentions) {
      mentions.push_back(MentionToApiJson(m, &*stories));
    }
    nlohmann::json body = {{"mentions", mentions}};
    return JsonReply(200, WithNext(std::move(body), params, page->next_before));
  }

  // The page's body with "next" (this request with before=next_before) and "next_before".
  static nlohmann::json WithNext(nlohmann::json body, const ParamList& params,
                                 std::optional<uint64_t> next_before) {
    body["next"] = nullptr;
    body["next_before"] = nullptr;
    if (next_before) {
      std::string next = "/api/mentions?";
      for (const auto& [name, value] : params) {
        if (name != "before") next += PercentEncode(name) + "=" + PercentEncode(value) + "&";
      }
      next += "before=" + std::to_string(*next_before);
      body["next"] = next;
      body["next_before"] = *next_before;
    }
    return body;
  }

  // group=article|story (issue #18): {"articles"|"stories": [MentionGroupToJson], next, ...}.
  Reply MentionGroups(const ParamList& params, const MentionRequest& request) {
    const MentionGrouping grouping =
        request.group == "story" ? MentionGrouping::kStory : MentionGrouping::kArticle;
    auto page = QueryMentionGroups(*reader, request, grouping);
    if (!page.ok() && page.status().code() == Status::Code::kNotFound) {
      return ErrorReply(400, page.status().message(), "before");
    }
    if (!page.ok()) return ErrorReply(500, page.status().message());
    auto stories = LoadStoryPlaces(*reader, GroupHeads(page->groups));
    if (!stories.ok()) return ErrorReply(500, stories.status().message());
    nlohmann::json groups = nlohmann::json::array();
    for (const MentionGroup& g : page->groups) {
      groups.push_back(MentionGroupToJson(g, grouping, &*stories));
    }
    nlohmann::json body = {{grouping == MentionGrouping::kStory ? "stories" : "articles", groups}};
    return JsonReply(200, WithNext(std::move(body), params, page->next_before));
  }

  // /api/search?q=...: app/search_results.h. A query the compiler refuses is a 400 naming q.
  // GET /api/documents/<id>/history: the edit watch's versions and the evidence captures of a
  // document (app/version_json.h).
  Reply DocumentHistory(std::string_view path) {
    constexpr std::string_view kPrefix = "/api/documents/", kSuffix = "/history";
    std::string_view id_text = path.substr(kPrefix.size());
    if (!id_text.ends_with(kSuffix)) return ErrorReply(404, "no such page: " + std::string(path));
    id_text.remove_suffix(kSuffix.size());
    uint64_t id = 0;
    // 1 to 19 digits: any id the store gives, and no overflow.
    if (id_text.empty() || id_text.size() > 19 ||
        id_text.find_first_not_of("0123456789") != std::string_view::npos) {
      return ErrorReply(400, "a document id is 1 to 19 digits", "id");
    }
    for (char c : id_text) id = id * 10 + static_cast<uint64_t>(c - '0');
    auto doc = reader->GetDocument(id);
    if (!doc.ok()) return ErrorReply(500, doc.status().message());
    if (!doc->has_value()) return ErrorReply(404, "no document " + std::to_string(id));
    auto versions = reader->Versions(id, kMaxApiLimit);
    if (!versions.ok()) return ErrorReply(500, versions.status().message());
    auto captures = reader->Evidence(id);
    if (!captures.ok()) return ErrorReply(500, captures.status().message());
    return JsonReply(200, HistoryToJson(**doc, *versions, *captures));
  }

  Reply Search(const ParamList& params) {
    auto parsed = ParseSearchParams(params, base::NowMicros(), kMaxApiLimit);
    if (auto* error = std::get_if<ParamError>(&parsed)) {
      return ErrorReply(400, error->message, error->parameter);
    }
    const SearchRequest& request = std::get<SearchRequest>(parsed);
    auto page = RunSearch(*store, request);
    if (!page.ok() && page.status().code() == Status::Code::kInvalidArgument) {
      return ErrorReply(400, page.status().message(), "q");
    }
    if (!page.ok()) return ErrorReply(500, page.status().message());
    auto stories = LoadStoryPlaces(*reader, page->hits);
    if (!stories.ok()) return ErrorReply(500, stories.status().message());
    nlohmann::json results = nlohmann::json::array();
    for (const storage::Mention& hit : page->hits) {
      results.push_back(SearchHitToJson(hit, &*stories));
    }
    nlohmann::json body = {{"results", results}, {"next", nullptr}, {"next_before", nullptr}};
    if (page->next_before != 0) {
      std::string next = "/api/search?";
      for (const auto& [name, value] : params) {
        if (name != "before") next += PercentEncode(name) + "=" + PercentEncode(value) + "&";
      }
      next += "before=" + std::to_string(page->next_before);
      body["next"] = next;
      body["next_before"] = page->next_before;
    }
    return JsonReply(200, body);
  }

  // The feed token, given once as ?token= and equal to the configured one (in constant time).
  bool FeedTokenAccepted(const ParamList& params) const {
    if (options.feed_token.empty()) return false;
    const std::string* given = nullptr;
    for (const auto& [name, value] : params) {
      if (name != "token") continue;
      if (given != nullptr) return false;
      given = &value;
    }
    return given != nullptr && ConstantTimeEquals(*given, options.feed_token);
  }

  // Where this feed is fetched from: public_url, or only the path (a relative reference, RFC 3986
  // section 4.2, never built from the Host header a client sends), with the validated filters.
  std::string FeedSelfUrl(const MentionRequest& request, bool limit_given) const {
    std::string base = options.public_url;
    while (base.ends_with('/')) base.pop_back();
    std::string url = base + "/feed.atom", separator = "?";
    for (const auto& [name, value] :
         {std::pair<std::string, std::string>{"rule", request.query.rule_id},
          {"site", request.query.site_id},
          {"lang", request.query.lang},
          {"limit", limit_given ? std::to_string(request.limit) : ""}}) {
      if (value.empty()) continue;
      url += separator + name + "=" + PercentEncode(value);
      separator = "&";
    }
    return url;
  }

  Reply Feed(ParamList params, MHD_Connection* connection) {
    // The token was checked by Route; it is no filter.
    std::erase_if(params, [](const auto& param) { return param.first == "token"; });
    auto parsed = ParseMentionParams(params, {"rule", "lang", "site", "limit"}, base::NowMicros(),
                                     kMaxFeedLimit);
    if (auto* error = std::get_if<ParamError>(&parsed)) {
      return ErrorReply(400, error->message, error->parameter);
    }
    MentionRequest& request = std::get<MentionRequest>(parsed);
    if (!HasParam(params, "limit")) request.limit = kFeedDefaultLimit;
    auto page = QueryMentionPage(*reader, request);
    if (!page.ok()) return ErrorReply(500, page.status().message());
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
    auto stories = LoadStoryPlaces(*reader, page->mentions);
    if (!stories.ok()) return ErrorReply(500, stories.status().message());
    const std::string self = FeedSelfUrl(request, HasParam(params, "limit"));
    Reply reply;
    reply.body =
        FormatMentionAtom(page->mentions, feed_id, title, base::NowMicros(), &*stories, self);
    reply.content_type = "application/atom+xml; charset=utf-8";
    // An empty feed's <updated> is the current time: its tag is taken with a fixed one instead.
    reply.etag =
        FeedEtag(page->mentions.empty() ? FormatMentionAtom({}, feed_id, title, 0, nullptr, self)
                                        : reply.body);
    reply.headers = {{"Cache-Control", "private, no-cache"}};  // revalidate, with the ETag
    const char* if_none_match =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (if_none_match != nullptr && NoneMatchHits(if_none_match, reply.etag)) {
      reply.status = 304;  // RFC 9110 section 15.4.5: no content, the same validator
      reply.body.clear();
    }
    return reply;
  }

  Reply Metrics() {
    MetricsSnapshot snapshot;
    {
      std::lock_guard<std::mutex> lock(count_mu);
      Status status =
          CountNewMentions(*reader, &counted_through, &mentions_total, &mentions_by_rule);
      if (!status.ok()) return ErrorReply(500, status.message());
      snapshot.mentions_total = mentions_total;
      snapshot.mentions_by_rule = mentions_by_rule;
    }
    snapshot.requests = counters.Snapshot();
    snapshot.connections_cut_off = deadlines.cut_off();
    snapshot.catch_up_age_seconds =
        catch_up == nullptr
            ? 0
            : static_cast<double>(base::NowMicros() - catch_up->caught_up_us()) / 1e6;
    snapshot.process_start_time_seconds = start_time_seconds;
    const DaemonView& view = options.daemon;
    if (view.metrics != nullptr) snapshot.pipeline = view.metrics->Snapshot();
    if (view.health != nullptr) snapshot.healthy = view.health->Check().ready;
    if (view.crawl_state != nullptr) snapshot.queued_urls = QueuedUrls(view, snapshot.pipeline);
    snapshot.build = GetBuildInfo();
    snapshot.outbox = CountOutbox();
    if (auto backfills = reader->RuleBackfills(); backfills.ok()) {
      snapshot.backfills = std::move(backfills).value();
    } else {
      spdlog::warn("/metrics: kuzet_backfill_* left out: {}", backfills.status().message());
    }
    if (auto bytes = DataDirBytes(options.data_dir); bytes.ok()) {
      snapshot.store_size_bytes = *bytes;
    } else {
      spdlog::warn("/metrics: kuzet_store_size_bytes left out: {}", bytes.status().message());
    }
    Reply reply;
    reply.body = RenderMetrics(snapshot);
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return reply;
  }

  // The sites configured at start, and those a reload added once the crawl has noted them.
  std::map<std::string, int64_t> QueuedUrls(const DaemonView& view,
                                            const std::optional<PipelineCounts>& counts) const {
    std::set<std::string> sites(view.site_ids.begin(), view.site_ids.end());
    if (counts) {
      for (const auto& [site, interval] : counts->interval_seconds) sites.insert(site);
    }
    std::map<std::string, int64_t> queued;
    for (const std::string& site : sites) {
      auto size = view.crawl_state->QueueSize(site);
      if (size.ok()) {
        queued[site] = *size;
      } else {
        spdlog::warn("/metrics: queue of site {} left out: {}", site, size.status().message());
      }
    }
    return queued;
  }

  std::optional<OutboxCounts> CountOutbox() const {
    auto pending = store->outbox().Pending(OutboxCounts::kMaxCounted);
    auto failed = store->outbox().FailedAlerts(OutboxCounts::kMaxCounted);
    if (!pending.ok() || !failed.ok()) {
      spdlog::warn("/metrics: kuzet_alert_outbox_entries left out: {}",
                   (pending.ok() ? failed.status() : pending.status()).message());
      return std::nullopt;
    }
    return OutboxCounts{pending->size(), failed->size()};
  }

  // Plain text, so a probe can match the first word; 503 (RFC 9110 §15.6.4) when not ready.
  Reply Healthz() const {
    HealthVerdict verdict{true, "ready"};
    if (options.daemon.health != nullptr) verdict = options.daemon.health->Check();
    Reply reply;
    reply.status = verdict.ready ? 200 : 503;
    reply.body = verdict.reason + "\n";
    reply.content_type = "text/plain; charset=utf-8";
    return reply;
  }

  // GET /: rendered from the store when the request may read it (app/web_page.h).
  Reply Page(MHD_Connection* connection) {
    bool authorized = Authorized(connection);
    PageChoices choices;
    {
      std::lock_guard<std::mutex> lock(choices_mu);
      choices = options.page_choices;
    }
    PageSearch search;
    if (store != nullptr) {
      search = [this](const SearchRequest& request) { return RunSearch(*store, request); };
    }
    WebPageReply page = ServeWebPage(*reader, choices, QueryParams(connection), base::NowMicros(),
                                     authorized, search);
    Reply reply;
    reply.status = page.status;
    reply.body = std::move(page.html);
    reply.content_type = "text/html; charset=utf-8";
    reply.headers = {{"Content-Security-Policy", kWebPageCsp}, {"Cache-Control", "no-store"}};
    return reply;
  }

  // page.css and page.js: constants of this build.
  static Reply Asset(const std::string& body, const char* content_type) {
    Reply reply;
    reply.body = body;
    reply.content_type = content_type;
    reply.headers = {{"Cache-Control", "no-cache"}};
    return reply;
  }

  Reply Route(MHD_Connection* connection, std::string_view path, std::string_view method) {
    if (method != "GET" && method != "HEAD") {
      Reply reply = ErrorReply(405, "only GET and HEAD are served");
      reply.headers = {{"Allow", "GET, HEAD"}};
      return reply;
    }
    // GET carries no body (RFC 9110 §9.3.1): one announced is refused before it is read.
    const char* length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_TRANSFER_ENCODING) != nullptr ||
        (length != nullptr && std::strcmp(length, "0") != 0)) {
      return ErrorReply(413, "a request body is not accepted");
    }
    if (MHD_get_connection_values(connection, MHD_HEADER_KIND, nullptr, nullptr) >
        static_cast<int>(kMaxHeaderLines)) {
      return ErrorReply(431, "more than " + std::to_string(kMaxHeaderLines) + " header lines");
    }
    if (path == "/") return Page(connection);  // without a token: a page that asks for one
    if (path == "/page.css") return Asset(WebPageCss(), "text/css; charset=utf-8");
    if (path == "/page.js") return Asset(WebPageScript(), "text/javascript; charset=utf-8");
    if (path == "/healthz") return Healthz();  // before the token: see http_server.h
    // The feed token opens the feed and nothing else.
    const bool feed = path == "/feed.atom";
    if (!Authorized(connection) && !(feed && FeedTokenAccepted(QueryParams(connection)))) {
      Reply reply = ErrorReply(401, feed && !options.feed_token.empty()
                                        ? "a valid feed token (?token=<feed token>) or bearer "
                                          "token (Authorization: Bearer <token>) is required"
                                        : "a valid bearer token is required (Authorization: "
                                          "Bearer <token>)");
      reply.headers = {{"WWW-Authenticate", "Bearer realm=\"kuzet\""}};  // RFC 6750 §3
      return reply;
    }
    if (path == "/api/mentions") return Mentions(QueryParams(connection));
    if (path == "/api/search") return Search(QueryParams(connection));
    if (path.starts_with("/api/documents/")) return DocumentHistory(path);
    if (feed) return Feed(QueryParams(connection), connection);
    if (path == "/metrics") return Metrics();
    return ErrorReply(404, "no such page: " + std::string(path));
  }

  MHD_Result Answer(MHD_Connection* connection, const char* url, const char* method) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (info != nullptr && info->socket_context != nullptr) {
      deadlines.Restart(static_cast<ConnectionDeadlines::Connection*>(info->socket_context),
                        options.response_timeout);
    }
    std::string_view path = url == nullptr ? "" : url;
    Reply reply;
    try {
      reply = Route(connection, path, method == nullptr ? "" : method);
    } catch (const std::exception& e) {
      reply = ErrorReply(500, std::string("internal error: ") + e.what());
    }
    // An unhealthy /healthz is an answer, not a server error: the daemon logs the fault itself.
    if (reply.status >= 500 && path != "/healthz") {
      spdlog::warn("http: {} {} from {}: {} {}", method, base::ToValidUtf8(std::string(path)),
                   ClientAddress(connection), reply.status, reply.body);
    }
    MHD_Response* response = MHD_create_response_from_buffer(reply.body.size(), reply.body.data(),
                                                             MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) return MHD_NO;  // out of memory: libmicrohttpd closes
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type);
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : reply.headers) {
      MHD_add_response_header(response, name, value);
    }
    if (!reply.etag.empty()) MHD_add_response_header(response, "ETag", reply.etag.c_str());
    // After a refused request the connection's state is suspect (an unread body, say): close it.
    if (reply.status == 405 || reply.status == 413 || reply.status == 431) {
      MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    MHD_Result queued =
        MHD_queue_response(connection, static_cast<unsigned int>(reply.status), response);
    MHD_destroy_response(response);
    counters.Count(RouteLabel(path), reply.status);
    return queued;
  }

  // libmicrohttpd callbacks (C function pointers; `cls` is this Impl).
  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url,
                              const char* method, const char* /*version*/,
                              const char* /*upload_data*/, size_t* upload_data_size,
                              void** request_state) {
    // First called once the request head is in: answered at once (GET has no body to wait for).
    // Any later call brings body bytes of a request already refused: dropped unread.
    if (*request_state != nullptr) {
      *upload_data_size = 0;
      return MHD_YES;
    }
    *request_state = cls;  // answered
    return static_cast<Impl*>(cls)->Answer(connection, url, method);
  }
  static void OnConnection(void* cls, MHD_Connection* connection, void** socket_context,
                           MHD_ConnectionNotificationCode code) {
    auto* impl = static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      const MHD_ConnectionInfo* info =
          MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
      *socket_context = impl->deadlines.Opened(info->connect_fd, ClientAddress(connection),
                                               impl->options.request_timeout);
      if (*socket_context == nullptr) {
        impl->library_log.Warn("cannot watch a new connection's deadline (out of descriptors?)");
        shutdown(info->connect_fd, SHUT_RDWR);  // refused rather than left without a deadline
      }
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context != nullptr) {
      impl->deadlines.Closed(static_cast<ConnectionDeadlines::Connection*>(*socket_context));
      *socket_context = nullptr;
    }
  }
  // A response was sent (or the request failed): the next request on a kept-alive connection has
  // a fresh request_timeout.
  static void OnCompleted(void* cls, MHD_Connection* connection, void** /*request_state*/,
                          MHD_RequestTerminationCode /*code*/) {
    auto* impl = static_cast<Impl*>(cls);
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (info != nullptr && info->socket_context != nullptr) {
      impl->deadlines.Restart(static_cast<ConnectionDeadlines::Connection*>(info->socket_context),
                              impl->options.request_timeout);
    }
  }
  static void OnLibraryMessage(void* cls, const char* format, va_list args) {
    char message[512];
    std::vsnprintf(message, sizeof message, format, args);
    std::string text = message;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    static_cast<Impl*>(cls)->library_log.Warn("libmicrohttpd: " +
                                              WithoutTokens(base::ToValidUtf8(text)));
  }

  Status StartDaemon(int listen_fd) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    daemon = MHD_start_daemon(
        flags, 0, nullptr, nullptr, &OnRequest, this,         //
        MHD_OPTION_EXTERNAL_LOGGER, &OnLibraryMessage, this,  //
        MHD_OPTION_LISTEN_SOCKET, listen_fd,                  //
        MHD_OPTION_THREAD_POOL_SIZE,
        static_cast<unsigned int>(std::max<size_t>(options.threads, 1)),
        MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned int>(options.max_connections),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        static_cast<unsigned int>(options.max_connections_per_client),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, options.memory_per_connection,
        MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned int>(options.idle_timeout.count()),
        MHD_OPTION_NOTIFY_CONNECTION, &OnConnection, this,  //
        MHD_OPTION_NOTIFY_COMPLETED, &OnCompleted, this,    //
        MHD_OPTION_END);
    if (daemon == nullptr) {
      return Status::IOError("listen " + options.listen + ": libmicrohttpd did not start");
    }
    return Status::Ok();
  }
};

Result<HttpServerOptions> HttpOptionsFromConfig(const config::Server& server,
                                                const std::string& data_dir,
                                                const std::string& listen_override,
                                                const std::string& token_env_override) {
  HttpServerOptions options;
  options.data_dir = data_dir;
  options.listen = listen_override.empty() ? server.listen : listen_override;
  auto address = url::ParseListenAddress(options.listen);
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
  if (!server.feed_token_env.empty()) {
    const char* token = std::getenv(server.feed_token_env.c_str());
    if (token == nullptr || *token == '\0') {
      return Status::InvalidArgument("feed_token_env: the environment variable " +
                                     server.feed_token_env + " is not set or empty");
    }
    if (token == options.token) {
      return Status::InvalidArgument(
          "feed_token_env: the feed token must differ from the API's "
          "bearer token (it travels in URLs and opens only the feed)");
    }
    options.feed_token = token;
  }
  options.public_url = server.public_url;
  if (!url::IsLoopbackHost(address->host) && options.token.empty()) {
    return Status::InvalidArgument(
        "listen " + options.listen +
        ": refusing to serve mentions beyond this machine without a bearer token; set token_env "
        "(or --token-env) to an environment variable holding one, or listen on 127.0.0.1");
  }
  return options;
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

void HttpServer::SetPageChoices(PageChoices choices) {
  std::lock_guard<std::mutex> lock(impl_->choices_mu);
  impl_->options.page_choices = std::move(choices);
}

void HttpServer::Stop() {
  if (impl_->daemon == nullptr) return;
  MHD_stop_daemon(impl_->daemon);  // joins its threads and closes every socket, ours included
  impl_->daemon = nullptr;
  impl_->catch_up.reset();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options) {
  auto address = url::ParseListenAddress(options.listen);
  if (!address.ok()) return address.status();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->store = options.store;
  if (impl->store == nullptr) {
    auto store = storage::Store::Open(options.data_dir, storage::Store::Mode::kReadOnly);
    if (!store.ok()) return store.status();
    impl->own_store = std::move(store).value();
    impl->store = impl->own_store.get();
  }
  impl->reader = &impl->store->reader();
  auto listen_fd = OpenListenSocket(options.listen, *address, options.listen_backlog);
  if (!listen_fd.ok()) return listen_fd.status();
  impl->port = BoundPort(*listen_fd);
  if (impl->own_store != nullptr) {
    impl->catch_up = std::make_unique<CatchUpLoop>(*impl->reader, options.catch_up_interval);
  }
  Status started = impl->StartDaemon(*listen_fd);
  if (!started.ok()) {
    if (fcntl(*listen_fd, F_GETFD) != -1) close(*listen_fd);
    return started;
  }
  spdlog::info("http: serving on http://{}:{}/ ({})", address->host, impl->port,
               options.token.empty() ? "no token" : "bearer token required");
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace kuzet::app
