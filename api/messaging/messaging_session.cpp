#include "api/messaging/messaging_session.hpp"

#include <algorithm>

#include "api/common/days.hpp"
#include "api/events/session_hub.hpp"
#include "api/messaging/channel_common.hpp"
#include "api/protocol/query_string.hpp"
#include "api/protocol/timestamp.hpp"
#include "storage/channel_repo.hpp"
#include "storage/message_repo.hpp"
#include "storage/retention_repo.hpp"
#include "storage/principal_repo.hpp"

namespace chime::api {

namespace {

// How much of each channel a CHANNEL_DETAILS frame carries (our choice: the
// developer guide does not give the numbers).
constexpr int kPrefetchMessages = 10;
constexpr int kPrefetchMemberships = 10;

bool Unread(const storage::MembershipRecord& m, const storage::ChannelRecord& c) {
  return c.last_message_ms && (!m.read_marker_ms || *c.last_message_ms > *m.read_marker_ms);
}

std::string ChannelDetailsFrame(storage::Database& db, const std::string& user_arn, const storage::MembershipRecord& m,
                                const storage::ChannelRecord& c, int64_t now_ms) {
  nlohmann::json payload = {{"Channel", channels::ChannelSummaryJson(c)}};
  storage::MessageQuery q;
  q.channel_arn = c.arn;
  const std::string sub = m.sub_channel_id.value_or("");
  q.sub_channel_id = sub;
  q.viewer_arn = user_arn;
  q.limit = kPrefetchMessages;
  if (auto r = storage::FindRetention(db, c.app_instance_arn); r && r->days) {
    q.not_before_ms = std::max(q.not_before_ms, MinusDaysMs(now_ms, *r->days));  // past retention: hidden
  }
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& msg : storage::ListMessages(db, q)) messages.push_back(channels::MessageSummaryJson(msg));
  payload["ChannelMessages"] = std::move(messages);
  nlohmann::json members = nlohmann::json::array();
  for (const auto& mm : storage::ListMembershipsPage(db, c.arn, "", sub, 0, kPrefetchMemberships)) {
    members.push_back({{"Member", channels::IdentityJson(db, mm.member_arn)}});
  }
  payload["ChannelMemberships"] = std::move(members);
  if (m.read_marker_ms) payload["ReadMarkerTimestamp"] = EpochSeconds(*m.read_marker_ms);
  return EncodeSystemFrame("CHANNEL_DETAILS", payload);
}

}  // namespace

ConnectTarget ParseConnectTarget(std::string_view target) {
  ConnectTarget t;
  t.path = std::string(target.substr(0, target.find('?')));
  for (auto& [key, value] : ParseQuery(QueryPart(target), {.bad_escape = BadEscape::kKeepAsSent})) {
    if (key == "userArn") {
      t.user_arn = std::move(value);
    } else if (key == "sessionId") {
      t.session_id = std::move(value);
    } else if (key == "prefetch-on") {
      t.prefetch = value == "connect";
    } else if (key == "prefetch-sort-by") {
      t.sort_by = std::move(value);
    }
  }
  return t;
}

SessionStart PrepareMessagingSession(storage::Database& db, const std::string& user_arn, bool prefetch,
                                     const std::string& sort_by, int64_t now_ms) {
  SessionStart out;
  auto principal = storage::FindPrincipal(db, user_arn);
  out.known = principal.has_value();
  if (!out.known || !prefetch) return out;

  auto rows = storage::ListMembershipsOfMember(db, user_arn, 0, 100000);
  const bool by_unread = sort_by != "last-message-timestamp";
  std::stable_sort(rows.begin(), rows.end(), [by_unread](const auto& a, const auto& b) {
    if (by_unread) {
      bool ua = Unread(a.first, a.second), ub = Unread(b.first, b.second);
      if (ua != ub) return ua;
    }
    return a.second.last_message_ms.value_or(0) > b.second.last_message_ms.value_or(0);
  });
  if (rows.size() > static_cast<size_t>(kMaxPrefetchChannels)) rows.resize(kMaxPrefetchChannels);
  for (const auto& [m, c] : rows) out.prefetch.push_back(ChannelDetailsFrame(db, user_arn, m, c, now_ms));
  return out;
}

json GetMessagingSessionEndpoint(RequestContext& ctx, const json&) {
  return {{"Endpoint", {{"Url", ctx.config.messaging_endpoint_host}}}};
}

}  // namespace chime::api
