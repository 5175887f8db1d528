// ApiError: what handlers and the protocol layer throw to answer with a
// modeled AWS error. The dispatcher is the one place that catches it and
// encodes it (errors.cpp): status, x-amzn-ErrorType and {"Code","Message"}.
#pragma once

#include <stdexcept>
#include <string>

#include "api/protocol/error_type.hpp"

namespace chime::api {

class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorType type, std::string message)
      : std::runtime_error(std::move(message)), type_(type) {}
  ErrorType type() const { return type_; }

 private:
  ErrorType type_;
};

inline ApiError BadRequest(std::string m) { return {ErrorType::kBadRequest, std::move(m)}; }
inline ApiError Conflict(std::string m) { return {ErrorType::kConflict, std::move(m)}; }
inline ApiError Forbidden(std::string m) { return {ErrorType::kForbidden, std::move(m)}; }
inline ApiError NotFound(std::string m) { return {ErrorType::kNotFound, std::move(m)}; }
inline ApiError ResourceLimitExceeded(std::string m) {
  return {ErrorType::kResourceLimitExceeded, std::move(m)};
}
inline ApiError ServiceFailure(std::string m) { return {ErrorType::kServiceFailure, std::move(m)}; }
inline ApiError ServiceUnavailable(std::string m) {
  return {ErrorType::kServiceUnavailable, std::move(m)};
}
inline ApiError ThrottledClient(std::string m) { return {ErrorType::kThrottledClient, std::move(m)}; }
inline ApiError UnauthorizedClient(std::string m) {
  return {ErrorType::kUnauthorizedClient, std::move(m)};
}

}  // namespace chime::api
