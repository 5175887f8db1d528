#include "api/messaging/push_filter_rule.hpp"

#include <string>

#include "api/protocol/api_error.hpp"

namespace chime::api::push {

namespace {

using json = nlohmann::json;

[[noreturn]] void Refuse(const std::string& why) {
  throw BadRequest("Preferences.PushNotifications.FilterRule " + why);
}

// A matcher list: ["a", "b"] or [{"anything-but": ["a"]}] (or "a"); returns its values' count.
int CheckMatchers(const std::string& key, const json& matchers) {
  if (!matchers.is_array() || matchers.empty())
    Refuse("key \"" + key + "\" must map to a non-empty list of strings or {\"anything-but\": [...]}");
  int values = 0;
  for (const json& m : matchers) {
    if (m.is_string()) {
      ++values;
      continue;
    }
    if (!m.is_object() || m.size() != 1 || !m.contains("anything-but"))
      Refuse("key \"" + key + "\": only exact strings and {\"anything-but\": [...]} are supported");
    const json& excluded = m["anything-but"];
    if (excluded.is_string()) {
      ++values;
      continue;
    }
    if (!excluded.is_array() || excluded.empty())
      Refuse("key \"" + key + "\": anything-but takes a string or a non-empty list of strings");
    for (const json& v : excluded) {
      if (!v.is_string()) Refuse("key \"" + key + "\": anything-but takes strings only (exact string matching)");
      ++values;
    }
  }
  return values;
}

// One AND group: {"key": matchers, ..., "$or": [groups]} ($or only at the top).
int CheckGroup(const json& group, bool top) {
  if (!group.is_object() || group.empty()) Refuse("must be a non-empty JSON object");
  int complexity = 0;
  for (const auto& [key, value] : group.items()) {
    if (key == "$or") {
      if (!top) Refuse("may not nest $or inside $or");
      if (!value.is_array() || value.size() < 2)
        Refuse("$or takes a list of at least two constraints");
      if (value.size() > static_cast<size_t>(kMaxOrConstraints))
        Refuse("has " + std::to_string(value.size()) + " constraints inside $or (at most " +
               std::to_string(kMaxOrConstraints) + ")");
      for (const json& branch : value) complexity += CheckGroup(branch, false);
      continue;
    }
    complexity += 1 + CheckMatchers(key, value);
  }
  return complexity;
}

bool ValueMatches(const json& matchers, const std::string& v) {
  for (const json& m : matchers) {
    if (m.is_string()) {
      if (m.get_ref<const std::string&>() == v) return true;
      continue;
    }
    const json& excluded = m["anything-but"];
    bool hit = excluded.is_string() ? excluded.get_ref<const std::string&>() == v : false;
    if (excluded.is_array())
      for (const json& e : excluded) hit = hit || e.get_ref<const std::string&>() == v;
    if (!hit) return true;
  }
  return false;
}

bool GroupMatches(const json& group, const json& attributes) {
  for (const auto& [key, value] : group.items()) {
    if (key == "$or") {
      bool any = false;
      for (const json& branch : value) any = any || GroupMatches(branch, attributes);
      if (!any) return false;
      continue;
    }
    if (!attributes.is_object()) return false;
    auto attr = attributes.find(key);
    if (attr == attributes.end() || !attr->is_object()) return false;
    auto values = attr->find("StringValues");
    if (values == attr->end() || !values->is_array()) return false;
    bool any = false;
    for (const json& v : *values) any = any || (v.is_string() && ValueMatches(value, v.get<std::string>()));
    if (!any) return false;
  }
  return true;
}

}  // namespace

json ParseFilterRule(std::string_view text) {
  if (text.size() > kMaxFilterRuleBytes)
    Refuse("is " + std::to_string(text.size()) + " bytes (at most " + std::to_string(kMaxFilterRuleBytes) + ")");
  json rule = json::parse(text, nullptr, false);
  if (rule.is_discarded() || !rule.is_object()) Refuse("must be a JSON object (a message attribute filter)");
  const int complexity = CheckGroup(rule, true);
  if (complexity > kMaxFilterRuleComplexity)
    Refuse("has complexity " + std::to_string(complexity) + " (keys plus values; at most " +
           std::to_string(kMaxFilterRuleComplexity) + ")");
  return rule;
}

bool Matches(const json& rule, const json& attributes) { return GroupMatches(rule, attributes); }

}  // namespace chime::api::push
