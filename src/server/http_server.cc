#include "server/http_server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ids.h"

namespace drover::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// The request line and header fields; the caller adds the body.
api::Request ToRequest(const http::request_header<>& in) {
  api::Request out;
  out.method = std::string(in.method_string());
  out.SetTarget(std::string(in.target()));
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.request_id = core::NewRequestId();
  return out;
}

// Beast's File concept over a slice of an open file, for a response body:
// size() is the slice's length and reads start at its offset.
class SliceFile {
 public:
  using native_handle_type = int;

  void reset(api::FileSlice slice) {
    slice_ = std::move(slice);
    read_ = 0;
  }
  bool is_open() const { return slice_.file != nullptr; }
  void close(beast::error_code& ec) {
    slice_.file.reset();
    ec = {};
  }
  void open(const char*, beast::file_mode, beast::error_code& ec) {
    ec = beast::errc::make_error_code(beast::errc::operation_not_supported);
  }
  uint64_t size(beast::error_code& ec) const {
    ec = {};
    return slice_.length;
  }
  uint64_t pos(beast::error_code& ec) const {
    ec = {};
    return read_;
  }
  void seek(uint64_t offset, beast::error_code& ec) {
    read_ = offset;
    ec = {};
  }
  size_t read(void* buffer, size_t n, beast::error_code& ec) {
    n = static_cast<size_t>(std::min<uint64_t>(n, slice_.length - std::min(read_, slice_.length)));
    ssize_t got;
    do {
      got = ::pread(slice_.file->fd(), buffer, n, static_cast<off_t>(slice_.offset + read_));
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      ec = beast::error_code(errno, boost::system::generic_category());
      return 0;
    }
    ec = {};
    read_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  size_t write(const void*, size_t, beast::error_code& ec) {
    ec = beast::errc::make_error_code(beast::errc::operation_not_supported);
    return 0;
  }

 private:
  api::FileSlice slice_;
  uint64_t read_ = 0;
};

using SliceBody = http::basic_file_body<SliceFile>;

// One connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const api::Router& router, const HttpOptions& options,
          std::shared_ptr<std::atomic<size_t>> open)
      : stream_(std::move(socket)), router_(router), options_(options), open_(std::move(open)) {
    ++*open_;
  }
  ~Session() {
    DropSpool();
    --*open_;
  }

  void Start() { Read(); }

  // Answers 503 without reading anything, then closes.
  void RefuseBusy() {
    header_parser_.emplace();
    Refuse(503, "The server has too many open connections; try again later.");
  }

 private:
  // The header of the request being read, whichever parser holds it.
  const http::request_header<>& Header() const {
    if (file_parser_) return file_parser_->get();
    if (parser_) return parser_->get();
    return header_parser_->get();
  }

  void Read() {
    parser_.reset();
    file_parser_.reset();
    header_parser_.emplace();
    header_parser_->header_limit(options_.header_limit);
    header_parser_->body_limit(boost::none);  // the route decides, once the header is read
    stream_.expires_after(options_.header_timeout);
    http::async_read_header(
        stream_, buffer_, *header_parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& in = header_parser_->get();
    if (in.target().size() > options_.target_limit) {
      return Refuse(414, "The request target is " + std::to_string(in.target().size()) +
                             " bytes; the limit is " + std::to_string(options_.target_limit) + ".");
    }
    size_t fields = static_cast<size_t>(std::distance(in.begin(), in.end()));
    if (fields > options_.max_headers) {
      return Refuse(431, "The request has " + std::to_string(fields) +
                             " header fields; the limit is " +
                             std::to_string(options_.max_headers) + ".");
    }
    stream_.expires_after(options_.body_timeout);
    auto on_read = [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); };
    api::Request probe = ToRequest(in);
    const api::Route* route = router_.Find(probe).route;
    bool file_route = route && route->body == api::Route::BodyMode::kFile;
    uint64_t limit = file_route ? options_.file_body_limit : options_.body_limit;
    boost::optional<uint64_t> length = header_parser_->content_length();
    bool to_file = file_route && !(length && *length <= options_.file_body_memory_limit);
    if (length && *length > limit) {
      return Refuse(413,
                    "The request body is over the limit of " + std::to_string(limit) + " bytes.");
    }
    if (to_file) {
      // An upload may take the body timeout plus a second per MiB (the
      // declared length, or the largest a chunked one may reach).
      uint64_t mib = (length ? *length : options_.file_body_limit) >> 20;
      stream_.expires_after(options_.body_timeout +
                            std::chrono::seconds(static_cast<int64_t>(mib)));
      spool_ = options_.spool_dir + "/body-" + probe.request_id;
      file_parser_.emplace(std::move(*header_parser_));
      file_parser_->body_limit(options_.file_body_limit);
      beast::error_code open_ec;
      file_parser_->get().body().open(spool_.c_str(), beast::file_mode::write_new, open_ec);
      if (open_ec) {
        spdlog::error("cannot spool a request body to {}: {}", spool_, open_ec.message());
        spool_.clear();
        return Refuse(503, "The server cannot store the request body now; try again later.");
      }
      http::async_read(stream_, buffer_, *file_parser_, std::move(on_read));
    } else {
      parser_.emplace(std::move(*header_parser_));
      parser_->body_limit(options_.body_limit);
      http::async_read(stream_, buffer_, *parser_, std::move(on_read));
    }
  }

  // Removes the spooled body, unless the handler has taken it away.
  void DropSpool() {
    if (file_parser_) file_parser_->get().body().close();
    if (!spool_.empty()) std::remove(spool_.c_str());
    spool_.clear();
  }

  void OnReadError(beast::error_code ec) {
    if (ec != http::error::body_limit) DropSpool();
    if (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::eof) {
      return Close();  // gone, or too slow: nothing to answer
    }
    if (ec == http::error::body_limit) {
      uint64_t limit = file_parser_ ? options_.file_body_limit : options_.body_limit;
      DropSpool();
      return Refuse(413,
                    "The request body is over the limit of " + std::to_string(limit) + " bytes.");
    }
    if (ec == http::error::header_limit) {
      return Refuse(431, "The request's header section is over the limit of " +
                             std::to_string(options_.header_limit) + " bytes.");
    }
    if (ec.category() == beast::error_code(http::error::bad_method).category() ||
        ec == http::error::partial_message) {
      return Refuse(400, "The request is not valid HTTP/1.1 (" + ec.message() + ").");
    }
    Close();
  }

  void OnRead(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& in = Header();
    bool keep_alive = parser_ ? parser_->keep_alive() : file_parser_->keep_alive();
    if (in.method() == http::verb::get && in.target() == "/healthz") {
      api::Response ok{200, "text/plain", "ok"};
      return Reply(std::move(ok), keep_alive, {});
    }
    if (in.method() == http::verb::get && in.target() == "/metrics" && options_.metrics) {
      api::Response metrics{200, "text/plain; version=0.0.4; charset=utf-8", options_.metrics()};
      return Reply(std::move(metrics), keep_alive, {});
    }
    if (in.method() == http::verb::get && options_.assets) {
      if (std::optional<api::Response> asset = options_.assets(in.target())) {
        return Reply(std::move(*asset), keep_alive, {});
      }
    }
    api::Request request = ToRequest(in);
    if (parser_) {
      request.body = std::move(parser_->get().body());
      request.body_size = request.body.size();
    } else {
      file_parser_->get().body().close();
      std::error_code size_ec;
      request.body_size = std::filesystem::file_size(spool_, size_ec);
      request.body_file = spool_;
    }
    api::Response response = router_.Dispatch(request);  // never throws
    DropSpool();
    if (request.method == "HEAD" && !response.head_length) {  // never a body
      response.head_length = response.file ? response.file->length : response.body.size();
    }
    Reply(std::move(response), keep_alive, request.request_id);
  }

  // Answers what could be read of the request with `status`, then closes.
  void Refuse(int status, const std::string& message) {
    api::Request request = ToRequest(Header());
    api::Response response = router_.Refuse(request, status, message);
    Reply(std::move(response), false, request.request_id);
  }

  // `request_id`, when given, is also sent as X-Request-Id.
  void Reply(api::Response response, bool keep_alive, const std::string& request_id) {
    auto fill = [&](auto& res) {
      res.result(static_cast<http::status>(response.status));
      res.version(11);
      res.set(http::field::server, "drover");
      if (!request_id.empty()) res.set("X-Request-Id", request_id);
      res.set(http::field::content_type, response.content_type);
      for (const auto& [name, value] : response.headers) res.set(name, value);
      res.keep_alive(keep_alive);
    };
    if (response.head_length) {
      http::response<http::empty_body> res;
      fill(res);
      res.content_length(*response.head_length);
      return Send(std::move(res), keep_alive);
    }
    if (response.file) {
      http::response<SliceBody> res;
      fill(res);
      beast::error_code ignored;
      SliceFile file;
      file.reset(std::move(*response.file));
      res.body().reset(std::move(file), ignored);
      res.prepare_payload();
      return Send(std::move(res), keep_alive);
    }
    http::response<http::string_body> res;
    fill(res);
    res.body() = std::move(response.body);
    res.prepare_payload();
    Send(std::move(res), keep_alive);
  }

  template <class Body>
  void Send(http::response<Body> message, bool keep_alive) {
    auto res = std::make_shared<http::response<Body>>(std::move(message));
    stream_.expires_after(options_.write_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  // The header is read by header_parser_, then the body by parser_ (into
  // memory) or file_parser_ (spooled to the file spool_), as the route says.
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::file_body>> file_parser_;
  std::string spool_;
  const api::Router& router_;
  const HttpOptions& options_;
  std::shared_ptr<std::atomic<size_t>> open_;  // the server's count of open connections
};

}  // namespace

