#include "storage/reader_pool.hpp"

#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/transaction.hpp"

namespace chime::storage {

ReaderPool::ReaderPool(std::vector<std::unique_ptr<Database>> connections, size_t max_queue)
    : connections_(std::move(connections)), max_queue_(max_queue) {
  for (auto& c : connections_) threads_.emplace_back([this, db = c.get()] { Run(*db); });
}

ReaderPool::~ReaderPool() { Stop(); }

void ReaderPool::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void ReaderPool::Submit(Work work) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_ && queue_.size() < max_queue_) {
      queue_.push_back(std::move(work));
      cv_.notify_one();
      return;
    }
  }
  work.done(std::make_exception_ptr(Overloaded(stopping_ ? "the emulator is shutting down"
                                                         : "the read queue is full (" + std::to_string(max_queue_) +
                                                               " requests)")));
}

void ReaderPool::Run(Database& db) {
  for (;;) {
    Work work;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    std::exception_ptr error;
    try {
      Transaction txn(db, Transaction::Mode::kRead);
      work.run(db);
      txn.Commit();
    } catch (...) {
      error = std::current_exception();
    }
    try {
      work.done(error);
    } catch (...) {
    }
  }
}

}  // namespace chime::storage
