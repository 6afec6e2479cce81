// The tests' PostgreSQL: a real server (Debian's), started once per run by
// `make test` (scripts/test-postgres.sh run, which sets DROVER_TEST_POSTGRES)
// or, when the test binary runs alone, once by this process.
//
//   testing::PostgresDatabase db;          // a fresh database, dropped after
//   auto store = PostgresStore::Open(db.url());
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "store/pg_connection.h"

namespace drover::testing {

// The server's URL, of the form postgresql:///postgres?host=DIR&user=postgres.
inline const std::string& PostgresServerUrl() {
  static const std::string url = [] {
    if (const char* env = std::getenv("DROVER_TEST_POSTGRES"); env && *env) return std::string(env);
    static const std::string dir = "/tmp/drover-pg-unit-" + std::to_string(::getpid());
    std::string script = std::string(DROVER_SOURCE_DIR) + "/scripts/test-postgres.sh";
    FILE* out = ::popen((script + " start " + dir).c_str(), "r");
    if (!out) throw std::runtime_error("cannot run " + script);
    char line[512] = {};
    bool read = std::fgets(line, sizeof line, out) != nullptr;
    if (::pclose(out) != 0 || !read) throw std::runtime_error(script + " start failed");
    std::string started(line);
    while (!started.empty() && started.back() == '\n') started.pop_back();
    std::atexit([] {
      std::system(
          (std::string(DROVER_SOURCE_DIR) + "/scripts/test-postgres.sh remove " + dir).c_str());
    });
    return started;
  }();
  return url;
}

// The URL of database `name` on the tests' server.
inline std::string PostgresUrlOf(const std::string& name) {
  const std::string& server = PostgresServerUrl();
  size_t query = server.find('?');
  size_t slash = server.rfind('/', query);
  return server.substr(0, slash + 1) + name + server.substr(query);
}

// A fresh, empty database on the tests' server, dropped when done.
class PostgresDatabase {
 public:
  PostgresDatabase() {
    static std::atomic<int> count = 0;
    name_ = "t_" + std::to_string(::getpid()) + "_" + std::to_string(count++);
    auto admin = store::PgConnection::Connect(PostgresServerUrl());
    admin->Exec("DROP DATABASE IF EXISTS " + name_);
    admin->Exec("CREATE DATABASE " + name_);
    url_ = PostgresUrlOf(name_);
  }
  ~PostgresDatabase() {
    try {
      store::PgConnection::Connect(PostgresServerUrl())
          ->Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The server is gone (a test stopped it): nothing left to drop.
    }
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

}  // namespace drover::testing
