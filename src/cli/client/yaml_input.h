// A request body written by a person: YAML (or JSON, which YAML reads as
// well) turned into the JSON the API takes. Plain scalars are typed as
// YAML 1.2's core schema types them (true/false, null or ~, integers,
// floats; anything else a string); a quoted scalar is always a string.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace drover::cli::client {

// Throws std::runtime_error naming the line of a YAML syntax error.
boost::json::value YamlToJson(const std::string& text);

}  // namespace drover::cli::client
