// WorkspaceDirectory: the workspaces Drover knows, for AIWorkSpace's
// ListWorkspaces and GetWorkspace. Drover has no workspace records of its
// own: a workspace exists when an access key names it (`drover keys create
// --workspace ID`) or a record of its tenant is in it (a job an admin
// created there), and every tenant has its default workspace "1". Its
// admins are the users whose keys hold it as admin; it was created when the
// first such key was (the default workspace, when its tenant's first key
// was, or else when the server started). Reads the key store at each
// call; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "index/record_index.h"
#include "service/principal.h"
#include "store/key_store.h"

namespace drover::service {

struct Workspace {
  std::string id;
  std::string name;  // "ws_<id>": 3–23 letters, digits and '_', starting with a letter
  std::string tenant;
  std::string creator;              // the tenant (the account), as PAI shows it
  std::vector<std::string> admins;  // user ids
  core::TimeMs created = 0;
  bool is_default = false;  // the caller's default workspace
};

inline constexpr char kDefaultWorkspaceId[] = "1";

class WorkspaceDirectory {
 public:
  // Records whose workspaces count: an index and its tenant and workspace
  // fields (exact strings).
  struct Source {
    const index::RecordIndex* index;
    index::FieldId tenant;
    index::FieldId workspace;
  };

  // `keys` and the sources' indexes must outlive the directory; `started`
  // is when the server did (the creation time of a workspace no key names).
  WorkspaceDirectory(store::KeyStore& keys, core::TimeMs started, std::vector<Source> sources = {})
      : keys_(keys), started_(started), sources_(std::move(sources)) {}

  // The workspaces `who` belongs to (a tenant admin: every one of its
  // tenant), ordered by creation, then id.
  std::vector<Workspace> Visible(const Principal& who) const;
  // Throws core::Error(kNotFound) for a workspace `who` does not see.
  Workspace Get(const Principal& who, std::string_view id) const;

 private:
  store::KeyStore& keys_;
  const core::TimeMs started_;
  const std::vector<Source> sources_;
};

}  // namespace drover::service
