#include "store/sqlite_key_store.h"

#include "store/sqlite_statement.h"

namespace drover::store {

using core::AccessKey;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS access_keys (
  id TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  tenant TEXT NOT NULL,
  user TEXT NOT NULL,
  policy INTEGER NOT NULL,
  workspaces TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_by_expiry ON nonces(expires);
)sql";

AccessKey Read(Statement& s) {
  AccessKey key;
  key.id = s.Text(0);
  key.secret = s.Text(1);
  key.tenant = s.Text(2);
  key.user = s.Text(3);
  key.policy = static_cast<core::Policy>(s.Int(4));
  key.workspaces = DecodeWorkspaces(s.Text(5));
  key.created = s.Int(6);
  key.revoked = s.Int(7) != 0;
  return key;
}

// Makes the writes in its scope fsync before they return.
class Durably {
 public:
  explicit Durably(sqlite3* db) : db_(db) { Exec(db_, "PRAGMA synchronous=FULL"); }
  ~Durably() { sqlite3_exec(db_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr); }
  Durably(const Durably&) = delete;
  Durably& operator=(const Durably&) = delete;

 private:
  sqlite3* db_;
};

constexpr const char* kSelect =
    "SELECT id, secret, tenant, user, policy, workspaces, created, revoked FROM access_keys";

}  // namespace

std::unique_ptr<SqliteKeyStore> SqliteKeyStore::Open(const std::filesystem::path& path) {
  std::unique_ptr<SqliteKeyStore> store(new SqliteKeyStore(OpenDatabase(path.c_str())));
  // Nonces are written on every signed request: NORMAL (in WAL mode a commit
  // survives a process crash, not a power cut) keeps that cheap. Key writes,
  // rare and precious, switch to FULL (see Durably).
  Exec(store->db_, "PRAGMA synchronous=NORMAL");
  Exec(store->db_, kSchema);
  return store;
}

SqliteKeyStore::SqliteKeyStore(sqlite3* db) : db_(db) {}

SqliteKeyStore::~SqliteKeyStore() {
  find_.reset();
  sqlite3_close(db_);
}

void SqliteKeyStore::Put(const AccessKey& key) {
  std::lock_guard lock(mu_);
  Durably durably(db_);
  Statement s(db_,
              "INSERT OR REPLACE INTO access_keys(id, secret, tenant, user, policy, workspaces, "
              "created, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.Bind(1, key.id).Bind(2, key.secret).Bind(3, key.tenant).Bind(4, key.user);
  s.Bind(5, static_cast<int64_t>(key.policy)).Bind(6, EncodeWorkspaces(key.workspaces));
  s.Bind(7, key.created).Bind(8, int64_t{key.revoked ? 1 : 0});
  s.Step();
}

std::optional<AccessKey> SqliteKeyStore::Find(const std::string& id) {
  std::lock_guard lock(mu_);
  if (!find_)
    find_ = std::make_unique<Statement>(db_, (std::string(kSelect) + " WHERE id = ?1").c_str());
  Statement& s = *find_;
  s.Reset();
  s.Bind(1, id);
  std::optional<AccessKey> key;
  if (s.Step()) key = Read(s);
  s.Reset();
  return key;
}

std::vector<AccessKey> SqliteKeyStore::List() {
  std::lock_guard lock(mu_);
  Statement s(db_, (std::string(kSelect) + " ORDER BY created, id").c_str());
  std::vector<AccessKey> keys;
  while (s.Step()) keys.push_back(Read(s));
  return keys;
}

bool SqliteKeyStore::Revoke(const std::string& id) {
  std::lock_guard lock(mu_);
  Durably durably(db_);
  Statement s(db_, "UPDATE access_keys SET revoked = 1 WHERE id = ?1");
  s.Bind(1, id).Step();
  return sqlite3_changes(db_) > 0;
}

bool SqliteKeyStore::Empty() {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT count(*) FROM access_keys");
  s.Step();
  return s.Int(0) == 0;
}

bool SqliteKeyStore::UseNonce(const std::string& nonce, core::TimeMs now, core::TimeMs expires) {
  std::lock_guard lock(mu_);
  // Expired nonces go at most once a minute, not on every signed request.
  if (now - last_prune_ >= core::kMsPerMinute) {
    Statement forget(db_, "DELETE FROM nonces WHERE expires < ?1");
    forget.Bind(1, now).Step();
    last_prune_ = now;
  }
  Statement use(db_, "INSERT OR IGNORE INTO nonces(nonce, expires) VALUES (?1, ?2)");
  use.Bind(1, nonce).Bind(2, expires).Step();
  return sqlite3_changes(db_) > 0;
}

}  // namespace drover::store
