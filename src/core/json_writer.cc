#include "core/json_writer.h"

#include <charconv>

#include "core/json_reader.h"

namespace drover::core {

JsonWriter& JsonWriter::Key(std::string_view key) {
  Separate();
  Quoted(key);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  Separate();
  Quoted(s);
  need_comma_ = true;
  return *this;
}

template <class Integer>
JsonWriter& JsonWriter::Number(Integer v) {
  Separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, end);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t v) { return Number(v); }
JsonWriter& JsonWriter::Uint(uint64_t v) { return Number(v); }

JsonWriter& JsonWriter::Bool(bool v) {
  Separate();
  out_ += v ? "true" : "false";
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_ += "null";
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json_text) {
  Separate();
  out_ += json_text;
  need_comma_ = true;
  return *this;
}

// Escapes what JSON requires (quote, backslash, control characters);
// UTF-8 passes through. Runs without escapes are appended whole.
void JsonWriter::Quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_ += '"';
  size_t run = 0;
  for (size_t i = core::FindJsonSpecial(s, 0); i < s.size(); i = core::FindJsonSpecial(s, run)) {
    out_.append(s.data() + run, i - run);
    run = i + 1;
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      default:
        out_ += "\\u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 15];
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
}

}  // namespace drover::core
