#include "api/scheduler.hpp"

#include <algorithm>
#include <atomic>
#include <utility>

#include "storage/log.hpp"

namespace chime::api {

using Clock = std::chrono::steady_clock;

struct Scheduler::Entry {
  std::string name;
  std::chrono::milliseconds interval;
  Job job;
  Clock::time_point next;              // guarded by mu_
  std::atomic<bool> in_flight{false};  // shared with a run's `finished`
};

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Every(std::string name, std::chrono::milliseconds interval, Job job) {
  auto entry = std::make_shared<Entry>();
  entry->name = std::move(name);
  entry->interval = std::max(interval, std::chrono::milliseconds(1));
  entry->job = std::move(job);
  {
    std::lock_guard lock(mu_);
    entry->next = Clock::now() + entry->interval;
    entries_.push_back(std::move(entry));
  }
  cv_.notify_all();
}

void Scheduler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  const auto now = Clock::now();
  for (auto& e : entries_) e->next = now + e->interval;
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::vector<std::string> Scheduler::names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e->name);
  return out;
}

void Scheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto wake = Clock::time_point::max();
    for (const auto& e : entries_) wake = std::min(wake, e->next);
    if (wake == Clock::time_point::max()) {
      cv_.wait(lock, [this] { return stopping_ || !entries_.empty(); });
      continue;
    }
    if (Clock::now() < wake) {
      cv_.wait_until(lock, wake);  // or a stop, or a job registered meanwhile
      continue;
    }
    // Due jobs, run without holding mu_: a job's unit may be refused and call
    // `finished` at once, on this thread.
    std::vector<std::shared_ptr<Entry>> due;
    const auto now = Clock::now();
    for (auto& e : entries_) {
      if (e->next > now) continue;
      // The next tick is one interval from now: a late tick is not caught up.
      e->next = now + e->interval;
      due.push_back(e);
    }
    lock.unlock();
    for (auto& e : due) RunOnce(e);
    lock.lock();
  }
}

void Scheduler::RunOnce(const std::shared_ptr<Entry>& entry) {
  if (entry->in_flight.exchange(true)) return;  // the previous run is not over: skip this tick
  auto finished = [entry, called = std::make_shared<std::atomic<bool>>(false)] {
    if (!called->exchange(true)) entry->in_flight = false;
  };
  try {
    entry->job(finished);
  } catch (const std::exception& e) {
    storage::Log(storage::LogLevel::kError, "periodic job " + entry->name + " failed: " + e.what());
    finished();
  } catch (...) {
    storage::Log(storage::LogLevel::kError,
                 "periodic job " + entry->name + " failed: unknown exception");
    finished();
  }
}

}  // namespace chime::api
