#include "storage/expiry_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

std::vector<ExpiringResource> ListExpiringResources(Database& db) {
  std::vector<ExpiringResource> out;
  {
    auto st = db.Prepare(
        "SELECT arn, expiration_days, expiration_criterion, created_ms, last_message_ms FROM channels "
        "WHERE expiration_days IS NOT NULL");
    while (st.Step()) {
      out.push_back({st.Text(0), "channel", st.Int(1), st.Text(2), st.Int(3), st.OptInt(4)});
    }
  }
  auto st = db.Prepare(
      "SELECT arn, kind, expiration_days, expiration_criterion, created_ms FROM principals "
      "WHERE expiration_days IS NOT NULL");
  while (st.Step()) out.push_back({st.Text(0), st.Text(1), st.Int(2), st.Text(3), st.Int(4), std::nullopt});
  return out;
}

}  // namespace chime::storage
