#include "core/dataset.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/json_reader.h"
#include "core/utf8.h"

namespace drover::core {

namespace {

bool IsCjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F);
}

bool IsAsciiAlnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string Joined(std::span<const std::string_view> values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += i + 1 == values.size() ? " or " : ", ";
    out += values[i];
  }
  return out;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

bool Dataset::VisibleToMembers() const {
  if (accessibility == DatasetAccess::kPublic) return true;
  if (accessibility != DatasetAccess::kRolePublic) return false;
  return std::find(accessible_roles.begin(), accessible_roles.end(), kMemberRoleId) !=
         accessible_roles.end();
}

bool DatasetShare::AllowsReadWrite() const {
  return std::find(mount_levels.begin(), mount_levels.end(), "RW") != mount_levels.end();
}

TimeMs Dataset::NextShareExpiry() const {
  TimeMs next = 0;
  for (const DatasetShare& share : shares) {
    if (share.status == ShareStatus::kActive && share.expires_at != 0 &&
        (next == 0 || share.expires_at < next)) {
      next = share.expires_at;
    }
  }
  return next;
}

const DatasetShare* SharedTo(const Viewer& viewer, const Dataset& dataset, TimeMs now) {
  if (CanSeeOwn(viewer, dataset)) return nullptr;
  for (const DatasetShare& share : dataset.shares) {
    if (!share.ActiveAt(now) || share.tenant_id != viewer.tenant) continue;
    if (viewer.tenant_admin || viewer.IsMember(share.workspace_id)) return &share;
  }
  return nullptr;
}

bool CanSee(const Viewer& viewer, const Dataset& dataset, TimeMs now) {
  return CanSeeOwn(viewer, dataset) || SharedTo(viewer, dataset, now) != nullptr;
}

bool CanSeeOwn(const Viewer& viewer, const Dataset& dataset) {
  if (dataset.tenant_id != viewer.tenant) return false;
  if (viewer.tenant_admin || dataset.user_id == viewer.user) return true;
  if (viewer.IsWorkspaceAdmin(dataset.workspace_id)) return true;
  return dataset.VisibleToMembers() && viewer.IsMember(dataset.workspace_id);
}

bool CanChange(const Viewer& viewer, const Dataset& dataset) {
  if (dataset.tenant_id != viewer.tenant) return false;
  return viewer.tenant_admin || dataset.user_id == viewer.user ||
         viewer.IsWorkspaceAdmin(dataset.workspace_id);
}

void CheckDatasetName(std::string_view name) {
  if (name.empty()) ThrowMissing("name");
  std::u32string chars = DecodeUtf8(name);
  if (chars.size() > kMaxDatasetNameChars) {
    ThrowInvalidField("name", " must be at most 127 characters long.");
  }
  for (size_t i = 0; i < chars.size(); ++i) {
    char32_t c = chars[i];
    bool ok = IsAsciiAlnum(c) || IsCjk(c) || (i > 0 && (c == '_' || c == '-'));
    if (!ok) {
      ThrowInvalidField("name",
                        " must start with a letter, a digit or a Chinese character and hold only "
                        "letters, digits, Chinese characters, underscores (_) and hyphens (-).");
    }
  }
}

void CheckOneOf(const std::string& field, std::string_view value,
                std::span<const std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    ThrowInvalidField(field,
                      " must be " + Joined(allowed) + ", not \"" + std::string(value) + "\".");
  }
}

void CheckLength(const std::string& field, std::string_view value, size_t max_chars) {
  if (CountCodePoints(value) > max_chars) {
    ThrowInvalidField(field, " must be at most " + std::to_string(max_chars) + " characters long.");
  }
}

void CheckJsonObjectText(const std::string& field, std::string_view text) {
  if (text.empty()) return;
  if (text.size() > kMaxJsonTextBytes) {
    ThrowInvalidField(field, " must be at most " + std::to_string(kMaxJsonTextBytes) + " bytes.");
  }
  bool object = false;
  try {
    JsonReader reader(text);
    object = reader.Peek() == JsonReader::Kind::kObject;
    reader.Skip();
    object = object && reader.AtEnd();
  } catch (const JsonReader::Error&) {
    object = false;
  }
  if (!object) ThrowInvalidField(field, " must be a string holding a JSON object.");
}

void CheckLabels(const std::string& field, const std::vector<Label>& labels) {
  if (labels.size() > kMaxLabels) {
    ThrowInvalidField(field, " may hold at most " + std::to_string(kMaxLabels) + " labels.");
  }
  std::set<std::string_view> keys;
  for (const Label& label : labels) {
    if (label.key.empty()) ThrowInvalidField(field, ": a label's Key must not be empty.");
    if (CountCodePoints(label.key) > kMaxLabelChars ||
        CountCodePoints(label.value) > kMaxLabelChars) {
      ThrowInvalidField(field, ": a label's Key and Value must be at most 128 characters long.");
    }
    if (label.key.starts_with("aliyun") || label.key.starts_with("acs:")) {
      ThrowInvalidField(field, ": the label key \"" + label.key +
                                   "\" must not start with \"aliyun\" or \"acs:\".");
    }
    for (const std::string& text : {label.key, label.value}) {
      if (Contains(text, "http://") || Contains(text, "https://")) {
        ThrowInvalidField(field, ": a label must not contain \"http://\" or \"https://\".");
      }
    }
    if (!keys.insert(label.key).second) {
      ThrowInvalidField(field, ": the label key \"" + label.key + "\" is given twice.");
    }
  }
}

