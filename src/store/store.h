// Store: Drover's durable truth, for records of every kind.
//
// A record is {kind, internal number, public id, document}: the kind is a
// registered RecordKind (store/kinds.h), the number dense from 1 within
// its kind, the document the kind's own codec's form (store/codec.h). A
// store applies a batch of mutations — of any kinds — atomically and
// durably and answers with a new, strictly increasing revision: one change
// log, one revision sequence. When Apply returns, the batch survives a
// crash of the process or the machine. It loads a kind's records at start
// and reads the change log since a revision (for followers such as an
// index). Reads by number serve the full records of a listed page.
//
// Threading: implementations are safe to call from several threads;
// commits are ordered by their revisions, and reads do not wait for them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drover::store {

using Revision = uint64_t;
using KindId = uint16_t;  // a RecordKind's id (store/kinds.h)

struct Record {
  uint64_t number = 0;
  std::string public_id;
  std::string doc;  // the kind's codec's form
};

// A record as a backend reads it, valid only during the call it is passed to.
struct RecordView {
  uint64_t number = 0;
  std::string_view public_id;
  std::string_view doc;
};

struct Mutation {
  enum class Op { kPut, kDelete };
  Op op = Op::kPut;
  KindId kind = 0;
  Record record;  // for kDelete only the number matters

  static Mutation Put(KindId kind, Record record) { return {Op::kPut, kind, std::move(record)}; }
  static Mutation Delete(KindId kind, uint64_t number) {
    return {Op::kDelete, kind, Record{number, {}, {}}};
  }
};

struct Change {
  Revision revision = 0;
  Mutation::Op op = Mutation::Op::kPut;
  KindId kind = 0;
  uint64_t number = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies every mutation or none; returns the revision of the batch.
  // Throws core::Error(kAlreadyExists) when a new record's public id is
  // taken within its kind, core::Error(kInternal) on I/O failure or an
  // unregistered kind (and nothing is applied).
  Revision Apply(const std::vector<Mutation>& batch) {
    Revision revision = Commit(batch);
    Sync(revision);
    return revision;
  }

  // Group commit, in two steps. Commit queues the batch and gives it its
  // revision: from then on reads by number or public id see it, but it is
  // not yet written. Sync(revision) returns once that revision and every
  // earlier one are written and on stable storage: one writer writes every
  // batch queued so far in one transaction (each batch still all or
  // nothing), and one fsync covers every writer waiting. Acknowledge a
  // write only after Sync. Commit throws kInternal for an unregistered
  // kind and kAlreadyExists for a public id a queued batch has taken;
  // Sync throws what writing this batch met (kAlreadyExists for a public id
  // already stored, kInternal on I/O failure), and then the batch is not
  // applied (its revision is left unused) while the others are.
  virtual Revision Commit(const std::vector<Mutation>& batch) = 0;
  virtual void Sync(Revision revision) = 0;

  // The revision of the last applied batch (0 for an empty store). This,
  // MaxNumber, ForEach and ChangesSince first write what is queued.
  virtual Revision CurrentRevision() = 0;
  // The largest number ever stored for the kind (0 for none).
  virtual uint64_t MaxNumber(KindId kind) = 0;
  // A random number made when the store was created (or first opened by a
  // release that has it), never changed: mixed into new public ids so that
  // two installations' ids differ.
  virtual uint64_t InstallationKey() = 0;

  // Calls `visit` for every record of the kind, in number order (a
  // sequential read).
  virtual void ForEach(KindId kind, const std::function<void(const RecordView&)>& visit) = 0;
  virtual std::optional<Record> Get(KindId kind, uint64_t number) = 0;
  // The records with these numbers that exist, in the order given, read at
  // one point in time (a listed page).
  virtual std::vector<Record> GetMany(KindId kind, const std::vector<uint64_t>& numbers) = 0;
  // Lookup by public id, exact.
  virtual std::optional<Record> Find(KindId kind, std::string_view public_id) = 0;

  // Changes with revision > `since`, oldest first.
  virtual std::vector<Change> ChangesSince(Revision since) = 0;
};

}  // namespace drover::store
