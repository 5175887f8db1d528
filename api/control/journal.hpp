// Request journal for tests (/_chime-local/requests): the last N AWS requests
// (--journal-size, default 1000), newest first, each with its time, request id,
// operation, status, error type and message, bearer, channel ARN, latency and
// the bound input and answer with sensitive members masked, and the account and region
// it acted in (api/auth/tenant.hpp), so parallel suites list and clear their own. Bounded memory: the oldest
// entry goes when a new one arrives at the bound. Thread-safe.
//
// Recording is on every request's path, reading is rare: an entry keeps the
// request's bound input as the dispatcher made it (shared, not copied) and its
// answer unmasked, and List() masks both (by their model shapes) and reads the
// bearer and channel from the input when it answers.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace chime::api {

struct JournalEntry {
  int64_t time_ms = 0;  // epoch milliseconds when the request arrived
  std::string request_id, operation, error_type, error_message;
  // Empty: read from the input's ChimeBearer / ChannelArn.
  std::string bearer, channel_arn;
  std::string account_id, region;
  int status = 0;
  double latency_ms = 0;
  std::shared_ptr<const nlohmann::json> input;  // as bound, unmasked (null: none)
  nlohmann::json output;                        // the answer's body, unmasked (null: none, or an error)
  // The model shapes List() masks them by (model::kNoShape: nothing to mask).
  uint16_t input_shape = UINT16_MAX, output_shape = UINT16_MAX;
};

struct JournalFilter {
  std::string operation, bearer, channel_arn, account_id, region;
  std::optional<int> status;
  std::optional<int64_t> since_ms;
  size_t limit = SIZE_MAX;
};

class Journal {
 public:
  explicit Journal(size_t capacity = 1000) : capacity_(capacity) {}
  void set_capacity(size_t capacity);
  size_t capacity() const;
  void Record(JournalEntry entry);
  // Newest first.
  nlohmann::json List(const JournalFilter& filter) const;
  // Every entry, or one account's ("" = all).
  void Clear(const std::string& account_id = "");

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  std::deque<JournalEntry> entries_;  // oldest at the front
};

}  // namespace chime::api
