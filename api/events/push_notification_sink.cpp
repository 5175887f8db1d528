#include "api/events/push_notification_sink.hpp"

namespace chime::api {

namespace {

using json = nlohmann::json;

// "arn:aws:mobiletargeting:REGION:ACCOUNT:apps/APPID" -> APPID (letters, digits, '-', '_': it goes in a path).
std::optional<std::string> PinpointAppId(const std::string& arn) {
  const std::string service = ":mobiletargeting:";
  const std::string apps = ":apps/";
  if (arn.rfind("arn:", 0) != 0 || arn.find(service) == std::string::npos) return std::nullopt;
  const size_t at = arn.find(apps);
  if (at == std::string::npos) return std::nullopt;
  std::string id = arn.substr(at + apps.size());
  if (id.empty() || id.size() > 64 ||
      id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != std::string::npos) {
    return std::nullopt;
  }
  return id;
}

}  // namespace

std::optional<PinpointRequest> PinpointSendMessages(const json& n) {
  const json& endpoint = n.at("Endpoint");
  auto app = PinpointAppId(endpoint.value("ResourceArn", ""));
  if (!app) return std::nullopt;
  const std::string endpoint_type = endpoint.value("Type", "");
  const bool voip = n.value("Type", "DEFAULT") == "VOIP";
  const bool apns = endpoint_type != "GCM";
  const json attributes = endpoint.value("EndpointAttributes", json::object());
  std::string address = attributes.value("DeviceToken", "");
  std::string channel_type = endpoint_type;
  if (apns && voip) {
    channel_type = endpoint_type == "APNS_SANDBOX" ? "APNS_VOIP_SANDBOX" : "APNS_VOIP";
    if (attributes.contains("VoipDeviceToken")) address = attributes.value("VoipDeviceToken", address);
  }
  json message = {{"Action", "OPEN_APP"}, {"SilentPush", false}, {"Data", n.value("Data", json::object())}};
  if (n.contains("Title")) message["Title"] = n["Title"];
  if (n.contains("Body")) message["Body"] = n["Body"];
  if (apns) message["APNSPushType"] = voip ? "voip" : "alert";
  json body = {{"Addresses", {{address, {{"ChannelType", channel_type}}}}},
               {"MessageConfiguration", {{apns ? "APNSMessage" : "GCMMessage", message}}}};
  return PinpointRequest{*app, std::move(body)};
}

}  // namespace chime::api
