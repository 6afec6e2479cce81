// PgConnection: one libpq connection to PostgreSQL, with the store's error
// policy — a failure throws core::Error: kUnavailable when the server
// cannot be reached (the connection is lost, or the server is shutting
// down or starting), kAlreadyExists for a unique violation, kInternal for
// anything else. Parameters and results travel in binary form.
//
//   PgConnection pg = PgConnection::Connect(url);
//   PgParams p;
//   p.Int(42).Text(public_id);
//   PgResult r = pg.Query("SELECT doc FROM jobs WHERE id = $1", p);
//   if (r.Rows() > 0) use(r.Bytes(0, 0));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.h"

struct pg_conn;
struct pg_result;

namespace drover::store {

// The URL with its password hidden, for logs and errors.
std::string RedactedUrl(const std::string& url);

// A query's parameters, in binary form: bigint, text, bytea and arrays of
// them (one dimension, no nulls). The values are copied.
class PgParams {
 public:
  PgParams& Int(int64_t v);
  PgParams& Text(std::string_view v);
  PgParams& Bytes(std::string_view v);
  PgParams& IntArray(const std::vector<int64_t>& v);
  PgParams& TextArray(const std::vector<std::string_view>& v);
  PgParams& BytesArray(const std::vector<std::string_view>& v);

  int Count() const { return static_cast<int>(values_.size()); }
  const unsigned* Types() const { return types_.data(); }
  const char* const* Values() const;
  const int* Lengths() const { return lengths_.data(); }
  const int* Formats() const { return formats_.data(); }

 private:
  PgParams& Add(unsigned type, std::string bytes);
  std::vector<std::string> storage_;
  mutable std::vector<const char*> values_;
  std::vector<unsigned> types_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// A query's result, freed with it. Columns are read in binary form.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result) : result_(result) {}
  int Rows() const;
  int64_t Int(int row, int column) const;  // a bigint, integer or smallint column
  std::string_view Bytes(int row, int column) const;
  bool IsNull(int row, int column) const;
  explicit operator bool() const { return result_ != nullptr; }

 private:
  struct Free {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Free> result_;
};

class PgConnection {
 public:
  // Throws kUnavailable when the server cannot be reached, kInternal when
  // it refuses (a bad URL, a wrong password).
  static std::unique_ptr<PgConnection> Connect(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one or more statements without parameters.
  void Exec(const std::string& sql);
  PgResult Query(const std::string& sql, const PgParams& params = {});
  // Prepares `sql` under `name` on first use, then runs it.
  PgResult Prepared(const std::string& name, const std::string& sql, const PgParams& params = {});

  // Pipeline: statements sent without waiting, then one Sync; they run
  // as one implicit transaction, committed at the Sync (all or none).
  // Send queues a prepared statement (prepared by Prepare first).
  void Prepare(const std::string& name, const std::string& sql, int params);
  void BeginPipeline();
  void Send(const std::string& name, const PgParams& params);
  // Sends the Sync and reads every result; throws the first failure (and
  // then nothing of the pipeline is committed).
  void EndPipeline();

  // Streams the rows of `sql` one at a time (a sequential read of a
  // table without holding it all in memory).
  void ForEachRow(const std::string& sql, const PgParams& params,
                  const std::function<void(const PgResult&)>& row);

  // False once the connection is lost.
  bool Ok() const;
  // The URL without its password, for logs and errors.
  const std::string& Where() const { return where_; }

 private:
  PgConnection(pg_conn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}
  // Throws the error of a failed result (or of the connection).
  [[noreturn]] void Fail(pg_result* result, const std::string& what);
  PgResult Check(pg_result* result, const std::string& what);
  pg_conn* conn_;
  std::string where_;
  std::vector<std::string> prepared_;
  int pipelined_ = 0;  // statements sent since BeginPipeline
};

// PgPool: connections to one server, each used by one caller at a time.
// Run takes an idle one (or connects); when that one was lost since it was
// last used (the server restarted), it runs once more on a new one.
class PgPool {
 public:
  // `setup` runs on each new connection (a session setting).
  explicit PgPool(std::string url, std::string setup = {})
      : url_(std::move(url)), setup_(std::move(setup)) {}

  template <class F>
  auto Run(F&& f) {
    std::unique_ptr<PgConnection> pooled = Take();
    if (pooled) {
      try {
        auto result = Use(*pooled, f);
        Give(std::move(pooled));
        return result;
      } catch (const core::Error& e) {
        if (e.code() != core::ErrorCode::kUnavailable || pooled->Ok()) {
          Give(std::move(pooled));
          throw;
        }
      }
    }
    std::unique_ptr<PgConnection> fresh = Connect();
    auto result = Use(*fresh, f);
    Give(std::move(fresh));
    return result;
  }
  // Closes the idle connections (after the server was found gone).
  void Clear();

 private:
  // f's result, or a stand-in for a void f.
  template <class F>
  static auto Use(PgConnection& pg, F& f) {
    if constexpr (std::is_void_v<decltype(f(pg))>) {
      f(pg);
      return true;
    } else {
      return f(pg);
    }
  }
  std::unique_ptr<PgConnection> Take();
  void Give(std::unique_ptr<PgConnection> pg);  // kept when still connected
  std::unique_ptr<PgConnection> Connect();

  const std::string url_;
  const std::string setup_;
  std::mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
};

}  // namespace drover::store
