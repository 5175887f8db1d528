#include "api/protocol/json_body.hpp"

#include <nlohmann/json.hpp>

#include "api/protocol/api_error.hpp"

namespace chime::api {

size_t JsonNestingDepth(std::string_view text, size_t limit) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > limit) return limit + 1;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;  // unbalanced: the parser reports it
        break;
      default:
        break;
    }
  }
  return deepest;
}

nlohmann::json ParseJsonObjectBody(std::string_view body) {
  if (JsonNestingDepth(body) > kMaxJsonDepth) {
    throw BadRequest("The request body is nested deeper than " + std::to_string(kMaxJsonDepth) +
                     " levels of arrays and objects");
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) throw BadRequest("The request body is not valid JSON");
  if (!parsed.is_object()) throw BadRequest("The request body must be a JSON object");
  return parsed;
}

}  // namespace chime::api
