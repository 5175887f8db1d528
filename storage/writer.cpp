#include "storage/writer.hpp"

#include <sqlite3.h>

#include <vector>

#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/transaction.hpp"

namespace chime::storage {

Writer::Writer(Database& db, Options options, std::function<void()> after_batch)
    : db_(db), options_(options), after_batch_(std::move(after_batch)) {
  thread_ = std::thread([this] { Run(); });
}

Writer::~Writer() { Stop(); }

void Writer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

uint64_t Writer::batches() const {
  std::lock_guard lock(mu_);
  return batches_;
}

uint64_t Writer::units() const {
  std::lock_guard lock(mu_);
  return units_;
}

void Writer::Submit(Work work, bool read_only) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_ && queue_.size() < options_.max_queue) {
      const bool was_empty = queue_.empty();
      queue_.push_back(Item{std::move(work), read_only});
      if (was_empty) cv_.notify_one();
      return;
    }
  }
  work.done(std::make_exception_ptr(Overloaded(stopping_ ? "the emulator is shutting down"
                                                         : "the write queue is full (" +
                                                               std::to_string(options_.max_queue) + " requests)")));
}

void Writer::Run() {
  std::deque<Item> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      const size_t n = std::min(queue_.size(), options_.max_batch);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      ++batches_;
      units_ += n;
    }
    RunBatch(batch);
    batch.clear();
    if (after_batch_) after_batch_();
  }
}

void Writer::RunBatch(std::deque<Item>& items) {
  std::vector<Item*> writes;
  writes.reserve(items.size());
  for (auto& item : items)
    if (!item.read_only) writes.push_back(&item);
  if (!writes.empty()) RunWrites(writes);
  for (auto& item : items)
    if (item.read_only) RunRead(item);
}

namespace {

// Outcome of one unit inside a batch, reported after COMMIT.
struct Pending {
  Work* work;
  std::exception_ptr error;
};

void Step(Database& db, const char* sql) { db.Prepare(sql).Run(); }

// True when SQLite has rolled back the whole transaction by itself (after
// SQLITE_FULL, IOERR, NOMEM, ...): every earlier unit of the batch is gone too.
bool TransactionLost(Database& db) { return sqlite3_get_autocommit(db.handle()) != 0; }

void Finish(std::vector<Pending>& pending) {
  for (auto& p : pending) {
    try {
      p.work->done(p.error);
    } catch (...) {
      // `done` must not throw; the writer thread outlives any one request.
    }
  }
  pending.clear();
}

}  // namespace

void Writer::RunWrites(std::vector<Item*>& writes) {
  std::vector<Pending> pending;
  pending.reserve(writes.size());
  size_t next = 0;
  while (next < writes.size()) {
    try {
      Step(db_, "BEGIN IMMEDIATE");
    } catch (...) {
      // Cannot even start: fail what is left of the batch.
      auto error = std::current_exception();
      for (; next < writes.size(); ++next) pending.push_back({&writes[next]->work, error});
      Finish(pending);
      return;
    }
    bool lost = false;
    for (; next < writes.size() && !lost; ++next) {
      Work& work = writes[next]->work;
      std::exception_ptr error;
      try {
        Step(db_, "SAVEPOINT unit");
        work.run(db_);
        Step(db_, "RELEASE unit");
      } catch (...) {
        error = std::current_exception();
        if (TransactionLost(db_)) {
          lost = true;
        } else {
          try {
            Step(db_, "ROLLBACK TO unit");
            Step(db_, "RELEASE unit");
          } catch (...) {
            lost = true;
          }
        }
      }
      pending.push_back({&work, error});
    }
    std::exception_ptr commit_error;
    if (lost) {
      commit_error = std::make_exception_ptr(
          Error(SQLITE_ABORT, "the storage transaction of this request's batch was rolled back"));
      try {
        if (!TransactionLost(db_)) Step(db_, "ROLLBACK");
      } catch (...) {
      }
    } else {
      try {
        Step(db_, "COMMIT");
      } catch (...) {
        commit_error = std::current_exception();
        try {
          if (!TransactionLost(db_)) Step(db_, "ROLLBACK");
        } catch (...) {
        }
      }
    }
    if (commit_error) {
      // Nothing of this transaction is in the database: units that succeeded
      // inside it must not be acknowledged.
      for (auto& p : pending)
        if (!p.error) p.error = commit_error;
    }
    Finish(pending);
  }
}

void Writer::RunRead(Item& item) {
  std::exception_ptr error;
  try {
    Transaction tx(db_, Transaction::Mode::kRead);
    item.work.run(db_);
    tx.Commit();
  } catch (...) {
    error = std::current_exception();
  }
  try {
    item.work.done(error);
  } catch (...) {
  }
}

}  // namespace chime::storage
