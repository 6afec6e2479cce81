// PostgresKeyStore: the KeyStore in a PostgreSQL database (tables
// `access_keys`, `nonces`) beside the records of a PostgresStore. Keys are
// read from the database on every signed request, so a key revoked through
// any server is refused by every server at once.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "store/key_store.h"
#include "store/pg_connection.h"

namespace drover::store {

class PostgresKeyStore : public KeyStore {
 public:
  // Creates the key tables when absent. Throws as PgConnection::Connect.
  static std::unique_ptr<PostgresKeyStore> Open(const std::string& url);

  void Put(const core::AccessKey& key) override;
  std::optional<core::AccessKey> Find(const std::string& id) override;
  std::vector<core::AccessKey> List() override;
  bool Revoke(const std::string& id) override;
  bool Empty() override;
  bool UseNonce(const std::string& nonce, core::TimeMs now, core::TimeMs expires) override;

 private:
  // Nonces, written on every signed request, are committed without
  // waiting for the server's disk (synchronous_commit off: they survive a
  // crash of Drover or of PostgreSQL's process, not always one of its
  // machine, as with SQLite); key writes wait for it (Durably).
  explicit PostgresKeyStore(const std::string& url) : pool_(url, "SET synchronous_commit = off") {}
  // Runs `write` in a transaction committed to disk before it returns.
  void Durably(const std::function<void(PgConnection&)>& write);
  PgPool pool_;
  std::mutex prune_mu_;
  core::TimeMs last_prune_ = 0;  // guarded by prune_mu_: when expired nonces were last deleted
};

}  // namespace drover::store
