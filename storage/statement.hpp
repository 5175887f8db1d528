// Statement: a RAII handle on a prepared statement from the Database cache.
// Binding indexes are 1-based, columns 0-based (as in SQLite). When the handle
// goes out of scope the statement is reset and its bindings cleared, so the
// cached statement comes back clean. Do not hold two handles on the same SQL
// text at once. Thread-safety: use under the Database mutex (a Transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace chime::storage {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);
  // Binds raw bytes as a BLOB (Text() reads them back).
  Statement& BindBlob(int index, std::string_view bytes);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }
  // Binds args to parameters 1..N in order.
  template <typename... Args>
  Statement& BindAll(const Args&... args) {
    int i = 0;
    (Bind(++i, args), ...);
    return *this;
  }

  // Advances to the next row: true if a row is available, false when done.
  // Throws ConstraintError / Error on failure.
  bool Step();
  // Steps until done (for INSERT/UPDATE/DELETE).
  void Run();

  bool IsNull(int col) const;
  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  int64_t Int(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  double Double(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace chime::storage
