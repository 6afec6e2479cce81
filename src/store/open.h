// Which store a server or command uses: `--store` (env DROVER_STORE) names
// a PostgreSQL database (postgres://… or postgresql://…); without it, the
// embedded SQLite file `drover.db` in the data dir.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "store/group_commit.h"
#include "store/key_store.h"

namespace drover::store {

struct Stores {
  std::unique_ptr<GroupCommitStore> records;
  std::unique_ptr<KeyStore> keys;
  std::string where;  // for logs: the file, or the URL without its password
};

// True for a URL OpenStores takes as PostgreSQL's.
bool IsPostgresUrl(const std::string& url);

// Opens the records and keys of `url`, or of `data_dir`'s SQLite file when
// `url` is empty (creating the dir). Throws std::invalid_argument for a URL
// of another kind, and what the backends' Open throw.
Stores OpenStores(const std::string& url, const std::filesystem::path& data_dir);

// The records alone (drover import, drover migrate).
std::unique_ptr<GroupCommitStore> OpenRecordStore(const std::string& url,
                                                  const std::filesystem::path& data_dir);

// The keys alone (drover keys, which may run beside a server).
std::unique_ptr<KeyStore> OpenKeyStore(const std::string& url,
                                       const std::filesystem::path& data_dir);

}  // namespace drover::store