// One io_context per thread, each connection on one of them (round robin):
// a keep-alive connection's reads, handlers and writes all run on its
// thread. With one io_context shared by every thread, each completion woke
// another thread to run it; a 50-job list cost 370 us of server CPU that
// way and costs ~270 us this way. A handler that waits (a write's fsync)
// holds up only the connections on its own thread.
struct HttpServer::Impl {
  Impl(const api::Router& r, const std::string& host, uint16_t port, HttpOptions o)
      : router(r),
        options(std::move(o)),
        acceptor(*ios.front(), tcp::endpoint(asio::ip::make_address(host), port)),
        retry(*ios.front()) {}

  void Accept() {
    asio::io_context& io = *ios[next++ % ios.size()];
    try {
      AcceptOn(io);
    } catch (const boost::system::system_error& e) {
      AcceptFailed(e.code());
    }
  }

  void AcceptOn(asio::io_context& io) {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) return AcceptFailed(ec);
      backoff = std::chrono::milliseconds(0);
      try {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto session = std::make_shared<Session>(std::move(socket), router, options, open);
        if (*open > options.max_connections) {
          session->RefuseBusy();
        } else {
          session->Start();
        }
      } catch (const std::exception& e) {  // e.g. no descriptor left for its thread's reactor
        spdlog::warn("cannot serve a new connection: {}", e.what());
      }
      Accept();
    });
  }

  // Out of descriptors (or another transient failure): wait, doubling up to
  // a second, rather than spin; say so at most once a second.
  void AcceptFailed(beast::error_code ec) {
    ++failed_accepts;
    auto now = std::chrono::steady_clock::now();
    if (now - last_accept_log >= std::chrono::seconds(1)) {
      spdlog::warn("accept: {} ({} failures since the last report; {} connections open)",
                   ec.message(), failed_accepts, open->load());
      failed_accepts = 0;
      last_accept_log = now;
    }
    backoff =
        std::clamp(backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    retry.expires_after(backoff);
    retry.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec) Accept();
    });
  }

  const api::Router& router;
  const HttpOptions options;
  std::shared_ptr<std::atomic<size_t>> open = std::make_shared<std::atomic<size_t>>(0);
  std::mutex mu;  // guards ios' growth against Stop
  bool stopped = false;
  std::vector<std::unique_ptr<asio::io_context>> ios = One();
  size_t next = 0;  // the io_context of the next connection (accept handler only)
  tcp::acceptor acceptor;
  // Accept back-off (accept handler only).
  asio::steady_timer retry;
  std::chrono::milliseconds backoff{0};
  uint64_t failed_accepts = 0;
  std::chrono::steady_clock::time_point last_accept_log{};

  static std::vector<std::unique_ptr<asio::io_context>> One() {
    std::vector<std::unique_ptr<asio::io_context>> ios;
    ios.push_back(std::make_unique<asio::io_context>(1));
    return ios;
  }
};

