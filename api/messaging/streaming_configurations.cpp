// Put/Get/DeleteMessagingStreamingConfigurations (chime-sdk-messaging): per
// app instance, at most one configuration per DataType (Channel,
// ChannelMessage), each naming the Kinesis data stream (ResourceArn,
// arn:aws:kinesis:REGION:ACCOUNT:stream/NAME) that gets its events. As the
// developer guide requires, NAME starts with "chime-messaging-".
// Developer APIs: no ChimeBearer. Get without configurations is
// NotFoundException, as the model lists it.
#include <set>

#include "api/handler_support/resources.hpp"
#include "api/events/streaming_sink.hpp"
#include "api/handler.hpp"
#include "storage/channel_flow_repo.hpp"

namespace chime::api {

namespace {

void CheckStreamingConfigurations(const json& list) {
  std::set<std::string> types;
  for (const auto& c : list) {
    const std::string type = c.value("DataType", "");
    const std::string arn = c.value("ResourceArn", "");
    if (!types.insert(type).second) {
      throw BadRequest("StreamingConfigurations: DataType " + type + " appears more than once");
    }
    // arn:aws:kinesis:REGION:ACCOUNT:stream/chime-messaging-NAME
    const auto stream = arn.find(":stream/");
    if (arn.rfind("arn:aws:kinesis:", 0) != 0 || stream == std::string::npos) {
      throw BadRequest(
          "StreamingConfigurations: ResourceArn " + arn +
          " must be a Kinesis data stream ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)");
    }
    if (arn.compare(stream + 8, 16, "chime-messaging-") != 0) {
      throw BadRequest(
          "StreamingConfigurations: the name of Kinesis stream " + arn +
          " must start with chime-messaging- (Amazon Chime SDK developer guide, streaming export)");
    }
  }
}

json PutMessagingStreamingConfigurations(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireAppInstance(ctx, app_arn);
  const json& list = in.at("StreamingConfigurations");
  CheckStreamingConfigurations(list);
  storage::PutStreamingConfigurations(ctx.db, app_arn, list.dump(), ctx.now_ms);
  if (StreamingDirectory* d = ctx.config.streaming)
    ctx.outbox.AfterCommit([d, app_arn, list] { d->Set(app_arn, list); });
  return {{"StreamingConfigurations", list}};
}

json GetMessagingStreamingConfigurations(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireAppInstance(ctx, app_arn);
  auto stored = storage::FindStreamingConfigurations(ctx.db, app_arn);
  if (!stored)
    throw ResourceMissing(ctx,
                          "AppInstance " + app_arn + " has no messaging streaming configurations.");
  return {{"StreamingConfigurations", json::parse(*stored)}};
}

json DeleteMessagingStreamingConfigurations(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireAppInstance(ctx, app_arn);
  storage::DeleteStreamingConfigurations(ctx.db, app_arn);
  if (StreamingDirectory* d = ctx.config.streaming) {
    ctx.outbox.AfterCommit([d, app_arn] { d->Set(app_arn, json::array()); });
  }
  return json::object();
}

}  // namespace

void RegisterStreamingConfigurationHandlers(HandlerTable& t) {
  t.Add(Op::kPutMessagingStreamingConfigurations, PutMessagingStreamingConfigurations);
  t.Add(Op::kGetMessagingStreamingConfigurations, GetMessagingStreamingConfigurations);
  t.Add(Op::kDeleteMessagingStreamingConfigurations, DeleteMessagingStreamingConfigurations);
}

}  // namespace chime::api
