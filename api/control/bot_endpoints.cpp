#include "api/control/bot_endpoints.hpp"

#include <stdexcept>
#include <string>

#include "api/auth/tenant.hpp"
#include "api/control/control_answers.hpp"
#include "api/control/fixture.hpp"
#include "api/messaging/bot_processing.hpp"
#include "api/protocol/api_error.hpp"
#include "api/protocol/json_body.hpp"

namespace chime::api {

using nlohmann::json;

ControlRequest BotInvocations(const ControlCall& call) {
  // ?accountId= and ?region=: only those of that tenant's channels (parallel suites).
  const TenantFilter tenant = TenantFilterOf(call.request.target);
  ControlRequest c;
  c.operation = "BotInvocations";
  c.read = [tenant](storage::Database& db) {
    json answer = bots::PendingInvocationsJson(db);
    tenant.Apply(answer, "Invocations");
    return answer;
  };
  return c;
}

ControlRequest AnswerBotInvocation(const ControlCall& call) {
  const std::string id(call.name.substr(std::string_view("bot-invocations/").size()));
  json body;
  try {
    body = ParseBoundedJson(call.request.body);
  } catch (const std::invalid_argument& e) {
    throw ApiError(
        ErrorType::kBadRequest,
        std::string(
            "Body must be a RecognizeText response {\"messages\": [...], \"sessionState\": "
            "{...}, \"sessionId\": \"...\"} or {\"error\": {\"code\": \"...\", \"message\": "
            "\"...\"}}: ") +
            e.what());
  }
  ControlRequest c;
  c.operation = "AnswerBotInvocation";
  c.outbox = std::make_shared<Outbox>(true);
  c.write = [id, body = std::move(body), outbox = c.outbox, &config = call.config,
             &clock = call.fixture.clock()](storage::Database& db) {
    ReactionEnv env{db, config, clock.Now(), *outbox};
    return bots::Answer(env, id, body);
  };
  return c;
}

}  // namespace chime::api
