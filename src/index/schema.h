// Schema: what a kind of record declares once so that the index can list
// it — its fields, how each is searched, which sort, and which carry the
// visibility rule. The engines (index/scan_index.cc, index/column/) are
// generic over schemas: nothing in index/ names a field of any kind.
//
// A kind declares its schema beside its own code (service/job_schema.cc for
// training jobs) with SchemaOf<Record>, which adds an extractor per field;
// Extract turns a record into the Entry the engines take. Field ids are
// positions in their class (strings, numbers, words), in declaration order;
// a kind names them with an enum of its own, and the declaration checks that
// each lands where its enum says.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace drover::index {

using FieldId = uint16_t;
inline constexpr FieldId kNoField = std::numeric_limits<FieldId>::max();

// A record's values as the engines take them, by field id. Views point into
// the record (or its extractor's results), which must outlive the entry.
struct Entry {
  uint64_t number = 0;  // the record's internal number (never 0)
  std::string_view public_id;
  std::vector<std::string_view> strings;  // by string field
  std::vector<int64_t> numbers;           // by number field (0 for a computed one)
  std::vector<std::string> texts;         // by words field: the text its words are cut from
  std::vector<std::pair<std::string_view, std::string_view>> tags;  // key, value
};

// A record's numbers, however an engine keeps them: what a computed field
// reads.
class NumberSource {
 public:
  virtual int64_t Get(FieldId field) const = 0;

 protected:
  ~NumberSource() = default;
};

struct StringField {
  std::string name = {};
  bool exact = false;     // filtered by value (any of several): a bitmap per value
  bool contains = false;  // filtered by case-insensitive substring, matched against the
                          // distinct values (for fields with few: user names, quotas)
  bool search = false;    // the record's name: substring by trigrams and the NameMatch
                          // modes (at most one field)
  bool sort = false;      // sortable, by bytes
};

struct NumberField {
  std::string name = {};
  bool bitmaps = false;       // few distinct values: a bitmap per value answers filters
  bool zero_is_none = false;  // 0 means "not yet" (a time): no range matches it
  bool sort = false;
  bool small = false;                   // values 0–255 (a status, a flag): kept in a byte
  std::vector<std::string> names = {};  // an enumeration: value v sorts as names[v]
  // A value worked out at query time from the stored numbers (a duration
  // grows with the clock): not stored, no bitmaps, never a kept order.
  int64_t (*compute)(const NumberSource& numbers, core::TimeMs now) = nullptr;
};

struct WordsField {
  std::string name = {};
  bool repeats = false;  // the same text recurs across records (an image, a reason):
                         // segmented once per batch, not once per record
};

// The fields core::CanSee's rule reads: nothing crosses tenants; a tenant
// admin sees all; anyone sees their own; a workspace admin sees the
// workspace's; a member sees its records of the visible visibility.
struct AccessFields {
  FieldId tenant = kNoField;      // string, exact
  FieldId owner = kNoField;       // string, exact
  FieldId workspace = kNoField;   // string, exact
  FieldId visibility = kNoField;  // number, bitmaps
  int64_t visible_to_members = 0;
  // Optional, words: text::AsOneWord(core::ShareTarget(tenant, workspace))
  // of each place the record is shared into, of any tenant. A viewer with
  // one of those targets (core::Viewer::ShareTargets) sees the record too.
  FieldId shared_into = kNoField;
};

class Schema {
 public:
  explicit Schema(std::string kind) : kind_(std::move(kind)) {}
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  const std::string& kind() const { return kind_; }
  const std::vector<StringField>& strings() const { return strings_; }
  const std::vector<NumberField>& numbers() const { return numbers_; }
  const std::vector<WordsField>& words() const { return words_; }
  bool tags() const { return tags_; }
  // The number field of the creation time: the default order.
  FieldId created() const { return created_; }
  // A number field holding the number of the record its group started
  // from; 0 when the record started its own (versions of one lineage).
  FieldId group() const { return group_; }
  // The string field with `search`, or kNoField.
  FieldId search() const { return search_; }
  const AccessFields& access() const { return access_; }

