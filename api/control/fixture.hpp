// Fixture: everything one emulator keeps for tests outside its database, in
// one place: fault rules, the request journal, the EventBridge events emitted,
// the push notifications handed to Pinpoint,
// throttling, the test clock, the messaging event log, the start seed
// (--seed-file, which reset restores) and storage health. One per
// Dispatcher (chime-local's main creates it and hands it to the Dispatcher and
// the channel-flow runner, so they share one clock; a Dispatcher built without
// one owns its own). Nothing of it is process-wide: two emulators in one
// process are independent. The control endpoints under /_chime-local/ reach it
// through ControlCall. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "api/control/eventbridge_journal.hpp"
#include "api/control/storage_health.hpp"
#include "api/control/faults.hpp"
#include "api/control/journal.hpp"
#include "api/control/push_notification_journal.hpp"
#include "api/control/test_clock.hpp"
#include "api/control/throttling.hpp"
#include "api/events/event_log.hpp"

namespace chime::api {

class Fixture {
 public:
  Fixture() = default;
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  FaultRegistry& faults() { return faults_; }
  Journal& journal() { return journal_; }
  EventBridgeJournal& eventbridge_events() { return eventbridge_events_; }
  PushNotificationJournal& push_notifications() { return push_notifications_; }
  Throttling& throttling() { return throttling_; }
  TestClock& clock() { return clock_; }
  // Every messaging event produced (GET /_chime-local/events): recorded by an
  // EventLogSink around the emulator's sink (server/main.cpp).
  EventLog& events() { return events_; }
  const TestClock& clock() const { return clock_; }

  // The seed given at start (--seed-file), which POST /_chime-local/reset
  // restores; nullopt: none.
  void SetStartSeed(std::optional<nlohmann::json> seed);
  std::optional<nlohmann::json> StartSeed() const;

  // Called by the dispatcher when it catches a storage::Error (stamped with
  // this emulator's clock); /_chime-local/health then answers "degraded".
  void RecordStorageError(std::string_view operation, std::string_view message);
  StorageHealth storage_health() const;

  // Bumped after each committed write unit, each journaled request and each
  // change of fixture state: the inspector page polls it (GET
  // /_chime-local/changes) and reloads its view only when it moved.
  void NoteChange() { changes_.fetch_add(1, std::memory_order_relaxed); }
  uint64_t changes() const { return changes_.load(std::memory_order_relaxed); }

 private:
  FaultRegistry faults_;
  Journal journal_;
  EventBridgeJournal eventbridge_events_;
  PushNotificationJournal push_notifications_;
  Throttling throttling_;
  TestClock clock_;
  EventLog events_;
  std::atomic<uint64_t> changes_{0};
  mutable std::mutex mu_;  // guards what follows
  std::optional<nlohmann::json> start_seed_;
  StorageHealth health_;
};

}  // namespace chime::api
