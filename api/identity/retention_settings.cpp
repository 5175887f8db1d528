// AppInstance retention settings (chime-sdk-identity): how many days channel
// messages of the app instance are kept.
//
// - Stored in app_instances.retention_days (+ retention_set_ms, the time of
//   the last Put, returned as InitiateDeletionTimestamp by both operations).
// - Enforced, not just echoed: every message read (api/messaging/channel_messages.cpp
//   via api/handler_support/retention.hpp) hides messages past RetentionDays at
//   once; they are deleted for good by the expiry sweep only 30 days after the
//   last Put (api/common/expiry.hpp, kRetentionGraceDays), so within that grace
//   a longer period, or none, makes them visible again (developer guide,
//   "Managing message retention"). InitiateDeletionTimestamp is when that
//   deletion starts: the last Put + 30 days (chime-local's reading of the
//   guide, which names no other time).
// - A Put without ChannelRetentionSettings.RetentionDays clears the setting
//   (messages are kept forever again); Get then returns empty settings.
// - Unknown app instance: ResourceMissing (ForbiddenException: NotFound is
//   not modeled for these operations).
#include "api/auth/authorizer.hpp"
#include "api/common/expiry.hpp"
#include "api/handler_support/resources.hpp"
#include "api/handler_support/retention.hpp"
#include "api/handler.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/retention_repo.hpp"

namespace chime::api {

namespace {

json SettingsJson(const std::optional<int64_t>& days) {
  json s = json::object();
  if (days) s["ChannelRetentionSettings"] = {{"RetentionDays", *days}};
  return s;
}

json PutAppInstanceRetentionSettings(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "AppInstanceArn");
  std::optional<int64_t> days;
  const json& settings = in.at("AppInstanceRetentionSettings");
  if (auto c = settings.find("ChannelRetentionSettings"); c != settings.end()) {
    if (auto d = c->find("RetentionDays"); d != c->end() && d->is_number_integer()) days = d->get<int64_t>();
  }
  if (!storage::SetRetention(ctx.db, arn, days, ctx.now_ms)) {
    throw ResourceMissing(ctx, "AppInstance " + arn + " does not exist.");
  }
  return {{"AppInstanceRetentionSettings", SettingsJson(days)},
          {"InitiateDeletionTimestamp", EpochSeconds(PlusDaysMs(ctx.now_ms, kRetentionGraceDays))}};
}

json GetAppInstanceRetentionSettings(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "AppInstanceArn");
  auto r = storage::FindRetention(ctx.db, arn);
  if (!r) throw ResourceMissing(ctx, "AppInstance " + arn + " does not exist.");
  json out = {{"AppInstanceRetentionSettings", SettingsJson(r->days)}};
  if (r->set_ms) out["InitiateDeletionTimestamp"] = EpochSeconds(PlusDaysMs(*r->set_ms, kRetentionGraceDays));
  return out;
}

}  // namespace

void RegisterRetentionSettingsHandlers(HandlerTable& t) {
  t.Add(Op::kPutAppInstanceRetentionSettings, PutAppInstanceRetentionSettings);
  t.Add(Op::kGetAppInstanceRetentionSettings, GetAppInstanceRetentionSettings);
}

}  // namespace chime::api
