#include "api/messaging/flow_processing.hpp"

#include <cstdio>
#include <ctime>

#include "api/common/ids.hpp"
#include "api/messaging/channel_events.hpp"
#include "api/messaging/message_json.hpp"
#include "api/messaging/message_reactions.hpp"
#include "api/messaging/processor_invoker.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_flow_repo.hpp"
#include "storage/recipient_repo.hpp"

namespace chime::api::flows {

namespace {

constexpr int kExpireBatch = 256;

// The event a processor Lambda gets ("Invoking a processor Lambda function").
json ProcessorEvent(const std::string& callback_id, const storage::MessageRecord& m) {
  json msg = {{"MessageId", m.message_id},
              {"ChannelArn", m.channel_arn},
              {"Type", m.type},
              {"Persistence", m.persistence},
              {"CreatedTimestamp", IsoTimestampMs(m.created_ms)},
              {"Sender", {{"Arn", m.sender_arn}}}};
  if (m.content) msg["Content"] = *m.content;
  if (m.metadata) msg["Metadata"] = *m.metadata;
  if (m.sender_name) msg["Sender"]["Name"] = *m.sender_name;
  if (m.edited_ms) msg["LastEditedTimestamp"] = IsoTimestampMs(*m.edited_ms);
  if (m.content_type) msg["ContentType"] = *m.content_type;
  if (m.message_attributes) msg["MessageAttributes"] = json::parse(*m.message_attributes);
  if (!m.sub_channel_id.empty()) msg["SubChannelId"] = m.sub_channel_id;
  return {{"EventType", "CHANNEL_MESSAGE_EVENT"},
          {"CallbackId", callback_id},
          {"ChannelMessage", std::move(msg)}};
}

// The flow's processors; an empty list for a missing flow or stored text
// that is not a list (a snapshot is validated, but never trust stored data).
json ProcessorsOf(storage::Database& db, const std::string& flow_arn) {
  auto flow = storage::FindChannelFlow(db, flow_arn);
  if (!flow) return json::array();
  json processors = json::parse(flow->processors, nullptr, false);
  return processors.is_array() ? processors : json::array();
}

// Processor `index`'s Lambda ARN, or "" when it has none.
std::string FunctionArnOf(const json& processors, size_t index) {
  if (index >= processors.size() || !processors[index].is_object()) return "";
  const json& p = processors[index];
  auto config = p.find("Configuration");
  if (config == p.end() || !config->is_object()) return "";
  auto lambda = config->find("Lambda");
  if (lambda == config->end() || !lambda->is_object()) return "";
  auto arn = lambda->find("ResourceArn");
  return arn != lambda->end() && arn->is_string() ? arn->get<std::string>() : "";
}

// The fields a processor may change, and the status, as stored before an edit.
json Snapshot(const storage::MessageRecord& m) {
  json s = {{"status", m.status}};
  auto put = [&s](const char* k, const std::optional<std::string>& v) {
    if (v) s[k] = *v;
  };
  put("content", m.content);
  put("metadata", m.metadata);
  put("contentType", m.content_type);
  put("messageAttributes", m.message_attributes);
  put("pushNotification", m.push_notification);
  put("statusDetail", m.status_detail);
  if (m.edited_ms) s["editedMs"] = *m.edited_ms;
  return s;
}

void Restore(storage::MessageRecord& m, const json& s) {
  auto get = [&s](const char* k) -> std::optional<std::string> {
    if (auto it = s.find(k); it != s.end() && it->is_string()) return it->get<std::string>();
    return std::nullopt;
  };
  m.status = s.value("status", "SENT");
  m.content = get("content");
  m.metadata = get("metadata");
  m.content_type = get("contentType");
  m.message_attributes = get("messageAttributes");
  m.push_notification = get("pushNotification");
  m.status_detail = get("statusDetail");
  m.edited_ms =
      s.contains("editedMs") ? std::optional<int64_t>(s["editedMs"].get<int64_t>()) : std::nullopt;
}

void EmitMessageEvent(FlowEnv& env, const std::string& type, const storage::MessageRecord& m,
                      bool sender_only) {
  if (!env.outbox.events_wanted()) return;
  Event e;
  e.type = type;
  e.message_type = m.type;
  e.channel_arn = m.channel_arn;
  e.sub_channel_id = m.sub_channel_id;
  e.make_payload = [m] {
    json p = MessageSummaryJson(m);
    p["ChannelArn"] = m.channel_arn;
    p["Persistence"] = m.persistence;
    if (!m.sub_channel_id.empty()) p["SubChannelId"] = m.sub_channel_id;
    return p;
  };
  e.recipients = sender_only ? std::vector<std::string>{m.sender_arn} : channel_events::MessageRecipients(env.db, m);
  env.outbox.Emit(std::move(e));
}

// Invokes processor `index` of the flow for `m` (stored PENDING).
void InvokeProcessor(FlowEnv& env, const std::string& flow_arn, const json& processors,
                     size_t index, const storage::MessageRecord& m, const std::string& action,
                     const std::optional<std::string>& previous) {
  storage::FlowInvocationRecord inv;
  inv.callback_id = NewMessageId();  // 64 hex characters (CallbackIdType: 32-64)
  inv.channel_arn = m.channel_arn;
  inv.message_id = m.message_id;
  inv.flow_arn = flow_arn;
  inv.action = action;
  inv.processor_index = static_cast<int64_t>(index);
  inv.function_arn = FunctionArnOf(processors, index);
  inv.event = ProcessorEvent(inv.callback_id, m).dump();
  inv.previous = previous;
  inv.created_ms = env.now_ms;
  inv.deadline_ms = env.now_ms + env.config.channel_flow_timeout_ms;
  storage::InsertFlowInvocation(env.db, inv);
  if (ProcessorInvoker* invoker = env.config.processor_invoker) {
    env.outbox.AfterCommit(
        [invoker, call = ProcessorInvocation{inv.callback_id, inv.function_arn, inv.event,
                                             inv.channel_arn, inv.message_id, env.config.channel_flow_timeout_ms}] {
          invoker->Invoke(call);
        });
  }
}

// Developer guide "Creating failure alerts by automating with EventBridge":
// sent whatever the processor's FallbackAction, once the unit commits.
void EmitInvocationFailure(FlowEnv& env, const storage::FlowInvocationRecord& inv, const std::string& reason) {
  if (!env.config.eventbridge) return;
  ProcessorFailure f{inv.channel_arn, inv.message_id, inv.function_arn, reason};
  env.outbox.AfterCommit([sink = env.config.eventbridge, event = ProcessorInvocationFailureEvent(f, env.now_ms, NewUuid())] {
    sink->Put(event);
  });
}

void Fail(FlowEnv& env, const storage::FlowInvocationRecord& inv, storage::MessageRecord m,
          const std::string& detail) {
  m.status = "FAILED";
  m.status_detail = detail;
  m.updated_ms = env.now_ms;
  if (m.persistence == "PERSISTENT") storage::SaveProcessedMessage(env.db, m);
  else storage::DeleteMessage(env.db, m.id);  // a non-persistent message's processing row goes
  EmitMessageEvent(env, "FAILED_" + inv.action + "_CHANNEL_MESSAGE", m, true);
}

// The processor of `inv` passed `m` on: the next processor, or SENT.
void Advance(FlowEnv& env, const storage::FlowInvocationRecord& inv, storage::MessageRecord m) {
  const json processors = ProcessorsOf(env.db, inv.flow_arn);
  const size_t next = static_cast<size_t>(inv.processor_index) + 1;
  m.updated_ms = env.now_ms;
  if (next < processors.size()) {
    m.status = "PENDING";
    storage::SaveProcessedMessage(env.db, m);
    InvokeProcessor(env, inv.flow_arn, processors, next, m, inv.action, inv.previous);
    return;
  }
  m.status = "SENT";
  m.status_detail.reset();
  if (m.persistence == "PERSISTENT") {
    storage::SaveProcessedMessage(env.db, m);
    // Targeted messages do not move the channel's last-message time (as in SendChannelMessage).
    if (inv.action == "CREATE" && !m.target_arn)
      storage::TouchChannelLastMessage(env.db, m.channel_arn, m.created_ms);
  } else {
    // Delivered live once processed, never listed: the row only carried it through the flow.
    storage::DeleteMessage(env.db, m.id);
  }
  EmitMessageEvent(env, inv.action + "_CHANNEL_MESSAGE", m, false);
  if (inv.action == "CREATE") {
    ReactionEnv reactions{env.db, env.config, env.now_ms, env.outbox};
    OnNewMessageSent(reactions, m);
  }
}

}  // namespace

// New standard messages, persistent or not (developer guide, "Using channel flows":
// flows process "new non-persistent standard messages" too); CONTROL messages bypass.
bool Processes(const storage::ChannelRecord& channel, const storage::MessageRecord& m) {
  return channel.channel_flow_arn.has_value() && m.type == "STANDARD";
}

void StartProcessing(FlowEnv& env, const std::string& flow_arn, const storage::MessageRecord& m,
                     const std::string& action,
                     const std::optional<storage::MessageRecord>& before) {
  const json processors = ProcessorsOf(env.db, flow_arn);
  EmitMessageEvent(env, "PENDING_" + action + "_CHANNEL_MESSAGE", m, true);
  if (processors.empty() || FunctionArnOf(processors, 0).empty()) {
    // Not reachable through the API (a flow has 1..3 processors and cannot be
    // deleted while associated); a clean FAILED, never a crash, if it happens.
    storage::MessageRecord failed = m;
    failed.status = "FAILED";
    failed.status_detail = "Channel flow " + flow_arn + " does not exist or has no processor to invoke";
    failed.updated_ms = env.now_ms;
    storage::SaveProcessedMessage(env.db, failed);
    EmitMessageEvent(env, "FAILED_" + action + "_CHANNEL_MESSAGE", failed, true);
    return;
  }
  std::optional<std::string> previous;
  if (before) previous = Snapshot(*before).dump();
  InvokeProcessor(env, flow_arn, processors, 0, m, action, previous);
}

json Callback(FlowEnv& env, const std::string& channel_arn, const json& in) {
  const std::string callback_id = Str(in, "CallbackId");
  const json& cm = in.at("ChannelMessage");
  auto inv = storage::FindFlowInvocation(env.db, callback_id);
  if (!inv)
    throw BadRequest("CallbackId " + callback_id + " does not name a channel flow invocation");
  if (inv->channel_arn != channel_arn) {
    throw BadRequest("CallbackId " + callback_id + " belongs to channel " + inv->channel_arn +
                     ", not " + channel_arn);
  }
  if (Str(cm, "MessageId") != inv->message_id) {
    throw BadRequest("ChannelMessage.MessageId must be " + inv->message_id +
                     ", the message of CallbackId " + callback_id);
  }
  const json out = {{"ChannelArn", channel_arn}, {"CallbackId", callback_id}};
  if (inv->state == "DONE") return out;  // a retried callback: answered already
  // Past its deadline the window is closed even before the time-out sweep has
  // failed the invocation (it does at its next tick; this answer writes nothing).
  if (inv->state == "FAILED" || (inv->state == "PENDING" && env.now_ms > inv->deadline_ms)) {
    // After the processing window (AWS: 48 hours; here --channel-flow-timeout) a
    // callback is ForbiddenException (developer guide, "Setting up a channel processor").
    throw Forbidden("The processing window of CallbackId " + callback_id +
                    " has closed (it timed out or could not be delivered); its message is FAILED");
  }
  storage::SetFlowInvocationState(env.db, callback_id, "DONE");
  auto m = storage::FindMessage(env.db, channel_arn, inv->message_id);
  if (!m) return out;  // deleted meanwhile

  if (in.value("DeleteResource", false)) {
    m->status = "DENIED";
    if (inv->action == "CREATE" || !inv->previous) {
      storage::DeleteMessage(env.db, m->id);  // denied messages are not stored
    } else {
      storage::MessageRecord restored = *m;  // a denied edit leaves the message as it was
      Restore(restored, json::parse(*inv->previous));
      restored.updated_ms = env.now_ms;
      storage::SaveProcessedMessage(env.db, restored);
    }
    EmitMessageEvent(env, "DENIED_" + inv->action + "_CHANNEL_MESSAGE", *m, true);
    return out;
  }
  // The processor's values replace the pending ones (a message redacted meanwhile stays empty).
  if (auto v = OptStr(cm, "Content"); v && !m->redacted) m->content = *v;
  if (auto v = OptStr(cm, "Metadata"); v && !m->redacted) m->metadata = *v;
  if (auto v = OptStr(cm, "ContentType")) m->content_type = *v;
  if (auto it = cm.find("MessageAttributes"); it != cm.end()) m->message_attributes = it->dump();
  if (auto it = cm.find("PushNotification"); it != cm.end()) m->push_notification = it->dump();
  Advance(env, *inv, *m);
  return out;
}

void ProcessorFailed(FlowEnv& env, const std::string& callback_id, const std::string& reason) {
  auto inv = storage::FindFlowInvocation(env.db, callback_id);
  if (!inv || inv->state != "PENDING") return;
  storage::SetFlowInvocationState(env.db, callback_id, "FAILED");
  EmitInvocationFailure(env, *inv, reason);
  auto m = storage::FindMessage(env.db, inv->channel_arn, inv->message_id);
  if (!m) return;
  const json processors = ProcessorsOf(env.db, inv->flow_arn);
  const auto index = static_cast<size_t>(inv->processor_index);
  const bool carry_on =
      index < processors.size() && processors[index].is_object() &&
      processors[index].value("FallbackAction", "") == "CONTINUE";
  if (carry_on) return Advance(env, *inv, *m);
  Fail(env, *inv, *m, kInvocationFailedDetail);
}

int ExpireOverdue(FlowEnv& env) {
  auto overdue = storage::ListPendingFlowInvocations(env.db, env.now_ms, kExpireBatch);
  for (const auto& inv : overdue) {
    storage::SetFlowInvocationState(env.db, inv.callback_id, "FAILED");
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g",
                  static_cast<double>(env.config.channel_flow_timeout_ms) / 1000.0);
    const std::string reason = "Processor " + inv.function_arn + " did not call back within " + limit +
                               " s (--channel-flow-timeout)";
    EmitInvocationFailure(env, inv, reason);
    auto m = storage::FindMessage(env.db, inv.channel_arn, inv.message_id);
    if (!m) continue;
    Fail(env, inv, *m, reason);
  }
  return static_cast<int>(overdue.size());
}

json PendingInvocationsJson(storage::Database& db) {
  json list = json::array();
  for (const auto& inv : storage::ListPendingFlowInvocations(db, std::nullopt, 1000)) {
    list.push_back({{"CallbackId", inv.callback_id},
                    {"FunctionArn", inv.function_arn},
                    {"ChannelArn", inv.channel_arn},
                    {"MessageId", inv.message_id},
                    {"Event", json::parse(inv.event)}});
  }
  return {{"Invocations", std::move(list)}};
}

}  // namespace chime::api::flows
