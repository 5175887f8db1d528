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

// Columns: id, arn, app_instance_arn, kind, name, metadata, configuration,
// expiration_days, expiration_criterion, created_ms, updated_ms.
PrincipalRecord ReadPrincipal(const Statement& st) {
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

std::vector<AppInstanceRecord> ListAppInstances(Database& db, std::string_view arn_prefix, int64_t after_id,
                                                int limit) {
  auto st = db.Prepare(
      "SELECT id, arn, name, metadata, created_ms, updated_ms, retention_days FROM app_instances "
      "WHERE id > ? AND substr(arn, 1, ?) = ? ORDER BY id LIMIT ?");
  st.BindAll(after_id, static_cast<int64_t>(arn_prefix.size()), arn_prefix, limit);
  std::vector<AppInstanceRecord> out;
  while (st.Step()) out.push_back(ReadAppInstance(st));
  return out;
}

bool UpdateAppInstance(Database& db, std::string_view arn, std::string_view name, std::string_view metadata,
                       int64_t now_ms) {
  auto st = db.Prepare("UPDATE app_instances SET name = ?, metadata = ?, updated_ms = ? WHERE arn = ?");
  st.BindAll(name, metadata, now_ms, arn);
  st.Run();
  return db.Changes() > 0;
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
  return ReadPrincipal(st);
}

std::optional<std::pair<PrincipalRecord, bool>> FindPrincipalWithAdmin(Database& db, std::string_view arn) {
  // One statement for the bearer of every request: the principal and whether
  // it is an AppInstanceAdmin of its own app instance.
  auto st = db.Prepare(
      "SELECT p.id, p.arn, p.app_instance_arn, p.kind, p.name, p.metadata, p.configuration, p.expiration_days, "
      "p.expiration_criterion, p.created_ms, p.updated_ms, EXISTS (SELECT 1 FROM app_instance_admins a "
      "WHERE a.app_instance_arn = p.app_instance_arn AND a.admin_arn = p.arn) FROM principals p WHERE p.arn = ?");
  st.BindAll(arn);
  if (!st.Step()) return std::nullopt;
  return std::make_pair(ReadPrincipal(st), st.Int(11) != 0);
}

bool IsAppInstanceAdmin(Database& db, std::string_view app_instance_arn, std::string_view principal_arn) {
  auto st = db.Prepare("SELECT 1 FROM app_instance_admins WHERE app_instance_arn = ? AND admin_arn = ?");
  st.BindAll(app_instance_arn, principal_arn);
  return st.Step();
}

// --- AppInstanceUsers / AppInstanceBots ---

void InsertPrincipal(Database& db, const PrincipalRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO principals (arn, app_instance_arn, kind, name, metadata, configuration, expiration_days, "
      "expiration_criterion, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindAll(r.arn, r.app_instance_arn, r.kind, r.name, r.metadata, r.configuration, r.expiration_days,
             r.expiration_criterion, r.created_ms, r.updated_ms);
  st.Run();
}

std::vector<PrincipalRecord> ListPrincipals(Database& db, std::string_view app_instance_arn, std::string_view kind,
                                            int64_t after_id, int limit) {
  auto st = db.Prepare(
      "SELECT id, arn, app_instance_arn, kind, name, metadata, configuration, expiration_days, "
      "expiration_criterion, created_ms, updated_ms FROM principals "
      "WHERE app_instance_arn = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?");
  st.BindAll(app_instance_arn, kind, after_id, limit);
  std::vector<PrincipalRecord> out;
  while (st.Step()) out.push_back(ReadPrincipal(st));
  return out;
}

bool UpdatePrincipal(Database& db, std::string_view arn, std::string_view kind,
                     const std::optional<std::string>& name, const std::optional<std::string>& metadata,
                     const std::optional<std::string>& configuration, int64_t updated_ms) {
  auto st = db.Prepare(
      "UPDATE principals SET name = ?, metadata = ?, configuration = COALESCE(?, configuration), "
      "updated_ms = ? WHERE arn = ? AND kind = ?");
  st.BindAll(name, metadata, configuration, updated_ms, arn, kind);
  st.Run();
  return db.Changes() > 0;
}

bool SetUserExpiration(Database& db, std::string_view arn, const std::optional<int64_t>& days,
                       const std::optional<std::string>& criterion) {
  auto st = db.Prepare(
      "UPDATE principals SET expiration_days = ?, expiration_criterion = ? WHERE arn = ? AND kind = 'user'");
  st.BindAll(days, criterion, arn);
  st.Run();
  return db.Changes() > 0;
}

bool DeletePrincipal(Database& db, std::string_view arn, std::string_view kind) {
  auto st = db.Prepare("DELETE FROM principals WHERE arn = ? AND kind = ?");
  st.BindAll(arn, kind);
  st.Run();
  return db.Changes() > 0;
}

// --- AppInstanceAdmins ---

namespace {
// Columns: a.id, a.app_instance_arn, a.admin_arn, p.name, a.created_ms.
AppInstanceAdminRecord ReadAdmin(const Statement& st) {
  AppInstanceAdminRecord r;
  r.id = st.Int(0);
  r.app_instance_arn = st.Text(1);
  r.admin_arn = st.Text(2);
  r.admin_name = st.OptText(3);
  r.created_ms = st.Int(4);
  return r;
}
}  // namespace

bool InsertAppInstanceAdmin(Database& db, std::string_view app_instance_arn, std::string_view admin_arn,
                            int64_t created_ms) {
  auto st = db.Prepare(
      "INSERT INTO app_instance_admins (app_instance_arn, admin_arn, created_ms) VALUES (?, ?, ?) "
      "ON CONFLICT (app_instance_arn, admin_arn) DO NOTHING");
  st.BindAll(app_instance_arn, admin_arn, created_ms);
  st.Run();
  return db.Changes() > 0;
}

std::optional<AppInstanceAdminRecord> FindAppInstanceAdmin(Database& db, std::string_view app_instance_arn,
                                                           std::string_view admin_arn) {
  auto st = db.Prepare(
      "SELECT a.id, a.app_instance_arn, a.admin_arn, p.name, a.created_ms FROM app_instance_admins a "
      "JOIN principals p ON p.arn = a.admin_arn WHERE a.app_instance_arn = ? AND a.admin_arn = ?");
  st.BindAll(app_instance_arn, admin_arn);
  if (!st.Step()) return std::nullopt;
  return ReadAdmin(st);
}

std::vector<AppInstanceAdminRecord> ListAppInstanceAdmins(Database& db, std::string_view app_instance_arn,
                                                          int64_t after_id, int limit) {
  auto st = db.Prepare(
      "SELECT a.id, a.app_instance_arn, a.admin_arn, p.name, a.created_ms FROM app_instance_admins a "
      "JOIN principals p ON p.arn = a.admin_arn WHERE a.app_instance_arn = ? AND a.id > ? "
      "ORDER BY a.id LIMIT ?");
  st.BindAll(app_instance_arn, after_id, limit);
  std::vector<AppInstanceAdminRecord> out;
  while (st.Step()) out.push_back(ReadAdmin(st));
  return out;
}

bool DeleteAppInstanceAdmin(Database& db, std::string_view app_instance_arn, std::string_view admin_arn) {
  auto st = db.Prepare("DELETE FROM app_instance_admins WHERE app_instance_arn = ? AND admin_arn = ?");
  st.BindAll(app_instance_arn, admin_arn);
  st.Run();
  return db.Changes() > 0;
}

}  // namespace chime::storage
