#include "api/control/throttling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <unordered_set>

#include "api/control/faults.hpp"
#include "api/protocol/model.hpp"

namespace chime::api {

namespace {

constexpr size_t kPruneAbove = 10000;  // buckets kept before full ones are dropped
constexpr double kMaxRate = 1e6;

std::string Str(const nlohmann::json& in, const char* member) {
  auto it = in.find(member);
  return it != in.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Asked for every quota check while throttling is on: a set built once, not
// a scan of the operation table.
bool IsMessaging(std::string_view operation) {
  static const std::unordered_set<std::string_view> kMessaging = [] {
    std::unordered_set<std::string_view> names;
    for (const auto& op : model::Operations())
      if (op.service == model::Service::kMessaging) names.insert(op.name);
    return names;
  }();
  return kMessaging.count(operation) != 0;
}

}  // namespace

// The rates of the AWS General Reference, "Amazon Chime SDK endpoints and
// quotas" (#chm-sdk-messaging-quotas, #chm-sdk-ident-quotas), as of 2026.
Throttling::Throttling() {
  auto ops = [](std::initializer_list<const char*> l) { return std::vector<std::string>(l.begin(), l.end()); };
  quotas_ = {
      {"ChannelMessageApis",
       ops({"SendChannelMessage", "UpdateChannelMessage", "RedactChannelMessage", "DeleteChannelMessage",
            "ChannelFlowCallback"}),
       "", Scope::kChannel, 30, 10, {}},
      {"ListChannelMessages", ops({"ListChannelMessages"}), "", Scope::kChannel, 30, 30, {}},
      {"GetChannelMessage", ops({"GetChannelMessage"}), "", Scope::kChannel, 30, 30, {}},
      {"ChannelApis", ops({"CreateChannel", "UpdateChannel", "DeleteChannel"}), "", Scope::kAppInstance, 15, 15, {}},
      {"ListChannels", ops({"ListChannels"}), "", Scope::kAppInstance, 10, 10, {}},
      {"DescribeChannel", ops({"DescribeChannel"}), "", Scope::kChannel, 20, 20, {}},
      {"ChannelMembershipApis",
       ops({"CreateChannelMembership", "DeleteChannelMembership", "CreateChannelBan", "DeleteChannelBan",
            "CreateChannelModerator", "DeleteChannelModerator"}),
       "", Scope::kChannel, 15, 10, {}},
      {"ChannelMembershipListApis", ops({"ListChannelMemberships", "ListChannelBans", "ListChannelModerators"}), "",
       Scope::kChannel, 15, 15, {}},
      {"AppInstanceUserChannelListApis",
       ops({"ListChannelMembershipsForAppInstanceUser", "ListChannelsModeratedByAppInstanceUser"}), "", Scope::kUser,
       15, 15, {}},
      {"ListSubChannels", ops({"ListSubChannels"}), "", Scope::kChannel, 15, 15, {}},
      {"BatchCreateChannelMembership", ops({"BatchCreateChannelMembership"}), "", Scope::kChannel, 1, 1, {}},
      {"MessagingApisPerBearer", {}, "messaging", Scope::kBearer, 10, 5, {}},
      {"AppInstanceApis", ops({"CreateAppInstance", "UpdateAppInstance", "DeleteAppInstance"}), "",
       Scope::kAppInstance, 5, 5, {}},
      {"AppInstanceUserApis", ops({"CreateAppInstanceUser", "UpdateAppInstanceUser", "DeleteAppInstanceUser"}), "",
       Scope::kAppInstance, 10, 10, {}},
      {"DescribeAppInstance", ops({"DescribeAppInstance"}), "", Scope::kAppInstance, 20, 20, {}},
      {"DescribeAppInstanceUser", ops({"DescribeAppInstanceUser"}), "", Scope::kUser, 20, 20, {}},
      {"ListAppInstances", ops({"ListAppInstances"}), "", Scope::kAccount, 10, 10, {}},
      {"ListAppInstanceUsers", ops({"ListAppInstanceUsers"}), "", Scope::kAppInstance, 10, 10, {}},
      {"IdentityApisPerAccount", {}, "identity", Scope::kAccount, 50, 50, {}},
  };
}

const char* Throttling::ScopeName(Scope s) {
  switch (s) {
    case Scope::kChannel: return "channel";
    case Scope::kAppInstance: return "app instance";
    case Scope::kUser: return "app instance user";
    case Scope::kBearer: return "x-amz-chime-bearer";
    case Scope::kAccount: return "account";
  }
  return "";
}

double Throttling::RateOf(const Quota& q, std::string_view region) const {
  if (q.override_rate) return *q.override_rate;
  return region == "eu-central-1" ? q.eu_central_rate : q.rate;
}

bool Throttling::Applies(const Quota& q, std::string_view operation) const {
  if (q.operations.empty()) return (q.service == "messaging") == IsMessaging(operation);
  return std::find(q.operations.begin(), q.operations.end(), operation) != q.operations.end();
}

std::string Throttling::ScopeKey(Scope s, const nlohmann::json& input, std::string_view account_id) {
  switch (s) {
    case Scope::kChannel: {
      std::string channel = Str(input, "ChannelArn");
      if (channel.empty()) return channel;
      std::string sub = Str(input, "SubChannelId");  // per SubChannel for elastic channels
      return sub.empty() ? channel : channel + "#" + sub;
    }
    case Scope::kAppInstance: {
      std::string app = AppInstanceOfInput(input);
      return app.empty() ? std::string(account_id) : app;  // CreateAppInstance: the account's
    }
    case Scope::kUser: {
      std::string user = Str(input, "AppInstanceUserArn");
      return user.empty() ? Str(input, "ChimeBearer") : user;
    }
    case Scope::kBearer: return Str(input, "ChimeBearer");
    case Scope::kAccount: return std::string(account_id);
  }
  return {};
}

nlohmann::json Throttling::Describe() const {
  std::lock_guard lock(mu_);
  nlohmann::json list = nlohmann::json::array();
  for (const Quota& q : quotas_) {
    nlohmann::json ops = nlohmann::json::array();
    if (q.operations.empty()) {
      ops.push_back(q.service == "messaging" ? "every chime-sdk-messaging operation"
                                             : "every chime-sdk-identity operation");
    } else {
      for (const auto& o : q.operations) ops.push_back(o);
    }
    nlohmann::json item = {{"name", q.name},
                           {"operations", ops},
                           {"scope", ScopeName(q.scope)},
                           {"rate", RateOf(q, "us-east-1")},
                           {"defaultRate", q.rate}};
    if (q.eu_central_rate != q.rate) item["defaultRateEuCentral1"] = q.eu_central_rate;
    list.push_back(std::move(item));
  }
  return {{"enabled", enabled_.load()}, {"burstSeconds", 1}, {"quotas", std::move(list)}};
}

nlohmann::json Throttling::Configure(const nlohmann::json& body) {
  if (!body.is_object()) throw std::invalid_argument("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "enabled" && key != "quotas" && key != "reset") {
      throw std::invalid_argument("unknown field " + key + " (enabled, quotas, reset)");
    }
  }
  std::optional<bool> enabled;
  if (auto it = body.find("enabled"); it != body.end()) {
    if (!it->is_boolean()) throw std::invalid_argument("enabled must be true or false");
    enabled = it->get<bool>();
  }
  const bool reset = body.contains("reset") && body["reset"] == true;
  if (body.contains("reset") && !body["reset"].is_boolean()) throw std::invalid_argument("reset must be true or false");
  std::vector<std::pair<size_t, double>> rates;
  if (auto it = body.find("quotas"); it != body.end()) {
    if (!it->is_object()) throw std::invalid_argument("quotas must be an object of quota name -> requests per second");
    for (const auto& [name, rate] : it->items()) {
      size_t index = quotas_.size();
      for (size_t i = 0; i < quotas_.size(); ++i)
        if (quotas_[i].name == name) index = i;
      if (index == quotas_.size()) {
        throw std::invalid_argument("unknown quota " + name + " (GET /_chime-local/throttle lists them)");
      }
      if (!rate.is_number() || !(rate.get<double>() > 0) || rate.get<double>() > kMaxRate) {
        throw std::invalid_argument("the rate of " + name + " must be a number of requests per second above 0");
      }
      rates.emplace_back(index, rate.get<double>());
    }
  }
  {
    std::lock_guard lock(mu_);
    if (reset) {
      for (Quota& q : quotas_) q.override_rate.reset();
    }
    for (const auto& [index, rate] : rates) quotas_[index].override_rate = rate;
    if (enabled) enabled_ = *enabled;
    buckets_.clear();  // new rates start with full buckets
  }
  return Describe();
}

void Throttling::SetEnabled(bool enabled) {
  std::lock_guard lock(mu_);
  enabled_ = enabled;
}

void Throttling::ClearCounters() {
  std::lock_guard lock(mu_);
  buckets_.clear();
}

void Throttling::PruneFullBuckets(int64_t now_ms) {
  // A bucket that has refilled is the same as no bucket: drop those.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    const double age_s = static_cast<double>(now_ms - b.last_ms) / 1000.0;
    it = b.tokens + age_s * b.rate >= b.capacity ? buckets_.erase(it) : std::next(it);
  }
}

