// The differential test: for every kind of record's schema (training jobs,
// datasets and their versions, dataset jobs, job configs, catalogued files,
// OSS batch jobs), a seeded random data set and
// thousands of seeded random queries, both made from the schema alone,
// each answered by the column engine and by the scan engine (the
// reference), which must agree on ids, order and totals — also after
// updates, deletes, out-of-order inserts, and at past snapshots. Floors on
// non-empty answers and on every plan the column engine has keep the test
// from going hollow.

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <span>
#include <thread>

#include "core/error.h"
#include "index/block_arena.h"
#include "index/record_index.h"
#include "index/test_kinds.h"
#include "service/batch_job_schema.h"
#include "service/dataset_job_schema.h"
#include "service/dataset_schema.h"
#include "service/job_schema.h"
#include "testing/error_from.h"
#include "text/text.h"

namespace drover::index {
namespace {

constexpr core::TimeMs kNow = 1'800'000'000'000;
constexpr core::TimeMs kDay = core::kMsPerDay;

const std::vector<std::string> kNameWords = {"mnist", "resnet", "bert", "llama", "train", "eval",
                                             "训练",  "模型",   "微调", "数据",  "tf",    "v2"};
const std::vector<std::string> kTexts = {"",
                                         "CUDA out of memory",
                                         "显存不足 OOM",
                                         "Job is stopped by user.",
                                         "python train.py --epochs 3",
                                         "torchrun 训练.py",
                                         "pytorch:2.1-cuda12 registry/llm:v1"};
const std::vector<std::string> kWordQueries = {"python",        "训练", "模型 python", "cuda12",
                                               "out of memory", "oom",  "llm v1"};
const std::vector<std::string> kUsers = {"alice", "bob", "carol", "dave"};
const std::vector<std::string> kWorkspaces = {"1", "2", "3"};
const std::vector<std::string> kSortStrings = {"", "alpha", "beta",
                                               "a long description, same start"};

// An Entry that owns its strings.
struct Record {
  uint64_t number = 0;
  std::string public_id;
  std::vector<std::string> strings;
  std::vector<int64_t> numbers;
  std::vector<std::string> texts;
  std::vector<std::pair<std::string, std::string>> tags;

  Entry View() const {
    Entry e;
    e.number = number;
    e.public_id = public_id;
    for (const std::string& s : strings) e.strings.push_back(s);
    e.numbers = numbers;
    e.texts = texts;
    for (const auto& [k, v] : tags) e.tags.emplace_back(k, v);
    return e;
  }
};

struct Kind {
  std::string name;
  const Schema* schema;
};

void PrintTo(const Kind& kind, std::ostream* os) { *os << kind.name; }

std::vector<Kind> Kinds() {
  std::vector<Kind> kinds = {{"TrainingJob", &service::JobSchema()},
                             {"Dataset", &service::DatasetSchema()},
                             {"DatasetVersion", &service::DatasetVersionSchema()},
                             {"DatasetJob", &service::DatasetJobSchema()},
                             {"DatasetJobConfig", &service::DatasetJobConfigSchema()},
                             {"DatasetFile", &service::DatasetFileSchema()},
                             {"BatchJob", &service::BatchJobSchema()}};
  for (Kind& k : kinds) std::erase(k.name, '-');
  return kinds;
}

class Differential : public ::testing::TestWithParam<Kind> {
 protected:
  const Schema& schema() const { return *GetParam().schema; }

  template <class T>
  const T& Pick(const std::vector<T>& items) {
    return items[rng_() % items.size()];
  }
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Maybe(int percent) { return static_cast<int>(rng_() % 100) < percent; }

