// A short, deterministic mutation fuzz of every request parser behind the
// router: valid requests of both dialects, mutated byte by byte, field by
// field and parameter by parameter, dispatched through the real dialects
// (PAI-DLC, ModelArts, AIWorkSpace datasets)
// and service. Each answer must be a 2xx/4xx (never a 500: bad input is
// the client's fault), with a body that is valid UTF-8 JSON. Under
// `make test-sanitize` the same run looks for memory and UB errors.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <pugixml.hpp>
#include <random>

#include "api/dataset/dataset_api.h"
#include "api/dlc/dlc_api.h"
#include "api/http/router.h"
#include "api/modelarts/modelarts_api.h"
#include "api/oss/batch_api.h"
#include "api/oss/oss_api.h"
#include "core/utf8.h"
#include "index/record_index.h"
#include "service/batch_job_schema.h"
#include "service/dataset_job_schema.h"
#include "service/dataset_schema.h"
#include "service/job_schema.h"
#include "store/sqlite_key_store.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace drover::api {
namespace {

constexpr char kBatchJob[] =
    "<CreateJobRequest><ConfirmationRequired>true</ConfirmationRequired><Operation>"
    "<PutObjectTagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet>"
    "</PutObjectTagging></Operation><Report><Enabled>false</Enabled></Report>"
    "<KeyPrefixManifestGenerator><SourceBucket>fuzz</SourceBucket><Prefix>dir/</Prefix>"
    "</KeyPrefixManifestGenerator><Priority>3</Priority>"
    "<RoleArn>acs:ram::1:role/r</RoleArn></CreateJobRequest>";

struct Seed {
  std::string method;
  std::string target;
  std::string body;
};

const char kJob[] =
    R"({"DisplayName":"fuzz","JobType":"PyTorchJob","UserCommand":"python train.py",)"
    R"("Priority":3,"JobMaxRunningTimeMinutes":60,"Envs":{"A":"1"},)"
    R"("Settings":{"Tags":{"team":"nlp"},"JobReservedMinutes":1,"MaxRestartTimes":2},)"
    R"("JobSpecs":[{"Type":"Worker","Image":"i","PodCount":2,"RestartPolicy":"OnFailure",)"
    R"("ResourceConfig":{"CPU":"2","GPU":"1","Memory":"4Gi"}}]})";
const char kModelArtsJob[] =
    R"({"job_name":"fuzz_ma","job_desc":"d","config":{"worker_server_num":1,)"
    R"("user_command":"true","data_url":"/d","train_url":"/o","pool_id":"p",)"
    R"("parameter":[{"label":"lr","value":"0.1"}]}})";

const char kDataset[] =
    R"({"Name":"fuzz-ds","Property":"DIRECTORY","DataSourceType":"NAS","Uri":"nas://fs1/data/",)"
    R"("Labels":[{"Key":"env","Value":"test"}],"Options":"{\"mountPath\":\"/mnt/x\"}",)"
    R"("DataType":"PIC","VersionLabels":[{"Key":"v","Value":"1"}],"DataSize":10})";
const char kVersion[] =
    R"({"DataSourceType":"NAS","Property":"DIRECTORY","Uri":"nas://fs1/data","DataCount":3,)"
    R"("Labels":[{"Key":"k","Value":"v"}],"ImportInfo":"{\"a\":1}"})";

// Mutations of `text`, chosen by `rng`: bytes flipped, inserted (NUL,
// 0xFF, a UTF-8 fragment, a quote, a digit run), removed, a tail cut, a
// span repeated.
std::string Mutate(std::string text, std::mt19937_64& rng) {
  static const std::string kInserts[] = {std::string(1, '\0'),
                                         "\xFF",
                                         "\xE4\xB8",
                                         "\"",
                                         "\\",
                                         "99999999999999999999999",
                                         "-1",
                                         "{",
                                         "]",
                                         "%",
                                         "%ff",
                                         "中",
                                         "null",
                                         "1e400",
                                         "\\u0000",
                                         ",,"};
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
    switch (rng() % 6) {
      case 0:
        if (!text.empty() && at < text.size()) text[at] = static_cast<char>(rng());
        break;
      case 1:
        text.insert(at, kInserts[rng() % std::size(kInserts)]);
        break;
      case 2:
        if (at < text.size()) text.erase(at, 1 + rng() % 8);
        break;
      case 3:
        text.resize(at);
        break;
      case 4: {
        size_t len = std::min<size_t>(text.size() - std::min(at, text.size()), 1 + rng() % 32);
        text.insert(at, text.substr(at, len));
        break;
      }
      default:
        text.insert(at, std::string(1 + rng() % 5, static_cast<char>(' ' + rng() % 95)));
        break;
    }
  }
  return text;
}

