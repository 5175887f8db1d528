// AppInstanceUsers, AppInstanceBots and AppInstanceAdmins (chime-sdk-identity).
//
// Users and bots are both rows of the principals table (kind "user"/"bot").
// User ARNs are <app instance arn>/user/<AppInstanceUserId> (the id is the
// caller's), bot ARNs <app instance arn>/bot/<uuid>. An ARN of the other kind
// is treated as an unknown resource (ResourceMissing), e.g. a user ARN given
// to DescribeAppInstanceBot. Creates are idempotent on ClientRequestToken
// (scopes in api/handler_support/idempotency.hpp). Deleting a user or bot removes its
// channel memberships, moderator and admin rows (FK cascade), its channel bans
// and its tags, so a user re-created with the same id starts unbanned.
// Admins are a role, not a resource: CreateAppInstanceAdmin promotes a user
// or bot of the same app instance; promoting an existing admin again is an
// idempotent success. ExpirationSettings are stored and echoed; no sweep
// deletes expired users (the model allows deletion to lag).
#include "api/auth/authorizer.hpp"
#include "api/common/arn.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler_support/resources.hpp"
#include "api/handler.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_repo.hpp"
#include "storage/endpoint_repo.hpp"
#include "storage/principal_repo.hpp"
#include "storage/purge.hpp"
#include "storage/tag_repo.hpp"

namespace chime::api {

namespace {

constexpr char kUser[] = "user";
constexpr char kBot[] = "bot";


const char* KindName(std::string_view kind) { return kind == kUser ? "AppInstanceUser" : "AppInstanceBot"; }

// The user or bot `arn`; an unknown ARN, or one of the other kind, is ResourceMissing.
storage::PrincipalRecord RequirePrincipal(RequestContext& ctx, const std::string& arn, std::string_view kind) {
  auto r = storage::FindPrincipal(ctx.db, arn);
  if (!r || r->kind != kind) throw ResourceMissing(ctx, std::string(KindName(kind)) + " " + arn + " does not exist.");
  return *r;
}

json ExpirationJson(const storage::PrincipalRecord& r) {
  return {{"ExpirationDays", *r.expiration_days}, {"ExpirationCriterion", r.expiration_criterion.value_or("")}};
}

json IdentityJson(const std::string& arn, const std::optional<std::string>& name) {
  json id = {{"Arn", arn}};
  if (name) id["Name"] = *name;
  return id;
}

// ---------------------------------------------------------------- users

json CreateAppInstanceUser(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  const std::string token = Str(in, "ClientRequestToken");
  const std::string scope = "CreateAppInstanceUser|" + app_arn;
  const std::string& hash = ctx.input_hash;
  if (auto replay = ReplayIdempotent(ctx, scope, token, hash)) return *replay;

  RequireAppInstance(ctx, app_arn);
  const std::string user_id = Str(in, "AppInstanceUserId");
  storage::PrincipalRecord r;
  r.arn = ChildArn(app_arn, kUser, user_id);
  if (storage::FindPrincipal(ctx.db, r.arn)) {
    throw Conflict("AppInstanceUser " + user_id + " already exists in AppInstance " + app_arn + ".");
  }
  r.app_instance_arn = app_arn;
  r.kind = kUser;
  r.name = Str(in, "Name");
  r.metadata = OptStr(in, "Metadata");
  if (auto it = in.find("ExpirationSettings"); it != in.end()) {
    r.expiration_days = it->value("ExpirationDays", int64_t{0});
    r.expiration_criterion = it->value("ExpirationCriterion", "");
  }
  r.created_ms = r.updated_ms = ctx.now_ms;
  storage::InsertPrincipal(ctx.db, r);
  storage::PutTags(ctx.db, r.arn, TagsFromInput(in));

  json out = {{"AppInstanceUserArn", r.arn}};
  RememberIdempotent(ctx, scope, token, hash, out);
  return out;
}

json DescribeAppInstanceUser(RequestContext& ctx, const json& in) {
  auto r = RequirePrincipal(ctx, Str(in, "AppInstanceUserArn"), kUser);
  json user = {{"AppInstanceUserArn", r.arn},
               {"CreatedTimestamp", EpochSeconds(r.created_ms)},
               {"LastUpdatedTimestamp", EpochSeconds(r.updated_ms)}};
  if (r.name) user["Name"] = *r.name;
  if (r.metadata) user["Metadata"] = *r.metadata;
  if (r.expiration_days) user["ExpirationSettings"] = ExpirationJson(r);
  return {{"AppInstanceUser", user}};
}

// Shared by ListAppInstanceUsers and ListAppInstanceBots.
json ListPrincipals(RequestContext& ctx, const json& in, std::string_view kind) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireAppInstance(ctx, app_arn);
  const bool users = kind == kUser;
  const std::string scope = std::string(users ? "ListAppInstanceUsers|" : "ListAppInstanceBots|") + app_arn;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListPrincipals(ctx.db, app_arn, kind, cursor ? cursor->tiebreak : 0, limit + 1);
  json list = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) {
    json s = {{users ? "AppInstanceUserArn" : "AppInstanceBotArn", rows[i].arn}};
    if (rows[i].name) s["Name"] = *rows[i].name;
    if (rows[i].metadata) s["Metadata"] = *rows[i].metadata;
    list.push_back(std::move(s));
  }
  json out = {{"AppInstanceArn", app_arn}, {users ? "AppInstanceUsers" : "AppInstanceBots", std::move(list)}};
  if (rows.size() > static_cast<size_t>(limit)) {
    out["NextToken"] = EncodeNextToken(scope, {0, rows[limit - 1].id});
  }
  return out;
}