  // Throws std::logic_error when the declaration does not hold together:
  // no creation field, two search fields, access fields of the wrong kind…
  void Check() const;

 protected:
  FieldId AddString(FieldId expected, StringField field);
  FieldId AddNumber(FieldId expected, NumberField field);
  FieldId AddWords(FieldId expected, WordsField field);
  void SetCreated(FieldId field) { created_ = field; }
  void SetGroup(FieldId field) { group_ = field; }
  void SetAccess(AccessFields access) { access_ = access; }
  void SetTags() { tags_ = true; }

 private:
  std::string kind_;
  std::vector<StringField> strings_;
  std::vector<NumberField> numbers_;
  std::vector<WordsField> words_;
  bool tags_ = false;
  FieldId created_ = kNoField;
  FieldId group_ = kNoField;
  FieldId search_ = kNoField;
  AccessFields access_;
};

// A schema for records of type R: the declaration with an extractor for
// each field.
template <class R>
class SchemaOf : public Schema {
 public:
  using Tags = std::vector<std::pair<std::string_view, std::string_view>>;

  SchemaOf(std::string kind, uint64_t (*number)(const R&), std::string_view (*public_id)(const R&))
      : Schema(std::move(kind)), number_(number), public_id_(public_id) {}

  void String(FieldId expected, StringField field, std::function<std::string_view(const R&)> get) {
    AddString(expected, std::move(field));
    get_strings_.push_back(std::move(get));
  }
  // A string member, read as it is.
  void String(FieldId expected, StringField field, std::string R::*member) {
    String(expected, std::move(field),
           [member](const R& r) -> std::string_view { return r.*member; });
  }
  // `get` is empty for a computed field (NumberField::compute).
  void Number(FieldId expected, NumberField field, std::function<int64_t(const R&)> get) {
    AddNumber(expected, std::move(field));
    get_numbers_.push_back(std::move(get));
  }
  // A number member, read as it is.
  void Number(FieldId expected, NumberField field, int64_t R::*member) {
    Number(expected, std::move(field), [member](const R& r) { return r.*member; });
  }
  void Words(FieldId expected, WordsField field, std::function<std::string(const R&)> get) {
    AddWords(expected, std::move(field));
    get_words_.push_back(std::move(get));
  }
  void TagsFrom(std::function<void(const R&, Tags&)> get) {
    SetTags();
    get_tags_ = std::move(get);
  }
  void Created(FieldId field) { SetCreated(field); }
  void Group(FieldId field) { SetGroup(field); }
  void Access(AccessFields access) { SetAccess(access); }

  Entry Extract(const R& record) const {
    Entry entry;
    entry.number = number_(record);
    entry.public_id = public_id_(record);
    entry.strings.reserve(get_strings_.size());
    for (const auto& get : get_strings_) entry.strings.push_back(get(record));
    entry.numbers.reserve(get_numbers_.size());
    for (size_t f = 0; f < get_numbers_.size(); ++f) {
      int64_t v = numbers()[f].compute ? 0 : get_numbers_[f](record);
      if (numbers()[f].small && (v < 0 || v > 255))
        throw std::logic_error(kind() + "." + numbers()[f].name +
                               " is not small: " + std::to_string(v));
      entry.numbers.push_back(v);
    }
    entry.texts.reserve(get_words_.size());
    for (const auto& get : get_words_) entry.texts.push_back(get(record));
    if (get_tags_) get_tags_(record, entry.tags);
    return entry;
  }

 private:
  uint64_t (*number_)(const R&);
  std::string_view (*public_id_)(const R&);
  std::vector<std::function<std::string_view(const R&)>> get_strings_;
  std::vector<std::function<int64_t(const R&)>> get_numbers_;  // empty for a computed field
  std::vector<std::function<std::string(const R&)>> get_words_;
  std::function<void(const R&, Tags&)> get_tags_;
};

}  // namespace drover::index
