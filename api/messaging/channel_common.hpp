// Shared by the channel, membership and moderation handlers: output shapes
// (Identity, Channel, ChannelSummary, ChannelMembership), the principal check
// for ARNs named in a request, the read-visibility rule, membership creation
// (with elastic sub-channel assignment) and keyset paging.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/auth/authorizer.hpp"
#include "api/handler_support/pagination.hpp"
#include "api/handler.hpp"
#include "storage/message_repo.hpp"
#include "storage/records.hpp"

namespace chime::api::channels {

// Identity {Arn, Name}; Name left out when the principal has none (or is gone).
json IdentityJson(storage::Database& db, const std::string& arn);
json ChannelJson(storage::Database& db, const storage::ChannelRecord& c);  // Channel
json ChannelSummaryJson(const storage::ChannelRecord& c);                 // ChannelSummary
json MembershipJson(storage::Database& db, const storage::MembershipRecord& m);  // ChannelMembership
json MessageSummaryJson(const storage::MessageRecord& m);                       // ChannelMessageSummary
json ChannelMessageJson(const storage::MessageRecord& m);                       // ChannelMessage

// The AppInstanceUser/Bot `arn` of `app_instance_arn`, named by request member
// `member`. Unknown (or of another app instance) -> ResourceMissing.
storage::PrincipalRecord RequireAppInstancePrincipal(RequestContext& ctx, const std::string& app_instance_arn,
                                                     const std::string& arn, const char* member);

// Read rule for channel details and memberships: PRIVATE channels
// only for members, moderators and admins; PUBLIC for any user of the instance.
void RequireReadable(const ChannelAccess& a, const std::string& what);
// Admin or channel moderator, else ForbiddenException naming `action`.
void RequireModerator(const Caller& caller, const ChannelAccess& a, const std::string& action);

// Adds `member_arn` (already checked to be a principal of the channel's app
// instance) with `type`. Elastic channels: a moderator must name
// `sub_channel_id` (and may be a member of several sub-channels); a regular
// member is placed by balancing (elastic::PlaceRegularMember: SCALE_OUT when
// all sub-channels are full, ResourceLimitExceeded at MaximumSubChannels).
// Returns the stored membership. An existing member (any Type; a moderator:
// in that sub-channel) -> ConflictException, as on the real service.
// Banned member -> ForbiddenException.
// Throws ApiError for rule violations (caller decides per-member handling).
storage::MembershipRecord AddMembership(RequestContext& ctx, const storage::ChannelRecord& channel,
                                        const std::string& invited_by, const std::string& member_arn,
                                        const std::string& type, const std::optional<std::string>& sub_channel_id);

// Deletes the memberships of `member_arn`: every one, or only the one in
// `sub_channel_id` when given (false: there was none). Elastic channels: each
// sub-channel it left may SCALE_IN, and one left without members is deleted
// (DELETE_SUB_CHANNEL to the messaging stream; AddMembership emits
// CREATE_SUB_CHANNEL).
bool RemoveMembership(RequestContext& ctx, const storage::ChannelRecord& channel, const std::string& member_arn,
                      const std::optional<std::string>& sub_channel_id = std::nullopt);

// Keyset page: rows were fetched with limit+1; emits up to `limit` items via
// `render` into out[list_member] and NextToken from `key_of(last row)`.
template <typename Row, typename Render, typename KeyOf>
void EmitPage(json& out, const char* list_member, const std::vector<Row>& rows, int limit, const std::string& scope,
              Render render, KeyOf key_of) {
  json list = json::array();
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) list.push_back(render(rows[i]));
  out[list_member] = std::move(list);
  if (rows.size() > static_cast<size_t>(limit)) out["NextToken"] = EncodeNextToken(scope, key_of(rows[limit - 1]));
}

}  // namespace chime::api::channels
