// HttpServer: HTTP/1.1 over TCP (Boost.Beast), keep-alive and chunked
// request bodies, feeding every request to a Router.
//
// Handlers run on the server's I/O threads, each connection on one of them
// (its own io_context), so a handler that blocks holds up only the other
// connections of its thread. The server assigns each request its
// RequestId (uppercase UUID, also sent as X-Request-Id).
// `GET /healthz` answers 200 "ok" once the server is listening.
// A response may be a slice of an open file (api::FileSlice), sent in
// pieces as the client reads it; the answer to HEAD has no body.
//
// What it refuses, each answer rendered by the router in the format of the
// dialect the path belongs to (Router::Refuse), then the connection closed:
//   413  a body over `body_limit` (`file_body_limit` for a route that
//        takes its body as a file, which is spooled under `spool_dir`)
//   414  a request target over `target_limit`
//   431  a header section over `header_limit` bytes or `max_headers` fields
//   400  framing that is not HTTP/1.1 (a bad or doubled Content-Length, a
//        bad chunk size, …)
//   503  a connection beyond `max_connections` (answered at once, without
//        reading; the connections already open are not disturbed)
// A connection that sends no complete request header within
// `header_timeout`, no complete body within `body_timeout` after it (plus
// a second per MiB for a body spooled to a file: an object upload), or
// does not read its answer within `write_timeout`, is closed. Errors
// accepting connections (out of descriptors) are retried with back-off
// and logged at most once a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http/router.h"

namespace drover::server {

struct HttpOptions {
  uint64_t body_limit = 8 << 20;
  uint64_t file_body_limit = uint64_t{5} << 30;
  // A kFile route's body whose Content-Length is at most this is read into
  // memory all the same (a small object is not worth a file).
  uint64_t file_body_memory_limit = 64 << 10;
  // Where bodies of Route::BodyMode::kFile routes are spooled; it must be
  // on the file system the handlers keep them on (a rename, not a copy).
  std::string spool_dir = "/tmp";
  size_t target_limit = 16 << 10;
  uint32_t header_limit = 96 << 10;  // room for a target just over target_limit to get 414
  size_t max_headers = 200;
  size_t max_connections = 10000;
  // From the end of the last answer (or the connection's start) to the end
  // of the next request's header: also the keep-alive idle time.
  std::chrono::milliseconds header_timeout{60'000};
  std::chrono::milliseconds body_timeout{120'000};
  std::chrono::milliseconds write_timeout{60'000};
  // The text GET /metrics answers (Prometheus text format), unsigned like
  // GET /healthz; none: the path is the router's like any other.
  std::function<std::string()> metrics;
  // Unsigned GET answers outside the routes (the console's files); nullopt:
  // the path is the router's.
  std::function<std::optional<api::Response>(std::string_view path)> assets;
};

class HttpServer {
 public:
  // Binds `host:port` (port 0 picks a free one). Throws std::runtime_error
  // when the address cannot be bound.
  HttpServer(const api::Router& router, const std::string& host, uint16_t port,
             HttpOptions options = {});
  ~HttpServer();

  uint16_t port() const;
  // Serves on `threads` threads until Stop() is called or the process gets
  // SIGINT or SIGTERM; blocks.
  void Run(int threads);
  // Thread-safe; makes Run return.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace drover::server
