#include "storage/table_order.hpp"

#include <map>
#include <set>

#include "storage/database.hpp"
#include "storage/error.hpp"

namespace chime::storage {

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<TableColumns> DataTablesParentsFirst(Database& db) {
  std::vector<std::string> names;
  {
    auto st = db.Prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name");
    while (st.Step()) names.push_back(st.Text(0));
  }
  std::map<std::string, std::set<std::string>> parents;  // table -> tables it references
  std::map<std::string, std::vector<std::string>> columns;
  for (const std::string& t : names) {
    auto fk = db.Prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)");
    fk.Bind(1, t);
    while (fk.Step()) {
      std::string parent = fk.Text(0);
      if (parent != t) parents[t].insert(std::move(parent));  // a self-reference orders nothing
    }
    auto cols = db.Prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    cols.Bind(1, t);
    while (cols.Step()) columns[t].push_back(cols.Text(0));
  }
  // Kahn's algorithm over the name-sorted list: deterministic, parents first.
  std::vector<TableColumns> ordered;
  std::set<std::string> placed;
  while (ordered.size() < names.size()) {
    bool progressed = false;
    for (const std::string& t : names) {
      if (placed.count(t)) continue;
      bool ready = true;
      for (const std::string& p : parents[t])
        if (!placed.count(p) && columns.count(p)) ready = false;
      if (!ready) continue;
      placed.insert(t);
      ordered.push_back({t, columns[t], {parents[t].begin(), parents[t].end()}});
      progressed = true;
    }
    if (!progressed) throw Error(0, "the schema has a foreign-key cycle; no table order for reset/restore");
  }
  return ordered;
}

}  // namespace chime::storage
