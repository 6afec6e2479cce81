#include "api/dlc/list_params.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "service/job_schema.h"

namespace drover::api::dlc {
namespace {

using index::Query;
using index::SortBy;
using service::JobNumbers;
using service::JobStrings;
using service::JobWords;
using Map = std::map<std::string, std::string>;

constexpr core::TimeMs kNow = 1744788334000;  // 2025-04-16T07:25:34Z

Query Parse(const Map& params) { return ParseListJobs(params, kNow, "me"); }

TEST(ListParams, DefaultsAreTheLastSevenDaysNewestFirst) {
  Query q = Parse({});
  ASSERT_EQ(q.ranges.size(), 1u);
  EXPECT_EQ(q.ranges[0].field, JobNumbers::kCreated);
  EXPECT_EQ(q.ranges[0].min, kNow - 7 * core::kMsPerDay);
  EXPECT_EQ(q.ranges[0].max, kNow);
  EXPECT_EQ(q.sort, SortBy());
  EXPECT_TRUE(q.values.empty());
  EXPECT_TRUE(q.descending);
  EXPECT_EQ(q.offset, 0);
  EXPECT_EQ(q.limit, kDefaultPageSize);
  EXPECT_TRUE(q.exact.empty());
  EXPECT_FALSE(q.name.has_value());
}

TEST(ListParams, EmptyValuesMeanNotGiven) {
  Query q = Parse({{"DisplayName", ""}, {"Status", ""}, {"PageSize", ""}, {"ShowOwn", ""}});
  EXPECT_FALSE(q.name.has_value());
  EXPECT_TRUE(q.values.empty());
  EXPECT_EQ(q.limit, kDefaultPageSize);
  EXPECT_TRUE(q.exact.empty());
}

TEST(ListParams, TranslatesEachFamily) {
  Query q = Parse({{"DisplayName", "Job-T*"},
                   {"JobType", "TFJob"},
                   {"Status", "Running,Failed"},
                   {"WorkspaceId", "12"},
                   {"ResourceIds", "r1, r2"},
                   {"Username", "ALICE"},
                   {"Tags", R"({"team":"a b","n":1})"},
                   {"ReasonSearch", "Out of Memory"},
                   {"JobIds", "DLC1,dlc2"},
                   {"NumericRangeField", "RequestGPU"},
                   {"NumericRangeMin", "4"},
                   {"TimeRangeField", "GmtFinishTime"},
                   {"StartTime", "2025-04-01T00:00:00Z"},
                   {"SortBy", "DisplayName"},
                   {"Order", "asc"},
                   {"PageNumber", "3"},
                   {"PageSize", "20"},
                   {"ShowOwn", "true"},
                   {"Accessibility", "PUBLIC"},
                   {"EnableAssignNode", "false"}});
  ASSERT_TRUE(q.name.has_value());
  EXPECT_EQ(q.name->first, index::NameMatch::kWildcard);
  EXPECT_EQ(q.name->second, "job-t*");
  EXPECT_EQ(q.exact[JobStrings::kJobType], std::vector<std::string>{"TFJob"});
  EXPECT_EQ(q.exact[JobStrings::kWorkspace], std::vector<std::string>{"12"});
  EXPECT_EQ(q.exact[JobStrings::kResourceId], (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(q.exact[JobStrings::kUserId], std::vector<std::string>{"me"});
  EXPECT_EQ(q.values[JobNumbers::kStatus],
            (std::vector<int64_t>{static_cast<int64_t>(core::TrainingStatus::kRunning),
                                  static_cast<int64_t>(core::TrainingStatus::kFailed)}));
  EXPECT_EQ(q.values[JobNumbers::kVisibility],
            std::vector<int64_t>{static_cast<int64_t>(core::Visibility::kPublic)});
  EXPECT_EQ(q.values[JobNumbers::kEnableAssignNode], std::vector<int64_t>{0});
  EXPECT_EQ(q.contains[JobStrings::kUsername], "alice");
  EXPECT_EQ(q.tags, (std::map<std::string, std::string>{{"n", "1"}, {"team", "a b"}}));
  EXPECT_EQ(q.words[JobWords::kReason], (std::vector<std::string>{"out", "of", "memory"}));
  EXPECT_EQ(q.public_ids, (std::vector<std::string>{"dlc1", "dlc2"}));
  ASSERT_EQ(q.ranges.size(), 2u);
  EXPECT_EQ(q.ranges[0].field, JobNumbers::kFinished);
  EXPECT_EQ(q.ranges[0].min, 1743465600000);
  EXPECT_EQ(q.ranges[0].max, kNow);
  EXPECT_EQ(q.ranges[1].field, JobNumbers::kRequestGpu);
  EXPECT_EQ(q.ranges[1].min, 4);
  EXPECT_EQ(q.ranges[1].max, INT64_MAX);
  EXPECT_EQ(q.sort, SortBy::String(JobStrings::kName));
  EXPECT_FALSE(q.descending);
  EXPECT_EQ(q.offset, 40);
  EXPECT_EQ(q.limit, 20);
}

TEST(ListParams, JobIdWinsOverJobIds) {
  EXPECT_EQ(Parse({{"JobId", "dlcA"}, {"JobIds", "dlcB,dlcC"}}).public_ids,
            std::vector<std::string>{"dlca"});
}

TEST(ListParams, ShowOwnIntersectsUserIdForFilter) {
  EXPECT_EQ(Parse({{"ShowOwn", "true"}, {"UserIdForFilter", "me"}}).exact[JobStrings::kUserId],
            std::vector<std::string>{"me"});
  EXPECT_TRUE(
      Parse({{"ShowOwn", "true"}, {"UserIdForFilter", "bob"}}).exact[JobStrings::kUserId].empty());
}

TEST(ListParams, FromAllWorkspacesDropsTheWorkspaceFilter) {
  Query q = Parse({{"ShowOwn", "true"}, {"FromAllWorkspaces", "true"}, {"WorkspaceId", "9"}});
  EXPECT_EQ(q.exact.count(JobStrings::kWorkspace), 0u);
}

TEST(ListParams, FulltextNameSearchUsesWords) {
  Query q = Parse({{"DisplayName", "mnist_TF"}, {"DisplayNameSearchMode", "fulltext"}});
  EXPECT_FALSE(q.name.has_value());
  EXPECT_EQ(q.words[JobWords::kName], (std::vector<std::string>{"mnist", "tf"}));
}

TEST(ListParams, RejectsBadValuesNamingTheParameter) {
  struct Case {
    Map params;
    const char* parameter;
    const char* message;
  } cases[] = {
      {{{"PageSize", "0"}}, "PageSize", "PageSize must be from 1 to 1000."},
      {{{"PageSize", "1001"}}, "PageSize", "PageSize must be from 1 to 1000."},
      {{{"PageSize", "ten"}},
       "PageSize",
       "The parameter PageSize must be an integer, not \"ten\"."},
      {{{"PageNumber", "0"}}, "PageNumber", "PageNumber must be at least 1."},
      {{{"PageNumber", "1.5"}},
       "PageNumber",
       "The parameter PageNumber must be an integer, not \"1.5\"."},
      {{{"Status", "Done"}}, "Status", "The parameter Status is invalid: \"Done\"."},
      {{{"SortBy", "Size"}},
       "SortBy",
       "The parameter SortBy is invalid: \"Size\" is not one of GmtCreateTime, GmtFinishTime, "
       "GmtRunningTime, GmtModifiedTime, DisplayName, JobType, Status, Priority."},
      {{{"Order", "up"}}, "Order", "Order must be asc or desc."},
      {{{"ShowOwn", "yes"}},
       "ShowOwn",
       "The parameter ShowOwn must be true or false, not \"yes\"."},
      {{{"FromAllWorkspaces", "true"}},
       "FromAllWorkspaces",
       "FromAllWorkspaces=true requires ShowOwn=true."},
      {{{"Accessibility", "public"}}, "Accessibility", "Accessibility must be PUBLIC or PRIVATE."},
      {{{"EnableAssignNode", "1"}},
       "EnableAssignNode",
       "The parameter EnableAssignNode must be true or false, not \"1\"."},
      {{{"Tags", "[1]"}},
       "Tags",
       "The parameter Tags must be a JSON object such as {\"team\":\"a\"}."},
      {{{"Tags", R"({"a":{"b":1}})"}}, "Tags", "The parameter Tags must hold strings."},
      {{{"StartTime", "2025-04-16"}, {"EndTime", "now"}},
       "EndTime",
       "The parameter EndTime must be an ISO-8601 UTC time such as 2025-04-16T07:25:34Z, not "
       "\"now\"."},
      {{{"TimeRangeField", "CreateTime"}},
       "TimeRangeField",
       "The parameter TimeRangeField is invalid: \"CreateTime\" is not one of GmtCreateTime, "
       "GmtSubmittedTime, GmtRunningTime, GmtFinishTime, GmtModifiedTime."},
      {{{"NumericRangeField", "RequestGPU"}},
       "NumericRangeField",
       "NumericRangeField needs NumericRangeMin and/or NumericRangeMax."},
      {{{"NumericRangeMax", "3"}},
       "NumericRangeField",
       "NumericRangeMin and NumericRangeMax need NumericRangeField."},
      {{{"NumericRangeField", "RequestGPU"}, {"NumericRangeMin", "3"}, {"NumericRangeMax", "2"}},
       "NumericRangeMin",
       "NumericRangeMin must not exceed NumericRangeMax."},
      {{{"DisplayName", "a"}, {"DisplayNameSearchMode", "regex"}},
       "DisplayNameSearchMode",
       "The parameter DisplayNameSearchMode is invalid: \"regex\" is not one of wildcard, prefix, "
       "term, fulltext."},
      {{{"NextToken", "not-a-token"}}, "NextToken", "The NextToken is not valid."},
      {{{"NextToken", "1-2-3-4-5-6"}}, "NextToken", "The NextToken is not valid."},
      {{{"NextToken", "1-2--4-5"}}, "NextToken", "The NextToken is not valid."},
  };
  for (const Case& c : cases) {
    try {
      Parse(c.params);
      ADD_FAILURE() << "accepted " << c.params.begin()->first << "=" << c.params.begin()->second;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::kInvalidArgument) << c.parameter;
      EXPECT_EQ(e.parameter(), c.parameter);
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

TEST(ListParams, NextTokenContinuesItsOwnQueryFromItsSnapshot) {
  Map first{{"WorkspaceId", "7"}, {"PageSize", "2"}, {"SortBy", "Priority"}};
  Query q = Parse(first);
  EXPECT_TRUE(q.pin);
  EXPECT_FALSE(q.at);
  index::Snapshot snapshot{0xabc, 41};
  EXPECT_EQ(NextListJobsToken(first, q, snapshot, 2), "");  // the last page has none
  std::string token = NextListJobsToken(first, q, snapshot, 5);
  ASSERT_FALSE(token.empty());

  // The next page: from the token's snapshot, offset and clock, whatever
  // the clock says now; PageSize may change.
  Map second = first;
  second["NextToken"] = token;
  second["PageSize"] = "3";
  Query next = ParseListJobs(second, kNow + 60'000, "me");
  ASSERT_TRUE(next.at);
  EXPECT_EQ(*next.at, snapshot);
  EXPECT_EQ(next.offset, 2);
  EXPECT_EQ(next.limit, 3);
  EXPECT_EQ(next.now, kNow);
  EXPECT_EQ(NextListJobsToken(second, next, snapshot, 5), "");  // 2 + 3 = all 5

  // A page number beside the token walks the same snapshot by number.
  second["PageNumber"] = "2";
  EXPECT_EQ(Parse(second).offset, 3);

  // The token belongs to its query: other filters are refused.
  Map other = second;
  other["WorkspaceId"] = "8";
  try {
    Parse(other);
    ADD_FAILURE() << "a token was accepted with another query";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.parameter(), "NextToken");
  }
}

}  // namespace
}  // namespace drover::api::dlc
