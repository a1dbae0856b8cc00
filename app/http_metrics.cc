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

// One series per site: name{site="..."} count.
void BySite(std::ostringstream& out, const char* name, const std::map<std::string, uint64_t>& c) {
  for (const auto& [site, count] : c) {
    out << name << "{site=\"" << LabelValue(site) << "\"} " << count << "\n";
  }
}

void RenderPipelineCounts(std::ostringstream& out, const PipelineCounts& c) {
  Family(out, "kuzet_pages_processed_total", "counter",
         "Fetched pages taken through extraction, matching and storage, by site.");
  BySite(out, "kuzet_pages_processed_total", c.pages_processed);
  Family(out, "kuzet_fetch_errors_total", "counter",
         "Fetches of pages, feeds and sitemaps that failed (network, HTTP status, size, "
         "unreadable feed), by site.");
  BySite(out, "kuzet_fetch_errors_total", c.fetch_errors);
  Family(out, "kuzet_pages_not_text_total", "counter",
         "Pages skipped because their body is not text (a PDF, an image), by site.");
  BySite(out, "kuzet_pages_not_text_total", c.not_text);
  Family(out, "kuzet_pages_over_budget_total", "counter",
         "Pages skipped for running out of their CPU or memory budget, by site and budget.");
  for (const auto& [key, count] : c.over_budget) {
    out << "kuzet_pages_over_budget_total{site=\"" << LabelValue(key.first) << "\",budget=\""
        << BudgetLabel(key.second) << "\"} " << count << "\n";
  }
  Family(out, "kuzet_regex_timeouts_total", "counter",
         "Pages on which a rule's regex term hit its time limit (mentions may be missed), by "
         "site and rule.");
  for (const auto& [key, count] : c.regex_timeouts) {
    out << "kuzet_regex_timeouts_total{site=\"" << LabelValue(key.first) << "\",rule=\""
        << LabelValue(key.second) << "\"} " << count << "\n";
  }
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
  if (m.pipeline) RenderPipelineCounts(out, *m.pipeline);
  Family(out, "process_start_time_seconds", "gauge",
         "Start time of the process since unix epoch in seconds.");
  out << "process_start_time_seconds " << Number(m.process_start_time_seconds) << "\n";
  return out.str();
}

}  // namespace kuzet::app
