#include "api/dataset/list_params.h"

#include <algorithm>
#include <span>

#include "api/http/params.h"
#include "core/dataset.h"
#include "core/error.h"
#include "service/dataset_schema.h"
#include "text/text.h"

namespace drover::api::dataset {

using index::FieldId;
using index::Query;
using index::SortBy;
using service::DatasetNumbers;
using service::DatasetStrings;
using service::DatasetWords;
using service::VersionNumbers;
using service::VersionStrings;
using service::VersionWords;

namespace {

// A comma list of enumerated values, each checked.
std::vector<std::string> EnumList(const Params& p, const std::string& name,
                                  std::span<const std::string_view> allowed) {
  std::vector<std::string> values = SplitList(*p.Get(name));
  for (const std::string& value : values) core::CheckOneOf(name, value, allowed);
  return values;
}

// The comma-list filters on an enumerated field: any of the values.
struct ListFilter {
  const char* param;
  FieldId field;
  std::span<const std::string_view> allowed;
};

// SortBy (one of `sorts`, the first by default), Order (ASC by default),
// PageNumber and PageSize.
void OrderAndPage(const Params& p, std::span<const std::pair<const char*, SortBy>> sorts,
                  Query& q) {
  q.sort = sorts.front().second;
  if (const std::string* sort = p.Get("SortBy")) {
    auto named =
        std::find_if(sorts.begin(), sorts.end(), [&](const auto& s) { return *sort == s.first; });
    if (named == sorts.end()) {
      std::string names;
      for (const auto& s : sorts) names += names.empty() ? s.first : std::string(", ") + s.first;
      core::ThrowInvalid("SortBy", "SortBy must be one of " + names + ", not \"" + *sort + "\".");
    }
    q.sort = named->second;
  }
  q.descending = ParseDescending(p, "ASC or DESC").value_or(false);
  Paging paging = ParsePaging(p, kDefaultPageSize, kMaxPageSize);
  q.offset = paging.offset;
  q.limit = paging.limit;
}

void CheckLength(const std::string& name, const std::string& value) {
  core::CheckLength(name, value, core::kMaxIdChars);
}

}  // namespace

Query ParseListDatasets(const std::map<std::string, std::string>& raw,
                        const service::Principal& who) {
  Params p(raw);
  Query q;
  const ListFilter lists[] = {
      {"Properties", DatasetStrings::kProperty, core::kDatasetProperties},
      {"DataSourceTypes", DatasetStrings::kDataSourceType, core::kDataSourceTypes},
      {"DataTypes", DatasetStrings::kDataType, core::kDataTypes},
      {"SourceTypes", DatasetStrings::kSourceType, core::kSourceTypes},
  };
  for (const ListFilter& filter : lists) {
    if (p.Get(filter.param)) q.exact[filter.field] = EnumList(p, filter.param, filter.allowed);
  }
  const std::pair<const char*, FieldId> exact[] = {
      {"SourceId", DatasetStrings::kSourceId},
      {"SourceDatasetId", DatasetStrings::kSourceDatasetId},
      {"Provider", DatasetStrings::kProvider},
  };
  for (const auto& [param, field] : exact) {
    if (const std::string* value = p.Get(param)) {
      CheckLength(param, *value);
      q.exact[field] = {*value};
    }
  }
  if (const std::string* edition = p.Get("Edition")) {
    core::CheckOneOf("Edition", *edition, core::kEditions);
    q.exact[DatasetStrings::kEdition] = {*edition};
  }
  if (const std::string* access = p.Get("Accessibility")) {
    core::CheckOneOf("Accessibility", *access, core::kDatasetAccessNames);
    for (size_t i = 0; i < std::size(core::kDatasetAccessNames); ++i) {
      if (*access == core::kDatasetAccessNames[i]) {
        q.values[DatasetNumbers::kAccessibility] = {static_cast<int64_t>(i)};
      }
    }
  }
  if (const std::string* ids = p.Get("DatasetIds")) {
    for (const std::string& id : SplitList(*ids)) q.public_ids.push_back(text::Fold(id));
  }
  if (const std::string* name = p.Get("Name")) {
    core::CheckLength("Name", *name, core::kMaxDatasetNameChars);
    q.name = {index::NameMatch::kWildcard, text::Fold(*name)};
  }
  if (const std::string* label = p.Get("Label")) {
    core::CheckLength("Label", *label, core::kMaxLabelChars);
    q.tag_contains = text::Fold(*label);
  }

  const std::string* workspace = p.Get("WorkspaceId");
  if (workspace) CheckLength("WorkspaceId", *workspace);
  std::string scope = p.Get("ShareScope") ? *p.Get("ShareScope") : "";
  if (scope == "TO_ME") {
    // Shared into the workspace (named, or the caller's default) from elsewhere.
    std::string into = workspace ? *workspace : who.default_workspace_id;
    q.words[DatasetWords::kSharedInto] = {service::PlaceWord(who.tenant_id, into)};
  } else if (scope == "BY_ME") {
    // The caller's side's datasets that are shared out.
    q.values[DatasetNumbers::kShared] = {1};
    q.exact[DatasetStrings::kTenant] = {who.tenant_id};
    if (workspace) q.exact[DatasetStrings::kWorkspace] = {*workspace};
  } else if (scope.empty()) {
    // Everything in the workspace, shared-in datasets too.
    if (workspace) q.words[DatasetWords::kPlaces] = {service::PlaceWord(who.tenant_id, *workspace)};
  } else {
    core::ThrowInvalid("ShareScope", "ShareScope must be TO_ME or BY_ME, or empty.");
  }

  const std::pair<const char*, SortBy> sorts[] = {
      {"GmtCreateTime", SortBy::Number(DatasetNumbers::kCreated)},
      {"GmtModifiedTime", SortBy::Number(DatasetNumbers::kModified)},
      {"Name", SortBy::String(DatasetStrings::kName)},
  };
  OrderAndPage(p, sorts, q);
  return q;
}

Query ParseListVersions(const std::map<std::string, std::string>& raw) {
  Params p(raw);
  Query q;
  if (p.Get("Properties")) {
    q.exact[VersionStrings::kProperty] = EnumList(p, "Properties", core::kDatasetProperties);
  }
  if (const std::string* types = p.Get("SourceTypes")) {
    std::vector<std::string> values;
    for (std::string value : SplitList(*types)) {
      if (value == "PAI-PUBLIC-DATASET") value = "PAI_PUBLIC_DATASET";  // as the docs write it
      core::CheckOneOf("SourceTypes", value, core::kSourceTypes);
      values.push_back(std::move(value));
    }
    q.exact[VersionStrings::kSourceType] = std::move(values);
  }
  if (const std::string* source = p.Get("SourceId")) {
    CheckLength("SourceId", *source);
    q.exact[VersionStrings::kSourceId] = {*source};
  }
  const std::pair<const char*, FieldId> labels[] = {{"LabelKeys", VersionWords::kLabelKeys},
                                                    {"LabelValues", VersionWords::kLabelValues}};
  for (const auto& [param, field] : labels) {
    if (const std::string* list = p.Get(param)) {
      for (const std::string& item : SplitList(*list)) {
        core::CheckLength(param, item, core::kMaxLabelChars);
        q.words[field].push_back(text::AsOneWord(item));
      }
    }
  }
  const std::pair<const char*, SortBy> sorts[] = {
      {"GmtCreateTime", SortBy::Number(VersionNumbers::kCreated)},
      {"GmtModifiedTime", SortBy::Number(VersionNumbers::kModified)},
      {"DataSize", SortBy::Number(VersionNumbers::kDataSize)},
      {"DataCount", SortBy::Number(VersionNumbers::kDataCount)},
      {"VersionName", SortBy::Number(VersionNumbers::kNumber)},
  };
  OrderAndPage(p, sorts, q);
  return q;
}

}  // namespace drover::api::dataset
