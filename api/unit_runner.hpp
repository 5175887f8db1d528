// UnitRunner: the one place that turns work over the database into a unit of
// storage Work with after-commit effects. Requests (Dispatcher), channel-flow
// background work (ChannelFlowRunner) and periodic jobs (Scheduler) all submit
// through it, so every unit gets the same contract:
//   - `body` runs inside the unit's transaction with an Outbox that starts
//     empty (Outbox::events_wanted() read from the sink when the unit is made);
//   - after COMMIT (a write) or a clean read, once, in this order: the
//     outbox's events go to EventSink::Publish, its departures to
//     EventSink::Depart, then its after-commit jobs run one after another.
//     A job that throws is logged through storage::Log (naming `label`) and
//     the remaining jobs still run; a throwing sink is logged likewise;
//   - a unit that rolled back (its body threw, or its batch failed to commit)
//     drops the whole outbox: no event, no departure, no job;
//   - then `done(error)` (may be empty) gets the unit's outcome: nullptr
//     after commit, the exception otherwise. The effects come first, so an
//     event is queued for the messaging sessions before the response that
//     acknowledges its request is sent.
// Everything after `body` runs on the Pipeline's thread (the writer): keep
// effects short, hand longer work elsewhere (storage/pipeline.hpp).
//
// A new after-commit effect goes in one module: either a job a handler queues
// with Outbox::AfterCommit (an invocation through its own queue, like
// server/outgoing/lambda_invoker), or an EventSink decorator that reacts to
// committed events (like api/events/streaming_sink for Kinesis). Nothing else
// delivers.
// Thread-safety: a UnitRunner holds references only; any thread may submit.
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "api/events/event_sink.hpp"
#include "api/events/outbox.hpp"
#include "storage/pipeline.hpp"

namespace chime::api {

class UnitRunner {
 public:
  using Body = std::function<void(storage::Database&, Outbox&)>;
  using Done = std::function<void(std::exception_ptr)>;

  // `pipeline` and `sink` must outlive the runner and every unit it made.
  // `committed` (may be empty) runs after each committed write unit, after
  // its outbox: the inspector's change counter (Fixture::NoteChange).
  UnitRunner(storage::Pipeline& pipeline, EventSink& sink, std::function<void()> committed = {})
      : pipeline_(pipeline), sink_(sink), committed_(std::move(committed)) {}

  // The unit as storage Work, for a caller that submits it itself. `label`
  // names the unit in the log ("CreateChannel (request <id>)").
  storage::Work Unit(Body body, Done done, std::string label) const;
  void SubmitWrite(Body body, Done done, std::string label) const;
  void SubmitRead(Body body, Done done, std::string label) const;

  storage::Pipeline& pipeline() const { return pipeline_; }
  EventSink& sink() const { return sink_; }

 private:
  storage::Work Unit(Body body, Done done, std::string label, bool write) const;

  storage::Pipeline& pipeline_;
  EventSink& sink_;
  std::function<void()> committed_;
};

}  // namespace chime::api
