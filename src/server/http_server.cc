#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ids.h"
#include "core/url.h"

namespace drover::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr uint64_t kBodyLimit = 8 * 1024 * 1024;

api::Request ToRequest(const http::request<http::string_body>& in) {
  api::Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  std::string_view target = out.target;
  size_t question = target.find('?');
  out.path = core::PercentDecode(target.substr(0, question), false);
  if (question != std::string_view::npos)
    out.query = core::ParseQueryString(target.substr(question + 1));
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = in.body();
  out.request_id = core::NewRequestId();
  return out;
}

// One connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const api::Router& router)
      : stream_(std::move(socket)), router_(router) {}

  void Start() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::connection_reset) return Close();
    if (ec == http::error::body_limit) {
      return Reply(413, "text/plain", "request body too large", false);
    }
    if (ec) return Close();
    const auto& in = parser_->get();
    bool keep_alive = in.keep_alive();
    if (in.method() == http::verb::get && in.target() == "/healthz") {
      return Reply(200, "text/plain", "ok", keep_alive);
    }
    api::Request request = ToRequest(in);
    api::Response response = router_.Dispatch(request);  // never throws
    Reply(response.status, response.content_type, std::move(response.body), keep_alive,
          request.request_id);
  }

  // `request_id`, when given, is also sent as X-Request-Id.
  void Reply(int status, const std::string& content_type, std::string body, bool keep_alive,
             const std::string& request_id = {}) {
    auto res =
        std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
    res->set(http::field::server, "drover");
    if (!request_id.empty()) res->set("X-Request-Id", request_id);
    res->set(http::field::content_type, content_type);
    res->keep_alive(keep_alive);
    res->body() = std::move(body);
    res->prepare_payload();
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
  std::optional<http::request_parser<http::string_body>> parser_;
  const api::Router& router_;
};

}  // namespace

// One io_context per thread, each connection on one of them (round robin):
// a keep-alive connection's reads, handlers and writes all run on its
// thread. With one io_context shared by every thread, each completion woke
// another thread to run it; a 50-job list cost 370 us of server CPU that
// way and costs ~270 us this way. A handler that waits (a write's fsync)
// holds up only the connections on its own thread.
struct HttpServer::Impl {
  Impl(const api::Router& r, const std::string& host, uint16_t port)
      : router(r), acceptor(*ios.front(), tcp::endpoint(asio::ip::make_address(host), port)) {}

  void Accept() {
    asio::io_context& io = *ios[next++ % ios.size()];
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted) return;
        spdlog::warn("accept: {}", ec.message());
      } else {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<Session>(std::move(socket), router)->Start();
      }
      Accept();
    });
  }

  const api::Router& router;
  std::mutex mu;  // guards ios' growth against Stop
  bool stopped = false;
  std::vector<std::unique_ptr<asio::io_context>> ios = One();
  size_t next = 0;  // the io_context of the next connection (accept handler only)
  tcp::acceptor acceptor;

  static std::vector<std::unique_ptr<asio::io_context>> One() {
    std::vector<std::unique_ptr<asio::io_context>> ios;
    ios.push_back(std::make_unique<asio::io_context>(1));
    return ios;
  }
};

HttpServer::HttpServer(const api::Router& router, const std::string& host, uint16_t port)
    : impl_(std::make_unique<Impl>(router, host, port)) {}

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
    for (auto& io : impl_->ios) idle.push_back(asio::make_work_guard(*io));
  }
  impl_->Accept();
  asio::signal_set signals(*impl_->ios.front(), SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) Stop();
  });
  std::vector<std::thread> pool;
  for (size_t i = 1; i < impl_->ios.size(); ++i)
    pool.emplace_back([io = impl_->ios[i].get()] { io->run(); });
  impl_->ios.front()->run();
  for (std::thread& t : pool) t.join();
}

void HttpServer::Stop() {
  std::lock_guard lock(impl_->mu);
  impl_->stopped = true;
  for (auto& io : impl_->ios) io->stop();
}

}  // namespace drover::server
