#include "api/control/state_endpoints.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/auth/tenant.hpp"
#include "api/messaging/message_json.hpp"
#include "api/protocol/api_error.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_repo.hpp"
#include "storage/endpoint_repo.hpp"
#include "storage/message_repo.hpp"
#include "storage/principal_repo.hpp"
#include "storage/retention_repo.hpp"

namespace chime::api {

namespace {

using nlohmann::json;

std::string RequiredParam(const ControlCall& call, const char* name) {
  const auto query = ControlQuery(call.request.target);
  const auto it = query.find(name);
  if (it == query.end() || it->second.empty()) {
    throw ApiError(ErrorType::kBadRequest, std::string(name) + " is required");
  }
  return it->second;
}

std::optional<std::string> OptionalParam(const ControlCall& call, const char* name) {
  const auto query = ControlQuery(call.request.target);
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

// Text that holds JSON (preferences, bot configuration): parsed when it is.
json JsonText(const std::string& text) {
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(text) : parsed;
}

// Up to kStateListLimit rows of a keyset-paged listing; `page(after, limit)`
// returns rows with an `id`. Sets out["truncated"] when more exist.
template <typename Page, typename ToJson>
json Collect(Page page, ToJson to_json, bool& truncated) {
  json list = json::array();
  auto rows = page(int64_t{0}, kStateListLimit + 1);
  if (rows.size() > static_cast<size_t>(kStateListLimit)) {
    truncated = true;
    rows.resize(kStateListLimit);
  }
  for (const auto& r : rows) list.push_back(to_json(r));
  return list;
}

json ExpirationJson(const std::optional<int64_t>& days,
                    const std::optional<std::string>& criterion) {
  if (!days) return nullptr;
  return {{"ExpirationDays", *days}, {"ExpirationCriterion", criterion.value_or("")}};
}

json AppInstanceJson(storage::Database& db, const storage::AppInstanceRecord& app,
                     bool& truncated) {
  json out = {{"AppInstanceArn", app.arn},
              {"Name", app.name},
              {"CreatedTimestamp", EpochSeconds(app.created_ms)},
              {"LastUpdatedTimestamp", EpochSeconds(app.updated_ms)}};
  if (app.metadata) out["Metadata"] = *app.metadata;
  const auto retention = storage::FindRetention(db, app.arn);
  out["RetentionSettings"] =
      retention && retention->days
          ? json{{"ChannelRetentionSettings", {{"RetentionDays", *retention->days}}}}
          : json(nullptr);
  out["Users"] = Collect(
      [&](int64_t after, int limit) {
        return storage::ListPrincipals(db, app.arn, "user", after, limit);
      },
      [&](const storage::PrincipalRecord& u) {
        json j = {
            {"AppInstanceUserArn", u.arn},
            {"Name", u.name.value_or("")},
            {"CreatedTimestamp", EpochSeconds(u.created_ms)},
            {"ExpirationSettings", ExpirationJson(u.expiration_days, u.expiration_criterion)}};
        if (u.metadata) j["Metadata"] = *u.metadata;
        json endpoints = json::array();
        for (const auto& e : storage::ListEndpoints(db, u.arn, 0, kStateListLimit)) {
          endpoints.push_back({{"EndpointId", e.endpoint_id},
                               {"Name", e.name.value_or("")},
                               {"Type", e.type},
                               {"ResourceArn", e.resource_arn},
                               {"AllowMessages", e.allow_messages},
                               {"EndpointState", {{"Status", e.status}}}});
          if (e.status_reason) endpoints.back()["EndpointState"]["StatusReason"] = *e.status_reason;
        }
        j["Endpoints"] = std::move(endpoints);
        return j;
      },
      truncated);
  out["Bots"] =
      Collect([&](int64_t after,
                  int limit) { return storage::ListPrincipals(db, app.arn, "bot", after, limit); },
              [&](const storage::PrincipalRecord& b) {
                json j = {{"AppInstanceBotArn", b.arn},
                          {"Name", b.name.value_or("")},
                          {"CreatedTimestamp", EpochSeconds(b.created_ms)}};
                if (b.metadata) j["Metadata"] = *b.metadata;
                if (b.configuration) j["Configuration"] = JsonText(*b.configuration);
                return j;
              },
              truncated);
  out["Admins"] =
      Collect([&](int64_t after,
                  int limit) { return storage::ListAppInstanceAdmins(db, app.arn, after, limit); },
              [&](const storage::AppInstanceAdminRecord& a) {
                return json{{"Arn", a.admin_arn},
                            {"Name", a.admin_name.value_or("")},
                            {"CreatedTimestamp", EpochSeconds(a.created_ms)}};
              },
              truncated);
  return out;
}

json ChannelJson(storage::Database& db, const storage::ChannelRecord& c) {
  json out = {{"ChannelArn", c.arn},
              {"Name", c.name},
              {"Mode", c.mode},
              {"Privacy", c.privacy},
              {"CreatedBy", c.created_by_arn},
              {"CreatedTimestamp", EpochSeconds(c.created_ms)},
              {"LastUpdatedTimestamp", EpochSeconds(c.updated_ms)},
              {"ChannelFlowArn", c.channel_flow_arn ? json(*c.channel_flow_arn) : json(nullptr)},
              {"ExpirationSettings", ExpirationJson(c.expiration_days, c.expiration_criterion)}};
  if (c.metadata) out["Metadata"] = *c.metadata;
  if (c.last_message_ms) out["LastMessageTimestamp"] = EpochSeconds(*c.last_message_ms);
  if (c.is_elastic()) {
    out["ElasticChannelConfiguration"] = {
        {"MaximumSubChannels", *c.elastic_max_sub_channels},
        {"TargetMembershipsPerSubChannel", c.elastic_target_memberships.value_or(0)},
        {"MinimumMembershipPercentage", c.elastic_min_membership_pct.value_or(0)}};
    json subs = json::array();
    for (const auto& s : storage::CountSubChannelMembers(db, c.arn)) {
      subs.push_back({{"SubChannelId", s.sub_channel_id}, {"MembershipCount", s.members}});
    }
    out["SubChannels"] = std::move(subs);
  } else {
    out["ElasticChannelConfiguration"] = nullptr;
  }
  return out;
}

std::string TenantKey(const std::string& arn) {
  const auto t = TenantOfArn(arn);
  return t ? t->account_id + " " + t->region : std::string(" ");
}

}  // namespace

ControlRequest StateAppInstances(const ControlCall&) {
  ControlRequest c;
  c.operation = "StateAppInstances";
  c.read = [](storage::Database& db) {
    // Every tenant (account and region): the ARN prefix of them all.
    std::map<std::string, json> tenants;
    bool truncated = false;
    const auto apps = storage::ListAppInstances(db, "arn:aws:chime:", 0, kStateListLimit + 1);
    for (size_t i = 0; i < apps.size() && i < static_cast<size_t>(kStateListLimit); ++i) {
      const std::string key = TenantKey(apps[i].arn);
      json& tenant = tenants[key];
      if (tenant.is_null()) {
        const auto t = TenantOfArn(apps[i].arn);
        tenant = {{"accountId", t ? t->account_id : ""},
                  {"region", t ? t->region : ""},
                  {"appInstances", json::array()}};
      }
      tenant["appInstances"].push_back(AppInstanceJson(db, apps[i], truncated));
    }
    json list = json::array();
    for (auto& [key, tenant] : tenants) list.push_back(std::move(tenant));
    return json{{"tenants", std::move(list)},
                {"truncated", truncated || apps.size() > static_cast<size_t>(kStateListLimit)}};
  };
  return c;
}

ControlRequest StateChannels(const ControlCall& call) {
  ControlRequest c;
  c.operation = "StateChannels";
  c.read = [app = RequiredParam(call, "appInstanceArn")](storage::Database& db) {
    if (!storage::FindAppInstance(db, app))
      throw ApiError(ErrorType::kNotFound, "AppInstance " + app + " does not exist.");
    bool truncated = false;
    json list =
        Collect([&](int64_t after,
                    int limit) { return storage::ListChannelsPage(db, app, "", after, limit); },
                [&](const storage::ChannelRecord& ch) { return ChannelJson(db, ch); }, truncated);
    return json{{"appInstanceArn", app}, {"channels", std::move(list)}, {"truncated", truncated}};
  };
  return c;
}

ControlRequest StateChannel(const ControlCall& call) {
  ControlRequest c;
  c.operation = "StateChannel";
  c.read = [arn = RequiredParam(call, "channelArn")](storage::Database& db) {
    const auto channel = storage::FindChannel(db, arn);
    if (!channel) throw ApiError(ErrorType::kNotFound, "Channel " + arn + " does not exist.");
    bool truncated = false;
    json members = Collect(
        [&](int64_t after, int limit) {
          // Every membership: a moderator of an elastic channel once per sub-channel.
          return storage::ListMembershipsPage(db, arn, "", "", after, limit, /*every_membership=*/true);
        },
        [](const storage::MembershipRecord& m) {
          json j = {{"MemberArn", m.member_arn},
                    {"Type", m.type},
                    {"InvitedBy", m.invited_by_arn},
                    {"CreatedTimestamp", EpochSeconds(m.created_ms)},
                    {"Preferences", m.preferences ? JsonText(*m.preferences) : json(nullptr)}};
          if (m.sub_channel_id) j["SubChannelId"] = *m.sub_channel_id;
          if (m.read_marker_ms) j["ReadMarkerTimestamp"] = EpochSeconds(*m.read_marker_ms);
          return j;
        },
        truncated);
    json moderators =
        Collect([&](int64_t after,
                    int limit) { return storage::ListModeratorsPage(db, arn, after, limit); },
                [](const storage::ModeratorRecord& m) {
                  return json{{"ModeratorArn", m.moderator_arn},
                              {"CreatedBy", m.created_by_arn},
                              {"CreatedTimestamp", EpochSeconds(m.created_ms)}};
                },
                truncated);
    json bans = Collect(
        [&](int64_t after, int limit) { return storage::ListBansPage(db, arn, after, limit); },
        [](const storage::BanRecord& b) {
          return json{{"MemberArn", b.member_arn},
                      {"CreatedBy", b.created_by_arn},
                      {"CreatedTimestamp", EpochSeconds(b.created_ms)}};
        },
        truncated);
    return json{{"channel", ChannelJson(db, *channel)},
                {"members", std::move(members)},
                {"moderators", std::move(moderators)},
                {"bans", std::move(bans)},
                {"truncated", truncated}};
  };
  return c;
}

namespace {

// "before" cursors are "<created_ms>:<row id>" (the nextBefore of the previous page).
std::optional<std::pair<int64_t, int64_t>> ParseBefore(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  const auto colon = text->find(':');
  std::pair<int64_t, int64_t> pos;
  auto number = [](std::string_view s, int64_t& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
  };
  if (colon == std::string::npos || !number(std::string_view(*text).substr(0, colon), pos.first) ||
      !number(std::string_view(*text).substr(colon + 1), pos.second)) {
    throw ApiError(ErrorType::kBadRequest, "before must be the nextBefore of a previous page");
  }
  return pos;
}

}  // namespace

ControlRequest StateMessages(const ControlCall& call) {
  const auto limit_text = OptionalParam(call, "limit");
  int limit = 50;
  if (limit_text) {
    const auto [end, ec] =
        std::from_chars(limit_text->data(), limit_text->data() + limit_text->size(), limit);
    if (ec != std::errc() || end != limit_text->data() + limit_text->size() || limit < 1 ||
        limit > kStateListLimit) {
      throw ApiError(ErrorType::kBadRequest,
                     "limit must be 1 to " + std::to_string(kStateListLimit));
    }
  }
  ControlRequest c;
  c.operation = "StateMessages";
  c.read = [arn = RequiredParam(call, "channelArn"),
            sub = OptionalParam(call, "subChannelId").value_or(""),
            before = ParseBefore(OptionalParam(call, "before")), limit](storage::Database& db) {
    if (!storage::FindChannel(db, arn))
      throw ApiError(ErrorType::kNotFound, "Channel " + arn + " does not exist.");
    auto rows = storage::ListAllMessagesNewestFirst(db, arn, sub, before, limit + 1);
    json next = nullptr;
    if (rows.size() > static_cast<size_t>(limit)) {
      rows.resize(limit);
      next = std::to_string(rows.back().created_ms) + ":" + std::to_string(rows.back().id);
    }
    json list = json::array();
    for (const auto& m : rows) {
      // The ChannelMessage of GetChannelMessage, whoever may see it.
      json msg = MessageSummaryJson(m);
      msg["ChannelArn"] = m.channel_arn;
      msg["Persistence"] = m.persistence;
      if (!m.sub_channel_id.empty()) msg["SubChannelId"] = m.sub_channel_id;
      list.push_back(std::move(msg));
    }
    return json{{"channelArn", arn},
                {"subChannelId", sub},
                {"messages", std::move(list)},
                {"nextBefore", next}};
  };
  return c;
}

}  // namespace chime::api
