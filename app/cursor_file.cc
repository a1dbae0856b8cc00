#include "app/cursor_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace kuzet::app {

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

Status WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError(std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<uint64_t>> ReadCursorFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<uint64_t>();
    return Errno("cannot read the cursor file", path);
  }
  // 20 digits hold any uint64_t; a longer file is not a cursor.
  char buf[32];
  ssize_t n;
  do {
    n = read(fd, buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  close(fd);
  if (n < 0) return Errno("cannot read the cursor file", path);
  std::string text(buf, static_cast<size_t>(n));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  auto corrupt = [&] {
    return Status::Corruption(path + ": not a cursor (a mention id on one line); remove it to " +
                              "start from the newest mention, or give --after ID");
  };
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != text.npos) {
    return corrupt();
  }
  uint64_t id = 0;
  for (char c : text) {
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (id > (UINT64_MAX - digit) / 10) return corrupt();
    id = id * 10 + digit;
  }
  return std::optional<uint64_t>(id);
}

Status WriteCursorFile(const std::string& path, uint64_t id) {
  const std::string temp = path + ".tmp";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot write the cursor file", temp);
  Status written = WriteAll(fd, std::to_string(id) + "\n");
  if (written.ok() && fsync(fd) != 0) written = Status::IOError(std::strerror(errno));
  if (close(fd) != 0 && written.ok()) written = Status::IOError(std::strerror(errno));
  if (!written.ok()) {
    return Status::IOError("cannot write the cursor file " + temp + ": " + written.message());
  }
  if (rename(temp.c_str(), path.c_str()) != 0) return Errno("cannot rename over", path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dir_fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return Errno("cannot open the directory of", path);
  int synced = fsync(dir_fd);
  close(dir_fd);
  if (synced != 0) return Errno("cannot sync the directory of", path);
  return Status::Ok();
}

}  // namespace kuzet::app
