// ChannelFlowRunner: the channel-flow work that no request starts. It owns a
// small timer thread that fails invocations past --channel-flow-timeout, and
// turns undeliverable invocations (reported by the Lambda invoker) into their
// processor's FallbackAction. Both run as write units on the storage
// Pipeline, like requests: committed before their events reach the EventSink
// and their after-commit jobs (the next processor's invocation) run.
// The timer checks with a read unit first (is any PENDING invocation due?),
// so an idle emulator adds no write transactions.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "api/control/test_clock.hpp"
#include "api/events/event_sink.hpp"
#include "api/messaging/flow_processing.hpp"
#include "api/service_config.hpp"
#include "storage/pipeline.hpp"

namespace chime::api {

class ChannelFlowRunner {
 public:
  // `config`, `pipeline`, `sink` (may be null) and `clock` must outlive the
  // runner. `clock` is its emulator's (the Fixture the Dispatcher has), so a
  // moved test clock times out invocations as requests see it.
  // `committed` (may be empty) runs after each committed unit (the inspector's change counter).
  ChannelFlowRunner(const ServiceConfig& config, storage::Pipeline& pipeline, EventSink* sink,
                    const TestClock& clock, std::function<void()> committed = {});
  ~ChannelFlowRunner();
  ChannelFlowRunner(const ChannelFlowRunner&) = delete;
  ChannelFlowRunner& operator=(const ChannelFlowRunner&) = delete;

  void Start();
  // Stops the timer thread (idempotent); call before stopping the pipeline.
  void Stop();
  // Any thread: invocation `callback_id` could not be delivered.
  void ReportFailure(const std::string& callback_id);

 private:
  void Submit(std::function<void(flows::FlowEnv&)> fn);
  void SweepLoop();

  const ServiceConfig& config_;
  storage::Pipeline& pipeline_;
  NullEventSink null_sink_;
  EventSink& sink_;
  const TestClock& clock_;
  const std::function<void()> committed_;
  std::mutex mu_;  // guards the timer's wait only
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> sweep_in_flight_{false};
  std::thread thread_;
};

}  // namespace chime::api
