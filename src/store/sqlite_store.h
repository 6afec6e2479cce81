// SqliteStore: the embedded default Store, one SQLite file in WAL mode with
// synchronous=FULL, so an acknowledged batch survives kill -9 and power loss.
//
// Schema: `jobs(id, public_id UNIQUE, doc)` holds the current state (doc is
// store/job_codec's form); `changes(revision, kind, job_id)` is the change
// log; `meta` holds the last revision. One connection, guarded by a mutex.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "store/store.h"

struct sqlite3;

namespace drover::store {

class Statement;

class SqliteStore : public Store {
 public:
  // Opens (creating when absent) the database file at `path`.
  // Throws core::Error(kInternal) when it cannot be opened.
  static std::unique_ptr<SqliteStore> Open(const std::filesystem::path& path);
  ~SqliteStore() override;

  Revision Apply(const std::vector<Mutation>& batch) override;
  Revision CurrentRevision() override;
  core::JobNumber MaxJobNumber() override;
  void ForEachJob(const std::function<void(core::Job&&)>& visit) override;
  std::optional<core::Job> GetJob(core::JobNumber id) override;
  std::optional<core::Job> FindJob(std::string_view public_id) override;
  std::vector<Change> ChangesSince(Revision since) override;

 private:
  explicit SqliteStore(sqlite3* db);

  std::mutex mu_;
  sqlite3* db_;  // guarded by mu_
  // Reads prepared once (page reads call them per listed job); guarded by mu_.
  std::unique_ptr<Statement> get_by_id_;
  std::unique_ptr<Statement> get_by_public_id_;
};

}  // namespace drover::store