HttpServer::HttpServer(const api::Router& router, const std::string& host, uint16_t port,
                       HttpOptions options)
    : impl_(std::make_unique<Impl>(router, host, port, std::move(options))) {}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::Run(int threads) {
  using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<WorkGuard> idle;  // an io_context with no connection yet keeps running
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    while (impl_->ios.size() < static_cast<size_t>(std::max(threads, 1)))
      impl_->ios.push_back(std::make_unique<asio::io_context>(1));
    for (auto& io : impl_->ios) {
      idle.push_back(asio::make_work_guard(*io));
      // Each io_context makes its reactor (an epoll and an eventfd) on its
      // first socket: make it now, while descriptors are plentiful, not
      // when a connection arrives at the limit.
      tcp::socket warm(*io);
      warm.open(tcp::v4());
    }
  }
  impl_->Accept();
  asio::signal_set signals(*impl_->ios.front(), SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) Stop();
  });
  // A handler that throws (out of descriptors, out of memory) is logged and
  // its thread serves on.
  auto serve = [](asio::io_context& io) {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("HTTP thread: {}", e.what());
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t i = 1; i < impl_->ios.size(); ++i)
    pool.emplace_back([&serve, io = impl_->ios[i].get()] { serve(*io); });
  serve(*impl_->ios.front());
  for (std::thread& t : pool) t.join();
}

void HttpServer::Stop() {
  std::lock_guard lock(impl_->mu);
  impl_->stopped = true;
  for (auto& io : impl_->ios) io->stop();
}

}  // namespace drover::server
