#include "api/http/params.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "core/error.h"
#include "text/text.h"

namespace drover::api {

const std::string* Params::Get(const std::string& name) const {
  auto it = raw_.find(name);
  return it == raw_.end() || it->second.empty() ? nullptr : &it->second;
}

std::optional<int64_t> Params::Int(const std::string& name) const {
  const std::string* v = Get(name);
  if (!v) return std::nullopt;
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size()) {
    core::ThrowInvalid(name, "The parameter " + name + " must be an integer, not \"" + *v + "\".");
  }
  return out;
}

std::optional<bool> Params::Bool(const std::string& name) const {
  const std::string* v = Get(name);
  if (!v) return std::nullopt;
  std::string folded = text::Fold(*v);
  if (folded == "true") return true;
  if (folded == "false") return false;
  core::ThrowInvalid(name, "The parameter " + name + " must be true or false, not \"" + *v + "\".");
}

std::optional<core::TimeMs> Params::Time(const std::string& name) const {
  const std::string* v = Get(name);
  if (!v) return std::nullopt;
  std::optional<core::TimeMs> t = core::ParseIso8601(*v);
  if (!t) {
    core::ThrowInvalid(
        name, "The parameter " + name +
                  " must be an ISO-8601 UTC time such as 2025-04-16T07:25:34Z, not \"" + *v +
                  "\".");
  }
  return t;
}

uint64_t Fingerprint(const std::map<std::string, std::string>& raw,
                     std::initializer_list<std::string_view> ignored) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a over name, value pairs
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // a separator no UTF-8 text contains
  };
  for (const auto& [name, value] : raw) {
    if (value.empty() || std::find(ignored.begin(), ignored.end(), name) != ignored.end()) continue;
    mix(name);
    mix(value);
  }
  return h;
}

boost::json::object ParseJsonObject(std::string_view body, const std::string& param) {
  return ParseJsonObject(body, param, {});
}

boost::json::object ParseJsonObject(std::string_view body, const std::string& param,
                                    boost::json::storage_ptr storage) {
  boost::json::value v;
  try {
    v = boost::json::parse(body.empty() ? std::string_view("{}") : body, std::move(storage));
  } catch (const std::exception&) {
    core::ThrowInvalid(param, "The request body is not valid JSON.");
  }
  if (!v.is_object()) core::ThrowInvalid(param, "The request body must be a JSON object.");
  return std::move(v.as_object());
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    size_t first = item.find_first_not_of(" \t");
    if (first != std::string::npos) {
      out.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
    }
    start = comma + 1;
  }
  return out;
}

std::string JsonScalarText(const boost::json::value& value, const std::string& param) {
  switch (value.kind()) {
    case boost::json::kind::string:
      return std::string(value.get_string());
    case boost::json::kind::int64:
      return std::to_string(value.get_int64());
    case boost::json::kind::uint64:
      return std::to_string(value.get_uint64());
    case boost::json::kind::double_:
      return boost::json::serialize(value);
    case boost::json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    default:
      core::ThrowInvalid(param, "The parameter " + param + " must hold strings.");
  }
}

const boost::json::value* Fields::Find(const std::string& name) const {
  const boost::json::value* v = object_.if_contains(name);
  return v && !v->is_null() ? v : nullptr;
}

std::optional<std::string> Fields::String(const std::string& name) const {
  const boost::json::value* v = Find(name);
  if (!v) return std::nullopt;
  if (v->is_object() || v->is_array()) {
    core::ThrowInvalid(Name(name), "The parameter " + Name(name) + " must be a string.");
  }
  return JsonScalarText(*v, Name(name));
}

std::optional<int64_t> Fields::Int(const std::string& name) const {
  const boost::json::value* v = Find(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= INT64_MAX) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double() &&
      v->get_double() == static_cast<double>(static_cast<int64_t>(v->get_double()))) {
    return static_cast<int64_t>(v->get_double());
  }
  if (v->is_string()) {
    std::map<std::string, std::string> one{{Name(name), std::string(v->get_string())}};
    if (std::optional<int64_t> parsed = Params(one).Int(Name(name))) return parsed;
  }
  core::ThrowInvalid(Name(name), "The parameter " + Name(name) + " must be an integer.");
}

std::optional<bool> Fields::Bool(const std::string& name) const {
  const boost::json::value* v = Find(name);
  if (!v) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  if (v->is_string()) {
    std::map<std::string, std::string> one{{Name(name), std::string(v->get_string())}};
    if (std::optional<bool> parsed = Params(one).Bool(Name(name))) return parsed;
  }
  core::ThrowInvalid(Name(name), "The parameter " + Name(name) + " must be true or false.");
}

const boost::json::object* Fields::Object(const std::string& name) const {
  const boost::json::value* v = Find(name);
  if (!v) return nullptr;
  if (!v->is_object()) {
    core::ThrowInvalid(Name(name), "The parameter " + Name(name) + " must be an object.");
  }
  return &v->get_object();
}

const boost::json::array* Fields::Array(const std::string& name) const {
  const boost::json::value* v = Find(name);
  if (!v) return nullptr;
  if (!v->is_array()) {
    core::ThrowInvalid(Name(name), "The parameter " + Name(name) + " must be an array.");
  }
  return &v->get_array();
}

std::map<std::string, std::string> Fields::StringMap(const std::string& name) const {
  std::map<std::string, std::string> out;
  if (const boost::json::object* o = Object(name)) {
    for (const auto& kv : *o) {
      if (kv.value().is_null()) continue;
      out[std::string(kv.key())] =
          JsonScalarText(kv.value(), Name(name) + "." + std::string(kv.key()));
    }
  }
  return out;
}

Paging ParsePaging(const Params& p, int64_t default_size, int64_t max_size) {
  int64_t page_number = p.Int("PageNumber").value_or(1);
  int64_t page_size = p.Int("PageSize").value_or(default_size);
  if (page_number < 1) core::ThrowInvalid("PageNumber", "PageNumber must be at least 1.");
  if (page_size < 1 || page_size > max_size) {
    core::ThrowInvalid("PageSize", "PageSize must be from 1 to " + std::to_string(max_size) + ".");
  }
  int64_t offset =
      (page_number - 1) > INT64_MAX / page_size ? INT64_MAX : (page_number - 1) * page_size;
  return {offset, page_size};
}

std::optional<bool> ParseDescending(const Params& p, std::string_view spelled) {
  const std::string* order = p.Get("Order");
  if (!order) return std::nullopt;
  std::string folded = text::Fold(*order);
  if (folded != "asc" && folded != "desc") {
    core::ThrowInvalid("Order", "Order must be " + std::string(spelled) + ".");
  }
  return folded == "desc";
}

}  // namespace drover::api
