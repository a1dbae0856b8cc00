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

// A sample value: counts as integers, seconds with microseconds.
std::string Sample(uint64_t v) { return std::to_string(v); }
std::string Sample(int64_t v) { return std::to_string(v); }
std::string Sample(double v) { return Number(v); }

// One series per label value: name{label="..."} value.
template <typename Value>
void ByLabel(std::ostringstream& out, const char* name, const char* label,
             const std::map<std::string, Value>& values) {
  for (const auto& [key, value] : values) {
    out << name << "{" << label << "=\"" << LabelValue(key) << "\"} " << Sample(value) << "\n";
  }
}

template <typename Value>
void BySite(std::ostringstream& out, const char* name, const std::map<std::string, Value>& values) {
  ByLabel(out, name, "site", values);
}

void RenderHistogram(std::ostringstream& out, const char* name, const LatencyHistogram& h) {
  for (size_t i = 0; i < LatencyHistogram::kBounds.size(); ++i) {
    char le[32];
    std::snprintf(le, sizeof le, "%g", LatencyHistogram::kBounds[i]);
    out << name << "_bucket{le=\"" << le << "\"} " << h.CumulativeCount(i) << "\n";
  }
  out << name << "_bucket{le=\"+Inf\"} " << h.count() << "\n";
  out << name << "_sum " << Number(h.sum()) << "\n";
  out << name << "_count " << h.count() << "\n";
}

void RenderPipelineCounts(std::ostringstream& out, const PipelineCounts& c) {
  Family(out, "kuzet_pages_processed_total", "counter",
         "Fetched pages taken through extraction, matching and storage, by site.");
  BySite(out, "kuzet_pages_processed_total", c.pages_processed);
  Family(out, "kuzet_fetch_errors_total", "counter",
         "Fetches of pages, feeds and sitemaps that failed, by site and kind (dns, connect, "
         "timeout, tls, network, http_4xx, http_5xx, http_other, too_large, redirect, "
         "blocked_address, robots, unparseable, bad_url, other).");
  for (const auto& [key, count] : c.fetch_errors) {
    out << "kuzet_fetch_errors_total{site=\"" << LabelValue(key.first) << "\",kind=\""
        << FetchErrorKindLabel(key.second) << "\"} " << count << "\n";
  }
  Family(out, "kuzet_site_last_success_timestamp_seconds", "gauge",
         "Unix time of the site's last fetch answered 200 or 304 since the process started.");
  BySite(out, "kuzet_site_last_success_timestamp_seconds", c.last_success_seconds);
  Family(out, "kuzet_site_interval_seconds", "gauge",
         "The longest the site goes between reads when healthy: its interval, or for a site of "
         "feeds and sitemaps only their max_interval.");
  BySite(out, "kuzet_site_interval_seconds", c.interval_seconds);
  Family(out, "kuzet_pages_stored_total", "counter",
         "Pages stored as a new document or a new text of one, by site.");
  BySite(out, "kuzet_pages_stored_total", c.pages_stored);
  Family(out, "kuzet_site_mentions_stored_total", "counter",
         "Mentions found and stored since the process started, by site.");
  BySite(out, "kuzet_site_mentions_stored_total", c.mentions_stored);
  Family(out, "kuzet_fetch_duration_seconds", "histogram",
         "Duration of page, feed and sitemap fetches, failed ones included.");
  RenderHistogram(out, "kuzet_fetch_duration_seconds", c.fetch_duration);
  Family(out, "kuzet_store_write_errors_total", "counter",
         "Pages and fetch records the store failed to write.");
  out << "kuzet_store_write_errors_total " << c.store_write_errors << "\n";
  Family(out, "kuzet_alert_sends_total", "counter", "Alerts a channel accepted, by channel.");
  ByLabel(out, "kuzet_alert_sends_total", "channel", c.alert_sends);
  Family(out, "kuzet_alert_send_failures_total", "counter",
         "Failed attempts to send an alert, by channel.");
  ByLabel(out, "kuzet_alert_send_failures_total", "channel", c.alert_send_failures);
  Family(out, "kuzet_alert_channels_given_up_total", "counter",
         "Alerts a channel gave up on (after max_attempts or a permanent error), by channel.");
  ByLabel(out, "kuzet_alert_channels_given_up_total", "channel", c.alert_given_up);
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
  if (m.queued_urls) {
    Family(out, "kuzet_site_queued_urls", "gauge",
           "URLs in the site's crawl queue (the frontier), waiting to be fetched.");
    BySite(out, "kuzet_site_queued_urls", *m.queued_urls);
  }
  if (m.outbox) {
    Family(out, "kuzet_alert_outbox_entries", "gauge",
           "Alerts in the outbox: pending (to be sent or retried) and failed (given up, waiting "
           "for `kuzet alerts --retry`); each counted up to 10000.");
    out << "kuzet_alert_outbox_entries{state=\"pending\"} " << m.outbox->pending << "\n";
    out << "kuzet_alert_outbox_entries{state=\"failed\"} " << m.outbox->failed << "\n";
  }
  if (m.store_size_bytes) {
    Family(out, "kuzet_store_size_bytes", "gauge",
           "Bytes of the files in the data dir (the store, the crawl state and their logs).");
    out << "kuzet_store_size_bytes " << *m.store_size_bytes << "\n";
  }
  if (m.healthy) {
    Family(out, "kuzet_healthy", "gauge", "1 when /healthz answers ready, else 0.");
    out << "kuzet_healthy " << (*m.healthy ? 1 : 0) << "\n";
  }
  if (!m.backfills.empty()) {
    Family(out, "kuzet_backfill_documents", "gauge",
           "Stored documents of a rule's last backfill (issue #18): in its window, and scanned.");
    for (const storage::RuleBackfill& b : m.backfills) {
      const std::string rule = LabelValue(b.rule_id);
      out << "kuzet_backfill_documents{rule=\"" << rule << "\",state=\"total\"} " << b.docs_total
          << "\n";
      out << "kuzet_backfill_documents{rule=\"" << rule << "\",state=\"scanned\"} "
          << b.docs_scanned << "\n";
    }
    Family(out, "kuzet_backfill_mentions_found", "gauge",
           "Mentions a rule's last backfill added to stored documents.");
    for (const storage::RuleBackfill& b : m.backfills) {
      out << "kuzet_backfill_mentions_found{rule=\"" << LabelValue(b.rule_id) << "\"} " << b.found
          << "\n";
    }
    Family(out, "kuzet_backfill_running", "gauge", "1 while a rule's backfill is unfinished.");
    for (const storage::RuleBackfill& b : m.backfills) {
      out << "kuzet_backfill_running{rule=\"" << LabelValue(b.rule_id) << "\"} "
          << (b.done() ? 0 : 1) << "\n";
    }
  }
  Family(out, "kuzet_build_info", "gauge", "The version, commit and compiler of this binary.");
  out << "kuzet_build_info{version=\"" << LabelValue(m.build.version) << "\"";
  if (!m.build.commit.empty()) out << ",commit=\"" << LabelValue(m.build.commit) << "\"";
  out << ",compiler=\"" << LabelValue(m.build.compiler) << "\"} 1\n";
  Family(out, "process_start_time_seconds", "gauge",
         "Start time of the process since unix epoch in seconds.");
  out << "process_start_time_seconds " << Number(m.process_start_time_seconds) << "\n";
  return out.str();
}

}  // namespace kuzet::app
