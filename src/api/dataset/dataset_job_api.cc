#include "api/dataset/dataset_job_api.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>

#include "api/dataset/dataset_json.h"
#include "api/dataset/reply.h"
#include "api/http/params.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "index/continuation.h"
#include "service/dataset_job_schema.h"
#include "text/text.h"

namespace drover::api::dataset {

namespace {

namespace json = boost::json;
using core::DatasetFile;
using core::DatasetJob;
using core::DatasetJobConfig;
using core::JsonWriter;
using index::Query;
using index::SortBy;
using service::DatasetJobService;
using service::Principal;

constexpr int64_t kMaxPageSize = 1000;

Fields BodyOf(const json::object& o) { return Fields(o); }

// A time as PAI writes it, in seconds (`millis`: with milliseconds); null when unset.
void WriteTime(JsonWriter& w, std::string_view key, core::TimeMs t, bool millis = false) {
  char buf[32];
  w.Key(key);
  if (t == 0) {
    w.Null();
  } else {
    w.String(core::FormatIso8601(t, millis, buf));
  }
}

void WriteStrings(JsonWriter& w, const std::vector<std::string>& items) {
  w.BeginArray();
  for (const std::string& item : items) w.String(item);
  w.EndArray();
}

// ---- dataset jobs -------------------------------------------------------------------

enum class JobView { kItem, kGet };

void WriteJob(JsonWriter& w, const DatasetJob& job, JobView view, bool logs) {
  if (view == JobView::kItem) {
    w.Member("DatasetJobId", job.public_id);
    w.Member("WorkspaceId", job.workspace_id);
    w.Member("DatasetVersion", job.version);
  }
  w.Member("JobAction", job.action);
  w.Member("JobMode", job.mode);
  w.Member("JobSpec", job.spec);
  w.Member("Status", core::DatasetJobStatusName(job.status));
  w.Member("Description", job.description);
  WriteTime(w, "CreateTime", job.created);
  WriteTime(w, "FinishTime", job.finished);
  if (logs) {
    w.Key("Logs");
    WriteStrings(w, job.logs);
  }
  w.Member("TotalFileCount", job.total_files);
  w.Member("CompletedFileCount", job.completed_files);
  w.Member("FailedFileCount", job.failed_files);
}

Query ParseListJobs(const Params& p) {
  using service::DatasetJobNumbers;
  using service::DatasetJobStrings;
  Query q;
  if (const std::string* version = p.Get("DatasetVersion")) {
    q.exact[DatasetJobStrings::kVersion] = {*version};
  }
  if (const std::string* workspace = p.Get("WorkspaceId")) {
    q.exact[DatasetJobStrings::kWorkspace] = {*workspace};
  }
  if (const std::string* action = p.Get("JobAction")) {
    core::CheckOneOf("JobAction", *action, core::kJobActions);
    q.exact[DatasetJobStrings::kAction] = {*action};
  }
  if (const std::string* status = p.Get("Status")) {
    std::optional<core::DatasetJobStatus> parsed = core::ParseDatasetJobStatus(*status);
    if (!parsed) core::CheckOneOf("Status", *status, core::kDatasetJobStatusNames);
    q.values[DatasetJobNumbers::kStatus] = {static_cast<int64_t>(*parsed)};
  }
  q.sort = SortBy::Number(DatasetJobNumbers::kCreated);
  if (const std::string* sort = p.Get("SortBy")) {
    if (*sort == "Status") {
      q.sort = SortBy::Number(DatasetJobNumbers::kStatus);
    } else if (*sort == "JobAction") {
      q.sort = SortBy::String(DatasetJobStrings::kAction);
    } else if (*sort == "FinishTime") {
      q.sort = SortBy::Number(DatasetJobNumbers::kFinished);
    } else if (*sort != "CreateTime") {
      core::ThrowInvalid("SortBy", "SortBy must be Status, JobAction, FinishTime or CreateTime.");
    }
  }
  q.descending = ParseDescending(p, "ASC or DESC").value_or(true);
  Paging paging = ParsePaging(p, 10, kMaxPageSize);
  q.offset = paging.offset;
  q.limit = paging.limit;
  return q;
}

// ---- configs ------------------------------------------------------------------------

void WriteConfig(JsonWriter& w, const DatasetJobConfig& c, bool item) {
  if (item) {
    w.Member("DatasetJobConfigId", c.public_id);
    w.Member("DatasetVersion", c.version);
  } else {
    w.Member("DatasetId", c.dataset_id);
  }
  w.Member("WorkspaceId", c.workspace_id);
  w.Member("ConfigType", c.config_type);
  w.Member("Config", c.config);
  WriteTime(w, "CreateTime", c.created);
  WriteTime(w, "ModifyTime", c.modified);
}

// ---- the catalogue ------------------------------------------------------------------

// Tags as PAI shows them: a JSON object of the three groups, as a string.
std::string TagsJson(const DatasetFile& f) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("ai");
  WriteStrings(w, f.ai_tags);
  w.Key("user");
  WriteStrings(w, f.user_tags);
  w.Key("user-delete-ai-tags");
  WriteStrings(w, f.deleted_ai_tags);
  w.EndObject();
  return out;
}

void WriteFile(JsonWriter& w, const DatasetFile& f, bool detail,
               std::optional<float> score = std::nullopt) {
  w.Member("DatasetFileMetaId", f.public_id);
  w.Member("Uri", f.uri);
  w.Member("FileName", f.file_name);
  if (detail) w.Member("FileDir", f.file_dir);
  w.Member("FileType", f.file_type);
  w.Member("ContentType", f.content_type);
  w.Member("DataSize", f.size);
  w.Member("FileFingerPrint", f.fingerprint);
  WriteTime(w, "FileCreateTime", f.file_created);
  WriteTime(w, "FileUpdateTime", f.file_updated);
  w.Member("MetaAttributes", f.meta_attributes.empty() ? std::string("{}") : f.meta_attributes);
  w.Member("Tags", TagsJson(f));
  w.Member("Status", f.status);
  w.Member("SemanticIndexJobId", f.semantic_job_id);
  WriteTime(w, "SemanticIndexUpdateTime", f.semantic_indexed, true);
  if (score) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", static_cast<double>(*score));
    w.Key("Score").Raw(text);
  }
  if (detail) {
    w.Member("Comment", f.comment);
    WriteTime(w, "TagUpdateTime", f.tag_updated, true);
  }
}