  // The values a string field takes, by its role.
  std::vector<std::string> Vocabulary(FieldId f) const {
    const AccessFields& a = schema().access();
    const StringField& field = schema().strings()[f];
    if (f == a.tenant) return {"t1", "t1", "t1", "t1", "t1", "t1", "t1", "t1", "t1", "other"};
    if (f == a.owner) return kUsers;
    if (f == a.workspace) return kWorkspaces;
    if (field.contains) return {"alice_name", "Bob_Name", "carol/dir/", "DAVE-dir", ""};
    if (field.exact) return {field.name + "-a", field.name + "-b", field.name + "-c", ""};
    return kSortStrings;
  }

  std::string RandomName() {
    std::string name =
        Pick(kNameWords) + Pick(std::vector<std::string>{"-", "_", ".", " "}) + Pick(kNameWords);
    if (Maybe(33)) name += "-" + std::to_string(rng_() % 100);
    return Maybe(50) ? name : text::Fold(name);
  }

  Record RandomRecord(uint64_t number) {
    Record r;
    r.number = number;
    r.public_id = "id" + std::to_string(rng_() % 1000000000);
    if (Maybe(20)) r.public_id = "ID-" + r.public_id;  // folds differently
    public_ids_.push_back(r.public_id);
    for (FieldId f = 0; f < static_cast<FieldId>(schema().strings().size()); ++f)
      r.strings.push_back(f == schema().search() ? RandomName() : Pick(Vocabulary(f)));
    // Many equal creation times, to exercise the tie-break by public id.
    core::TimeMs created = kNow - Between(0, 20) * kDay / 2 - Between(0, 3) * 1000;
    for (FieldId f = 0; f < static_cast<FieldId>(schema().numbers().size()); ++f) {
      const NumberField& field = schema().numbers()[f];
      int64_t v = 0;
      if (field.compute) {
        v = 0;
      } else if (f == schema().created()) {
        v = created;
      } else if (f == schema().group()) {
        v = Maybe(25) ? Between(1, 20) : 0;
      } else if (field.small) {
        v = Between(0, field.names.empty() ? 1 : static_cast<int64_t>(field.names.size()) - 1);
      } else if (field.zero_is_none) {
        v = Maybe(40) ? 0 : created + Between(0, 100) * 60000;
      } else if (field.bitmaps) {
        v = Between(0, 8);
      } else {
        v = Between(0, 40);
      }
      r.numbers.push_back(v);
    }
    for (FieldId w = 0; w < static_cast<FieldId>(schema().words().size()); ++w) {
      if (w != schema().access().shared_into) {
        r.texts.push_back(Pick(kTexts));
        continue;
      }
      // Shared into a workspace of this tenant or another, or a whole tenant.
      std::string into;
      for (int64_t n = Maybe(60) ? 0 : Between(1, 2); n > 0; --n) {
        std::string workspace = Maybe(20) ? "*" : Pick(kWorkspaces);
        into += text::AsOneWord(core::ShareTarget(Maybe(50) ? "t1" : "other", workspace)) + " ";
      }
      r.texts.push_back(into);
    }
    if (schema().tags()) {
      if (Maybe(50)) r.tags.emplace_back("team", Pick(std::vector<std::string>{"a", "b", "c"}));
      if (Maybe(66)) r.tags.emplace_back("env", Pick(std::vector<std::string>{"prod", "dev"}));
    }
    return r;
  }

  // Fields of a class that satisfy `want`.
  template <class Field, class Want>
  std::vector<FieldId> FieldsWhere(const std::vector<Field>& fields, Want want) const {
    std::vector<FieldId> out;
    for (FieldId f = 0; f < static_cast<FieldId>(fields.size()); ++f) {
      if (want(fields[f], f)) out.push_back(f);
    }
    return out;
  }

