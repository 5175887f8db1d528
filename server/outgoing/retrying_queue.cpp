#include "server/outgoing/retrying_queue.hpp"

namespace chime::server {

RetryingQueue::RetryingQueue(Options options) : options_(options), queue_(options.limits) {
  for (size_t i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { Work(); });
}

RetryingQueue::~RetryingQueue() { Stop(); }

void RetryingQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.Clear();
  }
  cv_.notify_all();
  stop_cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

std::optional<std::string> RetryingQueue::Push(Job job) {
  const std::string target = job.target;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return "the emulator is stopping";
    switch (queue_.Push(target, std::move(job))) {
      case FairQueue<Job>::PushResult::kQueued:
        break;
      case FairQueue<Job>::PushResult::kTargetFull:
        return std::to_string(options_.limits.max_queued_per_target) + " calls to " + target +
               " are waiting already";
      case FairQueue<Job>::PushResult::kFull:
        return std::to_string(options_.limits.max_queued) + " calls are waiting already";
    }
  }
  cv_.notify_one();
  return std::nullopt;
}

void RetryingQueue::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    std::optional<std::pair<std::string, Job>> next;
    cv_.wait(lock, [&] { return stopping_ || (next = queue_.Next()).has_value(); });
    if (stopping_) return;
    lock.unlock();
    Run(next->second);
    lock.lock();
    queue_.Done(next->first);
    // The freed slot may let a job of this target run; this worker looks next, but
    // another idle one may as well (cheap, and no job waits on this worker's loop).
    if (queue_.queued() > 0) cv_.notify_one();
  }
}

void RetryingQueue::Run(Job& job) {
  HttpAttempt last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    last = job.attempt(job.deadline);
    if (last.ok() || !last.retryable() || attempt == options_.max_attempts) break;
    const auto wake = Clock::now() + std::chrono::seconds(attempt);
    if (wake >= job.deadline) break;  // no time left for another attempt
    std::unique_lock wait(mu_);
    if (stop_cv_.wait_until(wait, wake, [this] { return stopping_; })) return;
  }
  if (!last.ok() && job.failed) job.failed(last);
}

}  // namespace chime::server
