// Scheduler: the emulator's one timer thread for periodic jobs (the expiry
// sweep, the channel-flow time-out sweep, ...). Contract:
//   - Every(name, interval, job) registers a job, before or after Start();
//     the first run is one interval after Start() (or after registration);
//   - a run is asynchronous: the job gets a `finished` callback and calls it
//     exactly once, from any thread, when its work is over (typically from
//     the `done` of the storage unit it submitted through the UnitRunner);
//   - a job never runs twice at once: a tick that finds the previous run not
//     yet finished is skipped (the job runs again at the next tick after it);
//   - a job that throws is logged through storage::Log and counts as
//     finished; it runs again at its next tick;
//   - jobs run on the scheduler's thread and must only hand work over (submit
//     a unit), never block; intervals are real (steady) time, and a job that
//     reads the time reads its emulator's TestClock (api::Fixture), so after
//     POST /_chime-local/clock the job's next tick sees the moved clock;
//   - Stop() (idempotent, also from the destructor) wakes and joins the
//     thread; no run starts after it returns. A run still in flight may call
//     `finished` later: that is safe.
// Jobs and where they are registered: api/periodic_jobs.hpp.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chime::api {

class Scheduler {
 public:
  using Finished = std::function<void()>;
  using Job = std::function<void(Finished finished)>;

  Scheduler() = default;
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void Every(std::string name, std::chrono::milliseconds interval, Job job);
  void Start();
  void Stop();

  // The registered jobs' names, in registration order.
  std::vector<std::string> names() const;

 private:
  struct Entry;
  void Loop();
  void RunOnce(const std::shared_ptr<Entry>& entry);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Entry>> entries_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chime::api
