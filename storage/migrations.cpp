#include "storage/migrations.hpp"

#include <string>

#include "storage/client_token_keys.hpp"
#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/transaction.hpp"

namespace chime::storage {
namespace {

// Version 1: the whole initial schema. Timestamps are epoch milliseconds.
// Every table has an INTEGER PRIMARY KEY `id` that grows with insertion; list
// operations page by it (keyset pagination), which is stable under inserts.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE app_instances (
  id          INTEGER PRIMARY KEY,
  arn         TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  metadata    TEXT,
  created_ms  INTEGER NOT NULL,
  updated_ms  INTEGER NOT NULL,
  retention_days INTEGER
);

-- AppInstanceUsers and AppInstanceBots: both can be a bearer, a member, an admin.
CREATE TABLE principals (
  id               INTEGER PRIMARY KEY,
  arn              TEXT NOT NULL UNIQUE,
  app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
  kind             TEXT NOT NULL CHECK (kind IN ('user', 'bot')),
  name             TEXT,
  metadata         TEXT,
  configuration    TEXT,   -- bots: Configuration as JSON
  expiration_days  INTEGER,
  expiration_criterion TEXT,
  created_ms       INTEGER NOT NULL,
  updated_ms       INTEGER NOT NULL
);
CREATE INDEX principals_by_instance ON principals(app_instance_arn, kind, id);

CREATE TABLE app_instance_admins (
  id               INTEGER PRIMARY KEY,
  app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
  admin_arn        TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE,
  created_ms       INTEGER NOT NULL,
  UNIQUE (app_instance_arn, admin_arn)
);

CREATE TABLE channels (
  id               INTEGER PRIMARY KEY,
  arn              TEXT NOT NULL UNIQUE,
  app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  mode             TEXT NOT NULL,
  privacy          TEXT NOT NULL,
  metadata         TEXT,
  created_by_arn   TEXT NOT NULL,
  created_ms       INTEGER NOT NULL,
  updated_ms       INTEGER NOT NULL,
  last_message_ms  INTEGER,
  channel_flow_arn TEXT,
  elastic_max_sub_channels   INTEGER,
  elastic_target_memberships INTEGER,
  elastic_min_membership_pct INTEGER,
  expiration_days      INTEGER,
  expiration_criterion TEXT
);
CREATE INDEX channels_by_instance ON channels(app_instance_arn, privacy, id);

CREATE TABLE channel_memberships (
  id             INTEGER PRIMARY KEY,
  channel_arn    TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
  member_arn     TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE,
  type           TEXT NOT NULL,           -- DEFAULT | HIDDEN
  invited_by_arn TEXT NOT NULL,
  sub_channel_id TEXT,                    -- elastic channels only
  preferences    TEXT,                    -- JSON
  read_marker_ms INTEGER,
  created_ms     INTEGER NOT NULL,
  updated_ms     INTEGER NOT NULL,
  UNIQUE (channel_arn, member_arn)
);
CREATE INDEX memberships_by_member ON channel_memberships(member_arn, id);

CREATE TABLE channel_moderators (
  id             INTEGER PRIMARY KEY,
  channel_arn    TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
  moderator_arn  TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE,
  created_by_arn TEXT NOT NULL,
  created_ms     INTEGER NOT NULL,
  UNIQUE (channel_arn, moderator_arn)
);
CREATE INDEX moderators_by_member ON channel_moderators(moderator_arn, id);

CREATE TABLE channel_bans (
  id             INTEGER PRIMARY KEY,
  channel_arn    TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
  member_arn     TEXT NOT NULL,
  created_by_arn TEXT NOT NULL,
  created_ms     INTEGER NOT NULL,
  UNIQUE (channel_arn, member_arn)
);

-- Persistent messages only: NON_PERSISTENT ones are never stored.
CREATE TABLE channel_messages (
  id             INTEGER PRIMARY KEY,
  message_id     TEXT NOT NULL UNIQUE,
  channel_arn    TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
  sub_channel_id TEXT NOT NULL DEFAULT '',  -- '' outside elastic channels
  sender_arn     TEXT NOT NULL,
  sender_name    TEXT,
  type           TEXT NOT NULL,
  persistence    TEXT NOT NULL,
  content        TEXT,
  metadata       TEXT,
  content_type   TEXT,
  message_attributes TEXT,                  -- JSON
  push_notification  TEXT,                  -- JSON
  target_arn     TEXT,
  status         TEXT NOT NULL DEFAULT 'SENT',
  status_detail  TEXT,
  redacted       INTEGER NOT NULL DEFAULT 0,
  deleted        INTEGER NOT NULL DEFAULT 0,
  created_ms     INTEGER NOT NULL,
  updated_ms     INTEGER NOT NULL,
  edited_ms      INTEGER
);
CREATE INDEX messages_by_channel_time ON channel_messages(channel_arn, sub_channel_id, created_ms, id);

-- ClientRequestToken memory: scope names the operation, the caller and the
-- container (e.g. "SendChannelMessage|<bearer>|<channel>").
CREATE TABLE idempotency_tokens (
  scope        TEXT NOT NULL,
  token        TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response     TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  PRIMARY KEY (scope, token)
) WITHOUT ROWID;

-- Tags of every taggable resource of both services.
CREATE TABLE tags (
  resource_arn TEXT NOT NULL,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (resource_arn, key)
) WITHOUT ROWID;
)sql";

