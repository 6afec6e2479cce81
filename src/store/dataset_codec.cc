#include "store/dataset_codec.h"

#include "store/document.h"

namespace drover::store {

using core::Dataset;
using core::DatasetVersion;

template <>
struct Fields<core::Label> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("k", r.key);
    f("v", r.value);
  }
};

template <>
struct Fields<core::DatasetShare> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("tenant", r.tenant_id);
    f("workspace", r.workspace_id);
    f("levels", r.mount_levels);
    f("secure", r.secure_mode);
    f("extra", r.extra);
    f("at", r.shared_at);
    f("expires", r.expires_at);
    f("status", r.status);
  }
};

template <>
struct Fields<Dataset> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("public_id", r.public_id);
    f("tenant", r.tenant_id);
    f("workspace", r.workspace_id);
    f("user_id", r.user_id);
    f("username", r.username);
    f("name", r.name);
    f("description", r.description);
    f("property", r.property);
    f("source_kind", r.data_source_type);
    f("data_type", r.data_type);
    f("source_type", r.source_type);
    f("source_id", r.source_id);
    f("uri", r.uri);
    f("options", r.options);
    f("import_info", r.import_info);
    f("edition", r.edition);
    f("provider_type", r.provider_type);
    f("provider", r.provider);
    f("access", r.accessibility);
    f("access_roles", r.accessible_roles);
    f("mount_access", r.mount_access);
    f("mount_rw_roles", r.mount_rw_roles);
    f("labels", r.labels);
    f("source_dataset", r.source_dataset_id);
    f("source_dataset_version", r.source_dataset_version);
    f("tag_template", r.tag_template_type);
    f("shares", r.shares);
    f("created", r.created);
    f("modified", r.modified);
    f("versions", r.version_count);
    f("last_version", r.last_version_number);
    f("latest", r.latest_version);
  }
};

template <>
struct Fields<DatasetVersion> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("public_id", r.public_id);
    f("dataset", r.dataset);
    f("dataset_id", r.dataset_id);
    f("tenant", r.tenant_id);
    f("workspace", r.workspace_id);
    f("user_id", r.user_id);
    f("name", r.name);
    f("number", r.number);
    f("property", r.property);
    f("source_kind", r.data_source_type);
    f("uri", r.uri);
    f("source_type", r.source_type);
    f("source_id", r.source_id);
    f("mount_access", r.mount_access);
    f("options", r.options);
    f("import_info", r.import_info);
    f("description", r.description);
    f("count", r.data_count);
    f("size", r.data_size);
    f("labels", r.labels);
    f("created", r.created);
    f("modified", r.modified);
  }
};

std::string EncodeDataset(const Dataset& dataset) { return EncodeDocument(dataset, 512); }
Dataset DecodeDataset(std::string_view document) {
  return DecodeDocument<Dataset>(document, "dataset");
}

std::string EncodeDatasetVersion(const DatasetVersion& version) {
  return EncodeDocument(version, 384);
}
DatasetVersion DecodeDatasetVersion(std::string_view document) {
  return DecodeDocument<DatasetVersion>(document, "dataset version");
}

}  // namespace drover::store
