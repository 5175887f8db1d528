// AppInstanceBot invocation rules (docs/bots.md): which Lex bot a new channel
// message invokes, the Amazon Lex V2 RecognizeText request it sends, and the
// channel message its answer becomes. Pure: no storage, no I/O.
// Sources: developer guide "Using AppInstanceBots as intelligent channel
// agents" (https://docs.aws.amazon.com/chime-sdk/latest/dg/appinstance-bots.html)
// and its pages "Processing messages from Amazon Lex" (request attributes),
// "Processing responses from an AppInstanceBot" (the reply), "Creating a
// welcome intent"; the API reference of InvokedBy and LexConfiguration; the
// Lex V2 runtime API reference of RecognizeText.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace chime::api::bots {

using nlohmann::json;

inline constexpr const char* kLexMessagesContentType = "application/amz-chime-lex-msgs";
inline constexpr const char* kLexErrorContentType = "application/amz-chime-lex-error";

// A bot's Configuration.Lex, with InvokedBy resolved: given, else from the
// deprecated RespondsTo (STANDARD_MESSAGES: every standard message, no
// targeted one), else the same as RespondsTo STANDARD_MESSAGES.
struct LexConfig {
  std::string standard = "ALL";   // ALL | AUTO | MENTIONS | NONE
  std::string targeted = "NONE";  // ALL | NONE
  std::string bot_alias_arn;
  std::string bot_id;  // from the alias ARN ".../bot-alias/BOTID/ALIASID"
  std::string alias_id;
  std::string locale_id;
  std::string welcome_intent;  // "" when none
};

// nullopt when the stored configuration has no usable Lex part.
std::optional<LexConfig> LexConfigOf(const std::string& configuration_json);

// What the rules look at in a new SENT message.
struct MessageView {
  std::string type;  // STANDARD | CONTROL
  std::string sender_arn;
  std::optional<std::string> target_arn;
  std::optional<std::string> content;
  std::optional<std::string> content_type;
  std::optional<std::string> message_attributes;  // JSON, as stored
};

// Whether `arn` names an AppInstanceBot (".../app-instance/ID/bot/ID").
bool IsBotArn(const std::string& arn);

// Whether the message's CHIME.mentions attribute names `bot_arn`.
bool Mentions(const MessageView& m, const std::string& bot_arn);

// Whether the message invokes bot `bot_arn`. `other_visible_members`: the
// channel's DEFAULT members other than the bot (counted up to 2; AUTO only
// needs to know whether it is exactly one). Messages from any bot invoke
// nothing (no bot answers a bot, so replies never loop); CONTROL messages and
// messages without content invoke nothing; a targeted message invokes only
// its target, when TargetedMessages is ALL.
bool Invokes(const LexConfig& lex, const std::string& bot_arn, const MessageView& m,
             int other_visible_members);

// The Lex session of a conversation: one per channel and sender (a SHA-256 of
// both, 64 hex characters; Lex sessionId allows [0-9a-zA-Z._:-]{2,100}).
std::string SessionIdOf(const std::string& channel_arn, const std::string& sender_arn);

// The RecognizeText request (Lex V2 runtime JSON members): botId,
// botAliasId, localeId, sessionId, text, requestAttributes CHIME.channel.arn
// and CHIME.sender.arn. `welcome`: the WelcomeIntent invocation, whose
// sessionState names the intent (text is the intent's name).
json RecognizeTextRequest(const LexConfig& lex, const std::string& channel_arn,
                          const std::string& sender_arn, const std::string& text, bool welcome);

// The bot's reply to a RecognizeText answer or an error.
struct Reply {
  std::string content_type;
  std::string content;
  std::optional<json> message_attributes;
  bool error = false;
  std::string error_code;
  std::string error_message;
};

// Checks an answer posted to POST /_chime-local/bot-invocations/{id} (a
// RecognizeText response, or {"error": {"code", "message"}}) and makes the
// reply. Throws std::invalid_argument saying what is wrong.
Reply ReplyFromAnswer(const json& answer, const std::string& request_session_id);

// The reply to a Lex error `code` (e.g. "ValidationException").
Reply ErrorReply(const std::string& code, const std::string& message);

}  // namespace chime::api::bots
