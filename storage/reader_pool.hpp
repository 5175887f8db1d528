// ReaderPool: read-only units run here, off the writer, each on one of a few
// reader connections (WAL snapshots: a reader sees the last committed state
// when its transaction begins, and never waits for the writer). One thread
// per connection, one shared bounded queue; a full queue fails the unit with
// storage::Overloaded.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/pipeline.hpp"

namespace chime::storage {

class Database;

class ReaderPool {
 public:
  ReaderPool(std::vector<std::unique_ptr<Database>> connections, size_t max_queue);
  // Finishes the queued units, joins the threads, closes the connections.
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  void Submit(Work work);
  void Stop();

 private:
  void Run(Database& db);

  std::vector<std::unique_ptr<Database>> connections_;
  const size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Work> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace chime::storage
