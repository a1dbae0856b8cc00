#include "storage/store.h"

#include <filesystem>
#include <system_error>

#include "base/time.h"
#include "storage/store_db.h"
#include "storage/wal_scan.h"

namespace kuzet::storage {

namespace fs = std::filesystem;

Store::Store(std::unique_ptr<StoreDb> db)
    : db_(std::move(db)),
      writer_(*db_),
      reader_(*db_),
      outbox_(*db_),
      maintenance_(*db_),
      searcher_(*db_) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode) {
  return Open(dir, mode, OpenOptions{});
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode,
                                           const OpenOptions& options) {
  return Guard(dir, [&]() -> Result<std::unique_ptr<Store>> {
    auto db = std::make_unique<StoreDb>(dir, mode, options);
    if (Status s = db->Open(); !s.ok()) return s;
    return std::unique_ptr<Store>(new Store(std::move(db)));
  });
}

StorageFault Store::Fault() const { return db_->Fault(); }

StorageFault Store::ResumeWrites() {
  try {
    return db_->ResumeWrites();
  } catch (const std::exception& e) {
    return {StorageFault::Kind::kFatal, "data dir " + db_->dir() + ": " + e.what()};
  }
}

Result<Store::RepairReport> Store::Repair(const std::string& dir) {
  return Guard(dir, [&]() -> Result<RepairReport> {
    const fs::path db_path = fs::path(dir) / kDbSubdir;
    std::error_code ec;
    if (!fs::exists(db_path / "CURRENT", ec)) {
      return Status::NotFound("data dir " + dir + ": no Kuzet store here (no " +
                              (db_path / "CURRENT").string() + ")");
    }
    auto described = DescribeWalDamage(db_path.string());
    if (!described.ok()) {
      return Status::Corruption("data dir " + dir + ": cannot read the store to repair it: " +
                                described.status().message());
    }
    RepairReport report = std::move(described).value();
    if (report.damaged) {
      // The damaged logs are kept: nothing stored is destroyed by a repair.
      auto damage = ScanWriteAheadLogs(db_path.string(), [](const std::string&) {});
      if (!damage.ok()) return damage.status();
      const fs::path saved =
          fs::path(dir) / ("store-damaged-wal-" + std::to_string(base::NowMicros() / 1000000));
      fs::create_directories(saved, ec);
      for (const std::string& file : damage->files_from_damage) {
        if (!ec) fs::copy_file(file, saved / fs::path(file).filename(), ec);
      }
      if (ec) {
        return Status::IOError("data dir " + dir + ": cannot copy the damaged logs to " +
                               saved.string() + " before the repair: " + ec.message());
      }
      report.saved_logs_dir = saved.string();
    }
    auto db = std::make_unique<StoreDb>(dir, Mode::kReadWrite, OpenOptions{});
    if (Status s = db->Open(/*repair=*/report.damaged); !s.ok()) return s;
    if (report.damaged) {
      if (Status s = db->FinishRepair(report); !s.ok()) return s;
    }
    return report;
  });
}

const std::string& Store::dir() const { return db_->dir(); }

}  // namespace kuzet::storage
