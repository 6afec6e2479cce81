#include "store/key_store.h"

#include <boost/json.hpp>
#include <random>

namespace drover::store {

namespace {

// `length` characters from [A-Za-z0-9] (the shape of Alibaba and Huawei secrets).
std::string RandomToken(size_t length) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;  // the OS CSPRNG on Linux
  std::string out;
  for (size_t i = 0; i < length; ++i) out += kAlphabet[rd() % (sizeof kAlphabet - 1)];
  return out;
}

}  // namespace

core::AccessKey KeyStore::Create(const std::string& tenant, const std::string& user,
                                 core::Policy policy,
                                 const std::map<std::string, core::WorkspaceRole>& workspaces,
                                 core::TimeMs now) {
  core::AccessKey key{
      "LTAI" + RandomToken(20), RandomToken(30), tenant, user, policy, workspaces, now, false};
  Put(key);
  return key;
}

std::string EncodeWorkspaces(const std::map<std::string, core::WorkspaceRole>& workspaces) {
  boost::json::object o;
  for (const auto& [id, role] : workspaces)
    o[id] = role == core::WorkspaceRole::kAdmin ? "admin" : "member";
  return boost::json::serialize(o);
}

std::map<std::string, core::WorkspaceRole> DecodeWorkspaces(std::string_view json) {
  std::map<std::string, core::WorkspaceRole> workspaces;
  boost::json::value parsed = boost::json::parse(json);
  for (const auto& kv : parsed.as_object()) {
    workspaces[std::string(kv.key())] = kv.value().as_string() == "admin"
                                            ? core::WorkspaceRole::kAdmin
                                            : core::WorkspaceRole::kMember;
  }
  return workspaces;
}

}  // namespace drover::store
