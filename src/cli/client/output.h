// Output: how client commands print what the server answered — a table
// for people (-o table, wide), the answer itself for scripts (-o json,
// yaml), or just the names (-o name) — and the small readings of time
// both directions need ("2d" in, "5m" out).
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace drover::cli::client {

enum class Format { kTable, kWide, kJson, kYaml, kName };

// "table", "wide", "json", "yaml" or "name"; throws std::runtime_error.
Format ParseFormat(std::string_view text);

// Columns padded to their widest cell, two spaces apart, no trailing space.
std::string Table(const std::vector<std::string>& headers,
                  const std::vector<std::vector<std::string>>& rows);

// "Key:  value" lines, values aligned, pairs with an empty value left out
// (how `get` shows one object).
std::string Pairs(const std::vector<std::pair<std::string, std::string>>& pairs);
// Pairs of these fields of a JSON object, by their names.
std::string FieldPairs(const boost::json::value& object, const std::vector<const char*>& keys);

// JSON indented by two spaces, one member per line.
std::string PrettyJson(const boost::json::value& value);

// The same value as YAML (block style; strings double-quoted when plain
// would change their meaning).
std::string Yaml(const boost::json::value& value);

// "12.0 MiB", "512 B".
std::string HumanBytes(double bytes);

// "45s", "12m", "3h", "5d" from milliseconds (negative as 0s).
std::string ShortDuration(core::TimeMs ms);

// Milliseconds of "90s", "15m", "2h", "7d" or "1w" (a number and one
// unit); nullopt for anything else.
std::optional<core::TimeMs> ParseDuration(std::string_view text);

// A string member of a JSON object, or "" when absent or not a string
// (numbers are printed).
std::string Field(const boost::json::value& object, std::string_view key);

// How long ago the ISO 8601 time in `field` was ("3m"); "" when it has none.
std::string AgeOf(const boost::json::value& object, std::string_view field);

// The API's answer as -o json or yaml print it; "" for the other formats.
std::string Answer(Format format, const boost::json::value& answer);

}  // namespace drover::cli::client