std::vector<std::string> List(const Params& p, const std::string& name) {
  const std::string* text = p.Get(name);
  return text ? SplitList(*text) : std::vector<std::string>{};
}

// The parameters a NextToken must come back with unchanged.
uint64_t FileListFingerprint(const std::map<std::string, std::string>& raw) {
  return Fingerprint(raw, {"NextToken", "MaxResults", "PageSize"});
}

// A VECTOR or MIX query's own parameters (QueryType TAG: none).
struct VectorQuery {
  bool mix = false;  // the TAG filters apply too
  std::string text;
  size_t top_k = 10;
  float threshold = -2;  // below any cosine: no threshold
};

// The TAG filters of ListDatasetFileMetas.
constexpr const char* kTagFilters[] = {"QueryFileName",           "QueryFileDir",
                                       "QueryFileTypeIncludeAny", "QueryContentTypeIncludeAny",
                                       "QueryTagsIncludeAll",     "QueryTagsIncludeAny",
                                       "QueryTagsExclude",        "StartFileUpdateTime",
                                       "EndFileUpdateTime",       "StartTagUpdateTime",
                                       "EndTagUpdateTime"};

std::optional<VectorQuery> ParseVectorQuery(const Params& p) {
  std::string type = p.Get("QueryType") ? *p.Get("QueryType") : "TAG";
  for (const char* unserved : {"QueryImage", "QueryVideo", "QueryExpression"}) {
    if (p.Get(unserved)) {
      core::ThrowInvalid(unserved, std::string(unserved) +
                                       " is not served: a VECTOR or MIX query takes QueryText.");
    }
  }
  if (type == "TAG") {
    for (const char* vector_only : {"QueryText", "TopK", "ScoreThreshold"}) {
      if (p.Get(vector_only)) {
        core::ThrowInvalid(vector_only,
                           std::string(vector_only) + " is for QueryType VECTOR or MIX, not TAG.");
      }
    }
    return std::nullopt;
  }
  if (type != "VECTOR" && type != "MIX") {
    core::ThrowInvalid("QueryType", "QueryType must be TAG, VECTOR or MIX.");
  }
  VectorQuery v;
  v.mix = type == "MIX";
  const std::string* text = p.Get("QueryText");
  if (!text || text->empty()) {
    core::ThrowMissing("QueryText");
  }
  if (text->size() > 8192) core::ThrowInvalid("QueryText", "QueryText is at most 8192 bytes.");
  v.text = *text;
  if (std::optional<int64_t> k = p.Int("TopK")) {
    if (*k < 1 || *k > kMaxPageSize) core::ThrowInvalid("TopK", "TopK must be from 1 to 1000.");
    v.top_k = static_cast<size_t>(*k);
  }
  if (const std::string* threshold = p.Get("ScoreThreshold")) {
    char* end = nullptr;
    double value = std::strtod(threshold->c_str(), &end);
    if (threshold->empty() || *end != '\0' || !(value >= -1 && value <= 1)) {
      core::ThrowInvalid("ScoreThreshold", "ScoreThreshold must be a number from -1 to 1.");
    }
    v.threshold = static_cast<float>(value);
  }
  if (!v.mix) {
    for (const char* filter : kTagFilters) {
      if (p.Get(filter)) {
        core::ThrowInvalid(filter, std::string(filter) +
                                       " filters a TAG or MIX query; with VECTOR use QueryType "
                                       "MIX to combine it with QueryText.");
      }
    }
  }
  if (p.Get("NextToken")) {
    core::ThrowInvalid("NextToken", "A " + type + " query has one page: its TopK best files.");
  }
  return v;
}

