// Channel flows, the processor invocations of messages waiting in a flow, and
// the messaging streaming configurations of app instances (schema v4).
// JSON columns are stored as text; the api/ layer owns their shape.
// Call under an open transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace chime::storage {

struct ChannelFlowRecord {
  int64_t id = 0;
  std::string arn;
  std::string app_instance_arn;
  std::string name;
  std::string processors;  // JSON list, sorted by ExecutionOrder
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

void InsertChannelFlow(Database& db, const ChannelFlowRecord& r);
std::optional<ChannelFlowRecord> FindChannelFlow(Database& db, std::string_view arn);
void UpdateChannelFlow(Database& db, std::string_view arn, std::string_view name,
                       std::string_view processors, int64_t now_ms);
bool DeleteChannelFlow(Database& db, std::string_view arn);
// Flows of an app instance with id > after_id, by id.
std::vector<ChannelFlowRecord> ListChannelFlowsPage(Database& db, std::string_view app_instance_arn,
                                                    int64_t after_id, int limit);

// channels.channel_flow_arn (nullopt disassociates).
void SetChannelFlowArn(Database& db, std::string_view channel_arn,
                       const std::optional<std::string>& flow_arn);
// Channels associated with `flow_arn` with id > after_id, by id.
std::vector<ChannelRecord> ListChannelsOfFlowPage(Database& db, std::string_view flow_arn,
                                                  int64_t after_id, int limit);
bool FlowHasChannels(Database& db, std::string_view flow_arn);

struct FlowInvocationRecord {
  int64_t id = 0;
  std::string callback_id;
  std::string channel_arn;
  std::string message_id;
  std::string flow_arn;
  std::string action;  // CREATE | UPDATE
  int64_t processor_index = 0;
  std::string function_arn;
  std::string event;                    // JSON
  std::optional<std::string> previous;  // JSON
  std::string state = "PENDING";        // PENDING | DONE | FAILED
  int64_t created_ms = 0;
  int64_t deadline_ms = 0;
};

void InsertFlowInvocation(Database& db, const FlowInvocationRecord& r);
std::optional<FlowInvocationRecord> FindFlowInvocation(Database& db, std::string_view callback_id);
void SetFlowInvocationState(Database& db, std::string_view callback_id, std::string_view state);
// PENDING invocations, oldest first (all when deadline_before is nullopt,
// else those whose deadline is <= it).
std::vector<FlowInvocationRecord> ListPendingFlowInvocations(Database& db,
                                                             std::optional<int64_t> deadline_before,
                                                             int limit);

// Whether a PENDING invocation's deadline is <= now_ms (the timeout sweep's cheap check).
bool AnyFlowInvocationDue(Database& db, int64_t now_ms);

// Streaming configurations: the JSON list, or nullopt when none is put.
std::optional<std::string> FindStreamingConfigurations(Database& db,
                                                       std::string_view app_instance_arn);
void PutStreamingConfigurations(Database& db, std::string_view app_instance_arn,
                                std::string_view configurations, int64_t now_ms);
bool DeleteStreamingConfigurations(Database& db, std::string_view app_instance_arn);
// Every app instance's (arn, configurations JSON): loaded once at start.
std::vector<std::pair<std::string, std::string>> ListAllStreamingConfigurations(Database& db);

}  // namespace chime::storage
