// StreamingEventSink: which committed events become Kinesis records, where they go, and the
// record format (developer guide "Streaming messaging data": EventType and Payload).
#include "api/events/streaming_sink.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace chime::api {
namespace {

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/a1";
const std::string kChannel = kApp + "/channel/c1";

struct Written {
  std::string stream, key, data;
};

class RecordingWriter : public StreamRecordWriter {
 public:
  void Write(const std::string& stream, const std::string& key, std::string data) override {
    written.push_back({stream, key, std::move(data)});
  }
  std::vector<Written> written;
};

class CountingSink : public EventSink {
 public:
  bool Wanted() const override { return false; }
  void Publish(std::vector<Event>&& events) override { published += events.size(); }
  size_t published = 0;
};

Event MakeEvent(const std::string& type, const std::string& channel = kChannel) {
  Event e;
  e.type = type;
  e.message_type = "STANDARD";
  e.channel_arn = channel;
  e.payload = {{"ChannelArn", channel}, {"Content", "hi"}};
  return e;
}

TEST(StreamingEventSinkTest, RoutesByAppInstanceAndDataType) {
  StreamingDirectory directory;
  RecordingWriter writer;
  CountingSink inner;
  StreamingEventSink sink(&inner, writer, directory);
  EXPECT_FALSE(sink.Wanted());  // nothing configured, no session
  directory.Set(
      kApp, nlohmann::json::array({{{"DataType", "ChannelMessage"}, {"ResourceArn", "arn:msgs"}},
                                   {{"DataType", "Channel"}, {"ResourceArn", "arn:chans"}}}));
  EXPECT_TRUE(sink.Wanted());

  std::vector<Event> events = {
      MakeEvent("CREATE_CHANNEL_MESSAGE"), MakeEvent("PENDING_CREATE_CHANNEL_MESSAGE"),
      MakeEvent("UPDATE_CHANNEL"),
      MakeEvent("CREATE_CHANNEL_MESSAGE", "arn:aws:chime:us-east-1:1:app-instance/b/channel/x")};
  sink.Publish(std::move(events));
  ASSERT_EQ(writer.written.size(), 2u);
  EXPECT_EQ(writer.written[0].stream, "arn:msgs");
  EXPECT_EQ(writer.written[0].key, kChannel);
  EXPECT_EQ(writer.written[1].stream, "arn:chans");
  EXPECT_EQ(inner.published, 4u);  // the session still gets everything

  auto record = nlohmann::json::parse(writer.written[0].data);
  EXPECT_EQ(record.size(), 2u);
  EXPECT_EQ(record["EventType"], "CREATE_CHANNEL_MESSAGE");
  ASSERT_TRUE(record["Payload"].is_object());
  EXPECT_EQ(record["Payload"]["Content"], "hi");

  directory.Set(kApp, nlohmann::json::array());
  EXPECT_FALSE(sink.Wanted());
  sink.Publish({MakeEvent("CREATE_CHANNEL_MESSAGE")});
  EXPECT_EQ(writer.written.size(), 2u);
}

TEST(StreamingEventSinkTest, SubChannelEventsWithoutRecipientsGoToTheChannelStream) {
  StreamingDirectory directory;
  RecordingWriter writer;
  StreamingEventSink sink(nullptr, writer, directory);
  directory.Set(kApp, nlohmann::json::array({{{"DataType", "Channel"}, {"ResourceArn", "arn:chans"}}}));
  Event created = MakeEvent("CREATE_SUB_CHANNEL");
  created.payload = {{"ChannelArn", kChannel}, {"SubChannelId", "1"}, {"MembershipCount", 1}};
  ASSERT_TRUE(created.recipients.empty());
  sink.Publish({created, MakeEvent("DELETE_SUB_CHANNEL")});
  ASSERT_EQ(writer.written.size(), 2u);
  EXPECT_EQ(writer.written[0].stream, "arn:chans");
  auto record = nlohmann::json::parse(writer.written[0].data);
  EXPECT_EQ(record["EventType"], "CREATE_SUB_CHANNEL");
  EXPECT_EQ(record["Payload"]["SubChannelId"], "1");
  EXPECT_EQ(nlohmann::json::parse(writer.written[1].data)["EventType"], "DELETE_SUB_CHANNEL");
}

}  // namespace
}  // namespace chime::api
