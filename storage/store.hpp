// Store: the storage side of the request pipeline for the running server.
// Owns the writer connection and its group-commit Writer thread, the reader
// connections and their ReaderPool, and the WAL Checkpointer. Write units go
// to the Writer; read units to the ReaderPool (or, for :memory:, where other
// connections cannot see the data, to the Writer, which runs them between
// batches).
#pragma once

#include <memory>
#include <string>

#include "storage/pipeline.hpp"
#include "storage/writer.hpp"

namespace chime::storage {

class Checkpointer;
class Database;
class ReaderPool;

class Store : public Pipeline {
 public:
  struct Options {
    int readers = 2;
    Writer::Options writer;
    size_t max_read_queue = 16384;
    int writer_cache_kib = 8192;
    int reader_cache_kib = 4096;
    int wal_soft_pages = 1000;  // background checkpoint every ~4 MB of WAL; hard bound 4x that
    // --read-only: only reader connections, each opened SQLITE_OPEN_READONLY;
    // no writer, no migrations, no checkpoints. SubmitWrite fails every unit
    // (the dispatcher refuses writes before they get here).
    bool read_only = false;
  };
  // Opens the database (creating and migrating it) and starts the threads.
  // Throws storage::Error.
  static std::unique_ptr<Store> Open(const std::string& path, const Options& options);
  static std::unique_ptr<Store> Open(const std::string& path) { return Open(path, Options{}); }
  ~Store() override;

  void SubmitWrite(Work work) override;
  void SubmitRead(Work work) override;
  // Finishes every queued unit and stops the threads (idempotent).
  void Stop();

  const std::string& path() const { return path_; }
  bool in_memory() const;
  bool read_only() const { return read_only_; }
  const Writer& writer() const { return *writer_; }  // not for a read-only store

 private:
  Store() = default;
  std::string path_;
  bool read_only_ = false;
  std::unique_ptr<Database> writer_db_;         // null when read-only
  std::unique_ptr<Checkpointer> checkpointer_;  // null for :memory:
  std::unique_ptr<ReaderPool> readers_;         // null for :memory:
  std::unique_ptr<Writer> writer_;
};

}  // namespace chime::storage
