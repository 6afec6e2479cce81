#include "core/identity.h"

namespace drover::core {

std::string_view PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kAdmin:
      return "admin";
    case Policy::kMember:
      return "member";
    case Policy::kReadOnly:
      return "read-only";
  }
  return "member";
}

bool Viewer::IsWorkspaceAdmin(const std::string& workspace) const {
  auto it = workspaces.find(workspace);
  return it != workspaces.end() && it->second == WorkspaceRole::kAdmin;
}

std::vector<std::string> Viewer::ShareTargets() const {
  std::vector<std::string> targets;
  targets.reserve(workspaces.size() + 1);
  for (const auto& [workspace, role] : workspaces)
    targets.push_back(ShareTarget(tenant, workspace));
  if (tenant_admin) targets.push_back(ShareTarget(tenant, "*"));
  return targets;
}

std::string ShareTarget(std::string_view tenant, std::string_view workspace) {
  std::string target(tenant);
  target += '/';
  target += workspace;
  return target;
}

}  // namespace drover::core
