// JsonWriter: appends JSON text to a string as it goes, for responses with
// many items (list pages): no tree of nodes to build, hash and then
// serialize. The caller keeps the structure well-formed (a Key before each
// member's value, Begin/End paired); the writer places the commas.
//
//   JsonWriter w(out);
//   w.BeginObject().Key("Jobs").BeginArray() … .EndArray().Member("TotalCount", 3).EndObject();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace drover::core {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }

  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // A value's JSON text, copied as it is: the caller vouches that it is one
  // well-formed value (core::JsonReader::Skip's result is).
  JsonWriter& Raw(std::string_view json_text);

  // Where the writer is, to look at what was written since (Since) or take
  // it back (Rewind).
  struct Mark {
    size_t size;
    bool need_comma;
    bool after_key;
  };
  Mark Position() const { return {out_.size(), need_comma_, after_key_}; }
  std::string_view Since(Mark mark) const { return std::string_view(out_).substr(mark.size); }
  void Rewind(Mark mark) {
    out_.resize(mark.size);
    need_comma_ = mark.need_comma;
    after_key_ = mark.after_key;
  }

  JsonWriter& Member(std::string_view key, std::string_view s) { return Key(key).String(s); }
  JsonWriter& Member(std::string_view key, const char* s) { return Key(key).String(s); }
  JsonWriter& Member(std::string_view key, const std::string& s) { return Key(key).String(s); }
  JsonWriter& Member(std::string_view key, int64_t v) { return Key(key).Int(v); }
  JsonWriter& Member(std::string_view key, int v) { return Key(key).Int(v); }
  JsonWriter& Member(std::string_view key, bool v) { return Key(key).Bool(v); }

 private:
  void Separate() {
    if (after_key_) {
      after_key_ = false;
    } else if (need_comma_) {
      out_ += ',';
    }
  }
  JsonWriter& Open(char c) {
    Separate();
    out_ += c;
    need_comma_ = false;
    return *this;
  }
  JsonWriter& Close(char c) {
    out_ += c;
    need_comma_ = true;
    return *this;
  }
  void Quoted(std::string_view s);
  template <class Integer>
  JsonWriter& Number(Integer v);

  std::string& out_;
  bool need_comma_ = false;  // a value was written at this level
  bool after_key_ = false;   // the next value is a member's, right after its key
};

}  // namespace drover::core
