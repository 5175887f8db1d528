// Outgoing AWS calls (server/outgoing/), the one HTTP client: every adapter
// sends its signed requests through it.
//
// AwsHttpClient: one SigV4-signed HTTP POST to an AWS-compatible endpoint
// (--lambda-endpoint, --kinesis-endpoint: LocalStack, moto, ...), blocking the
// calling worker thread until an answer, an error or its deadline (connect,
// write and read together; the earlier of `timeout` and the caller's
// deadline). Plain http:// only. The answer's body is read up to
// `max_answer_bytes`: a longer one is cut off and the attempt fails, not
// retried (Lambda's Event invocations answer 202 with no body; errors are a
// small JSON object).
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "server/outgoing/sigv4.hpp"

namespace chime::server {

// One attempt: the HTTP status (0 for a transport error: refused, time-out) and
// a one-line description naming the endpoint and quoting its answer: for the
// server log only, never for clients.
struct HttpAttempt {
  int status = 0;
  std::string detail;
  // The answer broke a bound (larger than max_answer_bytes): failed, whatever its status.
  bool unusable_answer = false;
  // The answer's body and x-amzn-ErrorType (for adapters that read answers: Lex).
  std::string body;
  std::string error_type;
  bool ok() const { return !unusable_answer && status >= 200 && status < 300; }
  // What AWS SDKs retry: throttles, server errors and transport errors.
  bool retryable() const {
    return !unusable_answer && (status == 0 || status == 429 || status >= 500);
  }
};

class AwsHttpClient {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    std::string endpoint;  // http://host[:port]
    std::string region = "us-east-1";
    SigV4Credentials credentials;
    std::chrono::milliseconds timeout{5000};  // per attempt
    size_t max_answer_bytes = 64 * 1024;
  };
  explicit AwsHttpClient(Options options);

  // POST `path`?`query` (both already canonical: no characters needing
  // encoding) with `headers` signed besides host and x-amz-date. Gives up at
  // `deadline` if that comes before `timeout`.
  HttpAttempt Post(const std::string& service, const std::string& path, const std::string& query,
                   std::vector<std::pair<std::string, std::string>> headers,
                   const std::string& content_type, const std::string& body,
                   Clock::time_point deadline = Clock::time_point::max()) const;
  const std::string& endpoint() const { return options_.endpoint; }
  const Options& options() const { return options_; }

 private:
  Options options_;
  std::string host_header_, host_, port_;
};

}  // namespace chime::server
