// Channel-flow processing through the dispatcher (events included) and the
// background paths (time-out, undeliverable invocations) driven directly.
#include <gtest/gtest.h>

#include <set>

#include "api/messaging/flow_processing.hpp"
#include "api_fixture.hpp"
#include "recording_sink.hpp"
#include "server/outgoing/sigv4.hpp"

namespace chime::testing {
namespace {

std::set<std::string> Recipients(const api::Event& e) {
  return {e.recipients.begin(), e.recipients.end()};
}

struct RecordingEventBridge : api::EventBridgeSink {
  void Put(const json& event) override { events.push_back(event); }
  std::vector<json> events;
};

class ChannelFlowTest : public ChannelCastFixture {
 protected:
  void SetUp() override {
    ChannelCastFixture::SetUp();
    dispatcher_ = std::make_unique<api::Dispatcher>(config_, *db_, &sink_);
  }

  json Processor(const std::string& fn, int order, const std::string& fallback) {
    return {{"Name", fn},
            {"ExecutionOrder", order},
            {"FallbackAction", fallback},
            {"Configuration",
             {{"Lambda",
               {{"ResourceArn", "arn:aws:lambda:us-east-1:123456789012:function:" + fn},
                {"InvocationType", "ASYNC"}}}}}};
  }

  // A channel of owner_ with member alice_, associated with a flow of `processors`.
  void MakeFlowChannel(const json& processors) {
    auto f = Call("POST", "/channel-flows",
                  {{"AppInstanceArn", app_},
                   {"Name", "flow"},
                   {"Processors", processors},
                   {"ClientRequestToken", NextToken()}});
    ASSERT_EQ(f.status, 201) << f.raw_body;
    flow_ = f.body["ChannelFlowArn"];
    auto c = Call("POST", "/channels",
                  {{"AppInstanceArn", app_}, {"Name", "c"}, {"ClientRequestToken", NextToken()}},
                  owner_);
    ASSERT_EQ(c.status, 201) << c.raw_body;
    channel_ = c.body["ChannelArn"];
    auto m = Call("POST", "/channels/" + Enc(channel_) + "/memberships",
                  {{"MemberArn", alice_}, {"Type", "DEFAULT"}}, owner_);
    ASSERT_EQ(m.status, 201) << m.raw_body;
    auto a = Call("PUT", "/channels/" + Enc(channel_) + "/channel-flow",
                  {{"ChannelFlowArn", flow_}}, owner_);
    ASSERT_EQ(a.status, 200) << a.raw_body;
  }

  std::string Send(const std::string& content) {
    auto r = Call("POST", "/channels/" + Enc(channel_) + "/messages",
                  {{"Content", content},
                   {"Type", "STANDARD"},
                   {"Persistence", "PERSISTENT"},
                   {"ClientRequestToken", NextToken()}},
                  alice_);
    EXPECT_EQ(r.status, 201) << r.raw_body;
    EXPECT_EQ(r.body["Status"]["Value"], "PENDING");
    return r.body.value("MessageId", "");
  }

  json Pending() { return api::flows::PendingInvocationsJson(*db_)["Invocations"]; }

  Reply Callback(const json& inv, json message, bool deny = false) {
    message["MessageId"] = inv["MessageId"];
    return Call(
        "POST", "/channels/" + Enc(channel_) + "?operation=channel-flow-callback",
        {{"CallbackId", inv["CallbackId"]}, {"DeleteResource", deny}, {"ChannelMessage", message}});
  }

  std::string StatusOf(const std::string& id) {
    auto r = Call("GET", "/channels/" + Enc(channel_) + "/messages/" + id + "?scope=message-status",
                  nullptr, alice_);
    return r.status == 200 ? r.body["Status"]["Value"].get<std::string>() : r.error;
  }

