// A Query's filters as bitmap operations: every filter a bitmap answers is
// intersected (smallest first); what none answers (ranges on columns
// without bitmaps, substrings, name modes) is checked on the survivors.

#include <algorithm>

#include "index/column/column_index.h"
#include "index/match.h"
#include "text/text.h"

namespace drover::index::column {

namespace {

Roaring Union(const std::vector<const Roaring*>& parts) {
  if (parts.empty()) return Roaring();
  if (parts.size() == 1) return *parts[0];
  return Roaring::fastunion(parts.size(), const_cast<const Roaring**>(parts.data()));
}

}  // namespace

// The bitmaps every hit is in, and those none is in: intersected smallest
// first, borrowing the index's own bitmaps rather than copying them.
class ColumnIndex::Conjunction {
 public:
  // nullptr: a value no slot has.
  void And(const Roaring* b) {
    if (b == nullptr) {
      empty_ = true;
    } else {
      in_.push_back(b);
    }
  }
  void And(Roaring b) {
    owned_.push_back(std::move(b));
    in_.push_back(&owned_.back());
  }
  void AndAny(const std::vector<const Roaring*>& parts) {
    if (parts.size() <= 1) return And(parts.empty() ? nullptr : parts[0]);
    And(Union(parts));
  }
  // Hits must not be in `b` (nullptr: nothing to leave out).
  void AndNot(const Roaring* b) {
    if (b != nullptr) out_.push_back(b);
  }

  Roaring Evaluate() {
    if (empty_) return Roaring();
    std::vector<std::pair<uint64_t, const Roaring*>> by_size;
    for (const Roaring* b : in_) by_size.emplace_back(b->cardinality(), b);
    std::sort(by_size.begin(), by_size.end());
    Roaring hits =
        by_size.size() >= 2 ? *by_size[0].second & *by_size[1].second : *by_size[0].second;
    for (size_t i = 2; i < by_size.size() && !hits.isEmpty(); ++i) hits &= *by_size[i].second;
    for (const Roaring* b : out_) {
      if (hits.isEmpty()) break;
      hits -= *b;
    }
    return hits;
  }

