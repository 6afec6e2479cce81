#include "cli/client/oss_client.h"

#include <openssl/evp.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <fstream>
#include <pugixml.hpp>

#include "auth/canonical.h"
#include "auth/crypto.h"
#include "auth/oss_v1.h"
#include "cli/client/api_client.h"
#include "core/time.h"
#include "core/url.h"

namespace drover::cli::client {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct OssClient::Connection {
  boost::asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;
};

namespace {

constexpr auto kTimeout = std::chrono::seconds(120);

std::string Target(const std::string& bucket, const std::string& key) {
  return "/" + bucket + "/" + core::PercentEncodeKey(key);
}

std::string Text(const pugi::xml_node& node, const char* child) {
  return node.child(child).text().as_string();
}

// OSS's error body (<Error><Code/><Message/><RequestId/>…) as an ApiError.
[[noreturn]] void Refused(int status, const std::string& body, const std::string& request_id) {
  pugi::xml_document doc;
  std::string code = "HTTP" + std::to_string(status);
  std::string message = "HTTP " + std::to_string(status);
  std::string id = request_id;
  if (doc.load_string(body.c_str())) {
    pugi::xml_node e = doc.child("Error");
    if (!Text(e, "Code").empty()) code = Text(e, "Code");
    if (!Text(e, "Message").empty()) message = Text(e, "Message");
    if (!Text(e, "RequestId").empty()) id = Text(e, "RequestId");
  } else if (status == 404) {
    code = "NoSuchKey";
    message = "The specified key does not exist.";
  }
  throw ApiError(status, code, message, id);
}

std::string Unquoted(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

}  // namespace

OssClient::OssClient(Profile profile, std::function<void(const std::string&)> debug)
    : profile_(std::move(profile)),
      address_(AddressOf(profile_.endpoint)),
      debug_(std::move(debug)),
      connection_(std::make_unique<Connection>()) {}

OssClient::~OssClient() = default;

std::string OssClient::Sign(const std::string& method, const std::string& target,
                            const std::string& content_type, const std::string& date) const {
  auth::SignedRequest r{method, target, {{"date", date}}, ""};
  if (!content_type.empty()) r.headers["content-type"] = content_type;
  return "OSS " + profile_.access_key_id + ":" +
         auth::HmacSha1Base64(profile_.access_key_secret, auth::OssV1StringToSign(r));
}

// One request and its answer, reconnecting once when a kept-alive
// connection turns out closed; a failure to connect or talk is an ApiError.
template <class Request, class Parser>
void OssClient::Exchange(Request& request, Parser& parser) {
  Connection& c = *connection_;
  for (int attempt = 0;; ++attempt) {
    try {
      if (!c.open) {
        tcp::resolver resolver(c.io);
        c.stream.expires_after(kTimeout);
        c.stream.connect(resolver.resolve(address_.host, address_.port));
        c.open = true;
        c.buffer.clear();
      }
      c.stream.expires_after(kTimeout);
      http::write(c.stream, request);
      http::read(c.stream, c.buffer, parser);
      if (!parser.keep_alive()) {
        beast::error_code ignored;
        c.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        c.stream.close();
        c.open = false;
      }
      return;
    } catch (const std::exception& e) {
      beast::error_code ignored;
      c.stream.socket().close(ignored);
      c.open = false;
      bool again = attempt == 0 && !parser.is_header_done();
      if constexpr (std::is_same_v<typename Request::body_type, http::file_body>) {
        if (again) request.body().file().seek(0, ignored);  // the file from its start
        again = again && !ignored;
      }
      if (!again) {
        throw ApiError(0, "ConnectionFailed",
                       "cannot reach " + profile_.endpoint + ": " + std::string(e.what()), "");
      }
    }
  }
}

namespace {

template <class Body>
void Prepare(http::request<Body>& request, const std::string& host, const std::string& date,
             const std::string& authorization) {
  request.set(http::field::host, host);
  request.set(http::field::date, date);
  request.set(http::field::user_agent, "drover-cli");
  if (!authorization.empty()) request.set(http::field::authorization, authorization);
}

}  // namespace

void OssClient::MakeBucket(const std::string& bucket) { Call("PUT", "/" + bucket + "/"); }

std::vector<std::pair<std::string, std::string>> OssClient::ListBuckets() {
  pugi::xml_document doc;
  doc.load_string(Call("GET", "/").c_str());
  std::vector<std::pair<std::string, std::string>> out;
  for (pugi::xml_node b : doc.child("ListAllMyBucketsResult").child("Buckets").children("Bucket")) {
    out.emplace_back(Text(b, "Name"), Text(b, "CreationDate"));
  }
  return out;
}

ObjectListing OssClient::List(const std::string& bucket, const std::string& prefix,
                              const std::string& delimiter, const std::string& token) {
  std::string target = "/" + bucket +
                       "/?list-type=2&max-keys=1000&prefix=" + auth::Rfc3986Encode(prefix) +
                       "&encoding-type=url";
  if (!delimiter.empty()) target += "&delimiter=" + auth::Rfc3986Encode(delimiter);
  if (!token.empty()) target += "&continuation-token=" + auth::Rfc3986Encode(token);
  pugi::xml_document doc;
  doc.load_string(Call("GET", target).c_str());
  pugi::xml_node root = doc.child("ListBucketResult");
  ObjectListing out;
  for (pugi::xml_node c : root.children("Contents")) {
    out.objects.push_back({core::PercentDecode(Text(c, "Key"), false),
                           c.child("Size").text().as_ullong(), Unquoted(Text(c, "ETag")),
                           Text(c, "LastModified")});
  }
  for (pugi::xml_node p : root.children("CommonPrefixes")) {
    out.prefixes.push_back(core::PercentDecode(Text(p, "Prefix"), false));
  }
  if (std::string_view(root.child("IsTruncated").text().as_string()) == "true") {
    out.next_token = Text(root, "NextContinuationToken");
  }
  return out;
}

std::optional<ObjectEntry> OssClient::Head(const std::string& bucket, const std::string& key) {
  std::string target = Target(bucket, key);
  std::string date = core::FormatHttpDate(core::SystemClock().Now());
  http::request<http::empty_body> request(http::verb::head, target, 11);
  Prepare(request, address_.host_header, date, Sign("HEAD", target, "", date));
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // a HEAD answer has no body, whatever its Content-Length says
  Exchange(request, parser);
  auto& response = parser.get();
  if (response.result_int() == 404) return std::nullopt;
  if (response.result_int() >= 300) {
    Refused(static_cast<int>(response.result_int()), "", std::string(response["x-oss-request-id"]));
  }
  ObjectEntry e;
  e.key = key;
  e.size = std::stoull(std::string(response[http::field::content_length]));
  e.etag = Unquoted(std::string(response[http::field::etag]));
  e.modified = std::string(response[http::field::last_modified]);
  return e;
}

std::string OssClient::Put(const std::string& bucket, const std::string& key,
                           const std::filesystem::path& file) {
  std::string target = Target(bucket, key);
  std::string date = core::FormatHttpDate(core::SystemClock().Now());
  const std::string type = "application/octet-stream";
  http::request<http::file_body> request(http::verb::put, target, 11);
  beast::error_code ec;
  request.body().open(file.c_str(), beast::file_mode::scan, ec);
  if (ec) throw std::runtime_error("cannot read " + file.string() + ": " + ec.message());
  Prepare(request, address_.host_header, date, Sign("PUT", target, type, date));
  request.set(http::field::content_type, type);
  request.prepare_payload();
  http::response_parser<http::string_body> parser;
  if (debug_) debug_("> PUT " + target + " (" + file.string() + ")");
  Exchange(request, parser);
  auto& response = parser.get();
  if (response.result_int() >= 300) {
    Refused(static_cast<int>(response.result_int()), response.body(),
            std::string(response["x-oss-request-id"]));
  }
  return Unquoted(std::string(response[http::field::etag]));
}

void OssClient::Get(const std::string& bucket, const std::string& key,
                    const std::filesystem::path& to) {
  std::string target = Target(bucket, key);
  std::string date = core::FormatHttpDate(core::SystemClock().Now());
  http::request<http::empty_body> request(http::verb::get, target, 11);
  Prepare(request, address_.host_header, date, Sign("GET", target, "", date));
  if (!to.parent_path().empty()) std::filesystem::create_directories(to.parent_path());
  std::filesystem::path part = to.string() + ".drover-part";
  http::response_parser<http::file_body> parser;
  parser.body_limit(boost::none);
  beast::error_code ec;
  parser.get().body().open(part.c_str(), beast::file_mode::write, ec);
  if (ec) throw std::runtime_error("cannot write " + part.string() + ": " + ec.message());
  if (debug_) debug_("> GET " + target + " (to " + to.string() + ")");
  try {
    Exchange(request, parser);
  } catch (...) {
    parser.get().body().close();
    std::filesystem::remove(part, ec);
    throw;
  }
  auto& response = parser.get();
  response.body().close();
  if (response.result_int() >= 300) {
    std::ifstream in(part);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(part, ec);
    Refused(static_cast<int>(response.result_int()), body,
            std::string(response["x-oss-request-id"]));
  }
  std::filesystem::rename(part, to);
}

void OssClient::Delete(const std::string& bucket, const std::string& key) {
  Call("DELETE", Target(bucket, key));
}

std::string OssClient::Call(const std::string& method, const std::string& target,
                            const std::string& body) {
  std::string date = core::FormatHttpDate(core::SystemClock().Now());
  const std::string type = body.empty() ? "" : "application/xml";
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  Prepare(request, address_.host_header, date, Sign(method, target, type, date));
  if (!type.empty()) request.set(http::field::content_type, type);
  request.body() = body;
  request.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  if (debug_) debug_("> " + method + " " + target + (body.empty() ? "" : "\n> " + body));
  Exchange(request, parser);
  auto& response = parser.get();
  if (debug_) debug_("< " + std::to_string(response.result_int()) + " " + response.body());
  if (response.result_int() >= 300) {
    Refused(static_cast<int>(response.result_int()), response.body(),
            std::string(response["x-oss-request-id"]));
  }
  return response.body();
}

std::string FileMd5Hex(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &n);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace drover::cli::client
