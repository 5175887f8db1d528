#include "api/messaging/elastic_balance.hpp"

#include <algorithm>
#include <set>

namespace chime::api::elastic {

int64_t MinimumMembers(const Limits& l) { return (l.target * l.min_pct + 99) / 100; }

Placement PlaceMember(const std::vector<SubChannelCount>& existing, const Limits& l) {
  if (existing.empty()) return {Placement::Kind::kJoin, 1};
  const SubChannelCount* below = nullptr;
  for (const auto& s : existing)
    if (s.members < l.target && (!below || s.id < below->id)) below = &s;
  if (below) return {Placement::Kind::kJoin, below->id};
  if (static_cast<int64_t>(existing.size()) >= l.max_sub_channels)
    return {Placement::Kind::kFull, 0};
  std::set<int64_t> used;
  for (const auto& s : existing) used.insert(s.id);
  int64_t free_id = 1;
  while (used.count(free_id)) ++free_id;
  return {Placement::Kind::kScaleOut, free_id};
}

std::vector<Move> PlanScaleOut(const std::vector<SubChannel>& existing, int64_t new_sub) {
  struct Source {
    int64_t id;
    int64_t count;
    std::vector<int64_t> movable;  // regular memberships, newest last
  };
  std::vector<Source> sources;
  int64_t total = 0;
  for (const auto& s : existing) {
    Source src{s.id, static_cast<int64_t>(s.members.size()), {}};
    for (const auto& m : s.members)
      if (!m.moderator) src.movable.push_back(m.membership_id);
    std::sort(src.movable.begin(), src.movable.end());
    total += src.count;
    sources.push_back(std::move(src));
  }
  const int64_t quota = (total + 1) / (static_cast<int64_t>(existing.size()) + 1) - 1;
  std::vector<Move> moves;
  while (static_cast<int64_t>(moves.size()) < quota) {
    Source* from = nullptr;
    for (auto& s : sources) {
      if (s.movable.empty()) continue;
      if (!from || s.count > from->count || (s.count == from->count && s.id < from->id)) from = &s;
    }
    if (!from) break;
    moves.push_back({from->movable.back(), from->id, new_sub});
    from->movable.pop_back();
    --from->count;
  }
  return moves;
}

std::optional<ScaleIn> PlanScaleIn(const SubChannel& shrunk,
                                   const std::vector<SubChannelCount>& others, const Limits& l) {
  if (static_cast<int64_t>(shrunk.members.size()) >= MinimumMembers(l)) return std::nullopt;
  int64_t regular = 0;
  for (const auto& m : shrunk.members)
    if (!m.moderator) ++regular;
  const SubChannelCount* into = nullptr;
  for (const auto& o : others) {
    if (o.id == shrunk.id || o.members + regular > l.target) continue;
    if (!into || o.members < into->members || (o.members == into->members && o.id < into->id))
      into = &o;
  }
  if (!into) return std::nullopt;
  ScaleIn plan;
  plan.into = into->id;
  for (const auto& m : shrunk.members) {
    if (m.moderator)
      plan.moderator_drops.push_back(m.membership_id);
    else
      plan.moves.push_back({m.membership_id, shrunk.id, into->id});
  }
  return plan;
}

}  // namespace chime::api::elastic
