#include "index/schema.h"

namespace drover::index {

namespace {

[[noreturn]] void Fail(const std::string& kind, const std::string& what) {
  throw std::logic_error("schema " + kind + ": " + what);
}

template <class Field>
FieldId Append(const std::string& kind, std::vector<Field>& fields, FieldId expected, Field field) {
  if (expected != fields.size()) {
    Fail(kind, field.name + " declared as field " + std::to_string(expected) + " but is field " +
                   std::to_string(fields.size()));
  }
  fields.push_back(std::move(field));
  return expected;
}

}  // namespace

FieldId Schema::AddString(FieldId expected, StringField field) {
  if (field.search) {
    if (search_ != kNoField) Fail(kind_, "two search fields");
    search_ = expected;
  }
  return Append(kind_, strings_, expected, std::move(field));
}

FieldId Schema::AddNumber(FieldId expected, NumberField field) {
  return Append(kind_, numbers_, expected, std::move(field));
}

FieldId Schema::AddWords(FieldId expected, WordsField field) {
  return Append(kind_, words_, expected, std::move(field));
}

void Schema::Check() const {
  auto string_is = [&](FieldId f, bool StringField::*flag, const char* role) {
    if (f >= strings_.size() || !(strings_[f].*flag))
      Fail(kind_, std::string(role) + " must name a string field of that kind");
  };
  for (const StringField& f : strings_) {
    if (f.exact && f.contains) Fail(kind_, f.name + " is both exact and contains");
    if (f.search && (f.exact || f.contains))
      Fail(kind_, f.name + ": the search field is matched by its own modes");
  }
  for (const NumberField& f : numbers_) {
    if (f.compute && (f.bitmaps || f.small))
      Fail(kind_, f.name + ": a computed field has no stored value");
    if (!f.names.empty() && !f.small) Fail(kind_, f.name + ": an enumeration is small");
  }
  if (created_ >= numbers_.size() || numbers_[created_].compute)
    Fail(kind_, "the creation time must be a stored number field");
  if (group_ != kNoField && (group_ >= numbers_.size() || !numbers_[group_].bitmaps))
    Fail(kind_, "the group field must be a number field with bitmaps");
  if (access_.tenant != kNoField) {
    string_is(access_.tenant, &StringField::exact, "access.tenant");
    string_is(access_.owner, &StringField::exact, "access.owner");
    if (access_.workspace != kNoField) {
      string_is(access_.workspace, &StringField::exact, "access.workspace");
      if (access_.visibility >= numbers_.size() || !numbers_[access_.visibility].bitmaps)
        Fail(kind_, "access.visibility must name a number field with bitmaps");
    }
    if (access_.shared_into != kNoField && access_.shared_into >= words_.size())
      Fail(kind_, "access.shared_into must name a words field");
  }
}

}  // namespace drover::index
