// Scheduler (api/scheduler.hpp): periodic jobs on one thread, a job never
// running twice at once (a tick during a run is skipped), a throwing job
// logged and run again, Stop() joining with a run still in flight; and
// RegisterPeriodicJobs registering nothing for a read-only store.
#include "api/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "api/events/event_sink.hpp"
#include "api/messaging/flow_runner.hpp"
#include "api/periodic_jobs.hpp"
#include "storage/database.hpp"
#include "storage/inline_pipeline.hpp"
#include "storage/log.hpp"

namespace chime::api {
namespace {

using namespace std::chrono_literals;

// Counts runs; lets a test wait until a count is reached.
class Counter {
 public:
  void Add() {
    std::lock_guard lock(mu_);
    ++n_;
    cv_.notify_all();
  }
  bool WaitFor(int at_least, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return n_ >= at_least; });
  }
  int value() {
    std::lock_guard lock(mu_);
    return n_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int n_ = 0;
};

class QuietLog : public storage::LogSink {
 public:
  QuietLog() { storage::SetLogSink(this); }
  ~QuietLog() { storage::SetLogSink(nullptr); }
  bool Enabled(storage::LogLevel) const override { return true; }
  void Log(storage::LogLevel, std::string_view) const override { ++lines; }
  mutable std::atomic<int> lines{0};
};

TEST(SchedulerTest, AJobRunsAtEveryTick) {
  Counter ticks;
  Scheduler scheduler;
  scheduler.Every("count", 10ms, [&](Scheduler::Finished finished) {
    ticks.Add();
    finished();
  });
  scheduler.Start();
  EXPECT_TRUE(ticks.WaitFor(5));
  scheduler.Stop();
  EXPECT_EQ(scheduler.names(), std::vector<std::string>{"count"});
}

TEST(SchedulerTest, NothingRunsBeforeStart) {
  Counter ticks;
  Scheduler scheduler;
  scheduler.Every("count", 1ms, [&](Scheduler::Finished finished) {
    ticks.Add();
    finished();
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(ticks.value(), 0);
}

TEST(SchedulerTest, ATickWhileTheLastRunIsInFlightIsSkipped) {
  Counter runs;
  std::mutex mu;
  Scheduler::Finished pending;
  Scheduler scheduler;
  scheduler.Every("slow", 5ms, [&](Scheduler::Finished finished) {
    std::lock_guard lock(mu);
    pending = std::move(finished);  // finished later, as a storage unit's done would
    runs.Add();
  });
  scheduler.Start();
  ASSERT_TRUE(runs.WaitFor(1));
  std::this_thread::sleep_for(100ms);  // some twenty ticks
  EXPECT_EQ(runs.value(), 1);
  Scheduler::Finished finish;
  {
    std::lock_guard lock(mu);
    finish = std::move(pending);
  }
  finish();
  finish();  // a second call changes nothing
  EXPECT_TRUE(runs.WaitFor(2));
  scheduler.Stop();
}

TEST(SchedulerTest, OneSlowJobDoesNotHoldBackAnother) {
  Counter fast;
  Scheduler scheduler;
  scheduler.Every("never-finishes", 5ms, [](Scheduler::Finished) {});
  scheduler.Every("fast", 5ms, [&](Scheduler::Finished finished) {
    fast.Add();
    finished();
  });
  scheduler.Start();
  EXPECT_TRUE(fast.WaitFor(5));
}

TEST(SchedulerTest, AThrowingJobIsLoggedAndRunsAgain) {
  QuietLog log;
  Counter runs;
  Scheduler scheduler;
  scheduler.Every("throws", 5ms, [&](Scheduler::Finished) {
    runs.Add();
    throw std::runtime_error("boom");
  });
  scheduler.Start();
  EXPECT_TRUE(runs.WaitFor(3));
  scheduler.Stop();
  EXPECT_GE(log.lines.load(), 3);
}

TEST(SchedulerTest, StopJoinsAndNoRunStartsAfterIt) {
  Counter runs;
  Scheduler::Finished left_over;
  Scheduler scheduler;
  scheduler.Every("count", 5ms, [&](Scheduler::Finished finished) {
    runs.Add();
    left_over = std::move(finished);  // still in flight at Stop
  });
  scheduler.Start();
  ASSERT_TRUE(runs.WaitFor(1));
  const auto began = std::chrono::steady_clock::now();
  scheduler.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);
  left_over();  // a run finishing after Stop is harmless
  const int at_stop = runs.value();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.value(), at_stop);
  scheduler.Stop();  // idempotent
}

TEST(SchedulerTest, StopBeforeStartAndALongIntervalReturnAtOnce) {
  Scheduler idle;
  idle.Stop();
  Scheduler waiting;
  waiting.Every("hourly", std::chrono::hours(1), [](Scheduler::Finished finished) { finished(); });
  waiting.Start();
  const auto began = std::chrono::steady_clock::now();
  waiting.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);
}

TEST(PeriodicJobsTest, AReadOnlyStoreRegistersNoJob) {
  auto db = storage::Database::Open(":memory:");
  storage::InlinePipeline pipeline(*db);
  NullEventSink sink;
  UnitRunner units(pipeline, sink);
  ServiceConfig config;
  TestClock clock;
  ChannelFlowRunner flows(config, units, clock);
  Scheduler read_only;
  RegisterPeriodicJobs(read_only, units, clock, flows, true);
  EXPECT_TRUE(read_only.names().empty());
  Scheduler writable;
  RegisterPeriodicJobs(writable, units, clock, flows, false);
  EXPECT_EQ(writable.names(), (std::vector<std::string>{"expiry-sweep", "channel-flow-timeouts"}));
}

}  // namespace
}  // namespace chime::api
