// EventBridge events (api/events/eventbridge_events.hpp): the envelope of the developer guide's
// "Creating failure alerts by automating with EventBridge", the PutEvents entry, and the
// fixture's bounded journal with its filters.
#include "api/events/eventbridge_events.hpp"

#include <gtest/gtest.h>

#include "api/control/eventbridge_journal.hpp"

namespace chime::api {
namespace {

const std::string kChannel = "arn:aws:chime:eu-west-1:111122223333:app-instance/a1/channel/c1";

ProcessorFailure Failure() {
  return {kChannel, "m1", "arn:aws:lambda:eu-west-1:111122223333:function:p", "HTTP 404"};
}

TEST(EventBridgeEventsTest, BotLexFailureHasTheGuidesEnvelope) {
  // Developer guide "Using rules to send events to Amazon EventBridge".
  const std::string bot = "arn:aws:chime:eu-west-1:111122223333:app-instance/a1/bot/b1";
  const json e = BotLexFailureEvent(bot, "1 validation error detected", 1796589605999, "id-2");
  EXPECT_EQ(e, json::parse(R"({
    "version": "0", "id": "id-2", "detail-type": "Chime Messaging AppInstanceBot Lex Failure",
    "source": "aws.chime", "account": "111122223333", "time": "2026-12-06T20:40:05Z",
    "region": "eu-west-1", "resources": [],
    "detail": {"resourceArn": "arn:aws:chime:eu-west-1:111122223333:app-instance/a1/bot/b1",
               "failureReason": "1 validation error detected"}})"));
}

TEST(EventBridgeEventsTest, ProcessorInvocationFailureHasTheGuidesEnvelope) {
  // 2026-12-06T20:40:05.999Z: EventBridge's time has whole seconds.
  const json e = ProcessorInvocationFailureEvent(Failure(), 1796589605999, "id-1");
  EXPECT_EQ(e, json::parse(R"({
    "version": "0", "id": "id-1", "detail-type": "Chime ChannelFlow Processing Status",
    "source": "aws.chime", "account": "111122223333", "time": "2026-12-06T20:40:05Z",
    "region": "eu-west-1", "resources": [],
    "detail": {"eventType": "ProcessorInvocationFailure",
               "appInstanceArn": "arn:aws:chime:eu-west-1:111122223333:app-instance/a1",
               "channelArn": "arn:aws:chime:eu-west-1:111122223333:app-instance/a1/channel/c1",
               "messageId": "m1",
               "processorResourceArn": "arn:aws:lambda:eu-west-1:111122223333:function:p",
               "failureReason": "HTTP 404"}})"));
}

TEST(EventBridgeEventsTest, TimeIsUtcToTheSecond) {
  EXPECT_EQ(EventBridgeTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(EventBridgeTime(999), "1970-01-01T00:00:00Z");
  EXPECT_EQ(EventBridgeTime(-1), "1969-12-31T23:59:59Z");
}

TEST(EventBridgeEventsTest, PutEventsEntryCarriesDetailAsAString) {
  const json e = ProcessorInvocationFailureEvent(Failure(), 1796589605999, "id-1");
  const json entry = PutEventsEntry(e);
  EXPECT_EQ(entry["Source"], "aws.chime");
  EXPECT_EQ(entry["DetailType"], "Chime ChannelFlow Processing Status");
  EXPECT_EQ(entry["EventBusName"], "default");
  EXPECT_EQ(entry["Resources"], json::array());
  EXPECT_EQ(entry["Time"], 1796589605);
  ASSERT_TRUE(entry["Detail"].is_string());
  EXPECT_EQ(json::parse(entry["Detail"].get<std::string>()), e["detail"]);
}

struct Counting : EventBridgeSink {
  void Put(const json&) override { ++count; }
  int count = 0;
};

TEST(EventBridgeJournalTest, KeepsTheNewestForwardsAndFilters) {
  EventBridgeJournal journal(2);
  Counting forward;
  journal.set_forward(&forward);
  ProcessorFailure other = Failure();
  other.channel_arn = "arn:aws:chime:us-east-1:123456789012:app-instance/b/channel/x";
  journal.Put(ProcessorInvocationFailureEvent(Failure(), 0, "1"));
  journal.Put(ProcessorInvocationFailureEvent(other, 0, "2"));
  journal.Put(ProcessorInvocationFailureEvent(Failure(), 0, "3"));
  EXPECT_EQ(forward.count, 3);
  const json all = journal.List("", "");
  ASSERT_EQ(all.size(), 2u);  // the oldest went
  EXPECT_EQ(all[0]["id"], "3");  // newest first
  EXPECT_EQ(all[1]["id"], "2");
  EXPECT_EQ(journal.List("123456789012", "").size(), 1u);
  EXPECT_EQ(journal.List("", "Chime ChannelFlow Processing Status").size(), 2u);
  EXPECT_EQ(journal.List("", "Other").size(), 0u);
  journal.Clear();
  EXPECT_TRUE(journal.List("", "").empty());
}

}  // namespace
}  // namespace chime::api
