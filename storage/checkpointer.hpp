// Checkpointer: moves WAL checkpoints off the request path. The serving
// connection runs with SQLite's auto-checkpoint off; its WAL hook only records
// the WAL size after each commit and wakes this thread once it passes
// `wal_pages_soft` pages. The thread owns a second connection to the same file
// and checkpoints from there:
//   1. PASSIVE checkpoint without any lock of ours, concurrently with requests:
//      copies (and fsyncs, synchronous=NORMAL) almost all of the WAL;
//   2. if the WAL has reached 8 x `wal_pages_soft` frames (~32 MB), the same PASSIVE checkpoint again holding
//      the Database mutex, for those frames only. Only a fully checkpointed WAL
//      is restarted from its beginning by the next writer; under constant
//      writes step 1 alone never gets there and the WAL would grow without
//      bound. Step 2 stalls requests for 2-8 ms (mostly the fsync of the
//      database file) but only once per ~8000 frames (~1000 sends), instead of
//      SQLite's inline auto-checkpoint (5-8 ms every ~130 sends).
// It also runs every `interval` while the WAL has changed, so an idle server
// keeps a small WAL. Durability is unchanged: a commit is in the WAL (in the OS)
// before COMMIT returns; checkpointing only copies committed pages to the main
// file. Not used for :memory: (no WAL). Thread-safety: construct and destroy on
// the owning thread; OnCommit() is called by the serving connection's WAL hook
// under the Database mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace chime::storage {

class Checkpointer {
 public:
  // Opens the second connection (throws storage::Error) and starts the thread.
  // `db_mutex` is the Database mutex that serialises the serving connection.
  Checkpointer(const std::string& path, std::mutex& db_mutex, int wal_pages_soft = 1000,
               std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  // Stops and joins the thread, then closes its connection (no checkpoint of its
  // own: the serving connection's close, as the last one, checkpoints the rest).
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // WAL hook of the serving connection: `wal_pages` frames are now in the WAL.
  void OnCommit(int wal_pages);

  // For tests: checkpoints completed by the thread so far.
  int64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }

 private:
  void Run();
  // One PASSIVE checkpoint; returns the WAL size in frames (-1 on failure).
  int CheckpointOnce();

  const std::string wal_path_;
  sqlite3* db_ = nullptr;
  std::mutex& db_mutex_;
  const int soft_;
  const int hard_;
  int last_wake_pages_ = 0;  // serving thread only
  const std::chrono::milliseconds interval_;
  std::atomic<int> wal_pages_{0};
  std::atomic<uint64_t> commits_{0};
  std::atomic<int64_t> checkpoints_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  std::thread thread_;
};

}  // namespace chime::storage
