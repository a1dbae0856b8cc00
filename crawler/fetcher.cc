#include "crawler/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

#include "crawler/url.h"

namespace kuzet::crawler {

namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

bool IsNonPublicV4(const uint8_t* a) {
  if (a[0] == 0 || a[0] == 10 || a[0] == 127) return true;  // "this network", RFC 1918, loopback
  if (a[0] == 100 && (a[1] & 0xC0) == 64) return true;      // 100.64/10 carrier-grade NAT
  if (a[0] == 169 && a[1] == 254) return true;              // link-local (RFC 3927)
  if (a[0] == 172 && (a[1] & 0xF0) == 16) return true;      // RFC 1918
  if (a[0] == 192 && a[1] == 168) return true;              // RFC 1918
  if (a[0] == 192 && a[1] == 0 && a[2] == 0) return true;   // IETF protocol assignments
  if (a[0] == 198 && (a[1] & 0xFE) == 18) return true;      // benchmarking 198.18/15
  if (a[0] >= 224) return true;                             // multicast, reserved, broadcast
  return false;
}

bool IsNonPublicV6(const uint8_t* a) {
  static constexpr std::array<uint8_t, 10> kZero10{};
  bool first10_zero = std::memcmp(a, kZero10.data(), 10) == 0;
  if (first10_zero && a[10] == 0xFF && a[11] == 0xFF) return IsNonPublicV4(a + 12);  // ::ffff:v4
  if (first10_zero && a[10] == 0 && a[11] == 0) return true;  // ::, ::1, deprecated ::v4
  if ((a[0] & 0xFE) == 0xFC) return true;                     // fc00::/7 unique-local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return true;     // fe80::/10 link-local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) return true;     // fec0::/10 site-local (deprecated)
  if (a[0] == 0xFF) return true;                              // multicast
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B) {
    return IsNonPublicV4(a + 12);  // 64:ff9b::/96 NAT64 embeds an IPv4 address
  }
  if (a[0] == 0x20 && a[1] == 0x02) return IsNonPublicV4(a + 2);  // 2002::/16 6to4
  return false;
}

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

bool IsNonPublicAddress(std::string_view ip) {
  std::string text(ip);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  uint8_t bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return IsNonPublicV4(bytes);
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) return IsNonPublicV6(bytes);
  return false;
}

std::string FetchResponse::Header(std::string_view name) const {
  std::string wanted = Lower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) return value;
  }
  return "";
}

struct Fetcher::Impl {
  config::Settings settings;
  CURL* curl = nullptr;

  // State of the hop in progress, read by the callbacks.
  std::string hop_host;
  std::string refused_address;  // set when the connect callback refused an address
  bool body_too_large = false;
  FetchResponse* response = nullptr;

  bool PrivateAllowed(const std::string& host, const std::string& ip) const {
    for (const std::string& allowed : settings.allow_private_hosts) {
      std::string entry = Lower(allowed);
      if (entry == "*" || entry == host || entry == ip || "[" + entry + "]" == host) return true;
    }
    return false;
  }

