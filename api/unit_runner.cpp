#include "api/unit_runner.hpp"

#include <memory>
#include <utility>
#include <vector>

#include "storage/log.hpp"

namespace chime::api {

namespace {

// Runs `effect`; a throw is logged, never propagated (done must not throw).
template <typename F>
void Guarded(const std::string& what, const std::string& label, F&& effect) {
  try {
    effect();
  } catch (const std::exception& e) {
    storage::Log(storage::LogLevel::kError, what + " of " + label + " failed: " + e.what());
  } catch (...) {
    storage::Log(storage::LogLevel::kError, what + " of " + label + " failed: unknown exception");
  }
}

// Publishes what a committed unit left in its outbox, once: the outbox is
// emptied as it goes.
void Deliver(Outbox& outbox, EventSink& sink, const std::string& label) {
  if (!outbox.events().empty()) {
    std::vector<Event> events = std::move(outbox.events());
    Guarded("publishing the events", label, [&] { sink.Publish(std::move(events)); });
  }
  if (!outbox.departures().empty()) {
    Guarded("closing the departed sessions", label, [&] { sink.Depart(outbox.departures()); });
  }
  std::vector<std::function<void()>> jobs = std::move(outbox.jobs());
  outbox.Clear();
  for (auto& job : jobs) Guarded("after-commit job", label, job);
}

}  // namespace

storage::Work UnitRunner::Unit(Body body, Done done, std::string label) const {
  return Unit(std::move(body), std::move(done), std::move(label), true);
}

storage::Work UnitRunner::Unit(Body body, Done done, std::string label, bool write) const {
  auto outbox = std::make_shared<Outbox>(sink_.Wanted());
  storage::Work work;
  work.run = [outbox, body = std::move(body)](storage::Database& db) {
    outbox->Clear();  // a unit run again starts from nothing
    body(db, *outbox);
  };
  const std::function<void()>* committed = write && committed_ ? &committed_ : nullptr;
  work.done = [outbox, &sink = sink_, done = std::move(done), label = std::move(label),
               committed](std::exception_ptr error) {
    if (error) {
      outbox->Clear();  // rolled back: its effects go with it
    } else {
      Deliver(*outbox, sink, label);
      if (committed) Guarded("the commit hook", label, *committed);
    }
    if (done) done(error);
  };
  return work;
}

void UnitRunner::SubmitWrite(Body body, Done done, std::string label) const {
  pipeline_.SubmitWrite(Unit(std::move(body), std::move(done), std::move(label), true));
}

void UnitRunner::SubmitRead(Body body, Done done, std::string label) const {
  pipeline_.SubmitRead(Unit(std::move(body), std::move(done), std::move(label), false));
}

}  // namespace chime::api
