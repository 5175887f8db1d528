// EventSink: where committed events go. The pipeline calls Publish() once per
// committed request, after COMMIT and before the response is sent, never for
// a request that rolled back. Publish runs on the storage writer thread: it
// must only hand the events over (queue them), never block.
#pragma once

#include <vector>

#include "api/events/event.hpp"

namespace chime::api {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // False when nobody could receive an event (no session connected): handlers
  // may then skip computing recipients.
  virtual bool Wanted() const = 0;
  virtual void Publish(std::vector<Event>&& events) = 0;
};

// Until the messaging session exists: drops everything.
class NullEventSink : public EventSink {
 public:
  bool Wanted() const override { return false; }
  void Publish(std::vector<Event>&&) override {}
};

}  // namespace chime::api
