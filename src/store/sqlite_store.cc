#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <random>

#include "core/error.h"
#include "store/kinds.h"
#include "store/sqlite_statement.h"

namespace drover::store {

namespace {

// Layout 1 (before kinds of record): one `jobs` table, `changes(revision,
// kind, job_id)` where `kind` was put or delete, meta `max_job_number`.
// Layout 2: a table per kind, `changes(revision, op, kind, number)`, meta
// `max_number.<kind>`.
constexpr int64_t kLayout = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS changes (
  revision INTEGER NOT NULL,
  op INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_revision ON changes(revision);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', 0);
)sql";

std::string MaxNumberKey(KindId kind) { return "max_number." + std::to_string(kind); }

bool HasColumn(sqlite3* db, const char* table, std::string_view column) {
  Statement s(db, (std::string("SELECT name FROM pragma_table_info('") + table + "')").c_str());
  while (s.Step()) {
    if (s.Text(0) == column) return true;
  }
  return false;
}

// Layout 1 → 2, inside Open's transaction. Training jobs keep their table.
void MigrateFromLayout1(sqlite3* db) {
  static_assert(kTrainingJob.table == "jobs" && kTrainingJob.id == 1);
  Exec(db, R"sql(
ALTER TABLE changes RENAME COLUMN kind TO op;
ALTER TABLE changes RENAME COLUMN job_id TO number;
ALTER TABLE changes ADD COLUMN kind INTEGER NOT NULL DEFAULT 1;
INSERT OR REPLACE INTO meta(key, value)
  SELECT 'max_number.1', value FROM meta WHERE key = 'max_job_number';
DELETE FROM meta WHERE key = 'max_job_number';
)sql");
}

std::string Sql(const char* before, const RecordKind& kind, const char* after) {
  return std::string(before) + std::string(kind.table) + after;
}

// Reads a record row (id, public_id, doc).
Record RowRecord(Statement& s) {
  return Record{static_cast<uint64_t>(s.Int(0)), std::string(s.Text(1)), std::string(s.Text(2))};
}

}  // namespace

// The writer's statements for one kind.
struct SqliteStore::KindStatements {
  KindStatements(sqlite3* db, const RecordKind& kind)
      : put(db, Sql("INSERT INTO ", kind,
                    "(id, public_id, doc) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET "
                    "public_id = excluded.public_id, doc = excluded.doc")
                    .c_str()),
        del(db, Sql("DELETE FROM ", kind, " WHERE id = ?1").c_str()) {}
  Statement put;
  Statement del;
};

// A read connection and its statements, prepared once per kind.
class SqliteStore::Reader {
 public:
  Reader(const SqliteStore& store, const std::filesystem::path& path)
      : store_(store), db_(OpenDatabase(path.c_str(), /*wal=*/false)) {
    Exec(db_, "PRAGMA query_only=1");
  }
  ~Reader() {
    kinds_.clear();
    sqlite3_close(db_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  sqlite3* db() { return db_; }
  Statement& ById(KindId kind) { return Of(kind).by_id; }
  Statement& ByPublicId(KindId kind) { return Of(kind).by_public_id; }

  // One row of `s` after binding, or nullopt; `s` is reset either way.
  template <class Bind>
  static std::optional<Record> One(Statement& s, Bind&& bind) {
    s.Reset();
    bind(s);
    std::optional<Record> out;
    try {
      if (s.Step()) out = RowRecord(s);
    } catch (...) {
      s.Reset();
      throw;
    }
    s.Reset();
    return out;
  }

 private:
  struct Statements {
    Statements(sqlite3* db, const RecordKind& kind)
        : by_id(db, Sql("SELECT id, public_id, doc FROM ", kind, " WHERE id = ?1").c_str()),
          by_public_id(
              db, Sql("SELECT id, public_id, doc FROM ", kind, " WHERE public_id = ?1").c_str()) {}
    Statement by_id;
    Statement by_public_id;
  };
  Statements& Of(KindId kind) {
    auto it = kinds_.find(kind);
    if (it == kinds_.end())
      it = kinds_.emplace(kind, std::make_unique<Statements>(db_, store_.KindOf(kind))).first;
    return *it->second;
  }

  const SqliteStore& store_;
  sqlite3* db_;
  std::map<KindId, std::unique_ptr<Statements>> kinds_;
};

void SqliteStore::ReaderDeleter::operator()(Reader* reader) const {
  std::unique_ptr<Reader> owned(reader);
  std::lock_guard lock(store->readers_mu_);
  store->idle_readers_.push_back(std::move(owned));
}

SqliteStore::Lease SqliteStore::Read() {
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      Reader* reader = idle_readers_.back().release();
      idle_readers_.pop_back();
      return Lease(reader, ReaderDeleter{this});
    }
  }
  return Lease(new Reader(*this, path_), ReaderDeleter{this});
}

std::unique_ptr<SqliteStore> SqliteStore::Open(const std::filesystem::path& path,
                                               std::span<const RecordKind> kinds) {
  std::unique_ptr<SqliteStore> store(new SqliteStore(OpenDatabase(path.c_str()), path, kinds));
  sqlite3* db = store->db_;
  // Commits do not fsync; Sync fsyncs the WAL for them (group commit), and
  // NORMAL syncs around checkpoints, so nothing committed and synced is lost.
  Exec(db, "PRAGMA synchronous=NORMAL");
  store->wal_path_ = path.string() + "-wal";
  Exec(db, "PRAGMA cache_size=-262144");  // 256 MiB: bulk writes touch many index pages
  Exec(db, "BEGIN IMMEDIATE");
  try {
    Statement tables(db, "SELECT count(*) FROM sqlite_master WHERE name = 'changes'");
    tables.Step();
    if (tables.Int(0) > 0 && HasColumn(db, "changes", "job_id")) MigrateFromLayout1(db);
    Exec(db, kSchema);
    for (const RecordKind& kind : kinds) {
      Exec(db, Sql("CREATE TABLE IF NOT EXISTS ", kind,
                   " (id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)")
                   .c_str());
      Statement max(db, "INSERT OR IGNORE INTO meta(key, value) VALUES (?1, 0)");
      max.Bind(1, MaxNumberKey(kind.id)).Step();
    }
    // The installation key: made once, never replaced.
    std::random_device random;
    uint64_t key = (uint64_t{random()} << 32) ^ random();
    Statement s(db, "INSERT OR IGNORE INTO meta(key, value) VALUES ('installation_key', ?1)");
    s.Bind(1, static_cast<int64_t>(key)).Step();
    Statement layout(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('layout', ?1)");
    layout.Bind(1, kLayout).Step();
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  Exec(db, "COMMIT");
  std::map<KindId, uint64_t> max_numbers;
  for (const RecordKind& kind : kinds) {
    max_numbers[kind.id] = static_cast<uint64_t>(store->MetaValue(MaxNumberKey(kind.id).c_str()));
  }
  store->Resume(static_cast<Revision>(store->MetaValue("revision")), max_numbers);
  store->begin_ = std::make_unique<Statement>(db, "BEGIN IMMEDIATE");
  store->commit_ = std::make_unique<Statement>(db, "COMMIT");
  store->set_revision_ = std::make_unique<Statement>(
      db, "UPDATE meta SET value = max(value, ?1) WHERE key = 'revision'");
  store->log_change_ = std::make_unique<Statement>(
      db, "INSERT INTO changes(revision, op, kind, number) VALUES (?1, ?2, ?3, ?4)");
  store->raise_max_number_ =
      std::make_unique<Statement>(db, "UPDATE meta SET value = max(value, ?2) WHERE key = ?1");
  return store;
}

SqliteStore::SqliteStore(sqlite3* db, std::filesystem::path path, std::span<const RecordKind> kinds)
    : GroupCommitStore(kinds, /*commit_is_durable=*/false), path_(std::move(path)), db_(db) {}

SqliteStore::~SqliteStore() {
  try {
    Drain();  // a batch committed and never synced is still written
  } catch (const std::exception&) {
    // Not acknowledged, so nothing is lost that a client was told is kept.
  }
  if (wal_fd_ >= 0) ::close(wal_fd_);
  idle_readers_.clear();
  writer_kinds_.clear();
  begin_.reset();
  commit_.reset();
  set_revision_.reset();
  log_change_.reset();
  raise_max_number_.reset();
  sqlite3_close(db_);
}

SqliteStore::KindStatements& SqliteStore::WriterStatements(KindId kind) {
  auto it = writer_kinds_.find(kind);
  if (it == writer_kinds_.end())
    it = writer_kinds_.emplace(kind, std::make_unique<KindStatements>(db_, KindOf(kind))).first;
  return *it->second;
}

void SqliteStore::WriteGroup(const std::deque<Queued>& group, Failures* failures) {
  std::lock_guard lock(mu_);
  Statement& set_revision = *set_revision_;
  Statement& log = *log_change_;
  Statement& max_number = *raise_max_number_;
  // A statement still stepping would block COMMIT; each is reset after use.
  auto reset_all = [&] {
    for (Statement* s : {&set_revision, &log, &max_number}) s->Reset();
    for (auto& [id, kind] : writer_kinds_) {
      kind->put.Reset();
      kind->del.Reset();
    }
  };
  Revision newest = 0;
  Statement& begin = *begin_;
  begin.Step();
  begin.Reset();
  try {
    std::map<KindId, int64_t> max_numbers;
    for (const Queued& queued : group) {
      if (failures) Exec(db_, "SAVEPOINT batch");
      std::map<KindId, int64_t> batch_max = max_numbers;
      try {
        for (const Mutation& m : queued.batch) {
          KindStatements& kind = WriterStatements(m.kind);
          auto number = static_cast<int64_t>(m.record.number);
          if (m.op == Mutation::Op::kPut) {
            kind.put.Bind(1, number).Bind(2, m.record.public_id).Bind(3, m.record.doc).Step();
            kind.put.Reset();
            int64_t& max = batch_max[m.kind];
            max = std::max(max, number);
          } else {
            kind.del.Bind(1, number).Step();
            kind.del.Reset();
          }
          log.Bind(1, static_cast<int64_t>(queued.revision))
              .Bind(2, static_cast<int64_t>(m.op))
              .Bind(3, int64_t{m.kind})
              .Bind(4, number);
          log.Step();
          log.Reset();
        }
      } catch (const core::Error& e) {
        if (!failures || e.code() != core::ErrorCode::kAlreadyExists) throw;
        reset_all();
        Exec(db_, "ROLLBACK TO batch");
        Exec(db_, "RELEASE batch");
        failures->emplace_back(queued.revision, std::current_exception());
        continue;
      }
      if (failures) Exec(db_, "RELEASE batch");
      max_numbers = std::move(batch_max);
      newest = queued.revision;
    }
    if (newest > 0) {
      set_revision.Bind(1, static_cast<int64_t>(newest)).Step();
      set_revision.Reset();
    }
    for (const auto& [kind, max] : max_numbers) {
      max_number.Bind(1, MaxNumberKey(kind)).Bind(2, max).Step();
      max_number.Reset();
    }
    reset_all();
    commit_->Step();
    commit_->Reset();
  } catch (...) {
    reset_all();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SqliteStore::Flush() {
  if (bulk_) return;  // in bulk, synchronous=FULL: SQLite synced each transaction itself
  if (wal_fd_ < 0) wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (wal_fd_ < 0 || ::fsync(wal_fd_) != 0) {
    throw core::Error(core::ErrorCode::kInternal,
                      "cannot fsync " + wal_path_.string() + ": " + std::strerror(errno));
  }
}

void SqliteStore::CloseIdleReaders() {
  std::lock_guard lock(readers_mu_);
  idle_readers_.clear();
}

void SqliteStore::BeginBulkLoad() {
  Drain();
  CloseIdleReaders();  // leaving WAL mode needs the only connection
  std::lock_guard lock(mu_);
  Exec(db_, "PRAGMA journal_mode=TRUNCATE");
  Exec(db_, "PRAGMA synchronous=FULL");
  bulk_ = true;
}

void SqliteStore::EndBulkLoad() {
  Drain();
  CloseIdleReaders();  // entering WAL mode needs the only connection
  std::lock_guard lock(mu_);
  Exec(db_, "PRAGMA journal_mode=WAL");
  Exec(db_, "PRAGMA synchronous=NORMAL");
  bulk_ = false;
}

void SqliteStore::WriteAdopted(uint64_t installation_key,
                               const std::map<KindId, uint64_t>& max_numbers) {
  std::lock_guard lock(mu_);
  Exec(db_, "BEGIN IMMEDIATE");
  try {
    Statement key(db_, "UPDATE meta SET value = ?1 WHERE key = 'installation_key'");
    key.Bind(1, static_cast<int64_t>(installation_key)).Step();
    for (const auto& [kind, max] : max_numbers) {
      raise_max_number_->Bind(1, MaxNumberKey(kind)).Bind(2, static_cast<int64_t>(max)).Step();
      raise_max_number_->Reset();
    }
  } catch (...) {
    raise_max_number_->Reset();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  Exec(db_, "COMMIT");
}

int64_t SqliteStore::MetaValue(const char* key) {
  std::lock_guard lock(mu_);
  Statement s(db_, "SELECT value FROM meta WHERE key = ?1");
  s.Bind(1, std::string_view(key));
  return s.Step() ? s.Int(0) : 0;
}

Revision SqliteStore::CurrentRevision() {
  Drain();
  return static_cast<Revision>(MetaValue("revision"));
}

uint64_t SqliteStore::InstallationKey() {
  return static_cast<uint64_t>(MetaValue("installation_key"));
}

uint64_t SqliteStore::MaxNumber(KindId kind) {
  Drain();
  return static_cast<uint64_t>(MetaValue(MaxNumberKey(kind).c_str()));
}

void SqliteStore::ForEach(KindId kind, const std::function<void(const RecordView&)>& visit) {
  Drain();
  Lease reader = Read();
  {
    Statement s(reader->db(),
                Sql("SELECT id, public_id, doc FROM ", KindOf(kind), " ORDER BY id").c_str());
    while (s.Step()) visit(RecordView{static_cast<uint64_t>(s.Int(0)), s.Text(1), s.Text(2)});
  }
  // A full scan fills the page cache with pages no list will read soon.
  sqlite3_db_release_memory(reader->db());
}

std::optional<Record> SqliteStore::StoredGet(KindId kind, uint64_t number) {
  Lease reader = Read();
  return Reader::One(reader->ById(kind),
                     [&](Statement& s) { s.Bind(1, static_cast<int64_t>(number)); });
}

std::vector<std::optional<Record>> SqliteStore::StoredGetMany(
    KindId kind, const std::vector<uint64_t>& numbers) {
  Lease reader = Read();
  Statement& by_id = reader->ById(kind);
  std::vector<std::optional<Record>> records;
  records.reserve(numbers.size());
  // One read transaction for the page: one snapshot, one lock of the WAL index.
  Exec(reader->db(), "BEGIN");
  try {
    for (uint64_t number : numbers) {
      records.push_back(
          Reader::One(by_id, [&](Statement& s) { s.Bind(1, static_cast<int64_t>(number)); }));
    }
  } catch (...) {
    Exec(reader->db(), "COMMIT");
    throw;
  }
  Exec(reader->db(), "COMMIT");
  return records;
}

std::optional<Record> SqliteStore::StoredFind(KindId kind, std::string_view public_id) {
  Lease reader = Read();
  return Reader::One(reader->ByPublicId(kind), [&](Statement& s) { s.Bind(1, public_id); });
}

std::vector<Change> SqliteStore::ChangesSince(Revision since) {
  Drain();
  Lease reader = Read();
  Statement s(reader->db(),
              "SELECT revision, op, kind, number FROM changes WHERE revision > ?1 ORDER BY rowid");
  s.Bind(1, static_cast<int64_t>(since));
  std::vector<Change> out;
  while (s.Step()) {
    out.push_back(Change{static_cast<Revision>(s.Int(0)), static_cast<Mutation::Op>(s.Int(1)),
                         static_cast<KindId>(s.Int(2)), static_cast<uint64_t>(s.Int(3))});
  }
  return out;
}

}  // namespace drover::store