Query ParseListFiles(const std::map<std::string, std::string>& raw,
                     std::optional<index::Continuation>& token) {
  using service::DatasetFileNumbers;
  using service::DatasetFileStrings;
  using service::DatasetFileWords;
  Params p(raw);
  Query q;
  if (const std::string* name = p.Get("QueryFileName")) {
    q.name = {index::NameMatch::kWildcard, text::Fold(*name)};
  }
  if (const std::string* dir = p.Get("QueryFileDir")) {
    q.contains[DatasetFileStrings::kFileDir] = text::Fold(*dir);
  }
  if (std::vector<std::string> types = List(p, "QueryFileTypeIncludeAny"); !types.empty()) {
    q.exact[DatasetFileStrings::kFileType] = types;
  }
  if (std::vector<std::string> types = List(p, "QueryContentTypeIncludeAny"); !types.empty()) {
    q.exact[DatasetFileStrings::kContentType] = types;
  }
  const std::pair<const char*, std::map<index::FieldId, std::vector<std::string>>*> tag_lists[] = {
      {"QueryTagsIncludeAll", &q.words},
      {"QueryTagsIncludeAny", &q.words_any},
      {"QueryTagsExclude", &q.words_none}};
  for (const auto& [param, words] : tag_lists) {
    for (const std::string& tag : List(p, param)) {
      (*words)[DatasetFileWords::kTags].push_back(text::AsOneWord(tag));
    }
  }
  auto range = [&](const char* from, const char* to, index::FieldId field) {
    std::optional<core::TimeMs> start = p.Time(from), end = p.Time(to);
    if (start || end) q.ranges.push_back({field, start.value_or(1), end.value_or(INT64_MAX)});
  };
  range("StartFileUpdateTime", "EndFileUpdateTime", DatasetFileNumbers::kFileUpdated);
  range("StartTagUpdateTime", "EndTagUpdateTime", DatasetFileNumbers::kTagUpdated);
  q.sort = SortBy::Number(DatasetFileNumbers::kFileCreated);
  if (const std::string* sort = p.Get("SortBy")) {
    if (*sort == "FileUpdateTime") {
      q.sort = SortBy::Number(DatasetFileNumbers::kFileUpdated);
    } else if (*sort != "FileCreateTime" && *sort != "GmtCreateTime") {
      core::ThrowInvalid("SortBy", "SortBy must be FileCreateTime or FileUpdateTime.");
    }
  }
  q.descending = ParseDescending(p, "ASC or DESC").value_or(false);
  int64_t max = p.Int("MaxResults").value_or(p.Int("PageSize").value_or(10));
  if (max < 1 || max > kMaxPageSize) {
    core::ThrowInvalid("MaxResults", "MaxResults must be from 1 to 1000.");
  }
  q.limit = max;
  if (const std::string* given = p.Get("NextToken")) {
    token = index::DecodeContinuation(*given);
    if (!token || token->fingerprint != FileListFingerprint(raw)) {
      core::ThrowInvalid("NextToken", "The NextToken is not valid for this query.");
    }
    q.at = token->snapshot;
    q.offset = token->offset;
    q.now = token->now;
  }
  q.pin = true;
  return q;
}

// A tag group of a Tags JSON text: `{"user":[…]}` or `{"user":{"add":[…],"remove":[…]}}`.
struct TagGroup {
  std::vector<std::string> add, remove;
};

