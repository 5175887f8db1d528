// Outgoing AWS calls (server/outgoing/), the one retrying queue: every adapter
// queues its calls here, off the request path.
//
// RetryingQueue: a bounded queue of outgoing calls served by a few worker
// threads, so that nothing on the request path ever waits for another
// service. Calls name their target (a Lambda function, a Kinesis stream):
// FairQueue caps how many calls of one target run at once and lets targets
// take turns, so a target whose calls hang holds up only its own calls, never
// another target's while a worker is free (there are more workers than the
// per-target cap). Each job is tried up to `max_attempts` times while its
// attempt is retryable() (HttpAttempt), 1 s, then 2 s, ... apart, and never
// past its deadline (no attempt starts after it, an attempt is cut off at it);
// a job that does not succeed gets its `failed` callback (on the worker thread).
// Push() never blocks: it refuses a job past the queue's bounds or while
// stopping, and says why.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/outgoing/aws_http_client.hpp"
#include "server/outgoing/fair_queue.hpp"

namespace chime::server {

class RetryingQueue {
 public:
  using Clock = std::chrono::steady_clock;
  struct Job {
    std::string target;  // calls to one target share its cap
    Clock::time_point deadline = Clock::time_point::max();
    std::function<HttpAttempt(Clock::time_point deadline)> attempt;
    std::function<void(const HttpAttempt&)> failed;
  };
  using Limits = FairQueue<Job>::Limits;
  struct Options {
    size_t workers = 16;  // 8 targets whose calls all hang leave none for the others
    Limits limits;        // per target: 2 running, 256 waiting; 1,024 waiting in all
    int max_attempts = 3;
  };

  explicit RetryingQueue(Options options);
  ~RetryingQueue();
  RetryingQueue(const RetryingQueue&) = delete;
  RetryingQueue& operator=(const RetryingQueue&) = delete;

  // Nothing when queued; otherwise why the job was refused (it is dropped).
  std::optional<std::string> Push(Job job);
  // Drops what is queued and joins the workers (idempotent).
  void Stop();
  const Options& options() const { return options_; }

 private:
  void Work();
  void Run(Job& job);

  Options options_;
  std::mutex mu_;
  std::condition_variable cv_;       // work to take, or stopping
  std::condition_variable stop_cv_;  // stopping (wakes retry pauses; Push never does)
  FairQueue<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace chime::server
