// Small lookups shared by handlers of several resources: the app instance an
// input names, and the Tags list of a create/tag request.
#pragma once

#include <string>

#include "api/auth/authorizer.hpp"
#include "api/handler.hpp"
#include "storage/principal_repo.hpp"
#include "storage/tag_repo.hpp"

namespace chime::api {

// The app instance `arn`, or the ResourceMissing error.
inline storage::AppInstanceRecord RequireAppInstance(RequestContext& ctx, const std::string& arn) {
  auto r = storage::FindAppInstance(ctx.db, arn);
  if (!r) throw ResourceMissing(ctx, "AppInstance " + arn + " does not exist.");
  return *r;
}

// input[member] as a TagList ([{Key, Value}], already validated by the model).
inline storage::TagList TagsFromInput(const json& input, const char* member = "Tags") {
  storage::TagList tags;
  if (auto it = input.find(member); it != input.end()) {
    for (const auto& t : *it) tags.emplace_back(t.value("Key", ""), t.value("Value", ""));
  }
  return tags;
}

}  // namespace chime::api
