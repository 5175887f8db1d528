// TagResource, UntagResource and ListTagsForResource. Both models define them
// on the same /tags URI; the router sends both services here, and one tag
// store keyed by ARN serves app instances, users, bots, channels and channel
// flows alike.
#include "api/auth/authorizer.hpp"
#include "api/common/arn.hpp"
#include "api/handler_support/resources.hpp"
#include "api/handler.hpp"
#include "storage/channel_flow_repo.hpp"
#include "storage/channel_repo.hpp"
#include "storage/principal_repo.hpp"
#include "storage/tag_repo.hpp"

namespace chime::api {

namespace {

constexpr size_t kMaxTagsPerResource = 50;

// Throws unless `arn` names an existing taggable resource.
void RequireTaggable(RequestContext& ctx, const std::string& arn) {
  auto parsed = ParseChimeArn(arn);
  bool exists = false;
  if (parsed) {
    if (parsed->kind.empty()) {
      exists = storage::FindAppInstance(ctx.db, arn).has_value();
    } else if (parsed->kind == "user" || parsed->kind == "bot") {
      auto p = storage::FindPrincipal(ctx.db, arn);
      exists = p && p->kind == parsed->kind;
    } else if (parsed->kind == "channel") {
      exists = storage::FindChannel(ctx.db, arn).has_value();
    } else if (parsed->kind == "channel-flow") {
      exists = storage::FindChannelFlow(ctx.db, arn).has_value();
    }
  }
  if (!exists) throw ResourceMissing(ctx, "Resource " + arn + " does not exist or cannot be tagged.");
}

json TagResource(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "ResourceARN");
  RequireTaggable(ctx, arn);
  storage::TagList add = TagsFromInput(in);
  storage::TagList existing = storage::ListTags(ctx.db, arn);
  size_t total = existing.size();
  for (const auto& [key, value] : add) {
    bool present = false;
    for (const auto& e : existing) present |= (e.first == key);
    if (!present) ++total;
  }
  if (total > kMaxTagsPerResource) {
    throw ResourceLimitExceeded("A resource can have at most " + std::to_string(kMaxTagsPerResource) +
                                " tags; " + arn + " would have " + std::to_string(total));
  }
  storage::PutTags(ctx.db, arn, add);
  return json::object();
}

json UntagResource(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "ResourceARN");
  RequireTaggable(ctx, arn);
  std::vector<std::string> keys;
  for (const auto& k : in.at("TagKeys")) keys.push_back(k.get<std::string>());
  storage::RemoveTags(ctx.db, arn, keys);
  return json::object();
}

json ListTagsForResource(RequestContext& ctx, const json& in) {
  const std::string arn = Str(in, "ResourceARN");
  RequireTaggable(ctx, arn);
  json tags = json::array();
  for (const auto& [key, value] : storage::ListTags(ctx.db, arn)) tags.push_back({{"Key", key}, {"Value", value}});
  return {{"Tags", std::move(tags)}};
}

}  // namespace

void RegisterTagHandlers(HandlerTable& t) {
  t.Add(Op::kTagResource, TagResource);
  t.Add(Op::kUntagResource, UntagResource);
  t.Add(Op::kListTagsForResource, ListTagsForResource);
}

}  // namespace chime::api
