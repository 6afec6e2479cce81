#include "api/dlc/job_json.h"

#include <boost/json.hpp>

#include "api/http/params.h"
#include "core/error.h"
#include "core/json_reader.h"
#include "core/quantity.h"
#include "text/text.h"

namespace drover::api::dlc {

namespace json = boost::json;
using core::TrainingJob;

namespace {

// The part of TrainingJob::extras this dialect owns.
constexpr const char* kExtrasKey = "dlc";

// ==== Vocabulary ============================================================

struct JobTypeRoles {
  const char* job_type;
  std::vector<const char*> roles;  // empty = any role
};

// The job types CreateJob accepts and the roles each allows.
const std::vector<JobTypeRoles>& JobTypes() {
  static const std::vector<JobTypeRoles> kTypes = {
      {"TFJob", {"Chief", "PS", "Worker", "Evaluator", "GraphLearn"}},
      {"PyTorchJob", {"Worker", "Master"}},
      {"XGBoostJob", {"Worker", "Master"}},
      {"OneFlowJob", {"Worker", "Master"}},
      {"ElasticBatchJob", {"Worker", "Master"}},
      {"MPIJob", {"Launcher", "Worker"}},
      {"RayJob", {"Head", "Worker"}},
      {"SlurmJob", {}},
      {"DataJuicerJob", {}},
      {"FlinkBatchJob", {}},
  };
  return kTypes;
}

const JobTypeRoles& FindJobType(const std::string& job_type) {
  for (const JobTypeRoles& t : JobTypes()) {
    if (job_type == t.job_type) return t;
  }
  std::string allowed;
  for (const JobTypeRoles& t : JobTypes())
    allowed += (allowed.empty() ? "" : ", ") + std::string(t.job_type);
  core::ThrowInvalid("JobType", "The parameter JobType is invalid: \"" + job_type +
                                    "\" is not one of " + allowed + ".");
}

// The canonical spelling of `role` for the job type (roles match
// case-insensitively; RayJob also allows "Worker-<group>").
std::string CanonicalRole(const JobTypeRoles& type, const std::string& role,
                          const std::string& param) {
  if (type.roles.empty()) return role;
  std::string folded = text::Fold(role);
  for (const char* allowed : type.roles) {
    if (folded == text::Fold(allowed)) return allowed;
  }
  if (std::string_view(type.job_type) == "RayJob" && folded.starts_with("worker-")) return role;
  std::string allowed;
  for (const char* r : type.roles) allowed += (allowed.empty() ? "" : ", ") + std::string(r);
  core::ThrowInvalid(param, "The role \"" + role + "\" is not allowed in a " + type.job_type +
                                "; allowed roles are " + allowed + ".");
}

bool ValidDisplayName(const std::string& name) {
  if (name.empty() || name.size() > 256) return false;
  for (char c : name) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

json::object ParseBodyObject(std::string_view body) {
  if (body.size() > kMaxCreateBodyBytes) {
    core::ThrowInvalid("Body", "The request body is " + std::to_string(body.size()) +
                                   " bytes; the limit is 65536 bytes.");
  }
  return ParseJsonObject(body, "Body");
}

// ==== Parsing ===============================================================

std::vector<core::RoleSpec> ParseRoles(const json::array& specs, const JobTypeRoles& type) {
  if (specs.empty()) core::ThrowInvalid("JobSpecs", "JobSpecs must name at least one role.");
  std::vector<core::RoleSpec> roles;
  for (size_t i = 0; i < specs.size(); ++i) {
    std::string prefix = "JobSpecs[" + std::to_string(i) + "].";
    if (!specs[i].is_object()) core::ThrowInvalid("JobSpecs", prefix + " must be an object.");
    Fields f(specs[i].get_object(), prefix);
    core::RoleSpec role;
    std::optional<std::string> role_type = f.String("Type");
    if (!role_type || role_type->empty()) core::ThrowMissing(f.Name("Type"));
    role.role = CanonicalRole(type, *role_type, f.Name("Type"));
    role.image = f.String("Image").value_or("");
    role.pod_count = f.Int("PodCount").value_or(1);
    if (role.pod_count < 1)
      core::ThrowInvalid(f.Name("PodCount"), f.Name("PodCount") + " must be at least 1.");
    role.instance_type = f.String("EcsSpec").value_or("");
    role.restart_policy = f.String("RestartPolicy").value_or("");
    if (const json::object* rc = f.Object("ResourceConfig")) {
      Fields r(*rc, prefix + "ResourceConfig.");
      role.cpu = r.String("CPU").value_or("");
      role.gpu = r.String("GPU").value_or("");
      role.memory = r.String("Memory").value_or("");
      std::optional<int64_t> gpu_milli = core::ParseCpuMilli(role.gpu);
      if (!core::ParseCpuMilli(role.cpu)) {
        core::ThrowInvalid(r.Name("CPU"),
                           r.Name("CPU") + " must be a number of cores such as \"4\" or \"500m\".");
      }
      if (!gpu_milli || *gpu_milli % 1000 != 0) {
        core::ThrowInvalid(r.Name("GPU"), r.Name("GPU") + " must be a whole number of GPUs.");
      }
      if (!core::ParseMemoryBytes(role.memory)) {
        core::ThrowInvalid(r.Name("Memory"),
                           r.Name("Memory") + " must be a quantity such as \"10Gi\".");
      }
    }
    roles.push_back(std::move(role));
  }
  return roles;
}

// Which roles the same role name appears in twice is a client mistake.
void CheckDistinctRoles(const std::vector<core::RoleSpec>& roles) {
  for (size_t i = 0; i < roles.size(); ++i) {
    for (size_t j = i + 1; j < roles.size(); ++j) {
      if (roles[i].role == roles[j].role) {
        core::ThrowInvalid("JobSpecs", "The role " + roles[i].role + " appears twice in JobSpecs.");
      }
    }
  }
}

core::Visibility ParseVisibility(const std::string& value) {
  if (value == "PUBLIC") return core::Visibility::kPublic;
  if (value == "PRIVATE") return core::Visibility::kPrivate;
  core::ThrowInvalid("Accessibility", "Accessibility must be PUBLIC or PRIVATE.");
}

// DataSources: datasets (or bare URIs) to mount in every pod, resolved by
// the service. The items are also kept as sent, in extras.
std::vector<core::DataMount> ParseDataSources(const json::array& sources) {
  std::vector<core::DataMount> mounts;
  for (size_t i = 0; i < sources.size(); ++i) {
    std::string at = "DataSources[" + std::to_string(i) + "]";
    if (!sources[i].is_object()) core::ThrowInvalid(at, at + " must be an object.");
    Fields s(sources[i].get_object(), at + ".");
    core::DataMount m;
    m.dataset_id = s.String("DataSourceId").value_or("");
    m.version = s.String("DataSourceVersion").value_or("");
    m.uri = m.dataset_id.empty() ? s.String("Uri").value_or("") : "";
    m.mount_path = s.String("MountPath").value_or("");
    m.mount_access = s.String("MountAccess").value_or("");
    m.options = s.String("Options").value_or("");
    if (m.dataset_id.empty() && m.uri.empty()) core::ThrowMissing(at + ".DataSourceId");
    mounts.push_back(std::move(m));
  }
  return mounts;
}

// Body fields Drover models; everything else goes to extras verbatim.
bool IsModeledField(std::string_view key) {
  static const std::vector<std::string_view> kModeled = {
      "DisplayName",   "JobType",     "UserCommand", "Priority",
      "Accessibility", "WorkspaceId", "ResourceId",  "JobMaxRunningTimeMinutes",
      "Description",   "Envs",        "TemplateId",  "BusinessUserId"};
  return std::find(kModeled.begin(), kModeled.end(), key) != kModeled.end();
}

}  // namespace

TrainingJob ParseCreateJob(std::string_view body) {
  json::object o = ParseBodyObject(body);
  Fields f(o);
  TrainingJob job;

  std::optional<std::string> name = f.String("DisplayName");
  if (!name || name->empty()) core::ThrowMissing("DisplayName");
  if (!ValidDisplayName(*name)) {
    core::ThrowInvalid("DisplayName",
                       "DisplayName must be 1 to 256 characters of letters, digits, '_', '.' "
                       "and '-'.");
  }
  job.display_name = *name;

  std::optional<std::string> job_type = f.String("JobType");
  if (!job_type || job_type->empty()) core::ThrowMissing("JobType");
  const JobTypeRoles& type = FindJobType(*job_type);
  job.job_type = type.job_type;

  const json::array* specs = f.Array("JobSpecs");
  if (!specs) core::ThrowMissing("JobSpecs");
  job.roles = ParseRoles(*specs, type);
  CheckDistinctRoles(job.roles);

  std::optional<std::string> command = f.String("UserCommand");
  if (!command || command->empty()) core::ThrowMissing("UserCommand");
  job.user_command = *command;

  job.priority = f.Int("Priority").value_or(1);
  if (job.priority < 1 || job.priority > 9) {
    core::ThrowInvalid("Priority", "Priority must be an integer from 1 to 9.");
  }
  if (std::optional<std::string> a = f.String("Accessibility"))
    job.visibility = ParseVisibility(*a);
  job.workspace_id = f.String("WorkspaceId").value_or("");
  job.resource_id = f.String("ResourceId").value_or("");
  job.resource_quota_name = job.resource_id;
  job.max_running_minutes = f.Int("JobMaxRunningTimeMinutes").value_or(0);
  if (job.max_running_minutes < 0) {
    core::ThrowInvalid("JobMaxRunningTimeMinutes",
                       "JobMaxRunningTimeMinutes must not be negative.");
  }
  job.description = f.String("Description").value_or("");
  job.envs = f.StringMap("Envs");
  job.template_id = f.String("TemplateId").value_or("");
  job.business_user_id = f.String("BusinessUserId").value_or("");

  bool spot = false;
  for (const json::value& spec : *specs) {
    Fields s(spec.get_object());
    if (s.Object("SpotSpec") || s.Bool("UseSpotInstance").value_or(false)) spot = true;
    if (const json::object* assign = s.Object("AssignNodeSpec")) {
      if (Fields(*assign, "AssignNodeSpec.").Bool("EnableAssignNode").value_or(false)) {
        job.enable_assign_node = true;
      }
    }
  }
  job.payment_type = spot ? "Spot" : job.resource_id.empty() ? "PostPaid" : "PrePaid";

  if (const json::object* settings = f.Object("Settings")) {
    Fields s(*settings, "Settings.");
    job.tags = s.StringMap("Tags");
    job.pipeline_id = s.String("PipelineId").value_or("");
    job.caller = s.String("Caller").value_or("");
    job.enable_sanity_check = s.Bool("EnableSanityCheck").value_or(false);
    job.reserved_minutes = s.Int("JobReservedMinutes").value_or(0);
    job.max_restarts = s.Int("MaxRestartTimes").value_or(0);
    if (job.reserved_minutes < 0 || job.max_restarts < 0) {
      core::ThrowInvalid(
          job.reserved_minutes < 0 ? "Settings.JobReservedMinutes" : "Settings.MaxRestartTimes",
          "Settings.JobReservedMinutes and Settings.MaxRestartTimes must not be negative.");
    }
    if (std::optional<std::string> oversold = s.String("OversoldType")) {
      job.oversold_info =
          *oversold == "AcceptQuotaOverSold" ? "AcceptQuotaOverSold-false" : *oversold;
    }
  }

  if (const json::array* sources = f.Array("DataSources")) job.mounts = ParseDataSources(*sources);

  json::object extras;
  for (const auto& kv : o) {
    if (!IsModeledField(kv.key())) extras[kv.key()] = kv.value();
  }
  job.extras = json::serialize(json::object{{kExtrasKey, std::move(extras)}});
  return job;
}

service::JobUpdate ParseUpdateJob(std::string_view body, const TrainingJob& current) {
  json::object o = ParseBodyObject(body);
  Fields f(o);
  service::JobUpdate update;
  update.priority = f.Int("Priority");
  if (std::optional<std::string> a = f.String("Accessibility"))
    update.visibility = ParseVisibility(*a);
  update.description = f.String("Description");
  if (const json::array* specs = f.Array("JobSpecs")) {
    update.roles = ParseRoles(*specs, FindJobType(current.job_type));
    CheckDistinctRoles(*update.roles);
    json::object all = json::parse(current.extras).as_object();
    json::value& mine = all[kExtrasKey];
    if (!mine.is_object()) mine = json::object();
    mine.get_object()["JobSpecs"] = *specs;
    update.extras = json::serialize(all);
  }
  return update;
}

// ==== Rendering =============================================================
//
// Written straight to text (core/json_writer.h): a list page renders
// 50–100 jobs, and building a tree of nodes for each only to serialize it
// cost more than reading the jobs.

namespace {

// Writes members, remembering their keys: the client's pass-through fields
// are written after the modeled ones, less any key already written, so a
// modeled field always wins.
class Members {
 public:
  explicit Members(JsonWriter& w) : w_(w) {}
  JsonWriter& Key(std::string_view key) {
    written_.push_back(key);
    return w_.Key(key);
  }
  template <class T>
  void Member(std::string_view key, const T& value) {
    Key(key);
    Write(value);
  }
  void Time(std::string_view key, core::TimeMs t) {
    Key(key);
    if (t == 0) {
      w_.Null();
    } else {
      char buf[32];
      w_.String(core::FormatIso8601(t, false, buf));
    }
  }
  bool Written(std::string_view key) const {
    return std::find(written_.begin(), written_.end(), key) != written_.end();
  }
  JsonWriter& writer() { return w_; }

