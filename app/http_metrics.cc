// /metrics in the Prometheus text exposition format 0.0.4.
#include <cstdio>
#include <sstream>

#include "app/http_api.h"
#include "base/escape.h"

namespace kuzet::app {

namespace {

// Label values escape backslash, double quote and newline (exposition format spec).
std::string LabelValue(const std::string& raw) {
  std::string value = base::ToValidUtf8(raw), out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Microsecond precision is all the inputs have.
std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

void Family(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

void RequestCounters::Count(const std::string& route, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[{route, status}];
}

std::map<std::pair<std::string, int>, uint64_t> RequestCounters::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

std::string RenderMetrics(const MetricsSnapshot& m) {
  std::ostringstream out;
  Family(out, "kuzet_mentions_total", "counter", "Mentions found and stored.");
  out << "kuzet_mentions_total " << m.mentions_total << "\n";
  Family(out, "kuzet_rule_mentions_total", "counter", "Mentions found and stored, by rule.");
  for (const auto& [rule, count] : m.mentions_by_rule) {
    out << "kuzet_rule_mentions_total{rule=\"" << LabelValue(rule) << "\"} " << count << "\n";
  }
  Family(out, "kuzet_http_requests_total", "counter", "HTTP requests served, by route and status.");
  for (const auto& [key, count] : m.requests) {
    out << "kuzet_http_requests_total{route=\"" << LabelValue(key.first) << "\",code=\""
        << key.second << "\"} " << count << "\n";
  }
  Family(out, "kuzet_http_connections_cut_off_total", "counter",
         "HTTP connections closed for overstaying the request or response deadline.");
  out << "kuzet_http_connections_cut_off_total " << m.connections_cut_off << "\n";
  Family(out, "kuzet_store_catch_up_age_seconds", "gauge",
         "Seconds since this server last caught up with the store's writer.");
  out << "kuzet_store_catch_up_age_seconds " << Number(m.catch_up_age_seconds) << "\n";
  Family(out, "process_start_time_seconds", "gauge",
         "Start time of the process since unix epoch in seconds.");
  out << "process_start_time_seconds " << Number(m.process_start_time_seconds) << "\n";
  return out.str();
}

}  // namespace kuzet::app
