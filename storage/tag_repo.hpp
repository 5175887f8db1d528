// Tags of every taggable resource of both services, keyed by resource ARN.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/database.hpp"

namespace chime::storage {

using TagList = std::vector<std::pair<std::string, std::string>>;

void PutTags(Database& db, std::string_view resource_arn, const TagList& tags);  // upsert by key
void RemoveTags(Database& db, std::string_view resource_arn, const std::vector<std::string>& keys);
void RemoveAllTags(Database& db, std::string_view resource_arn);
// Removes the tags of every resource whose ARN starts with `arn_prefix`.
void RemoveTagsUnder(Database& db, std::string_view arn_prefix);
TagList ListTags(Database& db, std::string_view resource_arn);  // ordered by key

}  // namespace chime::storage
