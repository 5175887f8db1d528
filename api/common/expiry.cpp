#include "api/common/expiry.hpp"

#include "api/common/days.hpp"
#include "storage/expiry_repo.hpp"
#include "storage/purge.hpp"
#include "storage/retention_repo.hpp"

namespace chime::api {

std::optional<int64_t> ExpiresAtMs(const std::optional<int64_t>& days, const std::optional<std::string>& criterion,
                                   int64_t created_ms, const std::optional<int64_t>& last_message_ms) {
  if (!days) return std::nullopt;
  int64_t from = created_ms;
  if (criterion && *criterion == "LAST_MESSAGE_TIMESTAMP" && last_message_ms) from = *last_message_ms;
  return PlusDaysMs(from, *days);  // saturates: huge days never wrap into the past
}

bool ChannelExpired(const storage::ChannelRecord& c, int64_t now_ms) {
  auto at = ExpiresAtMs(c.expiration_days, c.expiration_criterion, c.created_ms, c.last_message_ms);
  return at && *at <= now_ms;
}

bool PrincipalExpired(const storage::PrincipalRecord& p, int64_t now_ms) {
  auto at = ExpiresAtMs(p.expiration_days, p.expiration_criterion, p.created_ms, std::nullopt);
  return at && *at <= now_ms;
}

SweepResult SweepExpired(storage::Database& db, int64_t now_ms) {
  SweepResult result;
  for (const auto& r : storage::ListExpiringResources(db)) {
    auto at = ExpiresAtMs(r.expiration_days, r.criterion, r.created_ms, r.last_message_ms);
    if (!at || *at > now_ms) continue;
    if (r.kind == "channel") {
      if (storage::PurgeChannel(db, r.arn)) ++result.channels;
    } else if (storage::PurgePrincipal(db, r.arn, r.kind)) {
      ++result.principals;
      result.principal_arns.push_back(r.arn);
    }
  }
  for (const auto& p : storage::ListRetentionPolicies(db)) {
    if (now_ms < PlusDaysMs(p.set_ms, kRetentionGraceDays)) continue;  // still restorable
    result.messages += storage::PurgeMessagesBefore(db, p.app_instance_arn, MinusDaysMs(now_ms, p.days));
  }
  return result;
}

}  // namespace chime::api
