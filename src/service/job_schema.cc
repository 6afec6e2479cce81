#include "service/job_schema.h"

namespace drover::service {

namespace {

using core::TrainingJob;
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

index::SchemaOf<TrainingJob>* Declare() {
  auto* s = new index::SchemaOf<TrainingJob>(
      "training-job", [](const TrainingJob& j) -> uint64_t { return j.id; },
      [](const TrainingJob& j) -> std::string_view { return j.public_id; });

  using J = JobStrings;
  const StringField exact{.exact = true};
  auto as = [](const char* name, StringField f) {
    f.name = name;
    return f;
  };
  s->String(J::kTenant, as("TenantId", exact), &TrainingJob::tenant_id);
  s->String(J::kWorkspace, as("WorkspaceId", exact), &TrainingJob::workspace_id);
  s->String(J::kUserId, as("UserId", exact), &TrainingJob::user_id);
  s->String(J::kBusinessUserId, as("BusinessUserId", exact), &TrainingJob::business_user_id);
  s->String(J::kCaller, as("Caller", exact), &TrainingJob::caller);
  s->String(J::kPipelineId, as("PipelineId", exact), &TrainingJob::pipeline_id);
  s->String(J::kTemplateId, as("TemplateId", exact), &TrainingJob::template_id);
  s->String(J::kPaymentType, as("PaymentType", exact), &TrainingJob::payment_type);
  s->String(J::kOversoldInfo, as("OversoldInfo", exact), &TrainingJob::oversold_info);
  s->String(J::kResourceId, as("ResourceId", exact), &TrainingJob::resource_id);
  s->String(J::kJobType, {.name = "JobType", .exact = true, .sort = true}, &TrainingJob::job_type);
  s->String(J::kUsername, {.name = "Username", .contains = true}, &TrainingJob::username);
  s->String(J::kResourceQuotaName, {.name = "ResourceQuotaName", .contains = true},
            &TrainingJob::resource_quota_name);
  s->String(J::kName, {.name = "DisplayName", .search = true, .sort = true},
            &TrainingJob::display_name);
  s->String(J::kDescription, {.name = "Description", .sort = true}, &TrainingJob::description);

  using N = JobNumbers;
  const NumberField time{.zero_is_none = true, .sort = true};
  const NumberField flag{.bitmaps = true, .small = true};
  auto named = [](const char* name, NumberField f) {
    f.name = name;
    return f;
  };
  s->Number(N::kCreated, named("GmtCreateTime", time), &TrainingJob::created);
  s->Number(N::kSubmitted, {.name = "GmtSubmittedTime", .zero_is_none = true},
            &TrainingJob::submitted);
  s->Number(N::kRunning, named("GmtRunningTime", time), &TrainingJob::running);
  s->Number(N::kFinished, named("GmtFinishTime", time), &TrainingJob::finished);
  s->Number(N::kModified, named("GmtModifiedTime", time), &TrainingJob::modified);
  s->Number(N::kRequestGpu, {.name = "RequestGPU", .bitmaps = true}, &TrainingJob::RequestGpu);
  s->Number(N::kRequestCpu, {.name = "RequestCPU", .bitmaps = true}, &TrainingJob::RequestCpu);
  s->Number(N::kPriority, {.name = "Priority", .bitmaps = true, .sort = true},
            &TrainingJob::priority);
  s->Number(N::kNodeCount, {.name = "NodeCount", .bitmaps = true}, &TrainingJob::NodeCount);
  s->Number(N::kDuration, {.name = "Duration", .sort = true, .compute = Duration}, {});
  s->Number(N::kVersionCount, {.name = "VersionCount", .sort = true}, &TrainingJob::version_count);
  s->Number(N::kVersion, {.name = "Version", .sort = true}, &TrainingJob::version);
  s->Number(
      N::kStatus,
      {.name = "Status", .bitmaps = true, .sort = true, .small = true, .names = StatusNames()},
      [](const TrainingJob& j) { return static_cast<int64_t>(j.status); });
  s->Number(N::kVisibility, named("Accessibility", flag),
            [](const TrainingJob& j) { return static_cast<int64_t>(j.visibility); });
  s->Number(N::kEnableAssignNode, named("EnableAssignNode", flag),
            [](const TrainingJob& j) -> int64_t { return j.enable_assign_node; });
  s->Number(N::kLatest, named("Latest", flag),
            [](const TrainingJob& j) -> int64_t { return j.latest; });
  s->Number(N::kImported, named("Imported", flag),
            [](const TrainingJob& j) -> int64_t { return j.imported; });
  s->Number(N::kLineage, {.name = "Lineage", .bitmaps = true},
            [](const TrainingJob& j) { return static_cast<int64_t>(j.lineage); });

  using W = JobWords;
  s->Words(W::kReason, {"ReasonSearch", true},
           [](const TrainingJob& j) { return j.reason_code + " " + j.reason_message; });
  s->Words(W::kUserCommand, {"UserCommandSearch", true},
           [](const TrainingJob& j) { return j.user_command; });
  s->Words(W::kImage, {"ImageSearch", true}, [](const TrainingJob& j) { return j.Images(); });
  s->Words(W::kName, {"DisplayName", false}, [](const TrainingJob& j) { return j.display_name; });

  s->TagsFrom([](const TrainingJob& j, index::SchemaOf<TrainingJob>::Tags& tags) {
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

const index::SchemaOf<core::TrainingJob>& JobSchema() {
  static const index::SchemaOf<TrainingJob>* schema =
      Declare();  // never destroyed: used to the end
  return *schema;
}

}  // namespace drover::service
