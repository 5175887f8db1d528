// AppInstanceUser endpoints (chime-sdk-identity): the push-notification
// targets (APNS, APNS_SANDBOX, GCM via a Pinpoint app) of an AppInstanceUser.
//
// Rules:
// - The user ARN must name an existing AppInstanceUser (a bot or unknown ARN
//   is ResourceMissing: ForbiddenException, as none of these operations
//   models NotFoundException); so must the EndpointId within that user.
// - At most 10 endpoints per user: the 11th is ResourceLimitExceededException.
// - Registering the same Type + ResourceArn + DeviceToken again for the same
//   user (with another ClientRequestToken) is a ConflictException naming the
//   existing endpoint; the same ClientRequestToken replays the first answer
//   (scope "RegisterAppInstanceUserEndpoint|<user arn>").
// - EndpointId is a lowercase UUID. AllowMessages defaults to ALL.
// - EndpointState: ACTIVE, or INACTIVE/INVALID_PINPOINT_ARN when ResourceArn
//   is not a Pinpoint app ARN (arn:<partition>:mobiletargeting:<region>:
//   <account>:apps/<id>). Nothing is ever pushed (no Pinpoint here).
// - Update changes only the members given (Name, AllowMessages).
// - Endpoints go with their user (FK cascade) and with its app instance.
#include <regex>

#include "api/auth/authorizer.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler_support/resources.hpp"
#include "api/handler.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/endpoint_repo.hpp"
#include "storage/principal_repo.hpp"

