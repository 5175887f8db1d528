// Channel flows (chime-sdk-messaging): Create/Describe/List/Update/
// DeleteChannelFlow, Associate/DisassociateChannelFlow,
// ListChannelsAssociatedWithChannelFlow and ChannelFlowCallback. The message
// processing itself is in flow_processing.cpp.
//
// Rules (docs/aws-parity.md "Channel flows"; docs/channel-flows.md):
// - Flows are developer APIs (no ChimeBearer): the account acts. A flow has
//   1-3 processors with distinct ExecutionOrder; they are stored and returned
//   sorted by it. ClientRequestToken: scope "CreateChannelFlow|<app instance>".
// - Only admins and channel moderators associate or disassociate a flow; a
//   channel has at most one (another one: ConflictException).
// - DeleteChannelFlow is refused with ConflictException while channels are
//   associated with the flow, as on AWS.
#include <algorithm>
#include <set>

#include "api/auth/authorizer.hpp"
#include "api/common/arn.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler_support/resources.hpp"
#include "api/handler.hpp"
#include "api/messaging/channel_common.hpp"
#include "api/messaging/flow_processing.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_flow_repo.hpp"
#include "storage/channel_repo.hpp"
#include "storage/idempotency_repo.hpp"
#include "storage/tag_repo.hpp"

