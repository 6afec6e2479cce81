// Identities: tenants (ModelArts calls them projects), users, workspaces
// with members and roles, and the access keys users sign requests with.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace drover::core {

enum class WorkspaceRole { kMember, kAdmin };

// The built-in policies a key's user can hold.
enum class Policy {
  kAdmin,     // everything in the tenant
  kMember,    // jobs in the workspaces the user belongs to
  kReadOnly,  // get and list only, in the user's workspaces
};

std::string_view PolicyName(Policy policy);

struct AccessKey {
  std::string id;      // AccessKeyId
  std::string secret;  // AccessKeySecret
  std::string tenant;
  std::string user;
  Policy policy = Policy::kMember;
  std::map<std::string, WorkspaceRole> workspaces;  // workspace id → role
  core::TimeMs created = 0;
  bool revoked = false;
};

// Who is looking, for the visibility rule every read and list applies.
struct Viewer {
  std::string tenant;
  std::string user;
  bool tenant_admin = false;
  std::map<std::string, WorkspaceRole> workspaces;

  bool IsWorkspaceAdmin(const std::string& workspace) const;
  bool IsMember(const std::string& workspace) const { return workspaces.count(workspace) > 0; }
  // The share targets a record shared to it would name (ShareTarget): each
  // of its workspaces, and its whole tenant for a tenant admin.
  std::vector<std::string> ShareTargets() const;
};

// What a record shared into a workspace of another tenant, or of its own,
// names as its target; workspace "*" is the whole tenant (its admins).
std::string ShareTarget(std::string_view tenant, std::string_view workspace);

}  // namespace drover::core
