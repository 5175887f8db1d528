#include "server/outgoing/lex_client.hpp"

#include <cctype>
#include <cstdio>

#include "server/outgoing/sigv4.hpp"

namespace chime::server {

namespace {

std::string Member(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string LexClient::PathOf(const nlohmann::json& request) {
  return "/bots/" + UriEncode(Member(request, "botId")) + "/botAliases/" +
         UriEncode(Member(request, "botAliasId")) + "/botLocales/" +
         UriEncode(Member(request, "localeId")) + "/sessions/" +
         UriEncode(Member(request, "sessionId")) + "/text";
}

std::string LexClient::ErrorCodeOf(const HttpAttempt& attempt) {
  // "ValidationException:http://internal.amazon.com/..." -> "ValidationException"
  std::string code = attempt.error_type.substr(0, attempt.error_type.find(':'));
  if (code.empty()) {
    const auto body = nlohmann::json::parse(attempt.body, nullptr, false);
    if (body.is_object()) code = Member(body, "__type");
    code = code.substr(code.find('#') == std::string::npos ? 0 : code.find('#') + 1);
  }
  return code.empty() ? "DependencyFailedException" : code;
}

LexClient::LexClient(AwsHttpClient::Options client, RetryingQueue::Options queue, Logger logger,
                     OnAnswer on_answer, OnFailure on_failure)
    : client_(std::move(client)),
      logger_(logger),
      on_answer_(std::move(on_answer)),
      on_failure_(std::move(on_failure)),
      queue_(queue) {}

void LexClient::Failed(const api::BotInvocationCall& call, const std::string& code,
                       const std::string& why) const {
  logger_.Log(LogLevel::kWarn, "AppInstanceBot " + call.bot_arn + " of channel " +
                                   call.channel_arn + ": Lex RecognizeText failed (InvocationId " +
                                   call.invocation_id + ", " + code + "): " + why);
  on_failure_(call.invocation_id, code, why);
}

void LexClient::Invoke(api::BotInvocationCall call) {
  const auto request = nlohmann::json::parse(call.request, nullptr, false);
  if (!request.is_object())
    return Failed(call, "ValidationException", "the stored request is not JSON");
  nlohmann::json body = {{"text", request.value("text", "")}};
  for (const char* k : {"sessionState", "requestAttributes"})
    if (request.contains(k)) body[k] = request[k];
  RetryingQueue::Job job;
  job.target = call.bot_arn;
  job.attempt = [this, path = PathOf(request), body = body.dump(),
                 call](RetryingQueue::Clock::time_point deadline) {
    HttpAttempt a = client_.Post("lex", path, "", {}, "application/json", body, deadline);
    if (a.ok()) {
      const auto answer = nlohmann::json::parse(a.body, nullptr, false);
      on_answer_(call.invocation_id, answer.is_discarded() ? nlohmann::json(a.body) : answer);
    }
    return a;
  };
  job.failed = [this, call](const HttpAttempt& last) {
    Failed(call, ErrorCodeOf(last), last.detail);
  };
  if (auto refused = queue_.Push(std::move(job))) {
    Failed(call, "ThrottlingException", "the invocation queue refused it: " + *refused);
  }
}

}  // namespace chime::server
