#include "api/protocol/encoder.hpp"

#include <nlohmann/json.hpp>

#include "api/protocol/compact_json.hpp"

namespace chime::api {

const ErrorDef& Describe(ErrorType type) {
  static constexpr ErrorDef kErrors[] = {
      {"BadRequestException", "BadRequest", 400},
      {"ConflictException", "Conflict", 409},
      {"ForbiddenException", "Forbidden", 403},
      {"NotFoundException", "NotFound", 404},
      {"ResourceLimitExceededException", "ResourceLimitExceeded", 400},
      {"ServiceFailureException", "ServiceFailure", 500},
      {"ServiceUnavailableException", "ServiceUnavailable", 503},
      {"ThrottledClientException", "Throttled", 429},
      {"UnauthorizedClientException", "Unauthorized", 401},
      {"NotImplemented", "NotImplemented", 501},
  };
  return kErrors[static_cast<size_t>(type)];
}

HttpResponse EncodeOutput(const model::OperationDef& op, const nlohmann::json& output,
                          const std::string& request_id) {
  HttpResponse r;
  r.status = op.success_status;
  r.operation = std::string(op.name);
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  if (r.status != 204) {
    r.headers.emplace_back("Content-Type", "application/json");
    if (output.is_null()) {
      r.body = "{}";
    } else {
      r.body.reserve(256);
      AppendCompactJson(output, r.body);
    }
  }
  return r;
}

HttpResponse EncodeError(ErrorType type, const std::string& message, const std::string& request_id) {
  return EncodeError(type, message, request_id, Describe(type).status);
}

HttpResponse EncodeError(ErrorType type, const std::string& message, const std::string& request_id, int status) {
  const ErrorDef& def = Describe(type);
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.headers.emplace_back("x-amzn-ErrorType", std::string(def.shape));
  r.headers.emplace_back("Content-Type", "application/json");
  nlohmann::json body = {{"Code", def.code}, {"Message", message.empty() ? std::string(def.shape) : message}};
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace chime::api
