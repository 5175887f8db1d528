#include "api/protocol/json_body.hpp"

#include <nlohmann/json.hpp>

#include "api/protocol/api_error.hpp"
#include "api/protocol/plain_json_parser.hpp"

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

nlohmann::json ParseBoundedJson(std::string_view text) {
  if (JsonNestingDepth(text) > kMaxJsonDepth) {
    throw JsonTextError(true, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels of arrays and objects");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
    std::string why = e.what();
    if (auto p = why.find("] "); p != std::string::npos) why = why.substr(p + 2);  // drop "[json.exception...]"
    throw JsonTextError(false, "malformed JSON: " + why);
  }
}

nlohmann::json ParseJsonObjectBody(std::string_view body) {
  // The bodies SDKs send parse quickly; anything else, and every error, is nlohmann's.
  if (auto plain = ParsePlainJson(body, kMaxJsonDepth); plain && plain->is_object()) return std::move(*plain);
  nlohmann::json parsed;
  try {
    parsed = ParseBoundedJson(body);
  } catch (const JsonTextError& e) {
    if (e.too_deep()) {
      throw BadRequest("The request body is nested deeper than " + std::to_string(kMaxJsonDepth) +
                       " levels of arrays and objects");
    }
    throw BadRequest("The request body is not valid JSON");
  }
  if (!parsed.is_object()) throw BadRequest("The request body must be a JSON object");
  return parsed;
}

}  // namespace chime::api
