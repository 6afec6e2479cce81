// What each field of the training job's schema reads from a job. Both
// engines take their values from here, so the differential test cannot
// catch a wrong meaning: these tables do.

#include "service/job_schema.h"

#include <gtest/gtest.h>

namespace drover::service {
namespace {

using core::TrainingJob;

TrainingJob Sample() {
  TrainingJob j;
  j.id = 42;
  j.public_id = "dlcABC";
  j.tenant_id = "t1";
  j.workspace_id = "ws";
  j.user_id = "u1";
  j.username = "Alice";
  j.business_user_id = "b1";
  j.caller = "sdk";
  j.pipeline_id = "p1";
  j.template_id = "tp";
  j.payment_type = "PrePaid";
  j.oversold_info = "ForbiddenQuotaOverSold";
  j.resource_id = "quota1";
  j.resource_quota_name = "Team Quota";
  j.display_name = "Train-MNIST";
  j.job_type = "PyTorchJob";
  j.description = "a run";
  j.user_command = "python train.py";
  j.roles = {core::RoleSpec{"Worker", "pytorch:2.1", 2, "", "4", "1", "8Gi", ""},
             core::RoleSpec{"Master", "pytorch:2.2", 1, "", "2", "0", "4Gi", ""}};
  j.tags = {{"team", "a"}, {"env", "prod"}};
  j.priority = 7;
  j.visibility = core::Visibility::kPublic;
  j.enable_assign_node = true;
  j.status = core::TrainingStatus::kFailed;
  j.reason_code = "JobFailed";
  j.reason_message = "CUDA out of memory";
  j.created = 1000;
  j.submitted = 2000;
  j.running = 3000;
  j.finished = 63'000;
  j.modified = 64'000;
  j.lineage = 7;
  j.version = 3;
  j.version_count = 4;
  j.latest = false;
  j.imported = true;
  return j;
}

TEST(JobSchema, EachStringFieldReadsItsMember) {
  TrainingJob job = Sample();
  index::Entry e = JobSchema().Extract(job);
  EXPECT_EQ(e.number, 42u);
  EXPECT_EQ(e.public_id, "dlcABC");
  const std::pair<index::FieldId, std::string_view> want[] = {
      {JobStrings::kTenant, "t1"},
      {JobStrings::kWorkspace, "ws"},
      {JobStrings::kUserId, "u1"},
      {JobStrings::kBusinessUserId, "b1"},
      {JobStrings::kCaller, "sdk"},
      {JobStrings::kPipelineId, "p1"},
      {JobStrings::kTemplateId, "tp"},
      {JobStrings::kPaymentType, "PrePaid"},
      {JobStrings::kOversoldInfo, "ForbiddenQuotaOverSold"},
      {JobStrings::kResourceId, "quota1"},
      {JobStrings::kJobType, "PyTorchJob"},
      {JobStrings::kUsername, "Alice"},
      {JobStrings::kResourceQuotaName, "Team Quota"},
      {JobStrings::kName, "Train-MNIST"},
      {JobStrings::kDescription, "a run"},
  };
  ASSERT_EQ(e.strings.size(), std::size(want));
  for (const auto& [field, value] : want)
    EXPECT_EQ(e.strings[field], value) << JobSchema().strings()[field].name;
}

TEST(JobSchema, EachNumberFieldReadsItsMember) {
  TrainingJob job = Sample();
  index::Entry e = JobSchema().Extract(job);
  const std::pair<index::FieldId, int64_t> want[] = {
      {JobNumbers::kCreated, 1000},
      {JobNumbers::kSubmitted, 2000},
      {JobNumbers::kRunning, 3000},
      {JobNumbers::kFinished, 63'000},
      {JobNumbers::kModified, 64'000},
      {JobNumbers::kRequestGpu, 2},   // 2 pods × 1 + 1 × 0
      {JobNumbers::kRequestCpu, 10},  // 2 × 4 + 1 × 2
      {JobNumbers::kPriority, 7},
      {JobNumbers::kNodeCount, 3},
      {JobNumbers::kDuration, 0},  // computed at query time, not stored
      {JobNumbers::kVersionCount, 4},
      {JobNumbers::kVersion, 3},
      {JobNumbers::kStatus, static_cast<int64_t>(core::TrainingStatus::kFailed)},
      {JobNumbers::kVisibility, static_cast<int64_t>(core::Visibility::kPublic)},
      {JobNumbers::kEnableAssignNode, 1},
      {JobNumbers::kLatest, 0},
      {JobNumbers::kImported, 1},
      {JobNumbers::kLineage, 7},
  };
  ASSERT_EQ(e.numbers.size(), std::size(want));
  for (const auto& [field, value] : want)
    EXPECT_EQ(e.numbers[field], value) << JobSchema().numbers()[field].name;
  // Statuses sort by name: the enumeration's names are the wire names.
  EXPECT_EQ(JobSchema().numbers()[JobNumbers::kStatus].names[e.numbers[JobNumbers::kStatus]],
            "Failed");
}

TEST(JobSchema, WordsAndTagsComeFromTheirSources) {
  TrainingJob job = Sample();
  index::Entry e = JobSchema().Extract(job);
  EXPECT_EQ(e.texts[JobWords::kReason], "JobFailed CUDA out of memory");
  EXPECT_EQ(e.texts[JobWords::kUserCommand], "python train.py");
  EXPECT_EQ(e.texts[JobWords::kImage], "pytorch:2.1 pytorch:2.2");
  EXPECT_EQ(e.texts[JobWords::kName], "Train-MNIST");
  using Tags = std::vector<std::pair<std::string_view, std::string_view>>;
  EXPECT_EQ(e.tags, (Tags{{"env", "prod"}, {"team", "a"}}));
}

// Duration is worked out from the stored numbers and the query's clock.
TEST(JobSchema, DurationRunsToTheFinishOrToNow) {
  const index::NumberField& duration = JobSchema().numbers()[JobNumbers::kDuration];
  ASSERT_NE(duration.compute, nullptr);
  struct Numbers : index::NumberSource {
    std::vector<int64_t> values;
    int64_t Get(index::FieldId field) const override { return values[field]; }
  };
  auto of = [&](core::TrainingStatus status, core::TimeMs running, core::TimeMs finished,
                core::TimeMs now) {
    TrainingJob job = Sample();
    job.status = status;
    job.running = running;
    job.finished = finished;
    Numbers n;
    n.values = JobSchema().Extract(job).numbers;
    return duration.compute(n, now);
  };
  using S = core::TrainingStatus;
  EXPECT_EQ(of(S::kFailed, 3000, 63'000, 999'000), 60);  // to the finish
  EXPECT_EQ(of(S::kRunning, 3000, 0, 123'000), 120);     // to now
  EXPECT_EQ(of(S::kStopped, 3000, 0, 123'000), 0);       // ended with no finish time
  EXPECT_EQ(of(S::kQueuing, 0, 0, 123'000), 0);          // never ran
}

TEST(JobSchema, DeclaresTheVisibilityRuleAndTheLineage) {
  const index::Schema& s = JobSchema();
  EXPECT_EQ(s.created(), JobNumbers::kCreated);
  EXPECT_EQ(s.group(), JobNumbers::kLineage);
  EXPECT_EQ(s.search(), JobStrings::kName);
  EXPECT_EQ(s.access().tenant, JobStrings::kTenant);
  EXPECT_EQ(s.access().owner, JobStrings::kUserId);
  EXPECT_EQ(s.access().workspace, JobStrings::kWorkspace);
  EXPECT_EQ(s.access().visibility, JobNumbers::kVisibility);
  EXPECT_EQ(s.access().visible_to_members, static_cast<int64_t>(core::Visibility::kPublic));
}

}  // namespace
}  // namespace drover::service
