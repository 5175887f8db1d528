// Router: maps (method, raw target) to an operation of either service. The
// path is split on '/' first and each segment percent-decoded afterwards,
// because ARN labels arrive with '/' encoded as %2F. Operations that share a
// method and path are told apart by their literal query (?operation=...,
// ?scope=...). The /tags operations exist in both models; they route to the
// messaging entry, whose handler serves the tags of both services.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/protocol/model.hpp"
#include "api/protocol/query_string.hpp"

namespace chime::api {

struct Route {
  const model::OperationDef* op = nullptr;
  std::vector<std::pair<std::string_view, std::string>> labels;  // label name -> decoded value
  QueryParams query;                                              // decoded, in request order
};

// Throws ApiError: NotFoundException when no operation has this path,
// BadRequestException when the path exists but not for this method.
Route RouteRequest(std::string_view method, std::string_view target);

}  // namespace chime::api
