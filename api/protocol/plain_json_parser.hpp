// PlainJsonParser: a quick parse of the JSON request bodies SDKs send (ASCII
// strings without escapes, integers, nesting within kMaxJsonDepth) into the
// same value nlohmann::json::parse() makes. Anything else (an escape, a
// non-ASCII byte, a fraction or exponent, an integer of 19 digits or more,
// deeper nesting, any error) answers nullopt, and the caller parses with
// nlohmann, whose answer (and error) stays the only one for such text.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace chime::api {

std::optional<nlohmann::json> ParsePlainJson(std::string_view text, size_t max_depth);

}  // namespace chime::api
