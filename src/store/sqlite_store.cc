#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "core/error.h"
#include "store/job_codec.h"
#include "store/sqlite_statement.h"

namespace drover::store {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
  revision INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  job_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_revision ON changes(revision);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', 0), ('max_job_number', 0);
)sql";

}  // namespace

std::unique_ptr<SqliteStore> SqliteStore::Open(const std::filesystem::path& path) {
  std::unique_ptr<SqliteStore> store(new SqliteStore(OpenDatabase(path.c_str())));
  // Commits do not fsync; Sync fsyncs the WAL for them (group commit), and
  // NORMAL syncs around checkpoints, so nothing committed and synced is lost.
  Exec(store->db_, "PRAGMA synchronous=NORMAL");
  store->wal_path_ = path.string() + "-wal";
  Exec(store->db_, "PRAGMA cache_size=-262144");  // 256 MiB: bulk writes touch many index pages
  Exec(store->db_, kSchema);
  {
    // The installation key: made once, never replaced.
    std::random_device random;
    uint64_t key = (uint64_t{random()} << 32) ^ random();
    Statement s(store->db_,
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('installation_key', ?1)");
    s.Bind(1, static_cast<int64_t>(key));
    s.Step();
  }
  store->get_by_id_ = std::make_unique<Statement>(store->db_, "SELECT doc FROM jobs WHERE id = ?1");
  store->get_by_public_id_ =
      std::make_unique<Statement>(store->db_, "SELECT doc FROM jobs WHERE public_id = ?1");
  store->bump_revision_ = std::make_unique<Statement>(
      store->db_, "UPDATE meta SET value = value + 1 WHERE key = 'revision' RETURNING value");
  store->put_job_ = std::make_unique<Statement>(
      store->db_,
      "INSERT INTO jobs(id, public_id, doc) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(id) DO UPDATE SET public_id = excluded.public_id, doc = excluded.doc");
  store->delete_job_ = std::make_unique<Statement>(store->db_, "DELETE FROM jobs WHERE id = ?1");
  store->log_change_ = std::make_unique<Statement>(
      store->db_, "INSERT INTO changes(revision, kind, job_id) VALUES (?1, ?2, ?3)");
  store->raise_max_number_ = std::make_unique<Statement>(
      store->db_, "UPDATE meta SET value = max(value, ?1) WHERE key = 'max_job_number'");
  return store;
}

SqliteStore::SqliteStore(sqlite3* db) : db_(db) {}

SqliteStore::~SqliteStore() {
  if (wal_fd_ >= 0) ::close(wal_fd_);
  for (auto* s : {&get_by_id_, &get_by_public_id_, &bump_revision_, &put_job_, &delete_job_,
                  &log_change_, &raise_max_number_}) {
    s->reset();
  }
  sqlite3_close(db_);
}

Revision SqliteStore::Commit(const std::vector<Mutation>& batch) {
  std::lock_guard lock(mu_);
  Statement& bump = *bump_revision_;
  Statement& put = *put_job_;
  Statement& del = *delete_job_;
  Statement& log = *log_change_;
  Statement& max_number = *raise_max_number_;
  // A statement still stepping would block COMMIT; each is reset after use.
  auto reset_all = [&] {
    for (Statement* s : {&bump, &put, &del, &log, &max_number}) s->Reset();
  };
  Exec(db_, "BEGIN IMMEDIATE");
  try {
    bump.Step();
    Revision revision = static_cast<Revision>(bump.Int(0));
    bump.Reset();
    int64_t max_id = 0;
    for (const Mutation& m : batch) {
      auto id = static_cast<int64_t>(m.job.id);
      if (m.kind == Mutation::Kind::kPutJob) {
        put.Bind(1, id)
            .Bind(2, m.job.public_id)
            .Bind(3, m.encoded.empty() ? EncodeJob(m.job) : m.encoded);
        put.Step();
        max_id = std::max(max_id, id);
      } else {
        del.Bind(1, id).Step();
      }
      log.Bind(1, static_cast<int64_t>(revision)).Bind(2, static_cast<int64_t>(m.kind)).Bind(3, id);
      log.Step();
      reset_all();
    }
    if (max_id > 0) max_number.Bind(1, max_id).Step();
    reset_all();
    Exec(db_, "COMMIT");
    std::lock_guard sync_lock(sync_mu_);
    committed_ = revision;
    return revision;
  } catch (...) {
    reset_all();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SqliteStore::BeginBulkLoad() {
  std::lock_guard lock(mu_);
  Exec(db_, "PRAGMA journal_mode=TRUNCATE");
  Exec(db_, "PRAGMA synchronous=FULL");
  bulk_ = true;
}

void SqliteStore::EndBulkLoad() {
  std::lock_guard lock(mu_);
  Exec(db_, "PRAGMA journal_mode=WAL");
  Exec(db_, "PRAGMA synchronous=NORMAL");
  bulk_ = false;
  std::lock_guard sync_lock(sync_mu_);
  synced_ = committed_;  // every bulk commit was synced by SQLite itself
}

void SqliteStore::Sync(Revision revision) {
  if (bulk_) return;  // FULL: the commit was on disk when it returned
  std::unique_lock lock(sync_mu_);
  while (synced_ < revision) {
    if (syncing_) {
      synced_cv_.wait(lock);
      continue;
    }
    // Lead: one fsync covers every commit made so far.
    syncing_ = true;
    Revision target = committed_;
    if (wal_fd_ < 0) wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    int fd = wal_fd_;
    lock.unlock();
    bool ok = fd >= 0 && ::fsync(fd) == 0;
    lock.lock();
    syncing_ = false;
    if (ok) synced_ = std::max(synced_, target);
    synced_cv_.notify_all();
    if (!ok) {
      throw core::Error(core::ErrorCode::kInternal,
                        "cannot fsync " + wal_path_.string() + ": " + std::strerror(errno));
    }
  }
}

Revision SqliteStore::CurrentRevision() {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT value FROM meta WHERE key = 'revision'");
  s.Step();
  return static_cast<Revision>(s.Int(0));
}

uint64_t SqliteStore::InstallationKey() {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT value FROM meta WHERE key = 'installation_key'");
  s.Step();
  return static_cast<uint64_t>(s.Int(0));
}

core::JobNumber SqliteStore::MaxJobNumber() {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT value FROM meta WHERE key = 'max_job_number'");
  s.Step();
  return static_cast<core::JobNumber>(s.Int(0));
}

void SqliteStore::ForEachJob(const std::function<void(core::Job&&)>& visit) {
  std::lock_guard lock(mu_);
  {
    Statement s(db_, "SELECT doc FROM jobs ORDER BY id");
    while (s.Step()) visit(DecodeJob(s.Text(0)));
  }
  // A full scan fills the page cache with pages no list will read soon.
  sqlite3_db_release_memory(db_);
}

std::optional<core::Job> SqliteStore::ReadJob(core::JobNumber id) {
  Statement& s = *get_by_id_;
  s.Reset();
  s.Bind(1, static_cast<int64_t>(id));
  std::optional<core::Job> job;
  try {
    if (s.Step()) job = DecodeJob(s.Text(0));
  } catch (...) {
    s.Reset();
    throw;
  }
  s.Reset();
  return job;
}

std::optional<core::Job> SqliteStore::GetJob(core::JobNumber id) {
  std::lock_guard lock(mu_);
  return ReadJob(id);
}

std::vector<core::Job> SqliteStore::GetJobs(const std::vector<core::JobNumber>& ids) {
  std::lock_guard lock(mu_);
  // One read transaction for the page: one lock of the WAL index, not one per row.
  Exec(db_, "BEGIN");
  std::vector<core::Job> jobs;
  jobs.reserve(ids.size());
  try {
    for (core::JobNumber id : ids) {
      if (std::optional<core::Job> job = ReadJob(id)) jobs.push_back(std::move(*job));
    }
  } catch (...) {
    Exec(db_, "COMMIT");
    throw;
  }
  Exec(db_, "COMMIT");
  return jobs;
}

std::optional<core::Job> SqliteStore::FindJob(std::string_view public_id) {
  std::lock_guard lock(mu_);
  Statement& s = *get_by_public_id_;
  s.Reset();
  s.Bind(1, public_id);
  std::optional<core::Job> job;
  if (s.Step()) job = DecodeJob(s.Text(0));
  s.Reset();
  return job;
}

std::vector<Change> SqliteStore::ChangesSince(Revision since) {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT revision, kind, job_id FROM changes WHERE revision > ?1 ORDER BY rowid");
  s.Bind(1, static_cast<int64_t>(since));
  std::vector<Change> out;
  while (s.Step()) {
    out.push_back(Change{static_cast<Revision>(s.Int(0)), static_cast<Mutation::Kind>(s.Int(1)),
                         static_cast<core::JobNumber>(s.Int(2))});
  }
  return out;
}

}  // namespace drover::store
