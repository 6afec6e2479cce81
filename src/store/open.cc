#include "store/open.h"

#include <stdexcept>

#include "store/pg_connection.h"
#include "store/postgres_key_store.h"
#include "store/postgres_store.h"
#include "store/sqlite_key_store.h"
#include "store/sqlite_store.h"

namespace drover::store {

namespace {

void CheckUrl(const std::string& url) {
  if (!url.empty() && !IsPostgresUrl(url)) {
    throw std::invalid_argument("--store " + url +
                                ": give a PostgreSQL URL (postgres://user@host/db), or leave it "
                                "out for the embedded SQLite store in --data-dir");
  }
}

std::filesystem::path SqliteFile(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  return data_dir / "drover.db";
}

}  // namespace

bool IsPostgresUrl(const std::string& url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

Stores OpenStores(const std::string& url, const std::filesystem::path& data_dir) {
  Stores stores;
  stores.records = OpenRecordStore(url, data_dir);
  stores.keys = OpenKeyStore(url, data_dir);
  stores.where = url.empty() ? SqliteFile(data_dir).string() : RedactedUrl(url);
  return stores;
}

std::unique_ptr<GroupCommitStore> OpenRecordStore(const std::string& url,
                                                  const std::filesystem::path& data_dir) {
  CheckUrl(url);
  if (url.empty()) return SqliteStore::Open(SqliteFile(data_dir));
  return PostgresStore::Open(url);
}

std::unique_ptr<KeyStore> OpenKeyStore(const std::string& url,
                                       const std::filesystem::path& data_dir) {
  CheckUrl(url);
  if (url.empty()) return SqliteKeyStore::Open(SqliteFile(data_dir));
  return PostgresKeyStore::Open(url);
}

}  // namespace drover::store
