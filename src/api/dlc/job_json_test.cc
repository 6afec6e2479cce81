#include "api/dlc/job_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/error.h"

namespace drover::api::dlc {
namespace {

namespace json = boost::json;

json::object ValidBody() {
  return json::parse(R"({
    "DisplayName": "tf-mnist_v2.1", "JobType": "TFJob", "UserCommand": "python m.py",
    "JobSpecs": [{"Type": "worker", "Image": "tf:2", "PodCount": 2,
                  "ResourceConfig": {"CPU": 4, "GPU": "1", "Memory": "8Gi"}},
                 {"Type": "PS", "Image": "tf:2", "PodCount": "1"}],
    "Priority": 3, "Accessibility": "PUBLIC", "WorkspaceId": 12, "ResourceId": "quota1",
    "Envs": {"A": "1"}, "Settings": {"Tags": {"team": "a"}, "Caller": "sdk",
    "EnableSanityCheck": true, "JobReservedMinutes": 5},
    "CodeSource": {"CodeSourceId": "c1"}, "Unknown": [1, 2]
  })")
      .as_object();
}

TEST(CreateJobBody, ParsesModeledFieldsAndKeepsTheRest) {
  core::TrainingJob job = ParseCreateJob(json::serialize(ValidBody()));
  EXPECT_EQ(job.display_name, "tf-mnist_v2.1");
  EXPECT_EQ(job.job_type, "TFJob");
  ASSERT_EQ(job.roles.size(), 2u);
  EXPECT_EQ(job.roles[0], (core::RoleSpec{"Worker", "tf:2", 2, "", "4", "1", "8Gi", ""}));
  EXPECT_EQ(job.roles[1].pod_count, 1);
  EXPECT_EQ(job.priority, 3);
  EXPECT_EQ(job.visibility, core::Visibility::kPublic);
  EXPECT_EQ(job.workspace_id, "12");
  EXPECT_EQ(job.payment_type, "PrePaid");
  EXPECT_EQ(job.tags, (std::map<std::string, std::string>{{"team", "a"}}));
  EXPECT_EQ(job.caller, "sdk");
  EXPECT_TRUE(job.enable_sanity_check);
  EXPECT_EQ(job.reserved_minutes, 5);
  json::object extras = json::parse(job.extras).as_object()["dlc"].as_object();
  EXPECT_TRUE(extras.contains("CodeSource"));
  EXPECT_TRUE(extras.contains("Unknown"));
  EXPECT_TRUE(extras.contains("JobSpecs"));
  EXPECT_FALSE(extras.contains("DisplayName"));
}

TEST(CreateJobBody, RejectsBadInputNamingTheParameter) {
  struct Case {
    const char* field;  // replaced in the valid body; "-" removes it
    const char* value;  // JSON text
    core::ErrorCode code;
    const char* parameter;
    const char* message;
  } cases[] = {
      {"DisplayName", "-", core::ErrorCode::kMissingArgument, "DisplayName",
       "DisplayName is mandatory for this action."},
      {"DisplayName", R"("a b")", core::ErrorCode::kInvalidArgument, "DisplayName",
       "DisplayName must be 1 to 256 characters of letters, digits, '_', '.' and '-'."},
      {"DisplayName", "{}", core::ErrorCode::kInvalidArgument, "DisplayName",
       "The parameter DisplayName must be a string."},
      {"JobType", R"("KerasJob")", core::ErrorCode::kInvalidArgument, "JobType",
       "The parameter JobType is invalid: \"KerasJob\" is not one of TFJob, PyTorchJob, "
       "XGBoostJob, OneFlowJob, ElasticBatchJob, MPIJob, RayJob, SlurmJob, DataJuicerJob, "
       "FlinkBatchJob."},
      {"JobSpecs", "{}", core::ErrorCode::kInvalidArgument, "JobSpecs",
       "The parameter JobSpecs must be an array."},
      {"JobSpecs", R"([{"Type":"Master","PodCount":1}])", core::ErrorCode::kInvalidArgument,
       "JobSpecs[0].Type",
       "The role \"Master\" is not allowed in a TFJob; allowed roles are Chief, PS, Worker, "
       "Evaluator, GraphLearn."},
      {"JobSpecs", R"([{"Type":"Worker","PodCount":-1}])", core::ErrorCode::kInvalidArgument,
       "JobSpecs[0].PodCount", "JobSpecs[0].PodCount must be at least 1."},
      {"JobSpecs", R"([{"Type":"Worker","PodCount":"two"}])", core::ErrorCode::kInvalidArgument,
       "JobSpecs[0].PodCount",
       "The parameter JobSpecs[0].PodCount must be an integer, not \"two\"."},
      {"JobSpecs", R"([{"Type":"Worker"},{"Type":"worker"}])", core::ErrorCode::kInvalidArgument,
       "JobSpecs", "The role Worker appears twice in JobSpecs."},
      {"UserCommand", "-", core::ErrorCode::kMissingArgument, "UserCommand",
       "UserCommand is mandatory for this action."},
      {"Priority", "0", core::ErrorCode::kInvalidArgument, "Priority",
       "Priority must be an integer from 1 to 9."},
      {"Priority", "2.5", core::ErrorCode::kInvalidArgument, "Priority",
       "The parameter Priority must be an integer."},
      {"Accessibility", R"("public")", core::ErrorCode::kInvalidArgument, "Accessibility",
       "Accessibility must be PUBLIC or PRIVATE."},
      {"JobMaxRunningTimeMinutes", "-5", core::ErrorCode::kInvalidArgument,
       "JobMaxRunningTimeMinutes", "JobMaxRunningTimeMinutes must not be negative."},
      {"Envs", R"({"A":[1]})", core::ErrorCode::kInvalidArgument, "Envs.A",
       "The parameter Envs.A must hold strings."},
      {"Settings", R"({"Tags":"x"})", core::ErrorCode::kInvalidArgument, "Settings.Tags",
       "The parameter Settings.Tags must be an object."},
  };
  for (const Case& c : cases) {
    json::object body = ValidBody();
    if (std::string(c.value) == "-") {
      body.erase(c.field);
    } else {
      body[c.field] = json::parse(c.value);
    }
    try {
      ParseCreateJob(json::serialize(body));
      ADD_FAILURE() << c.field << "=" << c.value << " was accepted";
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), c.code) << c.field << "=" << c.value;
      EXPECT_EQ(e.parameter(), c.parameter) << c.field << "=" << c.value;
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

TEST(CreateJobBody, RejectsMalformedBodies) {
  struct Case {
    std::string body;
    const char* message;
  } cases[] = {
      {"{", "The request body is not valid JSON."},
      {"[1]", "The request body must be a JSON object."},
      {std::string(65537, ' '), "The request body is 65537 bytes; the limit is 65536 bytes."},
  };
  for (const Case& c : cases) {
    try {
      ParseCreateJob(c.body);
      ADD_FAILURE() << c.message;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.parameter(), "Body");
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

TEST(WriteJob, RoundTripsWhatTheClientSent) {
  core::TrainingJob job = ParseCreateJob(json::serialize(ValidBody()));
  job.public_id = "dlc0000000000001";
  job.created = job.modified = 1744788334000;
  json::object item = json::parse(JobJson(job, JobView::kListItem, 1744788334000)).as_object();
  EXPECT_EQ(item["JobId"], "dlc0000000000001");
  EXPECT_EQ(item["GmtCreateTime"], "2025-04-16T07:25:34Z");
  EXPECT_TRUE(item["GmtFinishTime"].is_null());
  EXPECT_EQ(item["RequestGPU"], "2");
  EXPECT_EQ(item["RequestCPU"], 8);
  EXPECT_EQ(item["NodeCount"], "3");
  EXPECT_EQ(item["JobSpecs"].as_array()[0].as_object()["Type"], "Worker");
  EXPECT_EQ(item["CodeSource"], json::parse(R"({"CodeSourceId":"c1"})"));
  json::object detail = json::parse(JobJson(job, JobView::kDetail, 1744788334000)).as_object();
  EXPECT_FALSE(detail.contains("RequestGPU"));
  EXPECT_TRUE(detail.contains("Description"));
}

// A field the client sent under a name Drover answers itself is not
// echoed: the modeled value is the only one.
TEST(WriteJob, ModeledFieldsWinOverPassThroughOnes) {
  json::object body = ValidBody();
  body["Status"] = "Succeeded";
  body["JobSpecs"].as_array()[0].as_object()["Image"] = "other:1";
  body["UserVpc"] = json::parse(R"({"VpcId": "v1", "ExtendedCIDRs": ["10.0.0.0/8"]})");
  core::TrainingJob job = ParseCreateJob(json::serialize(body));
  job.roles[0].image = "tf:3";
  std::string text = JobJson(job, JobView::kListItem, 1744788334000);
  json::object item = json::parse(text).as_object();
  EXPECT_EQ(item["Status"], "Creating");
  EXPECT_EQ(text.find("Succeeded"), std::string::npos) << "the sent Status is not echoed";
  json::object spec = item["JobSpecs"].as_array()[0].as_object();
  EXPECT_EQ(spec["Image"], "tf:3");
  EXPECT_EQ(spec["ResourceConfig"].as_object()["GPU"], "1");  // passed through
  EXPECT_EQ(item["UserVpc"], json::parse(R"({"VpcId": "v1", "ExtendedCidrs": ["10.0.0.0/8"]})"));
}

// The request's spelling wins when a client sent both.
TEST(WriteJob, UserVpcAnswersExtendedCidrsOnce) {
  json::object body = ValidBody();
  body["UserVpc"] = json::parse(
      R"({"ExtendedCidrs": ["1.0.0.0/8"], "VpcId": "v1", "ExtendedCIDRs": ["10.0.0.0/8"]})");
  std::string text = JobJson(ParseCreateJob(json::serialize(body)), JobView::kDetail, 0);
  EXPECT_EQ(json::parse(text).as_object()["UserVpc"],
            json::parse(R"({"VpcId": "v1", "ExtendedCidrs": ["10.0.0.0/8"]})"));
  EXPECT_EQ(text.find("1.0.0.0"), std::string::npos) << text;
}

}  // namespace
}  // namespace drover::api::dlc
