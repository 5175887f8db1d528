#include "server/outgoing/lambda_invoker.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>

#include "server/outgoing/sigv4.hpp"

namespace chime::server {

namespace {

// "arn:aws:lambda:R:A:function:NAME[:QUALIFIER]" -> NAME, QUALIFIER.
std::pair<std::string, std::string> FunctionOf(const std::string& arn) {
  const std::string marker = ":function:";
  auto at = arn.find(marker);
  std::string rest = at == std::string::npos ? arn : arn.substr(at + marker.size());
  auto colon = rest.find(':');
  if (colon == std::string::npos) return {rest, ""};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

}  // namespace

LambdaInvoker::LambdaInvoker(AwsHttpClient::Options client, RetryingQueue::Options queue,
                             Logger logger, OnFailure on_failure)
    : client_(std::move(client)),
      logger_(logger),
      on_failure_(std::move(on_failure)),
      queue_(queue) {}

void LambdaInvoker::Failed(const api::ProcessorInvocation& inv, const std::string& why) const {
  logger_.Log(LogLevel::kWarn, "channel flow processor " + inv.function_arn +
                                   " not invoked for message " + inv.message_id + " of channel " +
                                   inv.channel_arn + " (CallbackId " + inv.callback_id +
                                   "): " + why);
  on_failure_(inv.callback_id, why);
}

void LambdaInvoker::Invoke(api::ProcessorInvocation inv) {
  auto [name, qualifier] = FunctionOf(inv.function_arn);
  const std::string path = "/2015-03-31/functions/" + name + "/invocations";
  const std::string query = qualifier.empty() ? "" : "Qualifier=" + UriEncode(qualifier);
  RetryingQueue::Job job;
  job.target = inv.function_arn;
  if (inv.timeout_ms > 0) {  // on the steady clock, which no test clock moves
    job.deadline = RetryingQueue::Clock::now() + std::chrono::milliseconds(inv.timeout_ms);
  }
  job.attempt = [this, path, query, event = inv.event](RetryingQueue::Clock::time_point deadline) {
    return client_.Post("lambda", path, query, {{"x-amz-invocation-type", "Event"}},
                        "application/json", event, deadline);
  };
  job.failed = [this, inv](const HttpAttempt& last) { Failed(inv, last.detail); };
  if (auto refused = queue_.Push(std::move(job))) {
    Failed(inv, "the invocation queue refused it: " + *refused);
  }
}

}  // namespace chime::server
