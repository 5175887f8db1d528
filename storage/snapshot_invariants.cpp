#include "storage/snapshot_invariants.hpp"

#include <map>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/snapshot.hpp"
#include "storage/table_order.hpp"

namespace chime::storage {

namespace {

constexpr int64_t kInt32Max = 2147483647;  // a botocore "integer" without max
constexpr int64_t kMaxTimeMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

constexpr ColumnRange kRanges[] = {
    {"app_instances", "retention_days", "RetentionDays", 1, 5475},
    {"principals", "expiration_days", "ExpirationDays", 1, 5475},
    {"channels", "expiration_days", "ExpirationDays", 1, 5475},
    {"channels", "elastic_max_sub_channels", "MaximumSubChannels", 2, kInt32Max},
    {"channels", "elastic_target_memberships", "TargetMembershipsPerSubChannel", 2, kInt32Max},
    {"channels", "elastic_min_membership_pct", "MinimumMembershipPercentage", 1, 40},
    {"channel_messages", "redacted", "", 0, 1},
    {"bot_invocations", "targeted", "", 0, 1},
    {"channel_messages", "deleted", "", 0, 1},
    {"channel_flow_invocations", "processor_index", "", 0, 2},  // ProcessorList has at most 3
};

constexpr std::string_view kModes[] = {"UNRESTRICTED", "RESTRICTED"};
constexpr std::string_view kPrivacies[] = {"PUBLIC", "PRIVATE"};
constexpr std::string_view kChannelCriteria[] = {"CREATED_TIMESTAMP", "LAST_MESSAGE_TIMESTAMP"};
constexpr std::string_view kUserCriteria[] = {"CREATED_TIMESTAMP"};
constexpr std::string_view kMembershipTypes[] = {"DEFAULT", "HIDDEN"};
constexpr std::string_view kMessageTypes[] = {"STANDARD", "CONTROL"};
constexpr std::string_view kPersistences[] = {"PERSISTENT", "NON_PERSISTENT"};
constexpr std::string_view kStatuses[] = {"SENT", "PENDING", "FAILED", "DENIED"};
constexpr std::string_view kEndpointTypes[] = {"APNS", "APNS_SANDBOX", "GCM"};
constexpr std::string_view kAllowMessages[] = {"ALL", "NONE"};
constexpr std::string_view kEndpointStatuses[] = {"ACTIVE", "INACTIVE"};
constexpr std::string_view kEndpointReasons[] = {"INVALID_DEVICE_TOKEN", "INVALID_PINPOINT_ARN"};
constexpr std::string_view kActions[] = {"CREATE", "UPDATE"};
constexpr std::string_view kStates[] = {"PENDING", "DONE", "FAILED"};
constexpr std::string_view kBotStates[] = {"PENDING", "DONE"};

const ColumnEnum kEnums[] = {
    {"channels", "mode", "ChannelMode", kModes},
    {"channels", "privacy", "ChannelPrivacy", kPrivacies},
    {"channels", "expiration_criterion", "ExpirationCriterion", kChannelCriteria},
    {"principals", "expiration_criterion", "ExpirationCriterion", kUserCriteria},  // identity's
    {"channel_memberships", "type", "ChannelMembershipType", kMembershipTypes},
    {"channel_messages", "type", "ChannelMessageType", kMessageTypes},
    {"channel_messages", "persistence", "ChannelMessagePersistenceType", kPersistences},
    {"channel_messages", "status", "ChannelMessageStatus", kStatuses},
    {"app_instance_user_endpoints", "type", "AppInstanceUserEndpointType", kEndpointTypes},
    {"app_instance_user_endpoints", "allow_messages", "AllowMessages", kAllowMessages},
    {"app_instance_user_endpoints", "status", "EndpointStatus", kEndpointStatuses},
    {"app_instance_user_endpoints", "status_reason", "EndpointStatusReason", kEndpointReasons},
    {"channel_flow_invocations", "action", "", kActions},
    {"channel_flow_invocations", "state", "", kStates},
    {"bot_invocations", "state", "", kBotStates},
};

// ARN shapes (GLOB), as api/common/arn.cpp builds and parses them; ARNs a
// caller passes in (ChimeBearer, members) only to the ChimeArn shape.
constexpr std::string_view kChimeArn = "arn:?*:*:*:*:?*";
constexpr std::string_view kFlowArn = "arn:?*:chime:*:*:app-instance/?*/channel-flow/?*";
struct ArnRule {
  std::string_view table, column, glob;
};
constexpr ArnRule kArns[] = {
    {"app_instances", "arn", "arn:?*:chime:*:*:app-instance/?*"},
    {"channels", "arn", "arn:?*:chime:*:*:app-instance/?*/channel/?*"},
    {"channel_flows", "arn", kFlowArn},
    {"channels", "channel_flow_arn", kFlowArn},
    {"channel_flow_invocations", "flow_arn", kFlowArn},
    {"channels", "created_by_arn", kChimeArn},
    {"channel_memberships", "invited_by_arn", kChimeArn},
    {"channel_moderators", "created_by_arn", kChimeArn},
    {"channel_bans", "member_arn", kChimeArn},
    {"channel_bans", "created_by_arn", kChimeArn},
    {"channel_messages", "sender_arn", kChimeArn},
    {"channel_messages", "target_arn", kChimeArn},
};

constexpr std::string_view kJsonColumns[][2] = {
    {"principals", "configuration"},          {"channel_memberships", "preferences"},
    {"channel_messages", "message_attributes"}, {"channel_messages", "push_notification"},
    {"channel_flow_invocations", "event"},    {"channel_flow_invocations", "previous"},
    {"messaging_streaming_configurations", "configurations"},
    {"bot_invocations", "request"},
};

// A channel flow's processors: a JSON list of 1..3 Processor objects.
constexpr std::string_view kBadProcessors =
    "NOT json_valid(processors) OR json_type(processors) IS NOT 'array' OR json_array_length(processors) NOT BETWEEN 1 "
    "AND 3 OR EXISTS (SELECT 1 FROM json_each(processors) AS p WHERE p.type IS NOT 'object' OR "
    "json_type(p.value, '$.Configuration.Lambda.ResourceArn') IS NOT 'text' OR "
    "json_type(p.value, '$.ExecutionOrder') IS NOT 'integer' OR json_extract(p.value, '$.ExecutionOrder') NOT BETWEEN 1 "
    "AND 3 OR json_type(p.value, '$.FallbackAction') IS NOT 'text' OR "
    "json_extract(p.value, '$.FallbackAction') NOT IN ('CONTINUE', 'ABORT'))";

std::string Literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

struct Check {
  std::string column;
  std::string bad;  // SQL true for a row that breaks it
  std::string expected;
};

// One scan of `table`: the first row breaking any of `checks`.
void RunChecks(Database& db, const TableColumns& table, const std::vector<Check>& checks) {
  if (checks.empty()) return;
  const std::string q = QuoteIdentifier(table.table);
  std::string which = "CASE";
  for (size_t i = 0; i < checks.size(); ++i) {
    which += " WHEN " + checks[i].bad + " THEN " + std::to_string(i) + " || ' ' || substr(quote(" +
             QuoteIdentifier(checks[i].column) + "), 1, 80)";
  }
  which += " END";
  const std::string key = QuoteIdentifier(table.columns.front());
  auto st = db.Prepare("SELECT " + key + ", bad FROM (SELECT " + key + ", " + which + " AS bad FROM " + q +
                       ") WHERE bad IS NOT NULL LIMIT 1");
  if (!st.Step()) return;
  const std::string bad = st.Text(1);
  const size_t space = bad.find(' ');
  const Check& c = checks[std::stoul(bad.substr(0, space))];
  throw InvalidSnapshot("the snapshot breaks an invariant of chime-local data: table " + table.table + ", column " +
                        c.column + ", row " + table.columns.front() + "=" + st.Text(0) + ": value " +
                        bad.substr(space + 1) + " (expected " + c.expected + ")");
}

std::vector<Check> ChecksOf(Database& db, const TableColumns& table) {
  std::vector<Check> checks;
  auto info = db.Prepare("SELECT name, upper(type) FROM pragma_table_info(?) ORDER BY cid");
  info.Bind(1, table.table);
  while (info.Step()) {
    const std::string col = info.Text(0), type = info.Text(1), q = QuoteIdentifier(col);
    const std::string want = type == "INTEGER" ? "integer" : type == "BLOB" ? "blob" : "text";
    checks.push_back({col, "typeof(" + q + ") NOT IN ('" + want + "', 'null')", "an " + type + " or NULL"});
    if (col.size() > 3 && col.ends_with("_ms")) {
      checks.push_back({col, q + " NOT BETWEEN 0 AND " + std::to_string(kMaxTimeMs),
                        "a time in epoch milliseconds, 0.." + std::to_string(kMaxTimeMs)});
    }
  }
  for (const auto& r : kRanges) {
    if (r.table != table.table) continue;
    checks.push_back({std::string(r.column),
                      QuoteIdentifier(std::string(r.column)) + " NOT BETWEEN " + std::to_string(r.min) + " AND " +
                          std::to_string(r.max),
                      std::to_string(r.min) + ".." + std::to_string(r.max) +
                          (r.shape.empty() ? "" : " (" + std::string(r.shape) + ")")});
  }
  for (const auto& e : kEnums) {
    if (e.table != table.table) continue;
    std::string list;
    for (auto v : e.values) list += (list.empty() ? "" : ", ") + Literal(v);
    checks.push_back({std::string(e.column), QuoteIdentifier(std::string(e.column)) + " NOT IN (" + list + ")",
                      "one of " + list + (e.shape.empty() ? "" : " (" + std::string(e.shape) + ")")});
  }
  for (const auto& a : kArns) {
    if (a.table != table.table) continue;
    checks.push_back({std::string(a.column), QuoteIdentifier(std::string(a.column)) + " NOT GLOB " + Literal(a.glob),
                      "an ARN like " + std::string(a.glob)});
  }
  for (const auto& j : kJsonColumns) {
    if (j[0] != table.table) continue;
    const std::string q = QuoteIdentifier(std::string(j[1]));
    checks.push_back({std::string(j[1]), q + " IS NOT NULL AND NOT json_valid(" + q + ")", "JSON"});
  }
  if (table.table == "app_instances") {
    checks.push_back({"arn", "arn GLOB '*:app-instance/*/*'", "an app instance ARN (nothing after its id)"});
  }
  if (table.table == "principals") {
    checks.push_back({"arn", "arn NOT GLOB ('arn:?*:chime:*:*:app-instance/?*/' || kind || '/?*')",
                      "an AppInstanceUser or AppInstanceBot ARN (.../user/ID or .../bot/ID, as its kind)"});
  }
  if (table.table == "channel_flows") {
    checks.push_back({"processors", std::string(kBadProcessors),
                      "a JSON list of 1..3 processors, each with Configuration.Lambda.ResourceArn, "
                      "ExecutionOrder 1..3 and FallbackAction CONTINUE or ABORT"});
  }
  return checks;
}

// References the API keeps without a foreign key: the first row breaking one.
struct Reference {
  std::string_view table, column, query, expected;
};
constexpr Reference kReferences[] = {
    {"channels", "channel_flow_arn",
     "SELECT c.id, c.channel_flow_arn FROM channels c WHERE c.channel_flow_arn IS NOT NULL AND NOT EXISTS (SELECT 1 "
     "FROM channel_flows f WHERE f.arn = c.channel_flow_arn AND f.app_instance_arn = c.app_instance_arn) LIMIT 1",
     "the ARN of a channel flow of the channel's app instance"},
    {"channel_memberships", "member_arn",
     "SELECT m.id, m.member_arn FROM channel_memberships m JOIN channels c ON c.arn = m.channel_arn JOIN principals p "
     "ON p.arn = m.member_arn WHERE p.app_instance_arn IS NOT c.app_instance_arn LIMIT 1",
     "a member of the channel's app instance"},
    // Only a moderator of an elastic channel is a member of several sub-channels.
    {"channel_memberships", "member_arn",
     "SELECT m.id, m.member_arn FROM channel_memberships m JOIN channels c ON c.arn = m.channel_arn WHERE EXISTS ("
     "SELECT 1 FROM channel_memberships o WHERE o.channel_arn = m.channel_arn AND o.member_arn = m.member_arn AND "
     "o.id <> m.id) AND (c.elastic_max_sub_channels IS NULL OR NOT EXISTS (SELECT 1 FROM channel_moderators d "
     "WHERE d.channel_arn = m.channel_arn AND d.moderator_arn = m.member_arn)) LIMIT 1",
     "one membership per member, except a moderator of an elastic channel (one per sub-channel)"},
};

}  // namespace

std::span<const ColumnRange> SnapshotRanges() { return kRanges; }
std::span<const ColumnEnum> SnapshotEnums() { return kEnums; }

void RequireSnapshotInvariants(Database& snapshot) {
  for (const auto& table : DataTablesParentsFirst(snapshot)) {
    if (!table.columns.empty()) RunChecks(snapshot, table, ChecksOf(snapshot, table));
  }
  for (const auto& r : kReferences) {
    auto st = snapshot.Prepare(r.query);
    if (!st.Step()) continue;
    throw InvalidSnapshot("the snapshot breaks an invariant of chime-local data: table " + std::string(r.table) +
                          ", column " + std::string(r.column) + ", row id=" + st.Text(0) + ": " + st.Text(1) +
                          " is not " + std::string(r.expected));
  }
}

}  // namespace chime::storage
