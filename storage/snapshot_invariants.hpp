// What the API guarantees of stored data, checked on an untrusted snapshot
// (after its schema matched ours and it was migrated to the latest version),
// so no handler ever meets a row the API could not have written:
//   - every column holds its declared type (INTEGER/TEXT/BLOB, or NULL);
//   - numbers within the API member's min..max (SnapshotRanges(), each naming
//     its botocore shape; tests/unit/snapshot_invariants_test.cpp holds them
//     to the model); timestamps (*_ms) within 0..9999-12-31;
//   - enum values of the API member (SnapshotEnums(), likewise);
//   - ARN shapes (arn:<partition>:chime:...:app-instance/..., per resource);
//   - JSON columns hold valid JSON; a channel flow's processors are a JSON
//     list of 1..3 processors, each with a Lambda ResourceArn, an
//     ExecutionOrder 1..3 and a FallbackAction;
//   - references the schema has no foreign key for: a channel's
//     channel_flow_arn names a flow of the same app instance; a member's app
//     instance is its channel's.
// Foreign keys, UNIQUE, NOT NULL and CHECK are the schema's own (integrity
// and foreign_key_check). Each check is one scan of its table.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace chime::storage {

class Database;

struct ColumnRange {
  std::string_view table, column;
  std::string_view shape;  // the botocore shape of the API member ("" for ours)
  int64_t min, max;
};
struct ColumnEnum {
  std::string_view table, column;
  std::string_view shape;  // the botocore shape ("" for values only we write)
  std::span<const std::string_view> values;
};

std::span<const ColumnRange> SnapshotRanges();
std::span<const ColumnEnum> SnapshotEnums();

// Throws InvalidSnapshot naming the table, column and row of the first
// broken invariant.
void RequireSnapshotInvariants(Database& snapshot);

}  // namespace chime::storage
