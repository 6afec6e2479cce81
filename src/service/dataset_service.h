// DatasetService: the use cases of datasets and their versions — create,
// get, list, update, delete, labels — independent of HTTP and of any
// vendor's field names (PAI's AIWorkSpace API is api/dataset/).
//
// A dataset and its versions are records of two kinds written together:
// creating a dataset stores it and its v1 in one batch; a version's
// create, update or delete rewrites the dataset's count and latest version
// in the same batch; deleting a dataset deletes every version with it.
// Writes go through the one write path (service/record_writer.h) under
// the service's write mutex, and are acknowledged once durable.
//
// Visibility: a version is seen by whoever sees its dataset (core::CanSee,
// shares included); changes need core::CanChange, which a share never
// grants. A dataset `who` may not see is a 404, as if it did not exist.
// Shares past their expiry are marked EXPIRED, durably, before any read or
// write that could see them (ExpireShares). Failures throw core::Error and
// change nothing.
#pragma once

#include <atomic>
#include <climits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/time.h"
#include "index/record_index.h"
#include "service/data_sources.h"
#include "service/principal.h"
#include "service/record_writer.h"
#include "service/storage_map.h"
#include "store/store.h"

namespace drover::service {

struct DatasetList {
  std::vector<core::Dataset> datasets;  // in the order of the query
  int64_t total = 0;
};

struct VersionList {
  std::vector<core::DatasetVersion> versions;
  int64_t total = 0;
};

// What UpdateDataset may change; absent fields stay as they are.
struct DatasetUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<core::DatasetAccess> accessibility;
  std::optional<std::vector<std::string>> accessible_roles;
  std::optional<std::vector<std::string>> mount_rw_roles;
  std::optional<std::string> edition;  // only upgrades: BASIC → ADVANCED
  std::optional<std::string> options;
  // SharingConfig.SharedTo, the whole list: a share left out is revoked
  // (kept, REVOKED); one named again is kept as it was or updated.
  std::optional<std::vector<core::DatasetShare>> shares;
};

// What UpdateDatasetVersion may change.
struct VersionUpdate {
  std::optional<int64_t> data_count;
  std::optional<int64_t> data_size;
  std::optional<std::string> description;
  std::optional<std::string> options;
};

class DatasetService final : public DataSourceResolver {
 public:
  // Fills both indexes from `store`. All must outlive the service.
  // `storage` resolves the URIs of new versions to local data.
  DatasetService(store::Store& store, index::RecordIndex& datasets, index::RecordIndex& versions,
                 const StorageMap& storage, const core::Clock& clock);

  // Stores `draft` and its first version `first` (v1). The dataset takes
  // v1's Property, DataSourceType, Uri, SourceType, SourceId and Options.
  // An empty workspace is `who`'s default. Throws kInvalidArgument for a
  // field the rules refuse (core/dataset.h) or a URI that names no data
  // on this machine (StorageMap::ResolveExisting), kAlreadyExists for a name
  // another dataset of the workspace has, kPermissionDenied outside the
  // caller's workspaces.
  core::Dataset Create(const Principal& who, core::Dataset draft, core::DatasetVersion first);

  // Throws kNotFound when no dataset with this id is visible to `who`.
  core::Dataset Get(const Principal& who, std::string_view dataset_id);
  // The dataset's newest version (nullopt only for a dataset being deleted).
  std::optional<core::DatasetVersion> Latest(const core::Dataset& dataset);
  // The newest versions of `datasets`, in their order.
  std::vector<std::optional<core::DatasetVersion>> Latest(
      const std::vector<core::Dataset>& datasets);

  // Adds the caller's visibility to `query` (over DatasetSchema: its
  // tenant's datasets it may see, and those shared into its workspaces)
  // and answers it from the index.
  DatasetList List(const Principal& who, index::Query query);

