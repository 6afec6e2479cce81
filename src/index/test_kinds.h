// A schema declared field by field for the engine's own tests (malformed
// declarations the engine must refuse). Every kind of record has its real
// schema beside its code (service/*_schema.h), and the differential test
// lists those.
#pragma once

#include <memory>
#include <vector>

#include "index/schema.h"

namespace drover::index::testing {

// A schema declared field by field, with no record type behind it: the
// tests make its entries directly.
class DeclaredSchema : public Schema {
 public:
  using Schema::Schema;
  FieldId String(StringField f) {
    return AddString(static_cast<FieldId>(strings().size()), std::move(f));
  }
  FieldId Number(NumberField f) {
    return AddNumber(static_cast<FieldId>(numbers().size()), std::move(f));
  }
  FieldId Words(WordsField f) {
    return AddWords(static_cast<FieldId>(words().size()), std::move(f));
  }
  using Schema::SetAccess;
  using Schema::SetCreated;
  using Schema::SetGroup;
  using Schema::SetTags;
};

}  // namespace drover::index::testing
