#include "api/control/inspector_endpoints.hpp"

#include <charconv>
#include <map>
#include <string>

#include "api/auth/tenant.hpp"
#include "api/control/fixture.hpp"
#include "api/events/session_hub.hpp"
#include "api/messaging/flow_processing.hpp"
#include "api/protocol/api_error.hpp"
#include "api/protocol/json_body.hpp"
#include "storage/channel_flow_repo.hpp"
#include "storage/channel_repo.hpp"
#include "storage/message_repo.hpp"

namespace chime::api {

using nlohmann::json;

ControlRequest Changes(const ControlCall& call) {
  // Cheap on purpose (an atomic load): an open page asks twice a second.
  uint64_t after = 0;
  const auto query = ControlQuery(call.request.target);
  if (auto it = query.find("after"); it != query.end()) {
    const auto& v = it->second;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), after);
    if (ec != std::errc() || end != v.data() + v.size()) {
      throw ApiError(ErrorType::kBadRequest,
                     "after must be a change number (the last answer's \"change\")");
    }
  }
  const uint64_t now = call.fixture.changes();
  ControlRequest c;
  c.operation = "Changes";
  c.response =
      ControlJson(200, {{"change", now}, {"changed", now != after}}, call.request_id, c.operation);
  return c;
}

ControlRequest Sessions(const ControlCall& call) {
  std::vector<SessionHub::SessionInfo> open;
  if (call.config.sessions) open = call.config.sessions->List();
  ControlRequest c;
  c.operation = "Sessions";
  // Which channels each user receives: its memberships, read from a snapshot.
  c.read = [open = std::move(open)](storage::Database& db) {
    std::map<std::string, json> channels_of;
    json list = json::array();
    for (const auto& s : open) {
      json& channels = channels_of[s.user_arn];
      if (channels.is_null()) {
        channels = json::array();
        for (const auto& [membership, channel] :
             storage::ListMembershipsOfMember(db, s.user_arn, 0, 100)) {
          channels.push_back({{"ChannelArn", channel.arn}, {"Name", channel.name}});
        }
      }
      list.push_back({{"userArn", s.user_arn},
                      {"sessionId", s.session_id},
                      {"queuedFrames", s.queued},
                      {"channels", channels}});
    }
    return json{{"sessions", std::move(list)}};
  };
  return c;
}

ControlRequest AnswerFlowInvocation(const ControlCall& call) {
  const std::string callback_id(
      call.name.substr(std::string_view("channel-flow-invocations/").size()));
  json body;
  try {
    body = ParseBoundedJson(call.request.body);
  } catch (const std::invalid_argument&) {
    body = nullptr;
  }
  const std::string action = body.is_object() ? body.value("action", "") : "";
  if (action != "approve" && action != "deny") {
    throw ApiError(ErrorType::kBadRequest,
                   "Body must be {\"action\": \"approve\" | \"deny\", \"content\": \"...\" "
                   "(optional, approve only)}");
  }
  std::optional<std::string> content;
  if (auto it = body.find("content"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      throw ApiError(ErrorType::kBadRequest, "content must be a non-empty string");
    }
    content = it->get<std::string>();
  }
  ControlRequest c;
  c.operation = "AnswerChannelFlowInvocation";
  c.outbox = std::make_shared<Outbox>(true);
  c.write = [callback_id, deny = action == "deny", content, outbox = c.outbox,
             &config = call.config, &clock = call.fixture.clock()](storage::Database& db) {
    const auto inv = storage::FindFlowInvocation(db, callback_id);
    if (!inv) throw ApiError(ErrorType::kNotFound, "No channel flow invocation " + callback_id);
    // The ChannelFlowCallback a processor would send, in the channel's account and region.
    json in = {{"CallbackId", callback_id},
               {"ChannelArn", inv->channel_arn},
               {"ChannelMessage", {{"MessageId", inv->message_id}}}};
    if (deny) in["DeleteResource"] = true;
    if (content) in["ChannelMessage"]["Content"] = *content;
    std::optional<ServiceConfig> tenant_config;
    if (const auto tenant = TenantOfArn(inv->channel_arn))
      tenant_config = ConfigForTenant(*tenant, config);
    flows::FlowEnv env{db, tenant_config ? *tenant_config : config, clock.Now(), *outbox};
    json out = flows::Callback(env, inv->channel_arn, in);
    out["MessageId"] = inv->message_id;
    // A denied new message is not stored (developer guide, "Using channel flows").
    const auto m = storage::FindMessage(db, inv->channel_arn, inv->message_id);
    out["Status"] = deny ? std::string("DENIED") : m ? m->status : std::string("DELETED");
    return out;
  };
  return c;
}

}  // namespace chime::api
