#include "api/dlc/job_json.h"

#include <boost/json.hpp>

#include "api/http/params.h"
#include "core/error.h"
#include "core/quantity.h"
#include "text/text.h"

namespace drover::api::dlc {

namespace json = boost::json;
using core::Job;

namespace {

// The part of Job::extras this dialect owns.
constexpr const char* kExtrasKey = "dlc";

json::object DlcExtras(const Job& job, json::storage_ptr sp = {}) {
  json::value all = json::parse(job.extras, sp);
  if (json::value* mine = all.as_object().if_contains(kExtrasKey); mine && mine->is_object()) {
    return std::move(mine->get_object());
  }
  return json::object(sp);
}

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

// Body fields Drover models; everything else goes to extras verbatim.
bool IsModeledField(std::string_view key) {
  static const std::vector<std::string_view> kModeled = {
      "DisplayName",   "JobType",     "UserCommand", "Priority",
      "Accessibility", "WorkspaceId", "ResourceId",  "JobMaxRunningTimeMinutes",
      "Description",   "Envs",        "TemplateId",  "BusinessUserId"};
  return std::find(kModeled.begin(), kModeled.end(), key) != kModeled.end();
}

}  // namespace

Job ParseCreateJob(std::string_view body) {
  json::object o = ParseBodyObject(body);
  Fields f(o);
  Job job;

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

  json::object extras;
  for (const auto& kv : o) {
    if (!IsModeledField(kv.key())) extras[kv.key()] = kv.value();
  }
  job.extras = json::serialize(json::object{{kExtrasKey, std::move(extras)}});
  return job;
}

service::JobUpdate ParseUpdateJob(std::string_view body, const Job& current) {
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

namespace {

json::value Time(core::TimeMs t, const json::storage_ptr& sp = {}) {
  return t == 0 ? json::value(nullptr, sp) : json::value(core::FormatIso8601(t), sp);
}

json::object StringMapJson(const std::map<std::string, std::string>& m,
                           const json::storage_ptr& sp) {
  json::object o(sp);
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

// The JobSpecs as the client sent them, with the modeled fields current.
json::array RenderRoles(const Job& job, const json::object& extras, const json::storage_ptr& sp) {
  const json::array* sent = nullptr;
  if (const json::value* v = extras.if_contains("JobSpecs"); v && v->is_array())
    sent = &v->get_array();
  json::array out(sp);
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const core::RoleSpec& role = job.roles[i];
    json::object spec(sp);
    if (sent && i < sent->size() && (*sent)[i].is_object()) spec = (*sent)[i].get_object();
    spec["Type"] = role.role;
    spec["Image"] = role.image;
    spec["PodCount"] = role.pod_count;
    if (!role.instance_type.empty()) spec["EcsSpec"] = role.instance_type;
    out.push_back(std::move(spec));
  }
  return out;
}

json::object RenderPod(const core::PodState& pod, core::TimeMs now, const json::storage_ptr& sp) {
  core::TimeMs end = pod.finished ? pod.finished : now;
  return json::object(
      {
          {"PodId", pod.name},
          {"PodUid", pod.uid},
          {"Type", pod.role},
          {"Status", pod.status},
          {"SubStatus", ""},
          {"Ip", "127.0.0.1"},
          {"PodIps", json::array{json::object{{"InterfaceName", "eth0"}, {"Ip", "127.0.0.1"}}}},
          {"NodeName", "local"},
          {"ResourceType", "ECS"},
          {"GmtCreateTime", Time(pod.created)},
          {"GmtStartTime", Time(pod.started)},
          {"GmtFinishTime", Time(pod.finished)},
          {"Duration",
           pod.started && end > pod.started ? (end - pod.started) / core::kMsPerSecond : 0},
          {"ExitCode", pod.exit_code >= 0 ? json::value(pod.exit_code) : json::value(nullptr)},
          {"Signal", pod.signal},
      },
      sp);
}

// Current pods, each with the earlier runs of the same pod as HistoryPods.
json::array RenderPods(const Job& job, core::TimeMs now, const json::storage_ptr& sp) {
  json::array out(sp);
  for (const core::PodState& pod : job.pods) {
    json::object o = RenderPod(pod, now, sp);
    json::array history(sp);
    for (const core::PodState& old : job.history_pods) {
      if (old.name == pod.name) history.push_back(RenderPod(old, now, sp));
    }
    o["HistoryPods"] = std::move(history);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

json::object RenderJob(const Job& job, JobView view, core::TimeMs now, json::storage_ptr sp) {
  json::object extras = DlcExtras(job, sp);
  json::object o(sp);
  o.reserve(extras.size() + 64);  // every field below, without rehashing on the way
  // Pass-through fields first, so modeled fields below always win.
  for (const auto& kv : extras) {
    if (kv.key() == "UserVpc" && kv.value().is_object()) {
      json::object vpc(kv.value().get_object(), sp);
      if (json::value* cidrs = vpc.if_contains("ExtendedCIDRs")) {
        vpc["ExtendedCidrs"] = *cidrs;
        vpc.erase("ExtendedCIDRs");
      }
      o["UserVpc"] = std::move(vpc);
    } else {
      o[kv.key()] = kv.value();
    }
  }
  o["JobId"] = job.public_id;
  o["DisplayName"] = job.display_name;
  o["JobType"] = job.job_type;
  o["Status"] = core::TrainingStatusName(job.status);
  o["SubStatus"] = job.sub_status;
  o["ReasonCode"] = job.reason_code;
  o["ReasonMessage"] = job.reason_message;
  o["WorkspaceId"] = job.workspace_id;
  o["WorkspaceName"] = job.workspace_id == "1" ? "default" : job.workspace_id;
  o["UserId"] = job.user_id;
  o["TenantId"] = job.tenant_id;
  o["ClusterId"] = "local";
  o["ResourceId"] = job.resource_id;
  o["ResourceQuotaName"] = job.resource_quota_name;
  o["ResourceLevel"] = "L0";
  o["ResourceType"] = "ECS";
  o["Accessibility"] = core::VisibilityName(job.visibility);
  o["Priority"] = job.priority;
  o["PaymentType"] = job.payment_type;
  o["TemplateId"] = job.template_id;
  o["GmtCreateTime"] = Time(job.created, sp);
  o["GmtSubmittedTime"] = Time(job.submitted, sp);
  o["GmtRunningTime"] = Time(job.running, sp);
  o["GmtFinishTime"] = Time(job.finished, sp);
  o["GmtSuccessedTime"] = Time(job.succeeded, sp);
  o["GmtFailedTime"] = Time(job.failed, sp);
  o["GmtStoppedTime"] = Time(job.stopped, sp);
  o["GmtModifiedTime"] = Time(job.modified, sp);
  o["Duration"] = job.DurationSeconds(now);
  o["RestartTimes"] = std::to_string(job.restart_count) + "/" + std::to_string(job.RestartLimit());
  o["RetryCount"] = job.restart_count;
  o["JobMaxRunningTimeMinutes"] = job.max_running_minutes;
  o["JobSpecs"] = RenderRoles(job, extras, sp);
  o["UserCommand"] = job.user_command;
  o["Envs"] = StringMapJson(job.envs, sp);
  o["NodeNames"] = job.pods.empty() ? json::array() : json::array{"local"};
  o["Pods"] = RenderPods(job, now, sp);
  json::array history(sp);
  for (const core::StatusEvent& e : job.history) {
    history.push_back(json::object({{"Status", core::TrainingStatusName(e.status)},
                                    {"StartTime", Time(e.start, sp)},
                                    {"EndTime", Time(e.end, sp)},
                                    {"ReasonCode", e.reason_code},
                                    {"ReasonMessage", e.reason_message}},
                                   sp));
  }
  o["StatusHistory"] = std::move(history);
  if (view == JobView::kListItem) {
    o["Username"] = job.username;
    o["IsDeleted"] = false;
    o["RequestCPU"] = job.RequestCpu();
    o["RequestGPU"] = std::to_string(job.RequestGpu());
    o["RequestMemory"] = job.RequestMemory();
    o["NodeCount"] = std::to_string(job.NodeCount());
  } else {
    o["Description"] = job.description;
  }
  return o;
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

std::vector<std::string> RenderEvents(const Job& job, core::TimeMs from, core::TimeMs to,
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
