#include "api/messaging/flow_runner.hpp"

#include <algorithm>
#include <memory>

#include "storage/channel_flow_repo.hpp"
#include "storage/log.hpp"

namespace chime::api {

ChannelFlowRunner::ChannelFlowRunner(const ServiceConfig& config, const UnitRunner& units,
                                     const TestClock& clock)
    : config_(config), units_(units), clock_(clock) {}

std::chrono::milliseconds ChannelFlowRunner::sweep_interval() const {
  return std::chrono::milliseconds(
      std::clamp<int64_t>(config_.channel_flow_timeout_ms / 4, 50, 1000));
}

void ChannelFlowRunner::Submit(std::function<void(flows::FlowEnv&)> fn, UnitRunner::Done then) {
  auto body = [this, fn = std::move(fn)](storage::Database& db, Outbox& outbox) {
    flows::FlowEnv env{db, config_, clock_.Now(), outbox};
    fn(env);
  };
  auto done = [this, then = std::move(then)](std::exception_ptr error) {
    // The pipeline refuses work while the emulator shuts down: not a failure.
    if (error && !stopping_) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        storage::Log(storage::LogLevel::kError,
                     std::string("channel flow background work failed: ") + e.what());
      } catch (...) {
      }
    }
    if (then) then(error);
  };
  units_.SubmitWrite(std::move(body), std::move(done), "channel flow background work");
}

void ChannelFlowRunner::ReportFailure(const std::string& callback_id, const std::string& reason) {
  Submit([callback_id, reason](flows::FlowEnv& env) { flows::ProcessorFailed(env, callback_id, reason); });
}

void ChannelFlowRunner::Sweep(Scheduler::Finished finished) {
  auto due = std::make_shared<bool>(false);
  auto check = [this, due](storage::Database& db, Outbox&) {
    *due = storage::AnyFlowInvocationDue(db, clock_.Now());
  };
  auto then = [this, due, finished](std::exception_ptr error) {
    if (error || !*due) return finished();
    Submit([](flows::FlowEnv& env) { flows::ExpireOverdue(env); },
           [finished](std::exception_ptr) { finished(); });
  };
  units_.SubmitRead(std::move(check), std::move(then), "channel flow time-out check");
}

}  // namespace chime::api
