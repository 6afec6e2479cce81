// The stored form of an object tag, shared by the codecs that keep tags
// (objects, uploads, batch jobs).
#pragma once

#include "core/object.h"
#include "store/document.h"

namespace drover::store {

template <>
struct Fields<core::ObjectTag> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("k", r.key);
    f("v", r.value);
  }
};

}  // namespace drover::store
