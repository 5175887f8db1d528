#include "api/control/journal.hpp"

#include "api/protocol/timestamp.hpp"

namespace chime::api {

void Journal::set_capacity(size_t capacity) {
  std::lock_guard lock(mu_);
  capacity_ = capacity;
  while (entries_.size() > capacity_) entries_.pop_front();
}

size_t Journal::capacity() const {
  std::lock_guard lock(mu_);
  return capacity_;
}

void Journal::Record(JournalEntry entry) {
  std::lock_guard lock(mu_);
  if (capacity_ == 0) return;
  if (entries_.size() >= capacity_) entries_.pop_front();
  entries_.push_back(std::move(entry));
}

nlohmann::json Journal::List(const JournalFilter& f) const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (auto it = entries_.rbegin(); it != entries_.rend() && out.size() < f.limit; ++it) {
    const JournalEntry& e = *it;
    if (!f.operation.empty() && e.operation != f.operation) continue;
    if (!f.bearer.empty() && e.bearer != f.bearer) continue;
    if (!f.channel_arn.empty() && e.channel_arn != f.channel_arn) continue;
    if (f.status && e.status != *f.status) continue;
    if (f.since_ms && e.time_ms < *f.since_ms) continue;
    if (!f.account_id.empty() && e.account_id != f.account_id) continue;
    if (!f.region.empty() && e.region != f.region) continue;
    nlohmann::json j = {{"time", IsoTimestampMs(e.time_ms)},
                        {"requestId", e.request_id},
                        {"operation", e.operation},
                        {"status", e.status},
                        {"latencyMs", e.latency_ms},
                        {"accountId", e.account_id},
                        {"region", e.region},
                        {"input", e.input}};
    if (!e.error_type.empty()) {
      j["errorType"] = e.error_type;
      j["errorMessage"] = e.error_message;
    }
    if (!e.output.is_null()) j["output"] = e.output;
    if (!e.bearer.empty()) j["bearer"] = e.bearer;
    if (!e.channel_arn.empty()) j["channelArn"] = e.channel_arn;
    out.push_back(std::move(j));
  }
  return out;
}

void Journal::Clear(const std::string& account_id) {
  std::lock_guard lock(mu_);
  if (account_id.empty()) {
    entries_.clear();
    return;
  }
  std::erase_if(entries_, [&account_id](const JournalEntry& e) { return e.account_id == account_id; });
}

}  // namespace chime::api
