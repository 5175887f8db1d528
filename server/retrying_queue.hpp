// RetryingQueue: a bounded queue of outgoing calls served by a few worker
// threads, so that nothing on the request path ever waits for another
// service. Each job is tried up to `max_attempts` times while its attempt is
// retryable() (HttpAttempt), 1 s, then 2 s, ... apart; a job that does not
// succeed gets its `failed` callback (on the worker thread).
// Push() never blocks: a full or stopping queue refuses the job (false).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "server/aws_http_client.hpp"

namespace chime::server {

class RetryingQueue {
 public:
  struct Options {
    size_t workers = 4;
    size_t max_queue = 1024;
    int max_attempts = 3;
  };
  struct Job {
    std::function<HttpAttempt()> attempt;
    std::function<void(const HttpAttempt&)> failed;
  };

  explicit RetryingQueue(Options options);
  ~RetryingQueue();
  RetryingQueue(const RetryingQueue&) = delete;
  RetryingQueue& operator=(const RetryingQueue&) = delete;

  bool Push(Job job);
  // Drops what is queued and joins the workers (idempotent).
  void Stop();
  const Options& options() const { return options_; }

 private:
  void Work();

  Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace chime::server
