// FilterRule of push-notification preferences (developer guide, "Using filter
// rules to filter messages"): the guide's examples, its limits, and matching.
#include "api/messaging/push_filter_rule.hpp"

#include <gtest/gtest.h>

#include "api/protocol/api_error.hpp"

namespace chime::api::push {
namespace {

using json = nlohmann::json;

json Attrs(std::initializer_list<std::pair<const char*, std::vector<std::string>>> kv) {
  json a = json::object();
  for (const auto& [k, v] : kv) a[k] = {{"StringValues", v}};
  return a;
}

std::string RefusalOf(const std::string& text) {
  try {
    ParseFilterRule(text);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.type(), ErrorType::kBadRequest);
    return e.what();
  }
  return "";
}

TEST(PushFilterRuleTest, TheGuidesComplexityExampleIsFour) {
  // "type" and "mention" (2 keys) + "Room" and "Bob" (2 values) = 4: accepted.
  auto rule = ParseFilterRule(R"({"type":[{"anything-but": ["Room"]}],"mention":["Bob"]})");
  EXPECT_TRUE(Matches(rule, Attrs({{"type", {"DM"}}, {"mention", {"Bob"}}})));
  EXPECT_FALSE(Matches(rule, Attrs({{"type", {"Room"}}, {"mention", {"Bob"}}})));
  EXPECT_FALSE(Matches(rule, Attrs({{"type", {"DM"}}, {"mention", {"Alice"}}})));
}

TEST(PushFilterRuleTest, ExclusionOfTheSenderAsTheGuideShows) {
  auto rule = ParseFilterRule(R"({"senderId":[{"anything-but": ["USER_ARN"]}]})");
  EXPECT_TRUE(Matches(rule, Attrs({{"senderId", {"OTHER_ARN"}}})));
  EXPECT_FALSE(Matches(rule, Attrs({{"senderId", {"USER_ARN"}}})));
  EXPECT_FALSE(Matches(rule, json::object()));  // no such attribute: no match
  EXPECT_FALSE(Matches(rule, nullptr));
}

TEST(PushFilterRuleTest, OrMatchesAnyBranch) {
  auto rule = ParseFilterRule(R"({"$or":[{"mention":["Bob"]},{"type":["Urgent"]}]})");
  EXPECT_TRUE(Matches(rule, Attrs({{"mention", {"Bob"}}})));
  EXPECT_TRUE(Matches(rule, Attrs({{"type", {"Urgent"}}})));
  EXPECT_FALSE(Matches(rule, Attrs({{"type", {"Low"}}})));
  // A value list: any one of the attribute's values.
  EXPECT_TRUE(Matches(ParseFilterRule(R"({"k":["a","b"]})"), Attrs({{"k", {"z", "b"}}})));
}

TEST(PushFilterRuleTest, LimitsOfTheGuideAreRefused) {
  EXPECT_NE(RefusalOf(std::string(R"({"k":[")") + std::string(2100, 'x') + "\"]}").find("bytes"), std::string::npos);
  EXPECT_NE(RefusalOf(R"({"$or":[{"a":["1"]},{"b":["1"]},{"c":["1"]},{"d":["1"]},{"e":["1"]},{"f":["1"]}]})")
                .find("at most 5"),
            std::string::npos);
  std::string wide = R"({"k":[)";
  for (int i = 0; i < 20; ++i) wide += std::string(i ? "," : "") + "\"v" + std::to_string(i) + "\"";
  wide += "]}";
  EXPECT_NE(RefusalOf(wide).find("complexity 21"), std::string::npos);
  EXPECT_EQ(RefusalOf(R"({"k":["v1","v2","v3"]})"), "");
}

TEST(PushFilterRuleTest, ShapesOutsideExactMatchingAreRefused) {
  for (const char* bad : {"[]", "{}", "\"x\"", "not json", R"({"k":"v"})", R"({"k":[]})", R"({"k":[1]})",
                          R"({"k":[{"prefix":"a"}]})", R"({"k":[{"anything-but":[1]}]})",
                          R"({"$or":[{"a":["1"]}]})", R"({"$or":[{"$or":[{"a":["1"]},{"b":["1"]}]},{"c":["1"]}]})"}) {
    EXPECT_NE(RefusalOf(bad), "") << bad;
  }
}

}  // namespace
}  // namespace chime::api::push
