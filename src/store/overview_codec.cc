#include "store/overview_codec.h"

#include <boost/json.hpp>

#include "core/error.h"

namespace drover::store {

namespace json = boost::json;

namespace {

json::object Resource(const core::ResourceSample& r) {
  return {{"c", r.capacity}, {"a", r.allocated}};
}

core::ResourceSample ReadResource(const json::value* v) {
  core::ResourceSample r;
  if (!v) return r;
  const json::object& o = v->as_object();
  if (auto* c = o.if_contains("c")) r.capacity = c->to_number<int64_t>();
  if (auto* a = o.if_contains("a")) r.allocated = a->to_number<int64_t>();
  return r;
}

int64_t Int(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v ? v->to_number<int64_t>() : 0;
}

}  // namespace

std::string EncodeOverviewSample(const core::OverviewSample& s) {
  json::object tenants;
  for (const auto& [name, t] : s.tenants) {
    json::object statuses;
    for (const auto& [status, count] : t.jobs_by_status) statuses[status] = count;
    tenants[name] = json::object{{"j", std::move(statuses)},
                                 {"s", t.submitted},
                                 {"f", t.finished},
                                 {"q", t.queued},
                                 {"w", t.longest_wait_ms}};
  }
  return json::serialize(json::object{{"m", s.time},
                                      {"t", std::move(tenants)},
                                      {"cpu", Resource(s.cpu_milli)},
                                      {"mem", Resource(s.memory_bytes)},
                                      {"gpu", Resource(s.gpus)}});
}

core::OverviewSample DecodeOverviewSample(std::string_view document) {
  try {
    json::object o = json::parse(document).as_object();
    core::OverviewSample s;
    s.time = Int(o, "m");
    if (const json::value* tenants = o.if_contains("t")) {
      for (const auto& [name, v] : tenants->as_object()) {
        const json::object& t = v.as_object();
        core::TenantSample& out = s.tenants[std::string(name)];
        if (const json::value* jobs = t.if_contains("j")) {
          for (const auto& [status, count] : jobs->as_object())
            out.jobs_by_status[std::string(status)] = count.to_number<int64_t>();
        }
        out.submitted = Int(t, "s");
        out.finished = Int(t, "f");
        out.queued = Int(t, "q");
        out.longest_wait_ms = Int(t, "w");
      }
    }
    s.cpu_milli = ReadResource(o.if_contains("cpu"));
    s.memory_bytes = ReadResource(o.if_contains("mem"));
    s.gpus = ReadResource(o.if_contains("gpu"));
    return s;
  } catch (const std::exception& e) {
    throw core::Error(core::ErrorCode::kInternal,
                      std::string("a stored overview sample is unreadable: ") + e.what());
  }
}

}  // namespace drover::store
