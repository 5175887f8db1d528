#include "api/events/streaming_sink.hpp"

namespace chime::api {

namespace {

// "arn:aws:chime:R:A:app-instance/ID/channel/..." -> "arn:aws:chime:R:A:app-instance/ID".
std::string AppInstanceOf(const std::string& channel_arn) {
  auto at = channel_arn.find("/channel/");
  return at == std::string::npos ? std::string() : channel_arn.substr(0, at);
}

bool SenderOnly(const std::string& type) {
  return type.rfind("PENDING_", 0) == 0 || type.rfind("DENIED_", 0) == 0 ||
         type.rfind("FAILED_", 0) == 0;
}

std::string DataTypeOf(const std::string& type) {
  const std::string suffix = "CHANNEL_MESSAGE";
  const bool message = type.size() >= suffix.size() &&
                       type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0;
  return message ? "ChannelMessage" : "Channel";
}

}  // namespace

void StreamingDirectory::Set(const std::string& app_instance_arn,
                             const nlohmann::json& configurations) {
  std::map<std::string, std::string> streams;
  for (const auto& c : configurations)
    streams[c.value("DataType", "")] = c.value("ResourceArn", "");
  std::lock_guard lock(mu_);
  if (streams.empty()) {
    streams_.erase(app_instance_arn);
  } else {
    streams_[app_instance_arn] = std::move(streams);
  }
}

void StreamingDirectory::ReplaceAll(const std::vector<std::pair<std::string, std::string>>& configurations) {
  {
    std::lock_guard lock(mu_);
    streams_.clear();
  }
  for (const auto& [app, list] : configurations) {
    auto parsed = nlohmann::json::parse(list, nullptr, false);
    if (parsed.is_array()) Set(app, parsed);
  }
}

std::string StreamingDirectory::StreamFor(const std::string& app_instance_arn,
                                          const std::string& data_type) const {
  std::lock_guard lock(mu_);
  auto app = streams_.find(app_instance_arn);
  if (app == streams_.end()) return "";
  auto it = app->second.find(data_type);
  return it == app->second.end() ? "" : it->second;
}

bool StreamingDirectory::empty() const {
  std::lock_guard lock(mu_);
  return streams_.empty();
}

StreamingEventSink::StreamingEventSink(EventSink* inner, StreamRecordWriter& writer,
                                       const StreamingDirectory& directory)
    : inner_(inner), writer_(writer), directory_(directory) {}

bool StreamingEventSink::Wanted() const {
  return (inner_ && inner_->Wanted()) || !directory_.empty();
}

std::string StreamingEventSink::Record(const Event& e) {
  return nlohmann::json{{"EventType", e.type}, {"Payload", e.Payload()}}.dump();
}

void StreamingEventSink::Publish(std::vector<Event>&& events) {
  for (const Event& e : events) {
    if (SenderOnly(e.type)) continue;
    const std::string stream =
        directory_.StreamFor(AppInstanceOf(e.channel_arn), DataTypeOf(e.type));
    if (!stream.empty()) writer_.Write(stream, e.channel_arn.substr(0, 256), Record(e));
  }
  if (inner_) inner_->Publish(std::move(events));
}

}  // namespace chime::api