// Version 2: push-notification endpoints of AppInstanceUsers (at most 10 per
// user, enforced by the handler) and the time the app instance's retention
// settings were last put (GetAppInstanceRetentionSettings'
// InitiateDeletionTimestamp). Applied in place to version-1 files.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE app_instance_user_endpoints (
  id                INTEGER PRIMARY KEY,
  user_arn          TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE,
  endpoint_id       TEXT NOT NULL,
  name              TEXT,
  type              TEXT NOT NULL,           -- APNS | APNS_SANDBOX | GCM
  resource_arn      TEXT NOT NULL,
  device_token      TEXT NOT NULL,
  voip_device_token TEXT,
  allow_messages    TEXT NOT NULL,           -- ALL | NONE
  status            TEXT NOT NULL,           -- ACTIVE | INACTIVE
  status_reason     TEXT,
  created_ms        INTEGER NOT NULL,
  updated_ms        INTEGER NOT NULL,
  UNIQUE (user_arn, endpoint_id)
);
ALTER TABLE app_instances ADD COLUMN retention_set_ms INTEGER;
)sql";

// Version 3: the ClientRequestToken memory with compact keys
// (storage/client_token_keys.hpp): 64-bit scope and container keys instead of
// the scope text, the request hash as 32 bytes instead of 64 hex characters,
// and for SendChannelMessage the MessageId instead of the whole response.
// Tokens remembered by earlier versions are carried over, so a retry across
// the upgrade still replays.
constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE client_tokens (
  scope_key     INTEGER NOT NULL,
  token         TEXT NOT NULL,
  container_key INTEGER NOT NULL,
  request_hash  BLOB NOT NULL,
  result        TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  PRIMARY KEY (scope_key, token)
) WITHOUT ROWID;
CREATE INDEX client_tokens_by_container ON client_tokens(container_key);
INSERT OR IGNORE INTO client_tokens (scope_key, token, container_key, request_hash, result, created_ms)
  SELECT chime_token_key(scope), token, chime_token_key(chime_token_container(scope)),
         chime_unhex(request_hash), response, created_ms
  FROM idempotency_tokens;
DROP TABLE idempotency_tokens;
)sql";

// Version 4: channel flows (processor chains a channel may be associated
// with), the processor invocations of messages waiting in a flow (the queue
// GET /_chime-local/channel-flow-invocations lists, and what
// ChannelFlowCallback answers by CallbackId), and the messaging streaming
// configurations of app instances. (Version 3, the compact client-token table,
// was built on another branch at the same time; numbered after it so the
// merge keeps both, in order.)
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE channel_flows (
  id               INTEGER PRIMARY KEY,
  arn              TEXT NOT NULL UNIQUE,
  app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  processors       TEXT NOT NULL,           -- JSON list of Processor, by ExecutionOrder
  created_ms       INTEGER NOT NULL,
  updated_ms       INTEGER NOT NULL
);
CREATE INDEX channel_flows_by_instance ON channel_flows(app_instance_arn, id);
CREATE INDEX channels_by_flow ON channels(channel_flow_arn, id);

CREATE TABLE channel_flow_invocations (
  id              INTEGER PRIMARY KEY,
  callback_id     TEXT NOT NULL UNIQUE,
  channel_arn     TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
  message_id      TEXT NOT NULL,
  flow_arn        TEXT NOT NULL,
  action          TEXT NOT NULL,            -- CREATE | UPDATE
  processor_index INTEGER NOT NULL,         -- position in the flow's processors
  function_arn    TEXT NOT NULL,
  event           TEXT NOT NULL,            -- the JSON the processor gets
  previous        TEXT,                     -- UPDATE: the message before the edit (JSON)
  state           TEXT NOT NULL,            -- PENDING | DONE | FAILED
  created_ms      INTEGER NOT NULL,
  deadline_ms     INTEGER NOT NULL
);
CREATE INDEX channel_flow_invocations_by_state ON channel_flow_invocations(state, deadline_ms);

