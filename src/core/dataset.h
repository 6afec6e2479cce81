// Dataset and DatasetVersion: a named, versioned pointer to data
// (`oss://bucket/path`, `nas://fsid/path`, `file:///path`) that training
// jobs mount. PAI's AIWorkSpace API shows them (api/dataset/); the rules of
// what a valid dataset is live here, with no I/O.
//
// A dataset always has at least one version. Its own Property,
// DataSourceType, Uri, SourceType, SourceId and Options are those of its
// first version, v1, as PAI documents. Versions are numbered v1, v2, …
// and a number is never reused, even after its version is deleted.
//
// Both are plain values; the service owns the current copies (service/
// dataset_service.h). Field names are neutral; a dialect spells them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/identity.h"
#include "core/time.h"

namespace drover::core {

using RecordNumber = uint64_t;

struct Label {
  std::string key;
  std::string value;
  bool operator==(const Label&) const = default;
};

// Who in the workspace sees a dataset (Accessibility).
enum class DatasetAccess { kPrivate, kPublic, kRolePublic };
inline constexpr std::string_view kDatasetAccessNames[] = {"PRIVATE", "PUBLIC", "ROLE_PUBLIC"};

// The workspace roles Drover's keys hold, as PAI names them (a key's
// workspace member is an algorithm developer, its admin a workspace admin).
inline constexpr char kMemberRoleId[] = "PAI.AlgoDeveloper";
inline constexpr char kAdminRoleId[] = "PAI.WorkspaceAdmin";

// The documented values of each enumerated field; where the field has a
// default, it is the first.
inline constexpr std::string_view kDatasetProperties[] = {"FILE", "DIRECTORY"};
inline constexpr std::string_view kDataSourceTypes[] = {
    "OSS", "NAS", "EXTREMENAS", "CPFS", "BMCPFS", "MAXCOMPUTE", "URL"};
inline constexpr std::string_view kDataTypes[] = {"COMMON", "PIC", "TEXT", "VIDEO", "AUDIO"};
inline constexpr std::string_view kSourceTypes[] = {"USER", "ITAG", "PAI_PUBLIC_DATASET"};
inline constexpr std::string_view kEditions[] = {"BASIC", "ADVANCED", "LOGICAL"};
inline constexpr std::string_view kProviderTypes[] = {"Ecs", "Lingjun"};
inline constexpr std::string_view kMountAccesses[] = {"RW", "RO"};

// A dataset shared into another workspace (of its tenant or another):
// there it is listed and mounted, read-only unless RW is allowed; it is
// never changed from there.
enum class ShareStatus { kActive, kExpired, kRevoked, kInvalid };
inline constexpr std::string_view kShareStatusNames[] = {"ACTIVE", "EXPIRED", "REVOKED", "INVALID"};

struct DatasetShare {
  std::string tenant_id = {};  // the target
  std::string workspace_id = {};
  std::vector<std::string> mount_levels = {"RO"};  // RO, RW
  bool secure_mode = false;
  std::string extra = {};  // JSON text, or empty
  TimeMs shared_at = 0;
  TimeMs expires_at = 0;  // 0: never
  ShareStatus status = ShareStatus::kActive;

  bool ActiveAt(TimeMs now) const {
    return status == ShareStatus::kActive && (expires_at == 0 || now < expires_at);
  }
  bool AllowsReadWrite() const;
  bool operator==(const DatasetShare&) const = default;
};

struct DatasetVersion {
  RecordNumber id = 0;    // internal number
  std::string public_id;  // "<dataset id>/<name>": unique among versions
  RecordNumber dataset = 0;
  std::string dataset_id;  // the dataset's public id
  // Copied from the dataset, for the visibility rule of version lists.
  std::string tenant_id;
  std::string workspace_id;
  std::string user_id;

  std::string name;    // "v1", "v2", …
  int64_t number = 0;  // 1 for v1
  std::string property;
  std::string data_source_type;
  std::string uri;
  std::string source_type;
  std::string source_id;
  std::string mount_access;
  std::string options;      // JSON text, or empty
  std::string import_info;  // JSON text, or empty
  std::string description;
  int64_t data_count = 0;
  int64_t data_size = 0;  // bytes
  std::vector<Label> labels;
  TimeMs created = 0;
  TimeMs modified = 0;

  bool operator==(const DatasetVersion&) const = default;
};

struct Dataset {
  RecordNumber id = 0;
  std::string public_id;  // "d-" and 18 base-36 characters
  std::string tenant_id;  // shown as OwnerId
  std::string workspace_id;
  std::string user_id;
  std::string username;

