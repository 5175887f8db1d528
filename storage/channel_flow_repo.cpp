#include "storage/channel_flow_repo.hpp"

#include "storage/channel_repo.hpp"
#include "storage/statement.hpp"

namespace chime::storage {

namespace {
#define CHIME_FLOW_COLUMNS "id, arn, app_instance_arn, name, processors, created_ms, updated_ms"

ChannelFlowRecord ReadFlow(const Statement& st) {
  ChannelFlowRecord r;
  r.id = st.Int(0);
  r.arn = st.Text(1);
  r.app_instance_arn = st.Text(2);
  r.name = st.Text(3);
  r.processors = st.Text(4);
  r.created_ms = st.Int(5);
  r.updated_ms = st.Int(6);
  return r;
}

#define CHIME_INVOCATION_COLUMNS                                                                \
  "id, callback_id, channel_arn, message_id, flow_arn, action, processor_index, function_arn, " \
  "event, previous, "                                                                           \
  "state, created_ms, deadline_ms"

FlowInvocationRecord ReadInvocation(const Statement& st) {
  FlowInvocationRecord r;
  r.id = st.Int(0);
  r.callback_id = st.Text(1);
  r.channel_arn = st.Text(2);
  r.message_id = st.Text(3);
  r.flow_arn = st.Text(4);
  r.action = st.Text(5);
  r.processor_index = st.Int(6);
  r.function_arn = st.Text(7);
  r.event = st.Text(8);
  r.previous = st.OptText(9);
  r.state = st.Text(10);
  r.created_ms = st.Int(11);
  r.deadline_ms = st.Int(12);
  return r;
}
}  // namespace

void InsertChannelFlow(Database& db, const ChannelFlowRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO channel_flows (arn, app_instance_arn, name, processors, created_ms, updated_ms) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  st.BindAll(r.arn, r.app_instance_arn, r.name, r.processors, r.created_ms, r.updated_ms);
  st.Run();
}

std::optional<ChannelFlowRecord> FindChannelFlow(Database& db, std::string_view arn) {
  auto st = db.Prepare("SELECT " CHIME_FLOW_COLUMNS " FROM channel_flows WHERE arn = ?");
  st.BindAll(arn);
  if (!st.Step()) return std::nullopt;
  return ReadFlow(st);
}

void UpdateChannelFlow(Database& db, std::string_view arn, std::string_view name,
                       std::string_view processors, int64_t now_ms) {
  auto st =
      db.Prepare("UPDATE channel_flows SET name = ?, processors = ?, updated_ms = ? WHERE arn = ?");
  st.BindAll(name, processors, now_ms, arn);
  st.Run();
}

bool DeleteChannelFlow(Database& db, std::string_view arn) {
  auto st = db.Prepare("DELETE FROM channel_flows WHERE arn = ?");
  st.BindAll(arn);
  st.Run();
  return db.Changes() > 0;
}

std::vector<ChannelFlowRecord> ListChannelFlowsPage(Database& db, std::string_view app_instance_arn,
                                                    int64_t after_id, int limit) {
  auto st =
      db.Prepare("SELECT " CHIME_FLOW_COLUMNS
                 " FROM channel_flows WHERE app_instance_arn = ? AND id > ? ORDER BY id LIMIT ?");
  st.BindAll(app_instance_arn, after_id, static_cast<int64_t>(limit));
  std::vector<ChannelFlowRecord> out;
  while (st.Step()) out.push_back(ReadFlow(st));
  return out;
}

void SetChannelFlowArn(Database& db, std::string_view channel_arn,
                       const std::optional<std::string>& flow_arn) {
  auto st = db.Prepare("UPDATE channels SET channel_flow_arn = ? WHERE arn = ?");
  st.BindAll(flow_arn, channel_arn);
  st.Run();
}

std::vector<ChannelRecord> ListChannelsOfFlowPage(Database& db, std::string_view flow_arn,
                                                  int64_t after_id, int limit) {
  auto st = db.Prepare(
      "SELECT arn FROM channels WHERE channel_flow_arn = ? AND id > ? ORDER BY id LIMIT ?");
  st.BindAll(flow_arn, after_id, static_cast<int64_t>(limit));
  std::vector<std::string> arns;
  while (st.Step()) arns.push_back(st.Text(0));
  std::vector<ChannelRecord> out;
  for (const auto& arn : arns)
    if (auto c = FindChannel(db, arn)) out.push_back(std::move(*c));
  return out;
}

bool FlowHasChannels(Database& db, std::string_view flow_arn) {
  auto st = db.Prepare("SELECT 1 FROM channels WHERE channel_flow_arn = ? LIMIT 1");
  st.BindAll(flow_arn);
  return st.Step();
}

void InsertFlowInvocation(Database& db, const FlowInvocationRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO channel_flow_invocations (callback_id, channel_arn, message_id, flow_arn, "
      "action, "
      "processor_index, function_arn, event, previous, state, created_ms, deadline_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindAll(r.callback_id, r.channel_arn, r.message_id, r.flow_arn, r.action, r.processor_index,
             r.function_arn, r.event, r.previous, r.state, r.created_ms, r.deadline_ms);
  st.Run();
}

std::optional<FlowInvocationRecord> FindFlowInvocation(Database& db, std::string_view callback_id) {
  auto st = db.Prepare("SELECT " CHIME_INVOCATION_COLUMNS
                       " FROM channel_flow_invocations WHERE callback_id = ?");
  st.BindAll(callback_id);
  if (!st.Step()) return std::nullopt;
  return ReadInvocation(st);
}

void SetFlowInvocationState(Database& db, std::string_view callback_id, std::string_view state) {
  auto st = db.Prepare("UPDATE channel_flow_invocations SET state = ? WHERE callback_id = ?");
  st.BindAll(state, callback_id);
  st.Run();
}

std::vector<FlowInvocationRecord> ListPendingFlowInvocations(Database& db,
                                                             std::optional<int64_t> deadline_before,
                                                             int limit) {
  auto st = db.Prepare("SELECT " CHIME_INVOCATION_COLUMNS
                       " FROM channel_flow_invocations WHERE state = 'PENDING' AND deadline_ms <= ?"
                       " ORDER BY deadline_ms, id LIMIT ?");
  st.BindAll(deadline_before.value_or(INT64_MAX), static_cast<int64_t>(limit));
  std::vector<FlowInvocationRecord> out;
  while (st.Step()) out.push_back(ReadInvocation(st));
  return out;
}

bool AnyFlowInvocationDue(Database& db, int64_t now_ms) {
  auto st = db.Prepare(
      "SELECT 1 FROM channel_flow_invocations WHERE state = 'PENDING' AND deadline_ms <= ? LIMIT "
      "1");
  st.BindAll(now_ms);
  return st.Step();
}

std::optional<std::string> FindStreamingConfigurations(Database& db,
                                                       std::string_view app_instance_arn) {
  auto st = db.Prepare(
      "SELECT configurations FROM messaging_streaming_configurations WHERE app_instance_arn = ?");
  st.BindAll(app_instance_arn);
  if (!st.Step()) return std::nullopt;
  return st.Text(0);
}

void PutStreamingConfigurations(Database& db, std::string_view app_instance_arn,
                                std::string_view configurations, int64_t now_ms) {
  auto st = db.Prepare(
      "INSERT INTO messaging_streaming_configurations (app_instance_arn, configurations, "
      "updated_ms) VALUES (?, ?, ?) "
      "ON CONFLICT(app_instance_arn) DO UPDATE SET configurations = excluded.configurations, "
      "updated_ms = excluded.updated_ms");
  st.BindAll(app_instance_arn, configurations, now_ms);
  st.Run();
}

bool DeleteStreamingConfigurations(Database& db, std::string_view app_instance_arn) {
  auto st = db.Prepare("DELETE FROM messaging_streaming_configurations WHERE app_instance_arn = ?");
  st.BindAll(app_instance_arn);
  st.Run();
  return db.Changes() > 0;
}

std::vector<std::pair<std::string, std::string>> ListAllStreamingConfigurations(Database& db) {
  auto st =
      db.Prepare("SELECT app_instance_arn, configurations FROM messaging_streaming_configurations");
  std::vector<std::pair<std::string, std::string>> out;
  while (st.Step()) out.emplace_back(st.Text(0), st.Text(1));
  return out;
}

}  // namespace chime::storage
