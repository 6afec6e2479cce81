#include "api/dataset/dataset_json.h"

#include <boost/json.hpp>

#include "api/http/params.h"
#include "core/error.h"

namespace drover::api::dataset {

namespace json = boost::json;
using core::Dataset;
using core::DatasetVersion;

namespace {

// ==== Parsing ===============================================================

std::string Required(const Fields& f, const std::string& name) {
  std::optional<std::string> value = f.String(name);
  if (!value || value->empty()) core::ThrowMissing(f.Name(name));
  return *value;
}

// An enumerated field: absent or empty is `fallback`; otherwise one of
// `allowed`, compared as the vendor spells it.
std::string OneOf(const Fields& f, const std::string& name,
                  std::span<const std::string_view> allowed, std::string_view fallback) {
  std::optional<std::string> value = f.String(name);
  if (!value || value->empty()) return std::string(fallback);
  core::CheckOneOf(f.Name(name), *value, allowed);
  return *value;
}

// SourceType: the version API's docs write PAI-PUBLIC-DATASET.
std::string SourceType(const Fields& f) {
  std::optional<std::string> value = f.String("SourceType");
  if (value && *value == "PAI-PUBLIC-DATASET") return "PAI_PUBLIC_DATASET";
  return OneOf(f, "SourceType", core::kSourceTypes, "USER");
}

std::vector<std::string> StringList(const Fields& f, const std::string& name) {
  std::vector<std::string> out;
  const json::array* items = f.Array(name);
  if (!items) return out;
  for (size_t i = 0; i < items->size(); ++i) {
    const json::value& item = (*items)[i];
    if (!item.is_string()) {
      core::ThrowInvalid(f.Name(name), f.Name(name) + " must be a list of strings.");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

std::vector<core::Label> Labels(const Fields& f, const std::string& name) {
  std::vector<core::Label> labels;
  const json::array* items = f.Array(name);
  if (!items) return labels;
  for (size_t i = 0; i < items->size(); ++i) {
    std::string at = f.Name(name) + "[" + std::to_string(i) + "]";
    const json::value& item = (*items)[i];
    if (!item.is_object()) core::ThrowInvalid(at, at + " must be an object {Key, Value}.");
    Fields label(item.as_object(), at + ".");
    labels.push_back({Required(label, "Key"), label.String("Value").value_or("")});
  }
  return labels;
}

core::DatasetAccess Accessibility(const std::string& text) {
  for (size_t i = 0; i < std::size(core::kDatasetAccessNames); ++i) {
    if (text == core::kDatasetAccessNames[i]) return static_cast<core::DatasetAccess>(i);
  }
  core::CheckOneOf("Accessibility", text, core::kDatasetAccessNames);
  return core::DatasetAccess::kPrivate;  // not reached: CheckOneOf threw
}

int64_t NonNegative(const Fields& f, const std::string& name) {
  int64_t value = f.Int(name).value_or(0);
  if (value < 0) core::ThrowInvalid(f.Name(name), f.Name(name) + " must not be negative.");
  return value;
}

core::TimeMs Time(const Fields& f, const std::string& name) {
  std::optional<std::string> text = f.String(name);
  if (!text || text->empty()) return 0;
  std::optional<core::TimeMs> t = core::ParseIso8601(*text);
  if (!t) {
    core::ThrowInvalid(f.Name(name),
                       f.Name(name) + " must be an ISO 8601 time such as 2026-08-27T12:23:58Z.");
  }
  return *t;
}

std::vector<core::DatasetShare> Shares(const Fields& body) {
  std::vector<core::DatasetShare> shares;
  const json::object* config = body.Object("SharingConfig");
  if (!config) return shares;
  Fields f(*config, "SharingConfig.");
  const json::array* items = f.Array("SharedTo");
  if (!items) return shares;
  for (size_t i = 0; i < items->size(); ++i) {
    std::string at = "SharingConfig.SharedTo[" + std::to_string(i) + "]";
    if (!(*items)[i].is_object()) core::ThrowInvalid(at, at + " must be an object.");
    Fields s((*items)[i].as_object(), at + ".");
    core::DatasetShare share;
    share.tenant_id = s.String("TenantId").value_or("");
    share.workspace_id = Required(s, "WorkspaceId");
    if (s.Array("AllowedMountAccessLevels")) {
      share.mount_levels = StringList(s, "AllowedMountAccessLevels");
    }
    share.secure_mode = s.Bool("IsSecureMode").value_or(false);
    share.extra = s.String("Extra").value_or("");
    share.expires_at = Time(s, "ExpiresAt");
    std::optional<std::string> status = s.String("Status");
    if (status && !status->empty()) {
      core::CheckOneOf(s.Name("Status"), *status, core::kShareStatusNames);
      if (*status == "REVOKED") share.status = core::ShareStatus::kRevoked;
    }
    shares.push_back(std::move(share));
  }
  return shares;
}

// ==== Rendering =============================================================

void WriteTime(JsonWriter& w, std::string_view key, core::TimeMs t, bool millis) {
  char buf[32];
  w.Key(key);
  if (t == 0) {
    w.Null();
  } else {
    w.String(core::FormatIso8601(t, millis, buf));
  }
}

void WriteLabels(JsonWriter& w, const std::vector<core::Label>& labels) {
  w.Key("Labels").BeginArray();
  for (const core::Label& label : labels) {
    w.BeginObject().Member("Key", label.key).Member("Value", label.value).EndObject();
  }
  w.EndArray();
}

void WriteStrings(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.Key(key).BeginArray();
  for (const std::string& item : items) w.String(item);
  w.EndArray();
}

void WriteShare(JsonWriter& w, const Dataset& d, const core::DatasetShare& share,
                core::TimeMs now) {
  core::ShareStatus status = share.status;
  if (status == core::ShareStatus::kActive && !share.ActiveAt(now)) {
    status = core::ShareStatus::kExpired;
  }
  w.BeginObject();
  w.Member("Status", core::kShareStatusNames[static_cast<size_t>(status)]);
  w.Member("SourceTenantId", d.tenant_id);
  w.Member("SourceWorkspaceId", d.workspace_id);
  w.Member("TenantId", share.tenant_id);
  w.Member("WorkspaceId", share.workspace_id);
  WriteStrings(w, "AllowedMountAccessLevels", share.mount_levels);
  w.Member("IsSecureMode", share.secure_mode);
  if (!share.extra.empty()) w.Member("Extra", share.extra);
  WriteTime(w, "SharedAt", share.shared_at, false);
  if (share.expires_at != 0) WriteTime(w, "ExpiresAt", share.expires_at, false);
  w.EndObject();
}

}  // namespace

json::object ParseBody(std::string_view body) {
  if (body.size() > kMaxBodyBytes) {
    core::ThrowInvalid("Body", "The request body is " + std::to_string(body.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxBodyBytes) +
                                   " bytes.");
  }
  return ParseJsonObject(body, "Body");
}

NewDataset ParseCreateDataset(std::string_view body) {
  json::object o = ParseBody(body);
  Fields f(o);
  NewDataset out;
  Dataset& d = out.dataset;
  DatasetVersion& v = out.first;
  d.name = Required(f, "Name");
  v.property = Required(f, "Property");
  v.data_source_type = Required(f, "DataSourceType");
  v.uri = Required(f, "Uri");
  core::CheckOneOf("Property", v.property, core::kDatasetProperties);
  core::CheckOneOf("DataSourceType", v.data_source_type, core::kDataSourceTypes);
  v.source_type = SourceType(f);
  v.source_id = f.String("SourceId").value_or("");
  v.options = f.String("Options").value_or("");
  v.import_info = f.String("ImportInfo").value_or("");
  v.description = f.String("VersionDescription").value_or("");
  v.labels = Labels(f, "VersionLabels");
  v.data_count = NonNegative(f, "DataCount");
  v.data_size = NonNegative(f, "DataSize");

  d.workspace_id = f.String("WorkspaceId").value_or("");
  d.description = f.String("Description").value_or("");
  d.data_type = OneOf(f, "DataType", core::kDataTypes, "COMMON");
  d.import_info = v.import_info;
  d.edition = OneOf(f, "Edition", core::kEditions, "BASIC");
  d.provider_type = f.String("ProviderType").value_or("Ecs");
  if (d.provider_type == "ECS") d.provider_type = "Ecs";  // the docs write both
  core::CheckOneOf("ProviderType", d.provider_type, core::kProviderTypes);
  d.provider = f.String("Provider").value_or("");
  if (std::optional<std::string> a = f.String("Accessibility"); a && !a->empty()) {
    d.accessibility = Accessibility(*a);
  }
  d.accessible_roles = StringList(f, "AccessibleRoleIdList");
  d.mount_access = OneOf(f, "MountAccess", core::kMountAccesses, "RW");
  v.mount_access = d.mount_access;
  d.mount_rw_roles = StringList(f, "MountAccessReadWriteRoleIdList");
  d.labels = Labels(f, "Labels");
  d.source_dataset_id = f.String("SourceDatasetId").value_or("");
  d.source_dataset_version = f.String("SourceDatasetVersion").value_or("");
  d.tag_template_type = f.String("TagTemplateType").value_or("");
  d.shares = Shares(f);
  return out;
}

service::DatasetUpdate ParseUpdateDataset(std::string_view body) {
  json::object o = ParseBody(body);
  Fields f(o);
  service::DatasetUpdate u;
  if (std::optional<std::string> name = f.String("Name"); name && !name->empty()) u.name = name;
  u.description = f.String("Description");
  if (std::optional<std::string> a = f.String("Accessibility"); a && !a->empty()) {
    u.accessibility = Accessibility(*a);
  }
  if (f.Array("AccessibleRoleIdList")) u.accessible_roles = StringList(f, "AccessibleRoleIdList");
  if (f.Array("MountAccessReadWriteRoleIdList")) {
    u.mount_rw_roles = StringList(f, "MountAccessReadWriteRoleIdList");
  }
  if (std::optional<std::string> e = f.String("Edition"); e && !e->empty()) u.edition = e;
  u.options = f.String("Options");
  if (f.Object("SharingConfig")) u.shares = Shares(f);
  return u;
}

DatasetVersion ParseCreateVersion(std::string_view body) {
  json::object o = ParseBody(body);
  Fields f(o);
  DatasetVersion v;
  v.data_source_type = Required(f, "DataSourceType");
  v.property = Required(f, "Property");
  v.uri = Required(f, "Uri");
  core::CheckOneOf("DataSourceType", v.data_source_type, core::kDataSourceTypes);
  core::CheckOneOf("Property", v.property, core::kDatasetProperties);
  v.data_count = NonNegative(f, "DataCount");
  v.data_size = NonNegative(f, "DataSize");
  v.description = f.String("Description").value_or("");
  v.import_info = f.String("ImportInfo").value_or("");
  v.labels = Labels(f, "Labels");
  v.options = f.String("Options").value_or("");
  v.source_id = f.String("SourceId").value_or("");
  v.source_type = SourceType(f);
  v.mount_access = OneOf(f, "MountAccess", core::kMountAccesses, "RW");
  return v;
}

service::VersionUpdate ParseUpdateVersion(std::string_view body) {
  json::object o = ParseBody(body);
  Fields f(o);
  service::VersionUpdate u;
  if (f.Int("DataCount")) u.data_count = NonNegative(f, "DataCount");
  if (f.Int("DataSize")) u.data_size = NonNegative(f, "DataSize");
  u.description = f.String("Description");
  u.options = f.String("Options");
  return u;
}

std::vector<core::Label> ParseLabelsBody(std::string_view body) {
  json::object o = ParseBody(body);
  Fields f(o);
  if (!f.Array("Labels")) core::ThrowMissing("Labels");
  std::vector<core::Label> labels = Labels(f, "Labels");
  if (labels.empty()) core::ThrowInvalid("Labels", "Labels must hold at least one label.");
  return labels;
}

std::vector<std::string> ParseKeys(const std::string* list, const std::string& param) {
  if (!list || list->empty()) core::ThrowMissing(param);
  std::vector<std::string> keys = SplitList(*list);
  if (keys.empty()) core::ThrowMissing(param);
  return keys;
}

void WriteVersion(JsonWriter& w, const DatasetVersion& v) {
  w.Member("VersionName", v.name);
  WriteTime(w, "GmtCreateTime", v.created, true);
  WriteTime(w, "GmtModifiedTime", v.modified, true);
  w.Member("Property", v.property);
  w.Member("DataSourceType", v.data_source_type);
  w.Member("Uri", v.uri);
  WriteLabels(w, v.labels);
  w.Member("Options", v.options);
  w.Member("SourceType", v.source_type);
  w.Member("Description", v.description);
  w.Member("SourceId", v.source_id);
  w.Member("DataCount", v.data_count);
  w.Member("DataSize", v.data_size);
  w.Member("MountAccess", v.mount_access);
  w.Member("ImportInfo", v.import_info);
}

void WriteDataset(JsonWriter& w, const Dataset& d, const std::optional<DatasetVersion>& latest,
                  const Viewed& viewed) {
  w.Member("DatasetId", d.public_id);
  w.Member("Name", d.name);
  w.Member("Description", d.description);
  WriteTime(w, "GmtCreateTime", d.created, true);
  WriteTime(w, "GmtModifiedTime", d.modified, true);
  w.Member("UserId", d.user_id);
  w.Member("OwnerId", d.tenant_id);
  w.Member("Property", d.property);
  w.Member("DataSourceType", d.data_source_type);
  w.Member("Uri", d.uri);
  WriteLabels(w, d.labels);
  w.Member("DataType", d.data_type);
  w.Member("SourceType", d.source_type);
  w.Member("SourceId", d.source_id);
  w.Member("WorkspaceId", d.workspace_id);
  w.Member("Options", d.options);
  w.Member("Accessibility", core::kDatasetAccessNames[static_cast<size_t>(d.accessibility)]);
  WriteStrings(w, "AccessibleRoleIdList", d.accessible_roles);
  w.Member("ProviderType", d.provider_type);
  w.Member("Provider", d.provider);
  w.Member("SourceDatasetId", d.source_dataset_id);
  w.Member("SourceDatasetVersion", d.source_dataset_version);
  w.Member("TagTemplateType", d.tag_template_type);
  if (latest) {
    w.Key("LatestVersion").BeginObject();
    WriteVersion(w, *latest);
    w.EndObject();
  }
  // Through a share, data mounts read-write only where the share allows it.
  bool read_only = viewed.shared_from && !viewed.shared_from->AllowsReadWrite();
  w.Member("MountAccess", read_only ? std::string("RO") : d.mount_access);
  WriteStrings(w, "MountAccessReadWriteRoleIdList", d.mount_rw_roles);
  w.Member("ImportInfo", d.import_info);
  w.Member("Edition", d.edition);
  w.Member("IsShared", viewed.shared_from != nullptr);
  if (viewed.shared_from) {
    w.Key("SharedFrom");
    WriteShare(w, d, *viewed.shared_from, viewed.now);
  } else {
    // Only its own side sees where it is shared.
    w.Key("SharingConfig").BeginObject().Key("SharedTo").BeginArray();
    for (const core::DatasetShare& share : d.shares) WriteShare(w, d, share, viewed.now);
    w.EndArray().EndObject();
  }
}

}  // namespace drover::api::dataset