std::optional<ThrottleHit> Throttling::Admit(std::string_view operation, const nlohmann::json& input,
                                             std::string_view account_id, std::string_view region, int64_t now_ms) {
  if (!enabled_.load(std::memory_order_relaxed)) return std::nullopt;
  std::lock_guard lock(mu_);
  if (buckets_.size() > kPruneAbove) PruneFullBuckets(now_ms);
  struct Draw {
    Bucket* bucket;
    const Quota* quota;
    double rate;
  };
  std::vector<Draw> draws;
  for (const Quota& q : quotas_) {
    if (!Applies(q, operation)) continue;
    std::string scope = ScopeKey(q.scope, input, account_id);
    if (scope.empty()) continue;
    const double rate = RateOf(q, region);
    const double capacity = std::max(rate, 1.0);  // burst: one second's worth
    std::string key = q.name + "|" + std::string(region) + "|" + scope;
    auto [it, inserted] = buckets_.try_emplace(std::move(key));
    Bucket& b = it->second;
    if (inserted) {
      b.tokens = capacity;
    } else {
      const double elapsed_s = std::max<int64_t>(0, now_ms - b.last_ms) / 1000.0;
      b.tokens = std::min(capacity, b.tokens + elapsed_s * rate);
    }
    b.last_ms = now_ms;
    b.rate = rate;
    b.capacity = capacity;
    if (b.tokens < 1.0) {
      ThrottleHit hit;
      hit.quota = q.name;
      char rate_text[32];
      std::snprintf(rate_text, sizeof rate_text, "%g", rate);
      hit.message = "Rate exceeded: " + std::string(operation) + " is limited to " + rate_text +
                    " requests per second per " + ScopeName(q.scope) + " (quota " + q.name + ")";
      return hit;
    }
    draws.push_back({&b, &q, rate});
  }
  for (Draw& d : draws) d.bucket->tokens -= 1.0;
  return std::nullopt;
}

}  // namespace chime::api
