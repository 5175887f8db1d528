#include "storage/tag_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

void PutTags(Database& db, std::string_view resource_arn, const TagList& tags) {
  for (const auto& [key, value] : tags) {
    auto st = db.Prepare(
        "INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value");
    st.BindAll(resource_arn, key, value);
    st.Run();
  }
}

void RemoveTags(Database& db, std::string_view resource_arn, const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    auto st = db.Prepare("DELETE FROM tags WHERE resource_arn = ? AND key = ?");
    st.BindAll(resource_arn, key);
    st.Run();
  }
}

void RemoveAllTags(Database& db, std::string_view resource_arn) {
  auto st = db.Prepare("DELETE FROM tags WHERE resource_arn = ?");
  st.BindAll(resource_arn);
  st.Run();
}

void RemoveTagsUnder(Database& db, std::string_view arn_prefix) {
  auto st = db.Prepare("DELETE FROM tags WHERE resource_arn >= ? AND resource_arn < ?");
  std::string end(arn_prefix);
  end.push_back('\xFF');
  st.BindAll(arn_prefix, end);
  st.Run();
}

TagList ListTags(Database& db, std::string_view resource_arn) {
  auto st = db.Prepare("SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key");
  st.BindAll(resource_arn);
  TagList out;
  while (st.Step()) out.emplace_back(st.Text(0), st.Text(1));
  return out;
}

}  // namespace chime::storage
