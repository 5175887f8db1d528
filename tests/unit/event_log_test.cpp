// EventLog (api/events/event_log.hpp): the bounded ring, filters and the
// `next` cursor, per-account clearing that keeps sequence numbers, and long
// polls: answered on a matching event, at the end of the wait, at Stop, and
// refused beyond kMaxEventWaiters.
#include "api/events/event_log.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace chime::testing {
namespace {

using api::Event;
using api::EventLog;
using api::EventQuery;
using namespace std::chrono_literals;

Event MessageEvent(const std::string& account, const std::string& content, const std::string& type = "CREATE_CHANNEL_MESSAGE") {
  Event e;
  e.type = type;
  e.message_type = "STANDARD";
  e.channel_arn = "arn:aws:chime:us-east-1:" + account + ":app-instance/a/channel/c";
  e.payload = {{"Content", content}, {"CreatedTimestamp", 1700000000.5}};
  e.recipients = {"arn:aws:chime:us-east-1:" + account + ":app-instance/a/user/u"};
  return e;
}

TEST(EventLog, RecordsTheFrameASessionReceives) {
  EventLog log;
  log.Record({MessageEvent("111111111111", "hi")}, 1700000000000);
  auto got = log.Query({});
  ASSERT_EQ(got["events"].size(), 1u);
  const auto& e = got["events"][0];
  EXPECT_EQ(e["seq"], 1);
  EXPECT_EQ(e["time"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(e["accountId"], "111111111111");
  EXPECT_EQ(e["region"], "us-east-1");
  EXPECT_EQ(e["eventType"], "CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(e["payload"]["Content"], "hi");
  EXPECT_EQ(e["payload"]["CreatedTimestamp"], "2023-11-14T22:13:20.500Z");
  EXPECT_EQ(e["message"]["Headers"]["x-amz-chime-event-type"], "CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(nlohmann::json::parse(e["message"]["Payload"].get<std::string>()), e["payload"]);
  EXPECT_EQ(got["next"], 1);
}

TEST(EventLog, KeepsTheNewestUpToItsCapacity) {
  EventLog log(3);
  for (int i = 0; i < 5; ++i) log.Record({MessageEvent("111111111111", std::to_string(i))}, 0);
  auto got = log.Query({});
  ASSERT_EQ(got["events"].size(), 3u);
  EXPECT_EQ(got["events"][0]["seq"], 3);
  EXPECT_EQ(got["events"][2]["payload"]["Content"], "4");
}

TEST(EventLog, FiltersAndTheCursorSkipWhatDidNotMatch) {
  EventLog log;
  log.Record({MessageEvent("111111111111", "a"), MessageEvent("222222222222", "b"),
              MessageEvent("111111111111", "c", "UPDATE_CHANNEL_MESSAGE"), MessageEvent("222222222222", "d")},
             0);
  EventQuery q;
  q.account_id = "222222222222";
  q.limit = 1;
  auto first = log.Query(q);
  ASSERT_EQ(first["events"].size(), 1u);
  EXPECT_EQ(first["events"][0]["payload"]["Content"], "b");
  EXPECT_EQ(first["next"], 2);
  q.after = 2;
  auto second = log.Query(q);
  EXPECT_EQ(second["events"][0]["payload"]["Content"], "d");
  q.after = second["next"];
  auto none = log.Query(q);
  EXPECT_TRUE(none["events"].empty());
  EXPECT_EQ(none["next"], 4);
  EventQuery types;
  types.types = {"UPDATE_CHANNEL_MESSAGE"};
  EXPECT_EQ(log.Query(types)["events"].size(), 1u);
  EventQuery member;
  member.member_arn = "arn:aws:chime:us-east-1:111111111111:app-instance/a/user/u";
  EXPECT_EQ(log.Query(member)["events"].size(), 2u);
}

TEST(EventLog, ClearingOneAccountKeepsTheOthersAndTheSequence) {
  EventLog log;
  log.Record({MessageEvent("111111111111", "a"), MessageEvent("222222222222", "b")}, 0);
  log.Clear("111111111111");
  auto got = log.Query({});
  ASSERT_EQ(got["events"].size(), 1u);
  EXPECT_EQ(got["events"][0]["accountId"], "222222222222");
  log.Clear();
  log.Record({MessageEvent("111111111111", "c")}, 0);
  EXPECT_EQ(log.Query({})["events"][0]["seq"], 3);
}

TEST(EventLog, AWaitIsAnsweredByAMatchingEventOrAtItsEnd) {
  EventLog log;
  std::promise<nlohmann::json> matched, ended;
  EventQuery q;
  q.types = {"DELETE_CHANNEL_MESSAGE"};
  ASSERT_TRUE(log.Wait(q, 10s, [&](nlohmann::json j) { matched.set_value(std::move(j)); }));
  ASSERT_TRUE(log.Wait(q, 50ms, [&](nlohmann::json j) { ended.set_value(std::move(j)); }));
  auto end = ended.get_future();
  ASSERT_EQ(end.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(end.get()["events"].empty());
  auto match = matched.get_future();
  log.Record({MessageEvent("111111111111", "x")}, 0);  // not a match
  EXPECT_EQ(match.wait_for(100ms), std::future_status::timeout);
  log.Record({MessageEvent("111111111111", "y", "DELETE_CHANNEL_MESSAGE")}, 0);
  ASSERT_EQ(match.wait_for(5s), std::future_status::ready);
  auto got = match.get();
  ASSERT_EQ(got["events"].size(), 1u);
  EXPECT_EQ(got["events"][0]["payload"]["Content"], "y");
}

TEST(EventLog, WaitsAreBoundedAndStopAnswersThem) {
  EventLog log;
  std::atomic<int> answered{0};
  for (size_t i = 0; i < api::kMaxEventWaiters; ++i) {
    ASSERT_TRUE(log.Wait({}, 30s, [&](nlohmann::json j) {
      EXPECT_TRUE(j["events"].empty());
      ++answered;
    }));
  }
  EXPECT_FALSE(log.Wait({}, 30s, [](nlohmann::json) { ADD_FAILURE() << "a refused wait is never answered"; }));
  // Without a wait, a query answers at once even now.
  bool now = false;
  EXPECT_TRUE(log.Wait({}, 0ms, [&](nlohmann::json) { now = true; }));
  EXPECT_TRUE(now);
  log.Stop();
  EXPECT_EQ(answered.load(), static_cast<int>(api::kMaxEventWaiters));
}

}  // namespace
}  // namespace chime::testing
