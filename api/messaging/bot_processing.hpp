// AppInstanceBot invocations over storage (docs/bots.md): a new SENT message
// (OnNewMessageSent) or a bot joining a channel (its WelcomeIntent) stores
// one PENDING row of bot_invocations per invoked bot, with the exact
// RecognizeText request (api/messaging/bot_invocations.hpp), and hands it to
// the LexInvoker (--lex-endpoint) after commit. Its answer, posted to
// POST /_chime-local/bot-invocations/{InvocationId} or returned by Lex,
// becomes the bot's reply message; a Lex error also emits the EventBridge
// "Chime Messaging AppInstanceBot Lex Failure" event.
// Every function runs inside a write transaction and reports through `env.outbox`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/messaging/message_reactions.hpp"

namespace chime::api::bots {

// The bots `m` invokes (messages from bots invoke none, so replies never loop;
// nor do messages of elastic channels).
void InvokeBots(ReactionEnv& env, const storage::MessageRecord& m);

// `bot_arn` became a member of `channel_arn`, added by `invited_by`: with a
// WelcomeIntent, the bot is invoked for it (session of the inviter). Not
// called for elastic channels.
void BotJoined(ReactionEnv& env, const std::string& channel_arn, const std::string& bot_arn,
               const std::string& invited_by);

// Answers invocation `invocation_id` with `answer` (a RecognizeText response
// or {"error": {"code", "message"}}): the bot's reply goes to the channel.
// ApiError NotFound for an unknown id, BadRequest for a malformed answer,
// Conflict when already answered; none of them changes anything.
nlohmann::json Answer(ReactionEnv& env, const std::string& invocation_id,
                      const nlohmann::json& answer);

// --lex-endpoint failed the call (a Lex error `code`, or the endpoint could
// not be reached): the error reply and event. No-op unless still PENDING.
void LexFailed(ReactionEnv& env, const std::string& invocation_id, const std::string& code,
               const std::string& reason);

// GET /_chime-local/bot-invocations: the PENDING invocations, oldest first.
nlohmann::json PendingInvocationsJson(storage::Database& db);

}  // namespace chime::api::bots
