#include "server/lambda_invoker.hpp"

#include <cctype>
#include <cstdio>

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

std::string QueryEncode(const std::string& v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

LambdaInvoker::LambdaInvoker(AwsHttpClient::Options client, RetryingQueue::Options queue,
                             OnFailure on_failure)
    : client_(std::move(client)), on_failure_(std::move(on_failure)), queue_(queue) {}

void LambdaInvoker::Invoke(api::ProcessorInvocation inv) {
  auto [name, qualifier] = FunctionOf(inv.function_arn);
  const std::string path = "/2015-03-31/functions/" + name + "/invocations";
  const std::string query = qualifier.empty() ? "" : "Qualifier=" + QueryEncode(qualifier);
  const std::string callback_id = inv.callback_id;
  RetryingQueue::Job job;
  job.attempt = [this, path, query, event = inv.event] {
    return client_.Post("lambda", path, query, {{"x-amz-invocation-type", "Event"}},
                        "application/json", event);
  };
  job.failed = [this, callback_id](const HttpAttempt& last) {
    on_failure_(callback_id, last.detail);
  };
  if (!queue_.Push(std::move(job))) {
    on_failure_(callback_id, "the Lambda invocation queue is full (" +
                                 std::to_string(queue_.options().max_queue) +
                                 " waiting) or stopping; the invocation was dropped");
  }
}

}  // namespace chime::server
