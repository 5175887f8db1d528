#include "storage/channel_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

namespace {
constexpr std::string_view kChannelColumns =
    "id, arn, app_instance_arn, name, mode, privacy, metadata, created_by_arn, created_ms, updated_ms, "
    "last_message_ms, channel_flow_arn, elastic_max_sub_channels, elastic_target_memberships, "
    "elastic_min_membership_pct, expiration_days, expiration_criterion";

// The channel columns starting at column `base` (0, or after a joined record).
ChannelRecord ReadChannel(const Statement& st, int base) {
  ChannelRecord r;
  r.id = st.Int(base + 0);
  r.arn = st.Text(base + 1);
  r.app_instance_arn = st.Text(base + 2);
  r.name = st.Text(base + 3);
  r.mode = st.Text(base + 4);
  r.privacy = st.Text(base + 5);
  r.metadata = st.OptText(base + 6);
  r.created_by_arn = st.Text(base + 7);
  r.created_ms = st.Int(base + 8);
  r.updated_ms = st.Int(base + 9);
  r.last_message_ms = st.OptInt(base + 10);
  r.channel_flow_arn = st.OptText(base + 11);
  r.elastic_max_sub_channels = st.OptInt(base + 12);
  r.elastic_target_memberships = st.OptInt(base + 13);
  r.elastic_min_membership_pct = st.OptInt(base + 14);
  r.expiration_days = st.OptInt(base + 15);
  r.expiration_criterion = st.OptText(base + 16);
  return r;
}

constexpr std::string_view kMembershipColumns =
    "id, channel_arn, member_arn, type, invited_by_arn, sub_channel_id, preferences, read_marker_ms, "
    "created_ms, updated_ms";

MembershipRecord ReadMembership(const Statement& st, int base) {
  MembershipRecord r;
  r.id = st.Int(base + 0);
  r.channel_arn = st.Text(base + 1);
  r.member_arn = st.Text(base + 2);
  r.type = st.Text(base + 3);
  r.invited_by_arn = st.Text(base + 4);
  r.sub_channel_id = st.OptText(base + 5);
  r.preferences = st.OptText(base + 6);
  r.read_marker_ms = st.OptInt(base + 7);
  r.created_ms = st.Int(base + 8);
  r.updated_ms = st.Int(base + 9);
  return r;
}

// Columns of `table` prefixed with `alias.`.
std::string Prefixed(std::string_view columns, std::string_view alias) {
  std::string out;
  size_t pos = 0;
  while (pos < columns.size()) {
    size_t comma = columns.find(',', pos);
    std::string_view col = columns.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!col.empty() && col.front() == ' ') col.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += std::string(alias) + "." + std::string(col);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

ModeratorRecord ReadModerator(const Statement& st, int base) {
  ModeratorRecord r;
  r.id = st.Int(base + 0);
  r.channel_arn = st.Text(base + 1);
  r.moderator_arn = st.Text(base + 2);
  r.created_by_arn = st.Text(base + 3);
  r.created_ms = st.Int(base + 4);
  return r;
}

BanRecord ReadBan(const Statement& st) {
  BanRecord r;
  r.id = st.Int(0);
  r.channel_arn = st.Text(1);
  r.member_arn = st.Text(2);
  r.created_by_arn = st.Text(3);
  r.created_ms = st.Int(4);
  return r;
}
}  // namespace

std::optional<ChannelRecord> FindChannel(Database& db, std::string_view arn) {
  static const std::string sql = "SELECT " + std::string(kChannelColumns) + " FROM channels WHERE arn = ?";
  auto st = db.Prepare(sql);
  st.BindAll(arn);
  if (!st.Step()) return std::nullopt;
  return ReadChannel(st, 0);
}

std::optional<MembershipRecord> FindMembership(Database& db, std::string_view channel_arn,
                                               std::string_view member_arn) {
  static const std::string sql =
      "SELECT " + std::string(kMembershipColumns) +
      " FROM channel_memberships WHERE channel_arn = ? AND member_arn = ? ORDER BY id LIMIT 1";
  auto st = db.Prepare(sql);
  st.BindAll(channel_arn, member_arn);
  if (!st.Step()) return std::nullopt;
  return ReadMembership(st, 0);
}

std::optional<MembershipRecord> FindMembershipIn(Database& db, std::string_view channel_arn,
                                                 std::string_view member_arn, std::string_view sub_channel_id) {
  static const std::string sql = "SELECT " + std::string(kMembershipColumns) +
                                 " FROM channel_memberships WHERE channel_arn = ? AND member_arn = ? AND "
                                 "IFNULL(sub_channel_id, '') = ?";
  auto st = db.Prepare(sql);
  st.BindAll(channel_arn, member_arn, sub_channel_id);
  if (!st.Step()) return std::nullopt;
  return ReadMembership(st, 0);
}

namespace {

// The memberships `sql` selects for (`channel_arn`, `value`), oldest first.
std::vector<MembershipRecord> MembershipsWhere(Database& db, const std::string& sql, std::string_view channel_arn,
                                               std::string_view value) {
  auto st = db.Prepare(sql);
  st.BindAll(channel_arn, value);
  std::vector<MembershipRecord> out;
  while (st.Step()) out.push_back(ReadMembership(st, 0));
  return out;
}

}  // namespace

std::vector<MembershipRecord> ListMembershipsInChannel(Database& db, std::string_view channel_arn,
                                                       std::string_view member_arn) {
  static const std::string sql = "SELECT " + std::string(kMembershipColumns) +
                                 " FROM channel_memberships WHERE channel_arn = ? AND member_arn = ? ORDER BY id";
  return MembershipsWhere(db, sql, channel_arn, member_arn);
}

std::vector<MembershipRecord> ListSubChannelMemberships(Database& db, std::string_view channel_arn,
                                                        std::string_view sub_channel_id) {
  static const std::string sql = "SELECT " + std::string(kMembershipColumns) +
                                 " FROM channel_memberships WHERE channel_arn = ? AND sub_channel_id = ? ORDER BY id";
  return MembershipsWhere(db, sql, channel_arn, sub_channel_id);
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

// --- writes and listings ---------------------------------------------------

void InsertChannel(Database& db, const ChannelRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, metadata, created_by_arn, created_ms, "
      "updated_ms, last_message_ms, channel_flow_arn, elastic_max_sub_channels, elastic_target_memberships, "
      "elastic_min_membership_pct, expiration_days, expiration_criterion) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindAll(r.arn, r.app_instance_arn, r.name, r.mode, r.privacy, r.metadata, r.created_by_arn, r.created_ms,
             r.updated_ms, r.last_message_ms, r.channel_flow_arn, r.elastic_max_sub_channels,
             r.elastic_target_memberships, r.elastic_min_membership_pct, r.expiration_days,
             r.expiration_criterion);
  st.Run();
}

void UpdateChannelAttributes(Database& db, std::string_view arn, const std::optional<std::string>& name,
                             const std::optional<std::string>& mode, const std::optional<std::string>& metadata,
                             int64_t updated_ms) {
  auto st = db.Prepare(
      "UPDATE channels SET name = COALESCE(?, name), mode = COALESCE(?, mode), "
      "metadata = CASE WHEN ? THEN ? ELSE metadata END, updated_ms = ? WHERE arn = ?");
  st.BindAll(name, mode, metadata.has_value(), metadata, updated_ms, arn);
  st.Run();
}

bool DeleteChannelRow(Database& db, std::string_view arn) {
  auto st = db.Prepare("DELETE FROM channels WHERE arn = ?");
  st.BindAll(arn);
  st.Run();
  return db.Changes() > 0;
}

std::vector<ChannelRecord> ListChannelsPage(Database& db, std::string_view app_instance_arn, std::string_view privacy,
                                            int64_t after_id, int limit) {
  static const std::string sql = "SELECT " + std::string(kChannelColumns) +
                                 " FROM channels WHERE app_instance_arn = ? AND (? = '' OR privacy = ?) AND id > ? "
                                 "ORDER BY id LIMIT ?";
  auto st = db.Prepare(sql);
  st.BindAll(app_instance_arn, privacy, privacy, after_id, limit);
  std::vector<ChannelRecord> out;
  while (st.Step()) out.push_back(ReadChannel(st, 0));
  return out;
}

void InsertMembership(Database& db, const MembershipRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO channel_memberships (channel_arn, member_arn, type, invited_by_arn, sub_channel_id, preferences, "
      "read_marker_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindAll(r.channel_arn, r.member_arn, r.type, r.invited_by_arn, r.sub_channel_id, r.preferences,
             r.read_marker_ms, r.created_ms, r.updated_ms);
  st.Run();
}

bool DeleteMembership(Database& db, std::string_view channel_arn, std::string_view member_arn) {
  auto st = db.Prepare("DELETE FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?");
  st.BindAll(channel_arn, member_arn);
  st.Run();
  return db.Changes() > 0;
}

std::vector<MembershipRecord> ListMembershipsPage(Database& db, std::string_view channel_arn, std::string_view type,
                                                  std::string_view sub_channel_id, int64_t after_id, int limit,
                                                  bool every_membership) {
  static const std::string sql =
      "SELECT " + std::string(kMembershipColumns) +
      " FROM channel_memberships m WHERE channel_arn = ? AND (? = '' OR type = ?) "
      "AND (? = '' OR sub_channel_id = ?) AND id > ? "
      // Across sub-channels a moderator with several memberships is listed once (its first).
      "AND (? OR ? <> '' OR id = (SELECT MIN(o.id) FROM channel_memberships o WHERE o.channel_arn = m.channel_arn AND "
      "o.member_arn = m.member_arn)) ORDER BY id LIMIT ?";
  auto st = db.Prepare(sql);
  st.BindAll(channel_arn, type, type, sub_channel_id, sub_channel_id, after_id, every_membership,
             sub_channel_id, limit);
  std::vector<MembershipRecord> out;
  while (st.Step()) out.push_back(ReadMembership(st, 0));
  return out;
}

std::vector<std::pair<MembershipRecord, ChannelRecord>> ListMembershipsOfMember(Database& db,
                                                                                std::string_view member_arn,
                                                                                int64_t after_id, int limit) {
  static const std::string sql = "SELECT " + Prefixed(kMembershipColumns, "m") + ", " +
                                 Prefixed(kChannelColumns, "c") +
                                 " FROM channel_memberships m JOIN channels c ON c.arn = m.channel_arn "
                                 "WHERE m.member_arn = ? AND m.id > ? ORDER BY m.id LIMIT ?";
  auto st = db.Prepare(sql);
  st.BindAll(member_arn, after_id, limit);
  std::vector<std::pair<MembershipRecord, ChannelRecord>> out;
  while (st.Step()) out.emplace_back(ReadMembership(st, 0), ReadChannel(st, 10));
  return out;
}

std::vector<SubChannelCount> CountSubChannelMembers(Database& db, std::string_view channel_arn) {
  auto st = db.Prepare(
      "SELECT sub_channel_id, COUNT(*) FROM channel_memberships WHERE channel_arn = ? AND sub_channel_id IS NOT NULL "
      "GROUP BY sub_channel_id ORDER BY CAST(sub_channel_id AS INTEGER), sub_channel_id");
  st.BindAll(channel_arn);
  std::vector<SubChannelCount> out;
  while (st.Step()) out.push_back({st.Text(0), st.Int(1)});
  return out;
}

void InsertModerator(Database& db, const ModeratorRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO channel_moderators (channel_arn, moderator_arn, created_by_arn, created_ms) VALUES (?, ?, ?, ?)");
  st.BindAll(r.channel_arn, r.moderator_arn, r.created_by_arn, r.created_ms);
  st.Run();
}

bool DeleteModerator(Database& db, std::string_view channel_arn, std::string_view moderator_arn) {
  auto st = db.Prepare("DELETE FROM channel_moderators WHERE channel_arn = ? AND moderator_arn = ?");
  st.BindAll(channel_arn, moderator_arn);
  st.Run();
  return db.Changes() > 0;
}

std::optional<ModeratorRecord> FindModerator(Database& db, std::string_view channel_arn,
                                             std::string_view moderator_arn) {
  auto st = db.Prepare(
      "SELECT id, channel_arn, moderator_arn, created_by_arn, created_ms FROM channel_moderators "
      "WHERE channel_arn = ? AND moderator_arn = ?");
  st.BindAll(channel_arn, moderator_arn);
  if (!st.Step()) return std::nullopt;
  return ReadModerator(st, 0);
}

std::vector<ModeratorRecord> ListModeratorsPage(Database& db, std::string_view channel_arn, int64_t after_id,
                                                int limit) {
  auto st = db.Prepare(
      "SELECT id, channel_arn, moderator_arn, created_by_arn, created_ms FROM channel_moderators "
      "WHERE channel_arn = ? AND id > ? ORDER BY id LIMIT ?");
  st.BindAll(channel_arn, after_id, limit);
  std::vector<ModeratorRecord> out;
  while (st.Step()) out.push_back(ReadModerator(st, 0));
  return out;
}

std::vector<std::pair<ModeratorRecord, ChannelRecord>> ListChannelsModeratedBy(Database& db,
                                                                               std::string_view moderator_arn,
                                                                               int64_t after_id, int limit) {
  static const std::string sql = "SELECT m.id, m.channel_arn, m.moderator_arn, m.created_by_arn, m.created_ms, " +
                                 Prefixed(kChannelColumns, "c") +
                                 " FROM channel_moderators m JOIN channels c ON c.arn = m.channel_arn "
                                 "WHERE m.moderator_arn = ? AND m.id > ? ORDER BY m.id LIMIT ?";
  auto st = db.Prepare(sql);
  st.BindAll(moderator_arn, after_id, limit);
  std::vector<std::pair<ModeratorRecord, ChannelRecord>> out;
  while (st.Step()) out.emplace_back(ReadModerator(st, 0), ReadChannel(st, 5));
  return out;
}

void InsertBan(Database& db, const BanRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO channel_bans (channel_arn, member_arn, created_by_arn, created_ms) VALUES (?, ?, ?, ?)");
  st.BindAll(r.channel_arn, r.member_arn, r.created_by_arn, r.created_ms);
  st.Run();
}

bool DeleteBan(Database& db, std::string_view channel_arn, std::string_view member_arn) {
  auto st = db.Prepare("DELETE FROM channel_bans WHERE channel_arn = ? AND member_arn = ?");
  st.BindAll(channel_arn, member_arn);
  st.Run();
  return db.Changes() > 0;
}

void DeleteBansOfMember(Database& db, std::string_view member_arn) {
  auto st = db.Prepare("DELETE FROM channel_bans WHERE member_arn = ?");
  st.BindAll(member_arn);
  st.Run();
}

std::optional<BanRecord> FindBan(Database& db, std::string_view channel_arn, std::string_view member_arn) {
  auto st = db.Prepare(
      "SELECT id, channel_arn, member_arn, created_by_arn, created_ms FROM channel_bans "
      "WHERE channel_arn = ? AND member_arn = ?");
  st.BindAll(channel_arn, member_arn);
  if (!st.Step()) return std::nullopt;
  return ReadBan(st);
}

std::vector<BanRecord> ListBansPage(Database& db, std::string_view channel_arn, int64_t after_id, int limit) {
  auto st = db.Prepare(
      "SELECT id, channel_arn, member_arn, created_by_arn, created_ms FROM channel_bans "
      "WHERE channel_arn = ? AND id > ? ORDER BY id LIMIT ?");
  st.BindAll(channel_arn, after_id, limit);
  std::vector<BanRecord> out;
  while (st.Step()) out.push_back(ReadBan(st));
  return out;
}

}  // namespace chime::storage