json ListAppInstanceUsers(RequestContext& ctx, const json& in) { return ListPrincipals(ctx, in, kUser); }

json UpdateAppInstanceUser(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "AppInstanceUserArn");
  if (!storage::UpdatePrincipal(ctx.db, arn, kUser, Str(in, "Name"), Str(in, "Metadata"), std::nullopt,
                                ctx.now_ms)) {
    throw ResourceMissing(ctx, "AppInstanceUser " + arn + " does not exist.");
  }
  return {{"AppInstanceUserArn", arn}};
}

// Stored and echoed; no background sweep deletes expired users (the model
// says deletion "may vary" and expired users still appear as active).
json PutAppInstanceUserExpirationSettings(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "AppInstanceUserArn");
  std::optional<int64_t> days;
  std::optional<std::string> criterion;
  if (auto it = in.find("ExpirationSettings"); it != in.end()) {
    days = it->value("ExpirationDays", int64_t{0});
    criterion = it->value("ExpirationCriterion", "");
  }
  if (!storage::SetUserExpiration(ctx.db, arn, days, criterion)) {
    throw ResourceMissing(ctx, "AppInstanceUser " + arn + " does not exist.");
  }
  json out = {{"AppInstanceUserArn", arn}};
  if (days) out["ExpirationSettings"] = {{"ExpirationDays", *days}, {"ExpirationCriterion", *criterion}};
  return out;
}

json DeletePrincipal(RequestContext& ctx, const std::string& arn, std::string_view kind) {
  // Memberships, moderator and admin rows and endpoints go by FK cascade; its
  // bans, tags and endpoint tokens with it (storage/purge.hpp).
  if (!storage::PurgePrincipal(ctx.db, arn, kind)) {
    throw ResourceMissing(ctx, std::string(KindName(kind)) + " " + arn + " does not exist.");
  }
  ctx.outbox.Departed(arn);  // its open messaging sessions close after the commit
  return json::object();
}

json DeleteAppInstanceUser(RequestContext& ctx, const json& in) {
  return DeletePrincipal(ctx, Str(in, "AppInstanceUserArn"), kUser);
}

// ---------------------------------------------------------------- bots

json CreateAppInstanceBot(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  const std::string token = Str(in, "ClientRequestToken");
  const std::string scope = "CreateAppInstanceBot|" + app_arn;
  const std::string& hash = ctx.input_hash;
  if (auto replay = ReplayIdempotent(ctx, scope, token, hash)) return *replay;

  RequireAppInstance(ctx, app_arn);
  storage::PrincipalRecord r;
  r.arn = ChildArn(app_arn, kBot, NewUuid());
  r.app_instance_arn = app_arn;
  r.kind = kBot;
  r.name = OptStr(in, "Name");
  r.metadata = OptStr(in, "Metadata");
  r.configuration = in.at("Configuration").dump();
  r.created_ms = r.updated_ms = ctx.now_ms;
  storage::InsertPrincipal(ctx.db, r);
  storage::PutTags(ctx.db, r.arn, TagsFromInput(in));

  json out = {{"AppInstanceBotArn", r.arn}};
  RememberIdempotent(ctx, scope, token, hash, out);
  return out;
}

json DescribeAppInstanceBot(RequestContext& ctx, const json& in) {
  auto r = RequirePrincipal(ctx, Str(in, "AppInstanceBotArn"), kBot);
  json bot = {{"AppInstanceBotArn", r.arn},
              {"CreatedTimestamp", EpochSeconds(r.created_ms)},
              {"LastUpdatedTimestamp", EpochSeconds(r.updated_ms)}};
  if (r.name) bot["Name"] = *r.name;
  if (r.metadata) bot["Metadata"] = *r.metadata;
  if (r.configuration) bot["Configuration"] = json::parse(*r.configuration);
  return {{"AppInstanceBot", bot}};
}

json ListAppInstanceBots(RequestContext& ctx, const json& in) { return ListPrincipals(ctx, in, kBot); }

json UpdateAppInstanceBot(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "AppInstanceBotArn");
  std::optional<std::string> configuration;
  if (auto it = in.find("Configuration"); it != in.end()) configuration = it->dump();
  if (!storage::UpdatePrincipal(ctx.db, arn, kBot, Str(in, "Name"), Str(in, "Metadata"), configuration,
                                ctx.now_ms)) {
    throw ResourceMissing(ctx, "AppInstanceBot " + arn + " does not exist.");
  }
  return {{"AppInstanceBotArn", arn}};
}

