#include "cli/client/yaml_input.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <regex>
#include <stdexcept>

namespace drover::cli::client {

namespace json = boost::json;

namespace {

json::value Scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return json::value(text);  // quoted: a string, whatever it reads
  if (text == "true" || text == "True" || text == "TRUE") return json::value(true);
  if (text == "false" || text == "False" || text == "FALSE") return json::value(false);
  if (text.empty() || text == "null" || text == "Null" || text == "NULL" || text == "~") {
    return json::value(nullptr);
  }
  static const std::regex kInteger("[-+]?[0-9]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, kInteger)) {
    int64_t n = 0;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    auto [end, error] = std::from_chars(begin, text.data() + text.size(), n);
    if (error == std::errc() && end == text.data() + text.size()) return json::value(n);
    return json::value(text);  // beyond int64: kept as written
  }
  if (std::regex_match(text, kFloat)) return json::value(std::stod(text));
  return json::value(text);
}

json::value Convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json::object o;
      for (const auto& member : node) o[member.first.as<std::string>()] = Convert(member.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json::array a;
      for (const auto& item : node) a.push_back(Convert(item));
      return a;
    }
    case YAML::NodeType::Scalar:
      return Scalar(node);
    default:
      return nullptr;
  }
}

}  // namespace

json::value YamlToJson(const std::string& text) {
  try {
    return Convert(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("not YAML: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace drover::cli::client
