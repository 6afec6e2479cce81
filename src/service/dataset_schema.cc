#include "service/dataset_schema.h"

#include <algorithm>

#include "text/text.h"

namespace drover::service {

namespace {

using core::Dataset;
using core::DatasetVersion;
using index::NumberField;
using index::StringField;

index::SchemaOf<Dataset>* DeclareDataset() {
  auto* s = new index::SchemaOf<Dataset>(
      "dataset", [](const Dataset& d) -> uint64_t { return d.id; },
      [](const Dataset& d) -> std::string_view { return d.public_id; });
  using S = DatasetStrings;
  auto exact = [](const char* name) { return StringField{.name = name, .exact = true}; };
  s->String(S::kTenant, exact("TenantId"), &Dataset::tenant_id);
  s->String(S::kWorkspace, exact("WorkspaceId"), &Dataset::workspace_id);
  s->String(S::kUserId, exact("UserId"), &Dataset::user_id);
  s->String(S::kProperty, exact("Property"), &Dataset::property);
  s->String(S::kDataSourceType, exact("DataSourceType"), &Dataset::data_source_type);
  s->String(S::kDataType, exact("DataType"), &Dataset::data_type);
  s->String(S::kSourceType, exact("SourceType"), &Dataset::source_type);
  s->String(S::kSourceId, exact("SourceId"), &Dataset::source_id);
  s->String(S::kSourceDatasetId, exact("SourceDatasetId"), &Dataset::source_dataset_id);
  s->String(S::kEdition, exact("Edition"), &Dataset::edition);
  s->String(S::kProvider, exact("Provider"), &Dataset::provider);
  s->String(S::kName, {.name = "Name", .search = true, .sort = true}, &Dataset::name);

  using N = DatasetNumbers;
  const NumberField time{.zero_is_none = true, .sort = true};
  auto named = [](const char* name, NumberField f) {
    f.name = name;
    return f;
  };
  s->Number(N::kCreated, named("GmtCreateTime", time), &Dataset::created);
  s->Number(N::kModified, named("GmtModifiedTime", time), &Dataset::modified);
  s->Number(N::kAccessibility, {.name = "Accessibility", .bitmaps = true, .small = true},
            [](const Dataset& d) { return static_cast<int64_t>(d.accessibility); });
  s->Number(N::kVisibleToMembers, {.name = "VisibleToMembers", .bitmaps = true, .small = true},
            [](const Dataset& d) -> int64_t { return d.VisibleToMembers(); });
  s->Number(N::kShared, {.name = "Shared", .bitmaps = true, .small = true},
            [](const Dataset& d) -> int64_t {
              return std::any_of(d.shares.begin(), d.shares.end(), [](const core::DatasetShare& x) {
                return x.status == core::ShareStatus::kActive;
              });
            });
  s->Number(N::kShareExpiry, {.name = "ShareExpiry", .zero_is_none = true, .sort = true},
            [](const Dataset& d) { return d.NextShareExpiry(); });

  // Shares past their expiry are marked EXPIRED by the service before any
  // read (DatasetService::ExpireShares), so "active" here is the status.
  using W = DatasetWords;
  s->Words(W::kPlaces, {"Places", false}, [](const Dataset& d) {
    std::string words = PlaceWord(d.tenant_id, d.workspace_id);
    for (const core::DatasetShare& share : d.shares) {
      if (share.status == core::ShareStatus::kActive)
        words += " " + PlaceWord(share.tenant_id, share.workspace_id);
    }
    return words;
  });
  s->Words(W::kSharedInto, {"SharedInto", false}, [](const Dataset& d) {
    std::string words;
    for (const core::DatasetShare& share : d.shares) {
      if (share.status != core::ShareStatus::kActive) continue;
      words += PlaceWord(share.tenant_id, share.workspace_id) + " ";
      words += PlaceWord(share.tenant_id, "*") + " ";
    }
    return words;
  });
  s->TagsFrom([](const Dataset& d, index::SchemaOf<Dataset>::Tags& tags) {
    for (const core::Label& label : d.labels) tags.emplace_back(label.key, label.value);
  });  // Label: Query::tag_contains
  s->Created(N::kCreated);
  s->Access({.tenant = S::kTenant,
             .owner = S::kUserId,
             .workspace = S::kWorkspace,
             .visibility = N::kVisibleToMembers,
             .visible_to_members = 1,
             .shared_into = W::kSharedInto});
  s->Check();
  return s;
}

index::SchemaOf<DatasetVersion>* DeclareVersion() {
  auto* s = new index::SchemaOf<DatasetVersion>(
      "dataset-version", [](const DatasetVersion& v) -> uint64_t { return v.id; },
      [](const DatasetVersion& v) -> std::string_view { return v.public_id; });
  using S = VersionStrings;
  auto exact = [](const char* name) { return StringField{.name = name, .exact = true}; };
  s->String(S::kTenant, exact("TenantId"), &DatasetVersion::tenant_id);
  s->String(S::kUserId, exact("UserId"), &DatasetVersion::user_id);
  s->String(S::kProperty, exact("Property"), &DatasetVersion::property);
  s->String(S::kDataSourceType, exact("DataSourceType"), &DatasetVersion::data_source_type);
  s->String(S::kSourceType, exact("SourceType"), &DatasetVersion::source_type);
  s->String(S::kSourceId, exact("SourceId"), &DatasetVersion::source_id);
  s->String(S::kName, {.name = "VersionName", .search = true, .sort = true}, &DatasetVersion::name);

  using N = VersionNumbers;
  const NumberField time{.zero_is_none = true, .sort = true};
  auto named = [](const char* name, NumberField f) {
    f.name = name;
    return f;
  };
  s->Number(N::kCreated, named("GmtCreateTime", time), &DatasetVersion::created);
  s->Number(N::kModified, named("GmtModifiedTime", time), &DatasetVersion::modified);
  s->Number(N::kDataset, {.name = "Dataset", .bitmaps = true},
            [](const DatasetVersion& v) { return static_cast<int64_t>(v.dataset); });
  s->Number(N::kNumber, {.name = "VersionName", .sort = true}, &DatasetVersion::number);
  s->Number(N::kDataSize, {.name = "DataSize", .sort = true}, &DatasetVersion::data_size);
  s->Number(N::kDataCount, {.name = "DataCount", .sort = true}, &DatasetVersion::data_count);

  using W = VersionWords;
  s->Words(W::kLabelKeys, {"LabelKeys", false}, [](const DatasetVersion& v) {
    std::string words;
    for (const core::Label& label : v.labels) words += text::AsOneWord(label.key) + " ";
    return words;
  });
  s->Words(W::kLabelValues, {"LabelValues", false}, [](const DatasetVersion& v) {
    std::string words;
    for (const core::Label& label : v.labels) words += text::AsOneWord(label.value) + " ";
    return words;
  });
  s->Created(N::kCreated);
  s->Access({.tenant = S::kTenant, .owner = S::kUserId});
  s->Check();
  return s;
}

}  // namespace

const index::SchemaOf<Dataset>& DatasetSchema() {
  static const index::SchemaOf<Dataset>* schema = DeclareDataset();  // never destroyed
  return *schema;
}

const index::SchemaOf<DatasetVersion>& DatasetVersionSchema() {
  static const index::SchemaOf<DatasetVersion>* schema = DeclareVersion();  // never destroyed
  return *schema;
}

std::string PlaceWord(std::string_view tenant, std::string_view workspace) {
  return text::AsOneWord(core::ShareTarget(tenant, workspace));
}

}  // namespace drover::service
