#include "storage/inline_pipeline.hpp"

#include "storage/database.hpp"
#include "storage/transaction.hpp"

namespace chime::storage {

namespace {
void RunOne(Database& db, Work& work, Transaction::Mode mode) {
  std::exception_ptr error;
  try {
    Transaction txn(db, mode);
    work.run(db);
    txn.Commit();
  } catch (...) {
    error = std::current_exception();
  }
  work.done(error);
}
}  // namespace

void InlinePipeline::SubmitWrite(Work work) { RunOne(db_, work, Transaction::Mode::kWrite); }
void InlinePipeline::SubmitRead(Work work) { RunOne(db_, work, Transaction::Mode::kRead); }

}  // namespace chime::storage
