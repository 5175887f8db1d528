// Membership balancing of elastic channels, as pure decisions on sub-channel
// counts and membership ids (no storage, no I/O; unit-tested in
// tests/unit/elastic_balance_test.cpp). api/messaging/elastic_rebalance.cpp
// applies them. Developer guide, "Managing elastic channel members": SCALE_OUT
// opens a sub-channel when a member arrives and every sub-channel is full and
// moves memberships into it; SCALE_IN empties a sub-channel that fell below
// MinimumMembershipPercentage of TargetMembershipsPerSubChannel into another
// one that can take all of its members, then deletes it. Moderator
// memberships are never moved. Where the guide leaves a choice open this
// file makes it, deterministically (docs/aws-parity.md, "Elastic channels").
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace chime::api::elastic {

struct Limits {
  int64_t max_sub_channels = 0;  // MaximumSubChannels
  int64_t target = 0;            // TargetMembershipsPerSubChannel
  int64_t min_pct = 0;           // MinimumMembershipPercentage
};

// ceil(TargetMembershipsPerSubChannel * MinimumMembershipPercentage / 100)
// (the model: "Ceil of the calculated value is used in balancing members").
int64_t MinimumMembers(const Limits& l);

// A sub-channel and every membership in it (moderators included).
struct SubChannelCount {
  int64_t id = 0;  // "1".."MaximumSubChannels" as a number
  int64_t members = 0;
};

struct Placement {
  enum class Kind {
    kJoin,      // join `sub_channel` (an existing one below target, or "1" of an empty channel)
    kScaleOut,  // open `sub_channel`, move members into it (PlanScaleOut), join it
    kFull,      // MaximumSubChannels sub-channels, all at target: ResourceLimitExceeded
  };
  Kind kind = Kind::kFull;
  int64_t sub_channel = 0;
};

// Where a new regular member goes: the lowest-numbered sub-channel below
// target; none below target -> SCALE_OUT into the lowest free number while
// fewer than MaximumSubChannels exist; else kFull. `existing` by id.
Placement PlaceMember(const std::vector<SubChannelCount>& existing, const Limits& l);

struct Member {
  int64_t membership_id = 0;
  bool moderator = false;
};
struct SubChannel {
  int64_t id = 0;
  std::vector<Member> members;  // by membership id, oldest first
};
struct Move {
  int64_t membership_id = 0;
  int64_t from = 0;
  int64_t to = 0;
};

// SCALE_OUT into `new_sub` (the new member joins it after the moves): the new
// sub-channel gets floor((members + 1) / (sub-channels + 1)) memberships in
// all, the newcomer included. One at a time, each from the sub-channel with
// the most memberships at that point (lowest id on ties) that still has a
// regular member: its most recently created regular membership.
std::vector<Move> PlanScaleOut(const std::vector<SubChannel>& existing, int64_t new_sub);

struct ScaleIn {
  int64_t into = 0;                      // the sub-channel that takes the regular members
  std::vector<Move> moves;               // every regular membership of the shrunk one
  std::vector<int64_t> moderator_drops;  // moderator memberships deleted with it
};

// SCALE_IN of `shrunk` after a membership left it: when it holds fewer than
// MinimumMembers and another sub-channel can take all its regular members
// without passing the target. Into: the one with the fewest memberships
// (lowest id on ties). nullopt: `shrunk` stays.
std::optional<ScaleIn> PlanScaleIn(const SubChannel& shrunk,
                                   const std::vector<SubChannelCount>& others, const Limits& l);

}  // namespace chime::api::elastic
