// JsonReader: reads JSON text front to back without building a tree (a pull
// parser), for hot paths that know the shape they expect: decoding stored
// jobs (once per job at start-up, fifty times per list page) and copying a
// client's pass-through members into a response.
//
// The caller asks for what comes next. Anything else, and any malformed
// text, throws JsonReader::Error with the offset. Strings come back
// unescaped; UTF-8 is passed through, not validated. Skip returns a value's
// raw text, checked. The reader views `text`; the caller keeps it alive.
//
//   JsonReader r(text);
//   r.BeginObject();
//   for (std::string_view key; r.NextKey(key);) {
//     if (key == "n") n = r.Int(); else r.Skip();
//   }
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace drover::core {

// The offset of the first byte at or after `from` that a JSON string cannot
// hold as it is (a quote, a backslash, a control character), or s.size().
// Eight bytes at a time, inline: readers and writers spend their time here,
// mostly on short strings.
inline size_t FindJsonSpecial(std::string_view s, size_t from) {
  // SWAR: a byte of `w` is flagged when it is below 0x20 or equals '"' or
  // '\\'. Borrows can only flag bytes above a truly flagged one, so the
  // lowest flag is exact.
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    uint64_t quote = w ^ (kOnes * '"');
    uint64_t backslash = w ^ (kOnes * '\\');
    uint64_t flags = (((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) |
                      ((backslash - kOnes) & ~backslash)) &
                     kHigh;
    if (flags) return i + static_cast<size_t>(std::countr_zero(flags)) / 8;
  }
  for (; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return i;
  }
  return s.size();
}

class JsonReader {
 public:
  struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  enum class Kind { kObject, kArray, kString, kNumber, kBool, kNull };

  explicit JsonReader(std::string_view text) : text_(text) {}

  // The kind of the next value; throws at the end of the text or on a
  // character no value starts with.
  Kind Peek();

  // An object: BeginObject, then NextKey before each member's value until it
  // returns false (it consumes the closing brace). `key` stays valid until
  // the next call on this reader.
  void BeginObject();
  bool NextKey(std::string_view& key);
  // An array: BeginArray, then NextElement before each element until it
  // returns false (it consumes the closing bracket).
  void BeginArray();
  bool NextElement();

  std::string String();
  void String(std::string& out);  // assigns, reusing out's buffer
  int64_t Int();                  // an integer that fits; 1.5, 1e3 throw
  uint64_t Uint();
  bool Bool();
  // Consumes `null` and returns true; otherwise consumes nothing.
  bool TryNull();
  // Any value, nested to at most 64 levels; returns its text.
  std::string_view Skip();

  // Only whitespace is left.
  bool AtEnd();
  // Where the reader is, to read a part again from there.
  size_t Position() const { return pos_; }
  void Seek(size_t pos) {
    pos_ = pos;
    after_open_ = false;
  }

 private:
  [[noreturn]] void Fail(const char* what) const;
  char SkipSpace();  // the next significant character, not consumed; 0 at the end
  void Expect(char c, const char* what);
  bool NextIn(char close, const char* expected);
  void Word(std::string_view word);
  std::string_view RawString(std::string& scratch);  // unescaped contents
  std::string_view NumberText();
  void SkipValue(int depth);

  std::string_view text_;
  size_t pos_ = 0;
  // The container was just opened: its first member needs no comma.
  bool after_open_ = false;
  std::string key_scratch_;    // a key with escapes, unescaped
  std::string value_scratch_;  // a skipped string's, so the key stays valid
};

}  // namespace drover::core
