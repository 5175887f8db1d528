// Channel-flow processing of messages (docs/channel-flows.md; docs/aws-parity.md
// "Channel flows"; developer guide "Using channel flows"). A STANDARD, PERSISTENT
// message sent to or edited in a channel with a flow is stored PENDING and
// its flow's processors run one after the other in ExecutionOrder: each gets
// an invocation (a row of channel_flow_invocations with a fresh CallbackId and
// the event the developer guide documents), and its ChannelFlowCallback either
// denies the message (DeleteResource) or passes it, possibly changed, to the
// next processor; after the last one the message is SENT. A processor that
// cannot be invoked follows its FallbackAction (CONTINUE: the next one, or
// SENT; ABORT: FAILED); one that does not call back within the flow timeout
// makes the message FAILED. Events: PENDING_/DENIED_/FAILED_ to the sender,
// CREATE_/UPDATE_CHANNEL_MESSAGE to everyone once SENT.
// Every function runs inside a write transaction (a handler's, or a unit the
// ChannelFlowRunner submits) and reports through `env.outbox`.
#pragma once

#include <optional>
#include <string>

#include "api/events/eventbridge_events.hpp"
#include "api/handler.hpp"
#include "storage/message_repo.hpp"
#include "storage/records.hpp"

namespace chime::api::flows {

struct FlowEnv {
  storage::Database& db;
  const ServiceConfig& config;
  int64_t now_ms;
  Outbox& outbox;
};
inline FlowEnv EnvOf(RequestContext& ctx) {
  return FlowEnv{ctx.db, ctx.config, ctx.now_ms, ctx.outbox};
}

// Whether `m` goes through the flow of `channel` (a flow is associated, the
// message is STANDARD and stored; CONTROL messages are never processed).
bool Processes(const storage::ChannelRecord& channel, const storage::MessageRecord& m);

// `m` is stored with status PENDING; invokes the flow's first processor and
// tells the sender. `action` is "CREATE" or "UPDATE"; for UPDATE, `before` is
// the message as it was before the edit (restored if a processor denies it).
void StartProcessing(FlowEnv& env, const std::string& flow_arn, const storage::MessageRecord& m,
                     const std::string& action,
                     const std::optional<storage::MessageRecord>& before);

// ChannelFlowCallback: answers invocation `CallbackId` of channel `channel_arn`.
// A CallbackId already answered returns the same response and changes nothing.
json Callback(FlowEnv& env, const std::string& channel_arn, const json& in);

// Status.Detail of a message FAILED because its processor could not be
// invoked. The sender sees it, so it says no more than that: AWS documents no
// text (developer guide "Sending messages": FAILED means "the processor Lambda
// function is unreachable"; the reason goes to the account's EventBridge
// "ProcessorInvocationFailure" event, not to the sender). What the endpoint
// answered goes to the server log (server/outgoing/lambda_invoker.cpp) and to that
// event's failureReason (api/events/eventbridge_events.hpp).
inline constexpr const char* kInvocationFailedDetail = "Processor invocation failed";

// The invocation could not be delivered (the Lambda endpoint refused it, for
// `reason`): the processor's FallbackAction decides. No-op unless still PENDING.
// Either way an EventBridge ProcessorInvocationFailure event goes out, as does
// one for each invocation ExpireOverdue fails.
void ProcessorFailed(FlowEnv& env, const std::string& callback_id, const std::string& reason);

// Invocations past their deadline: their messages become FAILED. Returns how many.
int ExpireOverdue(FlowEnv& env);

// GET /_chime-local/channel-flow-invocations: the PENDING invocations, oldest first.
json PendingInvocationsJson(storage::Database& db);

}  // namespace chime::api::flows
