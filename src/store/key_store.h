// KeyStore: durable access keys and memberships, and the replay guard's
// used nonces. Kept in the server's SQLite file (tables `access_keys`,
// `nonces`) beside the jobs. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/identity.h"

struct sqlite3;

namespace drover::store {

class Statement;

class KeyStore {
 public:
  // Opens the key tables in the database file at `path` (creating them).
  // Throws core::Error(kInternal) when it cannot.
  static std::unique_ptr<KeyStore> Open(const std::filesystem::path& path);
  ~KeyStore();

  // Creates a key with a fresh random id and secret. Durable on return.
  core::AccessKey Create(const std::string& tenant, const std::string& user, core::Policy policy,
                         const std::map<std::string, core::WorkspaceRole>& workspaces,
                         core::TimeMs now);
  // The key, revoked or not; nullopt when unknown.
  std::optional<core::AccessKey> Find(const std::string& id);
  std::vector<core::AccessKey> List();
  // False when the key does not exist.
  bool Revoke(const std::string& id);
  bool Empty();

  // Records `nonce` as used until `expires`; false when it was already
  // used (a replay). Nonces past `expires` are forgotten
  // within a minute.
  bool UseNonce(const std::string& nonce, core::TimeMs now, core::TimeMs expires);

 private:
  explicit KeyStore(sqlite3* db);
  std::mutex mu_;
  sqlite3* db_;                      // guarded by mu_
  std::unique_ptr<Statement> find_;  // guarded by mu_: prepared once, used per signed request
  core::TimeMs last_prune_ = 0;      // guarded by mu_: when expired nonces were last deleted
};

}  // namespace drover::store
