// PostgresStore: the Store on a PostgreSQL database, for a team that runs
// PostgreSQL already (backups, replicas) or outgrows one machine's disk.
//
// Group commit (store/group_commit.h): a group of batches is one pipelined
// implicit transaction — per kind one upsert and one delete over arrays of
// records (the newest state of each record in the group), one insert into
// the change log, one update of the meta counters — a single round trip,
// committed with synchronous_commit on, so the commit is durable when it
// returns (no flush step). After a public id clash the group is written
// again statement by statement, each batch in a savepoint of its own.
//
// Layout (version 1, in `meta.layout`): the same tables as SqliteStore's —
// a table per kind `(id bigint PRIMARY KEY, public_id text UNIQUE, doc
// bytea)`, `changes(revision, position, op, kind, number)`, `meta(key,
// value)`. Created, or migrated from an earlier version, in one
// transaction when opened.
//
// One server per database for now: Open takes a session advisory lock and
// refuses a database another server holds.
//
// When the server cannot be reached, calls throw kUnavailable (503 in every
// dialect) and the group commit holds what was queued; Recover reconnects,
// and the first group written after it skips the batches the database
// already has (a commit whose answer was lost).
#pragma once

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "store/group_commit.h"
#include "store/kinds.h"
#include "store/pg_connection.h"

namespace drover::store {

class PostgresStore : public GroupCommitStore {
 public:
  // Connects to `url` (postgres://user:password@host:port/db, or a libpq
  // connection string) and creates or migrates the layout. Throws
  // core::Error: kUnavailable when the server cannot be reached, kInternal
  // when it refuses, when another server holds the database, or when the
  // layout is newer than this release knows.
  static std::unique_ptr<PostgresStore> Open(const std::string& url,
                                             std::span<const RecordKind> kinds = kRecordKinds);
  ~PostgresStore() override;

  Revision CurrentRevision() override;
  uint64_t MaxNumber(KindId kind) override;
  uint64_t InstallationKey() override;
  void ForEach(KindId kind, const std::function<void(const RecordView&)>& visit) override;
  std::vector<Change> ChangesSince(Revision since) override;

 protected:
  void WriteGroup(const std::deque<Queued>& group, Failures* failures) override;
  void WriteAdopted(uint64_t installation_key,
                    const std::map<KindId, uint64_t>& max_numbers) override;
  void Flush() override {}
  bool Recover() override;
  std::optional<Record> StoredGet(KindId kind, uint64_t number) override;
  std::optional<Record> StoredFind(KindId kind, std::string_view public_id) override;
  std::vector<std::optional<uint64_t>> StoredNumbers(const std::vector<PublicId>& ids) override;
  std::vector<std::optional<Record>> StoredGetMany(KindId kind,
                                                   const std::vector<uint64_t>& numbers) override;

 private:
  PostgresStore(std::string url, std::span<const RecordKind> kinds);
  // A connection that holds the server's lock on the database, with the
  // layout created or migrated; throws as Open does.
  std::unique_ptr<PgConnection> ConnectWriter();
  // The group as one pipelined transaction.
  void WritePipelined(const std::vector<const Queued*>& batches);
  // The group statement by statement, each batch in a savepoint.
  void WriteInSavepoints(const std::vector<const Queued*>& batches, Failures& failures);
  int64_t MetaValue(const std::string& key);

  // StoredNumbers' lookups, grouped: the first caller reads every lookup
  // waiting with one query per kind while the next ones gather (as the
  // group commit does for writes), so that concurrent creates share a
  // round trip. A lookup lives on its caller's stack until done.
  struct Lookup {
    const std::vector<PublicId>* ids;
    std::vector<std::optional<uint64_t>> numbers;
    std::exception_ptr error;
    bool done = false;
  };
  void FindAll(const std::vector<Lookup*>& lookups);
  std::mutex lookups_mu_;
  std::condition_variable lookups_cv_;
  std::vector<Lookup*> lookups_;  // guarded by lookups_mu_: waiting for a reader
  bool looking_ = false;          // guarded by lookups_mu_: a reader is at work

  const std::string url_;
  const std::string where_;  // the URL without its password
  std::mutex mu_;
  std::unique_ptr<PgConnection> writer_;  // guarded by mu_; null while the server is down
  bool verify_revision_ = false;          // guarded by mu_: set when a commit's answer was lost

  PgPool readers_;
};

}  // namespace drover::store
