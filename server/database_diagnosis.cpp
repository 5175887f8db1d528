#include "server/database_diagnosis.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace chime::server {

namespace {

namespace fs = std::filesystem;

std::string Uid() { return std::to_string(::geteuid()); }

bool OnReadOnlyFileSystem(const std::string& path) {
  struct statvfs info {};
  return ::statvfs(path.c_str(), &info) == 0 && (info.f_flag & ST_RDONLY) != 0;
}

std::string Owner(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return " (owner uid " + std::to_string(st.st_uid) + ", mode " + mode + ")";
}

// Why `path` cannot be written by this process, or "" when it can.
std::string NotWritable(const std::string& path, const std::string& what) {
  if (::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0) return "";
  const int err = errno;
  if (err == EROFS || OnReadOnlyFileSystem(path)) return what + " " + path + " is on a read-only file system";
  if (err == EACCES || err == EPERM) return what + " " + path + " is not writable by uid " + Uid() + Owner(path);
  return what + " " + path + " cannot be written: " + std::strerror(err);
}

// The directory holding `path` ("." for a bare file name).
std::string DirectoryOf(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// Reads the 100-byte SQLite header; false when shorter.
bool ReadHeader(const std::string& path, unsigned char (&header)[100], size_t& size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.read(reinterpret_cast<char*>(header), sizeof header);
  size = static_cast<size_t>(in.gcount());
  return true;
}

std::optional<std::string> CheckContents(const std::string& path, bool read_only, int latest_schema) {
  unsigned char header[100] = {};
  size_t size = 0;
  if (!ReadHeader(path, header, size)) {
    return "database file " + path + " cannot be read by uid " + Uid() + Owner(path) +
           ": make it readable (chmod u+r) or run as its owner";
  }
  if (size == 0) return std::nullopt;  // an empty file becomes a new database
  static constexpr char kMagic[] = "SQLite format 3";  // plus its NUL: 16 bytes
  if (size < 100 || std::memcmp(header, kMagic, sizeof kMagic) != 0) {
    return "database file " + path +
           " is not a SQLite database: point --data-file at a chime-local database, or move this file away to "
           "start with an empty one";
  }
  // PRAGMA user_version lives big-endian at offset 60 of the header.
  const int version = (header[60] << 24) | (header[61] << 16) | (header[62] << 8) | header[63];
  if (version > latest_schema) {
    return "database file " + path + " has schema version " + std::to_string(version) +
           ", written by a newer chime-local (this one understands up to " + std::to_string(latest_schema) +
           "): run the newer chime-local, or use another --data-file";
  }
  if (read_only && version < latest_schema) {
    return "database file " + path + " has schema version " + std::to_string(version) +
           " and needs an upgrade to " + std::to_string(latest_schema) +
           ", which --read-only forbids: start once without --read-only to upgrade it";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> DiagnoseDatabasePath(const std::string& path, bool read_only, int latest_schema) {
  const std::string dir = DirectoryOf(path);
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    return "directory " + dir + " of the database does not exist: create it, or choose another --data-dir";
  }
  if (!fs::is_directory(dir, ec)) return dir + " is not a directory: choose another --data-dir or --data-file";
  const bool exists = fs::exists(path, ec);
  if (exists && fs::is_directory(path, ec)) {
    return "database path " + path + " is a directory: --data-file must name a file";
  }
  if (read_only) {
    if (!exists) return "no database at " + path + " to serve with --read-only";
    return CheckContents(path, read_only, latest_schema);
  }
  if (exists) {
    if (std::string why = NotWritable(path, "database file"); !why.empty()) {
      return why + ": make it writable (chmod u+w, or run as its owner), or start with --read-only to serve it "
                   "without writes";
    }
    if (auto bad = CheckContents(path, read_only, latest_schema)) return bad;
  }
  // SQLite creates the database (if missing) and its -wal and -shm files next to it.
  if (std::string why = NotWritable(dir, "data directory"); !why.empty()) {
    return why + ": SQLite needs to create " + fs::path(path).filename().string() +
           "-wal and -shm there; make it writable, choose another --data-dir" +
           (exists ? ", or start with --read-only" : "");
  }
  return std::nullopt;
}

std::string ExplainOpenFailure(const std::string& path, const std::string& error, bool read_only,
                               int latest_schema) {
  std::string out = "cannot open database " + path + ": " + error;
  if (auto why = DiagnoseDatabasePath(path, read_only, latest_schema)) out += " (" + *why + ")";
  return out;
}

}  // namespace chime::server
