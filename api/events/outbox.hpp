// Outbox: what a request wants to happen after its transaction commits.
// Handlers add events (for the EventSink) and after-commit jobs (channel-flow
// invocations, streaming records, ...). The UnitRunner (api/unit_runner.hpp)
// delivers the outbox only after COMMIT; when the request's unit rolls back (an
// ApiError, a storage error, a failed batch COMMIT) the outbox is dropped with it.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "api/events/event_sink.hpp"

namespace chime::api {

class Outbox {
 public:
  explicit Outbox(bool events_wanted = false) : events_wanted_(events_wanted) {}

  // Whether any session could receive events: skip building them if not.
  bool events_wanted() const { return events_wanted_; }
  void Emit(Event event) { events_.push_back(std::move(event)); }
  // Runs after the commit, on the writer thread: keep it short (queue work elsewhere).
  void AfterCommit(std::function<void()> job) { jobs_.push_back(std::move(job)); }

  // A user or bot this request deletes, or every one of an app instance: their
  // messaging sessions close once the change commits.
  void Departed(std::string principal_arn) { departures_.principals.push_back(std::move(principal_arn)); }
  void DepartedAppInstance(std::string app_instance_arn) {
    departures_.app_instances.push_back(std::move(app_instance_arn));
  }
  void Departed(const Departures& more) { departures_.Add(more); }

  std::vector<Event>& events() { return events_; }
  const Departures& departures() const { return departures_; }
  std::vector<std::function<void()>>& jobs() { return jobs_; }
  void Clear() {
    events_.clear();
    jobs_.clear();
    departures_ = {};
  }

 private:
  bool events_wanted_;
  std::vector<Event> events_;
  std::vector<std::function<void()>> jobs_;
  Departures departures_;
};

}  // namespace chime::api
