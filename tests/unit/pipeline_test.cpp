// The storage pipeline: group-commit Writer, ReaderPool and Store.
// Batching, per-unit rollback inside a batch, completion only after COMMIT,
// a failed COMMIT failing its whole batch, readers seeing committed data only
// and running while the writer is busy.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/statement.hpp"
#include "storage/store.hpp"
#include "unit/gate.hpp"
#include "unit/temp_db_file.hpp"

namespace chime::storage {
namespace {

using namespace std::chrono_literals;

std::string App(int i) { return "arn:aws:chime:us-east-1:123456789012:app-instance/app-" + std::to_string(i); }

void InsertApp(Database& db, const std::string& arn) {
  db.Prepare("INSERT INTO app_instances (arn, name, created_ms, updated_ms) VALUES (?, 'app', 1, 1)").BindAll(arn).Run();
}

int64_t CountApps(Database& db) {
  auto st = db.Prepare("SELECT count(*) FROM app_instances");
  st.Step();
  return st.Int(0);
}

using chime::testing::Gate;

// Collects outcomes: index -> error text ("" = success).
struct Outcomes {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::optional<std::string>> results;
  explicit Outcomes(size_t n) : results(n) {}
  std::function<void(std::exception_ptr)> Done(size_t i) {
    return [this, i](std::exception_ptr e) {
      std::string what;
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          what = x.what();
          if (what.empty()) what = "error";
        }
      }
      std::lock_guard l(mu);
      results[i] = what;
      cv.notify_all();
    };
  }
  void WaitAll() {
    std::unique_lock l(mu);
    ASSERT_TRUE(cv.wait_for(l, 10s, [this] {
      for (auto& r : results)
        if (!r) return false;
      return true;
    }));
  }
};

class PipelineTest : public ::testing::Test {
 protected:
  TempDbFile file;
};

TEST_F(PipelineTest, QueuedWritesShareOneCommitAndAFailingUnitRollsBackOnlyItself) {
  auto store = Store::Open(file.path());
  Gate gate;
  std::promise<void> first_running;
  Outcomes out(11);
  // Unit 0 holds the writer so the next ten queue up and form one batch.
  store->SubmitWrite({[&](Database& db) {
                        first_running.set_value();
                        gate.Wait();
                        InsertApp(db, App(0));
                      },
                      out.Done(0)});
  first_running.get_future().wait();
  for (int i = 1; i <= 10; ++i) {
    store->SubmitWrite({[i](Database& db) {
                          InsertApp(db, App(i));
                          if (i == 5) throw std::runtime_error("unit 5 fails after its insert");
                        },
                        out.Done(i)});
  }
  gate.Open();
  out.WaitAll();
  for (int i = 0; i <= 10; ++i) EXPECT_EQ(*out.results[i], i == 5 ? "unit 5 fails after its insert" : "") << i;
  EXPECT_EQ(store->writer().units(), 11u);
  EXPECT_EQ(store->writer().batches(), 2u);  // unit 0 alone, then 1..10 together
  store.reset();
  auto db = Database::Open(file.path());
  EXPECT_EQ(CountApps(*db), 10);
  auto st = db->Prepare("SELECT count(*) FROM app_instances WHERE arn = ?");
  st.BindAll(App(5));
  st.Step();
  EXPECT_EQ(st.Int(0), 0);
}

TEST_F(PipelineTest, DoneRunsOnlyAfterTheCommitIsVisibleToOtherConnections) {
  auto store = Store::Open(file.path());
  auto observer = Database::Open(file.path(), Database::Options{true, 1024});
  std::promise<int64_t> seen;
  store->SubmitWrite({[](Database& db) { InsertApp(db, App(1)); },
                      [&](std::exception_ptr e) {
                        EXPECT_FALSE(e);
                        seen.set_value(CountApps(*observer));  // another connection: committed data only
                      }});
  auto f = seen.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(f.get(), 1);
}

TEST_F(PipelineTest, AFailedCommitFailsEveryUnitOfItsBatchAndLeavesNothing) {
  auto store = Store::Open(file.path());
  Gate gate;
  std::promise<void> first_running;
  Outcomes out(4);
  store->SubmitWrite({[&](Database&) {
                        first_running.set_value();
                        gate.Wait();
                      },
                      out.Done(0)});
  first_running.get_future().wait();
  store->SubmitWrite({[](Database& db) { InsertApp(db, App(1)); }, out.Done(1)});
  // A deferred foreign-key violation passes its SAVEPOINT and fails at COMMIT.
  store->SubmitWrite({[](Database& db) {
                        db.Exec("PRAGMA defer_foreign_keys=ON");
                        db.Prepare("INSERT INTO principals (arn, app_instance_arn, kind, created_ms, updated_ms) "
                                   "VALUES ('p', 'no-such-app', 'user', 1, 1)")
                            .Run();
                      },
                      out.Done(2)});
  store->SubmitWrite({[](Database& db) { InsertApp(db, App(3)); }, out.Done(3)});
  gate.Open();
  out.WaitAll();
  EXPECT_EQ(*out.results[0], "");
  for (int i = 1; i <= 3; ++i) EXPECT_NE(*out.results[i], "") << "unit " << i << " was acknowledged";
  // The next batch starts clean.
  std::promise<bool> ok;
  store->SubmitWrite({[](Database& db) { InsertApp(db, App(4)); }, [&](std::exception_ptr e) { ok.set_value(!e); }});
  EXPECT_TRUE(ok.get_future().get());
  store.reset();
  auto db = Database::Open(file.path());
  EXPECT_EQ(CountApps(*db), 1);
}

