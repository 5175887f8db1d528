// Validator: checks a bound input against its model shape: required members,
// JSON types, string lengths (in code points) and patterns, enums, integer
// ranges, list and map sizes, nested structures. It collects every violation
// and throws one BadRequestException whose message lists them, in the AWS
// form "N validation error(s) detected: Value at 'X' failed to satisfy
// constraint: Member must ...". Values of sensitive members are never echoed.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "api/protocol/model.hpp"

namespace chime::api {

// Returns the violations (empty when valid).
std::vector<std::string> CollectViolations(uint16_t shape, const nlohmann::json& value);

// Throws ApiError(BadRequest) when CollectViolations finds anything.
void ValidateInput(const model::OperationDef& op, const nlohmann::json& input);

}  // namespace chime::api
