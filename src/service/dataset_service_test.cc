#include "service/dataset_service.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "service/dataset_schema.h"
#include "store/sqlite_store.h"
#include "testing/error_from.h"
#include "testing/temp_dir.h"
#include "text/text.h"

namespace drover::service {
namespace {

using core::Dataset;
using core::DatasetVersion;
using core::ErrorCode;
using testing::ErrorFrom;

// Runs every test on the reference scan index and on the column engine.
class DatasetServiceTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "nas" / "mnist");
    std::filesystem::create_directories(dir_.path() / "nas" / "v2");
    std::ofstream(dir_.path() / "nas" / "labels.csv") << "a,b\n";
    storage_ = StorageMap({{"fs1", dir_.path() / "nas"}});
    Reopen();
  }

  void Reopen() {
    service_.reset();
    datasets_.reset();
    versions_.reset();
    store_.reset();
    store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
    bool column = GetParam();
    datasets_ =
        column ? index::NewColumnIndex(DatasetSchema()) : index::NewScanIndex(DatasetSchema());
    versions_ = column ? index::NewColumnIndex(DatasetVersionSchema())
                       : index::NewScanIndex(DatasetVersionSchema());
    service_ = std::make_unique<DatasetService>(*store_, *datasets_, *versions_, storage_, clock_);
  }

  static Dataset Draft(std::string name) {
    Dataset d;
    d.name = std::move(name);
    d.data_type = "COMMON";
    d.edition = "BASIC";
    d.provider_type = "Ecs";
    d.mount_access = "RW";
    return d;
  }
  static DatasetVersion First(std::string uri = "nas://fs1.cn-hangzhou/mnist/") {
    DatasetVersion v;
    v.property = "DIRECTORY";
    v.data_source_type = "NAS";
    v.uri = std::move(uri);
    v.source_type = "USER";
    v.mount_access = "RW";
    return v;
  }

  Dataset Create(const Principal& who, std::string name, std::string workspace = "") {
    clock_.Advance(1);  // creation order is listing order
    Dataset d = Draft(std::move(name));
    d.workspace_id = std::move(workspace);
    return service_->Create(who, d, First());
  }

  // Canonical state of what `who` lists: "name" in creation order.
  std::string Listing(const Principal& who, index::Query q = {}) {
    q.limit = 100;
    q.descending = false;
    std::string out;
    for (const Dataset& d : service_->List(who, q).datasets) out += d.name + " ";
    return out;
  }

  std::string Versions(const Principal& who, const std::string& id, index::Query q = {}) {
    q.limit = 100;
    q.descending = false;
    std::string out;
    for (const DatasetVersion& v : service_->ListVersions(who, id, q).versions) {
      out += v.name + " ";
    }
    return out;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{1'700'000'000'000};
  StorageMap storage_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<index::RecordIndex> datasets_;
  std::unique_ptr<index::RecordIndex> versions_;
  std::unique_ptr<DatasetService> service_;

  Principal admin_ = Principal::Local();  // of another tenant
  Principal boss_{"acme", "boss", "boss", "w1", true, false, {}};
  Principal ann_{"acme", "ann", "ann", "w1", false, false, {{"w1", core::WorkspaceRole::kMember}}};
  Principal ben_{"acme", "ben", "ben", "w1", false, false, {{"w1", core::WorkspaceRole::kMember}}};
  Principal wendy_{
      "acme", "wendy", "wendy", "w2", false, false, {{"w2", core::WorkspaceRole::kMember}}};
  Principal zed_{"zeta", "zed", "zed", "z1", false, false, {{"z1", core::WorkspaceRole::kMember}}};
};

TEST_P(DatasetServiceTest, CreateStoresTheDatasetAndItsFirstVersion) {
  clock_.Set(1'700'000'000'122);
  Dataset d = Create(ann_, "mnist");  // a millisecond later
  EXPECT_TRUE(d.public_id.starts_with("d-"));
  EXPECT_EQ(d.public_id.size(), 20u);
  EXPECT_EQ(d.workspace_id, "w1");  // ann's default
  EXPECT_EQ(d.user_id, "ann");
  EXPECT_EQ(d.tenant_id, "acme");
  EXPECT_EQ(d.created, 1'700'000'000'123);
  EXPECT_EQ(d.uri, "nas://fs1.cn-hangzhou/mnist/");  // v1's
  EXPECT_EQ(d.version_count, 1);

  Dataset got = service_->Get(ann_, d.public_id);
  std::optional<DatasetVersion> latest = service_->Latest(got);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->name, "v1");
  EXPECT_EQ(latest->dataset_id, d.public_id);
  EXPECT_EQ(service_->GetVersion(ann_, d.public_id, "v1").uri, d.uri);
}

