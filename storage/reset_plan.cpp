#include "storage/reset_plan.hpp"

#include <set>

#include "storage/database.hpp"
#include "storage/table_order.hpp"

namespace chime::storage {

namespace {

int64_t SchemaVersion(Database& db) {
  auto st = db.Prepare("PRAGMA schema_version");
  st.Step();
  return st.Int(0);
}

void MakePlan(Database& db, ResetPlan& plan) {
  plan = ResetPlan{};
  for (const TableColumns& t : DataTablesParentsFirst(db)) {
    plan.tables.push_back(t.table);
    for (const std::string& parent : t.parents) plan.referenced_by[parent].push_back(t.table);
    auto table = db.Prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?");
    table.Bind(1, t.table);
    if (table.Step()) plan.creates[t.table].push_back(table.Text(0));
    // Autoindexes (UNIQUE, PRIMARY KEY) have no text: they come with the table.
    auto others = db.Prepare(
        "SELECT sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name = ? "
        "ORDER BY type, name");
    others.Bind(1, t.table);
    while (others.Step()) plan.creates[t.table].push_back(others.Text(0));
  }
  plan.schema_version = SchemaVersion(db);
}

}  // namespace

void EmptyAllTables(Database& db, ResetPlan& plan) {
  if (plan.schema_version < 0 || plan.schema_version != SchemaVersion(db)) MakePlan(db, plan);
  // Rows per table, counted up to kDropAbove + 1 only. Empty tables are left
  // alone (compiling a DELETE with its foreign-key actions costs more than
  // it saves); tables above kDropAbove are dropped...
  std::set<std::string> drop, empty;
  for (const std::string& t : plan.tables) {
    auto st = db.Prepare("SELECT count(*) FROM (SELECT 1 FROM " + QuoteIdentifier(t) + " LIMIT " +
                         std::to_string(ResetPlan::kDropAbove + 1) + ")");
    st.Step();
    const int64_t rows = st.Int(0);
    if (rows == 0) empty.insert(t);
    if (rows > ResetPlan::kDropAbove) drop.insert(t);
  }
  // ...and every table referencing a dropped one (children follow parents in
  // plan.tables, so one pass in that order reaches grandchildren too).
  for (const std::string& t : plan.tables) {
    if (!drop.count(t)) continue;
    if (auto it = plan.referenced_by.find(t); it != plan.referenced_by.end()) drop.insert(it->second.begin(), it->second.end());
  }
  for (auto it = plan.tables.rbegin(); it != plan.tables.rend(); ++it) {
    if (drop.count(*it)) {
      db.Exec("DROP TABLE " + QuoteIdentifier(*it));
    } else if (!empty.count(*it)) {
      db.Exec("DELETE FROM " + QuoteIdentifier(*it));
    }
  }
  if (drop.empty()) return;
  for (const std::string& t : plan.tables) {
    if (!drop.count(t)) continue;
    for (const std::string& sql : plan.creates[t]) db.Exec(sql);
  }
  plan.schema_version = SchemaVersion(db);  // ours: the plan still holds
}

}  // namespace chime::storage