  std::string name;
  std::string description;
  std::string property;
  std::string data_source_type;
  std::string data_type;
  std::string source_type;
  std::string source_id;
  std::string uri;
  std::string options;
  std::string import_info;
  std::string edition;
  std::string provider_type;
  std::string provider;
  DatasetAccess accessibility = DatasetAccess::kPrivate;
  std::vector<std::string> accessible_roles;  // for ROLE_PUBLIC
  std::string mount_access;
  std::vector<std::string> mount_rw_roles;  // "*" = every role; empty = the creator only
  std::vector<Label> labels;
  std::string source_dataset_id;
  std::string source_dataset_version;
  std::string tag_template_type;
  TimeMs created = 0;
  TimeMs modified = 0;

  std::vector<DatasetShare> shares;  // SharingConfig.SharedTo

  int64_t version_count = 0;        // versions that exist
  int64_t last_version_number = 0;  // the highest number ever given
  RecordNumber latest_version = 0;  // the newest existing version's number

  // ROLE_PUBLIC naming the role that members hold, or PUBLIC: every
  // member of the workspace may see it.
  bool VisibleToMembers() const;
  // The earliest expiry of an active share, or 0.
  TimeMs NextShareExpiry() const;
  bool operator==(const Dataset&) const = default;
};

// The active share through which `viewer` sees a dataset of another
// workspace, or nullptr (it is not shared to the viewer, or the viewer
// sees it in its own right).
const DatasetShare* SharedTo(const Viewer& viewer, const Dataset& dataset, TimeMs now);

// Visibility: a tenant admin, the owner and the workspace's admins see a
// dataset; its workspace's members see it when it is visible to members;
// the members of a workspace it is shared into (and that tenant's admins)
// see it while the share is active. CanSeeOwn leaves shares out.
bool CanSee(const Viewer& viewer, const Dataset& dataset, TimeMs now);
bool CanSeeOwn(const Viewer& viewer, const Dataset& dataset);
bool CanChange(const Viewer& viewer, const Dataset& dataset);

// ---- rules ----------------------------------------------------------------
// Each throws core::Error(kInvalidArgument) About the neutral field name
// given, and changes nothing.

inline constexpr size_t kMaxDatasetNameChars = 127;
inline constexpr size_t kMaxDescriptionChars = 1024;
inline constexpr size_t kMaxUriBytes = 2048;
inline constexpr size_t kMaxJsonTextBytes = 64 * 1024;
inline constexpr size_t kMaxLabels = 50;
inline constexpr size_t kMaxLabelChars = 128;
inline constexpr size_t kMaxRoleIds = 50;
inline constexpr size_t kMaxRoleIdChars = 128;
inline constexpr size_t kMaxIdChars = 256;  // SourceId, SourceDatasetId, …

// 1–127 characters: letters, digits, CJK characters, `_` and `-`,
// starting with a letter, a digit or a CJK character.
void CheckDatasetName(std::string_view name);
// `value` is one of `allowed` (as spelled there).
void CheckOneOf(const std::string& field, std::string_view value,
                std::span<const std::string_view> allowed);
// At most `max_chars` code points.
void CheckLength(const std::string& field, std::string_view value, size_t max_chars);
// Empty, or JSON text of an object, of at most kMaxJsonTextBytes.
void CheckJsonObjectText(const std::string& field, std::string_view text);
// Keys 1–128 characters, values at most 128; neither may hold "http://" or
// "https://", nor a key start with "aliyun" or "acs:"; no key twice; at
// most kMaxLabels.
void CheckLabels(const std::string& field, const std::vector<Label>& labels);
// `PAI.*` (built-in) or `role-*` (custom) ids, and `*` where `star_allowed`.
void CheckRoleIds(const std::string& field, const std::vector<std::string>& roles,
                  bool star_allowed);
// Sets or replaces each label of `add` by key.
void MergeLabels(std::vector<Label>& labels, const std::vector<Label>& add);

// At most kMaxShares; each names a workspace other than the dataset's own
// (`home_tenant`/`home_workspace`), once; levels are RO or RW; Extra is
// JSON text; an expiry is after the share was made.
inline constexpr size_t kMaxShares = 100;
void CheckShares(const std::vector<DatasetShare>& shares, std::string_view home_tenant,
                 std::string_view home_workspace);

// The rules of a new dataset's own fields (not its owner or workspace).
void CheckDataset(const Dataset& dataset);
// The rules of a version's own fields.
void CheckDatasetVersion(const DatasetVersion& version);

// "BASIC" → "ADVANCED" and the like: an edition only upgrades.
int EditionRank(std::string_view edition);

}  // namespace drover::core
