#include "api/dlc/list_params.h"

#include <algorithm>
#include <boost/json.hpp>

#include "api/http/params.h"
#include "core/error.h"
#include "index/continuation.h"
#include "service/job_schema.h"
#include "text/text.h"

namespace drover::api::dlc {

using index::FieldId;
using index::Query;
using index::SortBy;
using service::JobNumbers;
using service::JobStrings;
using service::JobWords;

namespace {

constexpr std::pair<const char*, FieldId> kExactParams[] = {
    {"JobType", JobStrings::kJobType},
    {"WorkspaceId", JobStrings::kWorkspace},
    {"ResourceId", JobStrings::kResourceId},
    {"ResourceIds", JobStrings::kResourceId},
    {"UserIdForFilter", JobStrings::kUserId},
    {"BusinessUserId", JobStrings::kBusinessUserId},
    {"Caller", JobStrings::kCaller},
    {"PipelineId", JobStrings::kPipelineId},
    {"TemplateId", JobStrings::kTemplateId},
    {"PaymentType", JobStrings::kPaymentType},
    {"OversoldInfo", JobStrings::kOversoldInfo},
};

constexpr std::pair<const char*, FieldId> kContainsParams[] = {
    {"Username", JobStrings::kUsername},
    {"ResourceQuotaName", JobStrings::kResourceQuotaName},
};

constexpr std::pair<const char*, FieldId> kWordsParams[] = {
    {"ReasonSearch", JobWords::kReason},
    {"UserCommandSearch", JobWords::kUserCommand},
    {"ImageSearch", JobWords::kImage},
};

const std::pair<const char*, SortBy> kSortFields[] = {
    {"GmtCreateTime", SortBy::Number(JobNumbers::kCreated)},
    {"GmtFinishTime", SortBy::Number(JobNumbers::kFinished)},
    {"GmtRunningTime", SortBy::Number(JobNumbers::kRunning)},
    {"GmtModifiedTime", SortBy::Number(JobNumbers::kModified)},
    {"DisplayName", SortBy::String(JobStrings::kName)},
    {"JobType", SortBy::String(JobStrings::kJobType)},
    {"Status", SortBy::Number(JobNumbers::kStatus)},
    {"Priority", SortBy::Number(JobNumbers::kPriority)},
};

constexpr std::pair<const char*, FieldId> kTimeFields[] = {
    {"GmtCreateTime", JobNumbers::kCreated},    {"GmtSubmittedTime", JobNumbers::kSubmitted},
    {"GmtRunningTime", JobNumbers::kRunning},   {"GmtFinishTime", JobNumbers::kFinished},
    {"GmtModifiedTime", JobNumbers::kModified},
};

constexpr std::pair<const char*, FieldId> kNumericFields[] = {
    {"RequestGPU", JobNumbers::kRequestGpu}, {"RequestCPU", JobNumbers::kRequestCpu},
    {"Priority", JobNumbers::kPriority},     {"Duration", JobNumbers::kDuration},
    {"NodeCount", JobNumbers::kNodeCount},
};

// nullopt: full-text, answered by words rather than by a name match.
constexpr std::pair<const char*, std::optional<index::NameMatch>> kNameModes[] = {
    {"wildcard", index::NameMatch::kWildcard},
    {"prefix", index::NameMatch::kPrefix},
    {"term", index::NameMatch::kTerm},
    {"fulltext", std::nullopt},
};

template <class T, size_t N>
T Lookup(const std::pair<const char*, T> (&table)[N], const std::string& param,
         const std::string& value) {
  for (const auto& [name, v] : table) {
    if (value == name) return v;
  }
  std::string allowed;
  for (const auto& entry : table)
    allowed += (allowed.empty() ? "" : ", ") + std::string(entry.first);
  core::ThrowInvalid(param, "The parameter " + param + " is invalid: \"" + value +
                                "\" is not one of " + allowed + ".");
}

std::map<std::string, std::string> ParseTags(const std::string& text) {
  boost::json::value v;
  try {
    v = boost::json::parse(text);
  } catch (const std::exception&) {
    core::ThrowInvalid("Tags",
                       "The parameter Tags must be a JSON object such as {\"team\":\"a\"}.");
  }
  if (!v.is_object()) {
    core::ThrowInvalid("Tags",
                       "The parameter Tags must be a JSON object such as {\"team\":\"a\"}.");
  }
  std::map<std::string, std::string> tags;
  for (const auto& kv : v.as_object()) {
    tags[std::string(kv.key())] = JsonScalarText(kv.value(), "Tags");
  }
  return tags;
}

}  // namespace

namespace {

// Of every parameter but those a token may differ in from its first page.
uint64_t ListFingerprint(const std::map<std::string, std::string>& raw) {
  return Fingerprint(raw, {"PageNumber", "PageSize", "NextToken"});
}

}  // namespace

Query ParseListJobs(const std::map<std::string, std::string>& raw, core::TimeMs now,
                    const std::string& caller_user_id) {
  Params p(raw);
  Query q;
  q.pin = true;  // every page with more after it hands out a NextToken
  std::optional<index::Continuation> token;
  if (const std::string* given = p.Get("NextToken")) {
    token = index::DecodeContinuation(*given);
    if (!token) core::ThrowInvalid("NextToken", "The NextToken is not valid.");
    if (token->fingerprint != ListFingerprint(raw)) {
      core::ThrowInvalid("NextToken",
                         "The NextToken belongs to a list with other parameters; "
                         "pass the same parameters with it.");
    }
    q.at = token->snapshot;
    now = token->now;  // the walk keeps its first page's clock (durations, default times)
  }
  q.now = now;

  for (const auto& [param, field] : kExactParams) {
    if (const std::string* v = p.Get(param)) {
      auto& values = q.exact[field];
      for (std::string& item : SplitList(*v)) values.push_back(std::move(item));
    }
  }
  for (const auto& [param, field] : kContainsParams) {
    if (const std::string* v = p.Get(param)) q.contains[field] = text::Fold(*v);
  }
  for (const auto& [param, field] : kWordsParams) {
    if (const std::string* v = p.Get(param)) q.words[field] = text::Words(*v);
  }

  std::optional<index::NameMatch> name_mode = index::NameMatch::kWildcard;
  if (const std::string* m = p.Get("DisplayNameSearchMode")) {
    name_mode = Lookup(kNameModes, "DisplayNameSearchMode", text::Fold(*m));
  }
  if (const std::string* name = p.Get("DisplayName")) {
    if (name_mode) {
      q.name = {*name_mode, text::Fold(*name)};
    } else {
      q.words[JobWords::kName] = text::Words(*name);
    }
  }

  if (const std::string* id = p.Get("JobId")) {
    q.public_ids = {text::Fold(*id)};
  } else if (const std::string* ids = p.Get("JobIds")) {
    for (const std::string& item : SplitList(*ids)) q.public_ids.push_back(text::Fold(item));
  }

  if (const std::string* status = p.Get("Status")) {
    for (const std::string& item : SplitList(*status)) {
      std::optional<core::TrainingStatus> s = core::ParseTrainingStatus(item);
      if (!s) core::ThrowInvalid("Status", "The parameter Status is invalid: \"" + item + "\".");
      q.values[JobNumbers::kStatus].push_back(static_cast<int64_t>(*s));
    }
  }

  if (const std::string* a = p.Get("Accessibility")) {
    core::Visibility v = core::Visibility::kPrivate;
    if (*a == "PUBLIC")
      v = core::Visibility::kPublic;
    else if (*a != "PRIVATE")
      core::ThrowInvalid("Accessibility", "Accessibility must be PUBLIC or PRIVATE.");
    q.values[JobNumbers::kVisibility] = {static_cast<int64_t>(v)};
  }
  if (std::optional<bool> assign = p.Bool("EnableAssignNode"))
    q.values[JobNumbers::kEnableAssignNode] = {*assign ? 1 : 0};
  if (const std::string* tags = p.Get("Tags")) q.tags = ParseTags(*tags);

  bool show_own = p.Bool("ShowOwn").value_or(false);
  bool all_workspaces = p.Bool("FromAllWorkspaces").value_or(false);
  if (all_workspaces && !show_own) {
    core::ThrowInvalid("FromAllWorkspaces", "FromAllWorkspaces=true requires ShowOwn=true.");
  }
  if (all_workspaces) q.exact.erase(JobStrings::kWorkspace);
  if (show_own) {
    // Intersect with UserIdForFilter when both are given.
    auto [it, inserted] = q.exact.try_emplace(JobStrings::kUserId);
    std::vector<std::string>& users = it->second;
    bool keep = inserted || std::find(users.begin(), users.end(), caller_user_id) != users.end();
    users = keep ? std::vector<std::string>{caller_user_id} : std::vector<std::string>{};
  }

  // With neither bound given, only the last 7 days are listed.
  Query::Range range{JobNumbers::kCreated};
  if (const std::string* f = p.Get("TimeRangeField"))
    range.field = Lookup(kTimeFields, "TimeRangeField", *f);
  range.min = p.Time("StartTime").value_or(now - 7 * core::kMsPerDay);
  range.max = p.Time("EndTime").value_or(now);
  q.ranges.push_back(range);

  std::optional<int64_t> min = p.Int("NumericRangeMin"), max = p.Int("NumericRangeMax");
  if (const std::string* field = p.Get("NumericRangeField")) {
    if (!min && !max) {
      core::ThrowInvalid("NumericRangeField",
                         "NumericRangeField needs NumericRangeMin and/or NumericRangeMax.");
    }
    if (min && max && *min > *max) {
      core::ThrowInvalid("NumericRangeMin", "NumericRangeMin must not exceed NumericRangeMax.");
    }
    q.ranges.push_back({Lookup(kNumericFields, "NumericRangeField", *field),
                        min.value_or(INT64_MIN), max.value_or(INT64_MAX)});
  } else if (min || max) {
    core::ThrowInvalid("NumericRangeField",
                       "NumericRangeMin and NumericRangeMax need NumericRangeField.");
  }

  if (const std::string* sort = p.Get("SortBy")) q.sort = Lookup(kSortFields, "SortBy", *sort);
  q.descending = ParseDescending(p, "asc or desc").value_or(q.descending);
  Paging paging = ParsePaging(p, kDefaultPageSize, kMaxPageSize);
  q.limit = paging.limit;
  q.offset = paging.offset;
  if (token && !p.Get("PageNumber")) q.offset = token->offset;
  return q;
}

std::string NextListJobsToken(const std::map<std::string, std::string>& raw, const index::Query& q,
                              const index::Snapshot& snapshot, int64_t total) {
  if (q.offset >= total || q.limit >= total - q.offset) return {};
  return index::EncodeContinuation({snapshot, q.offset + q.limit, ListFingerprint(raw), q.now});
}

}  // namespace drover::api::dlc
