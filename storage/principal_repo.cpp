#include "storage/principal_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

namespace {
AppInstanceRecord ReadAppInstance(const Statement& st) {
  AppInstanceRecord r;
  r.id = st.Int(0);
  r.arn = st.Text(1);
  r.name = st.Text(2);
  r.metadata = st.OptText(3);
  r.created_ms = st.Int(4);
  r.updated_ms = st.Int(5);
  r.retention_days = st.OptInt(6);
  return r;
}
}  // namespace

std::optional<AppInstanceRecord> FindAppInstance(Database& db, std::string_view arn) {
  auto st = db.Prepare(
      "SELECT id, arn, name, metadata, created_ms, updated_ms, retention_days FROM app_instances WHERE arn = ?");
  st.BindAll(arn);
  if (!st.Step()) return std::nullopt;
  return ReadAppInstance(st);
}

void InsertAppInstance(Database& db, const AppInstanceRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO app_instances (arn, name, metadata, created_ms, updated_ms, retention_days) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  st.BindAll(r.arn, r.name, r.metadata, r.created_ms, r.updated_ms, r.retention_days);
  st.Run();
}

std::vector<AppInstanceRecord> ListAppInstances(Database& db, int64_t after_id, int limit) {
  auto st = db.Prepare(
      "SELECT id, arn, name, metadata, created_ms, updated_ms, retention_days FROM app_instances "
      "WHERE id > ? ORDER BY id LIMIT ?");
  st.BindAll(after_id, limit);
  std::vector<AppInstanceRecord> out;
  while (st.Step()) out.push_back(ReadAppInstance(st));
  return out;
}

bool DeleteAppInstance(Database& db, std::string_view arn) {
  auto st = db.Prepare("DELETE FROM app_instances WHERE arn = ?");
  st.BindAll(arn);
  st.Run();
  return db.Changes() > 0;
}

std::optional<PrincipalRecord> FindPrincipal(Database& db, std::string_view arn) {
  auto st = db.Prepare(
      "SELECT id, arn, app_instance_arn, kind, name, metadata, configuration, expiration_days, "
      "expiration_criterion, created_ms, updated_ms FROM principals WHERE arn = ?");
  st.BindAll(arn);
  if (!st.Step()) return std::nullopt;
  PrincipalRecord r;
  r.id = st.Int(0);
  r.arn = st.Text(1);
  r.app_instance_arn = st.Text(2);
  r.kind = st.Text(3);
  r.name = st.OptText(4);
  r.metadata = st.OptText(5);
  r.configuration = st.OptText(6);
  r.expiration_days = st.OptInt(7);
  r.expiration_criterion = st.OptText(8);
  r.created_ms = st.Int(9);
  r.updated_ms = st.Int(10);
  return r;
}

bool IsAppInstanceAdmin(Database& db, std::string_view app_instance_arn, std::string_view principal_arn) {
  auto st = db.Prepare("SELECT 1 FROM app_instance_admins WHERE app_instance_arn = ? AND admin_arn = ?");
  st.BindAll(app_instance_arn, principal_arn);
  return st.Step();
}

}  // namespace chime::storage
