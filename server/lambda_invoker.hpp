// LambdaInvoker: delivers channel-flow processor events to an AWS Lambda API
// (--lambda-endpoint; LocalStack, or anything that serves the Invoke route):
//   POST {endpoint}/2015-03-31/functions/{FunctionName}/invocations[?Qualifier=Q]
//   X-Amz-Invocation-Type: Event, SigV4-signed (service "lambda").
// FunctionName is the name in the processor's ResourceArn (its version or
// alias goes in Qualifier).
//
// Bounded and never blocking the caller: Invoke() queues (at most
// `max_queue`; past that the invocation fails at once) and `workers` threads
// send, each call bounded by `timeout`. Retries follow AWS's asynchronous
// invocation: a throttle (429), a 5xx or a transport error is tried again,
// `max_attempts` in all, after 1 s, then 2 s (AWS retries function errors
// twice, with longer delays); any other 4xx (unknown function, bad request)
// fails at once; a 2xx is delivered (the processor then calls
// ChannelFlowCallback). A failed invocation is reported to `on_failure`,
// which applies the processor's FallbackAction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/messaging/processor_invoker.hpp"
#include "server/sigv4.hpp"

namespace chime::server {

class LambdaInvoker : public api::ProcessorInvoker {
 public:
  struct Options {
    std::string endpoint;  // http://host:port
    std::string region = "us-east-1";
    SigV4Credentials credentials;
    size_t workers = 4;
    size_t max_queue = 1024;
    std::chrono::milliseconds timeout{5000};
    int max_attempts = 3;
  };
  using OnFailure = std::function<void(const std::string& callback_id, const std::string& detail)>;

  LambdaInvoker(Options options, OnFailure on_failure);
  ~LambdaInvoker() override;
  LambdaInvoker(const LambdaInvoker&) = delete;
  LambdaInvoker& operator=(const LambdaInvoker&) = delete;

  void Invoke(api::ProcessorInvocation invocation) override;
  // Drops what is queued and joins the workers (idempotent).
  void Stop();

  // One HTTP attempt: the status (0 for a transport error) and a description.
  struct Attempt {
    int status = 0;
    std::string detail;
  };
  Attempt Send(const api::ProcessorInvocation& invocation) const;

 private:
  void Work();

  Options options_;
  OnFailure on_failure_;
  std::string host_, port_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<api::ProcessorInvocation> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace chime::server
