#include "api/messaging/bot_processing.hpp"

#include <stdexcept>

#include "api/common/ids.hpp"
#include "api/events/eventbridge_events.hpp"
#include "api/messaging/bot_invocations.hpp"
#include "api/messaging/lex_invoker.hpp"
#include "api/messaging/message_json.hpp"
#include "api/protocol/api_error.hpp"
#include "storage/bot_invocation_repo.hpp"
#include "storage/channel_repo.hpp"
#include "storage/principal_repo.hpp"

namespace chime::api::bots {

using nlohmann::json;

namespace {

constexpr int kPendingListMax = 1000;

std::string BotPrefixOf(const std::string& channel_arn) {
  const auto at = channel_arn.find("/channel/");
  return (at == std::string::npos ? channel_arn : channel_arn.substr(0, at)) + "/bot/";
}

void Queue(ReactionEnv& env, const std::string& bot_arn, const std::string& channel_arn,
           const std::string& message_id, const std::string& sender_arn, bool targeted,
           const json& request) {
  storage::BotInvocationRecord inv;
  inv.invocation_id = NewMessageId();
  inv.bot_arn = bot_arn;
  inv.channel_arn = channel_arn;
  inv.message_id = message_id;
  inv.sender_arn = sender_arn;
  inv.targeted = targeted;
  inv.request = request.dump();
  inv.created_ms = env.now_ms;
  storage::InsertBotInvocation(env.db, inv);
  if (LexInvoker* lex = env.config.lex_invoker) {
    env.outbox.AfterCommit([lex, call = BotInvocationCall{inv.invocation_id, bot_arn, channel_arn,
                                                          inv.request}] { lex->Invoke(call); });
  }
}

// The bot's reply: a STANDARD, PERSISTENT message from the bot, targeted
// back to the sender when the invoking message was targeted at the bot.
void PostReply(ReactionEnv& env, const storage::BotInvocationRecord& inv, const Reply& reply) {
  // A bot that has left the channel (or a channel gone) says nothing.
  if (!storage::FindMembership(env.db, inv.channel_arn, inv.bot_arn)) return;
  const auto bot = storage::FindPrincipal(env.db, inv.bot_arn);
  storage::MessageRecord m;
  m.message_id = NewMessageId();
  m.channel_arn = inv.channel_arn;
  m.sender_arn = inv.bot_arn;
  if (bot) m.sender_name = bot->name;
  m.type = "STANDARD";
  m.persistence = "PERSISTENT";
  m.content = reply.content;
  m.content_type = reply.content_type;
  if (reply.message_attributes) m.message_attributes = reply.message_attributes->dump();
  if (inv.targeted) m.target_arn = inv.sender_arn;
  m.created_ms = m.updated_ms = env.now_ms;
  m.id = storage::InsertMessage(env.db, m);
  if (!m.target_arn) storage::TouchChannelLastMessage(env.db, m.channel_arn, m.created_ms);
  EmitMessageCreated(env.db, env.outbox, m);
  OnNewMessageSent(env, m);  // push notifications; bots never answer a bot
}

void EmitLexFailure(ReactionEnv& env, const std::string& bot_arn, const std::string& reason) {
  if (!env.config.eventbridge) return;
  env.outbox.AfterCommit(
      [sink = env.config.eventbridge,
       event = BotLexFailureEvent(bot_arn, reason, env.now_ms, NewUuid())] { sink->Put(event); });
}

void Finish(ReactionEnv& env, const storage::BotInvocationRecord& inv, const Reply& reply) {
  storage::SetBotInvocationState(env.db, inv.invocation_id, "DONE");
  if (reply.error) {
    std::string reason = reply.error_message.empty() ? reply.error_code : reply.error_message;
    if (!reply.error_message.empty())
      reason += " (Service: LexRuntimeV2, Code: " + reply.error_code + ")";
    EmitLexFailure(env, inv.bot_arn, reason);
  }
  PostReply(env, inv, reply);
}

}  // namespace

void InvokeBots(ReactionEnv& env, const storage::MessageRecord& m) {
  // Elastic channels: the guide documents no bot in one; their messages invoke none.
  if (m.type != "STANDARD" || IsBotArn(m.sender_arn) || !m.sub_channel_id.empty()) return;
  const MessageView view{m.type,    m.sender_arn,   m.target_arn,
                         m.content, m.content_type, m.message_attributes};
  for (const auto& bot :
       storage::ListBotMembers(env.db, m.channel_arn, BotPrefixOf(m.channel_arn))) {
    if (!bot.configuration) continue;
    const auto lex = LexConfigOf(*bot.configuration);
    if (!lex) continue;
    // AUTO needs the count only for an untargeted message that does not mention the bot.
    int others = 0;
    if (lex->standard == "AUTO" && !m.target_arn)
      others = storage::CountVisibleMembersExcept(env.db, m.channel_arn, bot.arn, 2);
    if (!Invokes(*lex, bot.arn, view, others)) continue;
    Queue(env, bot.arn, m.channel_arn, m.message_id, m.sender_arn, m.target_arn.has_value(),
          RecognizeTextRequest(*lex, m.channel_arn, m.sender_arn, *m.content, false));
  }
}

void BotJoined(ReactionEnv& env, const std::string& channel_arn, const std::string& bot_arn,
               const std::string& invited_by) {
  const auto bot = storage::FindPrincipal(env.db, bot_arn);
  if (!bot || bot->kind != "bot" || !bot->configuration) return;
  const auto lex = LexConfigOf(*bot->configuration);
  if (!lex || lex->welcome_intent.empty()) return;
  Queue(env, bot_arn, channel_arn, "", invited_by, false,
        RecognizeTextRequest(*lex, channel_arn, invited_by, lex->welcome_intent, true));
}

json Answer(ReactionEnv& env, const std::string& invocation_id, const json& answer) {
  const auto inv = storage::FindBotInvocation(env.db, invocation_id);
  if (!inv)
    throw NotFound("No bot invocation " + invocation_id +
                   " (GET /_chime-local/bot-invocations lists them)");
  if (inv->state != "PENDING")
    throw Conflict("Bot invocation " + invocation_id + " was already answered");
  Reply reply;
  try {
    const json request = json::parse(inv->request, nullptr, false);
    reply = ReplyFromAnswer(answer, request.is_object() ? request.value("sessionId", "") : "");
  } catch (const std::invalid_argument& e) {
    throw BadRequest(std::string("Malformed bot answer: ") + e.what());
  }
  Finish(env, *inv, reply);
  return {{"InvocationId", invocation_id},
          {"AppInstanceBotArn", inv->bot_arn},
          {"ChannelArn", inv->channel_arn},
          {"ContentType", reply.content_type}};
}

void LexFailed(ReactionEnv& env, const std::string& invocation_id, const std::string& code,
               const std::string& reason) {
  const auto inv = storage::FindBotInvocation(env.db, invocation_id);
  if (!inv || inv->state != "PENDING") return;
  Finish(env, *inv, ErrorReply(code, reason));
}

json PendingInvocationsJson(storage::Database& db) {
  json list = json::array();
  for (const auto& inv : storage::ListPendingBotInvocations(db, kPendingListMax)) {
    json item = {{"InvocationId", inv.invocation_id},
                 {"AppInstanceBotArn", inv.bot_arn},
                 {"ChannelArn", inv.channel_arn},
                 {"Request", json::parse(inv.request, nullptr, false)}};
    // A WelcomeIntent invocation answers no message.
    item["MessageId"] = inv.message_id.empty() ? json(nullptr) : json(inv.message_id);
    list.push_back(std::move(item));
  }
  return {{"Invocations", std::move(list)}};
}

}  // namespace chime::api::bots
