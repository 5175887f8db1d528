// ChannelFlowRunner: the channel-flow work that no request starts. It fails
// invocations past --channel-flow-timeout (Sweep, a periodic job on the
// Scheduler: api/periodic_jobs.hpp), and turns undeliverable invocations
// (reported by the Lambda invoker) into their processor's FallbackAction.
// Both run as write units through the UnitRunner, like requests: committed
// before their events reach the EventSink and their after-commit jobs (the
// next processor's invocation) run.
// The sweep checks with a read unit first (is any PENDING invocation due?),
// so an idle emulator adds no write transactions.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "api/control/test_clock.hpp"
#include "api/messaging/flow_processing.hpp"
#include "api/scheduler.hpp"
#include "api/service_config.hpp"
#include "api/unit_runner.hpp"

namespace chime::api {

class ChannelFlowRunner {
 public:
  // `config`, `units` and `clock` must outlive the runner. `clock` is its
  // emulator's (the Fixture the Dispatcher has), so a moved test clock times
  // out invocations as requests see it. ProcessorInvocationFailure events go
  // to `config.eventbridge`.
  ChannelFlowRunner(const ServiceConfig& config, const UnitRunner& units, const TestClock& clock);
  ChannelFlowRunner(const ChannelFlowRunner&) = delete;
  ChannelFlowRunner& operator=(const ChannelFlowRunner&) = delete;

  // How often Sweep runs: often enough that a short --channel-flow-timeout
  // is met closely, at most every 50 ms, at least every second.
  std::chrono::milliseconds sweep_interval() const;
  // The periodic job: fails the invocations past their deadline at the
  // clock's time; calls `finished` once its units are over.
  void Sweep(Scheduler::Finished finished);
  // The emulator shuts down: units the pipeline then refuses are not logged
  // as failures (idempotent).
  void Stop() { stopping_ = true; }
  // Any thread: invocation `callback_id` could not be delivered, for `reason`.
  void ReportFailure(const std::string& callback_id, const std::string& reason);

 private:
  void Submit(std::function<void(flows::FlowEnv&)> fn, UnitRunner::Done then = nullptr);

  const ServiceConfig& config_;
  const UnitRunner& units_;
  const TestClock& clock_;
  std::atomic<bool> stopping_{false};
};

}  // namespace chime::api
