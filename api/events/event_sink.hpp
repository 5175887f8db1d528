// EventSink: where committed events go. The pipeline calls Publish() once per
// committed request, after COMMIT and before the response is sent, never for
// a request that rolled back; Depart likewise for the users and bots a
// committed change removed. Both run on the storage writer thread: they must
// only hand over (queue, wake), never block.
#pragma once

#include <string>
#include <vector>

#include "api/events/event.hpp"

namespace chime::api {

// Users and bots that no longer exist after a commit, so their messaging
// sessions end: deleted (DeleteAppInstanceUser/Bot), expired
// (ExpirationSettings), or gone with their app instance (DeleteAppInstance,
// reset of one app instance) or with all data (reset, snapshot restore).
struct Departures {
  std::vector<std::string> principals;     // exact ARNs
  std::vector<std::string> app_instances;  // every user and bot under these
  bool everyone = false;

  bool empty() const { return principals.empty() && app_instances.empty() && !everyone; }
  void Add(const Departures& more) {
    principals.insert(principals.end(), more.principals.begin(), more.principals.end());
    app_instances.insert(app_instances.end(), more.app_instances.begin(), more.app_instances.end());
    everyone = everyone || more.everyone;
  }
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // False when nobody could receive an event (no session connected): handlers
  // may then skip computing recipients.
  virtual bool Wanted() const = 0;
  virtual void Publish(std::vector<Event>&& events) = 0;
  // After the commit that removed them (same thread rules as Publish).
  virtual void Depart(const Departures&) {}
};

// Until the messaging session exists: drops everything.
class NullEventSink : public EventSink {
 public:
  bool Wanted() const override { return false; }
  void Publish(std::vector<Event>&&) override {}
};

}  // namespace chime::api
