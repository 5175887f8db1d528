// TempDbFile: a fresh SQLite path in the temp directory for one test; removes
// the file and its WAL/SHM siblings before and after.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace chime::storage {

class TempDbFile {
 public:
  TempDbFile() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("chime-storage-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".db"))
                .string();
    Remove();
  }
  ~TempDbFile() { Remove(); }
  const std::string& path() const { return path_; }

 private:
  void Remove() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ec);
  }
  std::string path_;
};

}  // namespace chime::storage
