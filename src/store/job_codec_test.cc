#include "store/job_codec.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "core/error.h"

namespace drover::store {
namespace {

namespace json = boost::json;

// A job with every kind of member set: strings with escapes and Chinese,
// maps, nested records, times, versions.
core::TrainingJob FullJob() {
  core::TrainingJob job;
  job.id = 7;
  job.public_id = "dlc-7";
  job.tenant_id = "t";
  job.display_name = "训练-job \"quoted\"\n";
  job.roles = {core::RoleSpec{"Worker", "img", 2, "ecs.x", "1", "1", "1Gi", "OnFailure"},
               core::RoleSpec{"Master", "img2", 1, "", "2", "0", "2Gi", ""}};
  job.tags = {{"team", "a"}, {"k\\", "v\u00e9"}};
  job.envs = {{"A", "1"}};
  job.mounts = {core::DataMount{"d-1", "v2", "nas://fs/x", "NAS", "DIRECTORY", "/mnt/数据", "RO",
                                R"({"k":1})"}};
  job.extras = R"({"dlc":{"UserVpc":{"VpcId":"v"},"JobSpecs":[{"Type":"Worker"}]}})";
  job.visibility = core::Visibility::kPublic;
  job.status = core::TrainingStatus::kStopped;
  job.history = {
      core::StatusEvent{core::TrainingStatus::kCreating, 5, 6, "", ""},
      core::StatusEvent{core::TrainingStatus::kStopped, 6, 0, "JobStoppedByUser", "by 我"}};
  core::PodState pod;
  pod.name = "dlc-7-worker-0";
  pod.uid = "u";
  pod.pid = 42;
  pod.exit_code = 0;
  pod.signal = 15;
  pod.created = 5;
  job.pods = {pod};
  pod.uid = "old";
  job.history_pods = {pod};
  job.enable_assign_node = job.imported = true;
  job.created = 5;
  job.finished = job.stopped = 99;
  job.lineage = 3;
  job.version = 2;
  job.latest = false;
  return job;
}

TEST(JobCodec, RoundTripsEveryField) {
  core::TrainingJob job = FullJob();
  EXPECT_EQ(DecodeJob(EncodeJob(job)), job);
}

TEST(JobCodec, DocumentsLeaveOutDefaultsAndStillRoundTrip) {
  core::TrainingJob plain;
  plain.id = 1;
  std::string doc = EncodeJob(plain);
  EXPECT_EQ(doc.find("\"description\""), std::string::npos) << doc;  // empty: left out
  EXPECT_EQ(doc.find("\"latest\""), std::string::npos) << doc;       // default true
  EXPECT_EQ(DecodeJob(doc), plain);
  // Values that differ from a non-zero default, and zeros where the
  // default is not zero, are written and read back.
  core::TrainingJob odd = FullJob();
  odd.priority = 0;
  odd.version = 0;
  odd.roles[0].pod_count = 0;
  EXPECT_EQ(DecodeJob(EncodeJob(odd)), odd);
  EXPECT_LT(EncodeJob(plain).size(), EncodeJob(odd).size());
}

// Reverses the order of every object's members and adds a key no version
// knows, at every level.
json::value Scramble(const json::value& v) {
  if (v.is_array()) {
    json::array a;
    for (const json::value& item : v.get_array()) a.push_back(Scramble(item));
    return a;
  }
  if (!v.is_object()) return v;
  json::object o;
  o["from_a_newer_version"] = json::array{1, json::object{{"x", "y"}}};
  const json::object& in = v.get_object();
  for (auto it = in.end(); it != in.begin();) {
    --it;
    o[it->key()] = it->key() == "tags" || it->key() == "envs" ? it->value() : Scramble(it->value());
  }
  return o;
}

TEST(JobCodec, ReadsMembersInAnyOrderAndSkipsUnknownKeys) {
  core::TrainingJob job = FullJob();
  std::string doc = json::serialize(Scramble(json::parse(EncodeJob(job))));
  ASSERT_NE(doc, EncodeJob(job));
  EXPECT_EQ(DecodeJob(doc), job);
}

TEST(JobCodec, CorruptDocumentsAreInternalErrors) {
  std::string good = EncodeJob(FullJob());
  for (const std::string& doc :
       {std::string("{not json"), good.substr(0, good.size() / 2), good + "x",
        std::string(R"({"id":"7"})"), std::string(R"({"priority":1.5})"),
        std::string(R"({"roles":{}})"), std::string(R"({"tags":{"a":1}})"), std::string("[]"),
        std::string("")}) {
    try {
      DecodeJob(doc);
      ADD_FAILURE() << doc;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::kInternal) << doc;
    }
  }
}

// Every damaged document decodes or is kInternal; none crashes.
TEST(JobCodec, DamagedDocumentsDecodeOrAreInternalErrors) {
  std::string good = EncodeJob(FullJob());
  std::mt19937 rng(9);
  int rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string doc = good;
    doc[rng() % doc.size()] = "\"{}[],:0x"[rng() % 9];
    if (rng() % 3 == 0) doc.resize(rng() % doc.size());
    try {
      DecodeJob(doc);
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::kInternal);
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 500);
}

}  // namespace
}  // namespace drover::store
