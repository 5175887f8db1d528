// Writer: the one thread that writes, with group commit.
//
// Units queue up while the current batch commits; the thread then takes all
// of them (up to max_batch) and runs them in ONE transaction:
//   BEGIN IMMEDIATE
//     SAVEPOINT u; run unit 1; RELEASE u     (a throwing unit: ROLLBACK TO u,
//     SAVEPOINT u; run unit 2; RELEASE u      so only that unit is undone)
//     ...
//   COMMIT
// and only then calls each unit's `done`: an acknowledged write is committed
// before its response exists, and N requests cost one COMMIT (one WAL append
// of the pages they touched) instead of N. A failed COMMIT fails the units of
// that batch with the storage error; the next batch starts clean.
// Read units (queued here only when there is no reader pool, e.g. :memory:)
// run after the batch, each in its own read transaction, so they see committed
// data only. `after_batch` runs on this thread between batches (WAL catch-up).
// The queue is bounded: a full queue fails the unit at once with
// storage::Overloaded instead of growing without limit.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/pipeline.hpp"

namespace chime::storage {

class Database;

class Writer {
 public:
  struct Options {
    size_t max_batch = 256;
    size_t max_queue = 16384;
  };
  Writer(Database& db, Options options, std::function<void()> after_batch = {});
  // Drains the queue (every queued unit still gets its `done`), then joins.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Submit(Work work, bool read_only);
  // Stops taking new units (they fail with Overloaded), finishes the queued ones, joins.
  void Stop();

  // Counters for tests and the benchmark.
  uint64_t batches() const;
  uint64_t units() const;

 private:
  struct Item {
    Work work;
    bool read_only;
  };
  void Run();
  void RunBatch(std::deque<Item>& items);
  void RunWrites(std::vector<Item*>& writes);
  void RunRead(Item& item);

  Database& db_;
  const Options options_;
  std::function<void()> after_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  uint64_t batches_ = 0;    // guarded by mu_
  uint64_t units_ = 0;      // guarded by mu_
  std::thread thread_;
};

}  // namespace chime::storage
