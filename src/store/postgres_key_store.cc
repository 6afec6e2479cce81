#include "store/postgres_key_store.h"

namespace drover::store {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS access_keys (
  id text PRIMARY KEY,
  secret text NOT NULL,
  tenant text NOT NULL,
  username text NOT NULL,
  policy integer NOT NULL,
  workspaces text NOT NULL,
  created bigint NOT NULL,
  revoked boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS nonces (nonce text PRIMARY KEY, expires bigint NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_by_expiry ON nonces (expires);
)sql";

// The transaction lock of whoever creates the key tables ("drover" in
// ASCII, plus 2: the record store's locks are +0 and +1).
constexpr int64_t kKeyTablesLock = 0x64726f766572 + 2;

constexpr const char* kSelect =
    "SELECT id, secret, tenant, username, policy, workspaces, created, revoked::int "
    "FROM access_keys";

core::AccessKey Read(const PgResult& r, int row) {
  core::AccessKey key;
  key.id = r.Bytes(row, 0);
  key.secret = r.Bytes(row, 1);
  key.tenant = r.Bytes(row, 2);
  key.user = r.Bytes(row, 3);
  key.policy = static_cast<core::Policy>(r.Int(row, 4));
  key.workspaces = DecodeWorkspaces(r.Bytes(row, 5));
  key.created = r.Int(row, 6);
  key.revoked = r.Int(row, 7) != 0;
  return key;
}

}  // namespace

void PostgresKeyStore::Durably(const std::function<void(PgConnection&)>& write) {
  pool_.Run([&](PgConnection& pg) {
    pg.Exec("BEGIN; SET LOCAL synchronous_commit = on");
    try {
      write(pg);
      pg.Exec("COMMIT");
    } catch (...) {
      if (pg.Ok()) pg.Exec("ROLLBACK");
      throw;
    }
  });
}

std::unique_ptr<PostgresKeyStore> PostgresKeyStore::Open(const std::string& url) {
  std::unique_ptr<PostgresKeyStore> store(new PostgresKeyStore(url));
  store->pool_.Run([](PgConnection& pg) {
    pg.Exec("BEGIN");
    try {
      PgParams lock;
      lock.Int(kKeyTablesLock);
      pg.Query("SELECT pg_advisory_xact_lock($1)", lock);  // one creator at a time
      pg.Exec(kSchema);
      pg.Exec("COMMIT");
    } catch (...) {
      if (pg.Ok()) pg.Exec("ROLLBACK");
      throw;
    }
  });
  return store;
}

void PostgresKeyStore::Put(const core::AccessKey& key) {
  PgParams p;
  p.Text(key.id).Text(key.secret).Text(key.tenant).Text(key.user);
  p.Int(static_cast<int64_t>(key.policy)).Text(EncodeWorkspaces(key.workspaces));
  p.Int(key.created).Int(key.revoked ? 1 : 0);
  Durably([&](PgConnection& pg) {
    pg.Query(
        "INSERT INTO access_keys (id, secret, tenant, username, policy, workspaces, created, "
        "revoked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8 <> 0) ON CONFLICT (id) DO UPDATE SET "
        "secret = EXCLUDED.secret, tenant = EXCLUDED.tenant, username = EXCLUDED.username, "
        "policy = EXCLUDED.policy, workspaces = EXCLUDED.workspaces, created = "
        "EXCLUDED.created, revoked = EXCLUDED.revoked",
        p);
  });
}

std::optional<core::AccessKey> PostgresKeyStore::Find(const std::string& id) {
  PgParams p;
  p.Text(id);
  return pool_.Run([&](PgConnection& pg) -> std::optional<core::AccessKey> {
    PgResult r = pg.Prepared("find_key", std::string(kSelect) + " WHERE id = $1", p);
    if (r.Rows() == 0) return std::nullopt;
    return Read(r, 0);
  });
}

std::vector<core::AccessKey> PostgresKeyStore::List() {
  return pool_.Run([&](PgConnection& pg) {
    PgResult r = pg.Query(std::string(kSelect) + " ORDER BY created, id");
    std::vector<core::AccessKey> keys;
    for (int row = 0; row < r.Rows(); ++row) keys.push_back(Read(r, row));
    return keys;
  });
}

bool PostgresKeyStore::Revoke(const std::string& id) {
  PgParams p;
  p.Text(id);
  bool revoked = false;
  Durably([&](PgConnection& pg) {
    revoked =
        pg.Query("UPDATE access_keys SET revoked = true WHERE id = $1 RETURNING id", p).Rows() > 0;
  });
  return revoked;
}

bool PostgresKeyStore::Empty() {
  return pool_.Run(
      [](PgConnection& pg) { return pg.Query("SELECT count(*) FROM access_keys").Int(0, 0) == 0; });
}

bool PostgresKeyStore::UseNonce(const std::string& nonce, core::TimeMs now, core::TimeMs expires) {
  bool prune = false;
  {
    // Expired nonces go at most once a minute, not on every signed request.
    std::lock_guard lock(prune_mu_);
    if (now - last_prune_ >= core::kMsPerMinute) {
      last_prune_ = now;
      prune = true;
    }
  }
  PgParams p;
  p.Text(nonce).Int(expires);
  return pool_.Run([&](PgConnection& pg) {
    if (prune) {
      PgParams before;
      before.Int(now);
      pg.Query("DELETE FROM nonces WHERE expires < $1", before);
    }
    return pg.Prepared("use_nonce",
                       "INSERT INTO nonces (nonce, expires) VALUES ($1, $2) "
                       "ON CONFLICT DO NOTHING RETURNING nonce",
                       p)
               .Rows() > 0;
  });
}

}  // namespace drover::store
