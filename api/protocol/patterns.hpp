// Hand-written matchers for the ten patterns of the models (std::regex cannot
// express \u10000-\u10FFFF and works on bytes, not code points). Each matches
// the whole value, as AWS validation does.
#pragma once

#include <string>
#include <string_view>

#include "api/protocol/model.hpp"

namespace chime::api {

// `cps` is the value decoded to code points.
bool MatchesPattern(model::PatternId id, std::u32string_view cps);

// The model's pattern text, for error messages.
std::string_view PatternText(model::PatternId id);

}  // namespace chime::api
