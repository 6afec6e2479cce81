// Typed reading of query parameters and JSON body fields, shared by the
// dialects: a bad value throws core::Error(kInvalidArgument) naming the
// parameter, which each dialect renders in its own format. An empty query
// value counts as not given.
#pragma once

#include <boost/json/fwd.hpp>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace drover::api {

class Params {
 public:
  explicit Params(const std::map<std::string, std::string>& raw) : raw_(raw) {}

  // The value, or nullptr when absent or empty.
  const std::string* Get(const std::string& name) const;
  // A decimal integer; throws for anything else.
  std::optional<int64_t> Int(const std::string& name) const;
  // "true" / "false" (any case); throws for anything else.
  std::optional<bool> Bool(const std::string& name) const;
  // An ISO-8601 date-time; throws for anything else.
  std::optional<core::TimeMs> Time(const std::string& name) const;

 private:
  const std::map<std::string, std::string>& raw_;
};

// PageNumber (from 1, default 1) and PageSize (1 to `max_size`, default
// `default_size`) as an offset and a limit; throws for values out of range.
struct Paging {
  int64_t offset = 0;
  int64_t limit = 0;
};
Paging ParsePaging(const Params& p, int64_t default_size, int64_t max_size);

// Order: asc or desc, in any case; nullopt when absent. Throws otherwise,
// naming the two values as the vendor spells them (`spelled`: "asc or desc").
std::optional<bool> ParseDescending(const Params& p, std::string_view spelled);

// A hash of every parameter but the `ignored` ones (paging): continuation
// tokens carry it, so a token is accepted back only with its own query.
uint64_t Fingerprint(const std::map<std::string, std::string>& raw,
                     std::initializer_list<std::string_view> ignored);

// Typed reading of a JSON object's fields (a request body or a nested
// object). `prefix` names the object in errors ("JobSpecs[0].").
// Absent and null fields read as nullopt/nullptr.
class Fields {
 public:
  Fields(const boost::json::object& object, std::string prefix = {})
      : object_(object), prefix_(std::move(prefix)) {}

  // A string; numbers and booleans are accepted as their text.
  std::optional<std::string> String(const std::string& name) const;
  // An integer, or a string of digits.
  std::optional<int64_t> Int(const std::string& name) const;
  // true/false, or the strings "true"/"false".
  std::optional<bool> Bool(const std::string& name) const;
  const boost::json::object* Object(const std::string& name) const;
  const boost::json::array* Array(const std::string& name) const;
  // An object of scalars as a string map.
  std::map<std::string, std::string> StringMap(const std::string& name) const;

  std::string Name(const std::string& name) const { return prefix_ + name; }

 private:
  const boost::json::value* Find(const std::string& name) const;

  const boost::json::object& object_;
  std::string prefix_;
};

// A request body that must be a JSON object (an empty body is {}); throws
// naming `param` for invalid JSON or another kind of value. The tree is
// allocated from `storage` (the default heap, or an arena the caller keeps).
boost::json::object ParseJsonObject(std::string_view body, const std::string& param);
boost::json::object ParseJsonObject(std::string_view body, const std::string& param,
                                    boost::json::storage_ptr storage);

// "a, b,,c" → {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& text);

// A JSON string, number or boolean as text ("1", "true"); throws naming
// `param` for objects, arrays and null.
std::string JsonScalarText(const boost::json::value& value, const std::string& param);

}  // namespace drover::api
