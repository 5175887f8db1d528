// AppInstances (chime-sdk-identity): the container of users, bots, admins and
// channels. Create is idempotent on ClientRequestToken; delete removes
// everything inside (users, bots, channels, memberships, messages, tags).
#include "api/auth/authorizer.hpp"
#include "api/common/arn.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler_support/resources.hpp"
#include "api/handler.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/purge.hpp"
#include "storage/channel_repo.hpp"
#include "storage/idempotency_repo.hpp"
#include "storage/principal_repo.hpp"
#include "storage/tag_repo.hpp"

namespace chime::api {

namespace {


json CreateAppInstance(RequestContext& ctx, const json& in) {
  const std::string token = Str(in, "ClientRequestToken");
  const std::string scope = "CreateAppInstance|" + ctx.config.account_id + "|" + ctx.config.region;
  const std::string& hash = ctx.input_hash;
  if (auto replay = ReplayIdempotent(ctx, scope, token, hash)) return *replay;

  storage::AppInstanceRecord r;
  r.arn = AppInstanceArn(ctx.config, OptStr(in, kSeedFixedIdMember).value_or(NewUuid()));  // fixed only by a seed
  r.name = Str(in, "Name");
  r.metadata = OptStr(in, "Metadata");
  r.created_ms = r.updated_ms = ctx.now_ms;
  storage::InsertAppInstance(ctx.db, r);
  storage::PutTags(ctx.db, r.arn, TagsFromInput(in));

  json out = {{"AppInstanceArn", r.arn}};
  RememberIdempotent(ctx, scope, token, hash, out);
  return out;
}

json DescribeAppInstance(RequestContext& ctx, const json& in) {
  auto r = RequireAppInstance(ctx, Str(in, "AppInstanceArn"));
  json app = {{"AppInstanceArn", r.arn},
              {"Name", r.name},
              {"CreatedTimestamp", EpochSeconds(r.created_ms)},
              {"LastUpdatedTimestamp", EpochSeconds(r.updated_ms)}};
  if (r.metadata) app["Metadata"] = *r.metadata;
  return {{"AppInstance", app}};
}

json ListAppInstances(RequestContext& ctx, const json& in) {
  const std::string scope = "ListAppInstances";
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  // Only the caller's account and region (api/auth/tenant.hpp).
  const std::string prefix = AppInstanceArn(ctx.config, "");
  auto rows = storage::ListAppInstances(ctx.db, prefix, cursor ? cursor->tiebreak : 0, limit + 1);
  json list = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) {
    json s = {{"AppInstanceArn", rows[i].arn}, {"Name", rows[i].name}};
    if (rows[i].metadata) s["Metadata"] = *rows[i].metadata;
    list.push_back(std::move(s));
  }
  json out = {{"AppInstances", std::move(list)}};
  if (rows.size() > static_cast<size_t>(limit)) {
    out["NextToken"] = EncodeNextToken(scope, {0, rows[limit - 1].id});
  }
  return out;
}

json UpdateAppInstance(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "AppInstanceArn");
  if (!storage::UpdateAppInstance(ctx.db, arn, Str(in, "Name"), Str(in, "Metadata"), ctx.now_ms)) {
    throw ResourceMissing(ctx, "AppInstance " + arn + " does not exist.");
  }
  return {{"AppInstanceArn", arn}};
}

json DeleteAppInstance(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "AppInstanceArn");
  if (!storage::PurgeAppInstance(ctx.db, arn)) {
    throw ResourceMissing(ctx, "AppInstance " + arn + " does not exist.");
  }
  ctx.outbox.DepartedAppInstance(arn);  // its users' messaging sessions close after the commit
  return json::object();
}

}  // namespace

void RegisterAppInstanceHandlers(HandlerTable& t) {
  t.Add(Op::kCreateAppInstance, CreateAppInstance);
  t.Add(Op::kDescribeAppInstance, DescribeAppInstance);
  t.Add(Op::kListAppInstances, ListAppInstances);
  t.Add(Op::kUpdateAppInstance, UpdateAppInstance);
  t.Add(Op::kDeleteAppInstance, DeleteAppInstance);
}

}  // namespace chime::api
