#include "api/modelarts/modelarts_api.h"

#include <boost/json.hpp>
#include <charconv>

#include "api/http/params.h"
#include "api/modelarts/errors.h"
#include "api/modelarts/job_json.h"
#include "api/modelarts/list_params.h"
#include "auth/huawei_sdk.h"
#include "core/error.h"
#include "service/job_schema.h"

namespace drover::api::modelarts {

namespace json = boost::json;
using core::TrainingJob;

namespace {

// How many training jobs a tenant may keep (`quotas` in list responses).
constexpr int64_t kJobQuota = 100000;

Response Ok(json::object body = {}) {
  json::object out{{"is_success", true}};
  for (auto& kv : body) out[kv.key()] = std::move(kv.value());
  return Response{200, "application/json;charset=utf-8", json::serialize(out)};
}

// A numeric id from the path; anything else names no job.
core::JobNumber PathNumber(const Request& r, const std::string& name) {
  const std::string& text = r.path_params.at(name);
  core::JobNumber n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0) {
    core::ThrowNotFound("The training job " + text + " does not exist.");
  }
  return n;
}

// The version named by the path, checked to belong to the path's job.
TrainingJob PathVersion(service::JobService& jobs, const service::Principal& who,
                        const Request& r) {
  core::JobNumber lineage = PathNumber(r, "job_id");
  TrainingJob version = jobs.Get(who, PathNumber(r, "version_id"));
  if (version.Lineage() != lineage) {
    core::ThrowNotFound("The version " + r.path_params.at("version_id") +
                        " does not belong to job " + r.path_params.at("job_id") + ".");
  }
  return version;
}

}  // namespace

