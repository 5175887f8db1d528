// Pipeline: where a request's storage work runs. The api/ layer hands it
// units of Work; a Pipeline runs each inside a transaction on a connection it
// owns and calls the unit's `done` exactly once, after the outcome is final:
//   - a write unit's `done(nullptr)` is called only after its transaction has
//     COMMITTED, so whatever `done` acknowledges (an HTTP 2xx, an event) is
//     durable; a unit whose `run` threw, or whose batch failed to commit, gets
//     `done(exception)` and left no trace in the database;
//   - a read unit sees a consistent snapshot of committed data only.
// Implementations: InlinePipeline (the caller's thread, for unit tests and
// tools) and Store (a group-commit writer thread plus a reader pool).
// `done` may run on any thread; it must be quick (hand the result back to an
// I/O thread) and must not throw.
#pragma once

#include <exception>
#include <functional>

namespace chime::storage {

class Database;

struct Work {
  // Runs inside the unit's transaction (a SAVEPOINT of the batch for writes).
  // Throwing rolls back this unit only.
  std::function<void(Database&)> run;
  // The outcome: nullptr after commit (writes) or after a clean read.
  std::function<void(std::exception_ptr)> done;
};

class Pipeline {
 public:
  virtual ~Pipeline() = default;
  virtual void SubmitWrite(Work work) = 0;
  virtual void SubmitRead(Work work) = 0;
};

}  // namespace chime::storage