namespace chime::api {

namespace {

// Processors sorted by ExecutionOrder; two with the same order are refused.
json SortedProcessors(const json& in) {
  json processors = in.at("Processors");
  std::set<int64_t> orders;
  for (const auto& p : processors) {
    const int64_t order = p.value("ExecutionOrder", int64_t{0});
    if (!orders.insert(order).second) {
      throw BadRequest("Processors: ExecutionOrder " + std::to_string(order) +
                       " is used by more than one processor; each processor needs its own");
    }
  }
  std::sort(processors.begin(), processors.end(), [](const json& a, const json& b) {
    return a.value("ExecutionOrder", int64_t{0}) < b.value("ExecutionOrder", int64_t{0});
  });
  return processors;
}

storage::ChannelFlowRecord RequireFlow(RequestContext& ctx, const std::string& arn) {
  auto flow = storage::FindChannelFlow(ctx.db, arn);
  if (!flow) throw ResourceMissing(ctx, "ChannelFlow " + arn + " does not exist.");
  return *flow;
}

json CreateChannelFlow(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireAppInstance(ctx, app_arn);
  const std::string token = Str(in, "ClientRequestToken");
  const std::string scope = "CreateChannelFlow|" + app_arn;
  if (auto replay = ReplayIdempotent(ctx, scope, token, ctx.input_hash)) return *replay;

  storage::ChannelFlowRecord f;
  f.arn = ChildArn(app_arn, "channel-flow", OptStr(in, kSeedFixedIdMember).value_or(NewUuid()));  // fixed only by a seed
  f.app_instance_arn = app_arn;
  f.name = Str(in, "Name");
  f.processors = SortedProcessors(in).dump();
  f.created_ms = f.updated_ms = ctx.now_ms;
  storage::InsertChannelFlow(ctx.db, f);
  if (auto tags = TagsFromInput(in); !tags.empty()) storage::PutTags(ctx.db, f.arn, tags);
  json out = {{"ChannelFlowArn", f.arn}};
  RememberIdempotent(ctx, scope, token, ctx.input_hash, out);
  return out;
}

json DescribeChannelFlow(RequestContext& ctx, const json& in) {
  auto f = RequireFlow(ctx, Str(in, "ChannelFlowArn"));
  return {{"ChannelFlow",
           {{"ChannelFlowArn", f.arn},
            {"Name", f.name},
            {"Processors", json::parse(f.processors)},
            {"CreatedTimestamp", EpochSeconds(f.created_ms)},
            {"LastUpdatedTimestamp", EpochSeconds(f.updated_ms)}}}};
}

json ListChannelFlows(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireAppInstance(ctx, app_arn);
  const std::string scope = "ListChannelFlows|" + app_arn;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows =
      storage::ListChannelFlowsPage(ctx.db, app_arn, cursor ? cursor->tiebreak : 0, limit + 1);
  json out = json::object();
  channels::EmitPage(
      out, "ChannelFlows", rows, limit, scope,
      [](const storage::ChannelFlowRecord& f) {
        return json{
            {"ChannelFlowArn", f.arn}, {"Name", f.name}, {"Processors", json::parse(f.processors)}};
      },
      [](const storage::ChannelFlowRecord& f) {
        return PageCursor{0, f.id};
      });
  return out;
}

json UpdateChannelFlow(RequestContext& ctx, const json& in) {
  auto f = RequireFlow(ctx, Str(in, "ChannelFlowArn"));
  storage::UpdateChannelFlow(ctx.db, f.arn, Str(in, "Name"), SortedProcessors(in).dump(),
                             ctx.now_ms);
  return {{"ChannelFlowArn", f.arn}};
}

json DeleteChannelFlow(RequestContext& ctx, const json& in) {
  auto f = RequireFlow(ctx, Str(in, "ChannelFlowArn"));
  if (storage::FlowHasChannels(ctx.db, f.arn)) {
    throw Conflict("ChannelFlow " + f.arn +
                   " is associated with channels; disassociate them (DisassociateChannelFlow) "
                   "before deleting it");
  }
  storage::DeleteChannelFlow(ctx.db, f.arn);
  storage::RemoveAllTags(ctx.db, f.arn);
  return json::object();
}

json AssociateChannelFlow(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "associate a channel flow with it");
  auto f = RequireFlow(ctx, Str(in, "ChannelFlowArn"));
  if (f.app_instance_arn != a.channel.app_instance_arn) {
    throw BadRequest("ChannelFlow " + f.arn + " belongs to another app instance than channel " +
                     a.channel.arn);
  }
  if (a.channel.channel_flow_arn && *a.channel.channel_flow_arn != f.arn) {
    throw Conflict("Channel " + a.channel.arn + " is already associated with channel flow " +
                   *a.channel.channel_flow_arn + "; disassociate it first");
  }
  storage::SetChannelFlowArn(ctx.db, a.channel.arn, f.arn);
  return json::object();
}

json DisassociateChannelFlow(RequestContext& ctx, const json& in) {
  Caller caller = BearerOf(ctx, in);
  ChannelAccess a = LoadChannelAccess(ctx, caller, Str(in, "ChannelArn"));
  channels::RequireModerator(caller, a, "disassociate its channel flow");
  const std::string flow_arn = Str(in, "ChannelFlowArn");
  if (a.channel.channel_flow_arn != flow_arn) {
    throw ResourceMissing(
        ctx, "Channel " + a.channel.arn + " is not associated with channel flow " + flow_arn + ".");
  }
  storage::SetChannelFlowArn(ctx.db, a.channel.arn, std::nullopt);
  return json::object();
}

json ListChannelsAssociatedWithChannelFlow(RequestContext& ctx, const json& in) {
  auto f = RequireFlow(ctx, Str(in, "ChannelFlowArn"));
  const std::string scope = "ListChannelsAssociatedWithChannelFlow|" + f.arn;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows =
      storage::ListChannelsOfFlowPage(ctx.db, f.arn, cursor ? cursor->tiebreak : 0, limit + 1);
  json out = json::object();
  channels::EmitPage(
      out, "Channels", rows, limit, scope,
      [](const storage::ChannelRecord& c) {
        json j = {
            {"Name", c.name}, {"ChannelArn", c.arn}, {"Mode", c.mode}, {"Privacy", c.privacy}};
        if (c.metadata) j["Metadata"] = *c.metadata;
        return j;
      },
      [](const storage::ChannelRecord& c) {
        return PageCursor{0, c.id};
      });
  return out;
}

json ChannelFlowCallback(RequestContext& ctx, const json& in) {
  const std::string channel_arn = Str(in, "ChannelArn");
  if (!storage::FindChannel(ctx.db, channel_arn))
    throw ResourceMissing(ctx, "Channel " + channel_arn + " does not exist.");
  auto env = flows::EnvOf(ctx);
  return flows::Callback(env, channel_arn, in);
}

}  // namespace

void RegisterChannelFlowHandlers(HandlerTable& t) {
  t.Add(Op::kCreateChannelFlow, CreateChannelFlow);
  t.Add(Op::kDescribeChannelFlow, DescribeChannelFlow);
  t.Add(Op::kListChannelFlows, ListChannelFlows);
  t.Add(Op::kUpdateChannelFlow, UpdateChannelFlow);
  t.Add(Op::kDeleteChannelFlow, DeleteChannelFlow);
  t.Add(Op::kAssociateChannelFlow, AssociateChannelFlow);
  t.Add(Op::kDisassociateChannelFlow, DisassociateChannelFlow);
  t.Add(Op::kListChannelsAssociatedWithChannelFlow, ListChannelsAssociatedWithChannelFlow);
  t.Add(Op::kChannelFlowCallback, ChannelFlowCallback);
}

}  // namespace chime::api