Dialect MakeDialect(service::JobService& jobs) {
  Dialect d;
  d.name = "modelarts";
  d.path_families = {"/v1/"};
  d.verifiers = {&auth::HuaweiSdkVerifier()};
  d.render_error = RenderError;
  d.not_found = NotFound;
  // ModelArts URLs name the project; it must be the key's tenant.
  d.admit = [](const Request& r, const service::Principal& who) {
    auto project = r.path_params.find("project_id");
    if (who.by_key && project != r.path_params.end() && project->second != who.tenant_id) {
      throw auth::AuthError(
          auth::Failure::kProjectMismatch,
          "The project " + project->second + " in the URL is not the key's project.", "project_id");
    }
  };
  constexpr auth::Access kRead = auth::Access::kRead, kWrite = auth::Access::kWrite;
  const std::string jobs_path = "/v1/{project_id}/training-jobs";
  const std::string job_path = jobs_path + "/{job_id}";
  const std::string version_path = job_path + "/versions/{version_id}";

  d.Add("GET", jobs_path, "modelarts:trainJob:list", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          core::TimeMs now = jobs.clock().Now();
          service::JobList list =
              jobs.List(who, ParseListJobs(r.query, who.default_workspace_id, now));
          index::Query all;
          all.values[service::JobNumbers::kLatest] = {1};
          all.limit = 0;
          int64_t total_jobs = jobs.List(who, all).total;
          json::array items;
          for (const TrainingJob& job : list.jobs) items.push_back(RenderListItem(job, now));
          return Ok({{"quotas", kJobQuota},
                     {"job_total_count", list.total},
                     {"job_count_limit", std::max<int64_t>(0, kJobQuota - total_jobs)},
                     {"jobs", std::move(items)}});
        });

  d.Add("POST", jobs_path, "modelarts:trainJob:create", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          CreateRequest request = ParseCreateJob(r.body, who.default_workspace_id);
          TrainingJob job = jobs.Create(who, std::move(request.draft),
                                        service::CreateOptions{.unique_name = true});
          return Ok({{"job_id", job.Lineage()},
                     {"job_name", job.display_name},
                     {"status", 1},
                     {"create_time", job.created},
                     {"version_id", job.id},
                     {"version_name", VersionName(job.version)},
                     {"resource_id", job.resource_id}});
        });

  d.Add("PUT", job_path, "modelarts:trainJob:update", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          jobs.DescribeLineage(who, PathNumber(r, "job_id"), ParseUpdateDescription(r.body));
          return Ok();
        });

  d.Add("DELETE", job_path, "modelarts:trainJob:delete", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          jobs.DeleteLineage(who, PathNumber(r, "job_id"));
          return Ok();
        });

  d.Add("POST", job_path + "/versions", "modelarts:trainJob:create", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          core::JobNumber lineage = PathNumber(r, "job_id");
          CreateRequest request = ParseCreateVersion(r.body);
          TrainingJob pre = jobs.Get(who, static_cast<core::JobNumber>(request.pre_version_id));
          if (pre.Lineage() != lineage) {
            core::ThrowInvalid("pre_version_id",
                               "pre_version_id " + std::to_string(request.pre_version_id) +
                                   " is not a version of job " + std::to_string(lineage) + ".");
          }
          if (request.draft.description.empty()) request.draft.description = pre.description;
          TrainingJob job = jobs.CreateVersion(who, pre.id, std::move(request.draft));
          return Ok({{"job_id", job.Lineage()},
                     {"job_name", job.display_name},
                     {"status", 1},
                     {"create_time", job.created},
                     {"version_id", job.id},
                     {"version_name", VersionName(job.version)}});
        });

  d.Add("GET", job_path + "/versions", "modelarts:trainJob:get", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          Params p(r.query);
          int64_t per_page = p.Int("per_page").value_or(10);
          int64_t page = p.Int("page").value_or(0);  // 0: no paging
          if (per_page < 1 || per_page > 1000)
            core::ThrowInvalid("per_page", "Parameter error: per_page must be in [1, 1000].");
          if (page < 0 || page > 65535)
            core::ThrowInvalid("page", "Parameter error: page must be in [0, 65535].");
          std::vector<TrainingJob> versions = jobs.Versions(who, PathNumber(r, "job_id"));
          const TrainingJob& latest = versions.back();
          core::TimeMs now = jobs.clock().Now();
          json::array items;
          size_t begin = page == 0 ? 0 : static_cast<size_t>((page - 1) * per_page);
          size_t end = page == 0 ? versions.size() : begin + static_cast<size_t>(per_page);
          for (size_t i = begin; i < end && i < versions.size(); ++i) {
            items.push_back(RenderVersion(versions[versions.size() - 1 - i], now));  // newest first
          }
          return Ok({{"job_id", latest.Lineage()},
                     {"job_name", latest.display_name},
                     {"job_desc", latest.description},
                     {"version_count", latest.version_count},
                     {"versions", std::move(items)}});
        });

  d.Add("GET", version_path, "modelarts:trainJob:get", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          return Ok(RenderVersion(PathVersion(jobs, who, r), jobs.clock().Now()));
        });

  d.Add("DELETE", version_path, "modelarts:trainJob:delete", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          jobs.Delete(who, PathVersion(jobs, who, r).public_id);
          return Ok();
        });

  d.Add("POST", version_path + "/stop", "modelarts:trainJob:update", kWrite,
        [&jobs](Request& r, const service::Principal& who) {
          jobs.Stop(who, PathVersion(jobs, who, r).public_id);
          return Ok();
        });

  d.Add("GET", version_path + "/log/file-names", "modelarts:trainJob:get", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          TrainingJob version = PathVersion(jobs, who, r);
          json::array names;
          for (const core::PodState& pod : version.pods)
            names.push_back(json::string(pod.name + ".log"));
          return Ok({{"log_file_list", std::move(names)}});
        });

  // Lines are numbered from 1 in the pod's log. Without base_line: the
  // newest `lines`; with it, order=desc reads the lines after it ("next")
  // and order=asc the lines before it ("previous"), as Huawei's page says.
  d.Add("GET", version_path + "/aom-log", "modelarts:trainJob:get", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          Params p(r.query);
          int64_t lines = p.Int("lines").value_or(50);
          if (lines < 0 || lines > 500)
            core::ThrowInvalid("lines", "Parameter error: lines must be in [0, 500].");
          std::string order = p.Get("order") ? *p.Get("order") : "asc";
          if (order != "asc" && order != "desc")
            core::ThrowInvalid("order", "Parameter error: order must be asc or desc.");
          std::optional<int64_t> base = p.Int("base_line");
          if (base && (*base < 0 || *base > (int64_t{1} << 53)))
            core::ThrowInvalid("base_line", "Parameter error: base_line must be a line number.");
          TrainingJob version = PathVersion(jobs, who, r);
          std::string pod = p.Get("log_file") ? *p.Get("log_file") : "";
          if (pod.ends_with(".log")) pod.resize(pod.size() - 4);
          if (pod.empty() && !version.pods.empty()) pod = version.pods.front().name;
          service::LogRange range{0, lines};
          if (base && order == "desc") range.first = *base + 1;
          if (base && order == "asc") {
            range.first = std::max<int64_t>(1, *base - lines);
            range.count = std::max<int64_t>(0, *base - range.first);
          }
          service::PodLog log;
          if (!pod.empty() && range.count > 0) {
            log = jobs.PodLogLines(who, version.public_id, pod, range);
          }
          std::string content;
          for (const std::string& line : log.lines) content += line + "\n";
          int64_t count = static_cast<int64_t>(log.lines.size());
          int64_t start = count ? log.first_line : base.value_or(0);
          int64_t end = count ? log.first_line + count - 1 : base.value_or(0);
          return Ok({{"content", content},
                     {"lines", count},
                     {"start_line", std::to_string(start)},
                     {"end_line", std::to_string(end)},
                     {"log_file", pod + ".log"}});
        });

  // Every version of every job, not only each job's latest.
  d.Add("GET", jobs_path + "/versions", "modelarts:trainJob:list", kRead,
        [&jobs](Request& r, const service::Principal& who) {
          core::TimeMs now = jobs.clock().Now();
          service::JobList list =
              jobs.List(who, ParseListVersions(r.query, who.default_workspace_id, now));
          json::array items;
          for (const TrainingJob& job : list.jobs) items.push_back(RenderOverviewItem(job, now));
          return Ok({{"total_count", list.total}, {"versions", std::move(items)}});
        });

  return d;
}

}  // namespace drover::api::modelarts
