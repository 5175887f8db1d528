// The emulator's periodic jobs, all registered here on its one Scheduler
// (api/scheduler.hpp). A new periodic job is one more Every() in
// RegisterPeriodicJobs, submitting its storage work through the UnitRunner.
//   expiry-sweep     every 5 s: deletes the channels and users whose
//                    ExpirationSettings have passed at the test clock's time
//                    (api/common/expiry.hpp); their sessions close after it.
//   channel-flow-timeouts  every sweep_interval(): fails the channel-flow
//                    invocations past --channel-flow-timeout.
// Every job writes, so a read-only store (--read-only) registers none: the
// authorizer refuses expired channels and users as gone without deleting them.
#pragma once

#include <chrono>

#include "api/control/test_clock.hpp"
#include "api/messaging/flow_runner.hpp"
#include "api/scheduler.hpp"
#include "api/unit_runner.hpp"

namespace chime::api {

inline constexpr std::chrono::seconds kExpirySweepInterval{5};

// `units`, `clock` and `flows` must outlive the scheduler's thread.
void RegisterPeriodicJobs(Scheduler& scheduler, const UnitRunner& units, const TestClock& clock,
                          ChannelFlowRunner& flows, bool read_only);

}  // namespace chime::api
