#include "storage/recipient_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

std::vector<std::string> ListChannelMemberArns(Database& db, std::string_view channel_arn,
                                               std::string_view sub_channel_id) {
  std::vector<std::string> out;
  if (sub_channel_id.empty()) {
    auto st = db.Prepare("SELECT DISTINCT member_arn FROM channel_memberships WHERE channel_arn = ?");
    st.BindAll(channel_arn);
    while (st.Step()) out.push_back(st.Text(0));
  } else {
    auto st = db.Prepare("SELECT member_arn FROM channel_memberships WHERE channel_arn = ? AND sub_channel_id = ?");
    st.BindAll(channel_arn, sub_channel_id);
    while (st.Step()) out.push_back(st.Text(0));
  }
  return out;
}

}  // namespace chime::storage
