#include "storage/retention_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

std::optional<RetentionRecord> FindRetention(Database& db, std::string_view app_instance_arn) {
  auto st = db.Prepare("SELECT retention_days, retention_set_ms FROM app_instances WHERE arn = ?");
  st.BindAll(app_instance_arn);
  if (!st.Step()) return std::nullopt;
  return RetentionRecord{st.OptInt(0), st.OptInt(1)};
}

bool SetRetention(Database& db, std::string_view app_instance_arn, const std::optional<int64_t>& days,
                  int64_t now_ms) {
  auto st = db.Prepare("UPDATE app_instances SET retention_days = ?, retention_set_ms = ? WHERE arn = ?");
  st.BindAll(days, now_ms, app_instance_arn);
  st.Run();
  return db.Changes() > 0;
}

std::vector<RetentionPolicy> ListRetentionPolicies(Database& db) {
  auto st = db.Prepare(
      "SELECT arn, retention_days, COALESCE(retention_set_ms, 0) FROM app_instances WHERE retention_days IS NOT NULL");
  std::vector<RetentionPolicy> out;
  while (st.Step()) out.push_back(RetentionPolicy{st.Text(0), st.Int(1), st.Int(2)});
  return out;
}

int64_t PurgeMessagesBefore(Database& db, std::string_view app_instance_arn, int64_t cutoff_ms) {
  // Per channel, a range on messages_by_channel_time (channel_arn, sub_channel_id, created_ms, id).
  auto st = db.Prepare(
      "DELETE FROM channel_messages WHERE channel_arn IN (SELECT arn FROM channels WHERE app_instance_arn = ?)"
      " AND created_ms < ?");
  st.BindAll(app_instance_arn, cutoff_ms);
  st.Run();
  return db.Changes();
}

}  // namespace chime::storage
