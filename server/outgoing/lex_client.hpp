// Outgoing AWS calls (server/outgoing/), the adapter of the Amazon Lex V2
// runtime API. LexClient: sends AppInstanceBot invocations to --lex-endpoint
// (a Lex V2 runtime, or any server with its RecognizeText route):
//   POST {endpoint}/bots/{botId}/botAliases/{botAliasId}/botLocales/{localeId}
//        /sessions/{sessionId}/text
//   body {"text", "sessionState"?, "requestAttributes"}, SigV4 service "lex".
// Bounded and never blocking the caller (RetryingQueue, one target per bot):
// a throttle, a 5xx or a transport error is tried again (3 attempts); a 2xx
// answer goes to `on_answer` (the bot replies with it); anything else goes to
// `on_failure` with a Lex error code: the answer's x-amzn-ErrorType (or its
// JSON "__type"), else "DependencyFailedException" for an endpoint that
// could not be reached or answered with no error type. Failures are logged at warn.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "api/messaging/lex_invoker.hpp"
#include "server/log.hpp"
#include "server/outgoing/aws_http_client.hpp"
#include "server/outgoing/retrying_queue.hpp"

namespace chime::server {

class LexClient : public api::LexInvoker {
 public:
  using OnAnswer =
      std::function<void(const std::string& invocation_id, const nlohmann::json& answer)>;
  using OnFailure = std::function<void(const std::string& invocation_id, const std::string& code,
                                       const std::string& reason)>;

  LexClient(AwsHttpClient::Options client, RetryingQueue::Options queue, Logger logger,
            OnAnswer on_answer, OnFailure on_failure);

  void Invoke(api::BotInvocationCall call) override;
  // Drops what is queued and joins the workers (idempotent). Invocations not
  // answered stay PENDING in the database.
  void Stop() { queue_.Stop(); }

  // The RecognizeText path of `request` (the JSON GET /_chime-local/bot-invocations shows).
  static std::string PathOf(const nlohmann::json& request);
  // The Lex error code of a failed attempt.
  static std::string ErrorCodeOf(const HttpAttempt& attempt);

 private:
  void Failed(const api::BotInvocationCall& call, const std::string& code,
              const std::string& why) const;

  AwsHttpClient client_;
  Logger logger_;
  OnAnswer on_answer_;
  OnFailure on_failure_;
  RetryingQueue queue_;
};

}  // namespace chime::server
