#include <gtest/gtest.h>

#include "api/modelarts/job_json.h"
#include "api/modelarts/list_params.h"
#include "api/modelarts/status_map.h"
#include "core/error.h"
#include "service/job_schema.h"

namespace drover::api::modelarts {
namespace {

using S = core::TrainingStatus;

TEST(StatusMap, EveryCoreStatusHasOneCodeAndFiltersFindIt) {
  const std::pair<S, int> want[] = {
      {S::kCreating, 1},   {S::kQueuing, 7},          {S::kRunning, 8},  {S::kStopping, 9},
      {S::kSucceeded, 10}, {S::kFailed, 11},          {S::kStopped, 12}, {S::kSanityChecking, 19},
      {S::kRestarting, 8}, {S::kFailedReserving, 11},
  };
  for (const auto& [status, code] : want) EXPECT_EQ(StatusCode(status), code);
  for (int s = 0; s < core::kTrainingStatusCount; ++s) {
    auto status = static_cast<S>(s);
    std::vector<S> back = StatusesForCode(StatusCode(status));
    EXPECT_NE(std::find(back.begin(), back.end(), status), back.end());
  }
  EXPECT_TRUE(StatusesForCode(3).empty());  // IMAGE_FAILED: never shown
}

TEST(ListParams, DefaultsAndTranslation) {
  using service::JobNumbers;
  using service::JobStrings;
  index::Query q = ParseListJobs({}, "1", 5);
  EXPECT_EQ(q.values[JobNumbers::kLatest], std::vector<int64_t>{1});
  EXPECT_EQ(q.limit, 10);
  EXPECT_EQ(q.offset, 0);
  EXPECT_EQ(q.sort, index::SortBy::String(JobStrings::kName));
  EXPECT_FALSE(q.descending);
  EXPECT_EQ(q.exact[JobStrings::kWorkspace], std::vector<std::string>{"1"});
  EXPECT_FALSE(q.values.contains(JobNumbers::kStatus));

  q = ParseListJobs({{"status", "3"},
                     {"per_page", "1000"},
                     {"page", "3"},
                     {"sort_by", "version_count"},
                     {"order", "desc"},
                     {"search_content", "MNIST"},
                     {"workspace_id", "ws9"}},
                    "1", 5);
  ASSERT_TRUE(q.values.contains(JobNumbers::kStatus));  // a code never shown: none match
  EXPECT_TRUE(q.values[JobNumbers::kStatus].empty());
  EXPECT_EQ(q.offset, 2000);
  EXPECT_EQ(q.sort, index::SortBy::Number(JobNumbers::kVersionCount));
  EXPECT_TRUE(q.descending);
  EXPECT_EQ(q.contains[JobStrings::kName], "mnist");
  EXPECT_EQ(q.exact[JobStrings::kWorkspace], std::vector<std::string>{"ws9"});
}

TEST(ListParams, RejectsOutOfRangeValues) {
  const std::pair<const char*, const char*> bad[] = {
      {"per_page", "0"}, {"per_page", "1001"}, {"page", "0"},        {"page", "65536"},
      {"status", "23"},  {"status", "x"},      {"sortBy", "job_id"}, {"order", "ASC"},
  };
  for (const auto& [name, value] : bad) {
    try {
      ParseListJobs({{name, value}}, "1", 5);
      ADD_FAILURE() << name << "=" << value;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.parameter(), name);
    }
  }
}

TEST(CreateBody, BuildsTheCommandFromBootFileAndParameters) {
  CreateRequest r = ParseCreateJob(
      R"({"job_name":"a_b-1","config":{"worker_server_num":3,"app_url":"/code","boot_file_url":"/code/train.py",
          "data_url":"/d","parameter":[{"label":"lr","value":"0.1"},{"label":"name","value":"it's"}]}})",
      "1");
  EXPECT_EQ(r.draft.user_command,
            "cd '/code' && python3 '/code/train.py' '--lr=0.1' '--name=it'\\''s'");
  EXPECT_EQ(r.draft.NodeCount(), 3);
  EXPECT_EQ(r.draft.workspace_id, "1");
  EXPECT_EQ(VersionName(12), "V0012");
}

}  // namespace
}  // namespace drover::api::modelarts
