// UnitRunner (api/unit_runner.hpp): a unit's events, departures and
// after-commit jobs are delivered only after its commit, once, and before its
// `done`; a rolled-back unit drops them all; a throwing job is logged and the
// others still run.
#include "api/unit_runner.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/inline_pipeline.hpp"
#include "storage/log.hpp"
#include "unit/recording_sink.hpp"

namespace chime::api {
namespace {

class DepartureRecordingSink : public chime::testing::RecordingSink {
 public:
  void Depart(const Departures& d) override { departed.Add(d); }
  Departures departed;
};

// Captures error lines instead of writing them to stderr.
class CapturingLog : public storage::LogSink {
 public:
  CapturingLog() { storage::SetLogSink(this); }
  ~CapturingLog() { storage::SetLogSink(nullptr); }
  bool Enabled(storage::LogLevel level) const override {
    return level == storage::LogLevel::kError;
  }
  void Log(storage::LogLevel, std::string_view message) const override {
    std::lock_guard lock(mu_);
    lines.emplace_back(message);
  }
  mutable std::mutex mu_;
  mutable std::vector<std::string> lines;
};

Event Named(std::string type) {
  Event e;
  e.type = std::move(type);
  return e;
}

class UnitRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::Database::Open(":memory:");
    pipeline_ = std::make_unique<storage::InlinePipeline>(*db_);
    units_ = std::make_unique<UnitRunner>(*pipeline_, sink_);
  }

  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::InlinePipeline> pipeline_;
  DepartureRecordingSink sink_;
  std::unique_ptr<UnitRunner> units_;
};

TEST_F(UnitRunnerTest, EffectsAreDeliveredAfterCommitAndBeforeDone) {
  std::vector<std::string> order;
  UnitRunner::Done done = [&](std::exception_ptr error) {
    EXPECT_FALSE(error);
    EXPECT_EQ(sink_.published.size(), 1u);  // the event is queued before the caller answers
    order.push_back("done");
  };
  storage::Work work = units_->Unit(
      [&](storage::Database&, Outbox& outbox) {
        EXPECT_TRUE(outbox.events_wanted());
        outbox.Emit(Named("CREATE_CHANNEL_MESSAGE"));
        outbox.Departed("arn:user/gone");
        outbox.AfterCommit([&] { order.push_back("job"); });
      },
      done, "test unit");
  work.run(*db_);
  // Inside the transaction nothing is delivered yet.
  EXPECT_TRUE(sink_.published.empty());
  EXPECT_TRUE(sink_.departed.empty());
  EXPECT_TRUE(order.empty());

  work.done(nullptr);  // committed
  ASSERT_EQ(sink_.published.size(), 1u);
  EXPECT_EQ(sink_.published[0].type, "CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(sink_.departed.principals, std::vector<std::string>{"arn:user/gone"});
  EXPECT_EQ(order, (std::vector<std::string>{"job", "done"}));
}

TEST_F(UnitRunnerTest, ThroughAPipelineTheWriteCommitsThenPublishes) {
  bool done_called = false;
  units_->SubmitWrite([](storage::Database&, Outbox& outbox) { outbox.Emit(Named("E")); },
                      [&](std::exception_ptr error) {
                        EXPECT_FALSE(error);
                        done_called = true;
                      },
                      "test unit");
  EXPECT_TRUE(done_called);
  EXPECT_EQ(sink_.published.size(), 1u);
}

TEST_F(UnitRunnerTest, ARolledBackUnitDropsItsOutbox) {
  bool job_ran = false;
  std::exception_ptr seen;
  units_->SubmitWrite(
      [&](storage::Database&, Outbox& outbox) {
        outbox.Emit(Named("E"));
        outbox.Departed("arn:user/gone");
        outbox.AfterCommit([&] { job_ran = true; });
        throw std::runtime_error("handler refused");
      },
      [&](std::exception_ptr error) { seen = error; }, "test unit");
  ASSERT_TRUE(seen);
  EXPECT_THROW(std::rethrow_exception(seen), std::runtime_error);
  EXPECT_TRUE(sink_.published.empty());
  EXPECT_TRUE(sink_.departed.empty());
  EXPECT_FALSE(job_ran);
}

TEST_F(UnitRunnerTest, AFailedCommitDropsTheOutboxToo) {
  bool job_ran = false;
  storage::Work work = units_->Unit(
      [&](storage::Database&, Outbox& outbox) {
        outbox.Emit(Named("E"));
        outbox.AfterCommit([&] { job_ran = true; });
      },
      nullptr, "test unit");
  work.run(*db_);  // the unit itself succeeded, but its batch's COMMIT failed
  work.done(std::make_exception_ptr(std::runtime_error("COMMIT failed")));
  EXPECT_TRUE(sink_.published.empty());
  EXPECT_FALSE(job_ran);
}

TEST_F(UnitRunnerTest, AThrowingJobIsLoggedAndTheOthersStillRun) {
  CapturingLog log;
  std::vector<int> ran;
  bool done_called = false;
  units_->SubmitWrite(
      [&](storage::Database&, Outbox& outbox) {
        outbox.AfterCommit([&] { ran.push_back(1); });
        outbox.AfterCommit([&] {
          ran.push_back(2);
          throw std::runtime_error("queue full");
        });
        outbox.AfterCommit([&] { ran.push_back(3); });
      },
      [&](std::exception_ptr error) {
        EXPECT_FALSE(error);  // committed: a failed job does not undo that
        done_called = true;
      },
      "SendChannelMessage (request r-1)");
  EXPECT_EQ(ran, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(done_called);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0],
            "after-commit job of SendChannelMessage (request r-1) failed: queue full");
}

TEST_F(UnitRunnerTest, AUnitRunAgainStartsFromAnEmptyOutbox) {
  storage::Work work = units_->Unit(
      [](storage::Database&, Outbox& outbox) { outbox.Emit(Named("E")); }, nullptr, "test unit");
  work.run(*db_);
  work.run(*db_);
  work.done(nullptr);
  EXPECT_EQ(sink_.published.size(), 1u);
}

}  // namespace
}  // namespace chime::api
