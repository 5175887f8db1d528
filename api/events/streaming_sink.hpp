// Messaging streaming (PutMessagingStreamingConfigurations): committed events
// of an app instance also go, as records, to the Kinesis data stream its
// configuration names for their DataType:
//   ChannelMessage  events about messages (type ends in CHANNEL_MESSAGE)
//   Channel         the other channel events (channels, memberships, ...)
// Events for the sender only (PENDING_/DENIED_/FAILED_ of channel flows) are
// not streamed. A record is JSON with the fields the developer guide
// ("Streaming messaging data") documents:
//   {"EventType": "CREATE_CHANNEL_MESSAGE", "Payload": {<the event's object>}}
// partitioned by the channel ARN. Events with no session recipients (the
// sub-channel events CREATE_/DELETE_SUB_CHANNEL) are streamed like the others.
//
// StreamingDirectory keeps every app instance's configurations in memory
// (loaded at start, updated after each committed Put/Delete), because
// Publish() runs on the storage writer thread and must not query or block.
// StreamingEventSink wraps the session's sink and writes records through a
// StreamRecordWriter (server/outgoing/kinesis_streamer.*).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/events/event_sink.hpp"

namespace chime::api {

class StreamRecordWriter {
 public:
  virtual ~StreamRecordWriter() = default;
  // Queues one record for `stream_arn`; never blocks.
  virtual void Write(const std::string& stream_arn, const std::string& partition_key,
                     std::string data) = 0;
};

class StreamingDirectory {
 public:
  // `configurations`: the StreamingConfigurations list; empty removes them.
  void Set(const std::string& app_instance_arn, const nlohmann::json& configurations);
  // Everything at once (after a reset or a snapshot restore): app instance ARN
  // -> its StreamingConfigurations list as JSON text, as stored.
  void ReplaceAll(const std::vector<std::pair<std::string, std::string>>& configurations);
  // The stream of `data_type` for `app_instance_arn`, or "".
  std::string StreamFor(const std::string& app_instance_arn, const std::string& data_type) const;
  bool empty() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> streams_;  // app -> DataType -> ARN
};

class StreamingEventSink : public EventSink {
 public:
  // `inner` (may be null): the messaging session's sink. `writer` and
  // `directory` must outlive the sink.
  StreamingEventSink(EventSink* inner, StreamRecordWriter& writer,
                     const StreamingDirectory& directory);
  bool Wanted() const override;
  void Publish(std::vector<Event>&& events) override;
  void Depart(const Departures& gone) override {
    if (inner_) inner_->Depart(gone);
  }

  // The record of `e` (see above); exposed for tests.
  static std::string Record(const Event& e);

 private:
  EventSink* inner_;
  StreamRecordWriter& writer_;
  const StreamingDirectory& directory_;
};

}  // namespace chime::api
