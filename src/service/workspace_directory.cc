#include "service/workspace_directory.h"

#include <algorithm>
#include <map>

#include "core/error.h"

namespace drover::service {

namespace {

std::string WorkspaceName(std::string_view id) {
  std::string name = "ws_";
  for (char c : id) {
    bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    name += word ? c : '_';
    if (name.size() == 23) break;
  }
  return name;
}

}  // namespace

std::vector<Workspace> WorkspaceDirectory::Visible(const Principal& who) const {
  std::map<std::string, Workspace> known;
  auto note = [&](const std::string& id, core::TimeMs created) {
    Workspace& w = known[id];
    if (w.id.empty()) {
      w.id = id;
      w.name = WorkspaceName(id);
      w.tenant = w.creator = who.tenant_id;
      w.created = created;
    } else if (created < w.created) {
      w.created = created;
    }
  };
  note(kDefaultWorkspaceId, started_);
  for (const core::AccessKey& key : keys_.List()) {
    if (key.tenant != who.tenant_id) continue;
    note(kDefaultWorkspaceId, key.created);  // the tenant's first key made it
    for (const auto& [id, role] : key.workspaces) {
      note(id, key.created);
      std::vector<std::string>& admins = known[id].admins;
      if (role == core::WorkspaceRole::kAdmin &&
          std::find(admins.begin(), admins.end(), key.user) == admins.end()) {
        admins.push_back(key.user);
      }
    }
  }
  for (const Source& source : sources_) {
    index::Query in_tenant;
    in_tenant.exact[source.tenant] = {who.tenant_id};
    for (const index::RecordIndex::FacetCount& place :
         source.index->Facet(index::RecordIndex::FacetOf::kString, source.workspace, in_tenant)) {
      note(place.value, started_);
    }
  }
  std::vector<Workspace> out;
  for (auto& [id, w] : known) {
    if (!who.admin && !who.workspaces.count(id) && id != who.default_workspace_id) continue;
    w.is_default = id == who.default_workspace_id;
    out.push_back(std::move(w));
  }
  std::stable_sort(out.begin(), out.end(), [](const Workspace& a, const Workspace& b) {
    return a.created != b.created ? a.created < b.created : a.id < b.id;
  });
  return out;
}

Workspace WorkspaceDirectory::Get(const Principal& who, std::string_view id) const {
  for (Workspace& w : Visible(who)) {
    if (w.id == id) return std::move(w);
  }
  throw core::Error(core::ErrorCode::kNotFound,
                    "The workspace " + std::string(id) + " does not exist.", "workspace");
}

}  // namespace drover::service
