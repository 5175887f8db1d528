#include "storage/endpoint_repo.hpp"

#include "storage/idempotency_repo.hpp"
#include "storage/statement.hpp"

namespace chime::storage {

namespace {
#define CHIME_ENDPOINT_COLUMNS                                                                             \
  "id, user_arn, endpoint_id, name, type, resource_arn, device_token, voip_device_token, allow_messages, " \
  "status, status_reason, created_ms, updated_ms"

EndpointRecord ReadEndpoint(const Statement& st) {
  EndpointRecord r;
  r.id = st.Int(0);
  r.user_arn = st.Text(1);
  r.endpoint_id = st.Text(2);
  r.name = st.OptText(3);
  r.type = st.Text(4);
  r.resource_arn = st.Text(5);
  r.device_token = st.Text(6);
  r.voip_device_token = st.OptText(7);
  r.allow_messages = st.Text(8);
  r.status = st.Text(9);
  r.status_reason = st.OptText(10);
  r.created_ms = st.Int(11);
  r.updated_ms = st.Int(12);
  return r;
}
}  // namespace

void InsertEndpoint(Database& db, const EndpointRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO app_instance_user_endpoints (user_arn, endpoint_id, name, type, resource_arn, device_token, "
      "voip_device_token, allow_messages, status, status_reason, created_ms, updated_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindAll(r.user_arn, r.endpoint_id, r.name, r.type, r.resource_arn, r.device_token, r.voip_device_token,
             r.allow_messages, r.status, r.status_reason, r.created_ms, r.updated_ms);
  st.Run();
}

std::optional<EndpointRecord> FindEndpoint(Database& db, std::string_view user_arn, std::string_view endpoint_id) {
  auto st = db.Prepare("SELECT " CHIME_ENDPOINT_COLUMNS
                       " FROM app_instance_user_endpoints WHERE user_arn = ? AND endpoint_id = ?");
  st.BindAll(user_arn, endpoint_id);
  if (!st.Step()) return std::nullopt;
  return ReadEndpoint(st);
}

std::optional<EndpointRecord> FindEndpointByDevice(Database& db, std::string_view user_arn, std::string_view type,
                                                   std::string_view resource_arn, std::string_view device_token) {
  auto st = db.Prepare("SELECT " CHIME_ENDPOINT_COLUMNS
                       " FROM app_instance_user_endpoints WHERE user_arn = ? AND type = ? AND resource_arn = ?"
                       " AND device_token = ?");
  st.BindAll(user_arn, type, resource_arn, device_token);
  if (!st.Step()) return std::nullopt;
  return ReadEndpoint(st);
}

int64_t CountEndpoints(Database& db, std::string_view user_arn) {
  auto st = db.Prepare("SELECT count(*) FROM app_instance_user_endpoints WHERE user_arn = ?");
  st.BindAll(user_arn);
  st.Step();
  return st.Int(0);
}

std::vector<EndpointRecord> ListEndpoints(Database& db, std::string_view user_arn, int64_t after_id, int limit) {
  auto st = db.Prepare("SELECT " CHIME_ENDPOINT_COLUMNS
                       " FROM app_instance_user_endpoints WHERE user_arn = ? AND id > ? ORDER BY id LIMIT ?");
  st.BindAll(user_arn, after_id, limit);
  std::vector<EndpointRecord> out;
  while (st.Step()) out.push_back(ReadEndpoint(st));
  return out;
}

bool UpdateEndpoint(Database& db, std::string_view user_arn, std::string_view endpoint_id,
                    const std::optional<std::string>& name, const std::optional<std::string>& allow_messages,
                    int64_t now_ms) {
  auto st = db.Prepare(
      "UPDATE app_instance_user_endpoints SET name = COALESCE(?, name), "
      "allow_messages = COALESCE(?, allow_messages), updated_ms = ? WHERE user_arn = ? AND endpoint_id = ?");
  st.BindAll(name, allow_messages, now_ms, user_arn, endpoint_id);
  st.Run();
  return db.Changes() > 0;
}

bool DeleteEndpoint(Database& db, std::string_view user_arn, std::string_view endpoint_id) {
  auto st = db.Prepare("DELETE FROM app_instance_user_endpoints WHERE user_arn = ? AND endpoint_id = ?");
  st.BindAll(user_arn, endpoint_id);
  st.Run();
  return db.Changes() > 0;
}

void ForgetEndpointTokens(Database& db, std::string_view user_arn) {
  ForgetTokensOfScope(db, std::string("RegisterAppInstanceUserEndpoint|") + std::string(user_arn));
}

std::vector<MemberEndpoint> ListChannelMemberEndpoints(Database& db, std::string_view channel_arn,
                                                       std::string_view sub_channel_id, std::string_view only_member) {
  // The endpoint columns first, so ReadEndpoint reads them; the preferences last.
  auto st = db.Prepare(
      "SELECT e.id, e.user_arn, e.endpoint_id, e.name, e.type, e.resource_arn, e.device_token, e.voip_device_token, "
      "e.allow_messages, e.status, e.status_reason, e.created_ms, e.updated_ms, m.preferences "
      "FROM channel_memberships m JOIN app_instance_user_endpoints e ON e.user_arn = m.member_arn "
      "WHERE m.channel_arn = ? AND (? = '' OR m.sub_channel_id = ?) AND (? = '' OR m.member_arn = ?) "
      "ORDER BY m.id, e.id");
  st.BindAll(channel_arn, sub_channel_id, sub_channel_id, only_member, only_member);
  std::vector<MemberEndpoint> out;
  while (st.Step()) out.push_back({st.OptText(13), ReadEndpoint(st)});
  return out;
}

}  // namespace chime::storage
