#include "service/model_endpoint.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <stdexcept>

#include "core/base64.h"
#include "core/utf8.h"

namespace drover::service {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr char kTagPrompt[] =
    "List the objects, scenes and attributes in this image as short tags, separated by "
    "commas. Answer with the tags only.";

std::string Trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n\"'.*-");
  if (start == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n\"'.*");
  return std::string(text.substr(start, end - start + 1));
}

}  // namespace

ModelEndpoint::ModelEndpoint(ModelEndpointConfig config) : config_(std::move(config)) {
  const std::string& url = config_.base_url;
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    throw std::runtime_error("the model endpoint " + url +
                             " is not an http:// URL (Drover calls model servers over plain "
                             "HTTP on their own network)");
  }
  std::string rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  prefix_ = slash == std::string::npos ? "" : rest.substr(slash);
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  size_t colon = authority.rfind(':');
  host_ = colon == std::string::npos ? authority : authority.substr(0, colon);
  port_ = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (host_.empty()) throw std::runtime_error("the model endpoint " + url + " names no host");
}

std::string ModelEndpoint::Post(const std::string& path, const std::string& body) {
  std::string where = config_.base_url + path;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::milliseconds(config_.timeout_ms));
    tcp::resolver resolver(io);
    stream.connect(resolver.resolve(host_, port_));
    http::request<http::string_body> request(http::verb::post, prefix_ + path, 11);
    request.set(http::field::host, host_ + ":" + port_);
    request.set(http::field::content_type, "application/json");
    request.set(http::field::user_agent, "drover");
    if (!config_.api_key.empty()) {
      request.set(http::field::authorization, "Bearer " + config_.api_key);
    }
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    const auto& response = parser.get();
    if (response.result() != http::status::ok) {
      std::string text = core::ToValidUtf8(response.body().substr(0, 512));
      throw std::runtime_error("answered " + std::to_string(response.result_int()) + ": " + text);
    }
    return response.body();
  } catch (const std::exception& e) {
    throw std::runtime_error("the model endpoint " + where + " " + e.what());
  }
}

std::vector<std::string> ModelEndpoint::TagsOf(const std::string& answer) {
  // Chinese commas separate too.
  std::string text = answer;
  for (std::string_view wide : {"\uff0c", "\u3001"}) {
    for (size_t at = text.find(wide); at != std::string::npos; at = text.find(wide, at)) {
      text.replace(at, wide.size(), ",");
    }
  }
  std::vector<std::string> tags;
  std::set<std::string> seen;
  size_t start = 0;
  while (tags.size() < kMaxTags) {
    size_t end = text.find_first_of(",\n", start);
    std::string tag = Trim(std::string_view(text).substr(
        start, end == std::string::npos ? std::string::npos : end - start));
    if (!tag.empty() && tag.size() <= kMaxTagBytes && core::IsValidUtf8(tag) &&
        seen.insert(tag).second) {
      tags.push_back(std::move(tag));
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return tags;
}

std::vector<std::string> ModelEndpoint::TagImage(const std::string& bytes,
                                                 const std::string& content_type) {
  json::array content{
      json::object{{"type", "text"}, {"text", kTagPrompt}},
      json::object{{"type", "image_url"},
                   {"image_url", json::object{{"url", "data:" + content_type + ";base64," +
                                                          core::Base64Encode(bytes)}}}}};
  json::object request{
      {"model", config_.model},
      {"temperature", 0},
      {"messages", json::array{json::object{{"role", "user"}, {"content", std::move(content)}}}}};
  std::string answer = Post("/chat/completions", json::serialize(request));
  try {
    json::value doc = json::parse(answer);
    const json::value& text = doc.at("choices").at(0).at("message").at("content");
    if (!text.is_string()) throw std::runtime_error("content is not a string");
    return TagsOf(std::string(text.get_string()));
  } catch (const std::exception& e) {
    throw std::runtime_error("the model endpoint " + config_.base_url +
                             "/chat/completions answered no chat completion: " + e.what());
  }
}

std::vector<float> ModelEndpoint::EmbedImage(const std::string& bytes,
                                             const std::string& content_type) {
  json::array content{
      json::object{{"type", "image_url"},
                   {"image_url", json::object{{"url", "data:" + content_type + ";base64," +
                                                          core::Base64Encode(bytes)}}}},
      json::object{{"type", "text"}, {"text", "Represent this image."}}};
  json::object request{
      {"model", config_.model},
      {"encoding_format", "float"},
      {"messages", json::array{json::object{{"role", "user"}, {"content", std::move(content)}}}}};
  return Vectors(Post("/embeddings", json::serialize(request)), 1).at(0);
}

std::vector<std::vector<float>> ModelEndpoint::Embed(const std::vector<std::string>& texts) {
  json::array input;
  for (const std::string& t : texts) input.push_back(json::string(core::ToValidUtf8(t)));
  json::object request{
      {"model", config_.model}, {"encoding_format", "float"}, {"input", std::move(input)}};
  return Vectors(Post("/embeddings", json::serialize(request)), texts.size());
}

std::vector<std::vector<float>> ModelEndpoint::Vectors(const std::string& answer, size_t count) {
  std::vector<std::vector<float>> out(count);
  try {
    json::value doc = json::parse(answer);
    int64_t position = 0;
    for (const json::value& item : doc.at("data").as_array()) {
      const json::value* given = item.as_object().if_contains("index");
      int64_t index = given ? given->to_number<int64_t>() : position;
      ++position;
      if (index < 0 || static_cast<size_t>(index) >= out.size()) {
        throw std::runtime_error("an embedding's index is out of range");
      }
      const json::array& values = item.at("embedding").as_array();
      if (values.size() > kMaxDimensions) {
        throw std::runtime_error("an embedding has more than " + std::to_string(kMaxDimensions) +
                                 " dimensions");
      }
      for (const json::value& x : values) {
        out[static_cast<size_t>(index)].push_back(static_cast<float>(x.to_number<double>()));
      }
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("the model endpoint " + config_.base_url +
                             "/embeddings answered no embeddings: " + e.what());
  }
  for (const auto& v : out) {
    if (v.empty() || v.size() != out[0].size()) {
      throw std::runtime_error("the model endpoint " + config_.base_url +
                               "/embeddings answered vectors of differing sizes");
    }
  }
  return out;
}

}  // namespace drover::service
