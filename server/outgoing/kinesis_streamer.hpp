// Outgoing AWS calls (server/outgoing/), the adapter of the Kinesis API: one
// file per AWS API; a new API (Lex, EventBridge, Pinpoint) is one more like it.
//
// KinesisStreamer: writes messaging streaming records (api/events/
// streaming_sink.hpp) to Kinesis data streams at --kinesis-endpoint (LocalStack,
// moto, ...): one PutRecord per record (JSON 1.1, X-Amz-Target
// Kinesis_20131202.PutRecord, SigV4 service "kinesis", StreamName from the
// configuration's ResourceArn, the record base64 in Data). Through a
// RetryingQueue, so it never blocks the writer thread; a record that cannot be
// written (unknown stream, endpoint down after 3 attempts, queue full) is
// dropped with a warning on stderr.
#pragma once

#include <string>

#include "api/events/streaming_sink.hpp"
#include "server/outgoing/aws_http_client.hpp"
#include "server/outgoing/retrying_queue.hpp"

namespace chime::server {

class KinesisStreamer : public api::StreamRecordWriter {
 public:
  KinesisStreamer(AwsHttpClient::Options client, RetryingQueue::Options queue);
  void Write(const std::string& stream_arn, const std::string& partition_key,
             std::string data) override;
  void Stop() { queue_.Stop(); }

 private:
  AwsHttpClient client_;
  RetryingQueue queue_;
};

}  // namespace chime::server
