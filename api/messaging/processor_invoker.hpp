// ProcessorInvoker: hands a channel-flow processor its event, the way AWS
// invokes the processor's Lambda function asynchronously. The server's
// implementation (server/outgoing/lambda_invoker.*) calls the Lambda Invoke API of
// --lambda-endpoint; without one, invocations wait in the queue that
// GET /_chime-local/channel-flow-invocations lists and nothing is called.
// Invoke() is called from after-commit jobs on the storage writer thread: it
// must only queue the work, never block.
#pragma once

#include <cstdint>
#include <string>

namespace chime::api {

struct ProcessorInvocation {
  std::string callback_id;
  std::string function_arn;  // the processor's Lambda ResourceArn
  std::string event;         // the JSON the function gets
  std::string channel_arn;   // of the message, for the server log
  std::string message_id;
  // How long after it is handed over the invocation times out (0: never); a
  // duration, so the invoker needs no emulator's clock to turn it into a deadline.
  int64_t timeout_ms = 0;
};

class ProcessorInvoker {
 public:
  virtual ~ProcessorInvoker() = default;
  virtual void Invoke(ProcessorInvocation invocation) = 0;
};

}  // namespace chime::api
