// Documents: the stored form of a record, a compact JSON object with stable
// short keys, written and read by one list of fields per type. A kind's
// codec (store/job_codec.cc, store/dataset_codec.cc) declares that list and
// nothing else:
//
//   template <> struct store::Fields<core::Label> {
//     template <class R, class F> static void Visit(R& r, F&& f) {
//       f("key", r.key);
//       f("value", r.value);
//     }
//   };
//
// One list serves encoding and decoding, so the two can never disagree.
// `R` is `T` or `const T`. Members may be strings, booleans, enums, integers,
// string maps, vectors, and other types with Fields. Fields equal to a
// default-constructed record's are left out (documents stay small) and read
// back as that default. Add fields with a new key; never reuse a key.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/json_reader.h"
#include "core/json_writer.h"

namespace drover::store {

template <class T>
struct Fields;  // specialize for each record type, as above

namespace document {

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

template <class T>
void Write(core::JsonWriter& w, const T& value);
template <class T>
void Read(core::JsonReader& r, T& out);

// The text of each field of a default-constructed T, in visiting order.
template <class T>
const std::vector<std::string>& DefaultTexts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    const T record{};
    Fields<T>::Visit(record, [&](const char*, const auto& value) {
      std::string text;
      core::JsonWriter w(text);
      Write(w, value);
      out.push_back(std::move(text));
    });
    return out;
  }();
  return texts;
}

template <class T>
void WriteRecord(core::JsonWriter& w, const T& record) {
  const std::vector<std::string>& defaults = DefaultTexts<T>();
  size_t field = 0;
  w.BeginObject();
  Fields<T>::Visit(record, [&](const char* key, const auto& value) {
    core::JsonWriter::Mark before = w.Position();
    w.Key(key);
    core::JsonWriter::Mark value_at = w.Position();
    Write(w, value);
    if (w.Since(value_at) == defaults[field]) w.Rewind(before);
    ++field;
  });
  w.EndObject();
}

template <class T>
void Write(core::JsonWriter& w, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    w.String(value);
  } else if constexpr (std::is_same_v<T, bool>) {
    w.Bool(value);
  } else if constexpr (std::is_enum_v<T>) {
    w.Int(static_cast<int64_t>(value));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.Int(value);
  } else if constexpr (std::is_integral_v<T>) {
    w.Uint(value);
  } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
    w.BeginObject();
    for (const auto& [key, item] : value) w.Member(key, item);
    w.EndObject();
  } else if constexpr (IsVector<T>::value) {
    w.BeginArray();
    for (const auto& item : value) Write(w, item);
    w.EndArray();
  } else {
    WriteRecord(w, value);
  }
}

// Reads the members in visiting order: the next field is either the next
// key of the document or absent (left at its default, as the encoder
// left it out).
struct InOrder {
  core::JsonReader& r;
  std::string_view key;
  bool more;
  template <class M>
  void operator()(const char* name, M& member) {
    if (more && key == name) {
      Read(r, member);
      more = r.NextKey(key);
    }
  }
};

// Reads one object into `record`. One pass suffices for what the encoder
// wrote; a document in another order, or with a key this version does not
// know, is read again from the start, member by member, by key.
template <class T>
void ReadRecord(core::JsonReader& r, T& record) {
  size_t start = r.Position();
  r.BeginObject();
  InOrder in{r, {}, false};
  in.more = r.NextKey(in.key);
  Fields<T>::Visit(record, in);
  if (!in.more) return;
  record = T{};
  r.Seek(start);
  r.BeginObject();
  for (std::string_view key; r.NextKey(key);) {
    std::string name(key);
    bool known = false;
    Fields<T>::Visit(record, [&](const char* field, auto& member) {
      if (!known && name == field) {
        Read(r, member);
        known = true;
      }
    });
    if (!known) r.Skip();
  }
}

template <class T>
void Read(core::JsonReader& r, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    r.String(out);
  } else if constexpr (std::is_same_v<T, bool>) {
    out = r.Bool();
  } else if constexpr (std::is_enum_v<T> || (std::is_integral_v<T> && std::is_signed_v<T>)) {
    out = static_cast<T>(r.Int());
  } else if constexpr (std::is_integral_v<T>) {
    out = static_cast<T>(r.Uint());
  } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
    out.clear();  // the member's default may hold entries
    r.BeginObject();
    for (std::string_view key; r.NextKey(key);) {
      std::string name(key);
      r.String(out[std::move(name)]);
    }
  } else if constexpr (IsVector<T>::value) {
    out.clear();
    r.BeginArray();
    while (r.NextElement()) Read(r, out.emplace_back());
  } else {
    ReadRecord(r, out);
  }
}

}  // namespace document

// The document of `record`; `reserve` is a guess at its size.
template <class T>
std::string EncodeDocument(const T& record, size_t reserve = 256) {
  std::string out;
  out.reserve(reserve);
  core::JsonWriter w(out);
  document::WriteRecord(w, record);
  return out;
}

// Reads a document written by EncodeDocument. Throws core::Error(kInternal)
// naming `what` ("job") when it is not one.
template <class T>
T DecodeDocument(std::string_view text, std::string_view what) {
  try {
    core::JsonReader r(text);
    T record;
    document::ReadRecord(r, record);
    if (!r.AtEnd()) throw core::JsonReader::Error("text after the document");
    return record;
  } catch (const std::exception& e) {
    throw core::Error(core::ErrorCode::kInternal,
                      "corrupt stored " + std::string(what) + ": " + e.what());
  }
}

}  // namespace drover::store
