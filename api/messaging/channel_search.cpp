// SearchChannels (chime-sdk-messaging): channels by their members.
//
// Model doc: "Users or bots can search across the channels that they belong
// to. Users in the AppInstanceAdmin role can search across all channels."
// So an admin bearer searches every channel of its app instance; any other
// bearer only channels where it has a membership (DEFAULT or HIDDEN) or is a
// moderator. The bearer is optional in the model, but the request names no
// AppInstance, so chime-local requires it (BadRequestException).
//
// Fields (all must hold) on Key MEMBERS, against the channel's memberships of
// any Type: INCLUDES = every value is a member; EQUALS = the members are
// exactly the values. Values that are not members simply match nothing.
#include <algorithm>
#include <set>

#include "api/auth/authorizer.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler.hpp"
#include "api/messaging/channel_common.hpp"
#include "storage/channel_repo.hpp"

namespace chime::api {

namespace {

// The conjunction of all Fields reduced to one filter: INCLUDES sets unite;
// EQUALS fixes the set, so other fields must agree with it. nullopt = no
// channel can match.
std::optional<storage::ChannelMemberFilter> CombineFields(const json& fields) {
  std::set<std::string> includes;
  std::optional<std::set<std::string>> equals;
  for (const auto& f : fields) {
    std::set<std::string> values;
    for (const auto& v : f.value("Values", json::array()))
      if (v.is_string()) values.insert(v.get<std::string>());
    if (f.value("Operator", std::string()) == "EQUALS") {
      if (equals && *equals != values) return std::nullopt;
      equals = std::move(values);
    } else {
      includes.insert(values.begin(), values.end());
    }
  }
  storage::ChannelMemberFilter out;
  if (equals) {
    if (!std::includes(equals->begin(), equals->end(), includes.begin(), includes.end())) return std::nullopt;
    out.equals = true;
    out.values.assign(equals->begin(), equals->end());
  } else {
    out.values.assign(includes.begin(), includes.end());
  }
  return out;
}

json SearchChannels(RequestContext& ctx, const json& in) {
  if (!Has(in, "ChimeBearer")) {
    throw BadRequest("ChimeBearer (x-amz-chime-bearer header) is required by chime-local for SearchChannels: it "
                     "names the AppInstance to search.");
  }
  Caller caller = BearerOf(ctx, in);
  const json& fields = in.at("Fields");
  const std::string visible_to = caller.is_admin ? std::string() : caller.arn();

  // The scope covers the bearer and the fields as sent, so a token is only
  // accepted for the same search.
  const std::string scope = "SearchChannels|" + caller.arn() + "|" + fields.dump();
  auto cursor = NextTokenCursor(in, scope);
  const int limit = MaxResults(in);

  json out = json::object();
  auto filter = CombineFields(fields);
  if (!filter) {
    out["Channels"] = json::array();
    return out;
  }
  auto rows = storage::SearchChannelsPage(ctx.db, caller.app_instance_arn(), visible_to, {*filter},
                                          cursor ? cursor->tiebreak : 0, limit + 1);
  channels::EmitPage(out, "Channels", rows, limit, scope, channels::ChannelSummaryJson,
                     [](const storage::ChannelRecord& r) { return PageCursor{0, r.id}; });
  return out;
}

}  // namespace

void RegisterChannelSearchHandlers(HandlerTable& t) { t.Add(Op::kSearchChannels, SearchChannels); }

}  // namespace chime::api
