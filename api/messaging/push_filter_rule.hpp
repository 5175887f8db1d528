// The FilterRule of a channel membership's push-notification preferences
// (developer guide, "Using filter rules to filter messages"): an escaped JSON
// object run against a message's MessageAttributes. Supported, as the guide
// lists: inclusive exact string matching (`{"key": ["a", "b"]}`), exclusive
// exact matching (`{"key": [{"anything-but": ["a"]}]}`), several keys (AND)
// and `{"$or": [{...}, {...}]}` (OR). Limits, as the guide states them: the
// rule at most 2 KB, at most 5 constraints inside an OR, complexity (keys plus
// values) at most 20. Pure: no storage, no Beast.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

namespace chime::api::push {

inline constexpr size_t kMaxFilterRuleBytes = 2048;
inline constexpr int kMaxOrConstraints = 5;
inline constexpr int kMaxFilterRuleComplexity = 20;

// Parses and checks `text`; throws ApiError BadRequest naming the rule broken.
nlohmann::json ParseFilterRule(std::string_view text);

// Whether a message with `attributes` (the API's MessageAttributes: name ->
// {"StringValues": [...]}; null or absent: none) passes the parsed rule. A key
// matches when any of the attribute's values matches any of its matchers; an
// attribute the message lacks matches nothing, `anything-but` included (as in
// Amazon SNS filter policies, whose syntax the guide's rules share).
bool Matches(const nlohmann::json& rule, const nlohmann::json& attributes);

}  // namespace chime::api::push