  Query RandomQuery() {
    const Schema& s = schema();
    Query q;
    q.now = kNow;
    const AccessFields& access = s.access();
    if (access.tenant != kNoField) q.exact[access.tenant] = {Maybe(12) ? "other" : "t1"};
    // One or two exact fields at most: a query with many rarely matches.
    std::vector<FieldId> exact = FieldsWhere(s.strings(), [&](const StringField& x, FieldId id) {
      return x.exact && id != access.tenant;
    });
    if (Maybe(40)) {
      FieldId f = Pick(exact);
      q.exact[f] = {Pick(Vocabulary(f))};
      if (Maybe(30)) q.exact[f].push_back(Pick(Vocabulary(f)));
    }
    if (Maybe(15)) q.exact[Pick(exact)] = {Pick(Vocabulary(Pick(exact)))};
    for (FieldId f :
         FieldsWhere(s.strings(), [](const StringField&x, FieldId) { return x.contains; })) {
      if (Maybe(15))
        q.contains[f] = Pick(std::vector<std::string>{"a", "bo", "_name", "dir/", "zz"});
    }
    if (s.search() != kNoField) {
      if (Maybe(25)) {
        auto mode = static_cast<NameMatch>(rng_() % 3);
        std::string needle = text::Fold(Pick(kNameWords));
        if (mode == NameMatch::kWildcard && Maybe(40))
          needle = needle.substr(0, 1) + "*" + needle.substr(1, 2);
        if (mode == NameMatch::kWildcard && Maybe(20)) needle = "?" + needle;
        if (mode == NameMatch::kTerm && Maybe(50))
          needle = text::Fold(Pick(kNameWords)) + "-" + text::Fold(Pick(kNameWords));
        q.name = {mode, needle};
      }
      if (Maybe(10)) q.contains[s.search()] = text::Fold(Pick(kNameWords)).substr(0, 2);
    }
    for (FieldId w = 0; w < static_cast<FieldId>(s.words().size()); ++w) {
      if (w == access.shared_into) {  // share targets, asked for as such
        if (Maybe(10)) q.words[w] = {text::AsOneWord(core::ShareTarget("t1", Pick(kWorkspaces)))};
        continue;
      }
      if (Maybe(15)) q.words[w] = text::Words(Pick(kWordQueries));
      // Any-of and none-of words, drawn from a stream of their own so the
      // other filters stay as they were.
      uint64_t draw = extra_rng_();
      auto word_query = [&](uint64_t bits) { return kWordQueries[bits % kWordQueries.size()]; };
      if (draw % 100 < 3) {
        q.words_any[w] = text::Words(word_query(draw >> 8) + " " + word_query(draw >> 20));
      }
      if ((draw >> 32) % 100 < 8) q.words_none[w] = text::Words(word_query(draw >> 40));
    }
    std::vector<FieldId> valued = FieldsWhere(
        s.numbers(), [](const NumberField& x, FieldId) { return x.small || x.bitmaps; });
    for (int n = Maybe(40) + Maybe(15); n > 0 && !valued.empty(); --n) {
      FieldId f = Pick(valued);
      const NumberField& field = s.numbers()[f];
      std::vector<int64_t>& values = q.values[f];
      int64_t top = field.small && !field.names.empty()
                        ? static_cast<int64_t>(field.names.size()) - 1
                        : (field.small ? 1 : 8);
      for (int64_t i = Between(0, 3); i > 0; --i) values.push_back(Between(0, top));
    }
    std::vector<FieldId> times =
        FieldsWhere(s.numbers(), [](const NumberField& x, FieldId) { return x.zero_is_none; });
    if (Maybe(60)) {
      Query::Range r{Pick(times)};
      r.min = kNow - Between(0, 12) * kDay;
      r.max = Maybe(50) ? kNow : r.min + Between(0, 5) * kDay;
      q.ranges.push_back(r);
    }
    std::vector<FieldId> others =
        FieldsWhere(s.numbers(), [](const NumberField& x, FieldId) { return !x.zero_is_none; });
    if (!others.empty() && Maybe(25)) {
      Query::Range r{Pick(others)};
      if (Maybe(70)) r.min = Between(0, 8);
      if (Maybe(70)) r.max = Between(4, 3000);
      q.ranges.push_back(r);
    }
    if (Maybe(5)) {  // by id: some live, some deleted, some never existed
      for (int64_t i = Between(1, 3); i > 0; --i)
        q.public_ids.push_back(text::Fold(Pick(public_ids_)));
      if (Maybe(30)) q.public_ids.push_back("nosuchrecord");
    }
    if (s.group() != kNoField && Maybe(5)) q.group = static_cast<uint64_t>(Between(1, 20));
    if (s.tags() && Maybe(20)) {
      q.tags["team"] = Pick(std::vector<std::string>{"a", "b", "c"});
      if (Maybe(30)) q.tags["env"] = "prod";
    }
    if (s.tags() && Maybe(10)) {
      q.tag_contains = Pick(std::vector<std::string>{"ea", "pro", "e", "d", "zz", ""});
    }
    if (access.tenant != kNoField && Maybe(15)) {
      core::Viewer viewer{"t1", Pick(kUsers), false, {}};
      viewer.workspaces[Pick(kWorkspaces)] = core::WorkspaceRole::kMember;
      if (Maybe(40)) viewer.workspaces[Pick(kWorkspaces)] = core::WorkspaceRole::kAdmin;
      if (Maybe(10)) viewer.tenant_admin = true;
      if (Maybe(15)) viewer.tenant = "other";
      q.viewer = viewer;
    }
    std::vector<SortBy> sorts;
    for (FieldId f : FieldsWhere(s.strings(), [](const StringField&x, FieldId) { return x.sort; }))
      sorts.push_back(SortBy::String(f));
    for (FieldId f : FieldsWhere(s.numbers(), [](const NumberField&x, FieldId) { return x.sort; }))
      sorts.push_back(SortBy::Number(f));
    if (s.search() != kNoField) sorts.push_back(SortBy::Folded(s.search()));
    if (Maybe(50)) q.sort = Pick(sorts);
    q.descending = Maybe(60);
    q.limit = Pick(std::vector<int64_t>{1, 5, 10, 50, 1000});
    q.offset = Maybe(50) ? 0 : Between(0, 300);
    return q;
  }