Request ToRequest(const Seed& seed) {
  Request r;
  r.method = seed.method;
  r.SetTarget(seed.target);
  r.body = seed.body;
  r.request_id = "FUZZ";
  return r;
}

TEST(DispatchFuzz, MutatedRequestsGetAClientErrorOrSuccessAndValidJson) {
  testing::TempDir dir;
  core::ManualClock clock{1'700'000'000'000};
  std::unique_ptr<store::SqliteStore> store = store::SqliteStore::Open(dir.path() / "drover.db");
  std::unique_ptr<index::RecordIndex> index = index::NewColumnIndex(service::JobSchema());
  service::JobService jobs(*store, *index, clock);
  Router router(
      [](const Request&, const Dialect&, const Route&) { return service::Principal::Local(); });
  router.Register(dlc::MakeDialect(jobs));
  router.Register(modelarts::MakeDialect(jobs));
  std::filesystem::create_directories(dir.path() / "nas" / "data");
  service::StorageMap storage({{"fs1", dir.path() / "nas"}});
  std::unique_ptr<index::RecordIndex> dataset_index =
      index::NewColumnIndex(service::DatasetSchema());
  std::unique_ptr<index::RecordIndex> version_index =
      index::NewColumnIndex(service::DatasetVersionSchema());
  service::DatasetService datasets(*store, *dataset_index, *version_index, storage, clock);
  jobs.SetDataSources(&datasets);
  std::unique_ptr<store::KeyStore> keys = store::SqliteKeyStore::Open(dir.path() / "drover.db");
  service::WorkspaceDirectory workspaces(*keys, clock.Now());
  std::unique_ptr<index::RecordIndex> job_index =
      index::NewColumnIndex(service::DatasetJobSchema());
  std::unique_ptr<index::RecordIndex> config_index =
      index::NewColumnIndex(service::DatasetJobConfigSchema());
  std::unique_ptr<index::RecordIndex> file_index =
      index::NewColumnIndex(service::DatasetFileSchema());
  service::DatasetJobService dataset_jobs(*store, datasets, *job_index, *config_index, *file_index,
                                          clock);
  router.Register(dataset::MakeDialect(datasets, dataset_jobs, workspaces));
  service::ObjectServiceOptions object_options;
  object_options.dir = (dir.path() / "objects").string();
  service::ObjectService objects(*store, clock, object_options);
  objects.Load();
  std::unique_ptr<index::RecordIndex> batch_index =
      index::NewColumnIndex(service::BatchJobSchema());
  service::BatchJobService batch_jobs(*store, *batch_index, objects, clock,
                                      (dir.path() / "batch").string(), oss::ReportRow);
  batch_jobs.Load();
  Dialect oss_dialect = oss::MakeDialect(objects);
  oss::AddBatchRoutes(oss_dialect, batch_jobs);
  router.Register(std::move(oss_dialect));
  Request bucket = ToRequest({"PUT", "/fuzz", ""});
  ASSERT_EQ(router.Dispatch(bucket).status, 200);
  Request upload = ToRequest({"POST", "/fuzz/multi?uploads", ""});
  Response uploaded = router.Dispatch(upload);
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  std::string upload_id = uploaded.body.substr(uploaded.body.find("<UploadId>") + 10, 32);
  Request batch_create = ToRequest({"POST", "/?batchJob", kBatchJob});
  Response batch_created = router.Dispatch(batch_create);
  ASSERT_EQ(batch_created.status, 200) << batch_created.body;
  std::string batch_id = batch_created.body.substr(batch_created.body.find("<JobId>") + 7, 44);

  // Real ids to aim at, so the mutations reach the get/update/stop paths.
  Request create = ToRequest({"POST", "/api/v1/jobs", kJob});
  Response created = router.Dispatch(create);
  ASSERT_EQ(created.status, 200) << created.body;
  std::string job_id(boost::json::parse(created.body).at("JobId").as_string());
  Request ma_create = ToRequest({"POST", "/v1/local/training-jobs", kModelArtsJob});
  Response ma_created = router.Dispatch(ma_create);
  ASSERT_EQ(ma_created.status, 200) << ma_created.body;
  std::string ma_job = std::to_string(boost::json::parse(ma_created.body).at("job_id").as_int64());
  std::string ma_version =
      std::to_string(boost::json::parse(ma_created.body).at("version_id").as_int64());
  std::string ma_path = "/v1/local/training-jobs/" + ma_job + "/versions/" + ma_version;
  Request ds_create = ToRequest({"POST", "/api/v1/datasets", kDataset});
  Response ds_created = router.Dispatch(ds_create);
  ASSERT_EQ(ds_created.status, 200) << ds_created.body;
  std::string ds = "/api/v1/datasets/" +
                   std::string(boost::json::parse(ds_created.body).at("DatasetId").as_string());

  const std::vector<Seed> seeds = {
      {"POST", "/api/v1/jobs", kJob},
      {"GET",
       "/api/v1/jobs?PageSize=20&PageNumber=2&DisplayName=fu*z&DisplayNameSearchMode=wildcard&"
       "Status=Running,Failed&SortBy=GmtCreateTime&Order=asc&Tags=%7B%22team%22%3A%22nlp%22%7D&"
       "StartTime=2023-01-01T00%3A00%3A00Z&EndTime=2030-01-01T00%3A00%3A00Z&ReasonSearch=out%20of",
       ""},
      {"GET", "/api/v1/jobs?NumericRangeField=RequestGPU&NumericRangeMin=1&NumericRangeMax=8", ""},
      {"GET", "/api/v1/jobs/" + job_id + "?NeedDetail=true", ""},
      {"PUT", "/api/v1/jobs/" + job_id, R"({"Priority":5,"Description":"x"})"},
      {"GET", "/api/v1/jobs/" + job_id + "/events?MaxEventsNum=5", ""},
      {"GET", "/api/v1/jobs/" + job_id + "/pods/" + job_id + "-worker-0/logs?MaxLines=3", ""},
      {"POST", "/v1/local/training-jobs", kModelArtsJob},
      {"GET", "/v1/local/training-jobs?per_page=5&page=1&sortBy=job_name&search_content=fu", ""},
      {"GET", "/v1/local/training-jobs/versions?offset=0&limit=3&sort_by=status&pool_id=p", ""},
      {"GET", "/v1/local/training-jobs/" + ma_job + "/versions?per_page=2&page=1", ""},
      {"PUT", "/v1/local/training-jobs/" + ma_job, R"({"job_desc":"new"})"},
      {"GET", ma_path + "/aom-log?lines=5&base_line=2&order=desc", ""},
      {"POST", "/api/v1/datasets", kDataset},
      {"GET",
       "/api/v1/datasets?Name=fu&Label=te&Properties=DIRECTORY,FILE&DataSourceTypes=NAS&"
       "DataTypes=PIC&SourceTypes=USER&DatasetIds=d-x,d-y&WorkspaceId=1&Accessibility=PUBLIC&"
       "Edition=BASIC&ShareScope=TO_ME&SortBy=Name&Order=DESC&PageSize=5&PageNumber=1",
       ""},
      {"GET", ds, ""},
      {"PUT", ds,
       R"({"Description":"d","Accessibility":"ROLE_PUBLIC","AccessibleRoleIdList":["PAI.A"],)"
       R"("SharingConfig":{"SharedTo":[{"WorkspaceId":"w2","ExpiresAt":"2099-01-01T00:00:00Z"}]}})"},
      {"POST", ds + "/versions", kVersion},
      {"GET", ds + "/versions?LabelKeys=k&SortBy=DataSize&Order=ASC&PageSize=3", ""},
      {"PUT", ds + "/versions/v1", R"({"DataSize":5,"Description":"x","Options":"{}"})"},
      {"PUT", ds + "/versions/v1/labels", R"({"Labels":[{"Key":"k","Value":"v"}]})"},
      {"DELETE", ds + "/labels?LabelKeys=env,k", ""},
      {"POST", ds + "/labels", R"({"Labels":[{"Key":"env","Value":"prod"}]})"},
      {"GET", "/api/v1/workspaces?PageSize=5&SortBy=GmtCreateTime&Verbose=true", ""},
      {"POST", "/api/v1/jobs",
       std::string(kJob).substr(0, std::string(kJob).size() - 1) +
           R"(,"DataSources":[{"DataSourceId":")" + ds.substr(17) +
           R"(","MountPath":"/mnt/d","MountAccess":"RO"}]})"},
      {"PUT", "/fuzz/dir/a.txt", "hello"},
      {"GET", "/fuzz/dir/a.txt", ""},
      {"GET", "/fuzz?list-type=2&prefix=dir/&delimiter=/&max-keys=5&start-after=a", ""},
      {"GET", "/fuzz?marker=dir/&max-keys=2&encoding-type=url", ""},
      {"PUT", "/fuzz/dir/a.txt?tagging",
       "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"},
      {"POST", "/fuzz?delete",
       "<Delete><Quiet>false</Quiet><Object><Key>dir/b.txt</Key></Object></Delete>"},
      {"POST", "/fuzz/dir/log?append&position=0", "line"},
      {"PUT", "/fuzz/multi?partNumber=1&uploadId=" + upload_id, "part"},
      {"POST", "/fuzz/multi?uploadId=" + upload_id,
       "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"X\"</ETag></Part>"
       "</CompleteMultipartUpload>"},
      {"POST", "/fuzz/dir/a.txt?restore", "<RestoreRequest><Days>2</Days></RestoreRequest>"},
      {"GET", "/?prefix=f&max-keys=3", ""},
      {"POST", "/?batchJob", kBatchJob},
      {"GET", "/?batchJob&batchJobStatuses=New%20|%20Ready&max-keys=2", ""},
      {"GET", "/?batchJob&batchJobId=" + batch_id, ""},
      {"POST", "/?batchJobPriority&batchJobId=" + batch_id + "&targetPriority=7", ""},
      {"POST",
       "/?batchJobStatus&batchJobId=" + batch_id +
           "&requestedJobStatus=Cancelled&statusUpdateReason=x",
       ""},
  };

  // DROVER_FUZZ_ITERATIONS and DROVER_FUZZ_SEED make a longer or another run.
  const char* iterations_env = std::getenv("DROVER_FUZZ_ITERATIONS");
  const char* seed_env = std::getenv("DROVER_FUZZ_SEED");
  int iterations = iterations_env ? std::atoi(iterations_env) : 4000;
  std::mt19937_64 rng(seed_env ? std::strtoull(seed_env, nullptr, 10) : 20261127);
  int answered = 0, refused = 0;
  for (int i = 0; i < iterations; ++i) {
    Seed seed = seeds[rng() % seeds.size()];
    switch (rng() % 3) {
      case 0:
        seed.body = Mutate(seed.body, rng);
        break;
      case 1:
        seed.target = Mutate(seed.target, rng);
        break;
      default:
        seed.body = Mutate(seed.body, rng);
        seed.target = Mutate(seed.target, rng);
        break;
    }
    Request request = ToRequest(seed);
    Response response = router.Dispatch(request);
    SCOPED_TRACE(seed.method + " " + seed.target + " body " + seed.body.substr(0, 300));
    ASSERT_NE(response.status, 500) << response.body;
    bool ok = response.status == 200 || response.status == 204 || response.status == 202;
    ASSERT_TRUE(ok || (response.status >= 400 && response.status < 500)) << response.status;
    // What Drover writes is valid UTF-8 JSON or XML; an object's bytes
    // (any other type) are the client's own.
    if (response.content_type == "application/xml") {
      ASSERT_TRUE(core::IsValidUtf8(response.body)) << response.body;
      pugi::xml_document xml;
      ASSERT_TRUE(response.body.empty() || xml.load_string(response.body.c_str())) << response.body;
    } else if (response.content_type.starts_with("application/json")) {
      ASSERT_TRUE(core::IsValidUtf8(response.body)) << response.body;
      boost::system::error_code ec;
      boost::json::parse(response.body, ec);
      ASSERT_FALSE(ec) << response.body;
    } else {
      ASSERT_EQ(response.status, 200) << response.content_type;  // only an object's bytes
    }
    (ok ? answered : refused)++;
  }
  // Neither side may go hollow: some mutations still pass, most are refused.
  EXPECT_GT(answered, iterations / 20);
  EXPECT_GT(refused, iterations / 4);
}

}  // namespace
}  // namespace drover::api
