// Store: Drover's durable truth.
//
// A store applies a batch of mutations atomically and durably and answers
// with a new, strictly increasing revision; when Apply returns, the batch
// survives a crash of the process or the machine. It loads the current state
// at start and reads the change log since a revision (for followers such as
// the index). Reads by id serve the full records of a listed page.
//
// Threading: implementations are safe to call from several threads; Apply
// calls are serialized inside the store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/job.h"

namespace drover::store {

using Revision = uint64_t;

struct Mutation {
  enum class Kind { kPutJob, kDeleteJob };
  Kind kind = Kind::kPutJob;
  core::Job job;  // for kDeleteJob only `id` matters
  std::string
      encoded;  // store::EncodeJob(job) when the caller made it already (off the write path)

  static Mutation Put(core::Job job) { return {Kind::kPutJob, std::move(job), {}}; }
  static Mutation Delete(core::JobNumber id) {
    core::Job job;
    job.id = id;
    return {Kind::kDeleteJob, std::move(job), {}};
  }
};

struct Change {
  Revision revision = 0;
  Mutation::Kind kind = Mutation::Kind::kPutJob;
  core::JobNumber job_id = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies every mutation or none; returns the revision of the batch.
  // Throws core::Error(kAlreadyExists) when a new job's public id is taken,
  // core::Error(kInternal) on I/O failure (and nothing is applied).
  Revision Apply(const std::vector<Mutation>& batch) {
    Revision revision = Commit(batch);
    Sync(revision);
    return revision;
  }

  // Group commit, in two steps: Commit applies the batch atomically and
  // makes it visible to reads and safe from a crash of this process, but
  // not yet from a power cut; Sync(revision) returns once that revision and
  // every earlier one are on stable storage, sharing one fsync among all
  // writers waiting at the same time. Acknowledge a write only after Sync.
  // Commit throws as Apply does.
  virtual Revision Commit(const std::vector<Mutation>& batch) = 0;
  virtual void Sync(Revision revision) = 0;

  // The revision of the last applied batch (0 for an empty store).
  virtual Revision CurrentRevision() = 0;
  // The largest internal job number ever stored (0 for none).
  virtual core::JobNumber MaxJobNumber() = 0;
  // A random number made when the store was created (or first opened by a
  // release that has it), never changed: mixed into new public ids so that
  // two installations' ids differ.
  virtual uint64_t InstallationKey() = 0;

  // Calls `visit` for every stored job, in id order (a sequential read).
  virtual void ForEachJob(const std::function<void(core::Job&&)>& visit) = 0;
  virtual std::optional<core::Job> GetJob(core::JobNumber id) = 0;
  // The jobs with these ids that exist, in the order given, read at one
  // point in time (a listed page).
  virtual std::vector<core::Job> GetJobs(const std::vector<core::JobNumber>& ids) = 0;
  // Lookup by public id, exact.
  virtual std::optional<core::Job> FindJob(std::string_view public_id) = 0;

  // Changes with revision > `since`, oldest first.
  virtual std::vector<Change> ChangesSince(Revision since) = 0;
};

}  // namespace drover::store
