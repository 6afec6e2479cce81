// KeyStore: durable access keys and memberships, and the replay guard's
// used nonces, beside the records in the server's store (SqliteKeyStore,
// PostgresKeyStore). Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identity.h"

namespace drover::store {

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Creates a key with a fresh random id and secret. Durable on return.
  core::AccessKey Create(const std::string& tenant, const std::string& user, core::Policy policy,
                         const std::map<std::string, core::WorkspaceRole>& workspaces,
                         core::TimeMs now);
  // Writes `key` as it is, replacing a key of its id (drover migrate).
  // Durable on return.
  virtual void Put(const core::AccessKey& key) = 0;
  // The key, revoked or not; nullopt when unknown.
  virtual std::optional<core::AccessKey> Find(const std::string& id) = 0;
  // Every key, oldest first.
  virtual std::vector<core::AccessKey> List() = 0;
  // False when the key does not exist.
  virtual bool Revoke(const std::string& id) = 0;
  virtual bool Empty() = 0;

  // Records `nonce` as used until `expires`; false when it was already
  // used (a replay). Nonces past `expires` are forgotten within a minute.
  // Kept through a crash of the server process, not always through one of
  // the machine (a nonce is written on every signed request).
  virtual bool UseNonce(const std::string& nonce, core::TimeMs now, core::TimeMs expires) = 0;
};

// A key's workspaces as the key stores keep them: {"ws-1": "admin", ...}.
std::string EncodeWorkspaces(const std::map<std::string, core::WorkspaceRole>& workspaces);
std::map<std::string, core::WorkspaceRole> DecodeWorkspaces(std::string_view json);

}  // namespace drover::store
