// The small pieces every control endpoint family answers with (the table
// is api/control/control_plane.cpp; each family has its own file).
#pragma once

#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/control/control_plane.hpp"
#include "api/protocol/error_type.hpp"

namespace chime::api {

// A final answer, with the operation named for the access log.
ControlRequest Answer(std::string operation, HttpResponse response);
// An AWS-style error answer.
ControlRequest Refused(std::string operation, ErrorType type, std::string message, const std::string& request_id);
// The query string of a control request, decoded.
std::map<std::string, std::string> QueryOf(std::string_view target);
// ?accountId= of a control request that one account may scope ("" = none):
// 12 digits or a 400.
std::string AccountParam(const std::map<std::string, std::string>& query);
// Only ?accountId= (and the `also` names): a 400 naming the others.
void OnlyAccountParam(const std::map<std::string, std::string>& query,
                      std::initializer_list<std::string_view> also = {});

// ?accountId= and ?region= of a queue listing (channel-flow and bot
// invocations): only the items of that tenant's channels (parallel suites).
struct TenantFilter {
  std::string account, region;  // "" = any
  // Keeps, in answer[list], the items whose "ChannelArn" is of the tenant.
  void Apply(nlohmann::json& answer, const char* list) const;
};
// Only ?accountId= and ?region= (a 400 naming the others).
TenantFilter TenantFilterOf(std::string_view target);

}  // namespace chime::api
