#include "api/dlc/import.h"

#include <boost/json.hpp>

#include "api/http/params.h"
#include "core/error.h"
#include "core/json_reader.h"
#include "core/json_writer.h"

namespace drover::api::dlc {

namespace json = boost::json;

namespace {

core::TimeMs TimeField(const Fields& f, const char* name) {
  std::optional<std::string> text = f.String(name);
  if (!text || text->empty()) return 0;
  std::optional<core::TimeMs> t = core::ParseIso8601(*text);
  if (!t) core::ThrowInvalid(name, std::string(name) + " is not an ISO-8601 time: " + *text);
  return *t;
}

std::vector<std::string_view> Sorted(std::vector<std::string_view> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Fields the import models; the rest is kept for rendering as sent.
bool IsModeled(std::string_view key) {
  static const std::vector<std::string_view> kModeled = Sorted({"JobId",
                                                                "DisplayName",
                                                                "JobType",
                                                                "Status",
                                                                "SubStatus",
                                                                "ReasonCode",
                                                                "ReasonMessage",
                                                                "WorkspaceId",
                                                                "UserId",
                                                                "Username",
                                                                "TenantId",
                                                                "ResourceId",
                                                                "ResourceQuotaName",
                                                                "Accessibility",
                                                                "Priority",
                                                                "UserCommand",
                                                                "Envs",
                                                                "Description",
                                                                "TemplateId",
                                                                "GmtCreateTime",
                                                                "GmtSubmittedTime",
                                                                "GmtRunningTime",
                                                                "GmtFinishTime",
                                                                "GmtSuccessedTime",
                                                                "GmtFailedTime",
                                                                "GmtStoppedTime",
                                                                "GmtModifiedTime",
                                                                "Duration",
                                                                "RequestGPU",
                                                                "RequestCPU",
                                                                "RequestMemory",
                                                                "NodeCount",
                                                                "RequestId",
                                                                "StatusHistory",
                                                                "Pods",
                                                                "RestartTimes",
                                                                "RetryCount",
                                                                "IsDeleted",
                                                                "WorkspaceName",
                                                                "ClusterId",
                                                                "ResourceLevel",
                                                                "ResourceType",
                                                                "NodeNames",
                                                                "PaymentType"});
  return std::binary_search(kModeled.begin(), kModeled.end(), key);
}

}  // namespace

core::TrainingJob ParseImportedJob(std::string_view line, const std::string& tenant) {
  // The line's tree lives in an arena, on the stack while it fits: no
  // malloc and free per node, a million times over.
  unsigned char buffer[16384];
  json::monotonic_resource arena(buffer, sizeof buffer);
  json::object o = ParseJsonObject(line, "line", &arena);
  Fields f(o);
  core::TrainingJob job;
  std::optional<std::string> id = f.String("JobId");
  if (!id || id->empty()) core::ThrowMissing("JobId");
  job.public_id = *id;
  job.imported = true;
  job.tenant_id = tenant;
  job.display_name = f.String("DisplayName").value_or("");
  job.job_type = f.String("JobType").value_or("");
  std::string status = f.String("Status").value_or("");
  std::optional<core::TrainingStatus> s = core::ParseTrainingStatus(status);
  if (!s) core::ThrowInvalid("Status", "Unknown Status \"" + status + "\".");
  job.status = *s;
  job.sub_status = f.String("SubStatus").value_or("");
  job.reason_code = f.String("ReasonCode").value_or("");
  job.reason_message = f.String("ReasonMessage").value_or("");
  job.workspace_id = f.String("WorkspaceId").value_or("1");
  job.user_id = f.String("UserId").value_or("");
  job.username = f.String("Username").value_or(job.user_id);
  job.resource_id = f.String("ResourceId").value_or("");
  job.resource_quota_name = f.String("ResourceQuotaName").value_or(job.resource_id);
  job.visibility = f.String("Accessibility").value_or("PRIVATE") == "PUBLIC"
                       ? core::Visibility::kPublic
                       : core::Visibility::kPrivate;
  job.priority = f.Int("Priority").value_or(1);
  job.user_command = f.String("UserCommand").value_or("");
  job.envs = f.StringMap("Envs");
  job.description = f.String("Description").value_or("");
  job.template_id = f.String("TemplateId").value_or("");
  job.payment_type =
      f.String("PaymentType").value_or(job.resource_id.empty() ? "PostPaid" : "PrePaid");
  job.created = TimeField(f, "GmtCreateTime");
  job.submitted = TimeField(f, "GmtSubmittedTime");
  job.running = TimeField(f, "GmtRunningTime");
  job.finished = TimeField(f, "GmtFinishTime");
  job.succeeded = TimeField(f, "GmtSuccessedTime");
  job.failed = TimeField(f, "GmtFailedTime");
  job.stopped = TimeField(f, "GmtStoppedTime");
  job.modified = TimeField(f, "GmtModifiedTime");
  if (job.modified == 0) job.modified = job.created;
  if (const json::array* specs = f.Array("JobSpecs")) {
    for (size_t i = 0; i < specs->size(); ++i) {
      if (!(*specs)[i].is_object()) continue;
      Fields spec((*specs)[i].get_object(), "JobSpecs[" + std::to_string(i) + "].");
      core::RoleSpec role;
      role.role = spec.String("Type").value_or("Worker");
      role.image = spec.String("Image").value_or("");
      role.pod_count = spec.Int("PodCount").value_or(1);
      role.instance_type = spec.String("EcsSpec").value_or("");
      if (const json::object* rc = spec.Object("ResourceConfig")) {
        Fields r(*rc);
        role.cpu = r.String("CPU").value_or("");
        role.gpu = r.String("GPU").value_or("");
        role.memory = r.String("Memory").value_or("");
      }
      job.roles.push_back(std::move(role));
    }
  }
  if (const json::object* settings = f.Object("Settings")) {
    Fields s(*settings, "Settings.");
    job.tags = s.StringMap("Tags");
    job.pipeline_id = s.String("PipelineId").value_or("");
    job.caller = s.String("Caller").value_or("");
  }
  // The rest, copied from the line as text (the first of duplicate keys).
  core::JsonWriter extras(job.extras);
  job.extras.clear();
  extras.BeginObject().Key("dlc").BeginObject();
  std::vector<std::string> copied;
  try {
    core::JsonReader r(line);
    r.BeginObject();
    for (std::string_view key; r.NextKey(key);) {
      std::string_view value = r.Skip();
      if (IsModeled(key) || std::find(copied.begin(), copied.end(), key) != copied.end()) continue;
      copied.emplace_back(key);
      extras.Key(key).Raw(value);
    }
  } catch (const core::JsonReader::Error& e) {
    core::ThrowInvalid("line", std::string("The line is not valid JSON: ") + e.what());
  }
  extras.EndObject().EndObject();
  job.history = {core::StatusEvent{job.status, job.created, job.finished, job.reason_code,
                                   job.reason_message}};
  return job;
}

}  // namespace drover::api::dlc
