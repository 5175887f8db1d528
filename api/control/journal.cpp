#include "api/control/journal.hpp"

#include "api/protocol/input_log.hpp"
#include "api/protocol/timestamp.hpp"

namespace chime::api {

namespace {

// A string member of the entry's input ("" when absent).
std::string_view InputString(const JournalEntry& e, const char* member) {
  if (!e.input || !e.input->is_object()) return {};
  auto it = e.input->find(member);
  return it != e.input->end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>())
                                                 : std::string_view();
}

std::string_view BearerOf(const JournalEntry& e) {
  return e.bearer.empty() ? InputString(e, "ChimeBearer") : std::string_view(e.bearer);
}

std::string_view ChannelOf(const JournalEntry& e) {
  return e.channel_arn.empty() ? InputString(e, "ChannelArn") : std::string_view(e.channel_arn);
}

nlohmann::json Masked(const nlohmann::json& value, uint16_t shape) {
  nlohmann::json copy = value;
  MaskSensitive(shape, copy);
  return copy;
}

}  // namespace

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
    const std::string_view bearer = BearerOf(e), channel_arn = ChannelOf(e);
    if (!f.bearer.empty() && bearer != f.bearer) continue;
    if (!f.channel_arn.empty() && channel_arn != f.channel_arn) continue;
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
                        {"input", e.input ? Masked(*e.input, e.input_shape) : nlohmann::json()}};
    if (!e.error_type.empty()) {
      j["errorType"] = e.error_type;
      j["errorMessage"] = e.error_message;
    }
    if (!e.output.is_null()) j["output"] = Masked(e.output, e.output_shape);
    if (!bearer.empty()) j["bearer"] = bearer;
    if (!channel_arn.empty()) j["channelArn"] = channel_arn;
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
