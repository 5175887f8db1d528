#include "storage/checkpointer.hpp"

#include <sqlite3.h>

#include "storage/error.hpp"
#include "storage/log.hpp"

namespace chime::storage {

Checkpointer::Checkpointer(const std::string& path, int wal_pages_soft, std::chrono::milliseconds interval)
    : soft_(wal_pages_soft), hard_(4 * wal_pages_soft), interval_(interval) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    throw Error(rc, "checkpointer cannot open " + path + ": " + msg);
  }
  // The background pass fsyncs the WAL before copying and the database file
  // after it, so what it copied is on disk before the WAL may be reused.
  sqlite3_exec(db_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  sqlite3_wal_autocheckpoint(db_, 0);
  thread_ = std::thread([this] { Run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_close_v2(db_);
}

void Checkpointer::OnCommit(int wal_pages) {
  wal_pages_.store(wal_pages, std::memory_order_relaxed);
  commits_.fetch_add(1, std::memory_order_relaxed);
  if (wal_pages < last_wake_pages_) last_wake_pages_ = 0;  // the WAL was restarted
  if (wal_pages - last_wake_pages_ >= soft_) {
    last_wake_pages_ = wal_pages;
    // Rare (once per ~soft_ pages): the lock makes the wake-up impossible to miss.
    std::lock_guard lock(mu_);
    if (!wake_) {
      wake_ = true;
      cv_.notify_one();
    }
  }
}

void Checkpointer::CheckpointOnce() {
  int log = 0, done = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    Log(LogLevel::kWarn, std::string("background WAL checkpoint failed: ") + sqlite3_errmsg(db_));
    return;
  }
  checkpoints_.fetch_add(1, std::memory_order_relaxed);
}

void Checkpointer::Run() {
  uint64_t seen_commits = commits_.load(std::memory_order_relaxed);
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, interval_, [this] { return stop_ || wake_; });
    if (stop_) break;
    wake_ = false;
    const uint64_t commits = commits_.load(std::memory_order_relaxed);
    if (commits == seen_commits) continue;  // nothing new since the last checkpoint
    lock.unlock();
    CheckpointOnce();
    lock.lock();
    seen_commits = commits;
  }
}

}  // namespace chime::storage
