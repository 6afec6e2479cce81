#include "store/pg_connection.h"

#include <endian.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace drover::store {

namespace {

// Type oids (pg_type.dat); stable across releases.
constexpr unsigned kInt8 = 20, kText = 25, kBytea = 17;
constexpr unsigned kInt8Array = 1016, kTextArray = 1009, kByteaArray = 1001;

void PutU32(std::string& out, uint32_t v) {
  v = htobe32(v);
  out.append(reinterpret_cast<const char*>(&v), 4);
}

void PutI64(std::string& out, int64_t v) {
  uint64_t be = htobe64(static_cast<uint64_t>(v));
  out.append(reinterpret_cast<const char*>(&be), 8);
}

// PostgreSQL's binary array form, one dimension, no nulls.
template <class T, class Put>
std::string EncodeArray(unsigned element_type, const std::vector<T>& values, Put put) {
  std::string out;
  PutU32(out, values.empty() ? 0 : 1);  // dimensions
  PutU32(out, 0);                       // no nulls
  PutU32(out, element_type);
  if (!values.empty()) {
    PutU32(out, static_cast<uint32_t>(values.size()));
    PutU32(out, 1);  // lower bound
  }
  for (const T& v : values) put(out, v);
  return out;
}

void PutElement(std::string& out, std::string_view v) {
  PutU32(out, static_cast<uint32_t>(v.size()));
  out.append(v);
}

bool StateIs(const char* state, std::string_view prefix) {
  return state && std::string_view(state).substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string RedactedUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

PgParams& PgParams::Add(unsigned type, std::string bytes) {
  lengths_.push_back(static_cast<int>(bytes.size()));
  storage_.push_back(std::move(bytes));
  types_.push_back(type);
  formats_.push_back(1);
  values_.clear();
  return *this;
}

PgParams& PgParams::Int(int64_t v) {
  std::string bytes;
  PutI64(bytes, v);
  return Add(kInt8, std::move(bytes));
}

PgParams& PgParams::Text(std::string_view v) { return Add(kText, std::string(v)); }
PgParams& PgParams::Bytes(std::string_view v) { return Add(kBytea, std::string(v)); }

PgParams& PgParams::IntArray(const std::vector<int64_t>& v) {
  return Add(kInt8Array, EncodeArray(kInt8, v, [](std::string& out, int64_t x) {
               PutU32(out, 8);
               PutI64(out, x);
             }));
}

PgParams& PgParams::TextArray(const std::vector<std::string_view>& v) {
  return Add(kTextArray, EncodeArray(kText, v, PutElement));
}

PgParams& PgParams::BytesArray(const std::vector<std::string_view>& v) {
  return Add(kByteaArray, EncodeArray(kBytea, v, PutElement));
}

const char* const* PgParams::Values() const {
  if (values_.size() != storage_.size()) {
    values_.clear();
    for (const std::string& s : storage_) values_.push_back(s.data());
  }
  return values_.data();
}

void PgResult::Free::operator()(pg_result* r) const { PQclear(r); }

int PgResult::Rows() const { return PQntuples(result_.get()); }

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

int64_t PgResult::Int(int row, int column) const {
  const char* v = PQgetvalue(result_.get(), row, column);
  switch (PQgetlength(result_.get(), row, column)) {
    case 2: {
      uint16_t x;
      std::memcpy(&x, v, 2);
      return static_cast<int16_t>(be16toh(x));
    }
    case 4: {
      uint32_t x;
      std::memcpy(&x, v, 4);
      return static_cast<int32_t>(be32toh(x));
    }
    case 8: {
      uint64_t x;
      std::memcpy(&x, v, 8);
      return static_cast<int64_t>(be64toh(x));
    }
    default:
      throw core::Error(core::ErrorCode::kInternal, "postgres: column is not an integer");
  }
}

std::string_view PgResult::Bytes(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<size_t>(PQgetlength(result_.get(), row, column))};
}

std::unique_ptr<PgConnection> PgConnection::Connect(const std::string& url) {
  // Drover's defaults first: the URL's own settings, expanded from
  // dbname, come later and win.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", "drover", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  std::string where = RedactedUrl(url);
  if (!conn) throw core::Error(core::ErrorCode::kInternal, "postgres: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    PQfinish(conn);
    // Refused for who we are (not where the server is): a setup error.
    bool refused = message.find("authentication") != std::string::npos ||
                   message.find("does not exist") != std::string::npos ||
                   message.find("invalid") != std::string::npos;
    throw core::Error(refused ? core::ErrorCode::kInternal : core::ErrorCode::kUnavailable,
                      "postgres " + where + ": " + message);
  }
  // Notices ("relation exists, skipping") are not errors; stderr is no place for them.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgConnection> c(new PgConnection(conn, std::move(where)));
  // An acknowledged write is on the server's disk, whatever its default.
  c->Exec("SET synchronous_commit = on");
  return c;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::Ok() const { return PQstatus(conn_) == CONNECTION_OK; }

void PgConnection::Fail(pg_result* result, const std::string& what) {
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  core::ErrorCode code = core::ErrorCode::kInternal;
  // 08: connection exceptions; 57P: the server shutting down or starting.
  // No state at all: libpq's own error, of the connection (a lost server
  // is not always seen in PQstatus before the next call).
  if (PQstatus(conn_) != CONNECTION_OK || !state || StateIs(state, "08") || StateIs(state, "57P")) {
    code = core::ErrorCode::kUnavailable;
  } else if (StateIs(state, "23505")) {
    code = core::ErrorCode::kAlreadyExists;
  }
  PQclear(result);
  throw core::Error(code, "postgres " + where_ + ": " + what + ": " + message);
}

PgResult PgConnection::Check(pg_result* result, const std::string& what) {
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_SINGLE_TUPLE)
    Fail(result, what);
  return PgResult(result);
}

void PgConnection::Exec(const std::string& sql) { Check(PQexec(conn_, sql.c_str()), sql); }

PgResult PgConnection::Query(const std::string& sql, const PgParams& params) {
  return Check(PQexecParams(conn_, sql.c_str(), params.Count(), params.Types(), params.Values(),
                            params.Lengths(), params.Formats(), /*resultFormat=*/1),
               sql);
}

void PgConnection::Prepare(const std::string& name, const std::string& sql, int params) {
  if (std::find(prepared_.begin(), prepared_.end(), name) != prepared_.end()) return;
  Check(PQprepare(conn_, name.c_str(), sql.c_str(), params, nullptr), sql);
  prepared_.push_back(name);
}

PgResult PgConnection::Prepared(const std::string& name, const std::string& sql,
                                const PgParams& params) {
  Prepare(name, sql, params.Count());
  return Check(PQexecPrepared(conn_, name.c_str(), params.Count(), params.Values(),
                              params.Lengths(), params.Formats(), /*resultFormat=*/1),
               name);
}

void PgConnection::BeginPipeline() {
  if (PQenterPipelineMode(conn_) != 1) Fail(nullptr, "pipeline");
  pipelined_ = 0;
}

void PgConnection::Send(const std::string& name, const PgParams& params) {
  if (PQsendQueryPrepared(conn_, name.c_str(), params.Count(), params.Values(), params.Lengths(),
                          params.Formats(), /*resultFormat=*/1) != 1) {
    Fail(nullptr, name);
  }
  ++pipelined_;
}

void PgConnection::EndPipeline() {
  if (PQpipelineSync(conn_) != 1) Fail(nullptr, "pipeline sync");
  // Every statement's result (then a null), and the Sync's: read them all
  // before throwing, so the connection is left ready for the next use.
  pg_result* failure = nullptr;
  for (int i = 0; i < pipelined_; ++i) {
    pg_result* r = PQgetResult(conn_);
    if (!r) break;  // the connection failed
    ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !failure &&
        status != PGRES_PIPELINE_ABORTED) {
      failure = r;
    } else {
      PQclear(r);
    }
    while (pg_result* rest = PQgetResult(conn_)) PQclear(rest);  // the null after each
  }
  bool synced = false;
  while (pg_result* r = PQgetResult(conn_)) {
    synced = synced || PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (synced) break;
  }
  PQexitPipelineMode(conn_);
  pipelined_ = 0;
  if (failure) Fail(failure, "pipeline");
  if (!synced) Fail(nullptr, "pipeline sync");
}

