#include "api/periodic_jobs.hpp"

#include "api/common/expiry.hpp"

namespace chime::api {

void RegisterPeriodicJobs(Scheduler& scheduler, const UnitRunner& units, const TestClock& clock,
                          ChannelFlowRunner& flows, bool read_only) {
  if (read_only) return;
  scheduler.Every("expiry-sweep", kExpirySweepInterval,
                  [&units, &clock](Scheduler::Finished finished) {
                    // A failed sweep is retried at the next tick.
                    units.SubmitWrite(
                        [&clock](storage::Database& db, Outbox& outbox) {
                          for (auto& arn : SweepExpired(db, clock.Now()).principal_arns)
                            outbox.Departed(std::move(arn));
                        },
                        [finished](std::exception_ptr) { finished(); }, "expiry sweep");
                  });
  scheduler.Every("channel-flow-timeouts", flows.sweep_interval(),
                  [&flows](Scheduler::Finished finished) { flows.Sweep(std::move(finished)); });
}

}  // namespace chime::api
