// HttpServer: HTTP/1.1 over TCP (Boost.Beast), keep-alive and chunked
// request bodies, feeding every request to a Router.
//
// Handlers run on the server's I/O threads, each connection on one of them
// (its own io_context), so a handler that blocks holds up only the other
// connections of its thread. The server assigns each request
// its RequestId (uppercase UUID, also sent as X-Request-Id) and answers 413
// for bodies over the limit.
// `GET /healthz` answers 200 "ok" once the server is listening.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/http/router.h"

namespace drover::server {

class HttpServer {
 public:
  // Binds `host:port` (port 0 picks a free one). Throws std::runtime_error
  // when the address cannot be bound.
  HttpServer(const api::Router& router, const std::string& host, uint16_t port);
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