namespace chime::api {

namespace {

constexpr int64_t kMaxEndpointsPerUser = 10;

void RequireUser(RequestContext& ctx, const std::string& arn) {
  auto p = storage::FindPrincipal(ctx.db, arn);
  if (!p || p->kind != "user") throw ResourceMissing(ctx, "AppInstanceUser " + arn + " does not exist.");
}

storage::EndpointRecord RequireEndpoint(RequestContext& ctx, const std::string& user_arn,
                                        const std::string& endpoint_id) {
  RequireUser(ctx, user_arn);
  auto e = storage::FindEndpoint(ctx.db, user_arn, endpoint_id);
  if (!e) {
    throw ResourceMissing(ctx, "AppInstanceUserEndpoint " + endpoint_id + " of AppInstanceUser " + user_arn +
                                   " does not exist.");
  }
  return *e;
}

bool IsPinpointAppArn(const std::string& arn) {
  static const std::regex kPinpointApp(R"(arn:aws[a-z-]*:mobiletargeting:[a-z0-9-]+:[0-9]{12}:apps/[A-Za-z0-9]+)");
  return std::regex_match(arn, kPinpointApp);
}

json StateJson(const storage::EndpointRecord& e) {
  json s = {{"Status", e.status}};
  if (e.status_reason) s["StatusReason"] = *e.status_reason;
  return s;
}

json RegisterAppInstanceUserEndpoint(RequestContext& ctx, const json& in) {
  const std::string user_arn = Str(in, "AppInstanceUserArn");
  const std::string token = Str(in, "ClientRequestToken");
  const std::string scope = "RegisterAppInstanceUserEndpoint|" + user_arn;
  const std::string& hash = ctx.input_hash;
  if (auto replay = ReplayIdempotent(ctx, scope, token, hash)) return *replay;

  RequireUser(ctx, user_arn);
  storage::EndpointRecord e;
  e.user_arn = user_arn;
  e.type = Str(in, "Type");
  e.resource_arn = Str(in, "ResourceArn");
  const json& attrs = in.at("EndpointAttributes");
  e.device_token = Str(attrs, "DeviceToken");
  e.voip_device_token = OptStr(attrs, "VoipDeviceToken");
  if (auto dup = storage::FindEndpointByDevice(ctx.db, user_arn, e.type, e.resource_arn, e.device_token)) {
    throw Conflict("AppInstanceUser " + user_arn + " already has endpoint " + dup->endpoint_id + " of type " +
                   e.type + " for ResourceArn " + e.resource_arn + " and this DeviceToken.");
  }
  if (storage::CountEndpoints(ctx.db, user_arn) >= kMaxEndpointsPerUser) {
    throw ResourceLimitExceeded("AppInstanceUser " + user_arn + " already has the maximum of " +
                                std::to_string(kMaxEndpointsPerUser) +
                                " endpoints; deregister one before registering another.");
  }
  e.endpoint_id = NewUuid();
  e.name = OptStr(in, "Name");
  e.allow_messages = OptStr(in, "AllowMessages").value_or("ALL");
  if (IsPinpointAppArn(e.resource_arn)) {
    e.status = "ACTIVE";
  } else {
    e.status = "INACTIVE";
    e.status_reason = "INVALID_PINPOINT_ARN";
  }
  e.created_ms = e.updated_ms = ctx.now_ms;
  storage::InsertEndpoint(ctx.db, e);

  json out = {{"AppInstanceUserArn", user_arn}, {"EndpointId", e.endpoint_id}};
  RememberIdempotent(ctx, scope, token, hash, out);
  return out;
}

json DescribeAppInstanceUserEndpoint(RequestContext& ctx, const json& in) {
  auto e = RequireEndpoint(ctx, Str(in, "AppInstanceUserArn"), Str(in, "EndpointId"));
  json attrs = {{"DeviceToken", e.device_token}};
  if (e.voip_device_token) attrs["VoipDeviceToken"] = *e.voip_device_token;
  json ep = {{"AppInstanceUserArn", e.user_arn},
             {"EndpointId", e.endpoint_id},
             {"Type", e.type},
             {"ResourceArn", e.resource_arn},
             {"EndpointAttributes", std::move(attrs)},
             {"CreatedTimestamp", EpochSeconds(e.created_ms)},
             {"LastUpdatedTimestamp", EpochSeconds(e.updated_ms)},
             {"AllowMessages", e.allow_messages},
             {"EndpointState", StateJson(e)}};
  if (e.name) ep["Name"] = *e.name;
  return {{"AppInstanceUserEndpoint", std::move(ep)}};
}

json ListAppInstanceUserEndpoints(RequestContext& ctx, const json& in) {
  const std::string user_arn = Str(in, "AppInstanceUserArn");
  RequireUser(ctx, user_arn);
  const std::string scope = "ListAppInstanceUserEndpoints|" + user_arn;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListEndpoints(ctx.db, user_arn, cursor ? cursor->tiebreak : 0, limit + 1);
  json list = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) {
    const auto& e = rows[i];
    json s = {{"AppInstanceUserArn", e.user_arn},
              {"EndpointId", e.endpoint_id},
              {"Type", e.type},
              {"AllowMessages", e.allow_messages},
              {"EndpointState", StateJson(e)}};
    if (e.name) s["Name"] = *e.name;
    list.push_back(std::move(s));
  }
  json out = {{"AppInstanceUserEndpoints", std::move(list)}};
  if (rows.size() > static_cast<size_t>(limit)) {
    out["NextToken"] = EncodeNextToken(scope, {0, rows[limit - 1].id});
  }
  return out;
}

json UpdateAppInstanceUserEndpoint(RequestContext& ctx, const json& in) {
  const std::string user_arn = Str(in, "AppInstanceUserArn");
  const std::string endpoint_id = Str(in, "EndpointId");
  RequireEndpoint(ctx, user_arn, endpoint_id);
  storage::UpdateEndpoint(ctx.db, user_arn, endpoint_id, OptStr(in, "Name"), OptStr(in, "AllowMessages"),
                          ctx.now_ms);
  return {{"AppInstanceUserArn", user_arn}, {"EndpointId", endpoint_id}};
}

json DeregisterAppInstanceUserEndpoint(RequestContext& ctx, const json& in) {
  const std::string user_arn = Str(in, "AppInstanceUserArn");
  const std::string endpoint_id = Str(in, "EndpointId");
  RequireEndpoint(ctx, user_arn, endpoint_id);
  storage::DeleteEndpoint(ctx.db, user_arn, endpoint_id);
  return json::object();
}

}  // namespace

void RegisterAppInstanceUserEndpointHandlers(HandlerTable& t) {
  t.Add(Op::kRegisterAppInstanceUserEndpoint, RegisterAppInstanceUserEndpoint);
  t.Add(Op::kDescribeAppInstanceUserEndpoint, DescribeAppInstanceUserEndpoint);
  t.Add(Op::kListAppInstanceUserEndpoints, ListAppInstanceUserEndpoints);
  t.Add(Op::kUpdateAppInstanceUserEndpoint, UpdateAppInstanceUserEndpoint);
  t.Add(Op::kDeregisterAppInstanceUserEndpoint, DeregisterAppInstanceUserEndpoint);
}

}  // namespace chime::api