TEST_F(PipelineTest, ReadersRunWhileTheWriterIsBusyAndSeeCommittedDataOnly) {
  auto store = Store::Open(file.path());
  {
    std::promise<void> done;
    store->SubmitWrite({[](Database& db) { InsertApp(db, App(1)); }, [&](std::exception_ptr) { done.set_value(); }});
    done.get_future().wait();
  }
  Gate gate;
  std::promise<void> inserted;
  std::promise<void> writer_done;
  store->SubmitWrite({[&](Database& db) {
                        InsertApp(db, App(2));  // uncommitted while the gate is closed
                        inserted.set_value();
                        gate.Wait();
                      },
                      [&](std::exception_ptr) { writer_done.set_value(); }});
  inserted.get_future().wait();
  std::promise<int64_t> read;
  store->SubmitRead({[&](Database& db) { read.set_value(CountApps(db)); }, [](std::exception_ptr) {}});
  auto f = read.get_future();
  // The read completes although the writer is in the middle of a transaction.
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.get(), 1);
  gate.Open();
  writer_done.get_future().wait();
  std::promise<int64_t> after;
  store->SubmitRead({[&](Database& db) { after.set_value(CountApps(db)); }, [](std::exception_ptr) {}});
  EXPECT_EQ(after.get_future().get(), 2);
}

TEST_F(PipelineTest, ReaderConnectionsAreQueryOnly) {
  auto store = Store::Open(file.path());
  std::promise<std::string> result;
  store->SubmitRead({[](Database& db) { InsertApp(db, App(1)); },
                     [&](std::exception_ptr e) {
                       try {
                         if (e) std::rethrow_exception(e);
                         result.set_value("");
                       } catch (const Error& x) {
                         result.set_value(x.what());
                       }
                     }});
  EXPECT_NE(result.get_future().get(), "");
}

// --read-only: no writer, every connection SQLITE_OPEN_READONLY; a write unit
// fails without running, and even a read unit that tries to write cannot.
TEST_F(PipelineTest, AReadOnlyStoreHasNoWriterAndItsConnectionsCannotWrite) {
  {
    auto store = Store::Open(file.path());
    std::promise<void> done;
    store->SubmitWrite({[](Database& db) { InsertApp(db, App(1)); }, [&](std::exception_ptr) { done.set_value(); }});
    done.get_future().get();
  }
  Store::Options options;
  options.read_only = true;
  auto store = Store::Open(file.path(), options);
  EXPECT_TRUE(store->read_only());
  auto outcome = [](std::promise<std::string>& p) {
    return [&p](std::exception_ptr e) {
      try {
        if (e) std::rethrow_exception(e);
        p.set_value("");
      } catch (const Error& x) {
        p.set_value(x.what());
      }
    };
  };
  bool ran = false;
  std::promise<std::string> write;
  store->SubmitWrite({[&](Database&) { ran = true; }, outcome(write)});
  EXPECT_NE(write.get_future().get().find("read-only"), std::string::npos);
  EXPECT_FALSE(ran);
  std::promise<std::string> sneaky;
  store->SubmitRead({[](Database& db) {
                       db.Exec("PRAGMA query_only=0");
                       InsertApp(db, App(2));
                     },
                     outcome(sneaky)});
  EXPECT_NE(sneaky.get_future().get(), "");
  std::promise<int> count;
  store->SubmitRead({[&](Database& db) { count.set_value(CountApps(db)); }, [](std::exception_ptr) {}});
  EXPECT_EQ(count.get_future().get(), 1);
}

TEST(PipelineMemoryTest, InMemoryReadsRunOnTheWriterAfterItsBatch) {
  auto store = Store::Open(":memory:");
  std::promise<int64_t> read;
  store->SubmitWrite({[](Database& db) { InsertApp(db, App(1)); }, [](std::exception_ptr) {}});
  store->SubmitRead({[&](Database& db) { read.set_value(CountApps(db)); }, [](std::exception_ptr) {}});
  EXPECT_EQ(read.get_future().get(), 1);
}

TEST(PipelineMemoryTest, StopFinishesQueuedUnitsAndRefusesNewOnes) {
  auto store = Store::Open(":memory:");
  Outcomes out(3);
  for (int i = 0; i < 2; ++i) store->SubmitWrite({[i](Database& db) { InsertApp(db, App(i)); }, out.Done(i)});
  store->Stop();
  store->SubmitWrite({[](Database& db) { InsertApp(db, App(9)); }, out.Done(2)});
  out.WaitAll();
  EXPECT_EQ(*out.results[0], "");
  EXPECT_EQ(*out.results[1], "");
  EXPECT_NE(out.results[2]->find("shutting down"), std::string::npos);
}

TEST(PipelineMemoryTest, AFullQueueRefusesAtOnceInsteadOfGrowing) {
  Store::Options options;
  options.writer.max_queue = 2;
  auto store = Store::Open(":memory:", options);
  Gate gate;
  std::promise<void> running;
  Outcomes out(4);
  store->SubmitWrite({[&](Database&) {
                        running.set_value();
                        gate.Wait();
                      },
                      out.Done(0)});
  running.get_future().wait();
  for (int i = 1; i <= 3; ++i) store->SubmitWrite({[](Database&) {}, out.Done(i)});
  {
    std::unique_lock l(out.mu);
    ASSERT_TRUE(out.cv.wait_for(l, 5s, [&] { return out.results[3].has_value(); }));
    EXPECT_NE(out.results[3]->find("queue is full"), std::string::npos);
  }
  gate.Open();
  out.WaitAll();
  EXPECT_EQ(*out.results[1], "");
  EXPECT_EQ(*out.results[2], "");
}

}  // namespace
}  // namespace chime::storage