TEST_P(DatasetServiceTest, VersionsAreNumberedOnceAndTheNewestIsTheLatest) {
  Dataset d = Create(ann_, "mnist");
  EXPECT_EQ(service_->CreateVersion(ann_, d.public_id, First("nas://fs1/v2")).name, "v2");
  EXPECT_EQ(service_->CreateVersion(ann_, d.public_id, First("nas://fs1/v2")).name, "v3");
  EXPECT_EQ(service_->Latest(service_->Get(ann_, d.public_id))->name, "v3");

  service_->DeleteVersion(ann_, d.public_id, "v3");
  Dataset after = service_->Get(ann_, d.public_id);
  EXPECT_EQ(service_->Latest(after)->name, "v2");
  EXPECT_EQ(after.version_count, 2);
  EXPECT_EQ(service_->CreateVersion(ann_, d.public_id, First("nas://fs1/v2")).name, "v4");
  EXPECT_EQ(Versions(ann_, d.public_id), "v1 v2 v4 ");

  service_->DeleteVersion(ann_, d.public_id, "v2");
  service_->DeleteVersion(ann_, d.public_id, "v4");
  core::Error last = ErrorFrom([&] { service_->DeleteVersion(ann_, d.public_id, "v1"); });
  EXPECT_EQ(last.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ErrorFrom([&] { service_->GetVersion(ann_, d.public_id, "v4"); }).parameter(),
            "version_name");
}

