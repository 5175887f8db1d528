#include "server/retrying_queue.hpp"

#include <chrono>

namespace chime::server {

RetryingQueue::RetryingQueue(Options options) : options_(options) {
  for (size_t i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { Work(); });
}

RetryingQueue::~RetryingQueue() { Stop(); }

void RetryingQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool RetryingQueue::Push(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_queue) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void RetryingQueue::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    HttpAttempt last;
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
      last = job.attempt();
      if (last.ok() || !last.retryable() || attempt == options_.max_attempts) break;
      std::unique_lock wait(mu_);
      if (cv_.wait_for(wait, std::chrono::seconds(attempt), [this] { return stopping_; })) return;
    }
    if (!last.ok() && job.failed) job.failed(last);
    lock.lock();
  }
}

}  // namespace chime::server
