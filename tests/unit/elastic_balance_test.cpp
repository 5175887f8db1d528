// The decisions of elastic-channel membership balancing (api/messaging/elastic_balance.hpp).
#include "api/messaging/elastic_balance.hpp"

#include <gtest/gtest.h>

namespace chime::api::elastic {
namespace {

const Limits kLimits{/*max_sub_channels=*/3, /*target=*/4,
                     /*min_pct=*/40};  // minimum: ceil(1.6) = 2

SubChannel Sub(int64_t id, std::vector<int64_t> regular, std::vector<int64_t> moderators = {}) {
  SubChannel s{id, {}};
  for (auto m : regular) s.members.push_back({m, false});
  for (auto m : moderators) s.members.push_back({m, true});
  return s;
}

TEST(ElasticBalanceTest, MinimumIsTheCeilingOfThePercentageOfTheTarget) {
  EXPECT_EQ(MinimumMembers(kLimits), 2);
  EXPECT_EQ(MinimumMembers({2, 10, 40}), 4);
  EXPECT_EQ(MinimumMembers({2, 3, 1}), 1);
}

TEST(ElasticBalanceTest, AMemberJoinsTheLowestSubChannelBelowTarget) {
  EXPECT_EQ(PlaceMember({}, kLimits).kind, Placement::Kind::kJoin);
  EXPECT_EQ(PlaceMember({}, kLimits).sub_channel, 1);
  auto p = PlaceMember({{1, 4}, {2, 3}, {3, 1}}, kLimits);
  EXPECT_EQ(p.kind, Placement::Kind::kJoin);
  EXPECT_EQ(p.sub_channel, 2);
}

TEST(ElasticBalanceTest, AllFullScalesOutIntoTheLowestFreeNumberUntilTheMaximum) {
  auto p = PlaceMember({{1, 4}, {3, 4}}, kLimits);
  EXPECT_EQ(p.kind, Placement::Kind::kScaleOut);
  EXPECT_EQ(p.sub_channel, 2);
  EXPECT_EQ(PlaceMember({{1, 4}, {2, 4}, {3, 4}}, kLimits).kind, Placement::Kind::kFull);
}

TEST(ElasticBalanceTest, ScaleOutMovesTheNewestRegularMembersOfTheFullestSubChannels) {
  // 4 members in one sub-channel + the newcomer: the new one ends with floor(5/2) = 2, one moved.
  auto moves = PlanScaleOut({Sub(1, {10, 11, 12, 13})}, 2);
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].membership_id, 13);
  EXPECT_EQ(moves[0].from, 1);
  EXPECT_EQ(moves[0].to, 2);
  // Two full ones (9 with the newcomer): the new one gets 3 in all, two moved, one from each.
  moves = PlanScaleOut({Sub(1, {1, 2, 3, 4}), Sub(2, {5, 6, 7, 8})}, 3);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].membership_id, 4);
  EXPECT_EQ(moves[1].membership_id, 8);
}

TEST(ElasticBalanceTest, ScaleOutNeverMovesModerators) {
  auto moves = PlanScaleOut({Sub(1, {}, {1, 2, 3, 4})}, 2);
  EXPECT_TRUE(moves.empty());
  moves = PlanScaleOut({Sub(1, {1}, {2, 3, 4})}, 2);
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].membership_id, 1);
}

TEST(ElasticBalanceTest, TargetTwoOpensTheNewSubChannelWithTheNewcomerAlone) {
  // floor(3/2) - 1 = 0: nothing moves, as the guide's example ("adds any new members there").
  EXPECT_TRUE(PlanScaleOut({Sub(1, {1, 2})}, 2).empty());
}

TEST(ElasticBalanceTest, ScaleInMergesIntoTheEmptiestSubChannelThatTakesEveryMember) {
  auto plan = PlanScaleIn(Sub(2, {7}, {9}), {{1, 3}, {2, 2}, {3, 2}}, kLimits);
  EXPECT_FALSE(plan) << "two memberships: not below the minimum";
  plan = PlanScaleIn(Sub(2, {7}), {{1, 3}, {2, 1}, {3, 2}}, kLimits);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->into, 3);
  ASSERT_EQ(plan->moves.size(), 1u);
  EXPECT_EQ(plan->moves[0].membership_id, 7);
  EXPECT_TRUE(plan->moderator_drops.empty());
}

TEST(ElasticBalanceTest, ScaleInDropsModeratorsAndNeedsRoomForEveryRegularMember) {
  auto plan = PlanScaleIn(Sub(2, {}, {9}), {{1, 4}, {2, 1}}, kLimits);
  ASSERT_TRUE(plan) << "no regular member: any other sub-channel takes them";
  EXPECT_EQ(plan->into, 1);
  EXPECT_TRUE(plan->moves.empty());
  EXPECT_EQ(plan->moderator_drops, std::vector<int64_t>{9});
  EXPECT_FALSE(PlanScaleIn(Sub(2, {5}), {{1, 4}, {2, 1}}, kLimits)) << "sub-channel 1 is full";
  EXPECT_FALSE(PlanScaleIn(Sub(1, {5}), {{1, 1}}, kLimits)) << "no other sub-channel";
}

}  // namespace
}  // namespace chime::api::elastic