  // CURLOPT_OPENSOCKETFUNCTION: called with the resolved address before every new connection, so
  // neither a redirect nor a DNS answer that changes between check and use (rebinding) can reach
  // a private address.
  static curl_socket_t OpenSocket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
    auto* self = static_cast<Impl*>(user);
    if (purpose == CURLSOCKTYPE_IPCXN) {
      std::string ip = AddressText(&address->addr);
      if ((address->family != AF_INET && address->family != AF_INET6) ||
          (IsNonPublicAddress(ip) && !self->PrivateAllowed(self->hop_host, ip))) {
        self->refused_address = ip.empty() ? "non-IP address" : ip;
        return CURL_SOCKET_BAD;
      }
    }
    return socket(address->family, address->socktype, address->protocol);
  }

  static size_t Write(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Impl*>(user);
    size_t n = size * count;
    // libcurl hands this callback decoded bytes (CURLOPT_ACCEPT_ENCODING), in chunks, so the
    // limit holds for decompressed size and memory stays bounded even for a gzip bomb.
    if (static_cast<int64_t>(self->response->body.size() + n) > self->settings.max_body_bytes) {
      self->body_too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    self->response->body.append(data, n);
    return n;
  }

  static size_t Header(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Impl*>(user);
    size_t n = size * count;
    std::string_view line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
      self->response->headers.clear();  // a new response (after 1xx) starts
      return n;
    }
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0) {
      self->response->headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                           std::string(Trim(line.substr(colon + 1))));
    }
    return n;
  }
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
  Impl& impl = *impl_;
  if (impl.curl == nullptr) return Status::IOError("libcurl could not be initialised");
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + impl.settings.fetch_timeout;
  const long total_ms = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(impl.settings.fetch_timeout).count());

  FetchResponse response;
  response.url = request.url;
  std::string url = WithAsciiHost(request.url);
  std::vector<std::string> chain;
  impl.response = &response;

  auto fail = [&](const std::string& what) -> Status {
    std::string message = what + " fetching " + request.url;
    if (chain.size() > 1) {
      message += " (redirects:";
      for (size_t i = 1; i < chain.size(); ++i) message += " -> " + chain[i];
      message += ")";
    }
    return Status::Network(message);
  };

  for (;;) {
    std::string scheme = Lower(url.substr(0, url.find(':')));
    if (scheme != "http" && scheme != "https") return fail("refused non-http(s) URL " + url);
    chain.push_back(url);
    long remaining_ms = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (remaining_ms <= 0) return fail("timed out after " + std::to_string(total_ms) + " ms");

    CURL* curl = impl.curl;
    curl_easy_reset(curl);  // keeps the connection cache
    impl.hop_host = HostOf(url);
    impl.refused_address.clear();
    impl.body_too_large = false;
    response.body.clear();
    response.headers.clear();

    std::unique_ptr<curl_slist, CurlSlistDeleter> extra_headers;
    if (chain.size() == 1) {  // validators belong to the requested URL only
      curl_slist* list = nullptr;
      if (!request.etag.empty()) {
        list = curl_slist_append(list, ("If-None-Match: " + request.etag).c_str());
      }
      if (!request.last_modified.empty()) {
        list = curl_slist_append(list, ("If-Modified-Since: " + request.last_modified).c_str());
      }
      extra_headers.reset(list);
    }

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROXY,
                     "");  // environment proxies would bypass the address check
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, impl.settings.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, remaining_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(remaining_ms, 15000L));
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(impl.settings.max_body_bytes));
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &Impl::OpenSocket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &impl);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Impl::Write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &impl);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &Impl::Header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &impl);
    if (extra_headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, extra_headers.get());

    CURLcode rc = curl_easy_perform(curl);

    curl_off_t body_bytes = 0;
    long header_bytes = 0;
    curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &body_bytes);
    curl_easy_getinfo(curl, CURLINFO_HEADER_SIZE, &header_bytes);
    response.bytes_received += body_bytes + header_bytes;

    if (rc != CURLE_OK) {
      if (!impl.refused_address.empty()) {
        return fail("refused to connect to non-public address " + impl.refused_address + " of " +
                    impl.hop_host + " (add the host to settings.allow_private_hosts to allow it)");
      }
      if (impl.body_too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        return fail("body larger than max_body_bytes=" +
                    std::to_string(impl.settings.max_body_bytes) + " (after decompression)");
      }
      if (rc == CURLE_OPERATION_TIMEDOUT) {
        return fail("timed out after " + std::to_string(total_ms) + " ms");
      }
      return fail(std::string("network error: ") + curl_easy_strerror(rc));
    }

    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    const char* content_type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type);
    response.content_type = content_type != nullptr ? content_type : "";

    const char* location = nullptr;
    curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
    bool is_redirect = response.status == 301 || response.status == 302 || response.status == 303 ||
                       response.status == 307 || response.status == 308;
    if (!is_redirect || location == nullptr || location[0] == '\0') break;

    std::string next = location;
    if (std::find(chain.begin(), chain.end(), next) != chain.end()) {
      chain.push_back(next);
      return fail("redirect loop");
    }
    if (response.redirects >= impl.settings.max_redirects) {
      chain.push_back(next);
      return fail(
          "too many redirects (max_redirects=" + std::to_string(impl.settings.max_redirects) + ")");
    }
    ++response.redirects;
    url = WithAsciiHost(next);
  }

  response.final_url = url;
  response.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  impl.response = nullptr;
  return response;
}

}  // namespace kuzet::crawler
