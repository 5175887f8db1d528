#include "server/outgoing/kinesis_streamer.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "storage/log.hpp"

namespace chime::server {

namespace {

std::string Base64(const std::string& data) {
  std::vector<unsigned char> out(4 * ((data.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  return std::string(reinterpret_cast<char*>(out.data()), static_cast<size_t>(n));
}

void Warn(const std::string& message) { storage::Log(storage::LogLevel::kWarn, message); }

}  // namespace

KinesisStreamer::KinesisStreamer(AwsHttpClient::Options client, RetryingQueue::Options queue)
    : client_(std::move(client)), queue_(queue) {}

void KinesisStreamer::Write(const std::string& stream_arn, const std::string& partition_key,
                            std::string data) {
  const auto at = stream_arn.find(":stream/");
  const std::string stream = at == std::string::npos ? stream_arn : stream_arn.substr(at + 8);
  const std::string body = nlohmann::json{
      {"StreamName", stream},
      {"PartitionKey", partition_key},
      {"Data", Base64(data)}}.dump();
  RetryingQueue::Job job;
  job.target = stream_arn;  // one stream that hangs does not hold up another
  job.attempt = [this, body](RetryingQueue::Clock::time_point deadline) {
    return client_.Post("kinesis", "/", "", {{"x-amz-target", "Kinesis_20131202.PutRecord"}},
                        "application/x-amz-json-1.1", body, deadline);
  };
  job.failed = [stream](const HttpAttempt& last) {
    Warn("streaming record for Kinesis stream " + stream + " dropped: " + last.detail);
  };
  if (auto refused = queue_.Push(std::move(job)))
    Warn("streaming record for Kinesis stream " + stream + " dropped: " + *refused);
}

}  // namespace chime::server