  // Runs a background flow function in its own transaction, as ChannelFlowRunner does.
  api::Outbox Background(int64_t now_ms, const std::function<void(api::flows::FlowEnv&)>& fn) {
    api::Outbox outbox(true);
    config_.eventbridge = &eventbridge_;
    api::flows::FlowEnv env{*db_, config_, now_ms, outbox};
    fn(env);
    for (auto& job : outbox.jobs()) job();  // as after the commit
    return outbox;
  }

  api::ServiceConfig config_;
  RecordingSink sink_;
  RecordingEventBridge eventbridge_;
  std::string flow_, channel_;
};

TEST_F(ChannelFlowTest, PendingGoesToTheSenderAndSentToEveryMember) {
  MakeFlowChannel(json::array({Processor("moderator", 1, "ABORT")}));
  sink_.published.clear();
  const std::string id = Send("oh darn");
  ASSERT_EQ(sink_.published.size(), 1u);
  EXPECT_EQ(sink_.published[0].type, "PENDING_CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(Recipients(sink_.published[0]), std::set<std::string>{alice_});
  EXPECT_EQ(sink_.published[0].Payload()["Status"]["Value"], "PENDING");

  json pending = Pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["Event"]["ChannelMessage"]["Content"], "oh darn");
  auto r = Callback(pending[0], {{"Content", "oh ****"}});
  ASSERT_EQ(r.status, 200) << r.raw_body;
  ASSERT_EQ(sink_.published.size(), 2u);
  const api::Event& sent = sink_.published[1];
  EXPECT_EQ(sent.type, "CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(sent.Payload()["Content"], "oh ****");
  EXPECT_EQ(sent.Payload()["Status"]["Value"], "SENT");
  EXPECT_EQ(Recipients(sent), (std::set<std::string>{owner_, alice_}));
  EXPECT_EQ(StatusOf(id), "SENT");

  // The same callback again publishes nothing more.
  ASSERT_EQ(Callback(pending[0], {{"Content", "again"}}).status, 200);
  EXPECT_EQ(sink_.published.size(), 2u);
}

TEST_F(ChannelFlowTest, DeniedGoesToTheSenderOnlyAndIsNotStored) {
  MakeFlowChannel(json::array({Processor("moderator", 1, "ABORT")}));
  const std::string id = Send("spam");
  sink_.published.clear();
  ASSERT_EQ(Callback(Pending()[0], json::object(), true).status, 200);
  ASSERT_EQ(sink_.published.size(), 1u);
  EXPECT_EQ(sink_.published[0].type, "DENIED_CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(Recipients(sink_.published[0]), std::set<std::string>{alice_});
  EXPECT_EQ(StatusOf(id), "ForbiddenException");  // not stored; this operation models no NotFound
}

TEST_F(ChannelFlowTest, AnOverdueInvocationFailsItsMessage) {
  config_.channel_flow_timeout_ms = 1000;
  MakeFlowChannel(json::array({Processor("moderator", 1, "CONTINUE")}));
  const std::string id = Send("hello");
  // Not yet due: nothing happens.
  Background(0, [](api::flows::FlowEnv& env) { EXPECT_EQ(api::flows::ExpireOverdue(env), 0); });
  EXPECT_EQ(StatusOf(id), "PENDING");
  auto late = Background(INT64_MAX / 2, [](api::flows::FlowEnv& env) {
    EXPECT_EQ(api::flows::ExpireOverdue(env), 1);
  });
  EXPECT_EQ(StatusOf(id), "FAILED");
  ASSERT_EQ(late.events().size(), 1u);
  EXPECT_EQ(late.events()[0].type, "FAILED_CREATE_CHANNEL_MESSAGE");
  EXPECT_EQ(Recipients(late.events()[0]), std::set<std::string>{alice_});
  EXPECT_TRUE(Pending().empty());
  // A time-out is an invocation failure too (whatever the FallbackAction).
  ASSERT_EQ(eventbridge_.events.size(), 1u);
  const json& detail = eventbridge_.events[0]["detail"];
  EXPECT_EQ(detail["eventType"], "ProcessorInvocationFailure");
  EXPECT_EQ(detail["messageId"], id);
  EXPECT_EQ(detail["channelArn"], channel_);
  EXPECT_EQ(detail["processorResourceArn"], "arn:aws:lambda:us-east-1:123456789012:function:moderator");
  EXPECT_NE(detail["failureReason"].get<std::string>().find("did not call back within 1 s"), std::string::npos);
}

TEST_F(ChannelFlowTest, FallbackActionDecidesAfterAnUndeliverableInvocation) {
  MakeFlowChannel(
      json::array({Processor("first", 1, "CONTINUE"), Processor("second", 2, "ABORT")}));
  const std::string id = Send("hello");
  const std::string first = Pending()[0]["CallbackId"];
  Background(0, [&](api::flows::FlowEnv& env) { api::flows::ProcessorFailed(env, first, "HTTP 500"); });
  // CONTINUE: the second processor gets the message.
  json pending = Pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:second");
  EXPECT_EQ(StatusOf(id), "PENDING");
  // ABORT: FAILED with the generic detail (what the endpoint answered is for the log only).
  const std::string second = pending[0]["CallbackId"];
  Background(0, [&](api::flows::FlowEnv& env) { api::flows::ProcessorFailed(env, second, "refused"); });
  EXPECT_EQ(StatusOf(id), "FAILED");
  // One EventBridge event per failed invocation, CONTINUE or ABORT, after the commit.
  ASSERT_EQ(eventbridge_.events.size(), 2u);
  EXPECT_EQ(eventbridge_.events[0]["detail"]["processorResourceArn"],
            "arn:aws:lambda:us-east-1:123456789012:function:first");
  EXPECT_EQ(eventbridge_.events[0]["detail"]["failureReason"], "HTTP 500");
  EXPECT_EQ(eventbridge_.events[1]["detail"]["failureReason"], "refused");
  // A second report of the same invocation changes nothing and emits nothing.
  Background(0, [&](api::flows::FlowEnv& env) { api::flows::ProcessorFailed(env, second, "again"); });
  EXPECT_EQ(eventbridge_.events.size(), 2u);
  auto r = Call("GET", "/channels/" + Enc(channel_) + "/messages/" + id + "?scope=message-status",
                nullptr, alice_);
  EXPECT_EQ(r.body["Status"].value("Detail", ""), "Processor invocation failed") << r.raw_body;
  // A callback after the processing window (here: the invocation failed) is forbidden.
  EXPECT_EQ(Callback(pending[0], json::object()).error, "ForbiddenException");
}

// The example of the AWS General Reference ("Signature Version 4 test suite", get-vanilla-query:
// GET /?Action=ListUsers&Version=2010-05-08 to IAM).
// Stored data the API never writes (a flow without processors, a channel
// naming a missing flow) fails the message cleanly instead of crashing.
TEST_F(ChannelFlowTest, AFlowWithoutProcessorsOrAMissingFlowFailsTheMessage) {
  MakeFlowChannel(json::array({Processor("moderator", 1, "ABORT")}));
  db_->Prepare("UPDATE channel_flows SET processors = '[]'").Run();
  const std::string id = Send("hello");
  EXPECT_EQ(StatusOf(id), "FAILED");
  EXPECT_TRUE(Pending().empty());
  db_->Exec("PRAGMA foreign_keys=OFF");
  db_->Prepare("DELETE FROM channel_flows").Run();
  EXPECT_EQ(StatusOf(Send("again")), "FAILED");
  db_->Exec("PRAGMA foreign_keys=ON");
}

TEST(SigV4Test, MatchesTheDocumentedExample) {
  server::SigV4Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListUsers&Version=2010-05-08";
  r.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"host", "iam.amazonaws.com"},
               {"x-amz-date", "20150830T123600Z"}};
  const std::string auth =
      server::SigV4Authorization(r, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""},
                                 "us-east-1", "iam", "20150830T123600Z");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

}  // namespace
}  // namespace chime::testing
