// Statement: a prepared SQLite statement that finalizes itself, with the
// store's error policy — failures throw core::Error (kInternal; a
// constraint violation is kAlreadyExists).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace drover::store {

[[noreturn]] inline void Fail(sqlite3* db, const std::string& what) {
  throw core::Error(core::ErrorCode::kInternal,
                    "sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) Fail(db, sql);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int idx, int64_t v) {
    sqlite3_bind_int64(stmt_, idx, v);
    return *this;
  }
  Statement& Bind(int idx, std::string_view v) {
    sqlite3_bind_text(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // True while a row is available.
  bool Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (rc == SQLITE_CONSTRAINT) {
      throw core::Error(core::ErrorCode::kAlreadyExists, sqlite3_errmsg(db_));
    }
    Fail(db_, "step");
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  std::string_view Text(int col) {
    const char* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Runs SQL text with no results; throws core::Error(kInternal) on failure.
inline void Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw core::Error(core::ErrorCode::kInternal, std::string("sqlite: ") + text);
  }
}

// Opens (creating) the database file with a busy timeout, in WAL mode
// unless `wal` is false (a connection that must leave the mode as it is);
// throws core::Error(kInternal) when it cannot.
inline sqlite3* OpenDatabase(const char* path, bool wal = true) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    throw core::Error(core::ErrorCode::kInternal, std::string("cannot open ") + path);
  }
  sqlite3_busy_timeout(db, 5000);
  if (!wal) return db;
  try {
    Exec(db, "PRAGMA journal_mode=WAL");
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  return db;
}

}  // namespace drover::store
