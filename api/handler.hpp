// What every operation handler sees: an already routed, bound and validated
// input (JSON keyed by member name) and a RequestContext whose transaction is
// open for the whole call. A handler returns the output shape as JSON
// (timestamps as epoch seconds, absent members left out) or throws ApiError;
// throwing rolls back everything the handler wrote and drops its outbox.
// Register handlers in one Register*Handlers function per resource file;
// api/dispatcher.cpp calls each of them once.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "api/events/outbox.hpp"
#include "api/protocol/api_error.hpp"
#include "api/protocol/model.hpp"
#include "api/service_config.hpp"
#include "storage/database.hpp"
#include "storage/transaction.hpp"

namespace chime::api {

using nlohmann::json;

struct RequestContext {
  const model::OperationDef& op;
  const ServiceConfig& config;
  // The connection of this request's open transaction (a SAVEPOINT of the
  // writer's batch, or a reader's snapshot). Valid only during the call, on
  // the calling thread: the pipeline owns it, nothing may keep it.
  storage::Database& db;
  const std::string& request_id;
  int64_t now_ms;  // one clock reading per request
  // RequestHash() of the input, computed on the I/O thread before the unit
  // reached the writer (empty when the input has no ClientRequestToken).
  const std::string& input_hash;
  // Events and after-commit jobs: published only if this request commits.
  Outbox& outbox;
};

using Handler = json (*)(RequestContext& ctx, const json& input);

class HandlerTable {
 public:
  void Add(Op op, Handler h) { handlers_[static_cast<size_t>(op)] = h; }
  Handler Find(Op op) const { return handlers_[static_cast<size_t>(op)]; }
  bool Has(Op op) const { return Find(op) != nullptr; }

 private:
  std::array<Handler, kOperationCount> handlers_{};
};

// One per resource file (api/identity/*.cpp, api/messaging/*.cpp).
void RegisterAppInstanceHandlers(HandlerTable& t);
void RegisterAppInstanceUserHandlers(HandlerTable& t);
void RegisterAppInstanceUserEndpointHandlers(HandlerTable& t);
void RegisterRetentionSettingsHandlers(HandlerTable& t);
void RegisterChannelHandlers(HandlerTable& t);
void RegisterChannelMembershipHandlers(HandlerTable& t);
void RegisterChannelModerationHandlers(HandlerTable& t);
void RegisterChannelMessageHandlers(HandlerTable& t);
void RegisterChannelPreferenceHandlers(HandlerTable& t);
void RegisterChannelSearchHandlers(HandlerTable& t);
void RegisterTagHandlers(HandlerTable& t);
// Registered by RegisterChannelHandlers (dispatcher.cpp lists one per resource file it knows).
void RegisterChannelFlowHandlers(HandlerTable& t);
void RegisterStreamingConfigurationHandlers(HandlerTable& t);

// Small input accessors for handlers.
inline std::string Str(const json& in, const char* member) {
  auto it = in.find(member);
  return it != in.end() && it->is_string() ? it->get<std::string>() : std::string();
}
inline std::optional<std::string> OptStr(const json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}
inline bool Has(const json& in, const char* member) { return in.contains(member); }

}  // namespace chime::api
