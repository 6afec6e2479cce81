#include "cli/client/api_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <chrono>

#include "auth/acs3.h"
#include "auth/canonical.h"
#include "auth/crypto.h"
#include "core/time.h"

namespace drover::cli::client {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr auto kTimeout = std::chrono::seconds(30);

std::string Text(const boost::json::value& v, const char* key) {
  const boost::json::object* o = v.if_object();
  if (!o) return "";
  const boost::json::value* field = o->if_contains(key);
  if (!field || !field->is_string()) return "";
  return std::string(field->as_string());
}

}  // namespace

ApiClient::ApiClient(Profile profile, std::function<void(const std::string&)> debug)
    : profile_(std::move(profile)),
      address_(AddressOf(profile_.endpoint)),
      debug_(std::move(debug)) {}

boost::json::value ApiClient::Pai(const std::string& action, const std::string& version,
                                  const std::string& method, const std::string& path,
                                  const Query& query, const std::string& body) {
  std::string target = path;
  for (size_t i = 0; i < query.size(); ++i) {
    target += (i == 0 ? "?" : "&") + auth::Rfc3986Encode(query[i].first) + "=" +
              auth::Rfc3986Encode(query[i].second);
  }
  // Signed as @alicloud/openapi-client signs (ACS3-HMAC-SHA256): host,
  // content-type and every x-acs- header.
  auth::SignedRequest signed_request{method, target, {}, body};
  auto& h = signed_request.headers;
  h["host"] = address_.host_header;
  h["x-acs-action"] = action;
  h["x-acs-version"] = version;
  h["x-acs-date"] = core::FormatIso8601(core::SystemClock().Now());
  h["x-acs-signature-nonce"] = auth::RandomHex(16);
  h["x-acs-content-sha256"] = auth::Sha256Hex(body);
  if (!body.empty()) h["content-type"] = "application/json";
  std::vector<std::string> names;
  for (const auto& [name, value] : h) names.push_back(name);  // sorted: a std::map
  std::string signed_names;
  for (const std::string& name : names) signed_names += (signed_names.empty() ? "" : ";") + name;

  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  for (const auto& [name, value] : h) request.set(name, value);
  request.set(http::field::accept, "application/json");
  request.set(http::field::user_agent, "drover-cli");
  if (!profile_.access_key_id.empty()) {
    request.set(
        http::field::authorization,
        "ACS3-HMAC-SHA256 Credential=" + profile_.access_key_id + ",SignedHeaders=" + signed_names +
            ",Signature=" + auth::Acs3Signature(signed_request, names, profile_.access_key_secret));
  }
  request.body() = body;
  request.prepare_payload();
  if (debug_)
    debug_("> " + method + " " + profile_.endpoint + target + (body.empty() ? "" : "\n> " + body));

  http::response<http::string_body> response;
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(kTimeout);
    stream.connect(resolver.resolve(address_.host, address_.port));
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 << 20);
    http::read(stream, buffer, parser);
    response = parser.release();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  } catch (const std::exception& e) {
    throw ApiError(0, "ConnectionFailed",
                   "cannot reach " + profile_.endpoint + ": " + std::string(e.what()), "");
  }
  int status = static_cast<int>(response.result_int());
  if (debug_) debug_("< " + std::to_string(status) + " " + response.body());
  boost::json::value answer;
  boost::system::error_code parse_error;
  answer = boost::json::parse(response.body(), parse_error);
  if (status < 200 || status >= 300) {
    std::string message = Text(answer, "Message");
    throw ApiError(status, Text(answer, "Code"),
                   message.empty() ? "HTTP " + std::to_string(status) : message,
                   Text(answer, "RequestId"));
  }
  if (parse_error) {
    throw ApiError(status, "BadAnswer", "the answer is not JSON: " + parse_error.message(),
                   std::string(response["x-acs-request-id"]));
  }
  return answer;
}

}  // namespace drover::cli::client
