// Principal: who is asking. Every service call takes one explicitly; the
// HTTP layer fills it in (auth/authenticator.h from the request's access
// key, or the one local user when authentication is off). Services use it
// for ownership and visibility (core::CanSee, core::CanChange).
#pragma once

#include <map>
#include <string>

#include "core/identity.h"

namespace drover::service {

struct Principal {
  std::string tenant_id;
  std::string user_id;
  std::string username;
  std::string default_workspace_id;
  bool admin = false;      // tenant admin
  bool read_only = false;  // may only get and list
  std::map<std::string, core::WorkspaceRole> workspaces;
  bool by_key = false;     // signed with an access key; false for the local user of --auth=off
  bool anonymous = false;  // an unsigned request (Route::anonymous); no tenant

  core::Viewer AsViewer() const { return {tenant_id, user_id, admin, workspaces}; }

  // The single user every request acts as while authentication is off.
  static Principal Local() { return {"local", "local-user", "local", "1", true, false, {}}; }
  static Principal Anonymous() {
    Principal p;
    p.user_id = p.username = "anonymous";
    p.read_only = true;
    p.anonymous = true;
    return p;
  }
};

}  // namespace drover::service
