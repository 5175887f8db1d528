// Outgoing AWS calls (server/outgoing/), the adapter of the Lambda API: one
// file per AWS API; a new API (Lex, EventBridge, Pinpoint) is one more like it.
//
// LambdaInvoker: delivers channel-flow processor events to an AWS Lambda API
// (--lambda-endpoint; LocalStack, or anything that serves the Invoke route):
//   POST {endpoint}/2015-03-31/functions/{FunctionName}/invocations[?Qualifier=Q]
//   X-Amz-Invocation-Type: Event, SigV4-signed (service "lambda").
// FunctionName is the name in the processor's ResourceArn (its version or
// alias goes in Qualifier).
//
// Bounded and never blocking the caller (RetryingQueue): Invoke() queues (past
// the queue's bounds the invocation fails at once). The target of each call is
// the processor's function ARN: a few calls per function run at once and
// functions take turns, so a function whose calls hang delays only its own
// invocations. Retries follow AWS's asynchronous invocation: a throttle (429),
// a 5xx or a transport error is tried again (3 attempts in all, 1 s then 2 s
// apart; AWS retries function errors twice, with longer delays); any other 4xx
// (unknown function, bad request) and an answer over the client's size cap
// fail at once; a 2xx is delivered (the processor then calls
// ChannelFlowCallback). No attempt outlives the invocation's deadline
// (--channel-flow-timeout after it was made). A failed invocation is logged at
// warn (endpoint, answer, message and CallbackId: the sender never sees them)
// and reported to `on_failure`, which applies the processor's FallbackAction.
#pragma once

#include <functional>
#include <string>

#include "api/messaging/processor_invoker.hpp"
#include "server/outgoing/aws_http_client.hpp"
#include "server/log.hpp"
#include "server/outgoing/retrying_queue.hpp"

namespace chime::server {

class LambdaInvoker : public api::ProcessorInvoker {
 public:
  using OnFailure = std::function<void(const std::string& callback_id, const std::string& reason)>;

  LambdaInvoker(AwsHttpClient::Options client, RetryingQueue::Options queue, Logger logger,
                OnFailure on_failure);

  void Invoke(api::ProcessorInvocation invocation) override;
  // Drops what is queued and joins the workers (idempotent). Invocations not
  // sent stay PENDING in the database and time out.
  void Stop() { queue_.Stop(); }

 private:
  void Failed(const api::ProcessorInvocation& inv, const std::string& why) const;

  AwsHttpClient client_;
  Logger logger_;
  OnFailure on_failure_;
  RetryingQueue queue_;
};

}  // namespace chime::server
