#include "cli/keys.h"

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "core/time.h"
#include "store/open.h"

namespace drover::cli {

namespace {

std::unique_ptr<store::KeyStore> OpenKeys(const KeysOptions& options) {
  return store::OpenKeyStore(options.store, options.data_dir);
}

}  // namespace

std::string KeyJson(const core::AccessKey& key, bool with_secret) {
  boost::json::object o{{"AccessKeyId", key.id}};
  if (with_secret) o["AccessKeySecret"] = key.secret;
  o["Tenant"] = key.tenant;
  o["User"] = key.user;
  o["Policy"] = core::PolicyName(key.policy);
  boost::json::object workspaces;
  for (const auto& [id, role] : key.workspaces) {
    workspaces[id] = role == core::WorkspaceRole::kAdmin ? "admin" : "member";
  }
  o["Workspaces"] = std::move(workspaces);
  if (!with_secret) o["Revoked"] = key.revoked;
  return boost::json::serialize(o);
}

int KeysCreate(const KeysOptions& options) {
  if (options.user.empty()) throw std::runtime_error("--user is required");
  if (options.admin && options.read_only)
    throw std::runtime_error("--admin and --read-only exclude each other");
  std::map<std::string, core::WorkspaceRole> workspaces;
  for (const std::string& spec : options.workspaces) {
    size_t colon = spec.find(':');
    std::string id = spec.substr(0, colon);
    std::string role = colon == std::string::npos ? "member" : spec.substr(colon + 1);
    if (id.empty() || (role != "member" && role != "admin")) {
      throw std::runtime_error("--workspace takes ID or ID:admin or ID:member, not " + spec);
    }
    workspaces[id] = role == "admin" ? core::WorkspaceRole::kAdmin : core::WorkspaceRole::kMember;
  }
  core::Policy policy = options.admin       ? core::Policy::kAdmin
                        : options.read_only ? core::Policy::kReadOnly
                                            : core::Policy::kMember;
  core::AccessKey key = OpenKeys(options)->Create(options.tenant, options.user, policy, workspaces,
                                                  core::SystemClock().Now());
  std::cout << KeyJson(key) << std::endl;
  return 0;
}

int KeysList(const KeysOptions& options) {
  for (const core::AccessKey& key : OpenKeys(options)->List()) {
    std::cout << KeyJson(key, /*with_secret=*/false) << "\n";
  }
  return 0;
}

int KeysRevoke(const KeysOptions& options) {
  if (!OpenKeys(options)->Revoke(options.key_id)) {
    std::cerr << "no access key " << options.key_id << "\n";
    return 1;
  }
  std::cout << "revoked " << options.key_id << "\n";
  return 0;
}

}  // namespace drover::cli
