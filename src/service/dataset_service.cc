#include "service/dataset_service.h"

#include <algorithm>

#include "core/error.h"
#include "core/ids.h"
#include "core/json_reader.h"
#include "service/dataset_schema.h"
#include "service/load_index.h"
#include "store/dataset_codec.h"
#include "text/text.h"

namespace drover::service {

using core::Dataset;
using core::DatasetVersion;
using core::Error;
using core::ErrorCode;

namespace {

[[noreturn]] void ThrowNoDataset(std::string_view id) {
  throw Error(ErrorCode::kNotFound, "The dataset " + std::string(id) + " does not exist.",
              "dataset_id");
}

[[noreturn]] void ThrowNoVersion(const Dataset& dataset, std::string_view name) {
  throw Error(ErrorCode::kNotFound,
              "The dataset " + dataset.public_id + " has no version " + std::string(name) + ".",
              "version_name");
}

void RemoveKeys(std::vector<core::Label>& labels, const std::vector<std::string>& keys) {
  std::erase_if(labels, [&](const core::Label& label) {
    return std::find(keys.begin(), keys.end(), label.key) != keys.end();
  });
}

void CheckVersionAgainst(const Dataset& dataset, const DatasetVersion& version) {
  if (version.data_source_type != dataset.data_source_type) {
    core::ThrowInvalidField("data_source_type",
                            " must be the dataset's, " + dataset.data_source_type + ".");
  }
}

}  // namespace

DatasetService::DatasetService(store::Store& store, index::RecordIndex& datasets,
                               index::RecordIndex& versions, const StorageMap& storage,
                               const core::Clock& clock)
    : store_(store),
      datasets_(datasets),
      versions_(versions),
      writer_(store),
      storage_(storage),
      clock_(clock),
      id_key_(store.InstallationKey()),
      last_dataset_(store::MaxNumber<Dataset>(store)),
      last_version_(store::MaxNumber<DatasetVersion>(store)) {
  writer_.Follow(DatasetSchema(), datasets_);
  writer_.Follow(DatasetVersionSchema(), versions_);
  LoadIndex(store_, datasets_, DatasetSchema());
  LoadIndex(store_, versions_, DatasetVersionSchema());
  core::TimeMs earliest = EarliestShareExpiry();
  if (earliest != 0) next_expiry_ = earliest;
}

// ---- datasets ---------------------------------------------------------------

Dataset DatasetService::Create(const Principal& who, Dataset draft, DatasetVersion first) {
  if (draft.provider == "pai") {
    core::ThrowInvalidField("provider", " must not be pai: PAI's public datasets are its own.");
  }
  if (draft.workspace_id.empty()) draft.workspace_id = who.default_workspace_id;
  if (draft.workspace_id.empty()) {
    core::ThrowInvalid("workspace",
                       "WorkspaceId is required: the caller has no default workspace.");
  }
  if (!who.admin && !who.workspaces.count(draft.workspace_id)) {
    throw Error(ErrorCode::kPermissionDenied,
                "You are not a member of workspace " + draft.workspace_id + ".", "workspace");
  }
  draft.property = first.property;
  draft.data_source_type = first.data_source_type;
  draft.uri = first.uri;
  draft.source_type = first.source_type;
  draft.source_id = first.source_id;
  draft.options = first.options;
  core::CheckDatasetVersion(first);
  core::CheckDataset(draft);
  core::TimeMs now = clock_.Now();
  for (core::DatasetShare& share : draft.shares) {
    if (share.tenant_id.empty()) share.tenant_id = who.tenant_id;
    share.shared_at = now;
    share.status = core::ShareStatus::kActive;
  }
  core::CheckShares(draft.shares, who.tenant_id, draft.workspace_id);
  storage_.ResolveExisting(first.uri, first.data_source_type, first.property);

  std::unique_lock lock(write_mu_);
  CheckNameFree(who.tenant_id, draft.workspace_id, draft.name, 0);
  Dataset dataset = std::move(draft);
  dataset.id = last_dataset_ + 1;
  dataset.public_id = core::DatasetPublicId(dataset.id, id_key_);
  dataset.tenant_id = who.tenant_id;
  dataset.user_id = who.user_id;
  dataset.username = who.username;
  dataset.created = dataset.modified = now;

  DatasetVersion version = std::move(first);
  version.id = last_version_ + 1;
  version.number = 1;
  version.name = "v1";
  version.public_id = dataset.public_id + "/v1";
  version.dataset = dataset.id;
  version.dataset_id = dataset.public_id;
  version.tenant_id = dataset.tenant_id;
  version.workspace_id = dataset.workspace_id;
  version.user_id = dataset.user_id;
  version.created = version.modified = dataset.created;

  dataset.version_count = dataset.last_version_number = 1;
  dataset.latest_version = version.id;

  RecordWriter::Batch batch(writer_);
  batch.Put(dataset);
  batch.Put(version);
  store::Revision revision = writer_.Commit(batch);
  last_dataset_ = dataset.id;
  last_version_ = version.id;
  NoteExpiry(dataset);
  lock.unlock();
  writer_.Acknowledge(revision);
  return dataset;
}

Dataset DatasetService::Get(const Principal& who, std::string_view dataset_id) {
  ExpireShares();
  return Find(who, dataset_id);
}

Dataset DatasetService::Find(const Principal& who, std::string_view dataset_id) {
  std::optional<Dataset> dataset = store::Find<Dataset>(store_, dataset_id);
  if (!dataset || !core::CanSee(who.AsViewer(), *dataset, clock_.Now())) {
    ThrowNoDataset(dataset_id);
  }
  return std::move(*dataset);
}

std::optional<DatasetVersion> DatasetService::Latest(const Dataset& dataset) {
  return store::Get<DatasetVersion>(store_, dataset.latest_version);
}

std::vector<std::optional<DatasetVersion>> DatasetService::Latest(
    const std::vector<Dataset>& datasets) {
  std::vector<uint64_t> numbers;
  numbers.reserve(datasets.size());
  for (const Dataset& d : datasets) numbers.push_back(d.latest_version);
  std::vector<DatasetVersion> found = store::GetMany<DatasetVersion>(store_, numbers);
  std::vector<std::optional<DatasetVersion>> out(datasets.size());
  for (DatasetVersion& version : found) {
    for (size_t i = 0; i < datasets.size(); ++i) {
      if (datasets[i].latest_version == version.id && !out[i]) {
        out[i] = std::move(version);
        break;
      }
    }
  }
  return out;
}

DatasetList DatasetService::List(const Principal& who, index::Query query) {
  ExpireShares();
  query.viewer = who.AsViewer();  // its tenant's, and what is shared into its places
  if (query.now == 0) query.now = clock_.Now();
  index::Page page = datasets_.Search(query);
  DatasetList list;
  list.total = page.total;
  list.datasets = store::GetMany<Dataset>(store_, page.ids);  // a dataset deleted since is left out
  return list;
}

void DatasetService::Update(const Principal& who, std::string_view dataset_id,
                            const DatasetUpdate& update) {
  std::unique_lock lock(write_mu_);
  Dataset dataset = GetForChange(who, dataset_id);
  if (update.name && *update.name != dataset.name) {
    core::CheckDatasetName(*update.name);
    CheckNameFree(dataset.tenant_id, dataset.workspace_id, *update.name, dataset.id);
    dataset.name = *update.name;
  }
  if (update.description) dataset.description = *update.description;
  if (update.accessibility) dataset.accessibility = *update.accessibility;
  if (update.accessible_roles) dataset.accessible_roles = *update.accessible_roles;
  if (update.mount_rw_roles) dataset.mount_rw_roles = *update.mount_rw_roles;
  if (update.edition && *update.edition != dataset.edition) {
    core::CheckOneOf("edition", *update.edition, core::kEditions);
    if (dataset.edition != "BASIC" || *update.edition != "ADVANCED") {
      core::ThrowInvalidField("edition", " may only be upgraded from BASIC to ADVANCED, not from " +
                                             dataset.edition + " to " + *update.edition + ".");
    }
    dataset.edition = *update.edition;
  }
  if (update.options) {
    core::CheckJsonObjectText("options", *update.options);
    dataset.options = *update.options;
  }
  core::TimeMs now = clock_.Now();
  if (update.shares) {
    std::vector<core::DatasetShare> shares = *update.shares;
    for (core::DatasetShare& share : shares) {
      if (share.tenant_id.empty()) share.tenant_id = dataset.tenant_id;
      auto same = std::find_if(dataset.shares.begin(), dataset.shares.end(), [&](const auto& old) {
        return old.tenant_id == share.tenant_id && old.workspace_id == share.workspace_id;
      });
      bool renewed = same == dataset.shares.end() || same->status != core::ShareStatus::kActive;
      share.shared_at = renewed ? now : same->shared_at;
      if (share.status != core::ShareStatus::kRevoked) share.status = core::ShareStatus::kActive;
    }
    for (const core::DatasetShare& old : dataset.shares) {  // left out: revoked
      bool kept = std::any_of(shares.begin(), shares.end(), [&](const auto& share) {
        return old.tenant_id == share.tenant_id && old.workspace_id == share.workspace_id;
      });
      if (kept) continue;
      core::DatasetShare revoked = old;
      if (revoked.status == core::ShareStatus::kActive)
        revoked.status = core::ShareStatus::kRevoked;
      shares.push_back(std::move(revoked));
    }
    core::CheckShares(shares, dataset.tenant_id, dataset.workspace_id);
    dataset.shares = std::move(shares);
  }
  core::CheckDataset(dataset);
  dataset.modified = now;
  RecordWriter::Batch batch(writer_);
  batch.Put(dataset);
  NoteExpiry(dataset);
  Finish(batch, lock);
}

void DatasetService::Delete(const Principal& who, std::string_view dataset_id) {
  std::unique_lock lock(write_mu_);
  Dataset dataset = GetForChange(who, dataset_id);
  index::Query all;
  all.values[VersionNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
  all.limit = INT32_MAX;
  RecordWriter::Batch batch(writer_);
  for (uint64_t version : versions_.Search(all).ids) batch.Delete<DatasetVersion>(version);
  batch.Delete<Dataset>(dataset.id);
  Finish(batch, lock);
}

void DatasetService::AddLabels(const Principal& who, std::string_view dataset_id,
                               const std::vector<core::Label>& labels) {
  std::unique_lock lock(write_mu_);
  Dataset dataset = GetForChange(who, dataset_id);
  core::CheckLabels("labels", labels);
  core::MergeLabels(dataset.labels, labels);
  core::CheckLabels("labels", dataset.labels);
  dataset.modified = clock_.Now();
  RecordWriter::Batch batch(writer_);
  batch.Put(dataset);
  Finish(batch, lock);
}

void DatasetService::RemoveLabels(const Principal& who, std::string_view dataset_id,
                                  const std::vector<std::string>& keys) {
  std::unique_lock lock(write_mu_);
  Dataset dataset = GetForChange(who, dataset_id);
  RemoveKeys(dataset.labels, keys);
  dataset.modified = clock_.Now();
  RecordWriter::Batch batch(writer_);
  batch.Put(dataset);
  Finish(batch, lock);
}

// ---- versions -------------------------------------------------------------

DatasetVersion DatasetService::CreateVersion(const Principal& who, std::string_view dataset_id,
                                             DatasetVersion draft) {
  core::CheckDatasetVersion(draft);
  std::unique_lock lock(write_mu_);
  Dataset dataset = GetForChange(who, dataset_id);
  CheckVersionAgainst(dataset, draft);
  storage_.ResolveExisting(draft.uri, draft.data_source_type, draft.property);
  DatasetVersion version = std::move(draft);
  version.id = last_version_ + 1;
  version.number = dataset.last_version_number + 1;
  version.name = "v" + std::to_string(version.number);
  version.public_id = dataset.public_id + "/" + version.name;
  version.dataset = dataset.id;
  version.dataset_id = dataset.public_id;
  version.tenant_id = dataset.tenant_id;
  version.workspace_id = dataset.workspace_id;
  version.user_id = dataset.user_id;
  version.created = version.modified = clock_.Now();
  dataset.last_version_number = version.number;
  dataset.version_count += 1;
  dataset.latest_version = version.id;
  dataset.modified = version.created;
  RecordWriter::Batch batch(writer_);
  batch.Put(dataset);
  batch.Put(version);
  last_version_ = version.id;
  Finish(batch, lock);
  return version;
}

DatasetVersion DatasetService::GetVersion(const Principal& who, std::string_view dataset_id,
                                          std::string_view version_name) {
  return GetVersionOf(Get(who, dataset_id), version_name);
}

VersionList DatasetService::ListVersions(const Principal& who, std::string_view dataset_id,
                                         index::Query query) {
  Dataset dataset = Get(who, dataset_id);
  query.values[VersionNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
  if (query.now == 0) query.now = clock_.Now();
  index::Page page = versions_.Search(query);
  VersionList list;
  list.total = page.total;
  list.versions = store::GetMany<DatasetVersion>(store_, page.ids);
  return list;
}

void DatasetService::UpdateVersion(const Principal& who, std::string_view dataset_id,
                                   std::string_view version_name, const VersionUpdate& update) {
  std::unique_lock lock(write_mu_);
  Dataset dataset = GetForChange(who, dataset_id);
  DatasetVersion version = GetVersionOf(dataset, version_name);
  if (update.data_count) version.data_count = *update.data_count;
  if (update.data_size) version.data_size = *update.data_size;
  if (update.description) version.description = *update.description;
  if (update.options) version.options = *update.options;
  core::CheckDatasetVersion(version);
  version.modified = clock_.Now();
  RecordWriter::Batch batch(writer_);
  batch.Put(version);
  Finish(batch, lock);
}

void DatasetService::DeleteVersion(const Principal& who, std::string_view dataset_id,
                                   std::string_view version_name) {
  std::unique_lock lock(write_mu_);
  Dataset dataset = GetForChange(who, dataset_id);
  DatasetVersion version = GetVersionOf(dataset, version_name);
  if (dataset.version_count <= 1) {
    throw Error(ErrorCode::kFailedPrecondition,
                "The version " + version.name + " is the only version of dataset " +
                    dataset.public_id + "; delete the dataset instead.",
                "version_name");
  }
  dataset.version_count -= 1;
  if (dataset.latest_version == version.id) {
    dataset.latest_version = NewestVersion(dataset, version.id);
  }
  dataset.modified = clock_.Now();
  RecordWriter::Batch batch(writer_);
  batch.Delete<DatasetVersion>(version.id);
  batch.Put(dataset);
  Finish(batch, lock);
}

void DatasetService::AddVersionLabels(const Principal& who, std::string_view dataset_id,
                                      std::string_view version_name,
                                      const std::vector<core::Label>& labels) {
  std::unique_lock lock(write_mu_);
  DatasetVersion version = GetVersionOf(GetForChange(who, dataset_id), version_name);
  core::CheckLabels("labels", labels);
  core::MergeLabels(version.labels, labels);
  core::CheckLabels("labels", version.labels);
  version.modified = clock_.Now();
  RecordWriter::Batch batch(writer_);
  batch.Put(version);
  Finish(batch, lock);
}

void DatasetService::RemoveVersionLabels(const Principal& who, std::string_view dataset_id,
                                         std::string_view version_name,
                                         const std::vector<std::string>& keys) {
  std::unique_lock lock(write_mu_);
  DatasetVersion version = GetVersionOf(GetForChange(who, dataset_id), version_name);
  RemoveKeys(version.labels, keys);
  version.modified = clock_.Now();
  RecordWriter::Batch batch(writer_);
  batch.Put(version);
  Finish(batch, lock);
}

// ---- data sources of training jobs -------------------------------------------

namespace {

// The mountPath of a version's Options (JSON text), or "".
std::string OptionsMountPath(std::string_view options) {
  if (options.empty()) return "";
  try {
    core::JsonReader r(options);
    r.BeginObject();
    for (std::string_view key; r.NextKey(key);) {
      if (key == "mountPath" && r.Peek() == core::JsonReader::Kind::kString) return r.String();
      r.Skip();
    }
  } catch (const core::JsonReader::Error&) {
    return "";
  }
  return "";
}

bool MayWrite(const core::Viewer& viewer, const Dataset& dataset,
              const core::DatasetShare* through) {
  if (dataset.mount_access != "RW") return false;
  if (through) return through->AllowsReadWrite();
  if (viewer.tenant_admin || dataset.user_id == viewer.user ||
      viewer.IsWorkspaceAdmin(dataset.workspace_id)) {
    return true;
  }
  const std::vector<std::string>& roles = dataset.mount_rw_roles;
  return std::find(roles.begin(), roles.end(), "*") != roles.end() ||
         std::find(roles.begin(), roles.end(), core::kMemberRoleId) != roles.end();
}

}  // namespace

core::DataMount DatasetService::Resolve(const Principal& who, const core::DataMount& wanted,
                                        const std::string& at) {
  core::DataMount mount = wanted;
  bool may_write = true;
  if (!wanted.dataset_id.empty()) {
    ExpireShares();
    std::optional<Dataset> dataset = store::Find<Dataset>(store_, wanted.dataset_id);
    core::Viewer viewer = who.AsViewer();
    if (!dataset || !core::CanSee(viewer, *dataset, clock_.Now())) {
      throw Error(ErrorCode::kNotFound, "The dataset " + wanted.dataset_id + " does not exist.",
                  at + ".dataset_id");
    }
    DatasetVersion version;
    if (wanted.version.empty()) {
      std::optional<DatasetVersion> latest = Latest(*dataset);
      if (!latest) ThrowNoVersion(*dataset, "(latest)");
      version = std::move(*latest);
    } else {
      version = GetVersionOf(*dataset, wanted.version);
    }
    mount.version = version.name;
    mount.uri = version.uri;
    mount.data_source_type = version.data_source_type;
    mount.property = version.property;
    if (mount.mount_path.empty()) mount.mount_path = OptionsMountPath(version.options);
    may_write = MayWrite(viewer, *dataset, core::SharedTo(viewer, *dataset, clock_.Now()));
  } else {
    if (mount.uri.empty()) core::ThrowMissing(at + ".dataset_id");
    // A bare URI: a file system of this machine, as NAS data.
    if (mount.data_source_type.empty()) mount.data_source_type = "NAS";
    if (mount.property.empty()) mount.property = "DIRECTORY";
  }
  if (mount.mount_path.empty()) core::ThrowMissing(at + ".mount_path");
  if (mount.mount_access == "RW" && !may_write) {
    core::ThrowInvalidField(
        at + ".mount_access",
        " may not be RW: " + who.user_id + " may only read dataset " + wanted.dataset_id + ".");
  }
  if (!mount.mount_access.empty())
    core::CheckOneOf(at + ".mount_access", mount.mount_access, core::kMountAccesses);
  if (mount.mount_access.empty()) mount.mount_access = may_write ? "RW" : "RO";
  storage_.ResolveExisting(mount.uri, mount.data_source_type, mount.property, at + ".uri");
  return mount;
}

// ---- helpers --------------------------------------------------------------

void DatasetService::ExpireShares() {
  core::TimeMs now = clock_.Now();
  if (now < next_expiry_.load()) return;
  std::unique_lock lock(write_mu_);
  index::Query due;
  due.ranges = {{DatasetNumbers::kShareExpiry, 1, now}};
  due.limit = INT32_MAX;
  std::vector<Dataset> expiring = store::GetMany<Dataset>(store_, datasets_.Search(due).ids);
  RecordWriter::Batch batch(writer_);
  for (Dataset& dataset : expiring) {
    for (core::DatasetShare& share : dataset.shares) {
      if (share.status == core::ShareStatus::kActive && share.expires_at != 0 &&
          share.expires_at <= now) {
        share.status = core::ShareStatus::kExpired;
      }
    }
    batch.Put(dataset);
  }
  store::Revision revision = expiring.empty() ? 0 : writer_.Commit(batch);
  core::TimeMs earliest = EarliestShareExpiry();
  next_expiry_ = earliest != 0 ? earliest : INT64_MAX;
  lock.unlock();
  if (revision != 0) writer_.Acknowledge(revision);
}

core::TimeMs DatasetService::EarliestShareExpiry() const {
  index::Query first;
  first.ranges = {{DatasetNumbers::kShareExpiry, 1, INT64_MAX}};
  first.sort = index::SortBy::Number(DatasetNumbers::kShareExpiry);
  first.descending = false;
  first.limit = 1;
  index::Page page = datasets_.Search(first);
  if (page.ids.empty()) return 0;
  std::optional<Dataset> dataset = store::Get<Dataset>(store_, page.ids[0]);
  return dataset ? dataset->NextShareExpiry() : 0;
}

void DatasetService::NoteExpiry(const Dataset& dataset) {
  core::TimeMs expiry = dataset.NextShareExpiry();
  if (expiry != 0 && expiry < next_expiry_.load()) next_expiry_ = expiry;
}

Dataset DatasetService::GetForChange(const Principal& who, std::string_view dataset_id) {
  Dataset dataset = Find(who, dataset_id);
  if (!core::CanChange(who.AsViewer(), dataset)) {
    throw Error(ErrorCode::kPermissionDenied, "Only the owner of dataset " + dataset.public_id +
                                                  " or an admin of its workspace may change it.");
  }
  return dataset;
}

DatasetVersion DatasetService::GetVersionOf(const Dataset& dataset, std::string_view version_name) {
  std::optional<DatasetVersion> version =
      store::Find<DatasetVersion>(store_, dataset.public_id + "/" + std::string(version_name));
  if (!version || version->dataset != dataset.id) ThrowNoVersion(dataset, version_name);
  return std::move(*version);
}

void DatasetService::CheckNameFree(const std::string& tenant, const std::string& workspace,
                                   const std::string& name, core::RecordNumber except) {
  index::Query same;
  same.exact[DatasetStrings::kTenant] = {tenant};
  same.exact[DatasetStrings::kWorkspace] = {workspace};
  same.name = {index::NameMatch::kTerm, text::Fold(name)};
  same.limit = 1000;
  for (uint64_t id : datasets_.Search(same).ids) {
    std::optional<Dataset> other = store::Get<Dataset>(store_, id);
    if (other && other->id != except && other->name == name) {
      std::string message = "A dataset named " + name;
      message += " exists already in workspace " + workspace + ".";
      throw Error(ErrorCode::kAlreadyExists, message, "name", core::kNameTaken, name);
    }
  }
}

core::RecordNumber DatasetService::NewestVersion(const Dataset& dataset,
                                                 core::RecordNumber except) {
  index::Query newest;
  newest.values[VersionNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
  newest.sort = index::SortBy::Number(VersionNumbers::kNumber);
  newest.descending = true;
  newest.limit = 2;
  for (uint64_t id : versions_.Search(newest).ids) {
    if (id != except) return id;
  }
  return 0;
}

void DatasetService::Finish(RecordWriter::Batch& batch, std::unique_lock<std::mutex>& lock) {
  store::Revision revision = writer_.Commit(batch);
  lock.unlock();
  writer_.Acknowledge(revision);
}

}  // namespace drover::service
