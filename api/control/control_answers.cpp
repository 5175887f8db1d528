#include "api/control/control_answers.hpp"

#include <algorithm>

#include "api/auth/tenant.hpp"
#include "api/protocol/api_error.hpp"
#include "api/protocol/encoder.hpp"
#include "api/protocol/query_string.hpp"

namespace chime::api {

ControlRequest Answer(std::string operation, HttpResponse response) {
  ControlRequest c;
  response.operation = operation;
  c.operation = std::move(operation);
  c.response = std::move(response);
  return c;
}

std::map<std::string, std::string> QueryOf(std::string_view target) { return ControlQuery(target); }

std::string AccountParam(const std::map<std::string, std::string>& query) {
  auto it = query.find("accountId");
  if (it == query.end()) return "";
  if (!IsAccountId(it->second)) throw ApiError(ErrorType::kBadRequest, "accountId must be 12 digits");
  return it->second;
}

void OnlyAccountParam(const std::map<std::string, std::string>& query, std::initializer_list<std::string_view> also) {
  for (const auto& [key, value] : query) {
    if (key == "accountId" || std::find(also.begin(), also.end(), key) != also.end()) continue;
    throw ApiError(ErrorType::kBadRequest, "Unknown parameter " + key + " (accountId)");
  }
}

TenantFilter TenantFilterOf(std::string_view target) {
  const auto query = QueryOf(target);
  OnlyAccountParam(query, {"region"});
  TenantFilter f;
  f.account = AccountParam(query);
  if (auto it = query.find("region"); it != query.end()) f.region = it->second;
  return f;
}

void TenantFilter::Apply(nlohmann::json& answer, const char* list) const {
  if (account.empty() && region.empty()) return;
  nlohmann::json kept = nlohmann::json::array();
  for (auto& item : answer[list]) {
    const auto tenant = TenantOfArn(item.value("ChannelArn", ""));
    if (!tenant || (!account.empty() && tenant->account_id != account) ||
        (!region.empty() && tenant->region != region)) {
      continue;
    }
    kept.push_back(std::move(item));
  }
  answer[list] = std::move(kept);
}

ControlRequest Refused(std::string operation, ErrorType type, std::string message, const std::string& request_id) {
  return Answer(std::move(operation), EncodeError(type, std::move(message), request_id));
}

}  // namespace chime::api
