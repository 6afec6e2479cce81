#include "cli/client/output.h"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace drover::cli::client {

namespace json = boost::json;

Format ParseFormat(std::string_view text) {
  if (text == "table") return Format::kTable;
  if (text == "wide") return Format::kWide;
  if (text == "json") return Format::kJson;
  if (text == "yaml") return Format::kYaml;
  if (text == "name") return Format::kName;
  throw std::runtime_error("-o must be table, wide, json, yaml or name, not " + std::string(text));
}

namespace {

// Display width: UTF-8 continuation bytes take no column (CJK names count
// one column per character; close enough for alignment in a terminal).
size_t Width(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void PrettyTo(const json::value& v, int indent, std::string& out) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  if (const json::object* o = v.if_object()) {
    if (o->empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    size_t i = 0;
    for (const auto& member : *o) {
      out += pad + "  " + json::serialize(json::value(member.key())) + ": ";
      PrettyTo(member.value(), indent + 1, out);
      out += ++i < o->size() ? ",\n" : "\n";
    }
    out += pad + "}";
  } else if (const json::array* a = v.if_array()) {
    if (a->empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < a->size(); ++i) {
      out += pad + "  ";
      PrettyTo((*a)[i], indent + 1, out);
      out += i + 1 < a->size() ? ",\n" : "\n";
    }
    out += pad + "]";
  } else {
    out += json::serialize(v);
  }
}

// A YAML plain scalar would read back as the same string.
bool Plain(std::string_view s) {
  if (s.empty() || s == "true" || s == "false" || s == "null" || s == "~" || s == "yes" ||
      s == "no" || s == "on" || s == "off") {
    return false;
  }
  if (std::string_view("-?:,[]{}#&*!|>'\"%@` ").find(s.front()) != std::string_view::npos)
    return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  double number = 0;
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (error == std::errc() && end == s.data() + s.size()) return false;  // would read as a number
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (static_cast<unsigned char>(c) < 0x20 || c == '#' ||
        (c == ':' && i + 1 < s.size() && s[i + 1] == ' '))
      return false;
  }
  return true;
}

std::string Scalar(const json::value& v) {
  if (const json::string* s = v.if_string()) {
    return Plain(*s) ? std::string(*s) : json::serialize(v);  // JSON escapes are YAML's
  }
  return json::serialize(v);
}

bool Nested(const json::value& v) {
  return (v.is_object() && !v.as_object().empty()) || (v.is_array() && !v.as_array().empty());
}

void YamlTo(const json::value& v, int indent, std::string& out);

// One mapping's members; the first line's indentation is already written
// when `first_inline` (a member of a sequence item).
void YamlMembers(const json::object& o, int indent, bool first_inline, std::string& out) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  bool first = true;
  for (const auto& member : o) {
    if (!(first && first_inline)) out += pad;
    first = false;
    std::string key(member.key());
    out += (Plain(key) ? key : json::serialize(json::value(member.key()))) + ":";
    if (Nested(member.value())) {
      out += "\n";
      YamlTo(member.value(), member.value().is_array() ? indent : indent + 1, out);
    } else {
      out += " " +
             (member.value().is_object()  ? "{}"
              : member.value().is_array() ? "[]"
                                          : Scalar(member.value())) +
             "\n";
    }
  }
}

void YamlTo(const json::value& v, int indent, std::string& out) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  if (const json::object* o = v.if_object()) {
    YamlMembers(*o, indent, false, out);
  } else if (const json::array* a = v.if_array()) {
    for (const json::value& item : *a) {
      out += pad + "- ";
      if (item.is_object() && !item.as_object().empty()) {
        YamlMembers(item.as_object(), indent + 1, true, out);
      } else if (item.is_array() && !item.as_array().empty()) {
        out += "\n";
        YamlTo(item, indent + 1, out);
      } else {
        out += (item.is_object() ? "{}" : item.is_array() ? "[]" : Scalar(item)) + "\n";
      }
    }
  } else {
    out += pad + Scalar(v) + "\n";
  }
}

}  // namespace

std::string Table(const std::vector<std::string>& headers,
                  const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(headers.size());
  for (size_t c = 0; c < headers.size(); ++c) widths[c] = Width(headers[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], Width(row[c]));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      text += cell;
      if (c + 1 < widths.size()) text += std::string(widths[c] - Width(cell) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  line(headers);
  for (const auto& row : rows) line(row);
  return out;
}

std::string Pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : pairs) {
    if (!value.empty()) rows.push_back({key + ":", value});
  }
  return Table({"", ""}, rows).substr(1);  // no header line
}

std::string FieldPairs(const json::value& object, const std::vector<const char*>& keys) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const char* key : keys) pairs.emplace_back(key, Field(object, key));
  return Pairs(pairs);
}

std::string PrettyJson(const json::value& value) {
  std::string out;
  PrettyTo(value, 0, out);
  return out + "\n";
}

std::string Yaml(const json::value& value) {
  std::string out;
  if (Nested(value)) {
    YamlTo(value, 0, out);
  } else {
    out = (value.is_object() ? "{}" : value.is_array() ? "[]" : Scalar(value)) + "\n";
  }
  return out;
}

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::string ShortDuration(core::TimeMs ms) {
  int64_t s = std::max<int64_t>(ms, 0) / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 120 * 60) return std::to_string(s / 60) + "m";
  if (s < 48 * 3600) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::optional<core::TimeMs> ParseDuration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  int64_t n = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (error != std::errc() || end != text.data() + text.size() - 1 || n < 0 ||
      n > 100LL * 365 * 86400) {
    return std::nullopt;
  }
  switch (text.back()) {
    case 's':
      return n * 1000;
    case 'm':
      return n * 60 * 1000;
    case 'h':
      return n * 3600 * 1000;
    case 'd':
      return n * 86400 * 1000;
    case 'w':
      return n * 7 * 86400 * 1000;
    default:
      return std::nullopt;
  }
}

std::string Field(const json::value& object, std::string_view key) {
  const json::object* o = object.if_object();
  if (!o) return "";
  const json::value* v = o->if_contains(key);
  if (!v || v->is_null()) return "";
  if (const json::string* s = v->if_string()) return std::string(*s);
  return json::serialize(*v);
}

std::string AgeOf(const json::value& object, std::string_view field) {
  std::string text = Field(object, field);
  if (text.empty()) return "";
  std::optional<core::TimeMs> at = core::ParseIso8601(text);
  return at ? ShortDuration(core::SystemClock().Now() - *at) : "";
}

std::string Answer(Format format, const json::value& answer) {
  if (format == Format::kJson) return PrettyJson(answer);
  if (format == Format::kYaml) return Yaml(answer);
  return "";
}

}  // namespace drover::cli::client
