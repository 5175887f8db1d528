// LambdaInvoker: delivers channel-flow processor events to an AWS Lambda API
// (--lambda-endpoint; LocalStack, or anything that serves the Invoke route):
//   POST {endpoint}/2015-03-31/functions/{FunctionName}/invocations[?Qualifier=Q]
//   X-Amz-Invocation-Type: Event, SigV4-signed (service "lambda").
// FunctionName is the name in the processor's ResourceArn (its version or
// alias goes in Qualifier).
//
// Bounded and never blocking the caller (RetryingQueue): Invoke() queues (past
// the queue's bound the invocation fails at once). Retries follow AWS's
// asynchronous invocation: a throttle (429), a 5xx or a transport error is
// tried again (3 attempts in all, 1 s then 2 s apart; AWS retries function
// errors twice, with longer delays); any other 4xx (unknown function, bad
// request) fails at once; a 2xx is delivered (the processor then calls
// ChannelFlowCallback). A failed invocation is reported to `on_failure`,
// which applies the processor's FallbackAction.
#pragma once

#include <functional>
#include <string>

#include "api/messaging/processor_invoker.hpp"
#include "server/aws_http_client.hpp"
#include "server/retrying_queue.hpp"

namespace chime::server {

class LambdaInvoker : public api::ProcessorInvoker {
 public:
  using OnFailure = std::function<void(const std::string& callback_id, const std::string& detail)>;

  LambdaInvoker(AwsHttpClient::Options client, RetryingQueue::Options queue, OnFailure on_failure);

  void Invoke(api::ProcessorInvocation invocation) override;
  // Drops what is queued and joins the workers (idempotent). Invocations not
  // sent stay PENDING in the database and time out.
  void Stop() { queue_.Stop(); }

 private:
  AwsHttpClient client_;
  OnFailure on_failure_;
  RetryingQueue queue_;
};

}  // namespace chime::server
