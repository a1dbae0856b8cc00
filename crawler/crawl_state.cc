#include "crawler/crawl_state.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "storage/fault_monitor.h"
#include "storage/interrupted_creation.h"
#include "storage/rocks_db.h"
#include "storage/rocksdb_info_log.h"

namespace kuzet::crawler {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFormatVersion = 1;
constexpr const char* kFormatVersionKey = "format_version";
constexpr const char* kMeta = "meta";
constexpr const char* kFrontier = "frontier";
constexpr const char* kResources = "resources";
constexpr const char* kSites = "sites";
const char* const kFamilies[] = {"default", kMeta, kFrontier, kResources, kSites};

std::string Key(const std::string& site_id, const std::string& url) {
  std::string key = site_id;
  key.push_back('\0');
  key += url;
  return key;
}

std::optional<PageKind> KindFromName(const std::string& name) {
  for (PageKind kind : {PageKind::kStart, PageKind::kFeed, PageKind::kSitemap, PageKind::kLink}) {
    if (name == PageKindName(kind)) return kind;
  }
  return std::nullopt;
}

std::string EncodeQueued(const QueuedUrl& q) {
  return json{{"depth", q.depth},
              {"kind", PageKindName(q.kind)},
              {"attempts", q.attempts},
              {"queued", q.queued_at_us},
              {"not_before", q.not_before_us}}
      .dump();
}

std::string EncodeResource(const ResourceState& r) {
  return json{{"kind", PageKindName(r.kind)},
              {"etag", r.etag},
              {"last_modified", r.last_modified},
              {"last_status", r.last_status},
              {"last_fetch", r.last_fetch_us},
              {"last_change", r.last_change_us},
              {"interval", r.interval_s},
              {"next_due", r.next_due_us},
              {"items_hash", r.items_hash},
              {"fetches", r.fetches},
              {"changes", r.changes}}
      .dump();
}

std::string EncodeSite(const SiteStatus& s) {
  return json{{"round_started", s.round_started_us},
              {"round_finished", s.round_finished_us},
              {"last_fetch", s.last_fetch_us},
              {"last_fetch_url", s.last_fetch_url},
              {"last_fetch_status", s.last_fetch_status},
              {"round_fetches", s.round_fetches},
              {"round_errors", s.round_errors},
              {"round_not_modified", s.round_not_modified},
              {"total_fetches", s.total_fetches},
              {"total_errors", s.total_errors},
              {"last_error", s.last_error},
              {"last_error_at", s.last_error_us}}
      .dump();
}

// Records are JSON objects; missing fields keep their defaults, so a field added later reads
// from older records. Anything else malformed is corruption.
template <typename T>
void Field(const json& j, const char* name, T& out) {
  auto it = j.find(name);
  if (it != j.end() && !it->is_null()) out = it->get<T>();
}

std::optional<QueuedUrl> DecodeQueued(const std::string& value) {
  try {
    json j = json::parse(value);
    QueuedUrl q;
    std::string kind = "link";
    Field(j, "depth", q.depth);
    Field(j, "kind", kind);
    Field(j, "attempts", q.attempts);
    Field(j, "queued", q.queued_at_us);
    Field(j, "not_before", q.not_before_us);
    auto parsed = KindFromName(kind);
    if (!parsed) return std::nullopt;
    q.kind = *parsed;
    return q;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::optional<ResourceState> DecodeResource(const std::string& value) {
  try {
    json j = json::parse(value);
    ResourceState r;
    std::string kind = "feed";
    Field(j, "kind", kind);
    Field(j, "etag", r.etag);
    Field(j, "last_modified", r.last_modified);
    Field(j, "last_status", r.last_status);
    Field(j, "last_fetch", r.last_fetch_us);
    Field(j, "last_change", r.last_change_us);
    Field(j, "interval", r.interval_s);
    Field(j, "next_due", r.next_due_us);
    Field(j, "items_hash", r.items_hash);
    Field(j, "fetches", r.fetches);
    Field(j, "changes", r.changes);
    auto parsed = KindFromName(kind);
    if (!parsed) return std::nullopt;
    r.kind = *parsed;
    return r;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::optional<SiteStatus> DecodeSite(const std::string& value) {
  try {
    json j = json::parse(value);
    SiteStatus s;
    Field(j, "round_started", s.round_started_us);
    Field(j, "round_finished", s.round_finished_us);
    Field(j, "last_fetch", s.last_fetch_us);
    Field(j, "last_fetch_url", s.last_fetch_url);
    Field(j, "last_fetch_status", s.last_fetch_status);
    Field(j, "round_fetches", s.round_fetches);
    Field(j, "round_errors", s.round_errors);
    Field(j, "round_not_modified", s.round_not_modified);
    Field(j, "total_fetches", s.total_fetches);
    Field(j, "total_errors", s.total_errors);
    Field(j, "last_error", s.last_error);
    Field(j, "last_error_at", s.last_error_us);
    return s;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

struct CrawlState::Impl {
  std::string dir;
  Mode mode = Mode::kReadWrite;
  rocksdb::Env* env = nullptr;                    // nullptr: the operating system's
  std::shared_ptr<storage::FaultMonitor> faults;  // also a RocksDB listener
  std::unique_ptr<storage::RocksDb> rocks;
  rocksdb::DB* db = nullptr;  // rocks->db()

  rocksdb::ColumnFamilyHandle* Family(std::string_view name) const { return rocks->Family(name); }

  Status Error(const rocksdb::Status& s, const std::string& what) const {
    return rocks->Error(s, what);
  }

  Status Corrupt(const std::string& what) const {
    return Status::Corruption("crawl state " + dir + ": " + what);
  }

  Status Open() {
    std::error_code ec;
    if (mode == Mode::kReadWrite && storage::IsInterruptedCreation(dir)) {
      Status cleared = storage::ClearInterruptedCreation(dir);
      if (!cleared.ok()) return Status::IOError("crawl state " + dir + ": " + cleared.message());
    }
    const bool exists = fs::exists(fs::path(dir) / "CURRENT", ec);
    if (!exists && mode == Mode::kReadOnly) {
      return Status::NotFound("crawl state " + dir + ": none yet: run a crawl first");
    }
    if (!exists) {
      fs::create_directories(dir, ec);
      if (ec) return Status::IOError("crawl state " + dir + ": cannot create: " + ec.message());
    }
    rocksdb::Options options;
    if (env != nullptr) options.env = env;
    options.paranoid_checks = true;
    options.max_open_files = -1;  // required by secondaries
    options.db_write_buffer_size = 16 << 20;
    options.avoid_unnecessary_blocking_io = true;
    // RocksDB's own LOG writer aborts the process on a full disk; a damaged log record refuses
    // the open instead of silently dropping every write after it (see storage/README.md).
    options.info_log = storage::NewRocksDbInfoLog(dir);
    options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
    faults = std::make_shared<storage::FaultMonitor>(dir);
    if (mode == Mode::kReadWrite) options.listeners.push_back(faults);

    storage::RocksDb::Spec spec;
    spec.path = dir;
    spec.label = "crawl state " + dir;
    spec.kind = "Kuzet crawl state";
    spec.lock_hint = "another kuzet process is crawling with this data dir";
    spec.corruption_hint =
        "damaged: move the directory away to start the crawl queue afresh; stored articles are "
        "not in it";
    spec.families.assign(std::begin(kFamilies) + 1, std::end(kFamilies));  // all but "default"
    auto opened = storage::RocksDb::Open(
        spec,
        mode == Mode::kReadWrite ? storage::RocksDb::Mode::kReadWrite
                                 : storage::RocksDb::Mode::kReadOnly,
        options, [&options](const std::string&) { return rocksdb::ColumnFamilyOptions(options); },
        faults);
    if (!opened.ok()) return opened.status();
    rocks = std::move(opened).value();
    db = rocks->db();
    return CheckFormat();
  }

  Status CheckFormat() {
    using Encoding = storage::RocksDb::VersionEncoding;
    auto version =
        rocks->FormatVersion(kMeta, kFormatVersionKey, Encoding::kDecimal, kFormatVersion);
    if (!version.ok()) return version.status();
    if (version->has_value() || mode == Mode::kReadOnly) return Status::Ok();
    rocksdb::WriteOptions write;
    write.sync = true;  // the first record of a new state: nothing is written before it
    rocksdb::Status s =
        db->Put(write, Family(kMeta), kFormatVersionKey,
                storage::RocksDb::EncodeFormatVersion(kFormatVersion, Encoding::kDecimal));
    return s.ok() ? Status::Ok() : Error(s, "cannot write the format version");
  }

  // Calls fn(key without the site prefix, value) for every key of `site_id` in `family`.
  template <typename Fn>
  Status ScanSite(const char* family, const std::string& site_id, Fn fn) const {
    std::string prefix = site_id;
    prefix.push_back('\0');
    std::string upper = site_id;
    upper.push_back('\1');
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions read;
    read.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, Family(family)));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      std::string url = it->key().ToString().substr(prefix.size());
      if (Status st = fn(url, it->value().ToString()); !st.ok()) return st;
    }
    if (!it->status().ok()) return Error(it->status(), std::string("cannot read ") + family);
    return Status::Ok();
  }
};

std::string CrawlStateDir(const std::string& data_dir) {
  return (fs::path(data_dir) / "crawl").string();
}

CrawlState::CrawlState(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CrawlState::~CrawlState() = default;

Result<std::unique_ptr<CrawlState>> CrawlState::Open(const std::string& dir, Mode mode,
                                                     rocksdb::Env* env) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->mode = mode;
  impl->env = env;
  if (Status s = impl->Open(); !s.ok()) return s;
  return std::unique_ptr<CrawlState>(new CrawlState(std::move(impl)));
}

Status CrawlState::Commit(const CrawlStateChange& change) {
  if (impl_->mode == Mode::kReadOnly) {
    return Status::InvalidArgument("crawl state " + impl_->dir + ": opened read-only");
  }
  if (change.empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  // In recorded order: a WriteBatch applies its operations in sequence, so the last edit of a
  // key wins.
  for (const FrontierEdit& edit : change.frontier) {
    const QueuedUrl& q = edit.url;
    if (edit.action == FrontierEdit::Action::kDone) {
      batch.Delete(impl_->Family(kFrontier), Key(q.site_id, q.url));
    } else {
      batch.Put(impl_->Family(kFrontier), Key(q.site_id, q.url), EncodeQueued(q));
    }
  }
  for (const auto& [key, resource] : change.resources) {
    batch.Put(impl_->Family(kResources), Key(key.first, key.second), EncodeResource(resource));
  }
  for (const auto& [site_id, status] : change.sites) {
    batch.Put(impl_->Family(kSites), site_id, EncodeSite(status));
  }
  // No fsync: kill -9 keeps the OS page cache, and a power loss costs at most a refetch.
  rocksdb::Status s = impl_->db->Write({}, &batch);
  return s.ok() ? Status::Ok() : impl_->Error(s, "cannot write");
}

Result<std::vector<QueuedUrl>> CrawlState::Queue(const std::string& site_id) const {
  std::vector<QueuedUrl> queue;
  Status s = impl_->ScanSite(kFrontier, site_id, [&](std::string url, const std::string& value) {
    auto q = DecodeQueued(value);
    if (!q) return impl_->Corrupt("frontier entry for " + url + " is malformed");
    q->site_id = site_id;
    q->url = std::move(url);
    queue.push_back(std::move(*q));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::stable_sort(queue.begin(), queue.end(), [](const QueuedUrl& a, const QueuedUrl& b) {
    return a.queued_at_us < b.queued_at_us;
  });
  return queue;
}

Result<int64_t> CrawlState::QueueSize(const std::string& site_id) const {
  int64_t n = 0;
  Status s = impl_->ScanSite(kFrontier, site_id, [&](const std::string&, const std::string&) {
    ++n;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return n;
}

Result<std::vector<std::string>> CrawlState::SitesWithQueue() const {
  std::vector<std::string> sites;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator({}, impl_->Family(kFrontier)));
  it->SeekToFirst();
  while (it->Valid()) {
    std::string key = it->key().ToString();
    std::string site = key.substr(0, key.find('\0'));
    sites.push_back(site);
    it->Seek(site + '\1');  // past this site's entries
  }
  if (!it->status().ok()) return impl_->Error(it->status(), "cannot read the frontier");
  return sites;
}

Result<std::optional<ResourceState>> CrawlState::Resource(const std::string& site_id,
                                                          const std::string& url) const {
  std::string value;
  rocksdb::Status s = impl_->db->Get({}, impl_->Family(kResources), Key(site_id, url), &value);
  if (s.IsNotFound()) return std::optional<ResourceState>();
  if (!s.ok()) return impl_->Error(s, "cannot read " + url);
  auto r = DecodeResource(value);
  if (!r) return impl_->Corrupt("state of " + url + " is malformed");
  return std::optional<ResourceState>(std::move(*r));
}

Result<std::vector<std::pair<std::string, ResourceState>>> CrawlState::Resources(
    const std::string& site_id) const {
  std::vector<std::pair<std::string, ResourceState>> resources;
  Status s = impl_->ScanSite(kResources, site_id, [&](std::string url, const std::string& value) {
    auto r = DecodeResource(value);
    if (!r) return impl_->Corrupt("state of " + url + " is malformed");
    resources.emplace_back(std::move(url), std::move(*r));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return resources;
}

Result<std::optional<SiteStatus>> CrawlState::Site(const std::string& site_id) const {
  std::string value;
  rocksdb::Status s = impl_->db->Get({}, impl_->Family(kSites), site_id, &value);
  if (s.IsNotFound()) return std::optional<SiteStatus>();
  if (!s.ok()) return impl_->Error(s, "cannot read site " + site_id);
  auto site = DecodeSite(value);
  if (!site) return impl_->Corrupt("status of site " + site_id + " is malformed");
  return std::optional<SiteStatus>(std::move(*site));
}

storage::StorageFault CrawlState::Fault() const { return impl_->faults->Current(); }

storage::StorageFault CrawlState::ResumeWrites() {
  if (impl_->mode == Mode::kReadOnly) return impl_->faults->Current();
  return impl_->faults->TryResume(impl_->db);
}

Status CrawlState::Refresh() { return impl_->rocks->CatchUp(); }

}  // namespace kuzet::crawler
