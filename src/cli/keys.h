// `drover keys create|list|revoke [--data-dir DIR | --store URL]`: access
// keys, managed on the store directly (the server may be running or not).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/identity.h"

namespace drover::cli {

struct KeysOptions {
  std::string data_dir;
  std::string store;  // a PostgreSQL URL; empty = SQLite in data_dir
  std::string tenant = "local";
  std::string user;
  bool admin = false;
  bool read_only = false;
  std::vector<std::string> workspaces;  // "ID" (member) or "ID:admin"
  std::string key_id;                   // revoke
};

int KeysCreate(const KeysOptions& options);
int KeysList(const KeysOptions& options);
int KeysRevoke(const KeysOptions& options);

// {"AccessKeyId": …, "AccessKeySecret": …, "Tenant": …, "User": …, …}
std::string KeyJson(const core::AccessKey& key, bool with_secret = true);

}  // namespace drover::cli
