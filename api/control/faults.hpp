// Fault injection for tests (/_chime-local/faults, --faults-file): rules that
// make matching AWS requests fail with a modeled error, answered exactly as a
// real one (status, x-amzn-ErrorType, body), and/or answer later.
//
// A rule: {"operation", "error", "message", "probability", "count",
// "latencyMs", "bearer", "channelArn", "appInstanceArn", "accountId",
// "region"}; all optional but
// one of error/latencyMs; absent means "any". Matching is checked after
// validation and before the request reaches storage, so a faulted write
// changes nothing. First matching rule wins, in creation order. `count` n:
// the rule takes part in the next n matching calls, then stops matching;
// `probability` p: each of those fails (or waits) with probability p.
// "accountId" / "region": only requests acting in that account / region
// (api/auth/tenant.hpp), so parallel suites sharing an emulator fault only
// their own calls; List and Clear can be limited to one account's rules.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "api/protocol/error_type.hpp"

namespace chime::api {

// At most this many rules at a time. Every AWS request scans the rules in
// order under one lock, so their number is a cost on every call (50,000 rules
// took 4.3 ms per request and 140 MiB); a test needs a few, and 1,000 leaves
// room for a dozen per operation while the scan stays in the microseconds.
inline constexpr size_t kMaxFaultRules = 1000;
// Longest accepted "message" (bytes; the error body's Message) and ARN filter
// ("bearer", "channelArn", "appInstanceArn": the models' ChimeArn maximum).
inline constexpr size_t kMaxFaultMessageBytes = 4096;
inline constexpr size_t kMaxFaultArnBytes = 1600;

struct FaultHit {
  std::optional<ErrorType> error;
  std::string message;
  int64_t latency_ms = 0;
};

class FaultRegistry {
 public:
  // Adds one rule; returns the stored rule (with "id"), or throws
  // std::invalid_argument naming the field and the rule it breaks, or the
  // limit when kMaxFaultRules rules are already there.
  nlohmann::json Add(const nlohmann::json& rule);
  // Adds a JSON list of rules, all or nothing (--faults-file); refuses a list
  // that would take the rules above kMaxFaultRules.
  void AddAll(const nlohmann::json& rules);
  // Every rule with how often it matched and fired.
  // "" = every rule; else the rules with that "accountId".
  nlohmann::json List(const std::string& account_id = "") const;
  bool Remove(int64_t id);
  void Clear(const std::string& account_id = "");

  // The fault for a request of `operation` with validated `input`, if any.
  // `account_id` and `region`: the tenant the request acts in.
  std::optional<FaultHit> Match(std::string_view operation, const nlohmann::json& input,
                                std::string_view account_id = "", std::string_view region = "");

 private:
  struct Rule {
    int64_t id = 0;
    std::string operation, message, bearer, channel_arn, app_instance_arn, account_id, region;
    std::optional<ErrorType> error;
    double probability = 1.0;
    std::optional<int64_t> count;  // remaining matches; nullopt = unlimited
    int64_t latency_ms = 0;
    uint64_t matched = 0, fired = 0;
    nlohmann::json source;  // as given, for List()
  };
  static Rule Parse(const nlohmann::json& rule);
  nlohmann::json Describe(const Rule& r) const;

  mutable std::mutex mu_;
  std::vector<Rule> rules_;
  int64_t next_id_ = 1;
  std::mt19937_64 rng_{std::random_device{}()};
};

// The app instance a request concerns: AppInstanceArn, or the app-instance
// prefix of the first ARN among ChannelArn, ChimeBearer and the other ARN members.
std::string AppInstanceOfInput(const nlohmann::json& input);

}  // namespace chime::api
