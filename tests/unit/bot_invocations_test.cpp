// AppInstanceBot invocation rules (api/messaging/bot_invocations.hpp): InvokedBy
// (API reference "InvokedBy"), the RecognizeText request (developer guide
// "Processing messages from Amazon Lex") and the reply (developer guide
// "Processing responses from an AppInstanceBot").
#include "api/messaging/bot_invocations.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace chime::api::bots {
namespace {

const std::string kApp = "arn:aws:chime:us-east-1:123456789012:app-instance/app1";
const std::string kBot = kApp + "/bot/b1";
const std::string kUser = kApp + "/user/alice";
const std::string kChannel = kApp + "/channel/c1";
const std::string kAlias = "arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID12345/ALIAS12345";

LexConfig Config(const std::string& standard, const std::string& targeted) {
  json c = {{"Lex",
             {{"LexBotAliasArn", kAlias},
              {"LocaleId", "en_US"},
              {"InvokedBy", {{"StandardMessages", standard}, {"TargetedMessages", targeted}}}}}};
  return *LexConfigOf(c.dump());
}

MessageView Msg(const std::string& content = "hello") {
  MessageView m;
  m.type = "STANDARD";
  m.sender_arn = kUser;
  m.content = content;
  return m;
}

MessageView Mentioning(const std::string& arn) {
  MessageView m = Msg();
  m.message_attributes = json{{"CHIME.mentions", {{"StringValues", {arn}}}}}.dump();
  return m;
}

TEST(BotInvocations, ConfigParsesAliasAndInvokedBy) {
  const LexConfig c = Config("MENTIONS", "ALL");
  EXPECT_EQ(c.bot_id, "BOTID12345");
  EXPECT_EQ(c.alias_id, "ALIAS12345");
  EXPECT_EQ(c.locale_id, "en_US");
  EXPECT_EQ(c.standard, "MENTIONS");
  EXPECT_EQ(c.targeted, "ALL");
  EXPECT_FALSE(LexConfigOf("{}").has_value());
  EXPECT_FALSE(LexConfigOf("not json").has_value());
}

TEST(BotInvocations, RespondsToWithoutInvokedByMeansEveryStandardMessage) {
  json c = {
      {"Lex",
       {{"LexBotAliasArn", kAlias}, {"LocaleId", "en_US"}, {"RespondsTo", "STANDARD_MESSAGES"}}}};
  const LexConfig lex = *LexConfigOf(c.dump());
  EXPECT_EQ(lex.standard, "ALL");
  EXPECT_EQ(lex.targeted, "NONE");
}

TEST(BotInvocations, StandardMessagesRules) {
  EXPECT_TRUE(Invokes(Config("ALL", "NONE"), kBot, Msg(), 5));
  EXPECT_FALSE(Invokes(Config("NONE", "ALL"), kBot, Msg(), 1));
  EXPECT_FALSE(Invokes(Config("MENTIONS", "NONE"), kBot, Msg(), 1));
  EXPECT_TRUE(Invokes(Config("MENTIONS", "NONE"), kBot, Mentioning(kBot), 5));
  EXPECT_FALSE(Invokes(Config("MENTIONS", "NONE"), kBot, Mentioning(kApp + "/bot/other"), 5));
  // AUTO: every message with one other non-hidden member, else mentions only.
  EXPECT_TRUE(Invokes(Config("AUTO", "NONE"), kBot, Msg(), 1));
  EXPECT_FALSE(Invokes(Config("AUTO", "NONE"), kBot, Msg(), 2));
  EXPECT_TRUE(Invokes(Config("AUTO", "NONE"), kBot, Mentioning(kBot), 2));
}

TEST(BotInvocations, TargetedMessagesRules) {
  MessageView m = Msg();
  m.target_arn = kBot;
  EXPECT_TRUE(Invokes(Config("NONE", "ALL"), kBot, m, 1));
  EXPECT_FALSE(Invokes(Config("ALL", "NONE"), kBot, m, 1));
  m.target_arn = kApp + "/user/bob";  // a message the bot cannot see
  EXPECT_FALSE(Invokes(Config("ALL", "ALL"), kBot, m, 1));
}

TEST(BotInvocations, BotsControlAndEmptyMessagesInvokeNothing) {
  MessageView from_bot = Msg();
  from_bot.sender_arn = kApp + "/bot/other";
  EXPECT_FALSE(Invokes(Config("ALL", "ALL"), kBot, from_bot, 1));
  from_bot.sender_arn = kBot;  // its own reply: never a loop
  EXPECT_FALSE(Invokes(Config("ALL", "ALL"), kBot, from_bot, 1));
  MessageView control = Msg();
  control.type = "CONTROL";
  EXPECT_FALSE(Invokes(Config("ALL", "ALL"), kBot, control, 1));
  EXPECT_FALSE(Invokes(Config("ALL", "ALL"), kBot, Msg(""), 1));
  EXPECT_TRUE(IsBotArn(kBot));
  EXPECT_FALSE(IsBotArn(kUser));
}

TEST(BotInvocations, RecognizeTextRequestCarriesTheGuideAttributes) {
  const json r = RecognizeTextRequest(Config("ALL", "NONE"), kChannel, kUser, "hi", false);
  EXPECT_EQ(r["botId"], "BOTID12345");
  EXPECT_EQ(r["botAliasId"], "ALIAS12345");
  EXPECT_EQ(r["localeId"], "en_US");
  EXPECT_EQ(r["text"], "hi");
  EXPECT_EQ(r["requestAttributes"]["CHIME.channel.arn"], kChannel);
  EXPECT_EQ(r["requestAttributes"]["CHIME.sender.arn"], kUser);
  EXPECT_FALSE(r.contains("sessionState"));
  const std::string session = r["sessionId"];
  EXPECT_EQ(session.size(), 64u);
  EXPECT_EQ(session, SessionIdOf(kChannel, kUser));
  EXPECT_NE(session, SessionIdOf(kChannel, kApp + "/user/bob"));
}

TEST(BotInvocations, WelcomeRequestNamesTheIntent) {
  LexConfig c = Config("ALL", "NONE");
  c.welcome_intent = "Welcome";
  const json r = RecognizeTextRequest(c, kChannel, kUser, c.welcome_intent, true);
  EXPECT_EQ(r["sessionState"]["intent"]["name"], "Welcome");
  EXPECT_EQ(r["sessionState"]["dialogAction"]["type"], "Delegate");
}

TEST(BotInvocations, ReplyFromRecognizeTextResponse) {
  const json answer = {
      {"messages",
       {{{"content", "Hello!"}, {"contentType", "PlainText"}},
        {{"contentType", "ImageResponseCard"},
         {"imageResponseCard", {{"title", "T"}, {"buttons", {{{"text", "A"}, {"value", "a"}}}}}}}}},
      {"sessionState",
       {{"intent", {{"name", "Greet"}, {"state", "InProgress"}}}, {"originatingRequestId", "o-1"}}},
      {"sessionId", "s-1"}};
  const Reply r = ReplyFromAnswer(answer, "fallback");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.content_type, "application/amz-chime-lex-msgs");
  const json content = json::parse(r.content);
  EXPECT_EQ(content["Messages"][0], (json{{"Content", "Hello!"}, {"ContentType", "PlainText"}}));
  EXPECT_EQ(content["Messages"][1]["ImageResponseCard"]["Buttons"][0]["Text"], "A");
  const json& a = *r.message_attributes;
  EXPECT_EQ(a["CHIME.LEX.sessionState.intent.name"]["StringValues"][0], "Greet");
  EXPECT_EQ(a["CHIME.LEX.sessionState.intent.state"]["StringValues"][0], "InProgress");
  EXPECT_EQ(a["CHIME.LEX.sessionState.originatingRequestId"]["StringValues"][0], "o-1");
  EXPECT_EQ(a["CHIME.LEX.sessionState.sessionId"]["StringValues"][0], "s-1");
  // Without a sessionId in the answer, the request's.
  const Reply r2 = ReplyFromAnswer({{"messages", json::array()}}, "fallback");
  EXPECT_EQ((*r2.message_attributes)["CHIME.LEX.sessionState.sessionId"]["StringValues"][0],
            "fallback");
}

TEST(BotInvocations, ErrorAnswerBecomesLexErrorReply) {
  const Reply r =
      ReplyFromAnswer({{"error", {{"code", "ValidationException"}, {"message", "too long"}}}}, "s");
  EXPECT_TRUE(r.error);
  EXPECT_EQ(r.content_type, "application/amz-chime-lex-error");
  EXPECT_EQ(json::parse(r.content), (json{{"Code", "ValidationException"}}));
  EXPECT_EQ(r.error_message, "too long");
}

TEST(BotInvocations, MalformedAnswersAreRefused) {
  for (const json& bad : {json::array(), json("text"), json::object(), json{{"messages", "x"}},
                          json{{"messages", {{{"content", "no type"}}}}}, json{{"sessionState", 3}},
                          json{{"error", "x"}}, json{{"error", {{"message", "no code"}}}},
                          json{{"messages", json::array()}, {"bogus", 1}},
                          json{{"error", {{"code", "X"}}}, {"messages", json::array()}}}) {
    EXPECT_THROW(ReplyFromAnswer(bad, "s"), std::invalid_argument) << bad.dump();
  }
}

}  // namespace
}  // namespace chime::api::bots