 private:
  void Write(std::string_view s) { w_.String(s); }
  void Write(const std::string& s) { w_.String(s); }
  void Write(const char* s) { w_.String(s); }
  void Write(int64_t v) { w_.Int(v); }
  void Write(int v) { w_.Int(v); }
  void Write(bool v) { w_.Bool(v); }

  JsonWriter& w_;
  std::vector<std::string_view> written_;
};

// A JSON object's members as the client sent them: keys, and values as text.
using SentFields = std::vector<std::pair<std::string, std::string_view>>;

// The members of the object at `r`.
SentFields ReadSentFields(core::JsonReader& r) {
  SentFields out;
  r.BeginObject();
  for (std::string_view key; r.NextKey(key);) {
    std::string name(key);
    out.emplace_back(std::move(name), r.Skip());
  }
  return out;
}

// The members of this dialect's part of TrainingJob::extras, in one walk of it.
SentFields DlcFields(const TrainingJob& job) {
  core::JsonReader r(job.extras);
  r.BeginObject();
  for (std::string_view key; r.NextKey(key);) {
    if (key == kExtrasKey && r.Peek() == core::JsonReader::Kind::kObject) return ReadSentFields(r);
    r.Skip();
  }
  return {};
}

const std::string_view* Find(const SentFields& fields, std::string_view key) {
  for (const auto& [name, value] : fields) {
    if (name == key) return &value;
  }
  return nullptr;
}

// UserVpc as the client sent it, its ExtendedCIDRs answered as
// ExtendedCidrs (the response's spelling).
void WriteUserVpc(JsonWriter& w, std::string_view vpc) {
  core::JsonReader r(vpc);
  SentFields fields = ReadSentFields(r);
  bool renamed = Find(fields, "ExtendedCIDRs") != nullptr;
  w.BeginObject();
  for (const auto& [key, value] : fields) {
    if (key == "ExtendedCIDRs") {
      w.Key("ExtendedCidrs").Raw(value);
    } else if (key != "ExtendedCidrs" || !renamed) {
      w.Key(key).Raw(value);
    }
  }
  w.EndObject();
}

// The members sent that are not written yet, copied as text.
void WritePassThrough(Members& m, const SentFields& sent) {
  for (const auto& [key, value] : sent) {
    if (m.Written(key)) continue;
    m.writer().Key(key);
    if (key == "UserVpc" && value.starts_with('{')) {
      WriteUserVpc(m.writer(), value);
    } else {
      m.writer().Raw(value);
    }
  }
}

// The JobSpecs as the client sent them, with the modeled fields current.
void WriteRoles(JsonWriter& w, const TrainingJob& job, const SentFields& extras) {
  std::vector<SentFields> sent;  // each role's fields as sent (none if not an object)
  if (const std::string_view* specs = Find(extras, "JobSpecs"); specs && specs->starts_with('[')) {
    core::JsonReader r(*specs);
    r.BeginArray();
    while (r.NextElement()) {
      if (r.Peek() == core::JsonReader::Kind::kObject) {
        sent.push_back(ReadSentFields(r));
      } else {
        r.Skip();
        sent.emplace_back();
      }
    }
  }
  w.BeginArray();
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const core::RoleSpec& role = job.roles[i];
    w.BeginObject();
    Members spec(w);
    spec.Member("Type", role.role);
    spec.Member("Image", role.image);
    spec.Member("PodCount", role.pod_count);
    if (!role.instance_type.empty()) spec.Member("EcsSpec", role.instance_type);
    if (i < sent.size()) WritePassThrough(spec, sent[i]);
    w.EndObject();
  }
  w.EndArray();
}

void WritePod(JsonWriter& w, const core::PodState& pod, core::TimeMs now) {
  core::TimeMs end = pod.finished ? pod.finished : now;
  Members m(w);
  m.Member("PodId", pod.name);
  m.Member("PodUid", pod.uid);
  m.Member("Type", pod.role);
  m.Member("Status", pod.status);
  m.Member("SubStatus", "");
  m.Member("Ip", "127.0.0.1");
  w.Key("PodIps").BeginArray().BeginObject();
  w.Member("InterfaceName", "eth0").Member("Ip", "127.0.0.1");
  w.EndObject().EndArray();
  m.Member("NodeName", "local");
  m.Member("ResourceType", "ECS");
  m.Time("GmtCreateTime", pod.created);
  m.Time("GmtStartTime", pod.started);
  m.Time("GmtFinishTime", pod.finished);
  m.Member("Duration",
           pod.started && end > pod.started ? (end - pod.started) / core::kMsPerSecond : 0);
  w.Key("ExitCode");
  if (pod.exit_code >= 0) {
    w.Int(pod.exit_code);
  } else {
    w.Null();
  }
  m.Member("Signal", pod.signal);
}

// Current pods, each with the earlier runs of the same pod as HistoryPods.
void WritePods(JsonWriter& w, const TrainingJob& job, core::TimeMs now) {
  w.BeginArray();
  for (const core::PodState& pod : job.pods) {
    w.BeginObject();
    WritePod(w, pod, now);
    w.Key("HistoryPods").BeginArray();
    for (const core::PodState& old : job.history_pods) {
      if (old.name != pod.name) continue;
      w.BeginObject();
      WritePod(w, old, now);
      w.EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
}

}  // namespace

void WriteJob(JsonWriter& w, const TrainingJob& job, JobView view, core::TimeMs now) {
  SentFields extras = DlcFields(job);
  Members m(w);
  m.Member("JobId", job.public_id);
  m.Member("DisplayName", job.display_name);
  m.Member("JobType", job.job_type);
  m.Member("Status", core::TrainingStatusName(job.status));
  m.Member("SubStatus", job.sub_status);
  m.Member("ReasonCode", job.reason_code);
  m.Member("ReasonMessage", job.reason_message);
  m.Member("WorkspaceId", job.workspace_id);
  m.Member("WorkspaceName", job.workspace_id == "1" ? "default" : job.workspace_id);
  m.Member("UserId", job.user_id);
  m.Member("TenantId", job.tenant_id);
  m.Member("ClusterId", "local");
  m.Member("ResourceId", job.resource_id);
  m.Member("ResourceQuotaName", job.resource_quota_name);
  m.Member("ResourceLevel", "L0");
  m.Member("ResourceType", "ECS");
  m.Member("Accessibility", core::VisibilityName(job.visibility));
  m.Member("Priority", job.priority);
  m.Member("PaymentType", job.payment_type);
  m.Member("TemplateId", job.template_id);
  m.Time("GmtCreateTime", job.created);
  m.Time("GmtSubmittedTime", job.submitted);
  m.Time("GmtRunningTime", job.running);
  m.Time("GmtFinishTime", job.finished);
  m.Time("GmtSuccessedTime", job.succeeded);
  m.Time("GmtFailedTime", job.failed);
  m.Time("GmtStoppedTime", job.stopped);
  m.Time("GmtModifiedTime", job.modified);
  m.Member("Duration", job.DurationSeconds(now));
  m.Member("RestartTimes",
           std::to_string(job.restart_count) + "/" + std::to_string(job.RestartLimit()));
  m.Member("RetryCount", job.restart_count);
  m.Member("JobMaxRunningTimeMinutes", job.max_running_minutes);
  m.Key("JobSpecs");
  WriteRoles(w, job, extras);
  m.Member("UserCommand", job.user_command);
  if (!job.mounts.empty()) {
    m.Key("DataSources").BeginArray();
    for (const core::DataMount& mount : job.mounts) {
      w.BeginObject();
      if (!mount.dataset_id.empty()) w.Member("DataSourceId", mount.dataset_id);
      if (!mount.version.empty()) w.Member("DataSourceVersion", mount.version);
      w.Member("MountPath", mount.mount_path).Member("MountAccess", mount.mount_access);
      if (view == JobView::kDetail) w.Member("Uri", mount.uri);
      if (!mount.options.empty()) w.Member("Options", mount.options);
      w.EndObject();
    }
    w.EndArray();
  }
  m.Key("Envs").BeginObject();
  for (const auto& [name, value] : job.envs) w.Member(name, value);
  w.EndObject();
  m.Key("NodeNames").BeginArray();
  if (!job.pods.empty()) w.String("local");
  w.EndArray();
  m.Key("Pods");
  WritePods(w, job, now);
  m.Key("StatusHistory").BeginArray();
  for (const core::StatusEvent& e : job.history) {
    w.BeginObject();
    Members event(w);
    event.Member("Status", core::TrainingStatusName(e.status));
    event.Time("StartTime", e.start);
    event.Time("EndTime", e.end);
    event.Member("ReasonCode", e.reason_code);
    event.Member("ReasonMessage", e.reason_message);
    w.EndObject();
  }
  w.EndArray();
  if (view == JobView::kListItem) {
    m.Member("Username", job.username);
    m.Member("IsDeleted", false);
    m.Member("RequestCPU", job.RequestCpu());
    m.Member("RequestGPU", std::to_string(job.RequestGpu()));
    m.Member("RequestMemory", job.RequestMemory());
    m.Member("NodeCount", std::to_string(job.NodeCount()));
  } else {
    m.Member("Description", job.description);
  }
  WritePassThrough(m, extras);
}

std::string JobJson(const TrainingJob& job, JobView view, core::TimeMs now) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  WriteJob(w, job, view, now);
  w.EndObject();
  return out;
}

std::vector<std::string> RenderPodEvents(const core::PodState& pod, core::TimeMs from,
                                         core::TimeMs to, int64_t max_events) {
  std::vector<std::pair<core::TimeMs, std::string>> all = {{pod.created, "created"},
                                                           {pod.started, "started"}};
  if (pod.finished != 0) {
    all.push_back({pod.finished, pod.signal != 0
                                     ? "killed by signal " + std::to_string(pod.signal)
                                     : "exited with code " + std::to_string(pod.exit_code)});
  }
  std::vector<std::string> events;
  for (const auto& [when, what] : all) {
    if (when == 0 || when < from || when > to) continue;
    if (static_cast<int64_t>(events.size()) >= max_events) break;
    events.push_back(core::FormatIso8601(when, /*millis=*/true) + " Pod " + pod.name + " " + what);
  }
  return events;
}

std::vector<std::string> RenderEvents(const TrainingJob& job, core::TimeMs from, core::TimeMs to,
                                      int64_t max_events) {
  std::vector<std::string> events;
  for (const core::StatusEvent& e : job.history) {
    if (e.start < from || e.start > to) continue;
    if (static_cast<int64_t>(events.size()) >= max_events) break;
    std::string line = core::FormatIso8601(e.start, /*millis=*/true) + " Job " + job.public_id +
                       " is " + std::string(core::TrainingStatusName(e.status));
    if (!e.reason_code.empty()) line += " (" + e.reason_code + ")";
    if (!e.reason_message.empty()) line += ": " + e.reason_message;
    events.push_back(std::move(line));
  }
  return events;
}

}  // namespace drover::api::dlc