std::vector<std::string> TagList(const json::value& v, const std::string& at) {
  std::vector<std::string> tags;
  if (!v.is_array()) core::ThrowInvalid(at, at + " must be a list of tags.");
  for (const json::value& tag : v.as_array()) {
    if (!tag.is_string()) core::ThrowInvalid(at, at + " must be a list of tags.");
    tags.emplace_back(tag.as_string());
  }
  return tags;
}

std::map<std::string, TagGroup> ParseTags(const std::string& text, const std::string& at) {
  std::map<std::string, TagGroup> groups;
  if (text.empty()) return groups;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) core::ThrowInvalid(at, at + " must be a string holding a JSON object.");
  for (const auto& [key, group] : v.as_object()) {
    std::string name(key);
    if (name != "user" && name != "user-delete-ai-tags" && name != "ai") {
      std::string message = at;
      message += " has no tag group " + name + ".";
      core::ThrowInvalid(at, message);
    }
    if (name == "ai") {
      core::ThrowInvalid(at, at + ": ai tags are written by IntelligentTag jobs only.");
    }
    TagGroup& g = groups[name];
    if (group.is_object()) {
      const json::object& edits = group.as_object();
      if (const json::value* add = edits.if_contains("add")) g.add = TagList(*add, at);
      if (const json::value* remove = edits.if_contains("remove")) g.remove = TagList(*remove, at);
    } else {
      g.add = TagList(group, at);
    }
  }
  return groups;
}

core::TimeMs TimeField(const Fields& f, const std::string& name) {
  std::optional<std::string> text = f.String(name);
  if (!text || text->empty()) return 0;
  std::optional<core::TimeMs> t = core::ParseIso8601(*text);
  if (!t) core::ThrowInvalid(f.Name(name), f.Name(name) + " must be an ISO 8601 time.");
  return *t;
}

void WriteResults(JsonWriter& w, const char* key,
                  const std::vector<service::DatasetJobService::FileResult>& results) {
  w.Key(key).BeginArray();
  for (const auto& r : results) {
    w.BeginObject().Member("DatasetFileMetaId", r.id).Member("Result", r.result);
    w.Member("Uri", r.uri).EndObject();
  }
  w.EndArray();
}

const json::array& MetasOf(const json::object& body) {
  const json::value* metas = body.if_contains("DatasetFileMetas");
  if (!metas) core::ThrowMissing("DatasetFileMetas");
  if (!metas->is_array())
    core::ThrowInvalid("DatasetFileMetas", "DatasetFileMetas must be a list.");
  if (metas->as_array().size() > 1000) {
    core::ThrowInvalid("DatasetFileMetas", "DatasetFileMetas may hold at most 1000 items.");
  }
  return metas->as_array();
}

const std::string& Required(const Params& p, const std::string& name) {
  const std::string* value = p.Get(name);
  if (!value) core::ThrowMissing(name);
  return *value;
}

}  // namespace

