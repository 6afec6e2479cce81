// Where the column engine keeps each of a schema's fields in a slot, worked
// out once from the schema (index/schema.h):
//
// - interned strings (exact and contains fields): a dictionary id each,
//   packed per slot; the value itself is the field's dictionary's;
// - stored strings (the public id, its fold, every sortable string not
//   interned, the search field and its fold): bytes in the row's block;
// - term groups (the tags, then each words field): term ids in the block;
// - numbers: wide (int64) or small (a byte) columns, packed per slot;
// - sort prefixes: the first 16 bytes of every sortable string, packed per
//   slot, so that ordering reads no string until two prefixes tie.
#pragma once

#include <cstdint>
#include <vector>

#include "index/schema.h"

namespace drover::index::column {

inline constexpr int kNone = -1;

struct Layout {
  explicit Layout(const Schema& schema);

  // By string field.
  std::vector<int> interned;  // position among the slot's dictionary ids, or kNone
  std::vector<int> stored;    // position among the block's strings, or kNone
  std::vector<int> prefix;    // position among the sort prefixes, or kNone
  // By number field: position among the wide or the small columns, or kNone
  // (computed).
  std::vector<int> wide;
  std::vector<int> small;

  int interned_count = 0;
  int stored_count = 2;       // the public id and its fold come first
  int folded_search = kNone;  // the fold of the search field, among the strings
  int prefix_count = 0;
  int wide_count = 0;
  int small_count = 0;
  int term_groups = 0;  // the tags (group 0), then each words field
  int words_count = 0;

  // The words of a row's block before its terms: the ends of the term
  // groups and of the strings.
  size_t HeaderWords() const {
    return static_cast<size_t>(term_groups) + static_cast<size_t>(stored_count);
  }

  static constexpr int kPublicId = 0;
  static constexpr int kFoldedId = 1;  // empty when the same as the public id
};

inline Layout::Layout(const Schema& schema) {
  for (const StringField& f : schema.strings()) {
    interned.push_back(f.exact || f.contains ? interned_count++ : kNone);
    stored.push_back((f.sort && !f.exact) || f.search ? stored_count++ : kNone);
    prefix.push_back(f.sort ? prefix_count++ : kNone);
  }
  if (schema.search() != kNoField) folded_search = stored_count++;
  for (const NumberField& f : schema.numbers()) {
    bool computed = f.compute != nullptr;
    wide.push_back(!computed && !f.small ? wide_count++ : kNone);
    small.push_back(!computed && f.small ? small_count++ : kNone);
  }
  words_count = static_cast<int>(schema.words().size());
  term_groups = 1 + words_count;
}

}  // namespace drover::index::column
