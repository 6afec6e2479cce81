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

}  // namespace drover::core
