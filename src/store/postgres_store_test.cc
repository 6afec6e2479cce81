// PostgresStore's own behaviour: the server going away and coming back,
// one server per database, the layout's version. The Store contract is
// store_conformance_test.cc.
#include "store/postgres_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

#include "core/error.h"
#include "store/job_codec.h"
#include "store/pg_connection.h"
#include "testing/error_from.h"
#include "testing/postgres.h"
#include "testing/temp_dir.h"

namespace drover::store {
namespace {

core::TrainingJob MakeJob(core::JobNumber id, std::string name) {
  core::TrainingJob job;
  job.id = id;
  job.public_id = "dlc-" + std::to_string(id);
  job.display_name = std::move(name);
  job.created = 5;
  return job;
}

std::string Names(Store& store) {
  std::string out;
  ForEach<core::TrainingJob>(store, [&](core::TrainingJob&& job) { out += job.display_name; });
  return out;
}

// A PostgreSQL server of the test's own, which it may stop and start.
class OwnServer {
 public:
  OwnServer() { url_ = Run("start"); }
  ~OwnServer() { Run("remove"); }
  void Stop() { Run("stop"); }
  void Start() { Run("start"); }
  const std::string& url() const { return url_; }

 private:
  std::string Run(const std::string& what) {
    std::string command = std::string(DROVER_SOURCE_DIR) + "/scripts/test-postgres.sh " + what +
                          " " + dir_.path().string();
    FILE* out = ::popen(command.c_str(), "r");
    std::string printed;
    char line[512];
    while (out && std::fgets(line, sizeof line, out)) printed += line;
    EXPECT_TRUE(out && ::pclose(out) == 0) << command;
    while (!printed.empty() && printed.back() == '\n') printed.pop_back();
    return printed;
  }
  testing::TempDir dir_;
  std::string url_;
};

core::ErrorCode CodeOf(const std::function<void()>& f) { return testing::ErrorFrom(f).code(); }

// The server stops: the group being written goes back to the queue (its
// Sync answers kUnavailable, its record still readable from the queue),
// new commits are refused with kUnavailable and change nothing. When the
// server is back, the store reconnects by itself and the queued batch is
// written: a record a request already showed is never lost.
TEST(PostgresStoreTest, AServerOutageIsUnavailableAndLosesNothingQueued) {
  OwnServer server;
  auto store = PostgresStore::Open(server.url());
  store->Apply({Put(MakeJob(1, "a"))});

  server.Stop();
  // A change of a stored record is queued without a read (a new record's
  // public id would be looked up first, and that read would fail).
  Revision queued = store->Commit({Put(MakeJob(1, "b"))});
  {
    core::Error e = testing::ErrorFrom([&] { store->Sync(queued); });
    EXPECT_EQ(e.code(), core::ErrorCode::kUnavailable) << e.what();
  }
  EXPECT_EQ(CodeOf([&] { store->Commit({Put(MakeJob(1, "c"))}); }), core::ErrorCode::kUnavailable);
  EXPECT_EQ(Get<core::TrainingJob>(*store, 1)->display_name, "b");  // from the queue
  EXPECT_EQ(CodeOf([&] { Find<core::TrainingJob>(*store, "dlc-9"); }),
            core::ErrorCode::kUnavailable);

  server.Start();
  // Reconnecting is tried at most every 250 ms: commit until it is.
  Revision later = 0;
  for (int attempt = 0; attempt < 200 && later == 0; ++attempt) {
    try {
      later = store->Commit({Put(MakeJob(2, "d"))});
    } catch (const core::Error& e) {
      ASSERT_EQ(e.code(), core::ErrorCode::kUnavailable) << e.what();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_GT(later, 0u) << "the store did not reconnect";
  store->Sync(later);
  EXPECT_EQ(Names(*store), "bd");
  EXPECT_EQ(store->CurrentRevision(), 3u);
  store.reset();
  EXPECT_EQ(Names(*PostgresStore::Open(server.url())), "bd");
}

TEST(PostgresStoreTest, OneServerPerDatabase) {
  testing::PostgresDatabase database;
  auto first = PostgresStore::Open(database.url());
  core::Error refused = testing::ErrorFrom([&] { PostgresStore::Open(database.url()); });
  EXPECT_EQ(refused.code(), core::ErrorCode::kInternal);
  EXPECT_NE(std::string(refused.what()).find("another drover server"), std::string::npos)
      << refused.what();
  first.reset();
  EXPECT_NE(PostgresStore::Open(database.url()), nullptr);  // free again
}

TEST(PostgresStoreTest, ALayoutNewerThanThisReleaseIsRefused) {
  testing::PostgresDatabase database;
  PostgresStore::Open(database.url())->Apply({Put(MakeJob(1, "a"))});
  PgConnection::Connect(database.url())->Exec("UPDATE meta SET value = 99 WHERE key = 'layout'");
  core::Error refused = testing::ErrorFrom([&] { PostgresStore::Open(database.url()); });
  EXPECT_EQ(refused.code(), core::ErrorCode::kInternal);
  EXPECT_NE(std::string(refused.what()).find("newer"), std::string::npos) << refused.what();
}

TEST(PostgresStoreTest, AnUnreachableServerIsUnavailable) {
  testing::TempDir nowhere;
  core::Error e = testing::ErrorFrom([&] {
    PostgresStore::Open("postgresql:///postgres?host=" + nowhere.path().string() +
                        "&user=postgres");
  });
  EXPECT_EQ(e.code(), core::ErrorCode::kUnavailable) << e.what();
}

}  // namespace
}  // namespace drover::store
