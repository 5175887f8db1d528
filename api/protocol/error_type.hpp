// The nine error shapes both models define (same names, codes and statuses in
// chime-sdk-messaging and chime-sdk-identity), plus kNotImplemented for
// operations chime-local does not emulate yet.
#pragma once

#include <cstdint>
#include <string_view>

namespace chime::api {

enum class ErrorType : uint8_t {
  kBadRequest,
  kConflict,
  kForbidden,
  kNotFound,
  kResourceLimitExceeded,
  kServiceFailure,
  kServiceUnavailable,
  kThrottledClient,
  kUnauthorizedClient,
  kNotImplemented,  // not a modeled shape: 501, see docs/aws-parity.md "Operations"
};

struct ErrorDef {
  std::string_view shape;  // x-amzn-ErrorType: the exception class SDKs raise
  std::string_view code;   // body "Code": the ErrorCode enum value
  int status;
};

const ErrorDef& Describe(ErrorType type);

}  // namespace chime::api
