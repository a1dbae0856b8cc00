#include "storage/read_cursors.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace kuzet::storage {

namespace {

constexpr const char* kHeader = "kuzet-cursors 1";

// Filters may hold any byte; in the file, '%', tab, CR and LF are written as %XX.
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '\t' || c == '\n' || c == '\r') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string Errno() { return std::strerror(errno); }

using CursorMap = std::map<std::string, uint64_t>;

Result<CursorMap> ReadFile(const std::string& path) {
  CursorMap cursors;
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) return cursors;
    return Status::IOError("cannot read " + path);
  }
  std::string line;
  if (!std::getline(in, line) || line != kHeader) {
    return Status::Corruption(path + ": not a kuzet cursor file (first line is not \"" + kHeader +
                              "\")");
  }
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0) {
      return Status::Corruption(path + ": malformed line \"" + line + "\"");
    }
    uint64_t id = 0;
    for (size_t i = 0; i < tab; ++i) {
      if (line[i] < '0' || line[i] > '9') {
        return Status::Corruption(path + ": malformed line \"" + line + "\"");
      }
      id = id * 10 + static_cast<uint64_t>(line[i] - '0');
    }
    try {
      cursors[Unescape(line.substr(tab + 1))] = id;
    } catch (const std::exception&) {
      return Status::Corruption(path + ": malformed line \"" + line + "\"");
    }
  }
  return cursors;
}

}  // namespace

ReadCursors::ReadCursors(std::string data_dir)
    : dir_((std::filesystem::path(data_dir) / "cursors").string()) {}

Status ReadCursors::ValidateUser(const std::string& user) {
  bool ok = !user.empty() && user.size() <= 64 && user[0] != '.';
  for (char c : user) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return Status::InvalidArgument("user name \"" + user +
                                   "\" must be 1-64 letters, digits, '.', '_' or '-', not "
                                   "starting with '.'");
  }
  return Status::Ok();
}

Result<uint64_t> ReadCursors::Get(const std::string& user, const std::string& filter) const {
  if (Status s = ValidateUser(user); !s.ok()) return s;
  auto cursors = ReadFile(dir_ + "/" + user + ".cursors");
  if (!cursors.ok()) return cursors.status();
  auto it = cursors->find(filter);
  return it == cursors->end() ? uint64_t{0} : it->second;
}

Status ReadCursors::Advance(const std::string& user, const std::string& filter,
                            uint64_t mention_id) {
  if (Status s = ValidateUser(user); !s.ok()) return s;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IOError("cannot create " + dir_ + ": " + ec.message());
  const std::string path = dir_ + "/" + user + ".cursors";
  const std::string lock_path = dir_ + "/" + user + ".lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return Status::IOError("cannot open " + lock_path + ": " + Errno());
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }  // closing releases the flock
  } unlock{lock_fd};
  if (::flock(lock_fd, LOCK_EX) != 0) return Status::IOError("cannot lock " + lock_path);

  auto cursors = ReadFile(path);
  if (!cursors.ok()) return cursors.status();
  uint64_t& cursor = (*cursors)[filter];
  if (mention_id <= cursor) return Status::Ok();
  cursor = mention_id;

  std::ostringstream out;
  out << kHeader << "\n";
  for (const auto& [key, id] : *cursors) out << id << "\t" << Escape(key) << "\n";
  const std::string body = out.str();
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot write " + tmp + ": " + Errno());
  bool written = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) &&
                 ::fsync(fd) == 0;
  written = (::close(fd) == 0) && written;
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string reason = Errno();
    ::unlink(tmp.c_str());
    return Status::IOError("cannot write " + path + ": " + reason);
  }
  // The rename is durable once the directory is synced.
  int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

}  // namespace kuzet::storage
