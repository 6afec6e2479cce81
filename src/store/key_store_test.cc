// The KeyStore's contract, on both backends.
#include "store/key_store.h"

#include <gtest/gtest.h>

#include <memory>

#include "store/postgres_key_store.h"
#include "store/sqlite_key_store.h"
#include "testing/postgres.h"
#include "testing/temp_dir.h"

namespace drover::store {
namespace {

enum class Backend { kSqlite, kPostgres };

class KeyStoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  std::unique_ptr<KeyStore> Open() {
    if (GetParam() == Backend::kSqlite) return SqliteKeyStore::Open(dir_.path() / "drover.db");
    if (!database_) database_ = std::make_unique<testing::PostgresDatabase>();
    return PostgresKeyStore::Open(database_->url());
  }
  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresDatabase> database_;
};

INSTANTIATE_TEST_SUITE_P(Backends, KeyStoreConformance,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

TEST_P(KeyStoreConformance, KeysAreKeptRevokedAndCopiedAsTheyAre) {
  core::AccessKey created;
  {
    auto keys = Open();
    EXPECT_TRUE(keys->Empty());
    created = keys->Create(
        "t1", "alice", core::Policy::kAdmin,
        {{"ws-1", core::WorkspaceRole::kAdmin}, {"ws-2", core::WorkspaceRole::kMember}}, 1000);
    keys->Create("t1", "bob", core::Policy::kReadOnly, {}, 2000);
  }
  auto keys = Open();  // durable
  EXPECT_FALSE(keys->Empty());
  std::optional<core::AccessKey> found = keys->Find(created.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->secret, created.secret);
  EXPECT_EQ(found->user, "alice");
  EXPECT_EQ(found->policy, core::Policy::kAdmin);
  EXPECT_EQ(found->workspaces.at("ws-1"), core::WorkspaceRole::kAdmin);
  EXPECT_EQ(found->workspaces.at("ws-2"), core::WorkspaceRole::kMember);
  EXPECT_EQ(found->created, 1000);
  EXPECT_FALSE(found->revoked);
  EXPECT_FALSE(keys->Find("LTAInone").has_value());

  EXPECT_TRUE(keys->Revoke(created.id));
  EXPECT_FALSE(keys->Revoke("LTAInone"));
  EXPECT_TRUE(keys->Find(created.id)->revoked);
  std::vector<core::AccessKey> listed = keys->List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].user, "alice");  // oldest first
  EXPECT_EQ(listed[1].user, "bob");

  core::AccessKey copied = listed[1];
  copied.id = "LTAIcopied";
  copied.revoked = true;
  keys->Put(copied);
  EXPECT_EQ(keys->Find("LTAIcopied")->secret, listed[1].secret);
  EXPECT_TRUE(keys->Find("LTAIcopied")->revoked);
}

TEST_P(KeyStoreConformance, ANonceIsUsedOnceUntilItExpires) {
  auto keys = Open();
  EXPECT_TRUE(keys->UseNonce("n1", 0, 1000));
  EXPECT_FALSE(keys->UseNonce("n1", 10, 1000));  // a replay
  EXPECT_TRUE(keys->UseNonce("n2", 10, 1000));
  // A minute on, expired nonces are forgotten.
  EXPECT_TRUE(keys->UseNonce("n1", 2 * core::kMsPerMinute, 3 * core::kMsPerMinute));
  EXPECT_FALSE(keys->UseNonce("n1", 2 * core::kMsPerMinute, 3 * core::kMsPerMinute));
}

}  // namespace
}  // namespace drover::store
