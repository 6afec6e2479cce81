#include "api/modelarts/list_params.h"

#include <algorithm>

#include "api/http/params.h"
#include "api/modelarts/status_map.h"
#include "core/error.h"
#include "service/job_schema.h"
#include "text/text.h"

namespace drover::api::modelarts {

namespace {

using index::SortBy;
using service::JobNumbers;
using service::JobStrings;

const std::pair<const char*, SortBy> kSortFields[] = {
    {"job_name", SortBy::String(JobStrings::kName)},
    {"job_desc", SortBy::String(JobStrings::kDescription)},
    {"status", SortBy::Number(JobNumbers::kStatus)},
    {"duration", SortBy::Number(JobNumbers::kDuration)},
    {"version_count", SortBy::Number(JobNumbers::kVersionCount)},
    {"create_time", SortBy::Number(JobNumbers::kCreated)},
};

int64_t InRange(const Params& p, const std::string& name, int64_t fallback, int64_t lo,
                int64_t hi) {
  int64_t v = p.Int(name).value_or(fallback);
  if (v < lo || v > hi) {
    core::ThrowInvalid(name, "Parameter error: " + name + " must be in [" + std::to_string(lo) +
                                 ", " + std::to_string(hi) + "], not " + std::to_string(v) + ".");
  }
  return v;
}

// sortBy / sort_by → the field, among `allowed`; throws naming the parameter.
SortBy ParseSort(const Params& p, std::string_view parameter, SortBy fallback,
                 std::initializer_list<std::string_view> allowed) {
  const std::string* sort = p.Get("sortBy");
  if (!sort) sort = p.Get("sort_by");
  if (!sort) return fallback;
  for (const auto& [name, field] : kSortFields) {
    if (*sort == name && std::find(allowed.begin(), allowed.end(), name) != allowed.end())
      return field;
  }
  std::string names;
  for (std::string_view name : allowed) names += (names.empty() ? "" : ", ") + std::string(name);
  core::ThrowInvalid(std::string(parameter), "Parameter error: " + std::string(parameter) +
                                                 " must be one of " + names + ".");
}

bool ParseOrder(const Params& p, const std::string& fallback) {
  std::string order = p.Get("order") ? *p.Get("order") : fallback;
  if (order != "asc" && order != "desc") {
    core::ThrowInvalid("order", "Parameter error: order must be asc or desc.");
  }
  return order == "desc";
}

// status → the training statuses it shows (none for a code never shown).
void ParseStatus(const Params& p, index::Query& q) {
  if (!p.Get("status")) return;
  int64_t code = InRange(p, "status", 0, 0, kMaxStatusCode);
  std::vector<int64_t>& statuses = q.values[JobNumbers::kStatus];
  for (core::TrainingStatus s : StatusesForCode(static_cast<int>(code)))
    statuses.push_back(static_cast<int64_t>(s));
}

std::string Workspace(const Params& p, const std::string& default_workspace) {
  std::string workspace = p.Get("workspace_id") ? *p.Get("workspace_id") : "0";
  if (workspace.size() > 64) {
    core::ThrowInvalid("workspace_id", "Parameter error: workspace_id must be 0 to 64 characters.");
  }
  return workspace == "0" ? default_workspace : workspace;
}

}  // namespace

index::Query ParseListJobs(const std::map<std::string, std::string>& raw,
                           const std::string& default_workspace, core::TimeMs now) {
  Params p(raw);
  index::Query q;
  q.now = now;
  q.values[JobNumbers::kLatest] = {1};

  ParseStatus(p, q);
  int64_t per_page = InRange(p, "per_page", 10, 1, 1000);
  int64_t page = InRange(p, "page", 1, 1, 65535);
  q.limit = per_page;
  q.offset = (page - 1) * per_page;

  q.sort =
      ParseSort(p, "sortBy", SortBy::String(JobStrings::kName),
                {"job_name", "job_desc", "status", "duration", "version_count", "create_time"});
  q.descending = ParseOrder(p, "asc");

  if (const std::string* search = p.Get("search_content")) {
    if (search->size() > 64) {
      core::ThrowInvalid("search_content",
                         "Parameter error: search_content must be 0 to 64 characters.");
    }
    // A literal substring: ModelArts has no wildcards.
    q.contains[JobStrings::kName] = text::Fold(*search);
  }
  q.exact[JobStrings::kWorkspace] = {Workspace(p, default_workspace)};
  return q;
}

index::Query ParseListVersions(const std::map<std::string, std::string>& raw,
                               const std::string& default_workspace, core::TimeMs now) {
  Params p(raw);
  index::Query q;
  q.now = now;
  ParseStatus(p, q);
  q.offset = InRange(p, "offset", 0, 0, INT32_MAX);
  q.limit = InRange(p, "limit", 20, 0, kMaxOverviewLimit);
  if (q.limit == 0) q.limit = kMaxOverviewLimit;
  q.sort = ParseSort(p, "sort_by", SortBy::Number(JobNumbers::kCreated),
                     {"create_time", "job_name", "job_desc", "status", "duration"});
  q.descending = ParseOrder(p, "desc");
  if (const std::string* pool = p.Get("pool_id")) {
    if (pool->size() > 64) {
      core::ThrowInvalid("pool_id", "Parameter error: pool_id must be 1 to 64 characters.");
    }
    q.exact[JobStrings::kResourceId] = {*pool};
  }
  q.exact[JobStrings::kWorkspace] = {Workspace(p, default_workspace)};
  return q;
}

}  // namespace drover::api::modelarts
