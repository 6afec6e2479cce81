// Principal: who is asking. Every service call takes one explicitly; the
// HTTP layer fills it in (today: the one local user; with authentication:
// the key's owner). Services use it for ownership and visibility.
#pragma once

#include <string>

namespace drover::service {

struct Principal {
  std::string tenant_id;
  std::string user_id;
  std::string username;
  std::string default_workspace_id;
  bool admin = false;

  // The single user every request acts as while authentication is off.
  static Principal Local() { return {"local", "local-user", "local", "1", true}; }
};

}  // namespace drover::service