// --- read marker, preferences, expiration, search ---------------------------

namespace chime::storage {

bool SetReadMarker(Database& db, std::string_view channel_arn, std::string_view member_arn, int64_t read_ms) {
  auto st = db.Prepare("UPDATE channel_memberships SET read_marker_ms = ? WHERE channel_arn = ? AND member_arn = ?");
  st.BindAll(read_ms, channel_arn, member_arn);
  st.Run();
  return db.Changes() > 0;
}

bool SetMembershipPreferences(Database& db, std::string_view channel_arn, std::string_view member_arn,
                              std::string_view preferences_json) {
  auto st = db.Prepare("UPDATE channel_memberships SET preferences = ? WHERE channel_arn = ? AND member_arn = ?");
  st.BindAll(preferences_json, channel_arn, member_arn);
  st.Run();
  return db.Changes() > 0;
}

void SetChannelExpiration(Database& db, std::string_view arn, const std::optional<int64_t>& days,
                          const std::optional<std::string>& criterion, int64_t updated_ms) {
  auto st = db.Prepare(
      "UPDATE channels SET expiration_days = ?, expiration_criterion = ?, updated_ms = ? WHERE arn = ?");
  st.BindAll(days, criterion, updated_ms, arn);
  st.Run();
}

std::vector<ChannelRecord> SearchChannelsPage(Database& db, std::string_view app_instance_arn,
                                              std::string_view visible_to,
                                              const std::vector<ChannelMemberFilter>& filters, int64_t after_id,
                                              int limit) {
  // The SQL text depends only on the number and kind of filters (values are
  // bound as one JSON array each), so it stays a small set of cached statements.
  std::string sql = "SELECT " + std::string(kChannelColumns) +
                    " FROM channels c WHERE c.app_instance_arn = ? AND c.id > ? AND (? = '' OR c.arn IN ("
                    "SELECT channel_arn FROM channel_memberships WHERE member_arn = ? UNION "
                    "SELECT channel_arn FROM channel_moderators WHERE moderator_arn = ?))";
  for (const auto& f : filters) {
    // DISTINCT: a moderator of an elastic channel may hold several memberships.
    sql += " AND (SELECT COUNT(DISTINCT m.member_arn) FROM channel_memberships m WHERE m.channel_arn = c.arn AND "
           "m.member_arn IN (SELECT value FROM json_each(?))) = ?";
    if (f.equals)
      sql += " AND (SELECT COUNT(DISTINCT m.member_arn) FROM channel_memberships m WHERE m.channel_arn = c.arn) = ?";
  }
  sql += " ORDER BY c.id LIMIT ?";
  auto st = db.Prepare(sql);
  st.BindAll(app_instance_arn, after_id, visible_to, visible_to, visible_to);
  int i = 5;
  for (const auto& f : filters) {
    std::string arr = "[";
    for (size_t k = 0; k < f.values.size(); ++k) {
      if (k) arr += ',';
      arr += '"';
      for (char ch : f.values[k]) {  // ARNs are pattern-validated; escape anyway
        if (ch == '"' || ch == '\\') arr += '\\';
        arr += ch;
      }
      arr += '"';
    }
    arr += ']';
    const auto n = static_cast<int64_t>(f.values.size());
    st.Bind(++i, arr);
    st.Bind(++i, n);
    if (f.equals) st.Bind(++i, n);
  }
  st.Bind(++i, limit);
  std::vector<ChannelRecord> out;
  while (st.Step()) out.push_back(ReadChannel(st, 0));
  return out;
}


namespace {
// "a, b" -> "p.a, p.b"
std::string Qualified(std::string_view columns, std::string_view table) {
  std::string out;
  size_t start = 0;
  while (start < columns.size()) {
    size_t comma = columns.find(',', start);
    std::string_view col = columns.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!col.empty() && col.front() == ' ') col.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += table;
    out += '.';
    out += col;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}
}  // namespace

std::optional<ChannelRole> FindChannelRole(Database& db, std::string_view channel_arn, std::string_view principal_arn) {
  // One statement instead of four on the hot path of every channel operation.
  static const std::string sql =
      "SELECT " + Qualified(kChannelColumns, "c") + ", " + Qualified(kMembershipColumns, "m") +
      ", EXISTS (SELECT 1 FROM channel_moderators WHERE channel_arn = c.arn AND moderator_arn = ?2)"
      ", EXISTS (SELECT 1 FROM channel_bans WHERE channel_arn = c.arn AND member_arn = ?2)"
      " FROM channels c LEFT JOIN channel_memberships m ON m.id = (SELECT MIN(id) FROM channel_memberships"
      " WHERE channel_arn = c.arn AND member_arn = ?2)"
      " WHERE c.arn = ?1";
  auto st = db.Prepare(sql);
  st.Bind(1, channel_arn).Bind(2, principal_arn);
  if (!st.Step()) return std::nullopt;
  constexpr int kMembershipBase = 17;
  ChannelRole role;
  role.channel = ReadChannel(st, 0);
  if (!st.IsNull(kMembershipBase)) role.membership = ReadMembership(st, kMembershipBase);
  role.moderator = st.Int(kMembershipBase + 10) != 0;
  role.banned = st.Int(kMembershipBase + 11) != 0;
  return role;
}

std::vector<std::string> ListChannelArnsOfAppInstance(Database& db, std::string_view app_instance_arn) {
  auto st = db.Prepare("SELECT arn FROM channels WHERE app_instance_arn = ?");
  st.BindAll(app_instance_arn);
  std::vector<std::string> out;
  while (st.Step()) out.push_back(st.Text(0));
  return out;
}

}  // namespace chime::storage
