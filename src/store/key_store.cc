#include "store/key_store.h"

#include <boost/json.hpp>
#include <random>

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

// `length` characters from [A-Za-z0-9] (the shape of Alibaba and Huawei secrets).
std::string RandomToken(size_t length) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;  // the OS CSPRNG on Linux
  std::string out;
  for (size_t i = 0; i < length; ++i) out += kAlphabet[rd() % (sizeof kAlphabet - 1)];
  return out;
}

std::string EncodeWorkspaces(const std::map<std::string, core::WorkspaceRole>& workspaces) {
  boost::json::object o;
  for (const auto& [id, role] : workspaces)
    o[id] = role == core::WorkspaceRole::kAdmin ? "admin" : "member";
  return boost::json::serialize(o);
}

AccessKey Read(Statement& s) {
  AccessKey key;
  key.id = s.Text(0);
  key.secret = s.Text(1);
  key.tenant = s.Text(2);
  key.user = s.Text(3);
  key.policy = static_cast<core::Policy>(s.Int(4));
  boost::json::value workspaces = boost::json::parse(s.Text(5));  // outlives the loop
  for (const auto& kv : workspaces.as_object()) {
    key.workspaces[std::string(kv.key())] = kv.value().as_string() == "admin"
                                                ? core::WorkspaceRole::kAdmin
                                                : core::WorkspaceRole::kMember;
  }
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

std::unique_ptr<KeyStore> KeyStore::Open(const std::filesystem::path& path) {
  std::unique_ptr<KeyStore> store(new KeyStore(OpenDatabase(path.c_str())));
  // Nonces are written on every signed request: NORMAL (in WAL mode a commit
  // survives a process crash, not a power cut) keeps that cheap. Key writes,
  // rare and precious, switch to FULL (see Durably).
  Exec(store->db_, "PRAGMA synchronous=NORMAL");
  Exec(store->db_, kSchema);
  return store;
}

KeyStore::KeyStore(sqlite3* db) : db_(db) {}

KeyStore::~KeyStore() {
  find_.reset();
  sqlite3_close(db_);
}

AccessKey KeyStore::Create(const std::string& tenant, const std::string& user, core::Policy policy,
                           const std::map<std::string, core::WorkspaceRole>& workspaces,
                           core::TimeMs now) {
  AccessKey key{
      "LTAI" + RandomToken(20), RandomToken(30), tenant, user, policy, workspaces, now, false};
  std::lock_guard lock(mu_);
  Durably durably(db_);
  Statement s(db_,
              "INSERT INTO access_keys(id, secret, tenant, user, policy, workspaces, created) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.Bind(1, key.id).Bind(2, key.secret).Bind(3, key.tenant).Bind(4, key.user);
  s.Bind(5, static_cast<int64_t>(key.policy)).Bind(6, EncodeWorkspaces(workspaces)).Bind(7, now);
  s.Step();
  return key;
}

std::optional<AccessKey> KeyStore::Find(const std::string& id) {
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

std::vector<AccessKey> KeyStore::List() {
  std::lock_guard lock(mu_);
  Statement s(db_, (std::string(kSelect) + " ORDER BY created, id").c_str());
  std::vector<AccessKey> keys;
  while (s.Step()) keys.push_back(Read(s));
  return keys;
}

bool KeyStore::Revoke(const std::string& id) {
  std::lock_guard lock(mu_);
  Durably durably(db_);
  Statement s(db_, "UPDATE access_keys SET revoked = 1 WHERE id = ?1");
  s.Bind(1, id).Step();
  return sqlite3_changes(db_) > 0;
}

bool KeyStore::Empty() {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT count(*) FROM access_keys");
  s.Step();
  return s.Int(0) == 0;
}

bool KeyStore::UseNonce(const std::string& nonce, core::TimeMs now, core::TimeMs expires) {
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