void CheckRoleIds(const std::string& field, const std::vector<std::string>& roles,
                  bool star_allowed) {
  if (roles.size() > kMaxRoleIds) {
    ThrowInvalidField(field, " may hold at most " + std::to_string(kMaxRoleIds) + " role ids.");
  }
  for (const std::string& role : roles) {
    bool ok = (role.starts_with("PAI.") || role.starts_with("role-")) &&
              CountCodePoints(role) <= kMaxRoleIdChars;
    if (!ok && !(star_allowed && role == "*")) {
      ThrowInvalidField(field, " must hold workspace role ids (PAI.* or role-*" +
                                   std::string(star_allowed ? ", or *" : "") + "), not \"" + role +
                                   "\".");
    }
  }
}

void CheckShares(const std::vector<DatasetShare>& shares, std::string_view home_tenant,
                 std::string_view home_workspace) {
  if (shares.size() > kMaxShares) {
    ThrowInvalidField("shares", " may hold at most " + std::to_string(kMaxShares) + " shares.");
  }
  std::set<std::pair<std::string_view, std::string_view>> targets;
  for (const DatasetShare& share : shares) {
    if (share.workspace_id.empty()) ThrowMissing("shares.workspace");
    CheckLength("shares.workspace", share.workspace_id, kMaxIdChars);
    CheckLength("shares.tenant", share.tenant_id, kMaxIdChars);
    if (share.tenant_id == home_tenant && share.workspace_id == home_workspace) {
      ThrowInvalidField("shares.workspace", " must not be the dataset's own workspace.");
    }
    if (!targets.insert({share.tenant_id, share.workspace_id}).second) {
      ThrowInvalidField("shares.workspace",
                        ": the workspace " + share.workspace_id + " is shared to twice.");
    }
    if (share.mount_levels.empty()) ThrowInvalidField("shares.mount_levels", " must not be empty.");
    for (const std::string& level : share.mount_levels) {
      CheckOneOf("shares.mount_levels", level, kMountAccesses);
    }
    CheckJsonObjectText("shares.extra", share.extra);
    if (share.expires_at != 0 && share.expires_at <= share.shared_at) {
      ThrowInvalidField("shares.expires_at", " must be after the time of sharing.");
    }
  }
}

void MergeLabels(std::vector<Label>& labels, const std::vector<Label>& add) {
  for (const Label& label : add) {
    auto same = std::find_if(labels.begin(), labels.end(),
                             [&](const Label& l) { return l.key == label.key; });
    if (same != labels.end()) {
      same->value = label.value;
    } else {
      labels.push_back(label);
    }
  }
}

int EditionRank(std::string_view edition) {
  auto at = std::find(std::begin(kEditions), std::end(kEditions), edition);
  return static_cast<int>(at - std::begin(kEditions));
}

void CheckDataset(const Dataset& d) {
  CheckDatasetName(d.name);
  CheckLength("description", d.description, kMaxDescriptionChars);
  CheckOneOf("data_type", d.data_type, kDataTypes);
  CheckOneOf("edition", d.edition, kEditions);
  if (d.edition != "BASIC" && d.data_source_type != "OSS") {
    ThrowInvalidField("edition", " may be " + d.edition + " only for OSS datasets.");
  }
  CheckOneOf("provider_type", d.provider_type, kProviderTypes);
  CheckLength("provider", d.provider, kMaxIdChars);
  CheckRoleIds("accessible_roles", d.accessible_roles, false);
  if (d.accessibility == DatasetAccess::kRolePublic && d.accessible_roles.empty()) {
    ThrowInvalidField("accessible_roles", " must name at least one role for ROLE_PUBLIC.");
  }
  CheckOneOf("mount_access", d.mount_access, kMountAccesses);
  CheckRoleIds("mount_rw_roles", d.mount_rw_roles, true);
  CheckLabels("labels", d.labels);
  CheckLength("source_dataset_id", d.source_dataset_id, kMaxIdChars);
  CheckLength("source_dataset_version", d.source_dataset_version, kMaxIdChars);
  CheckLength("tag_template_type", d.tag_template_type, kMaxIdChars);
  CheckJsonObjectText("import_info", d.import_info);
}

void CheckDatasetVersion(const DatasetVersion& v) {
  if (v.property.empty()) ThrowMissing("property");
  CheckOneOf("property", v.property, kDatasetProperties);
  if (v.data_source_type.empty()) ThrowMissing("data_source_type");
  CheckOneOf("data_source_type", v.data_source_type, kDataSourceTypes);
  if (v.uri.empty()) ThrowMissing("uri");
  if (v.uri.size() > kMaxUriBytes) {
    ThrowInvalidField("uri", " must be at most " + std::to_string(kMaxUriBytes) + " bytes long.");
  }
  CheckOneOf("source_type", v.source_type, kSourceTypes);
  CheckLength("source_id", v.source_id, kMaxIdChars);
  CheckOneOf("mount_access", v.mount_access, kMountAccesses);
  CheckJsonObjectText("options", v.options);
  CheckJsonObjectText("import_info", v.import_info);
  CheckLength("description", v.description, kMaxDescriptionChars);
  if (v.data_count < 0) ThrowInvalidField("data_count", " must not be negative.");
  if (v.data_size < 0) ThrowInvalidField("data_size", " must not be negative.");
  CheckLabels("labels", v.labels);
}

}  // namespace drover::core
