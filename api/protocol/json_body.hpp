// Parsing untrusted JSON (request bodies, control-plane bodies, seed and
// faults files) with a nesting bound. The models nest no
// deeper than about 6 levels; a body nested 65,000 levels deep (140 KB, under
// the body limit) would otherwise reach recursive code (dump() for the
// idempotency hash, the validator, the destructor of nlohmann::json) and
// overflow the stack. The bound is checked by a linear pre-scan before
// nlohmann sees the text, so nothing recursive ever sees such input.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace chime::api {

// Deepest accepted nesting of arrays and objects (the body object itself is 1).
inline constexpr size_t kMaxJsonDepth = 64;

// The nesting depth of `text` (0 for a scalar), counting only brackets outside
// strings; stops counting once `limit` is exceeded and then returns limit + 1.
// Does not validate the JSON.
size_t JsonNestingDepth(std::string_view text, size_t limit = kMaxJsonDepth);

// What is wrong with untrusted JSON text; what() reads "JSON nested deeper than
// 64 levels of arrays and objects" or "malformed JSON: <where and why>", for
// the caller to prefix with what the text is.
class JsonTextError : public std::invalid_argument {
 public:
  JsonTextError(bool too_deep, const std::string& what) : std::invalid_argument(what), too_deep_(too_deep) {}
  bool too_deep() const { return too_deep_; }

 private:
  bool too_deep_;
};

// Parses untrusted JSON text of any shape, refusing nesting deeper than
// kMaxJsonDepth before nlohmann sees it. Every parse of text that does not come
// from chime-local itself goes through here (or ParseJsonObjectBody), so no
// recursive walk (copy, dump, compare, validator, seed checks) gets deep input.
// Throws JsonTextError.
nlohmann::json ParseBoundedJson(std::string_view text);

// Parses a request body that must be one JSON object. Throws
// ApiError(BadRequest) naming the rule for malformed JSON, a body that is not
// an object, or nesting deeper than kMaxJsonDepth.
nlohmann::json ParseJsonObjectBody(std::string_view body);

}  // namespace chime::api
