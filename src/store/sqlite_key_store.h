// SqliteKeyStore: the KeyStore in the server's SQLite file (tables
// `access_keys`, `nonces`) beside the records.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "store/key_store.h"

struct sqlite3;

namespace drover::store {

class Statement;

class SqliteKeyStore : public KeyStore {
 public:
  // Opens the key tables in the database file at `path` (creating them).
  // Throws core::Error(kInternal) when it cannot.
  static std::unique_ptr<SqliteKeyStore> Open(const std::filesystem::path& path);
  ~SqliteKeyStore() override;

  void Put(const core::AccessKey& key) override;
  std::optional<core::AccessKey> Find(const std::string& id) override;
  std::vector<core::AccessKey> List() override;
  bool Revoke(const std::string& id) override;
  bool Empty() override;
  bool UseNonce(const std::string& nonce, core::TimeMs now, core::TimeMs expires) override;

 private:
  explicit SqliteKeyStore(sqlite3* db);
  std::mutex mu_;
  sqlite3* db_;                      // guarded by mu_
  std::unique_ptr<Statement> find_;  // guarded by mu_: prepared once, used per signed request
  core::TimeMs last_prune_ = 0;      // guarded by mu_: when expired nonces were last deleted
};

}  // namespace drover::store