  void ExpectSameAnswers(int queries) { ExpectSameAnswersAt(std::nullopt, *scan_, queries); }

  void ExpectSameAnswersAt(std::optional<Snapshot> at, const RecordIndex& reference, int queries) {
    for (int i = 0; i < queries; ++i) {
      Query q = RandomQuery();
      Page want = reference.Search(q);
      // A facet of the matches: the values of a string field, or the
      // words of a words field, with their counts (drawn from a random
      // stream of their own, so the queries stay as they were).
      using FacetOf = RecordIndex::FacetOf;
      std::vector<FieldId> strings = FieldsWhere(
          schema().strings(), [](const StringField& f, FieldId) { return f.exact || f.contains; });
      uint64_t draw = facet_rng_();
      FacetOf of = schema().words().empty() || draw % 5 < 3 ? FacetOf::kString : FacetOf::kWords;
      FieldId facet = kNoField;
      if (i % 4 == 0 && of == FacetOf::kString && !strings.empty()) {
        facet = strings[(draw >> 8) % strings.size()];
      }
      if (i % 4 == 0 && of == FacetOf::kWords) {
        facet = static_cast<FieldId>((draw >> 8) % schema().words().size());
      }
      std::vector<RecordIndex::FacetCount> want_values =
          facet == kNoField ? std::vector<RecordIndex::FacetCount>{}
                            : reference.Facet(of, facet, q);
      q.at = at;
      Page got = column_->Search(q);
      ASSERT_EQ(got.total, want.total) << "query " << i;
      ASSERT_EQ(got.ids, want.ids) << "query " << i << " sort " << q.sort.field
                                   << (q.descending ? " desc" : " asc") << " offset " << q.offset;
      if (at) {
        ASSERT_EQ(got.snapshot, *at);
      }
      if (facet != kNoField) {
        ASSERT_EQ(column_->Facet(of, facet, q), want_values) << "query " << i;
      }
      answered_ += 1;
      non_empty_ += want.ids.empty() ? 0 : 1;
    }
  }

