#include "store/postgres_store.h"

#include <chrono>
#include <map>
#include <random>
#include <thread>
#include <unordered_set>

#include "core/error.h"
#include "store/pg_connection.h"

namespace drover::store {

namespace {

// Each version's step from the one before, run in Open's transaction; a
// release that changes the layout appends one.
constexpr const char* kMigrations[] = {
    // 1: the change log and the counters (kinds' tables are made by Open).
    R"sql(
CREATE TABLE changes (
  revision bigint NOT NULL,
  position integer NOT NULL,
  op smallint NOT NULL,
  kind smallint NOT NULL,
  number bigint NOT NULL
);
CREATE INDEX changes_by_revision ON changes (revision);
INSERT INTO meta (key, value) VALUES ('revision', 0) ON CONFLICT DO NOTHING;
)sql",
};
constexpr int64_t kLayout = std::size(kMigrations);

// The session advisory lock of the one server ("drover" in ASCII) and the
// transaction lock of whoever creates or migrates the layout.
constexpr int64_t kServerLock = 0x64726f766572;
constexpr int64_t kLayoutLock = kServerLock + 1;

std::string MaxNumberKey(KindId kind) { return "max_number." + std::to_string(kind); }

std::string Table(const RecordKind& kind) { return std::string(kind.table); }

std::string Name(const char* what, KindId kind) { return what + std::to_string(kind); }

Record RowRecord(const PgResult& r, int row) {
  return Record{static_cast<uint64_t>(r.Int(row, 0)), std::string(r.Bytes(row, 1)),
                std::string(r.Bytes(row, 2))};
}

core::Error Down(const std::string& where) {
  return core::Error(core::ErrorCode::kUnavailable, "postgres " + where + ": not connected");
}

}  // namespace

std::unique_ptr<PostgresStore> PostgresStore::Open(const std::string& url,
                                                   std::span<const RecordKind> kinds) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(url, kinds));
  store->writer_ = store->ConnectWriter();
  std::map<KindId, uint64_t> max_numbers;
  for (const RecordKind& kind : kinds) {
    max_numbers[kind.id] = static_cast<uint64_t>(store->MetaValue(MaxNumberKey(kind.id)));
  }
  store->Resume(static_cast<Revision>(store->MetaValue("revision")), max_numbers);
  return store;
}

PostgresStore::PostgresStore(std::string url, std::span<const RecordKind> kinds)
    : GroupCommitStore(kinds, /*commit_is_durable=*/true),
      url_(url),
      where_(RedactedUrl(url)),
      readers_(std::move(url)) {}

PostgresStore::~PostgresStore() {
  try {
    Drain();  // a batch committed and never synced is still written
  } catch (const std::exception&) {
    // Not acknowledged, so nothing is lost that a client was told is kept.
  }
}

