// Seed files: a JSON object whose keys name API operations' resources and whose
// values are lists of those operations' inputs (the member names of the API,
// as in boto3 calls). `--seed-file` applies one at start, `POST
// /_chime-local/seed` at run time, and `POST /_chime-local/reset` restores the
// start seed. Each entry is validated by the API's validator and run by the
// API's handler, all in the caller's one storage unit: the first failing entry
// throws, and the unit's rollback leaves nothing of the seed behind.
//
// Sections, applied in this order whatever their order in the file:
//   AppInstances        CreateAppInstance input (+ optional "AppInstanceId")
//   AppInstanceUsers    CreateAppInstanceUser
//   AppInstanceBots     CreateAppInstanceBot
//   AppInstanceAdmins   CreateAppInstanceAdmin
//   Channels            CreateChannel (ChimeBearer, optional ChannelId)
//   ChannelMemberships  CreateChannelMembership
//   ChannelModerators   CreateChannelModerator
//   ChannelBans         CreateChannelBan
//   ChannelMessages     SendChannelMessage (+ optional "MessageId")
// Missing ClientRequestTokens are generated. Seeding publishes no messaging
// session events and runs no after-commit jobs. Two optional top-level keys,
// "AccountId" and "Region", seed another account or region than the
// emulator's default (docs/testing.md "Isolation by account and region"); every ARN
// in the seed must then belong to that account and region.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "api/handler.hpp"

namespace chime::api {

// Parses a seed document and checks its shape without touching storage:
// nesting (at most kMaxJsonDepth levels, like every JSON body), top-level keys, entries that are objects, members the operation does not
// define, fixed ids (format and duplicates within the seed). Throws
// ApiError(BadRequest) whose message names the entry ("Seed Channels[2]: ...").
nlohmann::json ParseSeed(std::string_view text);

// Applies a parsed seed inside the caller's open transaction and returns what
// it created ({"AppInstances": [arn, ...], "ChannelMessages": [{"ChannelArn",
// "MessageId"}], ...}). Throws ApiError(BadRequest) "Seed X[i]: <ErrorType>:
// <message>" at the first entry the API refuses; the caller's unit must roll
// back then (every storage unit does when its work throws).
// Every entry's handler sees `now_ms` (the emulator's clock when the unit ran).
nlohmann::json ApplySeed(storage::Database& db, const ServiceConfig& config, const HandlerTable& handlers,
                         const nlohmann::json& seed, int64_t now_ms);

// True when the store holds no app instance (everything lives under one).
bool StoreIsEmpty(storage::Database& db);

// The seed given at start (--seed-file), which POST /_chime-local/reset
// restores, is the emulator's Fixture's (Fixture::StartSeed).

}  // namespace chime::api
