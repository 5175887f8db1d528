#include "storage/snapshot_schema.hpp"

#include <cctype>
#include <map>

#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/snapshot.hpp"

namespace chime::storage {

namespace {

bool IsTight(char c) { return c == '(' || c == ')' || c == ','; }

// "type name" -> normalized SQL ("" for SQLite's automatic indexes).
std::map<std::string, std::string> SchemaObjects(Database& db) {
  std::map<std::string, std::string> out;
  auto st = db.Prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema");
  while (st.Step()) {
    std::string key = st.Text(0) + " " + st.Text(1) + " on " + st.Text(2);
    // A second object of one name (a forged sqlite_schema) is never one of ours.
    while (out.count(key)) key += " (again)";
    out.emplace(std::move(key), NormalizeSchemaSql(st.Text(3)));
  }
  return out;
}

}  // namespace

std::string NormalizeSchemaSql(std::string_view sql) {
  std::string out;
  bool pending_space = false;
  auto emit = [&](char c) {
    if (pending_space && !out.empty() && !IsTight(out.back()) && !IsTight(c)) out += ' ';
    pending_space = false;
    out += c;
  };
  for (size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      pending_space = true;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
      pending_space = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      pending_space = true;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      emit(c);
      for (++i; i < sql.size(); ++i) {
        out += sql[i];
        if (sql[i] == close) {
          // A doubled quote is an escaped one, still inside.
          if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
            out += sql[++i];
            continue;
          }
          ++i;
          break;
        }
      }
    } else {
      emit(c);
      ++i;
    }
  }
  return out;
}

void RequireSchemaOfVersion(Database& snapshot, int version) {
  auto reference = Database::FromImage("");
  ApplyMigrations(*reference, version);
  const auto mine = SchemaObjects(*reference);
  std::map<std::string, std::string> theirs;
  try {
    theirs = SchemaObjects(snapshot);
  } catch (const std::exception& e) {
    throw InvalidSnapshot(std::string("the snapshot's schema cannot be read: ") + e.what());
  }
  const std::string at = " (schema version " + std::to_string(version) + ")";
  for (const auto& [key, sql] : mine) {
    if (!theirs.count(key)) throw InvalidSnapshot("the snapshot is not a chime-local database: " + key + " is missing" + at);
  }
  for (const auto& [key, sql] : theirs) {
    auto it = mine.find(key);
    if (it == mine.end()) {
      throw InvalidSnapshot("the snapshot is not a chime-local database: unknown schema object " + key + at +
                            "; only our own tables and indexes are accepted (no views, triggers, virtual tables)");
    }
    if (it->second != sql) {
      throw InvalidSnapshot("the snapshot's " + key + " is not defined as in chime-local" + at + ": " + sql +
                            "; expected: " + it->second);
    }
  }
}

}  // namespace chime::storage
