#include "service/job_schema.h"

namespace drover::service {

namespace {

using core::Job;
using index::NumberField;
using index::StringField;
using index::WordsField;

int64_t Duration(const index::NumberSource& n, core::TimeMs now) {
  return core::DurationSeconds(n.Get(JobNumbers::kRunning), n.Get(JobNumbers::kFinished),
                               static_cast<core::TrainingStatus>(n.Get(JobNumbers::kStatus)), now);
}

std::vector<std::string> StatusNames() {
  std::vector<std::string> names;
  for (int s = 0; s < core::kTrainingStatusCount; ++s)
    names.emplace_back(core::TrainingStatusName(static_cast<core::TrainingStatus>(s)));
  return names;
}

index::SchemaOf<Job>* Declare() {
  auto* s = new index::SchemaOf<Job>(
      "training-job", [](const Job& j) -> uint64_t { return j.id; },
      [](const Job& j) -> std::string_view { return j.public_id; });

  using J = JobStrings;
  const StringField exact{.exact = true};
  auto as = [](const char* name, StringField f) {
    f.name = name;
    return f;
  };
  s->String(J::kTenant, as("TenantId", exact), &Job::tenant_id);
  s->String(J::kWorkspace, as("WorkspaceId", exact), &Job::workspace_id);
  s->String(J::kUserId, as("UserId", exact), &Job::user_id);
  s->String(J::kBusinessUserId, as("BusinessUserId", exact), &Job::business_user_id);
  s->String(J::kCaller, as("Caller", exact), &Job::caller);
  s->String(J::kPipelineId, as("PipelineId", exact), &Job::pipeline_id);
  s->String(J::kTemplateId, as("TemplateId", exact), &Job::template_id);
  s->String(J::kPaymentType, as("PaymentType", exact), &Job::payment_type);
  s->String(J::kOversoldInfo, as("OversoldInfo", exact), &Job::oversold_info);
  s->String(J::kResourceId, as("ResourceId", exact), &Job::resource_id);
  s->String(J::kJobType, {.name = "JobType", .exact = true, .sort = true}, &Job::job_type);
  s->String(J::kUsername, {.name = "Username", .contains = true}, &Job::username);
  s->String(J::kResourceQuotaName, {.name = "ResourceQuotaName", .contains = true},
            &Job::resource_quota_name);
  s->String(J::kName, {.name = "DisplayName", .search = true, .sort = true}, &Job::display_name);
  s->String(J::kDescription, {.name = "Description", .sort = true}, &Job::description);

  using N = JobNumbers;
  const NumberField time{.zero_is_none = true, .sort = true};
  const NumberField flag{.bitmaps = true, .small = true};
  auto named = [](const char* name, NumberField f) {
    f.name = name;
    return f;
  };
  s->Number(N::kCreated, named("GmtCreateTime", time), &Job::created);
  s->Number(N::kSubmitted, {.name = "GmtSubmittedTime", .zero_is_none = true}, &Job::submitted);
  s->Number(N::kRunning, named("GmtRunningTime", time), &Job::running);
  s->Number(N::kFinished, named("GmtFinishTime", time), &Job::finished);
  s->Number(N::kModified, named("GmtModifiedTime", time), &Job::modified);
  s->Number(N::kRequestGpu, {.name = "RequestGPU", .bitmaps = true}, &Job::RequestGpu);
  s->Number(N::kRequestCpu, {.name = "RequestCPU", .bitmaps = true}, &Job::RequestCpu);
  s->Number(N::kPriority, {.name = "Priority", .bitmaps = true, .sort = true}, &Job::priority);
  s->Number(N::kNodeCount, {.name = "NodeCount", .bitmaps = true}, &Job::NodeCount);
  s->Number(N::kDuration, {.name = "Duration", .sort = true, .compute = Duration}, {});
  s->Number(N::kVersionCount, {.name = "VersionCount", .sort = true}, &Job::version_count);
  s->Number(N::kVersion, {.name = "Version", .sort = true}, &Job::version);
  s->Number(
      N::kStatus,
      {.name = "Status", .bitmaps = true, .sort = true, .small = true, .names = StatusNames()},
      [](const Job& j) { return static_cast<int64_t>(j.status); });
  s->Number(N::kVisibility, named("Accessibility", flag),
            [](const Job& j) { return static_cast<int64_t>(j.visibility); });
  s->Number(N::kEnableAssignNode, named("EnableAssignNode", flag),
            [](const Job& j) -> int64_t { return j.enable_assign_node; });
  s->Number(N::kLatest, named("Latest", flag), [](const Job& j) -> int64_t { return j.latest; });
  s->Number(N::kImported, named("Imported", flag),
            [](const Job& j) -> int64_t { return j.imported; });
  s->Number(N::kLineage, {.name = "Lineage", .bitmaps = true},
            [](const Job& j) { return static_cast<int64_t>(j.lineage); });

  using W = JobWords;
  s->Words(W::kReason, {"ReasonSearch", true},
           [](const Job& j) { return j.reason_code + " " + j.reason_message; });
  s->Words(W::kUserCommand, {"UserCommandSearch", true},
           [](const Job& j) { return j.user_command; });
  s->Words(W::kImage, {"ImageSearch", true}, [](const Job& j) { return j.Images(); });
  s->Words(W::kName, {"DisplayName", false}, [](const Job& j) { return j.display_name; });

  s->TagsFrom([](const Job& j, index::SchemaOf<Job>::Tags& tags) {
    for (const auto& [key, value] : j.tags) tags.emplace_back(key, value);
  });
  s->Created(N::kCreated);
  s->Group(N::kLineage);
  s->Access({.tenant = J::kTenant,
             .owner = J::kUserId,
             .workspace = J::kWorkspace,
             .visibility = N::kVisibility,
             .visible_to_members = static_cast<int64_t>(core::Visibility::kPublic)});
  s->Check();
  return s;
}

}  // namespace

const index::SchemaOf<core::Job>& JobSchema() {
  static const index::SchemaOf<Job>* schema = Declare();  // never destroyed: used to the end
  return *schema;
}

}  // namespace drover::service
