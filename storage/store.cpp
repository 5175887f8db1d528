#include "storage/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <vector>

#include "storage/error.hpp"
#include "storage/checkpointer.hpp"
#include "storage/database.hpp"
#include "storage/reader_pool.hpp"

namespace chime::storage {

std::unique_ptr<Store> Store::Open(const std::string& path, const Options& options) {
  std::unique_ptr<Store> store(new Store());
  store->path_ = path;
  if (options.read_only) {
    // Nothing here can write the file: no writer connection, and SQLite
    // refuses writes on these connections by themselves.
    store->read_only_ = true;
    std::vector<std::unique_ptr<Database>> readers;
    Database::Options reader_options;
    reader_options.read_only = true;
    reader_options.cache_kib = options.reader_cache_kib;
    for (int i = 0; i < std::max(1, options.readers); ++i) readers.push_back(Database::Open(path, reader_options));
    store->readers_ = std::make_unique<ReaderPool>(std::move(readers), options.max_read_queue);
    return store;
  }
  Database::Options writer_options;
  writer_options.cache_kib = options.writer_cache_kib;
  store->writer_db_ = Database::Open(path, writer_options);
  Database& wdb = *store->writer_db_;

  if (!wdb.in_memory()) {
    // Commits are not fsynced in WAL mode anyway (synchronous=NORMAL); OFF
    // also keeps the writer's rare WAL catch-up checkpoint free of fsyncs, so
    // no request waits on the disk (docs/reliability.md "Durability").
    wdb.Exec("PRAGMA synchronous=OFF");
    wdb.Exec("PRAGMA wal_autocheckpoint=0");
    store->checkpointer_ = std::make_unique<Checkpointer>(path, options.wal_soft_pages);
    sqlite3_wal_hook(
        wdb.handle(),
        [](void* arg, sqlite3*, const char*, int pages) {
          static_cast<Checkpointer*>(arg)->OnCommit(pages);
          return SQLITE_OK;
        },
        store->checkpointer_.get());
    std::vector<std::unique_ptr<Database>> readers;
    Database::Options reader_options;
    reader_options.reader = true;
    reader_options.cache_kib = options.reader_cache_kib;
    for (int i = 0; i < options.readers; ++i) readers.push_back(Database::Open(path, reader_options));
    if (!readers.empty()) store->readers_ = std::make_unique<ReaderPool>(std::move(readers), options.max_read_queue);
  }

  Checkpointer* checkpointer = store->checkpointer_.get();
  store->writer_ = std::make_unique<Writer>(wdb, options.writer, [checkpointer, &wdb] {
    if (!checkpointer || !checkpointer->NeedsCatchUp()) return;
    int log = 0, done = 0;
    sqlite3_wal_checkpoint_v2(wdb.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    checkpointer->CatchUpDone();
  });
  return store;
}

Store::~Store() {
  Stop();
  if (checkpointer_ && writer_db_) {
    sqlite3_wal_hook(writer_db_->handle(), nullptr, nullptr);
    checkpointer_.reset();
  }
  readers_.reset();
  writer_.reset();
  // The writer connection closes last: as the last connection it checkpoints
  // the whole WAL into the main file and deletes it (clean shutdown).
  writer_db_.reset();
}

void Store::Stop() {
  if (writer_) writer_->Stop();
  if (readers_) readers_->Stop();
}

bool Store::in_memory() const { return writer_db_ && writer_db_->in_memory(); }

void Store::SubmitWrite(Work work) {
  if (!writer_) {
    work.done(std::make_exception_ptr(
        Error(SQLITE_READONLY, "the store was opened read-only (--read-only): a write unit was refused")));
    return;
  }
  writer_->Submit(std::move(work), false);
}

void Store::SubmitRead(Work work) {
  if (readers_) {
    readers_->Submit(std::move(work));
  } else {
    writer_->Submit(std::move(work), true);
  }
}

}  // namespace chime::storage
