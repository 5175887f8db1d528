#include "storage/channel_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

namespace {
constexpr std::string_view kChannelColumns =
    "id, arn, app_instance_arn, name, mode, privacy, metadata, created_by_arn, created_ms, updated_ms, "
    "last_message_ms, channel_flow_arn, elastic_max_sub_channels, elastic_target_memberships, "
    "elastic_min_membership_pct, expiration_days, expiration_criterion";

ChannelRecord ReadChannel(const Statement& st) {
  ChannelRecord r;
  r.id = st.Int(0);
  r.arn = st.Text(1);
  r.app_instance_arn = st.Text(2);
  r.name = st.Text(3);
  r.mode = st.Text(4);
  r.privacy = st.Text(5);
  r.metadata = st.OptText(6);
  r.created_by_arn = st.Text(7);
  r.created_ms = st.Int(8);
  r.updated_ms = st.Int(9);
  r.last_message_ms = st.OptInt(10);
  r.channel_flow_arn = st.OptText(11);
  r.elastic_max_sub_channels = st.OptInt(12);
  r.elastic_target_memberships = st.OptInt(13);
  r.elastic_min_membership_pct = st.OptInt(14);
  r.expiration_days = st.OptInt(15);
  r.expiration_criterion = st.OptText(16);
  return r;
}
}  // namespace

std::optional<ChannelRecord> FindChannel(Database& db, std::string_view arn) {
  static const std::string sql = "SELECT " + std::string(kChannelColumns) + " FROM channels WHERE arn = ?";
  auto st = db.Prepare(sql);
  st.BindAll(arn);
  if (!st.Step()) return std::nullopt;
  return ReadChannel(st);
}

std::optional<MembershipRecord> FindMembership(Database& db, std::string_view channel_arn,
                                               std::string_view member_arn) {
  auto st = db.Prepare(
      "SELECT id, channel_arn, member_arn, type, invited_by_arn, sub_channel_id, preferences, read_marker_ms, "
      "created_ms, updated_ms FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?");
  st.BindAll(channel_arn, member_arn);
  if (!st.Step()) return std::nullopt;
  MembershipRecord r;
  r.id = st.Int(0);
  r.channel_arn = st.Text(1);
  r.member_arn = st.Text(2);
  r.type = st.Text(3);
  r.invited_by_arn = st.Text(4);
  r.sub_channel_id = st.OptText(5);
  r.preferences = st.OptText(6);
  r.read_marker_ms = st.OptInt(7);
  r.created_ms = st.Int(8);
  r.updated_ms = st.Int(9);
  return r;
}

bool IsChannelModerator(Database& db, std::string_view channel_arn, std::string_view principal_arn) {
  auto st = db.Prepare("SELECT 1 FROM channel_moderators WHERE channel_arn = ? AND moderator_arn = ?");
  st.BindAll(channel_arn, principal_arn);
  return st.Step();
}

bool IsChannelBanned(Database& db, std::string_view channel_arn, std::string_view principal_arn) {
  auto st = db.Prepare("SELECT 1 FROM channel_bans WHERE channel_arn = ? AND member_arn = ?");
  st.BindAll(channel_arn, principal_arn);
  return st.Step();
}

}  // namespace chime::storage