CREATE TABLE messaging_streaming_configurations (
  app_instance_arn TEXT PRIMARY KEY REFERENCES app_instances(arn) ON DELETE CASCADE,
  configurations   TEXT NOT NULL,           -- JSON list of StreamingConfiguration
  updated_ms       INTEGER NOT NULL
);
)sql";

// Version 5: a moderator of an elastic channel can hold a membership in
// several of its sub-channels (developer guide, "Managing elastic channel
// members"), so the UNIQUE (channel_arn, member_arn) of version 1 becomes one
// membership per (channel, member, sub-channel); outside elastic channels
// sub_channel_id is NULL, which the index reads as '' so a member is still
// there once. SQLite cannot drop a table constraint: the table is rebuilt and
// its rows (ids included, so paging tokens stay valid) carried over.
constexpr std::string_view kSchemaV5 = R"sql(
ALTER TABLE channel_memberships RENAME TO channel_memberships_v4;
DROP INDEX memberships_by_member;
CREATE TABLE channel_memberships (
  id             INTEGER PRIMARY KEY,
  channel_arn    TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
  member_arn     TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE,
  type           TEXT NOT NULL,           -- DEFAULT | HIDDEN
  invited_by_arn TEXT NOT NULL,
  sub_channel_id TEXT,                    -- elastic channels only
  preferences    TEXT,                    -- JSON
  read_marker_ms INTEGER,
  created_ms     INTEGER NOT NULL,
  updated_ms     INTEGER NOT NULL
);
INSERT INTO channel_memberships (id, channel_arn, member_arn, type, invited_by_arn, sub_channel_id, preferences,
                                 read_marker_ms, created_ms, updated_ms)
  SELECT id, channel_arn, member_arn, type, invited_by_arn, sub_channel_id, preferences, read_marker_ms,
         created_ms, updated_ms
  FROM channel_memberships_v4;
DROP TABLE channel_memberships_v4;
CREATE UNIQUE INDEX memberships_by_channel_member
  ON channel_memberships(channel_arn, member_arn, IFNULL(sub_channel_id, ''));
CREATE INDEX memberships_by_member ON channel_memberships(member_arn, id);
CREATE INDEX memberships_by_sub_channel ON channel_memberships(channel_arn, sub_channel_id, id);
)sql";

// Version 6: AppInstanceBot invocations (docs/bots.md): one row per Lex
// RecognizeText call a bot makes for a channel message (or, with no message,
// its WelcomeIntent on joining a channel), PENDING until its answer arrives
// (POST /_chime-local/bot-invocations/{InvocationId}, or --lex-endpoint's),
// so a pending invocation survives a restart like a flow invocation.
constexpr std::string_view kSchemaV6 = R"sql(
CREATE TABLE bot_invocations (
  id             INTEGER PRIMARY KEY,
  invocation_id  TEXT NOT NULL UNIQUE,
  bot_arn        TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE,
  channel_arn    TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
  message_id     TEXT NOT NULL,           -- '' for a WelcomeIntent invocation
  sender_arn     TEXT NOT NULL,           -- whose message (or invitation) invoked the bot
  targeted       INTEGER NOT NULL,        -- 1: the reply is targeted back to sender_arn
  request        TEXT NOT NULL,           -- JSON: the RecognizeText request
  state          TEXT NOT NULL,           -- PENDING | DONE
  created_ms     INTEGER NOT NULL
);
CREATE INDEX bot_invocations_by_state ON bot_invocations(state, id);
)sql";

constexpr Migration kMigrations[] = {
    {1, kSchemaV1},
    {2, kSchemaV2},
    {3, kSchemaV3},
    {4, kSchemaV4},
    {5, kSchemaV5},
    {6, kSchemaV6},
};

int UserVersion(Database& db) {
  auto st = db.Prepare("PRAGMA user_version");
  st.Step();
  return static_cast<int>(st.Int(0));
}

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }
int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

void ApplyMigrations(Database& db) { ApplyMigrations(db, LatestSchemaVersion()); }

void ApplyMigrations(Database& db, int last) {
  int current = 0;
  {
    std::lock_guard lock(db.mutex());
    RegisterTokenKeyFunctions(db.handle());
    current = UserVersion(db);
  }
  if (current > LatestSchemaVersion()) {
    throw Error(0, "database schema version " + std::to_string(current) +
                       " is newer than this chime-local understands (" +
                       std::to_string(LatestSchemaVersion()) + ")");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current || m.version > last) continue;
    Transaction tx(db, Transaction::Mode::kWrite);
    db.Exec(m.sql);
    db.Exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.Commit();
  }
}

}  // namespace chime::storage