  void Update(const Principal& who, std::string_view dataset_id, const DatasetUpdate& update);
  // Deletes the dataset and all its versions.
  void Delete(const Principal& who, std::string_view dataset_id);
  // Adds labels, replacing the values of keys it has already.
  void AddLabels(const Principal& who, std::string_view dataset_id,
                 const std::vector<core::Label>& labels);
  // Removes the labels with these keys; keys it does not have are ignored.
  void RemoveLabels(const Principal& who, std::string_view dataset_id,
                    const std::vector<std::string>& keys);

  // Stores the next version (v<n>) of the dataset; it becomes the latest.
  // Its DataSourceType must be the dataset's; its URI must name data.
  core::DatasetVersion CreateVersion(const Principal& who, std::string_view dataset_id,
                                     core::DatasetVersion draft);
  // Throws kNotFound for an unknown dataset or version.
  core::DatasetVersion GetVersion(const Principal& who, std::string_view dataset_id,
                                  std::string_view version_name);
  // GetVersion of a dataset already read (and seen) by the caller.
  core::DatasetVersion GetVersionOf(const core::Dataset& dataset, std::string_view version_name);
  // The dataset's versions matching `query` (over DatasetVersionSchema).
  VersionList ListVersions(const Principal& who, std::string_view dataset_id, index::Query query);
  void UpdateVersion(const Principal& who, std::string_view dataset_id,
                     std::string_view version_name, const VersionUpdate& update);
  // Deletes a version; the newest remaining one becomes the latest. A
  // dataset keeps at least one version: deleting its only one throws
  // kFailedPrecondition (delete the dataset instead).
  void DeleteVersion(const Principal& who, std::string_view dataset_id,
                     std::string_view version_name);
  void AddVersionLabels(const Principal& who, std::string_view dataset_id,
                        std::string_view version_name, const std::vector<core::Label>& labels);
  void RemoveVersionLabels(const Principal& who, std::string_view dataset_id,
                           std::string_view version_name, const std::vector<std::string>& keys);

  // For training jobs that mount a dataset (DataSourceResolver). RW needs
  // the dataset's MountAccess RW, a share that allows RW when seen through
  // one, and `who` its owner, an admin, or of a role in its
  // MountAccessReadWriteRoleIdList ("*": every role).
  core::DataMount Resolve(const Principal& who, const core::DataMount& wanted,
                          const std::string& at) override;

  const core::Clock& clock() const { return clock_; }
  const StorageMap& storage() const { return storage_; }

 private:
  // Marks the shares whose time has come EXPIRED, when any has.
  void ExpireShares();
  // The earliest share expiry among all datasets (0: none), from the index.
  core::TimeMs EarliestShareExpiry() const;
  // Notes a dataset's shares' expiry; caller holds write_mu_.
  void NoteExpiry(const core::Dataset& dataset);
  // Get without expiring shares first (a writer holds write_mu_).
  core::Dataset Find(const Principal& who, std::string_view dataset_id);
  // Get for a change: visible and changeable by `who`; caller holds write_mu_.
  core::Dataset GetForChange(const Principal& who, std::string_view dataset_id);
  // Throws kAlreadyExists when another dataset of `workspace` is `name`d.
  void CheckNameFree(const std::string& tenant, const std::string& workspace,
                     const std::string& name, core::RecordNumber except);
  // The newest version of `dataset` from the index, other than `except`.
  core::RecordNumber NewestVersion(const core::Dataset& dataset, core::RecordNumber except);
  // Commits the batch, releases `lock`, then acknowledges.
  void Finish(RecordWriter::Batch& batch, std::unique_lock<std::mutex>& lock);

  store::Store& store_;
  index::RecordIndex& datasets_;  // over DatasetSchema()
  index::RecordIndex& versions_;  // over DatasetVersionSchema()
  RecordWriter writer_;
  const StorageMap& storage_;
  const core::Clock& clock_;
  const uint64_t id_key_;  // the store's installation key

  std::mutex write_mu_;
  core::RecordNumber last_dataset_;  // guarded by write_mu_
  core::RecordNumber last_version_;  // guarded by write_mu_
  // The earliest active share's expiry, or INT64_MAX: reads compare without the lock.
  std::atomic<core::TimeMs> next_expiry_{INT64_MAX};
};

}  // namespace drover::service
