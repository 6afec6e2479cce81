// Typed access to a store: a kind's records as its own type. Each kind
// gives a specialization of Codec beside its codec (store/job_codec.h for
// training jobs):
//
//   template <> struct Codec<T> {
//     static constexpr const RecordKind& kKind = …;  // registered in store/kinds.h
//     static uint64_t Number(const T&);
//     static std::string_view PublicId(const T&);
//     static std::string Encode(const T&);
//     static T Decode(std::string_view doc);  // throws core::Error(kInternal)
//   };
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/kinds.h"
#include "store/store.h"

namespace drover::store {

template <class T>
struct Codec;

template <class T>
Mutation Put(const T& record) {
  using C = Codec<T>;
  return Mutation::Put(
      C::kKind.id, Record{C::Number(record), std::string(C::PublicId(record)), C::Encode(record)});
}

template <class T>
Mutation Delete(uint64_t number) {
  return Mutation::Delete(Codec<T>::kKind.id, number);
}

template <class T>
std::optional<T> Get(Store& store, uint64_t number) {
  std::optional<Record> r = store.Get(Codec<T>::kKind.id, number);
  if (!r) return std::nullopt;
  return Codec<T>::Decode(r->doc);
}

template <class T>
std::vector<T> GetMany(Store& store, const std::vector<uint64_t>& numbers) {
  std::vector<T> out;
  std::vector<Record> records = store.GetMany(Codec<T>::kKind.id, numbers);
  out.reserve(records.size());
  for (const Record& r : records) out.push_back(Codec<T>::Decode(r.doc));
  return out;
}

template <class T>
std::optional<T> Find(Store& store, std::string_view public_id) {
  std::optional<Record> r = store.Find(Codec<T>::kKind.id, public_id);
  if (!r) return std::nullopt;
  return Codec<T>::Decode(r->doc);
}

template <class T, class Visit>
void ForEach(Store& store, Visit&& visit) {
  store.ForEach(Codec<T>::kKind.id, [&](const RecordView& r) { visit(Codec<T>::Decode(r.doc)); });
}

template <class T>
uint64_t MaxNumber(Store& store) {
  return store.MaxNumber(Codec<T>::kKind.id);
}

}  // namespace drover::store
