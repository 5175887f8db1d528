// InlinePipeline: runs every unit on the calling thread, one transaction per
// unit (BEGIN IMMEDIATE ... COMMIT for writes, BEGIN ... COMMIT for reads),
// under the Database mutex. `done` is called before Submit* returns. Used by
// the synchronous Dispatcher entry (unit tests, fuzzers) where threads would
// only get in the way.
#pragma once

#include "storage/pipeline.hpp"

namespace chime::storage {

class InlinePipeline : public Pipeline {
 public:
  explicit InlinePipeline(Database& db) : db_(db) {}
  void SubmitWrite(Work work) override;
  void SubmitRead(Work work) override;

 private:
  Database& db_;
};

}  // namespace chime::storage
