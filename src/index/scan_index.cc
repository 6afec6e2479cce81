// The scan engine: one row per record with its searchable forms precomputed
// (folded strings, word lists), and a linear pass per query. Written to be
// obviously right, from the schema's field declarations alone: it is the
// oracle the column engine is tested against.

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>

#include "index/continuation.h"
#include "index/match.h"
#include "index/record_index.h"
#include "text/text.h"

namespace drover::index {

namespace {

struct Row : NumberSource {
  uint64_t number = 0;
  std::string public_id, folded_id;
  std::vector<std::string> strings;             // by string field
  std::vector<std::string> folded;              // by string field: Fold(strings[f])
  std::vector<int64_t> numbers;                 // by number field, as stored
  std::vector<std::vector<std::string>> words;  // by words field
  std::set<std::pair<std::string, std::string>> tags;

  int64_t Get(FieldId field) const override { return numbers[field]; }
};

Row MakeRow(const Entry& e) {
  Row row;
  row.number = e.number;
  row.public_id = e.public_id;
  row.folded_id = text::Fold(e.public_id);
  for (std::string_view s : e.strings) {
    row.strings.emplace_back(s);
    row.folded.push_back(text::Fold(s));
  }
  row.numbers = e.numbers;
  for (const std::string& t : e.texts) row.words.push_back(text::Words(t));
  for (const auto& [k, v] : e.tags) row.tags.emplace(k, v);
  return row;
}

class ScanIndex : public RecordIndex {
 public:
  explicit ScanIndex(const Schema& schema) : schema_(schema) { schema.Check(); }

  void Upsert(const Entry& entry) override {
    Row row = MakeRow(entry);
    std::unique_lock lock(mu_);
    rows_[entry.number] = std::move(row);
    ++revision_;
  }

  void Erase(uint64_t number) override {
    std::unique_lock lock(mu_);
    rows_.erase(number);
    ++revision_;
  }

  size_t Size() const override {
    std::shared_lock lock(mu_);
    return rows_.size();
  }

  const Schema& schema() const override { return schema_; }

  std::vector<FacetCount> Facet(FacetOf of, FieldId field, const Query& among) const override {
    std::shared_lock lock(mu_);
    std::map<std::string, int64_t> counts;
    for (const auto& [number, row] : rows_) {
      if (!Matches(row, among)) continue;
      if (of == FacetOf::kWords) {
        std::set<std::string> distinct(row.words[field].begin(), row.words[field].end());
        for (const std::string& word : distinct) counts[word]++;
      } else if (!row.strings[field].empty()) {
        // A contains field is kept folded (it matches case-insensitively).
        bool folded = schema_.strings()[field].contains;
        counts[folded ? row.folded[field] : row.strings[field]]++;
      }
    }
    std::vector<FacetCount> facet;
    for (auto& [value, count] : counts) facet.push_back({value, count});
    return facet;
  }

  Page Search(const Query& q) const override {
    std::shared_lock lock(mu_);
    Snapshot now{epoch_, revision_};
    if (q.at && *q.at != now) ThrowSnapshotExpired();  // no history kept
    std::vector<const Row*> hits;
    for (const auto& [number, row] : rows_) {
      if (Matches(row, q)) hits.push_back(&row);
    }
    Page page;
    page.total = static_cast<int64_t>(hits.size());
    page.snapshot = now;
    auto before = [&](const Row* a, const Row* b) {
      return q.descending ? AscendingBefore(*b, *a, q) : AscendingBefore(*a, *b, q);
    };
    int64_t begin = std::min<int64_t>(q.offset, page.total);
    int64_t end = std::min<int64_t>(begin + q.limit, page.total);
    std::partial_sort(hits.begin(), hits.begin() + end, hits.end(), before);
    for (int64_t i = begin; i < end; ++i) page.ids.push_back(hits[static_cast<size_t>(i)]->number);
    return page;
  }

 private:
  int64_t Number(const Row& row, FieldId field, core::TimeMs now) const {
    const NumberField& f = schema_.numbers()[field];
    return f.compute ? f.compute(row, now) : row.numbers[field];
  }

