// Reads and writes of channels, memberships, moderators and bans.
// Call under an open Transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace chime::storage {

std::optional<ChannelRecord> FindChannel(Database& db, std::string_view arn);
// The member's first membership (lowest id) in the channel.
std::optional<MembershipRecord> FindMembership(Database& db, std::string_view channel_arn,
                                               std::string_view member_arn);
// The membership in `sub_channel_id` ("" = outside sub-channels).
std::optional<MembershipRecord> FindMembershipIn(Database& db, std::string_view channel_arn,
                                                 std::string_view member_arn, std::string_view sub_channel_id);
// Every membership of `member_arn` in the channel, by id: several only for a
// moderator of an elastic channel (one per sub-channel).
std::vector<MembershipRecord> ListMembershipsInChannel(Database& db, std::string_view channel_arn,
                                                       std::string_view member_arn);
// The memberships of one sub-channel of an elastic channel, by id (oldest first).
std::vector<MembershipRecord> ListSubChannelMemberships(Database& db, std::string_view channel_arn,
                                                        std::string_view sub_channel_id);
bool IsChannelModerator(Database& db, std::string_view channel_arn, std::string_view principal_arn);
bool IsChannelBanned(Database& db, std::string_view channel_arn, std::string_view principal_arn);

// A channel with one principal's place in it (membership, moderator, banned),
// read with one statement; nullopt for an unknown channel.
struct ChannelRole {
  ChannelRecord channel;
  std::optional<MembershipRecord> membership;
  bool moderator = false;
  bool banned = false;
};
std::optional<ChannelRole> FindChannelRole(Database& db, std::string_view channel_arn, std::string_view principal_arn);
// Every channel ARN of an app instance (app instance deletion).
std::vector<std::string> ListChannelArnsOfAppInstance(Database& db, std::string_view app_instance_arn);

// --- Channel, membership, moderator and ban writes and listings -------------
// (api/messaging/channels.cpp, channel_memberships.cpp, channel_moderation.cpp)
// Listings page by the row id (keyset: rows with id > after_id, ascending),
// which is stable while rows are inserted.

struct ModeratorRecord {
  int64_t id = 0;
  std::string channel_arn;
  std::string moderator_arn;
  std::string created_by_arn;
  int64_t created_ms = 0;
};

struct BanRecord {
  int64_t id = 0;
  std::string channel_arn;
  std::string member_arn;
  std::string created_by_arn;
  int64_t created_ms = 0;
};

struct SubChannelCount {
  std::string sub_channel_id;
  int64_t members = 0;
};

// Inserts r (r.id ignored). Throws ConstraintError if the ARN exists.
void InsertChannel(Database& db, const ChannelRecord& r);
// Updates Name/Mode/Metadata (nullopt = unchanged; metadata "" is stored as given).
void UpdateChannelAttributes(Database& db, std::string_view arn, const std::optional<std::string>& name,
                             const std::optional<std::string>& mode, const std::optional<std::string>& metadata,
                             int64_t updated_ms);
// Deletes the channel; memberships, moderators, bans and messages go by cascade.
bool DeleteChannelRow(Database& db, std::string_view arn);
// Channels of an app instance, privacy "" = any.
std::vector<ChannelRecord> ListChannelsPage(Database& db, std::string_view app_instance_arn, std::string_view privacy,
                                            int64_t after_id, int limit);

// Throws ConstraintError if (channel, member, sub-channel) exists.
void InsertMembership(Database& db, const MembershipRecord& r);
// Deletes every membership of the member in the channel (all its sub-channels).
bool DeleteMembership(Database& db, std::string_view channel_arn, std::string_view member_arn);
// type "" = any; sub_channel_id "" = any (then a member with several
// memberships is listed once, by its first, unless `every_membership`).
std::vector<MembershipRecord> ListMembershipsPage(Database& db, std::string_view channel_arn, std::string_view type,
                                                  std::string_view sub_channel_id, int64_t after_id, int limit,
                                                  bool every_membership = false);
// Memberships of one principal across channels (joined with their channel), by membership id.
std::vector<std::pair<MembershipRecord, ChannelRecord>> ListMembershipsOfMember(Database& db,
                                                                                std::string_view member_arn,
                                                                                int64_t after_id, int limit);
// Elastic channels: members per sub-channel (only sub-channels with members), ordered by id as number.
std::vector<SubChannelCount> CountSubChannelMembers(Database& db, std::string_view channel_arn);

// Throws ConstraintError if (channel, moderator) exists.
void InsertModerator(Database& db, const ModeratorRecord& r);
bool DeleteModerator(Database& db, std::string_view channel_arn, std::string_view moderator_arn);
std::optional<ModeratorRecord> FindModerator(Database& db, std::string_view channel_arn,
                                             std::string_view moderator_arn);
std::vector<ModeratorRecord> ListModeratorsPage(Database& db, std::string_view channel_arn, int64_t after_id,
                                                int limit);
// Channels a principal moderates, by moderator row id.
std::vector<std::pair<ModeratorRecord, ChannelRecord>> ListChannelsModeratedBy(Database& db,
                                                                               std::string_view moderator_arn,
                                                                               int64_t after_id, int limit);

// Throws ConstraintError if (channel, member) is already banned.
void InsertBan(Database& db, const BanRecord& r);
bool DeleteBan(Database& db, std::string_view channel_arn, std::string_view member_arn);
// Every ban of `member_arn`, in all channels (its AppInstanceUser/Bot is being
// deleted: "Bans are cleaned up when you delete users or channels").
void DeleteBansOfMember(Database& db, std::string_view member_arn);
std::optional<BanRecord> FindBan(Database& db, std::string_view channel_arn, std::string_view member_arn);
std::vector<BanRecord> ListBansPage(Database& db, std::string_view channel_arn, int64_t after_id, int limit);

}  // namespace chime::storage

// --- Read marker, membership preferences, expiration, search ----------------
// (api/messaging/channel_preferences.cpp, channel_search.cpp)

namespace chime::storage {

// Sets read_marker_ms of (channel, member); false if there is no such membership.
bool SetReadMarker(Database& db, std::string_view channel_arn, std::string_view member_arn, int64_t read_ms);
// Stores preferences (JSON text) of (channel, member); false if there is no such membership.
bool SetMembershipPreferences(Database& db, std::string_view channel_arn, std::string_view member_arn,
                              std::string_view preferences_json);
// Sets (both given) or clears (both nullopt) the channel's expiration settings.
void SetChannelExpiration(Database& db, std::string_view arn, const std::optional<int64_t>& days,
                          const std::optional<std::string>& criterion, int64_t updated_ms);

// One SearchChannels field on MEMBERS: the channel's memberships (any Type)
// include every value (equals = false) or are exactly the set of values
// (equals = true). `values` must hold distinct ARNs.
struct ChannelMemberFilter {
  bool equals = false;
  std::vector<std::string> values;
};
// Channels of `app_instance_arn` matching every filter, by id (> after_id).
// visible_to non-empty: only channels where that principal has a membership or
// is a moderator.
std::vector<ChannelRecord> SearchChannelsPage(Database& db, std::string_view app_instance_arn,
                                              std::string_view visible_to,
                                              const std::vector<ChannelMemberFilter>& filters, int64_t after_id,
                                              int limit);

}  // namespace chime::storage