  void Both(const Record& r) {
    scan_->Upsert(r.View());
    column_->Upsert(r.View());
  }
  void EraseBoth(uint64_t number) {
    scan_->Erase(number);
    column_->Erase(number);
  }

  // A change to a record: new numbers (a status moves, a time is set) and
  // sometimes new text, name or tags.
  void Change(Record& r) {
    Record fresh = RandomRecord(r.number);
    public_ids_.pop_back();
    FieldId created = schema().created();
    int64_t was = r.numbers[created];
    r.numbers = fresh.numbers;
    r.numbers[created] = was;
    if (Maybe(30)) r.texts = fresh.texts;
    if (Maybe(20) && schema().search() != kNoField)
      r.strings[schema().search()] = fresh.strings[schema().search()];
    if (Maybe(10)) r.tags = fresh.tags;
  }

  // n random writes to both engines: changes, new records (some older than
  // everything, breaking slot order), deletes.
  void RandomChanges(std::vector<Record>& records, int n) {
    for (int i = 0; i < n; ++i) {
      int what = static_cast<int>(rng_() % 10);
      if (what < 6) {
        Record& r = records[rng_() % records.size()];
        Change(r);
        Both(r);
      } else if (what < 9) {
        Record r = RandomRecord(records.size() + 1);
        if (what == 8) r.numbers[schema().created()] = kNow - 30 * kDay;
        records.push_back(r);
        Both(r);
      } else {
        EraseBoth(records[rng_() % records.size()].number);
      }
    }
  }

  std::vector<Record> Records(uint64_t from, uint64_t to) {
    std::vector<Record> records;
    for (uint64_t n = from; n <= to; ++n) records.push_back(RandomRecord(n));
    return records;
  }

  // The scan engine loaded with the records the scan engine now holds: the
  // state of a snapshot, kept aside.
  std::unique_ptr<RecordIndex> Frozen(const std::vector<Record>& records) {
    std::unique_ptr<RecordIndex> frozen = NewScanIndex(schema());
    for (const Record& r : records) {
      Query q;
      q.public_ids = {text::Fold(r.public_id)};
      q.limit = 1000;
      for (uint64_t n : scan_->Search(q).ids) {
        if (n == r.number) frozen->Upsert(r.View());
      }
    }
    return frozen;
  }

  // Pins the current state and returns its snapshot.
  Snapshot Pin() {
    Query q;
    q.limit = 0;
    q.pin = true;
    return column_->Search(q).snapshot;
  }

  // The floors: most queries must find something, and every plan of the
  // column engine must have answered some of them.
  void TearDown() override {
    if (answered_ == 0) return;
    EXPECT_GE(non_empty_ * 100, answered_ * 20) << non_empty_ << " of " << answered_;
  }

