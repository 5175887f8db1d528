#include "api/messaging/bot_invocations.hpp"

#include <cctype>
#include <stdexcept>

#include "api/common/ids.hpp"

namespace chime::api::bots {

namespace {

std::string StrOr(const json& o, const char* key, const std::string& fallback = "") {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// Lex V2's camelCase members as the guide shows them in Content ("content"
// -> "Content", "imageResponseCard" -> "ImageResponseCard"), at every depth.
json Capitalized(const json& v) {
  if (v.is_array()) {
    json out = json::array();
    for (const auto& e : v) out.push_back(Capitalized(e));
    return out;
  }
  if (!v.is_object()) return v;
  json out = json::object();
  for (const auto& [k, e] : v.items()) {
    std::string key = k;
    if (!key.empty()) key[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(key[0])));
    out[key] = Capitalized(e);
  }
  return out;
}

void Require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

}  // namespace

std::optional<LexConfig> LexConfigOf(const std::string& configuration_json) {
  const json config = json::parse(configuration_json, nullptr, false);
  if (!config.is_object()) return std::nullopt;
  auto lex_it = config.find("Lex");
  if (lex_it == config.end() || !lex_it->is_object()) return std::nullopt;
  const json& lex = *lex_it;
  LexConfig c;
  c.bot_alias_arn = StrOr(lex, "LexBotAliasArn");
  c.locale_id = StrOr(lex, "LocaleId");
  c.welcome_intent = StrOr(lex, "WelcomeIntent");
  if (auto it = lex.find("InvokedBy"); it != lex.end() && it->is_object()) {
    c.standard = StrOr(*it, "StandardMessages", "NONE");
    c.targeted = StrOr(*it, "TargetedMessages", "NONE");
  }
  // ".../bot-alias/BOTID/ALIASID"
  const auto at = c.bot_alias_arn.find(":bot-alias/");
  if (at != std::string::npos) {
    const std::string rest = c.bot_alias_arn.substr(at + 11);
    const auto slash = rest.find('/');
    c.bot_id = rest.substr(0, slash);
    if (slash != std::string::npos) c.alias_id = rest.substr(slash + 1);
  }
  return c;
}

bool IsBotArn(const std::string& arn) {
  const auto at = arn.find(":app-instance/");
  return at != std::string::npos && arn.find("/bot/", at) != std::string::npos;
}

bool Mentions(const MessageView& m, const std::string& bot_arn) {
  if (!m.message_attributes) return false;
  const json attrs = json::parse(*m.message_attributes, nullptr, false);
  if (!attrs.is_object()) return false;
  auto it = attrs.find("CHIME.mentions");
  if (it == attrs.end() || !it->is_object()) return false;
  auto values = it->find("StringValues");
  if (values == it->end() || !values->is_array()) return false;
  for (const auto& v : *values)
    if (v.is_string() && v.get<std::string>() == bot_arn) return true;
  return false;
}

bool Invokes(const LexConfig& lex, const std::string& bot_arn, const MessageView& m,
             int other_visible_members) {
  if (m.type != "STANDARD" || IsBotArn(m.sender_arn) || m.sender_arn == bot_arn) return false;
  if (!m.content || m.content->empty()) return false;
  if (m.target_arn) return *m.target_arn == bot_arn && lex.targeted == "ALL";
  if (lex.standard == "ALL") return true;
  if (lex.standard == "MENTIONS") return Mentions(m, bot_arn);
  if (lex.standard == "AUTO") return other_visible_members == 1 || Mentions(m, bot_arn);
  return false;
}

std::string SessionIdOf(const std::string& channel_arn, const std::string& sender_arn) {
  return Sha256Hex(channel_arn + "|" + sender_arn);
}

json RecognizeTextRequest(const LexConfig& lex, const std::string& channel_arn,
                          const std::string& sender_arn, const std::string& text, bool welcome) {
  json r = {{"botId", lex.bot_id},
            {"botAliasId", lex.alias_id},
            {"localeId", lex.locale_id},
            {"sessionId", SessionIdOf(channel_arn, sender_arn)},
            {"text", text},
            {"requestAttributes",
             {{"CHIME.channel.arn", channel_arn}, {"CHIME.sender.arn", sender_arn}}}};
  if (welcome) {
    r["sessionState"] = {{"dialogAction", {{"type", "Delegate"}}},
                         {"intent", {{"name", lex.welcome_intent}, {"state", "InProgress"}}}};
  }
  return r;
}

Reply ErrorReply(const std::string& code, const std::string& message) {
  Reply r;
  r.error = true;
  r.error_code = code;
  r.error_message = message;
  r.content_type = kLexErrorContentType;
  r.content = json{{"Code", code}}.dump();
  return r;
}

Reply ReplyFromAnswer(const json& answer, const std::string& request_session_id) {
  Require(answer.is_object(),
          "The answer must be a JSON object: a RecognizeText response or {\"error\": {...}}");
  if (auto e = answer.find("error"); e != answer.end()) {
    Require(answer.size() == 1, "An error answer has only the member \"error\"");
    Require(e->is_object() && e->contains("code") && (*e)["code"].is_string() &&
                !(*e)["code"].get<std::string>().empty(),
            "error must be {\"code\": \"<Lex error code, e.g. ValidationException>\", \"message\": "
            "\"...\"}");
    auto msg = e->find("message");
    Require(msg == e->end() || msg->is_string(), "error.message must be a string");
    return ErrorReply((*e)["code"].get<std::string>(), StrOr(*e, "message"));
  }
  static const char* kKnown[] = {"messages",           "sessionState",    "sessionId",
                                 "requestAttributes",  "interpretations", "inputMode",
                                 "recognizedBotMember"};
  for (const auto& [k, v] : answer.items()) {
    bool known = false;
    for (const char* name : kKnown) known = known || k == name;
    Require(known, "Unknown member \"" + k +
                       "\": a RecognizeText response has messages, sessionState, sessionId, "
                       "requestAttributes, interpretations, inputMode, recognizedBotMember");
  }
  Require(answer.contains("messages") || answer.contains("sessionState"),
          "A RecognizeText response needs messages or sessionState");
  json messages = json::array();
  if (auto it = answer.find("messages"); it != answer.end()) {
    Require(it->is_array(), "messages must be a list of Lex messages");
    for (const auto& m : *it) {
      Require(
          m.is_object() && m.contains("contentType") && m["contentType"].is_string(),
          "Each message must be an object with a contentType (PlainText, ImageResponseCard, ...)");
      Require(!m.contains("content") || m["content"].is_string(),
              "A message's content must be a string");
    }
    messages = Capitalized(*it);
  }
  json state = json::object();
  if (auto it = answer.find("sessionState"); it != answer.end()) {
    Require(it->is_object(), "sessionState must be an object");
    state = *it;
  }
  auto session = answer.find("sessionId");
  Require(session == answer.end() || session->is_string(), "sessionId must be a string");
  auto attrs = answer.find("requestAttributes");
  Require(attrs == answer.end() || attrs->is_object(), "requestAttributes must be an object");

  Reply r;
  r.content_type = kLexMessagesContentType;
  r.content = json{{"Messages", messages}}.dump();
  json ma = json::object();
  auto put = [&ma](const char* name, const std::string& v) {
    if (!v.empty()) ma[name] = {{"StringValues", json::array({v})}};
  };
  json intent =
      state.contains("intent") && state["intent"].is_object() ? state["intent"] : json::object();
  put("CHIME.LEX.sessionState.intent.name", StrOr(intent, "name"));
  put("CHIME.LEX.sessionState.intent.state", StrOr(intent, "state"));
  put("CHIME.LEX.sessionState.originatingRequestId", StrOr(state, "originatingRequestId"));
  put("CHIME.LEX.sessionState.sessionId",
      session != answer.end() ? session->get<std::string>() : request_session_id);
  if (!ma.empty()) r.message_attributes = std::move(ma);
  return r;
}

}  // namespace chime::api::bots