std::unique_ptr<PgConnection> PostgresStore::ConnectWriter() {
  std::unique_ptr<PgConnection> pg = PgConnection::Connect(url_);
  PgParams lock;
  lock.Int(kServerLock);
  // A server that has just stopped (or this one's earlier connection) may
  // hold the lock a moment longer: its session ends only after PostgreSQL
  // has seen the connection close.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (pg->Query("SELECT pg_try_advisory_lock($1)", lock).Bytes(0, 0) !=
         std::string_view("\1", 1)) {
    if (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    throw core::Error(core::ErrorCode::kInternal,
                      "postgres " + pg->Where() +
                          ": another drover server uses this database (several servers on one "
                          "database are not supported yet)");
  }
  pg->Exec("BEGIN");
  try {
    PgParams ddl;
    ddl.Int(kLayoutLock);
    pg->Query("SELECT pg_advisory_xact_lock($1)", ddl);  // one server creates at a time
    pg->Exec("CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value bigint NOT NULL)");
    PgResult layout = pg->Query("SELECT value FROM meta WHERE key = 'layout'");
    int64_t version = layout.Rows() > 0 ? layout.Int(0, 0) : 0;
    if (version > kLayout) {
      throw core::Error(core::ErrorCode::kInternal,
                        "postgres " + pg->Where() + ": the layout is version " +
                            std::to_string(version) + ", newer than this release's " +
                            std::to_string(kLayout) + "; run a newer drover");
    }
    for (int64_t v = version; v < kLayout; ++v) pg->Exec(kMigrations[v]);
    for (const RecordKind& kind : Kinds()) {
      pg->Exec("CREATE TABLE IF NOT EXISTS " + Table(kind) +
               " (id bigint PRIMARY KEY, public_id text NOT NULL UNIQUE, doc bytea NOT NULL)");
      PgParams max;
      max.Text(MaxNumberKey(kind.id));
      pg->Query("INSERT INTO meta (key, value) VALUES ($1, 0) ON CONFLICT DO NOTHING", max);
    }
    // The installation key: made once, never replaced.
    std::random_device random;
    PgParams key;
    key.Int(static_cast<int64_t>((uint64_t{random()} << 32) ^ random()));
    pg->Query(
        "INSERT INTO meta (key, value) VALUES ('installation_key', $1) ON CONFLICT DO NOTHING",
        key);
    PgParams set_layout;
    set_layout.Int(kLayout);
    pg->Query(
        "INSERT INTO meta (key, value) VALUES ('layout', $1) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        set_layout);
    pg->Exec("COMMIT");
  } catch (...) {
    if (pg->Ok()) pg->Exec("ROLLBACK");
    throw;
  }
  return pg;
}

bool PostgresStore::Recover() {
  std::lock_guard lock(mu_);
  try {
    writer_ = ConnectWriter();
  } catch (const core::Error&) {
    writer_.reset();
    return false;
  }
  verify_revision_ = true;
  readers_.Clear();
  return true;
}

void PostgresStore::WriteGroup(const std::deque<Queued>& group, Failures* failures) {
  std::lock_guard lock(mu_);
  if (!writer_ || !writer_->Ok()) {
    writer_.reset();
    throw Down(where_);
  }
  try {
    Revision stored = 0;
    if (verify_revision_) {
      // The answer to an earlier commit was lost: what it wrote is kept.
      stored = static_cast<Revision>(
          writer_->Query("SELECT value FROM meta WHERE key = 'revision'").Int(0, 0));
    }
    std::vector<const Queued*> batches;
    for (const Queued& queued : group) {
      if (queued.revision > stored) batches.push_back(&queued);
    }
    if (!batches.empty()) {
      if (failures) {
        WriteInSavepoints(batches, *failures);
      } else {
        WritePipelined(batches);
      }
    }
    verify_revision_ = false;
  } catch (const core::Error& e) {
    if (e.code() == core::ErrorCode::kUnavailable) {
      verify_revision_ = true;
      writer_.reset();
    }
    throw;
  }
}

void PostgresStore::WritePipelined(const std::vector<const Queued*>& batches) {
  PgConnection& pg = *writer_;
  // Each record's newest mutation in the group: one row per record, so a
  // statement never touches a row twice.
  std::map<std::pair<KindId, uint64_t>, const Mutation*> newest;
  std::vector<int64_t> revisions, positions, ops, kinds, numbers;
  std::map<KindId, int64_t> max_numbers;
  for (const Queued* queued : batches) {
    int64_t position = 0;
    for (const Mutation& m : queued->batch) {
      newest[{m.kind, m.record.number}] = &m;
      revisions.push_back(static_cast<int64_t>(queued->revision));
      positions.push_back(position++);
      ops.push_back(static_cast<int64_t>(m.op));
      kinds.push_back(m.kind);
      numbers.push_back(static_cast<int64_t>(m.record.number));
      if (m.op == Mutation::Op::kPut) {
        int64_t& max = max_numbers[m.kind];
        max = std::max(max, static_cast<int64_t>(m.record.number));
      }
    }
  }
  struct KindRows {
    std::vector<int64_t> put_ids;
    std::vector<std::string_view> public_ids, docs;
    std::vector<int64_t> deleted;
  };
  std::map<KindId, KindRows> rows;
  for (const auto& [key, m] : newest) {
    KindRows& r = rows[key.first];
    if (m->op == Mutation::Op::kPut) {
      r.put_ids.push_back(static_cast<int64_t>(key.second));
      r.public_ids.push_back(m->record.public_id);
      r.docs.push_back(m->record.doc);
    } else {
      r.deleted.push_back(static_cast<int64_t>(key.second));
    }
  }
  for (const auto& [kind, r] : rows) {
    std::string table = Table(KindOf(kind));
    pg.Prepare(Name("put", kind),
               "INSERT INTO " + table +
                   " (id, public_id, doc) SELECT * FROM unnest($1::int8[], $2::text[], "
                   "$3::bytea[]) ON CONFLICT (id) DO UPDATE SET public_id = EXCLUDED.public_id, "
                   "doc = EXCLUDED.doc",
               3);
    pg.Prepare(Name("del", kind), "DELETE FROM " + table + " WHERE id = ANY($1::int8[])", 1);
  }
  pg.Prepare("log",
             "INSERT INTO changes (revision, position, op, kind, number) SELECT * FROM "
             "unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::int8[])",
             5);
  pg.Prepare("raise",
             "UPDATE meta SET value = GREATEST(meta.value, v.value) FROM unnest($1::text[], "
             "$2::int8[]) AS v (key, value) WHERE meta.key = v.key",
             2);
  std::vector<std::string> keys = {"revision"};
  std::vector<int64_t> values = {static_cast<int64_t>(batches.back()->revision)};
  for (const auto& [kind, max] : max_numbers) {
    keys.push_back(MaxNumberKey(kind));
    values.push_back(max);
  }
  std::vector<std::string_view> key_views(keys.begin(), keys.end());

  pg.BeginPipeline();
  for (const auto& [kind, r] : rows) {
    if (!r.put_ids.empty()) {
      PgParams put;
      put.IntArray(r.put_ids).TextArray(r.public_ids).BytesArray(r.docs);
      pg.Send(Name("put", kind), put);
    }
    if (!r.deleted.empty()) {
      PgParams del;
      del.IntArray(r.deleted);
      pg.Send(Name("del", kind), del);
    }
  }
  PgParams log;
  log.IntArray(revisions).IntArray(positions).IntArray(ops).IntArray(kinds).IntArray(numbers);
  pg.Send("log", log);
  PgParams raise;
  raise.TextArray(key_views).IntArray(values);
  pg.Send("raise", raise);
  pg.EndPipeline();
}

void PostgresStore::WriteInSavepoints(const std::vector<const Queued*>& batches,
                                      Failures& failures) {
  PgConnection& pg = *writer_;
  pg.Exec("BEGIN");
  try {
    Revision newest = 0;
    std::map<KindId, int64_t> max_numbers;
    for (const Queued* queued : batches) {
      pg.Exec("SAVEPOINT batch");
      try {
        int64_t position = 0;
        for (const Mutation& m : queued->batch) {
          std::string table = Table(KindOf(m.kind));
          PgParams row;
          row.Int(static_cast<int64_t>(m.record.number));
          if (m.op == Mutation::Op::kPut) {
            row.Text(m.record.public_id).Bytes(m.record.doc);
            pg.Query("INSERT INTO " + table +
                         " (id, public_id, doc) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE "
                         "SET public_id = EXCLUDED.public_id, doc = EXCLUDED.doc",
                     row);
          } else {
            pg.Query("DELETE FROM " + table + " WHERE id = $1", row);
          }
          PgParams log;
          log.Int(static_cast<int64_t>(queued->revision))
              .Int(position++)
              .Int(static_cast<int64_t>(m.op))
              .Int(m.kind)
              .Int(static_cast<int64_t>(m.record.number));
          pg.Query(
              "INSERT INTO changes (revision, position, op, kind, number) "
              "VALUES ($1, $2, $3, $4, $5)",
              log);
        }
      } catch (const core::Error& e) {
        if (e.code() != core::ErrorCode::kAlreadyExists) throw;
        pg.Exec("ROLLBACK TO SAVEPOINT batch");
        pg.Exec("RELEASE SAVEPOINT batch");
        failures.emplace_back(queued->revision, std::current_exception());
        continue;
      }
      pg.Exec("RELEASE SAVEPOINT batch");
      newest = queued->revision;
      for (const Mutation& m : queued->batch) {
        if (m.op != Mutation::Op::kPut) continue;
        int64_t& max = max_numbers[m.kind];
        max = std::max(max, static_cast<int64_t>(m.record.number));
      }
    }
    auto raise = [&](const std::string& key, int64_t value) {
      PgParams p;
      p.Text(key).Int(value);
      pg.Query("UPDATE meta SET value = GREATEST(value, $2) WHERE key = $1", p);
    };
    if (newest > 0) raise("revision", static_cast<int64_t>(newest));
    for (const auto& [kind, max] : max_numbers) raise(MaxNumberKey(kind), max);
    pg.Exec("COMMIT");
  } catch (...) {
    if (pg.Ok()) pg.Exec("ROLLBACK");
    throw;
  }
}

void PostgresStore::WriteAdopted(uint64_t installation_key,
                                 const std::map<KindId, uint64_t>& max_numbers) {
  std::lock_guard lock(mu_);
  if (!writer_) throw Down(where_);
  std::vector<std::string> keys = {"installation_key"};
  std::vector<int64_t> values = {static_cast<int64_t>(installation_key)};
  for (const auto& [kind, max] : max_numbers) {
    keys.push_back(MaxNumberKey(kind));
    values.push_back(static_cast<int64_t>(max));
  }
  PgParams p;
  p.TextArray(std::vector<std::string_view>(keys.begin(), keys.end())).IntArray(values);
  // The key is replaced; a number only ever grows.
  writer_->Query(
      "UPDATE meta SET value = CASE WHEN meta.key = 'installation_key' THEN v.value "
      "ELSE GREATEST(meta.value, v.value) END FROM unnest($1::text[], $2::int8[]) AS v (key, "
      "value) WHERE meta.key = v.key",
      p);
}

int64_t PostgresStore::MetaValue(const std::string& key) {
  PgParams p;
  p.Text(key);
  return readers_.Run([&](PgConnection& reader) -> int64_t {
    PgResult r = reader.Prepared("meta", "SELECT value FROM meta WHERE key = $1", p);
    return r.Rows() > 0 ? r.Int(0, 0) : 0;
  });
}

Revision PostgresStore::CurrentRevision() {
  Drain();
  return static_cast<Revision>(MetaValue("revision"));
}

uint64_t PostgresStore::MaxNumber(KindId kind) {
  Drain();
  return static_cast<uint64_t>(MetaValue(MaxNumberKey(kind)));
}

uint64_t PostgresStore::InstallationKey() {
  return static_cast<uint64_t>(MetaValue("installation_key"));
}

void PostgresStore::ForEach(KindId kind, const std::function<void(const RecordView&)>& visit) {
  Drain();
  std::string sql = "SELECT id, public_id, doc FROM " + Table(KindOf(kind)) + " ORDER BY id";
  readers_.Run([&](PgConnection& reader) {
    reader.ForEachRow(sql, {}, [&](const PgResult& r) {
      visit(RecordView{static_cast<uint64_t>(r.Int(0, 0)), r.Bytes(0, 1), r.Bytes(0, 2)});
    });
  });
}

std::optional<Record> PostgresStore::StoredGet(KindId kind, uint64_t number) {
  PgParams p;
  p.Int(static_cast<int64_t>(number));
  std::string sql = "SELECT id, public_id, doc FROM " + Table(KindOf(kind)) + " WHERE id = $1";
  return readers_.Run([&](PgConnection& reader) -> std::optional<Record> {
    PgResult r = reader.Prepared(Name("get", kind), sql, p);
    if (r.Rows() == 0) return std::nullopt;
    return RowRecord(r, 0);
  });
}

std::optional<Record> PostgresStore::StoredFind(KindId kind, std::string_view public_id) {
  PgParams p;
  p.Text(public_id);
  std::string sql =
      "SELECT id, public_id, doc FROM " + Table(KindOf(kind)) + " WHERE public_id = $1";
  return readers_.Run([&](PgConnection& reader) -> std::optional<Record> {
    PgResult r = reader.Prepared(Name("find", kind), sql, p);
    if (r.Rows() == 0) return std::nullopt;
    return RowRecord(r, 0);
  });
}

std::vector<std::optional<uint64_t>> PostgresStore::StoredNumbers(
    const std::vector<PublicId>& ids) {
  Lookup me{&ids, std::vector<std::optional<uint64_t>>(ids.size()), nullptr};
  std::unique_lock lock(lookups_mu_);
  lookups_.push_back(&me);
  while (!me.done) {
    if (looking_) {
      lookups_cv_.wait(lock);
      continue;
    }
    looking_ = true;
    std::vector<Lookup*> group;
    group.swap(lookups_);
    lock.unlock();
    FindAll(group);
    lock.lock();
    looking_ = false;
    lookups_cv_.notify_all();  // the answered, and the next reader
  }
  if (me.error) std::rethrow_exception(me.error);
  return std::move(me.numbers);
}

void PostgresStore::FindAll(const std::vector<Lookup*>& lookups) {
  // Every id asked, by kind; then each answer back to its asker.
  std::map<KindId, std::vector<std::string_view>> by_kind;
  for (const Lookup* l : lookups) {
    for (const auto& [kind, id] : *l->ids) by_kind[kind].push_back(id);
  }
  std::map<PublicId, uint64_t> found;
  std::exception_ptr error;
  for (const auto& [kind_id, ids] : by_kind) {
    const KindId kind = kind_id;  // a structured binding is not captured by lambdas (clang)
    try {
      PgParams p;
      p.TextArray(ids);
      std::string sql =
          "SELECT id, public_id FROM " + Table(KindOf(kind)) + " WHERE public_id = ANY($1::text[])";
      PgResult r = readers_.Run(
          [&](PgConnection& reader) { return reader.Prepared(Name("holders", kind), sql, p); });
      // Keyed by the askers' strings: the answer's live only in `r`.
      std::unordered_set<std::string_view> asked(ids.begin(), ids.end());
      for (int row = 0; row < r.Rows(); ++row) {
        auto id = asked.find(r.Bytes(row, 1));
        if (id != asked.end()) found[{kind, *id}] = static_cast<uint64_t>(r.Int(row, 0));
      }
    } catch (...) {
      error = std::current_exception();
    }
  }
  std::lock_guard lock(lookups_mu_);
  for (Lookup* l : lookups) {
    l->error = error;
    for (size_t i = 0; i < l->ids->size(); ++i) {
      auto it = found.find((*l->ids)[i]);
      if (it != found.end()) l->numbers[i] = it->second;
    }
    l->done = true;
  }
}

std::vector<std::optional<Record>> PostgresStore::StoredGetMany(
    KindId kind, const std::vector<uint64_t>& numbers) {
  PgParams p;
  p.IntArray(std::vector<int64_t>(numbers.begin(), numbers.end()));
  std::string sql =
      "SELECT id, public_id, doc FROM " + Table(KindOf(kind)) + " WHERE id = ANY($1::int8[])";
  PgResult r = readers_.Run(
      [&](PgConnection& reader) { return reader.Prepared(Name("many", kind), sql, p); });
  std::map<uint64_t, int> row_of;
  for (int row = 0; row < r.Rows(); ++row) row_of[static_cast<uint64_t>(r.Int(row, 0))] = row;
  std::vector<std::optional<Record>> records;
  records.reserve(numbers.size());
  for (uint64_t number : numbers) {
    auto it = row_of.find(number);
    records.push_back(it == row_of.end() ? std::nullopt : std::optional(RowRecord(r, it->second)));
  }
  return records;
}

std::vector<Change> PostgresStore::ChangesSince(Revision since) {
  Drain();
  PgParams p;
  p.Int(static_cast<int64_t>(since));
  PgResult r = readers_.Run([&](PgConnection& reader) {
    return reader.Query(
        "SELECT revision, op, kind, number FROM changes WHERE revision > $1 "
        "ORDER BY revision, position",
        p);
  });
  std::vector<Change> out;
  out.reserve(static_cast<size_t>(r.Rows()));
  for (int row = 0; row < r.Rows(); ++row) {
    out.push_back(Change{static_cast<Revision>(r.Int(row, 0)),
                         static_cast<Mutation::Op>(r.Int(row, 1)),
                         static_cast<KindId>(r.Int(row, 2)), static_cast<uint64_t>(r.Int(row, 3))});
  }
  return out;
}

}  // namespace drover::store
