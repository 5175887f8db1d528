// CompactJson: the bytes of json.dump() (no indent, non-ASCII kept, invalid
// UTF-8 replaced), written without nlohmann's serializer for the common
// values: strings of printable ASCII go in one append each, integers through
// std::to_chars, floats through nlohmann's own shortest-form conversion. A
// string that needs an escape or is not ASCII is written by nlohmann itself,
// so the bytes stay the same (tests/unit/compact_json_test.cpp checks them
// against dump(), also for the next nlohmann release).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace chime::api {

// Appends `value` to `out`: exactly value.dump(-1, ' ', false, handler)
// (answer bodies replace invalid UTF-8; dump()'s default, strict, throws).
void AppendCompactJson(const nlohmann::json& value, std::string& out,
                       nlohmann::json::error_handler_t handler = nlohmann::json::error_handler_t::replace);

}  // namespace chime::api
