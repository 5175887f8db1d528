#include "api/control/faults.hpp"

#include <stdexcept>

#include "api/auth/tenant.hpp"
#include "api/protocol/model.hpp"

namespace chime::api {

namespace {

std::optional<ErrorType> ErrorByName(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(ErrorType::kUnauthorizedClient); ++i) {
    auto t = static_cast<ErrorType>(i);
    if (api::Describe(t).shape == name) return t;
  }
  return std::nullopt;
}

bool IsOperation(std::string_view name) {
  for (const auto& op : model::Operations())
    if (op.name == name) return true;
  return false;
}

// Every field is short: a rule is kept (and listed) as given.
constexpr size_t kMaxNameBytes = 128;  // "operation", "error", "id"

std::string StringField(const nlohmann::json& rule, const char* key, size_t max_bytes) {
  auto it = rule.find(key);
  if (it == rule.end() || it->is_null()) return "";
  if (!it->is_string()) throw std::invalid_argument(std::string("\"") + key + "\" must be a string");
  if (it->get_ref<const std::string&>().size() > max_bytes) {
    throw std::invalid_argument(std::string("\"") + key + "\" must be at most " + std::to_string(max_bytes) +
                                " bytes long");
  }
  return it->get<std::string>();
}

std::string TooManyRules(size_t have, size_t adding) {
  return "at most " + std::to_string(kMaxFaultRules) + " fault rules can be set at a time (" + std::to_string(have) +
         " are set, " + std::to_string(adding) + " more were sent); DELETE /_chime-local/faults removes them";
}

std::string AppInstancePrefix(const std::string& arn) {
  const size_t at = arn.find(":app-instance/");
  if (at == std::string::npos) return "";
  return arn.substr(0, arn.find('/', at + 14));
}

}  // namespace

std::string AppInstanceOfInput(const nlohmann::json& input) {
  if (!input.is_object()) return "";
  if (auto it = input.find("AppInstanceArn"); it != input.end() && it->is_string()) return it->get<std::string>();
  for (const char* key : {"ChannelArn", "ChimeBearer", "AppInstanceUserArn", "AppInstanceBotArn",
                          "AppInstanceAdminArn", "ResourceArn", "MemberArn"}) {
    if (auto it = input.find(key); it != input.end() && it->is_string()) {
      std::string p = AppInstancePrefix(it->get<std::string>());
      if (!p.empty()) return p;
    }
  }
  return "";
}

FaultRegistry::Rule FaultRegistry::Parse(const nlohmann::json& rule) {
  if (!rule.is_object()) throw std::invalid_argument("a fault rule must be a JSON object");
  static const char* kKnown[] = {"operation", "error", "message", "probability", "count", "latencyMs",
                                 "bearer", "channelArn", "appInstanceArn", "accountId", "region", "id"};
  for (const auto& [key, value] : rule.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) throw std::invalid_argument("unknown field \"" + key + "\" in a fault rule");
  }
  Rule r;
  r.operation = StringField(rule, "operation", kMaxNameBytes);
  if (!r.operation.empty() && !IsOperation(r.operation)) {
    throw std::invalid_argument("\"operation\": " + r.operation + " is not an operation of chime-sdk-messaging or "
                                "chime-sdk-identity");
  }
  if (std::string e = StringField(rule, "error", kMaxNameBytes); !e.empty()) {
    r.error = ErrorByName(e);
    if (!r.error) {
      throw std::invalid_argument("\"error\": " + e + " is not an error of the models (BadRequestException, "
                                  "ConflictException, ForbiddenException, NotFoundException, "
                                  "ResourceLimitExceededException, ServiceFailureException, "
                                  "ServiceUnavailableException, ThrottledClientException, "
                                  "UnauthorizedClientException)");
    }
  }
  r.message = StringField(rule, "message", kMaxFaultMessageBytes);
  if (auto it = rule.find("probability"); it != rule.end() && !it->is_null()) {
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) {
      throw std::invalid_argument("\"probability\" must be a number from 0 to 1");
    }
    r.probability = it->get<double>();
  }
  if (auto it = rule.find("count"); it != rule.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1) throw std::invalid_argument("\"count\" must be an integer >= 1");
    r.count = it->get<int64_t>();
  }
  if (auto it = rule.find("latencyMs"); it != rule.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 600000) {
      throw std::invalid_argument("\"latencyMs\" must be an integer from 0 to 600000");
    }
    r.latency_ms = it->get<int64_t>();
  }
  if (!r.error && r.latency_ms == 0) throw std::invalid_argument("a fault rule needs \"error\" or \"latencyMs\"");
  r.bearer = StringField(rule, "bearer", kMaxFaultArnBytes);
  r.channel_arn = StringField(rule, "channelArn", kMaxFaultArnBytes);
  r.app_instance_arn = StringField(rule, "appInstanceArn", kMaxFaultArnBytes);
  r.account_id = StringField(rule, "accountId", kMaxNameBytes);
  if (!r.account_id.empty() && !IsAccountId(r.account_id)) {
    throw std::invalid_argument("\"accountId\" must be 12 digits");
  }
  r.region = StringField(rule, "region", kMaxNameBytes);
  if (!r.region.empty() && !IsRegionName(r.region)) {
    throw std::invalid_argument("\"region\" must be a region name, e.g. us-east-1");
  }
  // "id" (a listed rule sent back) is ignored, but kept short like the rest.
  if (auto it = rule.find("id"); it != rule.end() && !it->is_null() && !it->is_number_integer()) {
    StringField(rule, "id", kMaxNameBytes);
  }
  r.source = rule;
  r.source.erase("id");
  return r;
}

