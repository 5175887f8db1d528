// Encoder: turns a handler's output or an error into an HttpResponse in the
// rest-json form every SDK reads: modeled status; x-amzn-RequestId;
// errors with x-amzn-ErrorType: <ShapeName> and {"Code","Message"}.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "api/http_types.hpp"
#include "api/protocol/model.hpp"

namespace chime::api {

HttpResponse EncodeOutput(const model::OperationDef& op, const nlohmann::json& output, const std::string& request_id);
HttpResponse EncodeError(ErrorType type, const std::string& message, const std::string& request_id);
// The same error under another HTTP status: the transport's refusals
// (server/edge_checks.cpp) answer 408, 413 or 431 with BadRequestException.
HttpResponse EncodeError(ErrorType type, const std::string& message, const std::string& request_id, int status);

}  // namespace chime::api
