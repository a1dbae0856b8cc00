// evidence DOC: the WARC records archived for a document (issue #20), written out byte for byte
// as a .warc.gz stream, or re-checked with --verify.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <vector>

#include "app/command_exit.h"
#include "app/commands.h"
#include "app/query_store.h"
#include "config/config.h"
#include "storage/store.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_verifier.h"

namespace kuzet::app {

namespace {

namespace fs = std::filesystem;

// One gzip member of a WARC file, as stored, and the record it holds.
struct StoredMember {
  std::string path;
  std::string bytes;
  storage::warc::StoredWarcRecord record;
};

// The member at `offset` of `path`, checked to be one whole record of `length` bytes (0: any).
Result<StoredMember> ReadMember(const fs::path& path, uint64_t offset, uint64_t length,
                                uint64_t max_record_bytes) {
  auto record = storage::warc::ReadWarcRecordAt(path, offset, max_record_bytes);
  if (!record.ok()) return record.status();
  const std::string where = path.string() + " at offset " + std::to_string(offset);
  if (length != 0 && record->length != length) {
    return Status::Corruption(where + ": the record takes " + std::to_string(record->length) +
                              " bytes, the store says " + std::to_string(length));
  }
  std::ifstream file(path, std::ios::binary);
  file.seekg(static_cast<std::streamoff>(offset));
  StoredMember member;
  member.path = path.string();
  member.bytes.resize(record->length);
  if (!file.read(member.bytes.data(), static_cast<std::streamsize>(member.bytes.size()))) {
    return Status::IOError(where + ": cannot read " + std::to_string(record->length) + " bytes");
  }
  member.record = std::move(*record);
  return member;
}

}  // namespace

int EvidenceCommand(const EvidenceOptions& options) {
  std::string data_dir = options.data_dir;
  std::string evidence_dir;
  uint64_t max_record_bytes = (uint64_t{1} << 30) + (uint64_t{1} << 20);  // max_body_bytes' bound
  if (!options.config_path.empty() && data_dir.empty()) {
    auto config = config::LoadConfigFile(options.config_path);
    if (!config.ok()) return Fail(config.status().message());
    data_dir = config->settings.data_dir;
    evidence_dir = config::EvidenceDir(config->settings, config->evidence);
    // The body bound, the 512 KiB head bound, and room for the WARC header.
    max_record_bytes = static_cast<uint64_t>(config->settings.max_body_bytes) + (1u << 20);
  }
  if (data_dir.empty()) return Fail("kuzet: give --config FILE or --data-dir DIR");
  if (evidence_dir.empty()) evidence_dir = (fs::path(data_dir) / "evidence").string();
  // The config, when given, was read above for the evidence dir and the record bound.
  auto store = OpenForQuery(data_dir, /*config_path=*/"");
  if (!store.ok()) return Fail(store.status().message());
  auto doc = (*store)->reader().GetDocument(options.id);
  if (!doc.ok()) return Fail(doc.status().message());
  if (!doc->has_value()) {
    return Fail("no document " + std::to_string(options.id) + " in " + (*store)->dir());
  }
  auto captures = (*store)->reader().Evidence(options.id);
  if (!captures.ok()) return Fail(captures.status().message());
  if (captures->empty()) {
    return Fail("document " + std::to_string(options.id) +
                " has no evidence: only pages with mentions fetched while [evidence] was enabled "
                "are archived");
  }

  // Each file's warcinfo (§6.2) first, so the stream names what its records' WARC-Warcinfo-ID
  // point at; then every capture's records in the order written.
  std::vector<StoredMember> members;
  std::set<std::string> files_seen;
  for (const storage::EvidenceCapture& capture : *captures) {
    for (const storage::EvidenceLocation& location : capture.records) {
      const fs::path path = fs::path(evidence_dir) / location.file;
      if (location.file.find('/') != std::string::npos) {
        return Fail("evidence of document " + std::to_string(options.id) +
                    ": a stored file name with a '/': " + location.file);
      }
      if (files_seen.insert(location.file).second) {
        auto warcinfo = ReadMember(path, 0, 0, max_record_bytes);
        if (!warcinfo.ok()) return Fail(warcinfo.status().message());
        members.push_back(std::move(*warcinfo));
      }
      auto member = ReadMember(path, location.offset, location.length, max_record_bytes);
      if (!member.ok()) return Fail(member.status().message());
      members.push_back(std::move(*member));
    }
  }
  if (options.verify) {
    for (const StoredMember& member : members) {
      const std::string where = member.path + " at offset " + std::to_string(member.record.offset);
      if (Status s = storage::warc::VerifyWarcRecord(member.record.record, where); !s.ok()) {
        return Fail("evidence of document " + std::to_string(options.id) + ": " + s.message());
      }
    }
  }

  if (!options.out.empty()) {
    std::ofstream out(options.out, std::ios::binary | std::ios::trunc);
    for (const StoredMember& member : members) out.write(member.bytes.data(), member.bytes.size());
    out.flush();
    if (!out) return Fail("cannot write " + options.out);
  } else if (!options.verify) {
    for (const StoredMember& member : members)
      std::cout.write(member.bytes.data(), member.bytes.size());
    std::cout.flush();
    if (!std::cout) return 1;
  }
  if (options.verify) {
    std::cerr << "verified " << members.size() << " WARC records of document " << options.id << " ("
              << captures->size() << " capture(s)): every digest matches\n";
  }
  return 0;
}

}  // namespace kuzet::app