  // core::CanSee over the schema's access fields, and what is shared into
  // the viewer's places.
  bool CanSee(const Row& row, const core::Viewer& viewer) const {
    const AccessFields& a = schema_.access();
    if (a.tenant == kNoField) return true;
    if (a.shared_into != kNoField) {
      const std::vector<std::string>& into = row.words[a.shared_into];
      for (const std::string& target : viewer.ShareTargets()) {
        if (std::find(into.begin(), into.end(), text::AsOneWord(target)) != into.end()) return true;
      }
    }
    if (row.strings[a.tenant] != viewer.tenant) return false;
    if (viewer.tenant_admin || row.strings[a.owner] == viewer.user) return true;
    if (a.workspace == kNoField) return false;
    const std::string& workspace = row.strings[a.workspace];
    if (viewer.IsWorkspaceAdmin(workspace)) return true;
    return row.numbers[a.visibility] == a.visible_to_members && viewer.IsMember(workspace);
  }

  bool Matches(const Row& row, const Query& q) const {
    for (const auto& [field, values] : q.exact) {
      if (std::find(values.begin(), values.end(), row.strings[field]) == values.end()) return false;
    }
    for (const auto& [field, needle] : q.contains) {
      if (row.folded[field].find(needle) == std::string::npos) return false;
    }
    for (const auto& [field, words] : q.words) {
      if (!text::ContainsAllWords(row.words[field], words)) return false;
    }
    auto holds = [&](FieldId field, const std::string& word) {
      const std::vector<std::string>& has = row.words[field];
      return std::find(has.begin(), has.end(), word) != has.end();
    };
    for (const auto& [field, words] : q.words_any) {
      FieldId f = field;  // a lambda may not name a structured binding (clang)
      if (std::none_of(words.begin(), words.end(), [&](const auto& w) { return holds(f, w); })) {
        return false;
      }
    }
    for (const auto& [field, words] : q.words_none) {
      FieldId f = field;
      if (std::any_of(words.begin(), words.end(), [&](const auto& w) { return holds(f, w); })) {
        return false;
      }
    }
    if (q.name && (schema_.search() == kNoField ||
                   !NameMatches(row.folded[schema_.search()], q.name->first, q.name->second)))
      return false;
    if (!q.public_ids.empty() &&
        std::find(q.public_ids.begin(), q.public_ids.end(), row.folded_id) == q.public_ids.end())
      return false;
    for (const auto& [field, values] : q.values) {
      if (std::find(values.begin(), values.end(), Number(row, field, q.now)) == values.end())
        return false;
    }
    for (const Query::Range& r : q.ranges) {
      int64_t v = Number(row, r.field, q.now);
      if (v == 0 && schema_.numbers()[r.field].zero_is_none) return false;
      if (v < r.min || v > r.max) return false;
    }
    if (q.group) {
      int64_t group = row.numbers[schema_.group()];
      uint64_t head = group != 0 ? static_cast<uint64_t>(group) : row.number;
      if (head != *q.group) return false;
    }
    if (q.tag_contains && std::none_of(row.tags.begin(), row.tags.end(), [&](const auto& tag) {
          return TagHolds(TagTerm(tag.first, tag.second), *q.tag_contains);
        })) {
      return false;
    }
    for (const auto& [key, value] : q.tags) {
      if (!row.tags.contains({key, value})) return false;
    }
    if (q.viewer && !CanSee(row, *q.viewer)) return false;
    return true;
  }

  // Strict "a before b" in ascending order of the sort key, ties by id.
  bool AscendingBefore(const Row& a, const Row& b, const Query& q) const {
    auto by = [&](const auto& x, const auto& y) {
      if (x != y) return x < y;
      return a.public_id < b.public_id;
    };
    FieldId field = q.sort.field == kNoField ? schema_.created() : q.sort.field;
    if (q.sort.of == SortBy::Class::kString) return by(a.strings[field], b.strings[field]);
    if (q.sort.of == SortBy::Class::kFoldedString) return by(a.folded[field], b.folded[field]);
    const NumberField& f = schema_.numbers()[field];
    if (!f.names.empty())
      return by(f.names[static_cast<size_t>(a.numbers[field])],
                f.names[static_cast<size_t>(b.numbers[field])]);
    return by(Number(a, field, q.now), Number(b, field, q.now));
  }

  const Schema& schema_;
  mutable std::shared_mutex mu_;
  std::unordered_map<uint64_t, Row> rows_;  // guarded by mu_
  const uint64_t epoch_ = NewEpoch();
  uint64_t revision_ = 0;  // guarded by mu_
};

}  // namespace

std::unique_ptr<RecordIndex> NewScanIndex(const Schema& schema) {
  return std::make_unique<ScanIndex>(schema);
}

}  // namespace drover::index