 private:
  bool empty_ = false;
  std::deque<Roaring> owned_;  // stable addresses
  std::vector<const Roaring*> in_;
  std::vector<const Roaring*> out_;
};

Roaring ColumnIndex::Filter(const Query& q, const Scope& scope) const {
  Conjunction all;
  all.And(&scope.slots());
  for (const auto& [field, values] : q.exact) {
    std::vector<const Roaring*> parts;
    for (const std::string& v : values) {
      if (const Roaring* b = strings_[field].Find(v)) parts.push_back(b);
    }
    all.AndAny(parts);
  }
  for (const auto& [field, values] : q.values) {
    if (!schema_.numbers()[field].bitmaps) continue;  // checked per row
    std::vector<const Roaring*> parts;
    for (int64_t v : values) {
      if (const Roaring* b = numbers_[field].Find(v)) parts.push_back(b);
    }
    all.AndAny(parts);
  }
  if (!q.public_ids.empty()) all.And(scope.WithPublicIds(q.public_ids));
  if (q.group) all.And(GroupOf(*q.group, scope));
  for (const auto& [key, value] : q.tags) all.And(tags_.Find(TagTerm(key, value)));
  if (q.tag_contains) {
    // Distinct tags are few (labels, teams): match them, not the rows.
    std::vector<const Roaring*> parts;
    const std::string& wanted = *q.tag_contains;
    tags_.ForEach([&](const std::string& term, const Roaring& b) {
      if (!b.isEmpty() && TagHolds(term, wanted)) parts.push_back(&b);
    });
    all.AndAny(parts);
  }
  for (const auto& [field, words] : q.words) {
    for (const std::string& w : words) all.And(words_[field].Find(w));
  }
  for (const auto& [field, words] : q.words_any) {
    std::vector<const Roaring*> parts;
    for (const std::string& w : words) {
      if (const Roaring* b = words_[field].Find(w)) parts.push_back(b);
    }
    all.AndAny(parts);
  }
  for (const auto& [field, words] : q.words_none) {
    for (const std::string& w : words) all.AndNot(words_[field].Find(w));
  }
  for (const auto& [field, needle] : q.contains) {
    if (field == schema_.search()) {
      AndTrigrams(all, needle);  // then checked per row
      continue;
    }
    // Few distinct values: match the dictionary, not the rows.
    std::vector<const Roaring*> parts;
    const std::string& wanted = needle;  // a lambda may not name a structured binding (clang)
    strings_[field].ForEach([&](const std::string& value, const Roaring& b) {
      if (value.find(wanted) != std::string::npos) parts.push_back(&b);
    });
    all.AndAny(parts);
  }
  if (q.name && schema_.search() == kNoField) {
    all.And(nullptr);  // a kind with no name: no record matches a name
  } else if (q.name) {
    const auto& [mode, text] = *q.name;
    if (mode == NameMatch::kWildcard) {
      AndTrigrams(all, LongestLiteral(text));  // then checked per row
    } else {
      all.And(NamesMatching(mode, text));  // exact: a range of the name order
      Count(kNameRange);
    }
  }
  if (q.viewer && schema_.access().tenant != kNoField) {
    const AccessFields& access = schema_.access();
    const Roaring* tenant = strings_[access.tenant].Find(q.viewer->tenant);
    if (access.shared_into == kNoField) {
      // Nothing crosses tenants.
      all.And(tenant);
      if (!q.viewer->tenant_admin) all.And(Visible(*q.viewer));
    } else {
      // What its tenant's rule shows, and what is shared into the viewer's places.
      Roaring seen = tenant ? *tenant : Roaring();
      if (!q.viewer->tenant_admin) seen &= Visible(*q.viewer);
      for (const std::string& target : q.viewer->ShareTargets()) {
        if (const Roaring* b = words_[access.shared_into].Find(text::AsOneWord(target))) seen |= *b;
      }
      all.And(std::move(seen));
    }
  }
  for (const Query::Range& range : q.ranges) {
    if (range.field == schema_.created() && created_sorted_) {
      all.And(scope.CreatedIn(range.min, range.max));
    } else if (schema_.numbers()[range.field].bitmaps) {
      AndNumbers(all, range.field, range.min, range.max);
    }
  }
  Roaring hits = all.Evaluate();
  // A range on a sorted field is a run of its kept order: taken when it is
  // smaller than the candidates so far (the cheaper side drives), or its
  // complement taken away when that is smaller still (a range that holds
  // nearly everything); else the candidates are checked one by one.
  std::vector<bool> answered(q.ranges.size());
  for (size_t i = 0; i < q.ranges.size() && !hits.isEmpty(); ++i) {
    const Query::Range& r = q.ranges[i];
    if (AnsweredByBitmaps(r) || !Keepable(SortBy::Number(r.field))) continue;
    int64_t min = r.min;
    if (schema_.numbers()[r.field].zero_is_none) min = std::max<int64_t>(min, 1);
    if (min > r.max) {
      hits = Roaring();
      break;
    }
    const SlotOrder& order = KeptOrder(SortBy::Number(r.field));
    auto below = [&](Slot s) { return Stored(s, r.field) < min; };
    auto within = [&](Slot s) { return Stored(s, r.field) <= r.max; };
    size_t inside = order.CountBetween(below, within);
    size_t outside = order.CountOutside(below, within);
    uint64_t candidates = hits.cardinality();
    if (outside < inside && outside < candidates) {
      hits -= SlotsOf(order.Outside(below, within));
    } else if (inside < candidates) {
      hits &= SlotsOf(order.Between(below, within));
    } else {
      continue;
    }
    answered[i] = true;
    Count(kValueRange);
  }
  NarrowByRowPredicates(hits, q, answered);
  return hits;
}

// Live slots whose creation time is in [from, to], when slots are in
// creation order.
Roaring ColumnIndex::CreatedRange(int64_t from, int64_t to) const {
  auto by_created = [&](int64_t t) {
    size_t lo = 0, hi = rows_.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (CreatedAt(static_cast<Slot>(mid)) < t)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  };
  if (schema_.numbers()[schema_.created()].zero_is_none) from = std::max<int64_t>(from, 1);
  size_t begin = by_created(from);
  size_t end = to == INT64_MAX ? rows_.size() : by_created(to + 1);
  Roaring range;
  if (end > begin) range.addRange(begin, end);
  return range;
}

// The records of the group `head` started: those naming it, and the head
// itself while it names none.
Roaring ColumnIndex::GroupOf(uint64_t head, const Scope& scope) const {
  FieldId field = schema_.group();
  const Roaring* later = head != 0 ? numbers_[field].Find(static_cast<int64_t>(head)) : nullptr;
  Roaring members = later ? *later : Roaring();
  for (Slot s : scope.WithNumber(head)) {
    if (Stored(s, field) == 0) members.add(s);
  }
  return members;
}

void ColumnIndex::AndTrigrams(Conjunction& all, const std::string& literal) const {
  for (uint32_t t : Trigrams(literal)) {
    auto it = trigrams_.find(t);
    all.And(it == trigrams_.end() ? nullptr : &it->second);
  }
}

// The slots whose value of a number field with bitmaps is in [min, max].
void ColumnIndex::AndNumbers(Conjunction& all, FieldId field, int64_t min, int64_t max) const {
  bool zero_is_none = schema_.numbers()[field].zero_is_none;
  std::vector<const Roaring*> parts;
  numbers_[field].ForEachIn(min, max, [&](int64_t value, const Roaring& b) {
    if (!b.isEmpty() && !(value == 0 && zero_is_none)) parts.push_back(&b);
  });
  all.AndAny(parts);
}

// The viewer's own records, all of the workspaces it administers, and those
// of its member workspaces it may see (the rule of core::CanSee, as bitmaps).
Roaring ColumnIndex::Visible(const core::Viewer& viewer) const {
  const AccessFields& access = schema_.access();
  std::vector<const Roaring*> parts;
  if (const Roaring* mine = strings_[access.owner].Find(viewer.user)) parts.push_back(mine);
  if (access.workspace == kNoField) return Union(parts);
  const Postings& workspaces = strings_[access.workspace];
  std::vector<const Roaring*> member;
  for (const auto& [workspace, role] : viewer.workspaces) {
    const Roaring* b = workspaces.Find(workspace);
    if (!b) continue;
    if (role == core::WorkspaceRole::kAdmin)
      parts.push_back(b);
    else
      member.push_back(b);
  }
  Roaring visible = Union(parts);
  Roaring shown = Union(member);
  const Roaring* members_may_see = numbers_[access.visibility].Find(access.visible_to_members);
  if (!members_may_see) return visible;
  shown &= *members_may_see;
  visible |= shown;
  return visible;
}

bool ColumnIndex::AnsweredByBitmaps(const Query::Range& range) const {
  return (range.field == schema_.created() && created_sorted_) ||
         schema_.numbers()[range.field].bitmaps;
}

// The predicates no bitmap answers, checked on the survivors only.
void ColumnIndex::NarrowByRowPredicates(Roaring& hits, const Query& q,
                                        const std::vector<bool>& answered) const {
  std::vector<const Query::Range*> ranges;
  for (size_t i = 0; i < q.ranges.size(); ++i) {
    if (!AnsweredByBitmaps(q.ranges[i]) && !answered[i]) ranges.push_back(&q.ranges[i]);
  }
  std::vector<std::pair<FieldId, const std::vector<int64_t>*>> values;
  for (const auto& [field, accepted] : q.values) {
    if (!schema_.numbers()[field].bitmaps) values.emplace_back(field, &accepted);
  }
  auto search = q.contains.find(schema_.search());
  const std::string* substring = search != q.contains.end() ? &search->second : nullptr;
  bool wildcard = q.name && q.name->first == NameMatch::kWildcard;
  if (ranges.empty() && values.empty() && !substring && !wildcard) return;
  Roaring keep;
  for (Slot s : hits) {
    bool ok = true;
    for (const Query::Range* r : ranges) {
      int64_t v = NumberAt(s, r->field, q.now);
      if ((v == 0 && schema_.numbers()[r->field].zero_is_none) || v < r->min || v > r->max) {
        ok = false;
        break;
      }
    }
    for (size_t i = 0; ok && i < values.size(); ++i) {
      int64_t v = NumberAt(s, values[i].first, q.now);
      const std::vector<int64_t>& accepted = *values[i].second;
      ok = std::find(accepted.begin(), accepted.end(), v) != accepted.end();
    }
    if (!ok) continue;
    if (substring || wildcard) {
      std::string_view name = FoldedSearch(s);
      if (substring && name.find(*substring) == std::string::npos) continue;
      if (wildcard && !NameMatches(name, q.name->first, q.name->second)) continue;
    }
    keep.add(s);
  }
  hits = std::move(keep);
}

}  // namespace drover::index::column
