// The one write path with two kinds of record: a batch is stored and
// indexed for both or for neither.

#include "service/record_writer.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "service/job_schema.h"
#include "store/job_codec.h"
#include "store/sqlite_store.h"
#include "testing/error_from.h"
#include "testing/temp_dir.h"

namespace drover {

namespace service {
namespace {

// A second kind of record, as a test declares it.
struct Note {
  uint64_t number = 0;
  std::string public_id;
  std::string text;
  int64_t created = 0;
};

}  // namespace
}  // namespace service

namespace store {
constexpr RecordKind kNotes{902, "note", "test_notes"};
template <>
struct Codec<service::Note> {
  static constexpr const RecordKind& kKind = kNotes;
  static uint64_t Number(const service::Note& n) { return n.number; }
  static std::string_view PublicId(const service::Note& n) { return n.public_id; }
  static std::string Encode(const service::Note& n) {
    return std::to_string(n.created) + "\n" + n.text;
  }
  static service::Note Decode(std::string_view doc) {
    service::Note n;
    size_t cut = doc.find('\n');
    n.created = std::stoll(std::string(doc.substr(0, cut)));
    n.text = std::string(doc.substr(cut + 1));
    return n;
  }
};
}  // namespace store

namespace service {
namespace {

const index::SchemaOf<Note>& NoteSchema() {
  static const index::SchemaOf<Note>* schema = [] {
    auto* s = new index::SchemaOf<Note>(
        "note", [](const Note& n) { return n.number; },
        [](const Note& n) -> std::string_view { return n.public_id; });
    s->String(0, {.name = "Text", .search = true, .sort = true}, &Note::text);
    s->Number(0, {.name = "Created", .zero_is_none = true, .sort = true}, &Note::created);
    s->Created(0);
    s->Check();
    return s;
  }();
  return *schema;
}

core::TrainingJob MakeJob(uint64_t id, std::string name) {
  core::TrainingJob job;
  job.id = id;
  job.public_id = "dlc" + std::to_string(id);
  job.tenant_id = "t";
  job.display_name = std::move(name);
  job.created = 1000;
  return job;
}

class RecordWriterTest : public ::testing::Test {
 protected:
  static constexpr store::RecordKind kKinds[] = {store::kTrainingJob, store::kNotes};

  RecordWriterTest() {
    writer_.Follow(JobSchema(), *jobs_);
    writer_.Follow(NoteSchema(), *notes_);
  }

  static index::Page All(const index::RecordIndex& index) {
    index::Query q;
    q.limit = 100;
    return index.Search(q);
  }

  drover::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_ =
      store::SqliteStore::Open(dir_.path() / "drover.db", kKinds);
  std::unique_ptr<index::RecordIndex> jobs_ = index::NewColumnIndex(JobSchema());
  std::unique_ptr<index::RecordIndex> notes_ = index::NewColumnIndex(NoteSchema());
  RecordWriter writer_{*store_};
};

TEST_F(RecordWriterTest, ABatchOfTwoKindsIsStoredAndIndexedTogether) {
  core::TrainingJob job = MakeJob(1, "train");
  Note note{1, "note-1", "about train", 2000};
  RecordWriter::Batch batch(writer_);
  batch.Put(job);
  batch.Put(note);
  store::Revision r = writer_.Commit(batch);
  writer_.Acknowledge(r);
  EXPECT_EQ(r, 1u);
  EXPECT_EQ(All(*jobs_).ids, std::vector<uint64_t>{1});
  EXPECT_EQ(All(*notes_).ids, std::vector<uint64_t>{1});
  EXPECT_EQ(store::Get<Note>(*store_, 1)->text, "about train");

  // A clash in one kind: nothing is stored, nothing indexed, in either.
  core::TrainingJob second = MakeJob(2, "eval");
  Note clash{2, "note-1", "same public id as note 1", 3000};
  RecordWriter::Batch bad(writer_);
  bad.Put(second);
  bad.Put(clash);
  core::Error e = drover::testing::ErrorFrom([&] { writer_.Commit(bad); });
  EXPECT_EQ(e.code(), core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(All(*jobs_).total, 1);
  EXPECT_EQ(All(*notes_).total, 1);
  EXPECT_FALSE(store::Get<core::TrainingJob>(*store_, 2).has_value());

  // Deletes leave the store and the index.
  RecordWriter::Batch erase(writer_);
  erase.Delete<Note>(1);
  writer_.Acknowledge(writer_.Commit(erase));
  EXPECT_EQ(All(*notes_).total, 0);
  EXPECT_FALSE(store::Get<Note>(*store_, 1).has_value());
  EXPECT_EQ(All(*jobs_).total, 1);
}

// A new record stored unindexed is in no list until the caller indexes it.
TEST_F(RecordWriterTest, CommitUnindexedLeavesTheIndexToTheCaller) {
  core::TrainingJob job = MakeJob(1, "train");
  RecordWriter::Batch batch(writer_);
  batch.Put(job);
  store::Revision r = writer_.CommitUnindexed(batch);
  EXPECT_TRUE(store::Get<core::TrainingJob>(*store_, 1).has_value());
  EXPECT_EQ(All(*jobs_).total, 0);
  writer_.Index(batch);
  writer_.Acknowledge(r);
  EXPECT_EQ(All(*jobs_).ids, std::vector<uint64_t>{1});
}

}  // namespace
}  // namespace service
}  // namespace drover
