// The scan engine: one row per job with its searchable forms precomputed
// (folded strings, word lists), and a linear pass per query.

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "index/continuation.h"
#include "index/fields.h"
#include "index/job_index.h"
#include "text/text.h"

namespace drover::index {

namespace {

using core::Job;

struct Row {
  Job job;
  std::string folded_id;
  std::string folded_name;
  std::string folded_username;
  std::string folded_quota_name;
  std::vector<std::string> name_words;
  std::vector<std::string> reason_words;
  std::vector<std::string> command_words;
  std::vector<std::string> image_words;
};

Row MakeRow(const Job& job) {
  Row row;
  row.job = job;
  row.folded_id = text::Fold(job.public_id);
  row.folded_name = text::Fold(job.display_name);
  row.folded_username = text::Fold(job.username);
  row.folded_quota_name = text::Fold(job.resource_quota_name);
  row.name_words = text::Words(WordsSource(job, WordsField::kName));
  row.reason_words = text::Words(WordsSource(job, WordsField::kReason));
  row.command_words = text::Words(WordsSource(job, WordsField::kUserCommand));
  row.image_words = text::Words(WordsSource(job, WordsField::kImage));
  return row;
}

const std::vector<std::string>& WordsValue(const Row& row, WordsField field) {
  switch (field) {
    case WordsField::kReason:
      return row.reason_words;
    case WordsField::kUserCommand:
      return row.command_words;
    case WordsField::kImage:
      return row.image_words;
    case WordsField::kName:
      return row.name_words;
  }
  return row.name_words;
}

int64_t NumericValue(const Job& job, NumericField field, core::TimeMs now) {
  switch (field) {
    case NumericField::kRequestGpu:
      return job.RequestGpu();
    case NumericField::kRequestCpu:
      return job.RequestCpu();
    case NumericField::kPriority:
      return job.priority;
    case NumericField::kDuration:
      return job.DurationSeconds(now);
    case NumericField::kNodeCount:
      return job.NodeCount();
  }
  return 0;
}

bool Matches(const Row& row, const JobQuery& q) {
  const Job& job = row.job;
  for (const auto& [field, values] : q.exact) {
    const std::string& v = ExactValue(job, field);
    if (std::find(values.begin(), values.end(), v) == values.end()) return false;
  }
  if (q.statuses &&
      std::find(q.statuses->begin(), q.statuses->end(), job.status) == q.statuses->end()) {
    return false;
  }
  if (!q.public_ids.empty() &&
      std::find(q.public_ids.begin(), q.public_ids.end(), row.folded_id) == q.public_ids.end()) {
    return false;
  }
  if (q.name && !NameMatches(row.folded_name, q.name->first, q.name->second)) return false;
  for (const auto& [field, needle] : q.contains) {
    const std::string& hay = field == ContainsField::kUsername ? row.folded_username
                             : field == ContainsField::kName   ? row.folded_name
                                                               : row.folded_quota_name;
    if (hay.find(needle) == std::string::npos) return false;
  }
  for (const auto& [field, words] : q.words) {
    if (!text::ContainsAllWords(WordsValue(row, field), words)) return false;
  }
  if (q.visibility && job.visibility != *q.visibility) return false;
  if (q.lineage && job.Lineage() != *q.lineage) return false;
  if (q.viewer && !core::CanSee(*q.viewer, job)) return false;
  if (q.latest_only && !job.latest) return false;
  if (q.exclude_imported && job.imported) return false;
  if (q.enable_assign_node && job.enable_assign_node != *q.enable_assign_node) return false;
  for (const auto& [key, value] : q.tags) {
    auto it = job.tags.find(key);
    if (it == job.tags.end() || it->second != value) return false;
  }
  if (q.time) {
    core::TimeMs t = TimeValue(job, q.time->field);
    if (t == 0 || t < q.time->from || t > q.time->to) return false;
  }
  if (q.numeric) {
    int64_t v = NumericValue(job, q.numeric->field, q.now);
    if (v < q.numeric->min || v > q.numeric->max) return false;
  }
  return true;
}

// Strict "a before b" in ascending order of the sort field, ties by id.
bool AscendingBefore(const Job& a, const Job& b, SortField field, core::TimeMs now) {
  auto by = [&](const auto& x, const auto& y) {
    if (x != y) return x < y;
    return a.public_id < b.public_id;
  };
  switch (field) {
    case SortField::kCreated:
      return by(a.created, b.created);
    case SortField::kFinished:
      return by(a.finished, b.finished);
    case SortField::kRunning:
      return by(a.running, b.running);
    case SortField::kModified:
      return by(a.modified, b.modified);
    case SortField::kName:
      return by(a.display_name, b.display_name);
    case SortField::kJobType:
      return by(a.job_type, b.job_type);
    case SortField::kStatus:
      return by(core::TrainingStatusName(a.status), core::TrainingStatusName(b.status));
    case SortField::kPriority:
      return by(a.priority, b.priority);
    case SortField::kDescription:
      return by(a.description, b.description);
    case SortField::kDuration:
      return by(a.DurationSeconds(now), b.DurationSeconds(now));
    case SortField::kVersionCount:
      return by(a.version_count, b.version_count);
    case SortField::kVersion:
      return by(a.version, b.version);
  }
  return false;
}

class ScanIndex : public JobIndex {
 public:
  void Upsert(const Job& job) override {
    Row row = MakeRow(job);
    std::unique_lock lock(mu_);
    rows_[job.id] = std::move(row);
    ++revision_;
  }

  void Erase(core::JobNumber id) override {
    std::unique_lock lock(mu_);
    rows_.erase(id);
    ++revision_;
  }

  size_t Size() const override {
    std::shared_lock lock(mu_);
    return rows_.size();
  }

  Page Search(const JobQuery& q) const override {
    std::shared_lock lock(mu_);
    Snapshot now{epoch_, revision_};
    if (q.at && *q.at != now) ThrowSnapshotExpired();  // no history kept
    std::vector<const Job*> hits;
    for (const auto& [id, row] : rows_) {
      if (Matches(row, q)) hits.push_back(&row.job);
    }
    Page page;
    page.total = static_cast<int64_t>(hits.size());
    page.snapshot = now;
    auto before = [&](const Job* a, const Job* b) {
      return q.descending ? AscendingBefore(*b, *a, q.sort, q.now)
                          : AscendingBefore(*a, *b, q.sort, q.now);
    };
    int64_t begin = std::min<int64_t>(q.offset, page.total);
    int64_t end = std::min<int64_t>(begin + q.limit, page.total);
    std::partial_sort(hits.begin(), hits.begin() + end, hits.end(), before);
    for (int64_t i = begin; i < end; ++i) page.ids.push_back(hits[static_cast<size_t>(i)]->id);
    return page;
  }

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<core::JobNumber, Row> rows_;  // guarded by mu_
  const uint64_t epoch_ = NewEpoch();
  uint64_t revision_ = 0;  // guarded by mu_
};

}  // namespace

std::unique_ptr<JobIndex> NewScanIndex() { return std::make_unique<ScanIndex>(); }

}  // namespace drover::index
