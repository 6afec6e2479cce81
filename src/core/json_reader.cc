#include "core/json_reader.h"

#include <charconv>

namespace drover::core {

namespace {

constexpr int kMaxDepth = 64;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

void JsonReader::Fail(const char* what) const {
  throw Error(std::string(what) + " at offset " + std::to_string(pos_));
}

char JsonReader::SkipSpace() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return c;
    ++pos_;
  }
  return 0;
}

void JsonReader::Expect(char c, const char* what) {
  if (SkipSpace() != c) Fail(what);
  ++pos_;
}

void JsonReader::Word(std::string_view word) {
  if (text_.substr(pos_, word.size()) != word) Fail("expected a literal");
  pos_ += word.size();
}

JsonReader::Kind JsonReader::Peek() {
  switch (SkipSpace()) {
    case '{':
      return Kind::kObject;
    case '[':
      return Kind::kArray;
    case '"':
      return Kind::kString;
    case 't':
    case 'f':
      return Kind::kBool;
    case 'n':
      return Kind::kNull;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
      return Kind::kNumber;
    case 0:
      Fail("unexpected end of text");
    default:
      Fail("unexpected character");
  }
}

// ---- containers ------------------------------------------------------------

void JsonReader::BeginObject() {
  Expect('{', "expected an object");
  after_open_ = true;
}

// Past the comma before the container's next member or element; false
// (and past the close) at its end.
bool JsonReader::NextIn(char close, const char* expected) {
  char c = SkipSpace();
  bool first = after_open_;
  after_open_ = false;
  if (c == close) {
    ++pos_;
    return false;
  }
  if (!first) {
    if (c != ',') Fail(expected);
    ++pos_;
  }
  return true;
}

bool JsonReader::NextKey(std::string_view& key) {
  if (!NextIn('}', "expected ',' or '}'")) return false;
  if (SkipSpace() != '"') Fail("expected a key");
  key = RawString(key_scratch_);
  Expect(':', "expected ':'");
  return true;
}

void JsonReader::BeginArray() {
  Expect('[', "expected an array");
  after_open_ = true;
}

bool JsonReader::NextElement() { return NextIn(']', "expected ',' or ']'"); }

// ---- scalars ---------------------------------------------------------------

// At the opening quote. Returns the contents: a view of the text when there
// are no escapes, else `scratch` holding them unescaped.
std::string_view JsonReader::RawString(std::string& scratch) {
  ++pos_;
  size_t start = pos_;
  size_t end = FindJsonSpecial(text_, pos_);
  if (end < text_.size() && text_[end] == '"') {
    pos_ = end + 1;
    return text_.substr(start, end - start);
  }
  scratch.assign(text_.data() + start, end - start);
  pos_ = end;
  for (;;) {
    if (pos_ >= text_.size()) Fail("unterminated string");
    char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      return scratch;
    }
    if (static_cast<unsigned char>(c) < 0x20) Fail("control character in a string");
    // c is a backslash.
    if (pos_ + 1 >= text_.size()) Fail("unterminated string");
    char e = text_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        scratch += e;
        break;
      case 'b':
        scratch += '\b';
        break;
      case 'f':
        scratch += '\f';
        break;
      case 'n':
        scratch += '\n';
        break;
      case 'r':
        scratch += '\r';
        break;
      case 't':
        scratch += '\t';
        break;
      case 'u': {
        auto hex4 = [this]() -> uint32_t {
          if (pos_ + 4 > text_.size()) Fail("short \\u escape");
          uint32_t v = 0;
          for (int i = 0; i < 4; ++i) {
            int d = HexDigit(text_[pos_ + i]);
            if (d < 0) Fail("bad \\u escape");
            v = v << 4 | static_cast<uint32_t>(d);
          }
          pos_ += 4;
          return v;
        };
        uint32_t cp = hex4();
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (text_.substr(pos_, 2) != "\\u") Fail("unpaired surrogate");
          pos_ += 2;
          uint32_t low = hex4();
          if (low < 0xDC00 || low > 0xDFFF) Fail("unpaired surrogate");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          Fail("unpaired surrogate");
        }
        AppendUtf8(scratch, cp);
        break;
      }
      default:
        Fail("bad escape");
    }
    size_t next = FindJsonSpecial(text_, pos_);
    scratch.append(text_.data() + pos_, next - pos_);
    pos_ = next;
  }
}

void JsonReader::String(std::string& out) {
  if (SkipSpace() != '"') Fail("expected a string");
  std::string_view s = RawString(out);
  if (s.data() != out.data()) out.assign(s);
}

std::string JsonReader::String() {
  std::string out;
  String(out);
  return out;
}

// The characters of a number, checked against JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
std::string_view JsonReader::NumberText() {
  SkipSpace();
  size_t start = pos_;
  auto digits = [this] {
    size_t from = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ - from;
  };
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  size_t int_start = pos_;
  size_t n = digits();
  if (n == 0) Fail("expected a number");
  if (n > 1 && text_[int_start] == '0') Fail("leading zero");
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (digits() == 0) Fail("expected a digit");
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (digits() == 0) Fail("expected a digit");
  }
  return text_.substr(start, pos_ - start);
}

int64_t JsonReader::Int() {
  std::string_view s = NumberText();
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) Fail("expected a 64-bit integer");
  return v;
}

uint64_t JsonReader::Uint() {
  std::string_view s = NumberText();
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) Fail("expected an unsigned integer");
  return v;
}

bool JsonReader::Bool() {
  char c = SkipSpace();
  if (c == 't') {
    Word("true");
    return true;
  }
  if (c != 'f') Fail("expected true or false");
  Word("false");
  return false;
}

bool JsonReader::TryNull() {
  if (SkipSpace() != 'n') return false;
  Word("null");
  return true;
}

// ---- any value -------------------------------------------------------------

void JsonReader::SkipValue(int depth) {
  if (depth > kMaxDepth) Fail("nested too deeply");
  switch (Peek()) {
    case Kind::kObject: {
      BeginObject();
      for (std::string_view key; NextKey(key);) SkipValue(depth + 1);
      break;
    }
    case Kind::kArray:
      BeginArray();
      while (NextElement()) SkipValue(depth + 1);
      break;
    case Kind::kString:
      RawString(value_scratch_);
      break;
    case Kind::kNumber:
      NumberText();
      break;
    case Kind::kBool:
      Bool();
      break;
    case Kind::kNull:
      Word("null");
      break;
  }
}

std::string_view JsonReader::Skip() {
  SkipSpace();
  size_t start = pos_;
  SkipValue(0);
  return text_.substr(start, pos_ - start);
}

bool JsonReader::AtEnd() { return SkipSpace() == 0; }

}  // namespace drover::core