void PgConnection::ForEachRow(const std::string& sql, const PgParams& params,
                              const std::function<void(const PgResult&)>& row) {
  if (PQsendQueryParams(conn_, sql.c_str(), params.Count(), params.Types(), params.Values(),
                        params.Lengths(), params.Formats(), /*resultFormat=*/1) != 1) {
    Fail(nullptr, sql);
  }
  PQsetSingleRowMode(conn_);
  pg_result* failure = nullptr;
  std::exception_ptr thrown;
  while (pg_result* r = PQgetResult(conn_)) {
    ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_SINGLE_TUPLE && !failure && !thrown) {
      PgResult one(r);
      try {
        row(one);
      } catch (...) {
        thrown = std::current_exception();  // drain the rest, then rethrow
      }
    } else if (status != PGRES_TUPLES_OK && status != PGRES_SINGLE_TUPLE && !failure) {
      failure = r;
    } else {
      PQclear(r);
    }
  }
  if (failure) Fail(failure, sql);
  if (thrown) std::rethrow_exception(thrown);
  if (!Ok()) Fail(nullptr, sql);
}

std::unique_ptr<PgConnection> PgPool::Take() {
  std::lock_guard lock(mu_);
  if (idle_.empty()) return nullptr;
  std::unique_ptr<PgConnection> pg = std::move(idle_.back());
  idle_.pop_back();
  return pg;
}

void PgPool::Give(std::unique_ptr<PgConnection> pg) {
  if (!pg->Ok()) return;
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(pg));
}

std::unique_ptr<PgConnection> PgPool::Connect() {
  std::unique_ptr<PgConnection> pg = PgConnection::Connect(url_);
  if (!setup_.empty()) pg->Exec(setup_);
  return pg;
}

void PgPool::Clear() {
  std::lock_guard lock(mu_);
  idle_.clear();
}

}  // namespace drover::store
