#include "api/modelarts/list_params.h"

#include "api/http/params.h"
#include "api/modelarts/status_map.h"
#include "core/error.h"
#include "text/text.h"

namespace drover::api::modelarts {

namespace {

constexpr std::pair<const char*, index::SortField> kSortFields[] = {
    {"job_name", index::SortField::kName},
    {"job_desc", index::SortField::kDescription},
    {"status", index::SortField::kStatus},
    {"duration", index::SortField::kDuration},
    {"version_count", index::SortField::kVersionCount},
    {"create_time", index::SortField::kCreated},
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

}  // namespace

index::JobQuery ParseListJobs(const std::map<std::string, std::string>& raw,
                              const std::string& default_workspace, core::TimeMs now) {
  Params p(raw);
  index::JobQuery q;
  q.now = now;
  q.latest_only = true;

  if (p.Get("status")) {
    int64_t code = InRange(p, "status", 0, 0, kMaxStatusCode);
    q.statuses = StatusesForCode(static_cast<int>(code));  // empty for a code never shown
  }
  int64_t per_page = InRange(p, "per_page", 10, 1, 1000);
  int64_t page = InRange(p, "page", 1, 1, 65535);
  q.limit = per_page;
  q.offset = (page - 1) * per_page;

  const std::string* sort = p.Get("sortBy");
  if (!sort) sort = p.Get("sort_by");
  q.sort = index::SortField::kName;
  if (sort) {
    bool found = false;
    for (const auto& [name, field] : kSortFields) {
      if (*sort == name) {
        q.sort = field;
        found = true;
      }
    }
    if (!found) {
      core::ThrowInvalid("sortBy",
                         "Parameter error: sortBy must be job_name, job_desc, status, "
                         "duration, version_count or create_time.");
    }
  }
  std::string order = p.Get("order") ? *p.Get("order") : "asc";
  if (order != "asc" && order != "desc") {
    core::ThrowInvalid("order", "Parameter error: order must be asc or desc.");
  }
  q.descending = order == "desc";

  if (const std::string* search = p.Get("search_content")) {
    if (search->size() > 64) {
      core::ThrowInvalid("search_content",
                         "Parameter error: search_content must be 0 to 64 characters.");
    }
    // A literal substring: ModelArts has no wildcards.
    q.contains[index::ContainsField::kName] = text::Fold(*search);
  }
  std::string workspace = p.Get("workspace_id") ? *p.Get("workspace_id") : "0";
  q.exact[index::ExactField::kWorkspace] = {workspace == "0" ? default_workspace : workspace};
  return q;
}

}  // namespace drover::api::modelarts