void AddDatasetJobRoutes(Dialect& d, DatasetJobService& jobs) {
  constexpr auth::Access kRead = auth::Access::kRead, kWrite = auth::Access::kWrite;
  const std::string base = "/api/v1/datasets/{DatasetId}";

  // ---- dataset jobs ---------------------------------------------------------------

  d.Add("POST", base + "/datasetjobs", "paidataset:CreateDatasetJob", kWrite,
        [&jobs](Request& r, const Principal& who) {
          json::object o = ParseBody(r.body);
          Fields f = BodyOf(o);
          DatasetJob draft;
          draft.workspace_id = f.String("WorkspaceId").value_or("");
          draft.action = f.String("JobAction").value_or("");
          draft.spec = f.String("JobSpec").value_or("");
          draft.mode = f.String("JobMode").value_or("");
          draft.version = f.String("DatasetVersion").value_or("");
          draft.description = f.String("Description").value_or("");
          DatasetJob job = jobs.Create(who, r.path_params["DatasetId"], std::move(draft));
          return Reply(r, [&](JsonWriter& w) { w.Member("DatasetJobId", job.public_id); });
        });

  d.Add("GET", base + "/datasetjobs", "paidataset:ListDatasetJobs", kRead,
        [&jobs](Request& r, const Principal& who) {
          Params p(r.query);
          bool logs = p.Bool("WithLogs").value_or(false);
          service::RecordList<DatasetJob> list =
              jobs.List(who, r.path_params["DatasetId"], ParseListJobs(p));
          return Reply(r, [&](JsonWriter& w) {
            w.Key("DatasetJobs").BeginArray();
            for (const DatasetJob& job : list.items) {
              w.BeginObject();
              WriteJob(w, job, JobView::kItem, logs);
              w.EndObject();
            }
            w.EndArray().Member("TotalCount", list.total);
          });
        });

  d.Add("GET", base + "/datasetjobs/{DatasetJobId}", "paidataset:GetDatasetJob", kRead,
        [&jobs](Request& r, const Principal& who) {
          DatasetJob job = jobs.Get(who, r.path_params["DatasetId"], r.path_params["DatasetJobId"]);
          return Reply(r, [&](JsonWriter& w) { WriteJob(w, job, JobView::kGet, true); });
        });

  d.Add("PUT", base + "/datasetjobs/{DatasetJobId}", "paidataset:UpdateDatasetJob", kWrite,
        [&jobs](Request& r, const Principal& who) {
          json::object o = ParseBody(r.body);
          if (std::optional<std::string> description = BodyOf(o).String("Description")) {
            jobs.Describe(who, r.path_params["DatasetId"], r.path_params["DatasetJobId"],
                          *description);
          } else {
            jobs.Get(who, r.path_params["DatasetId"], r.path_params["DatasetJobId"]);
          }
          return Done(r);
        });

  d.Add("PUT", base + "/datasetjobs/{DatasetJobId}/action/stop", "paidataset:StopDatasetJob",
        kWrite, [&jobs](Request& r, const Principal& who) {
          ParseBody(r.body);
          jobs.Stop(who, r.path_params["DatasetId"], r.path_params["DatasetJobId"]);
          return Done(r);
        });

  d.Add("DELETE", base + "/datasetjobs/{DatasetJobId}", "paidataset:DeleteDatasetJob", kWrite,
        [&jobs](Request& r, const Principal& who) {
          jobs.Delete(who, r.path_params["DatasetId"], r.path_params["DatasetJobId"]);
          return Done(r);
        });

  // ---- dataset job configs -----------------------------------------------------------

  d.Add("POST", base + "/datasetjobconfigs", "paidataset:CreateDatasetJobConfig", kWrite,
        [&jobs](Request& r, const Principal& who) {
          json::object o = ParseBody(r.body);
          Fields f = BodyOf(o);
          DatasetJobConfig draft;
          draft.workspace_id = f.String("WorkspaceId").value_or("");
          draft.config_type = f.String("ConfigType").value_or("");
          draft.config = f.String("Config").value_or("");
          draft.version = f.String("DatasetVersion").value_or("");
          DatasetJobConfig c = jobs.CreateConfig(who, r.path_params["DatasetId"], std::move(draft));
          return Reply(r, [&](JsonWriter& w) { w.Member("DatasetJobConfigId", c.public_id); });
        });

  d.Add("GET", base + "/datasetjobconfigs", "paidataset:ListDatasetJobConfigs", kRead,
        [&jobs](Request& r, const Principal& who) {
          using service::JobConfigStrings;
          Params p(r.query);
          Query q;
          const std::pair<const char*, index::FieldId> exact[] = {
              {"WorkspaceId", JobConfigStrings::kWorkspace},
              {"ConfigType", JobConfigStrings::kConfigType},
              {"DatasetVersion", JobConfigStrings::kVersion}};
          for (const auto& [param, field] : exact) {
            if (const std::string* value = p.Get(param)) q.exact[field] = {*value};
          }
          q.descending = false;
          Paging paging = ParsePaging(p, 10, kMaxPageSize);
          q.offset = paging.offset;
          q.limit = paging.limit;
          service::RecordList<DatasetJobConfig> list =
              jobs.ListConfigs(who, r.path_params["DatasetId"], q);
          return Reply(r, [&](JsonWriter& w) {
            w.Key("DatasetJobConfigs").BeginArray();
            for (const DatasetJobConfig& c : list.items) {
              w.BeginObject();
              WriteConfig(w, c, true);
              w.EndObject();
            }
            w.EndArray().Member("TotalCount", list.total);
          });
        });

  d.Add("GET", base + "/datasetjobconfigs/{DatasetJobConfigId}", "paidataset:GetDatasetJobConfig",
        kRead, [&jobs](Request& r, const Principal& who) {
          DatasetJobConfig c =
              jobs.GetConfig(who, r.path_params["DatasetId"], r.path_params["DatasetJobConfigId"]);
          return Reply(r, [&](JsonWriter& w) { WriteConfig(w, c, false); });
        });

  d.Add("PUT", base + "/datasetjobconfigs/{DatasetJobConfigId}",
        "paidataset:UpdateDatasetJobConfig", kWrite, [&jobs](Request& r, const Principal& who) {
          json::object o = ParseBody(r.body);
          Fields f = BodyOf(o);
          jobs.UpdateConfig(who, r.path_params["DatasetId"], r.path_params["DatasetJobConfigId"],
                            f.String("ConfigType"), f.String("Config"));
          return Done(r);
        });

  d.Add("DELETE", base + "/datasetjobconfigs/{DatasetJobConfigId}",
        "paidataset:DeleteDatasetJobConfig", kWrite, [&jobs](Request& r, const Principal& who) {
          jobs.DeleteConfig(who, r.path_params["DatasetId"], r.path_params["DatasetJobConfigId"]);
          return Done(r);
        });

  // ---- the catalogue ----------------------------------------------------------------

  d.Add("GET", base + "/datasetfilemetas", "paidataset:ListDatasetFileMetas", kRead,
        [&jobs](Request& r, const Principal& who) {
          Params p(r.query);
          const std::string& version = Required(p, "DatasetVersion");
          const std::string& workspace = Required(p, "WorkspaceId");
          std::optional<VectorQuery> vector = ParseVectorQuery(p);
          std::optional<index::Continuation> token;
          Query q = ParseListFiles(r.query, token);
          if (vector) {
            std::vector<service::DatasetJobService::ScoredFile> found = jobs.SimilarFiles(
                who, r.path_params["DatasetId"], version, vector->text, vector->top_k,
                vector->threshold, vector->mix ? std::optional<Query>(q) : std::nullopt);
            return Reply(r, [&](JsonWriter& w) {
              w.Key("DatasetFileMetas").BeginArray();
              for (const auto& [file, score] : found) {
                w.BeginObject();
                WriteFile(w, file, false, score);
                w.EndObject();
              }
              w.EndArray();
              w.Member("DatasetId", r.path_params["DatasetId"]);
              w.Member("DatasetVersion", version);
              w.Member("WorkspaceId", workspace);
              w.Member("TotalCount", static_cast<int64_t>(found.size()));
              w.Key("NextToken").Null();
              w.Member("MaxResults", static_cast<int64_t>(vector->top_k));
            });
          }
          service::RecordList<DatasetFile> list =
              jobs.ListFiles(who, r.path_params["DatasetId"], version, q);
          std::string next;
          if (q.offset + q.limit < list.total) {
            next = index::EncodeContinuation(
                {list.snapshot, q.offset + q.limit, FileListFingerprint(r.query), q.now});
          }
          return Reply(r, [&](JsonWriter& w) {
            w.Key("DatasetFileMetas").BeginArray();
            for (const DatasetFile& file : list.items) {
              w.BeginObject();
              WriteFile(w, file, false);
              w.EndObject();
            }
            w.EndArray();
            w.Member("DatasetId", r.path_params["DatasetId"]);
            w.Member("DatasetVersion", version);
            w.Member("WorkspaceId", workspace);
            w.Member("TotalCount", list.total);
            w.Key("NextToken");
            if (next.empty()) {
              w.Null();
            } else {
              w.String(next);
            }
            w.Member("MaxResults", q.limit);
            w.Member("PageSize", q.limit);
          });
        });

  d.Add("POST", base + "/datasetfilemetas", "paidataset:CreateDatasetFileMetas", kWrite,
        [&jobs](Request& r, const Principal& who) {
          json::object o = ParseBody(r.body);
          Fields f = BodyOf(o);
          std::optional<std::string> version = f.String("DatasetVersion");
          if (!version || version->empty()) core::ThrowMissing("DatasetVersion");
          if (!f.String("WorkspaceId")) core::ThrowMissing("WorkspaceId");
          std::vector<DatasetFile> drafts;
          const json::array& metas = MetasOf(o);
          for (size_t i = 0; i < metas.size(); ++i) {
            std::string at = "DatasetFileMetas[" + std::to_string(i) + "]";
            if (!metas[i].is_object()) core::ThrowInvalid(at, at + " must be an object.");
            Fields m(metas[i].as_object(), at + ".");
            DatasetFile file;
            file.uri = m.String("Uri").value_or("");
            file.file_type = m.String("FileType").value_or("");
            file.content_type = m.String("ContentType").value_or("");
            file.fingerprint = m.String("FileFingerPrint").value_or("");
            file.file_updated = TimeField(m, "FileUpdateTime");
            file.file_created = TimeField(m, "FileCreateTime");
            file.file_name = m.String("FileName").value_or("");
            if (file.file_name.empty()) file.file_name = file.uri.substr(file.uri.rfind('/') + 1);
            file.size = m.Int("DataSize").value_or(0);
            file.meta_attributes = m.String("MetaAttributes").value_or("");
            file.comment = m.String("Comment").value_or("");
            std::map<std::string, TagGroup> tags =
                ParseTags(m.String("Tags").value_or(""), m.Name("Tags"));
            file.user_tags = tags["user"].add;
            file.deleted_ai_tags = tags["user-delete-ai-tags"].add;
            drafts.push_back(std::move(file));
          }
          service::DatasetJobService::FileResults results =
              jobs.CreateFiles(who, r.path_params["DatasetId"], *version, std::move(drafts));
          return Reply(r, [&](JsonWriter& w) {
            w.Member("Status", results.failed.empty());
            WriteResults(w, "SucceedDetails", results.succeeded);
            WriteResults(w, "FailedDetails", results.failed);
          });
        });

  d.Add("PUT", base + "/datasetfilemetas", "paidataset:UpdateDatasetFileMetas", kWrite,
        [&jobs](Request& r, const Principal& who) {
          json::object o = ParseBody(r.body);
          std::vector<service::DatasetJobService::FileUpdate> updates;
          const json::array& metas = MetasOf(o);
          for (size_t i = 0; i < metas.size(); ++i) {
            std::string at = "DatasetFileMetas[" + std::to_string(i) + "]";
            if (!metas[i].is_object()) core::ThrowInvalid(at, at + " must be an object.");
            Fields m(metas[i].as_object(), at + ".");
            service::DatasetJobService::FileUpdate u;
            u.id = m.String("DatasetFileMetaId").value_or("");
            if (u.id.empty()) core::ThrowMissing(m.Name("DatasetFileMetaId"));
            u.comment = m.String("Comment");
            u.content_type = m.String("ContentType");
            u.file_name = m.String("FileName");
            u.file_type = m.String("FileType");
            u.fingerprint = m.String("FileFingerPrint");
            u.meta_attributes = m.String("MetaAttributes");
            u.size = m.Int("DataSize");
            if (core::TimeMs t = TimeField(m, "FileCreateTime")) u.file_created = t;
            if (core::TimeMs t = TimeField(m, "FileUpdateTime")) u.file_updated = t;
            std::map<std::string, TagGroup> tags =
                ParseTags(m.String("Tags").value_or(""), m.Name("Tags"));
            u.tags = {tags["user"].add, tags["user"].remove, tags["user-delete-ai-tags"].add,
                      tags["user-delete-ai-tags"].remove};
            updates.push_back(std::move(u));
          }
          service::DatasetJobService::FileResults results =
              jobs.UpdateFiles(who, r.path_params["DatasetId"], updates);
          return Reply(r, [&](JsonWriter& w) {
            w.Member("Status", results.failed.empty());
            WriteResults(w, "FailedDetails", results.failed);
          });
        });

  d.Add("DELETE", base + "/datasetfilemetas", "paidataset:DeleteDatasetFileMetas", kWrite,
        [&jobs](Request& r, const Principal& who) {
          Params p(r.query);
          std::vector<std::string> ids = SplitList(Required(p, "DatasetFileMetaIds"));
          if (ids.size() > 1000) {
            core::ThrowInvalid("DatasetFileMetaIds", "DatasetFileMetaIds may name at most 1000.");
          }
          service::DatasetJobService::FileResults results =
              jobs.DeleteFiles(who, r.path_params["DatasetId"], ids);
          return Reply(r, [&](JsonWriter& w) {
            w.Member("Status", results.failed.empty());
            WriteResults(w, "FailedDetails", results.failed);
          });
        });

  d.Add("GET", "/api/v1/statistics/datasets/{DatasetId}/datasetfilemetas",
        "paidataset:GetDatasetFileMetasStatistics", kRead,
        [&jobs](Request& r, const Principal& who) {
          using FacetOf = index::RecordIndex::FacetOf;
          Params p(r.query);
          const std::string& version = Required(p, "DatasetVersion");
          Required(p, "WorkspaceId");
          int64_t max = p.Int("MaxResults").value_or(10);
          if (max < 1 || max > 100)
            core::ThrowInvalid("MaxResults", "MaxResults must be from 1 to 100.");
          FacetOf of = FacetOf::kString;
          index::FieldId field = index::kNoField;
          if (const std::string* by = p.Get("AggregateBy")) {
            std::string folded = text::Fold(*by);
            const std::tuple<const char*, FacetOf, index::FieldId> kinds[] = {
                {"filedir", FacetOf::kString, service::DatasetFileStrings::kFileDir},
                {"file_type", FacetOf::kString, service::DatasetFileStrings::kFileType},
                {"tags.user", FacetOf::kWords, service::DatasetFileWords::kUserTags},
                {"tags.ai", FacetOf::kWords, service::DatasetFileWords::kAiTags},
                {"tags.user-delete-ai-tags", FacetOf::kWords,
                 service::DatasetFileWords::kDeletedAiTags},
                {"tags.all", FacetOf::kWords, service::DatasetFileWords::kTags}};
            for (const auto& [name, facet_of, facet] : kinds) {
              if (folded == name) {
                of = facet_of;
                field = facet;
              }
            }
            if (field == index::kNoField) {
              core::ThrowInvalid("AggregateBy",
                                 "AggregateBy must be filedir, file_type, tags.user, tags.ai, "
                                 "tags.user-delete-ai-tags or tags.all.");
            }
          }
          service::DatasetJobService::FileStats stats =
              jobs.FileStatistics(who, r.path_params["DatasetId"], version, of, field);
          std::stable_sort(stats.counts.begin(), stats.counts.end(),
                           [](const auto& a, const auto& b) { return a.count > b.count; });
          if (stats.counts.size() > static_cast<size_t>(max)) stats.counts.resize(max);
          std::string body;
          JsonWriter w(body);
          w.BeginObject();
          if (field != index::kNoField) {
            w.Key("DatasetFileMetasStats").BeginArray();
            for (const auto& c : stats.counts) {
              std::string key = c.value;
              if (of == FacetOf::kWords) key = text::FromOneWord(c.value).value_or(c.value);
              w.BeginObject().Member("Key", key).Member("Count", c.count).EndObject();
            }
            w.EndArray();
          }
          // The SDK reads this call's request id with a lowercase r.
          w.Member("TotalCount", stats.total).Member("requestId", r.request_id).EndObject();
          return Response{200, "application/json;charset=utf-8", std::move(body)};
        });

  d.Add("GET", base + "/datasetfilemetas/{DatasetFileMetaId}", "paidataset:GetDatasetFileMeta",
        kRead, [&jobs](Request& r, const Principal& who) {
          DatasetFile file =
              jobs.GetFile(who, r.path_params["DatasetId"], r.path_params["DatasetFileMetaId"]);
          return Reply(r, [&](JsonWriter& w) {
            w.Key("DatasetFileMeta").BeginObject();
            WriteFile(w, file, true);
            w.EndObject();
            w.Member("DatasetId", file.dataset_id);
            w.Member("DatasetVersion", file.version);
            w.Member("WorkspaceId", file.workspace_id);
          });
        });

  // Drover's own, for the console's previews: a catalogued file's bytes,
  // for who may read it (signed like every call here).
  d.Add("GET", base + "/datasetfilemetas/{DatasetFileMetaId}/content",
        "paidataset:GetDatasetFileContent", kRead, [&jobs](Request& r, const Principal& who) {
          std::string dataset = r.path_params["DatasetId"], id = r.path_params["DatasetFileMetaId"];
          DatasetFile file = jobs.GetFile(who, dataset, id);
          std::filesystem::path path = jobs.FilePath(who, dataset, id);
          std::shared_ptr<OpenFile> open;
          try {
            open = std::make_shared<OpenFile>(path.string());
          } catch (const std::exception&) {
            core::ThrowNotFound("The file " + file.uri + " is gone from its file system.");
          }
          struct stat st {};
          if (::fstat(open->fd(), &st) != 0 || !S_ISREG(st.st_mode)) {
            core::ThrowNotFound("The file " + file.uri + " is not a regular file.");
          }
          Response response(
              200, file.content_type.empty() ? "application/octet-stream" : file.content_type, "");
          response.file = FileSlice{open, 0, static_cast<uint64_t>(st.st_size)};
          response.headers = {{"X-Content-Type-Options", "nosniff"},
                              {"Content-Security-Policy", "sandbox"}};
          return response;
        });
}

}  // namespace drover::api::dataset
