// Throttling at the service's documented rate quotas (--throttle,
// POST /_chime-local/throttle): off by default. Each quota is a token bucket
// per scope (a channel, an app instance, a user, the bearer, the account) with
// a burst of one second's worth of requests (AWS publishes no burst sizes);
// a request is refused with ThrottledClientException (429) when any bucket it
// draws from is empty. Rates per region follow the AWS General Reference,
// "Amazon Chime SDK endpoints and quotas" (docs/testing.md, Throttling). A test can set
// any quota's rate for itself. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chime::api {

struct ThrottleHit {
  std::string quota;    // e.g. "ChannelMessageApis"
  std::string message;  // the ThrottledClientException message
};

class Throttling {
 public:
  Throttling();

  // GET /_chime-local/throttle: {"enabled", "quotas": [{"name", "operations",
  // "scope", "rate", "defaultRate"}]}.
  nlohmann::json Describe() const;
  // POST body: {"enabled": bool, "quotas": {"<name>": rate, ...}, "reset": true};
  // all optional. Throws std::invalid_argument naming the field (nothing changes then).
  nlohmann::json Configure(const nlohmann::json& body);
  void SetEnabled(bool enabled);
  // Empties every bucket's history (reset): settings stay.
  void ClearCounters();

  // Draws one token from every bucket of `operation` for this request; nullopt
  // when allowed (or throttling is off). `region` picks the regional rates.
  std::optional<ThrottleHit> Admit(std::string_view operation, const nlohmann::json& input,
                                   std::string_view account_id, std::string_view region, int64_t now_ms);

 private:
  enum class Scope { kChannel, kAppInstance, kUser, kBearer, kAccount };
  struct Quota {
    std::string name;
    std::vector<std::string> operations;  // empty = every operation of `service`
    std::string service;                  // "messaging" / "identity" for the all-operations quotas
    Scope scope;
    double rate;              // requests per second (us-east-1 and the default)
    double eu_central_rate;   // eu-central-1 where AWS lists a lower figure
    std::optional<double> override_rate;  // set by a test
  };
  struct Bucket {
    double tokens = 0;
    int64_t last_ms = 0;
    double rate = 1, capacity = 1;  // as last drawn from
  };
  static const char* ScopeName(Scope s);
  double RateOf(const Quota& q, std::string_view region) const;
  bool Applies(const Quota& q, std::string_view operation) const;
  static std::string ScopeKey(Scope s, const nlohmann::json& input, std::string_view account_id);
  void PruneFullBuckets(int64_t now_ms);

  mutable std::mutex mu_;
  // Read without the lock on every request: off (the default) costs no mutex.
  std::atomic<bool> enabled_{false};
  std::vector<Quota> quotas_;
  std::map<std::string, Bucket, std::less<>> buckets_;  // "<quota>|<region>|<scope key>"
};

}  // namespace chime::api
