#include "api/dlc/dlc_api.h"

#include <boost/json.hpp>

#include "api/dlc/errors.h"
#include "api/dlc/job_json.h"
#include "api/dlc/list_params.h"
#include "api/http/params.h"
#include "auth/acs3.h"
#include "auth/roa_v1.h"

namespace drover::api::dlc {

namespace json = boost::json;

namespace {

constexpr char kJsonType[] = "application/json;charset=utf-8";

Response Ok(const Request& request, json::object body) {
  body["RequestId"] = request.request_id;
  return Response{200, kJsonType, json::serialize(body)};
}

Response JobIdReply(const Request& request, const std::string& job_id) {
  return Ok(request, json::object{{"JobId", job_id}});
}

// What GetJobEvents and GetPodEvents share: StartTime/EndTime (default the
// last 7 days) and MaxEventsNum (default 2000).
struct EventQuery {
  core::TimeMs from;
  core::TimeMs to;
  int64_t max_events;
};

EventQuery ParseEventQuery(const Params& p, core::TimeMs now) {
  EventQuery q{p.Time("StartTime").value_or(now - 7 * core::kMsPerDay),
               p.Time("EndTime").value_or(now), p.Int("MaxEventsNum").value_or(2000)};
  if (q.max_events < 1) core::ThrowInvalid("MaxEventsNum", "MaxEventsNum must be at least 1.");
  return q;
}

json::array StringArray(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& item : items) out.push_back(json::string(item));
  return out;
}

}  // namespace

Dialect MakeDialect(service::JobService& jobs) {
  Dialect d;
  d.name = "pai-dlc";
  d.path_families = {"/api/v1/"};
  d.verifiers = {&auth::Acs3Verifier(), &auth::RoaV1Verifier()};
  d.render_error = RenderError;
  d.not_found = NotFound;
  constexpr auth::Access kRead = auth::Access::kRead, kWrite = auth::Access::kWrite;

  d.Add("GET", "/api/v1/jobs", "paidlc:ListJobs", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          core::TimeMs now = jobs.clock().Now();
          index::Query query = ParseListJobs(r.query, now, who.user_id);
          service::JobList list = jobs.List(who, query);
          std::string body;
          body.reserve(2048 * list.jobs.size() + 256);
          JsonWriter w(body);
          w.BeginObject().Key("Jobs").BeginArray();
          for (const core::TrainingJob& job : list.jobs) {
            w.BeginObject();
            WriteJob(w, job, JobView::kListItem, now);
            w.EndObject();
          }
          w.EndArray().Member("TotalCount", list.total);
          std::string next = NextListJobsToken(r.query, query, list.snapshot, list.total);
          if (!next.empty()) w.Member("NextToken", next);
          w.Member("RequestId", r.request_id).EndObject();
          return Response{200, kJsonType, std::move(body)};
        });

  d.Add("POST", "/api/v1/jobs", "paidlc:CreateJob", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          core::TrainingJob job = jobs.Create(who, ParseCreateJob(r.body));
          return JobIdReply(r, job.public_id);
        });

  d.Add("GET", "/api/v1/jobs/{JobId}", "paidlc:GetJob", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          Params p(r.query);
          p.Bool("NeedDetail");  // validated; every detail is cheap to include
          core::TrainingJob job = jobs.Show(who, r.path_params["JobId"]);
          std::string body;
          JsonWriter w(body);
          w.BeginObject();
          WriteJob(w, job, JobView::kDetail, jobs.clock().Now());
          w.Member("RequestId", r.request_id).EndObject();
          return Response{200, kJsonType, std::move(body)};
        });

  d.Add("PUT", "/api/v1/jobs/{JobId}", "paidlc:UpdateJob", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          const std::string& id = r.path_params["JobId"];
          service::JobUpdate update = ParseUpdateJob(r.body, jobs.Get(who, id));
          return JobIdReply(r, jobs.Update(who, id, update).public_id);
        });

  d.Add("POST", "/api/v1/jobs/{JobId}/stop", "paidlc:StopJob", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          return JobIdReply(r, jobs.Stop(who, r.path_params["JobId"]).public_id);
        });

  d.Add("DELETE", "/api/v1/jobs/{JobId}", "paidlc:DeleteJob", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          const std::string& id = r.path_params["JobId"];
          jobs.Delete(who, id);
          return JobIdReply(r, id);
        });

  d.Add("GET", "/api/v1/jobs/{JobId}/events", "paidlc:GetJobEvents", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          EventQuery q = ParseEventQuery(Params(r.query), jobs.clock().Now());
          core::TrainingJob job = jobs.Get(who, r.path_params["JobId"]);
          return Ok(r, json::object{
                           {"JobId", job.public_id},
                           {"Events", StringArray(RenderEvents(job, q.from, q.to, q.max_events))}});
        });

  d.Add("GET", "/api/v1/jobs/{JobId}/pods/{PodId}/logs", "paidlc:GetPodLogs", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          Params p(r.query);
          p.Time("StartTime");  // validated; log lines carry no timestamps to filter on
          p.Time("EndTime");
          p.Bool("DownloadToFile");  // validated; logs are always returned inline
          int64_t max_lines = p.Int("MaxLines").value_or(2000);
          if (max_lines < 1) core::ThrowInvalid("MaxLines", "MaxLines must be at least 1.");
          // Drover's own, for the console: FromLine (from 1) reads the lines
          // from there on, WithLineNumbers=true the last ones numbered; either
          // answers FirstLine, the number of Logs[0] in the whole log.
          std::optional<int64_t> from = p.Int("FromLine");
          if (from && (*from < 1 || *from > (int64_t{1} << 53))) {
            core::ThrowInvalid("FromLine", "FromLine must be a line number, from 1.");
          }
          bool numbered = from || p.Bool("WithLineNumbers").value_or(false);
          service::PodLog log =
              numbered ? jobs.PodLogLines(who, r.path_params["JobId"], r.path_params["PodId"],
                                          {from.value_or(0), max_lines})
                       : jobs.PodLogs(who, r.path_params["JobId"], r.path_params["PodId"],
                                      p.Get("PodUid") ? *p.Get("PodUid") : "", max_lines);
          json::object body{{"JobId", r.path_params["JobId"]},
                            {"PodId", log.pod.name},
                            {"PodUid", log.pod.uid},
                            {"Logs", StringArray(log.lines)}};
          if (numbered) body["FirstLine"] = log.first_line;
          return Ok(r, std::move(body));
        });

  d.Add("GET", "/api/v1/jobs/{JobId}/pods/{PodId}/events", "paidlc:GetPodEvents", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          Params p(r.query);
          EventQuery q = ParseEventQuery(p, jobs.clock().Now());
          core::PodState pod = jobs.Pod(who, r.path_params["JobId"], r.path_params["PodId"],
                                        p.Get("PodUid") ? *p.Get("PodUid") : "");
          return Ok(r,
                    json::object{
                        {"JobId", r.path_params["JobId"]},
                        {"PodId", pod.name},
                        {"PodUid", pod.uid},
                        {"Events", StringArray(RenderPodEvents(pod, q.from, q.to, q.max_events))}});
        });

  return d;
}

}  // namespace drover::api::dlc