nlohmann::json FaultRegistry::Add(const nlohmann::json& rule) {
  Rule r = Parse(rule);
  std::lock_guard lock(mu_);
  if (rules_.size() >= kMaxFaultRules) throw std::invalid_argument(TooManyRules(rules_.size(), 1));
  r.id = next_id_++;
  rules_.push_back(std::move(r));
  return Describe(rules_.back());
}

void FaultRegistry::AddAll(const nlohmann::json& rules) {
  if (!rules.is_array()) throw std::invalid_argument("the faults file must hold a JSON list of rules");
  if (rules.size() > kMaxFaultRules) {  // before parsing them all
    throw std::invalid_argument("the list holds " + std::to_string(rules.size()) + " rules; at most " +
                                std::to_string(kMaxFaultRules) + " fault rules can be set at a time");
  }
  std::vector<Rule> parsed;
  for (size_t i = 0; i < rules.size(); ++i) {
    try {
      parsed.push_back(Parse(rules[i]));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("rule " + std::to_string(i) + ": " + e.what());
    }
  }
  std::lock_guard lock(mu_);
  if (rules_.size() + parsed.size() > kMaxFaultRules) {
    throw std::invalid_argument(TooManyRules(rules_.size(), parsed.size()));
  }
  for (auto& r : parsed) {
    r.id = next_id_++;
    rules_.push_back(std::move(r));
  }
}

nlohmann::json FaultRegistry::Describe(const Rule& r) const {
  nlohmann::json out = r.source;
  out["id"] = std::to_string(r.id);
  out["matched"] = r.matched;
  out["fired"] = r.fired;
  if (r.count) out["remaining"] = *r.count;
  return out;
}

nlohmann::json FaultRegistry::List(const std::string& account_id) const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules_) {
    if (account_id.empty() || r.account_id == account_id) out.push_back(Describe(r));
  }
  return out;
}

bool FaultRegistry::Remove(int64_t id) {
  std::lock_guard lock(mu_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->id == id) {
      rules_.erase(it);
      return true;
    }
  }
  return false;
}

void FaultRegistry::Clear(const std::string& account_id) {
  std::lock_guard lock(mu_);
  if (account_id.empty()) {
    rules_.clear();
    return;
  }
  std::erase_if(rules_, [&account_id](const Rule& r) { return r.account_id == account_id; });
}

std::optional<FaultHit> FaultRegistry::Match(std::string_view operation, const nlohmann::json& input,
                                             std::string_view account_id, std::string_view region) {
  std::lock_guard lock(mu_);
  if (rules_.empty()) return std::nullopt;
  auto str = [&](const char* key) {
    auto it = input.find(key);
    return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (auto& r : rules_) {
    if (r.count && *r.count <= 0) continue;
    if (!r.operation.empty() && r.operation != operation) continue;
    if (!r.account_id.empty() && r.account_id != account_id) continue;
    if (!r.region.empty() && r.region != region) continue;
    if (!r.bearer.empty() && r.bearer != str("ChimeBearer")) continue;
    if (!r.channel_arn.empty() && r.channel_arn != str("ChannelArn")) continue;
    if (!r.app_instance_arn.empty() && r.app_instance_arn != AppInstanceOfInput(input)) continue;
    ++r.matched;
    if (r.count) --*r.count;
    if (r.probability < 1.0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng_) >= r.probability) {
      return std::nullopt;  // this match passes; the first matching rule decided
    }
    ++r.fired;
    FaultHit hit;
    hit.error = r.error;
    hit.latency_ms = r.latency_ms;
    hit.message = r.message.empty() && r.error ? "Injected fault: " + std::string(api::Describe(*r.error).shape)
                                               : r.message;
    return hit;
  }
  return std::nullopt;
}

}  // namespace chime::api