json DeleteAppInstanceBot(RequestContext& ctx, const json& in) {
  return DeletePrincipal(ctx, Str(in, "AppInstanceBotArn"), kBot);
}

// ---------------------------------------------------------------- admins

json CreateAppInstanceAdmin(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  const std::string admin_arn = Str(in, "AppInstanceAdminArn");
  RequireAppInstance(ctx, app_arn);
  auto parsed = ParseChimeArn(admin_arn);
  if (!parsed || (parsed->kind != kUser && parsed->kind != kBot)) {
    throw BadRequest("AppInstanceAdminArn " + admin_arn +
                     " is not the ARN of an AppInstanceUser or AppInstanceBot; only those can be promoted.");
  }
  if (parsed->app_instance_arn != app_arn) {
    throw Forbidden("AppInstanceAdminArn " + admin_arn + " does not belong to AppInstance " + app_arn + ".");
  }
  auto principal = storage::FindPrincipal(ctx.db, admin_arn);
  if (!principal) {
    throw ResourceMissing(ctx, std::string(KindName(parsed->kind)) + " " + admin_arn + " does not exist.");
  }
  storage::InsertAppInstanceAdmin(ctx.db, app_arn, admin_arn, ctx.now_ms);  // false: already admin, fine
  return {{"AppInstanceAdmin", IdentityJson(principal->arn, principal->name)}, {"AppInstanceArn", app_arn}};
}

json DescribeAppInstanceAdmin(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  const std::string admin_arn = Str(in, "AppInstanceAdminArn");
  RequireAppInstance(ctx, app_arn);
  auto a = storage::FindAppInstanceAdmin(ctx.db, app_arn, admin_arn);
  if (!a) throw ResourceMissing(ctx, admin_arn + " is not an AppInstanceAdmin of AppInstance " + app_arn + ".");
  return {{"AppInstanceAdmin",
           {{"Admin", IdentityJson(a->admin_arn, a->admin_name)},
            {"AppInstanceArn", a->app_instance_arn},
            {"CreatedTimestamp", EpochSeconds(a->created_ms)}}}};
}

json ListAppInstanceAdmins(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  RequireAppInstance(ctx, app_arn);
  const std::string scope = "ListAppInstanceAdmins|" + app_arn;
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);
  auto rows = storage::ListAppInstanceAdmins(ctx.db, app_arn, cursor ? cursor->tiebreak : 0, limit + 1);
  json list = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) {
    list.push_back({{"Admin", IdentityJson(rows[i].admin_arn, rows[i].admin_name)}});
  }
  json out = {{"AppInstanceArn", app_arn}, {"AppInstanceAdmins", std::move(list)}};
  if (rows.size() > static_cast<size_t>(limit)) {
    out["NextToken"] = EncodeNextToken(scope, {0, rows[limit - 1].id});
  }
  return out;
}

json DeleteAppInstanceAdmin(RequestContext& ctx, const json& in) {
  const std::string app_arn = Str(in, "AppInstanceArn");
  const std::string admin_arn = Str(in, "AppInstanceAdminArn");
  RequireAppInstance(ctx, app_arn);
  if (!storage::DeleteAppInstanceAdmin(ctx.db, app_arn, admin_arn)) {
    throw ResourceMissing(ctx, admin_arn + " is not an AppInstanceAdmin of AppInstance " + app_arn + ".");
  }
  return json::object();
}

}  // namespace

void RegisterAppInstanceUserHandlers(HandlerTable& t) {
  t.Add(Op::kCreateAppInstanceUser, CreateAppInstanceUser);
  t.Add(Op::kDescribeAppInstanceUser, DescribeAppInstanceUser);
  t.Add(Op::kListAppInstanceUsers, ListAppInstanceUsers);
  t.Add(Op::kUpdateAppInstanceUser, UpdateAppInstanceUser);
  t.Add(Op::kDeleteAppInstanceUser, DeleteAppInstanceUser);
  t.Add(Op::kPutAppInstanceUserExpirationSettings, PutAppInstanceUserExpirationSettings);
  t.Add(Op::kCreateAppInstanceBot, CreateAppInstanceBot);
  t.Add(Op::kDescribeAppInstanceBot, DescribeAppInstanceBot);
  t.Add(Op::kListAppInstanceBots, ListAppInstanceBots);
  t.Add(Op::kUpdateAppInstanceBot, UpdateAppInstanceBot);
  t.Add(Op::kDeleteAppInstanceBot, DeleteAppInstanceBot);
  t.Add(Op::kCreateAppInstanceAdmin, CreateAppInstanceAdmin);
  t.Add(Op::kDescribeAppInstanceAdmin, DescribeAppInstanceAdmin);
  t.Add(Op::kListAppInstanceAdmins, ListAppInstanceAdmins);
  t.Add(Op::kDeleteAppInstanceAdmin, DeleteAppInstanceAdmin);
}

}  // namespace chime::api
