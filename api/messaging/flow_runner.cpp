#include "api/messaging/flow_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "storage/channel_flow_repo.hpp"
#include "storage/log.hpp"

namespace chime::api {

ChannelFlowRunner::ChannelFlowRunner(const ServiceConfig& config, storage::Pipeline& pipeline,
                                     EventSink* sink, const TestClock& clock, std::function<void()> committed)
    : config_(config), pipeline_(pipeline), sink_(sink ? *sink : null_sink_), clock_(clock),
      committed_(std::move(committed)) {}

ChannelFlowRunner::~ChannelFlowRunner() { Stop(); }

void ChannelFlowRunner::Start() {
  thread_ = std::thread([this] { SweepLoop(); });
}

void ChannelFlowRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChannelFlowRunner::Submit(std::function<void(flows::FlowEnv&)> fn) {
  auto outbox = std::make_shared<Outbox>(sink_.Wanted());
  storage::Work work;
  work.run = [this, outbox, fn = std::move(fn)](storage::Database& db) {
    outbox->Clear();
    flows::FlowEnv env{db, config_, clock_.Now(), *outbox};
    fn(env);
  };
  work.done = [this, outbox](std::exception_ptr error) {
    if (error) {
      if (stopping_) return;  // the pipeline refuses work while the emulator shuts down
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        storage::Log(storage::LogLevel::kError,
                     std::string("channel flow background work failed: ") + e.what());
      } catch (...) {
      }
      return;
    }
    if (committed_) committed_();
    if (!outbox->events().empty()) sink_.Publish(std::move(outbox->events()));
    for (auto& job : outbox->jobs()) {
      try {
        job();
      } catch (...) {
      }
    }
  };
  pipeline_.SubmitWrite(std::move(work));
}

void ChannelFlowRunner::ReportFailure(const std::string& callback_id) {
  Submit([callback_id](flows::FlowEnv& env) { flows::ProcessorFailed(env, callback_id); });
}

void ChannelFlowRunner::SweepLoop() {
  // Often enough that a short test timeout is met closely, at most every 50 ms.
  const auto interval =
      std::chrono::milliseconds(std::clamp<int64_t>(config_.channel_flow_timeout_ms / 4, 50, 1000));
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, interval, [this] { return stopping_.load(); })) return;
    }
    // Submitted without holding mu_: a refused unit calls `done` at once, on this thread.
    if (sweep_in_flight_.exchange(true)) continue;  // the previous check is still queued
    auto due = std::make_shared<bool>(false);
    storage::Work check;
    check.run = [this, due](storage::Database& db) {
      *due = storage::AnyFlowInvocationDue(db, clock_.Now());
    };
    check.done = [this, due](std::exception_ptr error) {
      if (!error && *due) Submit([](flows::FlowEnv& env) { flows::ExpireOverdue(env); });
      sweep_in_flight_ = false;
    };
    pipeline_.SubmitRead(std::move(check));
  }
}

}  // namespace chime::api
