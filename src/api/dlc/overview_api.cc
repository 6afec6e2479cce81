#include "api/dlc/overview_api.h"

#include <boost/json.hpp>

#include "api/http/params.h"

namespace drover::api::dlc {

namespace json = boost::json;

namespace {

json::object Resource(const core::ResourceSample& r, double unit) {
  return {{"Capacity", static_cast<double>(r.capacity) / unit},
          {"Allocated", static_cast<double>(r.allocated) / unit}};
}

}  // namespace

void AddOverviewRoute(Dialect& dlc, const service::OverviewService& overview) {
  dlc.Add("GET", "/api/v1/drover/overview", "paidlc:GetOverview", auth::Access::kRead,
          [&overview](Request& r, const service::Principal& who) {
            Params p(r.query);
            core::TimeMs now = overview.clock().Now();
            core::TimeMs since = p.Time("Since").value_or(now - 60 * core::kMsPerMinute);
            if (since > now) core::ThrowInvalid("Since", "Since must not be in the future.");
            json::array samples;
            for (const core::OverviewSample& s : overview.Since(since)) {
              core::TenantSample mine;
              if (auto it = s.tenants.find(who.tenant_id); it != s.tenants.end()) mine = it->second;
              json::object jobs;
              for (const auto& [status, count] : mine.jobs_by_status) jobs[status] = count;
              samples.push_back(json::object{
                  {"Time", core::FormatIso8601(s.time)},
                  {"Jobs", std::move(jobs)},
                  {"Submitted", mine.submitted},
                  {"Finished", mine.finished},
                  {"Queued", mine.queued},
                  {"LongestWaitSeconds", mine.longest_wait_ms / core::kMsPerSecond},
                  {"CPU", Resource(s.cpu_milli, 1000)},
                  {"Memory", Resource(s.memory_bytes, 1)},
                  {"GPU", Resource(s.gpus, 1)},
              });
            }
            json::object body{{"Interval", overview.interval() / core::kMsPerSecond},
                              {"Samples", std::move(samples)},
                              {"RequestId", r.request_id}};
            return Response{200, "application/json;charset=utf-8", json::serialize(body)};
          });
}

}  // namespace drover::api::dlc