  std::mt19937_64 rng_{20261127};
  std::mt19937_64 facet_rng_{7};
  std::mt19937_64 extra_rng_{11};
  std::vector<std::string> public_ids_;  // of every record made, deleted or not
  std::unique_ptr<RecordIndex> scan_ = NewScanIndex(schema());
  std::unique_ptr<RecordIndex> column_ = NewColumnIndex(schema());
  int64_t answered_ = 0;
  int64_t non_empty_ = 0;
};

TEST_P(Differential, ColumnEngineAnswersExactlyAsTheScanEngine) {
  std::vector<Record> records = Records(1, 4000);
  column_->BeginLoad();                     // as at start: indexed all at once by Optimize
  for (const Record& r : records) Both(r);  // out of creation order
  column_->Optimize();
  ExpectSameAnswers(1000);

  // Live changes, new records at "now" with equal times in a row, deletes.
  for (int i = 0; i < 600; ++i) {
    Record& r = records[rng_() % records.size()];
    Change(r);
    Both(r);
  }
  for (uint64_t n = 4001; n <= 4400; ++n) {
    Record r = RandomRecord(n);
    r.numbers[schema().created()] = kNow + static_cast<core::TimeMs>(n / 3);
    records.push_back(r);
    Both(r);
  }
  for (int i = 0; i < 200; ++i) EraseBoth(records[rng_() % records.size()].number);
  EXPECT_EQ(column_->Size(), scan_->Size());
  ExpectSameAnswers(1000);
  column_->Optimize();  // renumbers, leaving the deleted slots out
  EXPECT_EQ(column_->Size(), scan_->Size());
  ExpectSameAnswers(300);

  // Every plan answered some of these queries.
  std::map<std::string, uint64_t> plans = column_->Plans();
  for (const char* plan : {"walk", "kept-order", "top-k", "radix", "value-range"})
    EXPECT_GE(plans[plan], 5u) << plan;
  if (schema().search() != kNoField) {
    EXPECT_GE(plans["name-range"], 5u);
  }
  bool enumerated = false;
  for (const NumberField& f : schema().numbers()) enumerated |= !f.names.empty() && f.sort;
  if (enumerated) {
    EXPECT_GE(plans["groups"], 5u);
  }
}

// A page of every hit (a limit far past the last) walks a kept order once
// rather than sorting every hit.
TEST_P(Differential, APageOfEveryHitWalksAKeptOrder) {
  for (const Record& r : Records(1, 3000)) Both(r);
  FieldId field = kNoField;
  for (size_t f = 0; f < schema().numbers().size(); ++f) {
    if (schema().numbers()[f].sort && !schema().numbers()[f].compute)
      field = static_cast<FieldId>(f);
  }
  ASSERT_NE(field, kNoField);
  Query q;
  q.sort = SortBy::Number(field);
  q.limit = INT32_MAX;
  std::map<std::string, uint64_t> before = column_->Plans();
  Page page = column_->Search(q);
  EXPECT_EQ(page.ids, scan_->Search(q).ids);
  EXPECT_EQ(page.ids.size(), 3000u);
  std::map<std::string, uint64_t> after = column_->Plans();
  EXPECT_EQ(after["kept-order"], before["kept-order"] + 1);
  EXPECT_EQ(after["top-k"], before["top-k"]);
}

// As at start-up: batches from two threads at once (UpsertMany), some
// records twice (the later version wins), then Optimize.
TEST_P(Differential, ABulkLoadFromTwoThreadsAnswersAsTheScanEngine) {
  std::vector<Record> records = Records(1, 3000);
  std::vector<Record> again(records.begin(), records.begin() + 300);
  for (Record& r : again) Change(r);
  auto views = [](const std::vector<Record>& rs) {
    std::vector<Entry> entries;
    for (const Record& r : rs) entries.push_back(r.View());
    return entries;
  };
  std::vector<Entry> all = views(records);
  std::vector<Entry> twice = views(again);
  column_->BeginLoad();
  std::span<const Entry> span(all);
  std::thread other([&] {  // with the batches prepared here, as the reader does
    for (size_t at = 0; at < 1500; at += 100) {
      std::unique_ptr<RecordIndex::Prepared> prepared = column_->Prepare(span.subspan(at, 100));
      column_->UpsertMany(span.subspan(at, 100), prepared.get());
    }
  });
  for (size_t at = 1500; at < 3000; at += 100) column_->UpsertMany(span.subspan(at, 100));
  other.join();
  column_->UpsertMany(twice);
  column_->Optimize();
  for (const Record& r : records) scan_->Upsert(r.View());
  for (const Record& r : again) scan_->Upsert(r.View());
  EXPECT_EQ(column_->Size(), 3000u);
  ExpectSameAnswers(500);
}

// As at start-up: the sort orders are built on another thread while
// records are written; every answer then comes from kept orders kept
// current.
TEST_P(Differential, SortOrdersPreparedWhileWritingAnswerAsTheScanEngine) {
  std::vector<Record> records = Records(1, 3000);
  column_->BeginLoad();
  for (const Record& r : records) Both(r);
  column_->Optimize();
  size_t built = 0;
  std::thread prepare([&] { built = column_->PrepareSortOrders(); });
  for (int i = 0; i < 400; ++i) {  // meanwhile, changes
    Record& r = records[rng_() % records.size()];
    Change(r);
    column_->Upsert(r.View());
  }
  prepare.join();
  for (const Record& r : records) scan_->Upsert(r.View());
  size_t keepable = 0;
  for (const StringField& f : schema().strings()) keepable += f.sort;
  for (const NumberField& f : schema().numbers()) keepable += f.sort && !f.compute;
  if (schema().search() != kNoField) ++keepable;  // the folded names' order (name ranges)
  EXPECT_EQ(built, keepable);
  EXPECT_EQ(column_->PrepareSortOrders(), 0u);
  ExpectSameAnswers(500);
}

TEST_P(Differential, AnInsertOutOfCreationOrderKeepsAnswersExact) {
  for (const Record& r : Records(1, 1500)) Both(r);
  column_->Optimize();
  Record old = RandomRecord(1501);
  old.numbers[schema().created()] = kNow - 40 * kDay;  // older than everything: breaks slot order
  Both(old);
  ExpectSameAnswers(250);
  column_->Optimize();
  ExpectSameAnswers(250);
}

// Rows' text lives in a BlockArena that copies the live blocks away once
// rewrites leave enough dead words: names, sort strings and ids read after
// that (substring, sorts, ids) must still be each record's own.
TEST_P(Differential, RowsRewrittenUntilTheirTextIsCompactedKeepTheirText) {
  std::vector<Record> records = Records(1, 600);
  for (const Record& r : records) Both(r);
  column_->Optimize();
  // Each rewrite leaves a block of over 1,250 words (a 5,000-byte string)
  // dead, too long to be reused: 600 x 8 of them are several times the
  // dead words at which the arena compacts (WorthCompacting).
  static_assert(1250 > BlockArena::kReusedWords);
  static_assert(600 * 8 * 1250 > 2 * BlockArena::kChunkWords);
  // The name, or else a sortable string (a kind with no name).
  FieldId longest = schema().search();
  for (FieldId f = 0; longest == kNoField && f < schema().strings().size(); ++f) {
    if (schema().strings()[f].sort) longest = f;
  }
  ASSERT_NE(longest, kNoField);
  for (int round = 0; round < 8; ++round) {
    for (Record& r : records) {
      r.strings[longest] = Pick(kNameWords) + "-" + std::to_string(round) +
                           std::string(5000, static_cast<char>('a' + round));
      Both(r);
    }
    ExpectSameAnswers(50);
  }
}

TEST_P(Differential, AQueryAtASnapshotAnswersAsTheIndexStoodThen) {
  column_ = NewColumnIndex(schema(), {.max_changes = 700});
  std::vector<Record> records = Records(1, 3000);
  for (const Record& r : records) Both(r);
  column_->Optimize();

  Snapshot first = Pin();
  std::unique_ptr<RecordIndex> at_first = Frozen(records);
  RandomChanges(records, 400);
  Snapshot second = Pin();
  std::unique_ptr<RecordIndex> at_second = Frozen(records);
  RandomChanges(records, 250);

  ExpectSameAnswersAt(first, *at_first, 500);
  ExpectSameAnswersAt(second, *at_second, 500);
  ExpectSameAnswers(200);  // the present is unaffected by the kept history

  // Past max_changes the oldest history goes (its ghost slots are reused):
  // the first snapshot expires, the second still answers exactly.
  RandomChanges(records, 200);
  Query q = RandomQuery();
  q.at = first;
  core::Error expired = drover::testing::ErrorFrom([&] { column_->Search(q); });
  EXPECT_EQ(expired.code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(expired.reason(), kSnapshotExpired);
  ExpectSameAnswersAt(second, *at_second, 300);
  ExpectSameAnswers(200);
}

INSTANTIATE_TEST_SUITE_P(EveryKind, Differential, ::testing::ValuesIn(Kinds()),
                         [](const ::testing::TestParamInfo<Kind>& info) {
                           return info.param.name;
                         });

TEST(Snapshots, ExpireUnlessPinnedWithinTheirLifetime) {
  const Schema& schema = service::JobSchema();
  core::TrainingJob job;
  job.id = 1;
  job.public_id = "dlc1";
  job.tenant_id = "t1";
  job.created = kNow;
  Query q;
  q.limit = 1;
  q.pin = true;
  auto upsert = [&](RecordIndex& index, const core::TrainingJob& j) {
    index.Upsert(service::JobSchema().Extract(j));
  };

  std::unique_ptr<RecordIndex> index =
      NewColumnIndex(schema, {.token_lifetime = std::chrono::milliseconds(0)});
  upsert(*index, job);
  q.at = index->Search(q).snapshot;
  EXPECT_EQ(index->Search(q).ids, std::vector<uint64_t>{1});  // no change since: answerable
  job.status = core::TrainingStatus::kRunning;
  upsert(*index, job);
  core::Error lapsed = drover::testing::ErrorFrom([&] { index->Search(q); });  // its pin had lapsed
  EXPECT_EQ(lapsed.code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(lapsed.reason(), kSnapshotExpired);

  q.at->epoch ^= 1;  // a token from another run of the server
  std::unique_ptr<RecordIndex> fresh = NewColumnIndex(schema);
  upsert(*fresh, job);
  core::Error other_run = drover::testing::ErrorFrom([&] { fresh->Search(q); });
  EXPECT_EQ(other_run.code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(other_run.reason(), kSnapshotExpired);

  // Pinned (the answer has more than its page) and within its lifetime: a
  // deleted job is still in the snapshot.
  core::TrainingJob other = job;
  other.id = 2;
  other.public_id = "dlc2";
  other.created = kNow - 1;
  upsert(*fresh, other);
  q.at.reset();
  Snapshot pinned = fresh->Search(q).snapshot;
  fresh->Erase(1);
  q.at = pinned;
  EXPECT_EQ(fresh->Search(q).ids, std::vector<uint64_t>{1});
  EXPECT_EQ(fresh->Search(q).total, 2);
  q.at.reset();
  EXPECT_EQ(fresh->Search(q).ids, std::vector<uint64_t>{2});
}

// A declaration that does not hold together is refused when an engine is
// made for it, naming what is wrong.
TEST(Schemas, AnInconsistentDeclarationIsRefused) {
  auto refusal = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const std::logic_error& e) {
      return e.what();
    }
    return "accepted";
  };
  testing::DeclaredSchema no_created("broken");
  no_created.String({.name = "Name", .search = true});
  EXPECT_EQ(refusal([&] { NewColumnIndex(no_created); }),
            "schema broken: the creation time must be a stored number field");

  testing::DeclaredSchema two_searches("broken");
  two_searches.String({.name = "A", .search = true});
  EXPECT_EQ(refusal([&] { two_searches.String({.name = "B", .search = true}); }),
            "schema broken: two search fields");

  testing::DeclaredSchema bad_access("broken");
  FieldId name = bad_access.String({.name = "Name", .sort = true});
  bad_access.SetCreated(bad_access.Number({.name = "Created"}));
  bad_access.SetAccess({.tenant = name, .owner = name});  // not exact fields
  try {
    bad_access.Check();
    FAIL() << "accepted";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "schema broken: access.tenant must name a string field of that kind");
  }
}

}  // namespace
}  // namespace drover::index
