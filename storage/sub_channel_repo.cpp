#include "storage/sub_channel_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

void MoveMembership(Database& db, int64_t id, std::string_view sub_channel_id, int64_t updated_ms) {
  auto st =
      db.Prepare("UPDATE channel_memberships SET sub_channel_id = ?, updated_ms = ? WHERE id = ?");
  st.BindAll(sub_channel_id, updated_ms, id);
  st.Run();
}

void DeleteMembershipById(Database& db, int64_t id) {
  auto st = db.Prepare("DELETE FROM channel_memberships WHERE id = ?");
  st.BindAll(id);
  st.Run();
}

void DeleteSubChannelMessages(Database& db, std::string_view channel_arn,
                              std::string_view sub_channel_id) {
  auto st = db.Prepare("DELETE FROM channel_messages WHERE channel_arn = ? AND sub_channel_id = ?");
  st.BindAll(channel_arn, sub_channel_id);
  st.Run();
}

}  // namespace chime::storage
