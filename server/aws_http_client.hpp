// AwsHttpClient: one SigV4-signed HTTP POST to an AWS-compatible endpoint
// (--lambda-endpoint, --kinesis-endpoint: LocalStack, moto, ...), blocking the
// calling worker thread for at most `timeout`. Plain http:// only.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "server/sigv4.hpp"

namespace chime::server {

// One attempt: the HTTP status (0 for a transport error: refused, time-out) and
// a one-line description for logs and status details.
struct HttpAttempt {
  int status = 0;
  std::string detail;
  bool ok() const { return status >= 200 && status < 300; }
  // What AWS SDKs retry: throttles, server errors and transport errors.
  bool retryable() const { return status == 0 || status == 429 || status >= 500; }
};

class AwsHttpClient {
 public:
  struct Options {
    std::string endpoint;  // http://host[:port]
    std::string region = "us-east-1";
    SigV4Credentials credentials;
    std::chrono::milliseconds timeout{5000};
  };
  explicit AwsHttpClient(Options options);

  // POST `path`?`query` (both already canonical: no characters needing
  // encoding) with `headers` signed besides host and x-amz-date.
  HttpAttempt Post(const std::string& service, const std::string& path, const std::string& query,
                   std::vector<std::pair<std::string, std::string>> headers,
                   const std::string& content_type, const std::string& body) const;
  const std::string& endpoint() const { return options_.endpoint; }

 private:
  Options options_;
  std::string host_header_, host_, port_;
};

}  // namespace chime::server