TEST_P(DatasetServiceTest, RefusedInputChangesNothing) {
  Dataset d = Create(ann_, "mnist");
  store::Revision before = store_->CurrentRevision();
  struct Case {
    const char* what;
    std::function<void()> action;
    ErrorCode code;
    const char* parameter;
  };
  Dataset bad_name = Draft("-starts-with-dash");
  Dataset long_name = Draft(std::string(128, 'a'));
  Dataset taken = Draft("mnist");
  Dataset pai = Draft("ok");
  pai.provider = "pai";
  Dataset advanced_nas = Draft("ok");
  advanced_nas.edition = "ADVANCED";
  DatasetVersion bad_json = First();
  bad_json.options = "{not json";
  DatasetVersion array_json = First();
  array_json.options = "[1,2]";
  DatasetVersion missing = First("nas://fs1/nothing-here");
  DatasetVersion climbing = First("nas://fs1/../../etc");
  DatasetVersion unmapped = First("nas://fs9/mnist");
  DatasetVersion oss = First("oss://bucket/path");
  oss.data_source_type = "OSS";
  DatasetVersion file_as_dir = First("nas://fs1/labels.csv");
  DatasetVersion cpfs = First("nas://fs1/v2");
  cpfs.data_source_type = "CPFS";
  Dataset bad_labels = Draft("ok");
  bad_labels.labels = {{"aliyun-x", "v"}};
  Dataset twice = Draft("ok");
  twice.labels = {{"k", "1"}, {"k", "2"}};
  Dataset role_public = Draft("ok");
  role_public.accessibility = core::DatasetAccess::kRolePublic;
  Dataset own_share = Draft("ok");
  own_share.shares = {core::DatasetShare{.workspace_id = "w1"}};
  Dataset stranger = Draft("ok");
  stranger.workspace_id = "w2";
  const Case cases[] = {
      {"bad name", [&] { service_->Create(ann_, bad_name, First()); }, ErrorCode::kInvalidArgument,
       "name"},
      {"long name", [&] { service_->Create(ann_, long_name, First()); },
       ErrorCode::kInvalidArgument, "name"},
      {"name taken", [&] { service_->Create(ann_, taken, First()); }, ErrorCode::kAlreadyExists,
       "name"},
      {"provider pai", [&] { service_->Create(ann_, pai, First()); }, ErrorCode::kInvalidArgument,
       "provider"},
      {"ADVANCED on NAS", [&] { service_->Create(ann_, advanced_nas, First()); },
       ErrorCode::kInvalidArgument, "edition"},
      {"options not JSON", [&] { service_->Create(ann_, Draft("ok"), bad_json); },
       ErrorCode::kInvalidArgument, "options"},
      {"options an array", [&] { service_->Create(ann_, Draft("ok"), array_json); },
       ErrorCode::kInvalidArgument, "options"},
      {"uri missing", [&] { service_->Create(ann_, Draft("ok"), missing); },
       ErrorCode::kInvalidArgument, "uri"},
      {"uri climbing", [&] { service_->Create(ann_, Draft("ok"), climbing); },
       ErrorCode::kInvalidArgument, "uri"},
      {"uri unmapped", [&] { service_->Create(ann_, Draft("ok"), unmapped); },
       ErrorCode::kInvalidArgument, "uri"},
      {"oss not served", [&] { service_->Create(ann_, Draft("ok"), oss); },
       ErrorCode::kInvalidArgument, "uri"},
      {"file as directory", [&] { service_->Create(ann_, Draft("ok"), file_as_dir); },
       ErrorCode::kInvalidArgument, "uri"},
      {"label key aliyun", [&] { service_->Create(ann_, bad_labels, First()); },
       ErrorCode::kInvalidArgument, "labels"},
      {"label key twice", [&] { service_->Create(ann_, twice, First()); },
       ErrorCode::kInvalidArgument, "labels"},
      {"ROLE_PUBLIC without roles", [&] { service_->Create(ann_, role_public, First()); },
       ErrorCode::kInvalidArgument, "accessible_roles"},
      {"shared to itself", [&] { service_->Create(ann_, own_share, First()); },
       ErrorCode::kInvalidArgument, "shares.workspace"},
      {"not a member", [&] { service_->Create(ann_, stranger, First()); },
       ErrorCode::kPermissionDenied, "workspace"},
      {"version of another type", [&] { service_->CreateVersion(ann_, d.public_id, cpfs); },
       ErrorCode::kInvalidArgument, "data_source_type"},
      {"edition downgrade",
       [&] {
         DatasetUpdate u;
         u.edition = "BASIC";
         service_->Update(ann_, d.public_id, u);  // a no-op: allowed, but checked below
         u.edition = "LOGICAL";
         service_->Update(ann_, d.public_id, u);
       },
       ErrorCode::kInvalidArgument, "edition"},
      {"negative size",
       [&] {
         VersionUpdate u;
         u.data_size = -1;
         service_->UpdateVersion(ann_, d.public_id, "v1", u);
       },
       ErrorCode::kInvalidArgument, "data_size"},
      {"another's dataset", [&] { service_->Delete(ben_, d.public_id); }, ErrorCode::kNotFound,
       "dataset_id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    core::Error e = ErrorFrom(c.action);
    EXPECT_EQ(e.code(), c.code) << e.what();
    EXPECT_EQ(e.parameter(), c.parameter) << e.what();
  }
  // The no-op update of "edition downgrade" is the only write.
  EXPECT_EQ(store_->CurrentRevision(), before + 1);
  EXPECT_EQ(Listing(boss_), "mnist ");
}

TEST_P(DatasetServiceTest, PrivateDatasetsAreHiddenFromOtherMembers) {
  Dataset mine = Create(ann_, "mine");
  Dataset open = Draft("open");
  open.accessibility = core::DatasetAccess::kPublic;
  clock_.Advance(1);
  service_->Create(ann_, open, First());
  Dataset devs = Draft("devs");
  devs.accessibility = core::DatasetAccess::kRolePublic;
  devs.accessible_roles = {core::kMemberRoleId};
  clock_.Advance(1);
  service_->Create(ann_, devs, First());
  Dataset ops = Draft("ops");
  ops.accessibility = core::DatasetAccess::kRolePublic;
  ops.accessible_roles = {"role-ops"};
  clock_.Advance(1);
  service_->Create(ann_, ops, First());

  EXPECT_EQ(Listing(ann_), "mine open devs ops ");
  EXPECT_EQ(Listing(ben_), "open devs ");
  EXPECT_EQ(Listing(wendy_), "");
  EXPECT_EQ(Listing(boss_), "mine open devs ops ");
  EXPECT_EQ(Listing(admin_), "");  // another tenant
  EXPECT_EQ(ErrorFrom([&] { service_->Get(ben_, mine.public_id); }).code(), ErrorCode::kNotFound);
  Dataset shown = service_->Get(ben_, service_->List(ben_, {}).datasets[0].public_id);
  EXPECT_EQ(ErrorFrom([&] {
              service_->AddLabels(ben_, shown.public_id, {{"k", "v"}});
            }).code(),
            ErrorCode::kPermissionDenied);
}

TEST_P(DatasetServiceTest, SharesShowADatasetInAnotherWorkspaceUntilRevokedOrExpired) {
  Dataset d = Create(ann_, "shared");
  Create(ann_, "kept");
  DatasetUpdate share;
  share.shares = {
      core::DatasetShare{.workspace_id = "w2"},
      core::DatasetShare{
          .tenant_id = "zeta", .workspace_id = "z1", .expires_at = clock_.Now() + 60'000}};
  service_->Update(ann_, d.public_id, share);

  EXPECT_EQ(Listing(wendy_), "shared ");
  EXPECT_EQ(Listing(zed_), "shared ");
  Dataset seen = service_->Get(zed_, d.public_id);
  const core::DatasetShare* through = core::SharedTo(zed_.AsViewer(), seen, clock_.Now());
  ASSERT_NE(through, nullptr);
  EXPECT_EQ(through->workspace_id, "z1");
  EXPECT_FALSE(through->AllowsReadWrite());
  EXPECT_EQ(core::SharedTo(ann_.AsViewer(), seen, clock_.Now()), nullptr);  // its own
  EXPECT_EQ(ErrorFrom([&] { service_->Delete(zed_, d.public_id); }).code(),
            ErrorCode::kPermissionDenied);

  index::Query to_w2;
  to_w2.words[DatasetWords::kSharedInto] = {PlaceWord("acme", "w2")};
  EXPECT_EQ(Listing(wendy_, to_w2), "shared ");
  index::Query by_ann;
  by_ann.values[DatasetNumbers::kShared] = {1};
  EXPECT_EQ(Listing(ann_, by_ann), "shared ");
  index::Query in_w2;
  in_w2.words[DatasetWords::kPlaces] = {PlaceWord("acme", "w2")};
  EXPECT_EQ(Listing(admin_, in_w2), "");
  EXPECT_EQ(Listing(wendy_, in_w2), "shared ");

  clock_.Advance(60'000);  // zeta's share expires
  EXPECT_EQ(Listing(zed_), "");
  EXPECT_EQ(ErrorFrom([&] { service_->Get(zed_, d.public_id); }).code(), ErrorCode::kNotFound);
  Reopen();  // the expiry was written
  Dataset stored = service_->Get(ann_, d.public_id);
  ASSERT_EQ(stored.shares.size(), 2u);
  EXPECT_EQ(stored.shares[1].status, core::ShareStatus::kExpired);

  DatasetUpdate revoke;
  revoke.shares = std::vector<core::DatasetShare>{};
  service_->Update(ann_, d.public_id, revoke);
  EXPECT_EQ(Listing(wendy_), "");
  stored = service_->Get(ann_, d.public_id);
  ASSERT_EQ(stored.shares.size(), 2u);
  EXPECT_EQ(stored.shares[0].status, core::ShareStatus::kRevoked);
}

TEST_P(DatasetServiceTest, LabelsAreMergedRemovedAndFiltered) {
  Dataset d = Create(ann_, "a");
  Create(ann_, "b");
  service_->AddLabels(ann_, d.public_id, {{"env", "test"}, {"team", "vision"}});
  service_->AddLabels(ann_, d.public_id, {{"env", "prod"}});
  Dataset got = service_->Get(ann_, d.public_id);
  ASSERT_EQ(got.labels.size(), 2u);
  EXPECT_EQ(got.labels[0], (core::Label{"env", "prod"}));
  index::Query q;
  q.tag_contains = "visi";
  EXPECT_EQ(Listing(ann_, q), "a ");
  service_->RemoveLabels(ann_, d.public_id, {"team", "absent"});
  EXPECT_EQ(Listing(ann_, q), "");

  service_->AddVersionLabels(ann_, d.public_id, "v1", {{"stage", "gold"}, {"k x", "v/1"}});
  service_->CreateVersion(ann_, d.public_id, First("nas://fs1/v2"));
  index::Query keys;
  keys.words[VersionWords::kLabelKeys] = {text::AsOneWord("stage"), text::AsOneWord("k x")};
  EXPECT_EQ(Versions(ann_, d.public_id, keys), "v1 ");
  index::Query values;
  values.words[VersionWords::kLabelValues] = {text::AsOneWord("v/1")};
  EXPECT_EQ(Versions(ann_, d.public_id, values), "v1 ");
  service_->RemoveVersionLabels(ann_, d.public_id, "v1", {"stage"});
  EXPECT_EQ(Versions(ann_, d.public_id, keys), "");
}

TEST_P(DatasetServiceTest, EverythingSurvivesARestart) {
  Dataset d = Create(ann_, "mnist");
  service_->CreateVersion(ann_, d.public_id, First("nas://fs1/v2"));
  Dataset gone = Create(ann_, "gone");
  service_->Delete(ann_, gone.public_id);
  Reopen();
  EXPECT_EQ(Listing(ann_), "mnist ");
  EXPECT_EQ(Versions(ann_, d.public_id), "v1 v2 ");
  EXPECT_EQ(service_->Latest(service_->Get(ann_, d.public_id))->name, "v2");
  // Numbering goes on from the stored records.
  Dataset next = Create(ann_, "next");
  EXPECT_NE(next.public_id, gone.public_id);
  EXPECT_EQ(service_->CreateVersion(ann_, d.public_id, First("nas://fs1/v2")).name, "v3");
  EXPECT_EQ(ErrorFrom([&] { service_->GetVersion(ann_, gone.public_id, "v1"); }).code(),
            ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Engines, DatasetServiceTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Column" : "Scan";
                         });

}  // namespace
}  // namespace drover::service
