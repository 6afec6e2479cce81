// What every AIWorkSpace handler answers with: a JSON object whose last
// member is the RequestId (the SDK reads it from every response, DELETE
// and stop calls included).
#pragma once

#include <string>
#include <utility>

#include "api/http/dialect.h"
#include "core/json_writer.h"

namespace drover::api::dataset {

// {…what `fill` writes…, "RequestId": …}
template <class Fill>
Response Reply(const Request& r, Fill&& fill) {
  std::string body;
  core::JsonWriter w(body);
  w.BeginObject();
  fill(w);
  w.Member("RequestId", r.request_id).EndObject();
  return Response{200, "application/json;charset=utf-8", std::move(body)};
}

// {"RequestId": …}
inline Response Done(const Request& r) {
  return Reply(r, [](core::JsonWriter&) {});
}

}  // namespace drover::api::dataset
