// Channel message history (PERSISTENT messages only; NON_PERSISTENT ones are
// never stored). Reads page by (created_ms, id) keyset on the
// messages_by_channel_time index, so a page costs O(page) whatever the
// history size, and pages stay stable while messages are inserted.
// Call under an open Transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace chime::storage {

struct MessageRecord {
  int64_t id = 0;  // row id: creation order, the pagination tiebreak
  std::string message_id;
  std::string channel_arn;
  std::string sub_channel_id;  // "" outside elastic channels
  std::string sender_arn;
  std::optional<std::string> sender_name;
  std::string type;         // STANDARD | CONTROL
  std::string persistence;  // PERSISTENT
  std::optional<std::string> content;   // null once redacted
  std::optional<std::string> metadata;  // null once redacted
  std::optional<std::string> content_type;
  std::optional<std::string> message_attributes;  // JSON object
  std::optional<std::string> push_notification;   // JSON object
  std::optional<std::string> target_arn;
  std::string status = "SENT";
  std::optional<std::string> status_detail;
  bool redacted = false;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::optional<int64_t> edited_ms;
};

// Inserts `r` (r.id ignored) and returns the new row id.
int64_t InsertMessage(Database& db, const MessageRecord& r);

// The message `message_id` of `channel_arn`, or nullopt.
std::optional<MessageRecord> FindMessage(Database& db, std::string_view channel_arn, std::string_view message_id);

struct MessageQuery {
  std::string_view channel_arn;
  std::string_view sub_channel_id;  // "" outside elastic channels
  std::string_view viewer_arn;      // targeted messages are returned only to their sender or target,
                                    // messages not SENT (channel flows) only to their sender
  bool ascending = false;
  int64_t not_before_ms = INT64_MIN;  // inclusive
  int64_t not_after_ms = INT64_MAX;   // inclusive
  // Keyset cursor: rows strictly after (ascending) / before (descending) this
  // (created_ms, id) position.
  std::optional<std::pair<int64_t, int64_t>> after;
  int limit = 50;
};
std::vector<MessageRecord> ListMessages(Database& db, const MessageQuery& q);

// Every stored message of one (sub-)channel, whatever its status or target,
// newest first, strictly before the (created_ms, id) position `before` (the
// inspector page, GET /_chime-local/state/messages): one index walk of at
// most `limit` rows, whatever the history size.
std::vector<MessageRecord> ListAllMessagesNewestFirst(Database& db, std::string_view channel_arn,
                                                      std::string_view sub_channel_id,
                                                      std::optional<std::pair<int64_t, int64_t>> before, int limit);

// Content edit by the sender: sets content, metadata, content type and the
// edit/update time.
void UpdateMessageContent(Database& db, int64_t id, std::string_view content, const std::optional<std::string>& metadata,
                          const std::optional<std::string>& content_type, int64_t now_ms);
// Channel flows: writes back what a processor may change and the status
// (content, metadata, content type, message attributes, push notification,
// status, status detail, updated and edited times) of row r.id.
void SaveProcessedMessage(Database& db, const MessageRecord& r);
// Redaction: content and metadata removed, redacted = 1.
void RedactMessage(Database& db, int64_t id, int64_t now_ms);
// Deletion: the row is removed (deleted messages never come back in reads).
void DeleteMessage(Database& db, int64_t id);

// channels.last_message_ms = max(current, ms).
void TouchChannelLastMessage(Database& db, std::string_view channel_arn, int64_t ms);

}  // namespace chime::storage
