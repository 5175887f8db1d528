// Checkpointer: keeps WAL checkpoints off the request path and the WAL bounded.
// The writer connection runs with SQLite's auto-checkpoint off; its WAL hook
// calls OnCommit() with the WAL size after each commit (one per batch).
//   1. Background: past `wal_pages_soft` new frames (or every `interval` while
//      the WAL changed), this thread runs a PASSIVE checkpoint from its own
//      connection, with no lock of ours: it copies (and fsyncs) the WAL into the
//      database file concurrently with the writer and the readers.
//   2. Bound: under constant writes a PASSIVE pass never ends with the WAL fully
//      copied (frames keep arriving), and only a fully copied WAL is restarted
//      from its beginning. So once the WAL reaches `hard` frames the writer
//      thread, between two batches (Store's after-batch job), copies the few
//      frames the background pass has not reached yet (NeedsCatchUp()): a
//      PASSIVE checkpoint on its own connection, which runs synchronous=OFF, so
//      no request waits on an fsync. The next batch then restarts the WAL.
// Durability: a commit is in the WAL (the OS) before COMMIT returns, which is
// what kill -9 needs; checkpoints only copy committed pages. (Power loss is not
// covered by the catch-up step: see docs/reliability.md "Durability".) Not used for
// :memory: (no WAL).
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
  Checkpointer(const std::string& path, int wal_pages_soft = 1000,
               std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  // Stops and joins the thread, then closes its connection.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // WAL hook of the writer connection: `wal_pages` frames are now in the WAL.
  void OnCommit(int wal_pages);
  // Writer thread: the WAL has reached the hard bound; copy the rest now.
  bool NeedsCatchUp() const { return wal_pages_.load(std::memory_order_relaxed) >= hard_; }
  void CatchUpDone() { wal_pages_.store(0, std::memory_order_relaxed); }
  int hard_limit_pages() const { return hard_; }

  // For tests and health: checkpoints completed by the thread so far.
  int64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }

 private:
  void Run();
  void CheckpointOnce();

  sqlite3* db_ = nullptr;
  const int soft_;
  const int hard_;
  int last_wake_pages_ = 0;  // writer thread only
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
