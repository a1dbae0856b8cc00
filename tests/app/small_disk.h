// A small disk for the disk-full tests: a tmpfs of a given size mounted at <tmp>/<name>-<pid>/disk
// (root only), unmounted and removed with its parent folder when destroyed.
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

namespace kuzet::testing {

class SmallDisk {
 public:
  // nullptr when the tmpfs cannot be mounted (not root): the caller skips.
  static std::unique_ptr<SmallDisk> Mount(const std::string& name, const std::string& size) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::path disk = dir / "disk";
    fs::create_directories(disk);
    if (geteuid() != 0 || mount("tmpfs", disk.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) {
      fs::remove_all(dir);
      return nullptr;
    }
    return std::unique_ptr<SmallDisk>(new SmallDisk(dir, disk));
  }
  ~SmallDisk() {
    umount2(disk_.c_str(), MNT_DETACH);
    std::filesystem::remove_all(dir_);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  const std::filesystem::path& dir() const { return dir_; }    // beside the disk (config files)
  const std::filesystem::path& disk() const { return disk_; }  // the tmpfs

 private:
  SmallDisk(std::filesystem::path dir, std::filesystem::path disk)
      : dir_(std::move(dir)), disk_(std::move(disk)) {}
  std::filesystem::path dir_, disk_;
};

}  // namespace kuzet::testing
