#include "service/object_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace drover::service {
namespace {

namespace fs = std::filesystem;

class ObjectServiceTest : public ::testing::Test {
 protected:
  ObjectServiceTest() { Open(); }

  void Open() {
    objects_.reset();
    store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
    ObjectServiceOptions options;
    options.dir = (dir_.path() / "objects").string();
    options.restore_day = 10'000;
    objects_ = std::make_unique<ObjectService>(*store_, clock_, options);
    objects_->Load();
  }

  core::ObjectMeta Put(const std::string& key, std::string body) {
    ObjectWrite w;
    w.body = std::move(body);
    return objects_->Put(me_, "bkt", key, std::move(w));
  }

  std::vector<std::string> DataFiles() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path() / "objects" / "data")) {
      if (e.is_regular_file()) out.push_back(e.path().filename().string());
    }
    return out;
  }

  static std::string ReasonOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const core::Error& e) {
      return e.reason().empty() ? std::string(core::ErrorCodeName(e.code())) : e.reason();
    }
    return "ok";
  }

  testing::TempDir dir_;
  core::ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<ObjectService> objects_;
  Principal me_ = Principal::Local();
};

TEST_F(ObjectServiceTest, ListsByKeyWithPrefixDelimiterAndMarkers) {
  objects_->CreateBucket(me_, "bkt", core::StorageClass::kStandard, core::Acl::kPrivate);
  for (const char* key : {"a/1", "a/2", "a/b/3", "bkt", "c/x", "c/y", "d"}) Put(key, key);
  auto list = [&](const std::string& prefix, const std::string& delimiter, const std::string& after,
                  int max) {
    ObjectService::ListPage page = objects_->List(me_, "bkt", {prefix, delimiter, after, max});
    std::string shown;
    for (const auto& o : page.objects) shown += o.key + " ";
    for (const auto& p : page.prefixes) shown += "[" + p + "] ";
    if (page.truncated) shown += "next=" + page.next;
    return shown;
  };
  EXPECT_EQ(list("", "/", "", 10), "bkt d [a/] [c/] ");
  EXPECT_EQ(list("", "/", "", 2), "bkt [a/] next=bkt");
  // A marker inside a common prefix does not repeat it.
  EXPECT_EQ(list("", "/", "a/2", 10), "bkt d [c/] ");
  EXPECT_EQ(list("a/", "/", "", 10), "a/1 a/2 [a/b/] ");
  EXPECT_EQ(list("a/", "", "a/1", 10), "a/2 a/b/3 ");
  EXPECT_EQ(list("c", "", "", 1), "c/x next=c/x");
  EXPECT_EQ(list("zz", "/", "", 10), "");
  EXPECT_EQ(list("", "", "", 0), "next=");
}

TEST_F(ObjectServiceTest, SmallObjectsLiveInTheirRecordsAndLargeOnesInFilesReplacedSafely) {
  objects_->CreateBucket(me_, "bkt", core::StorageClass::kStandard, core::Acl::kPrivate);
  core::ObjectMeta small = Put("s", "tiny");
  EXPECT_TRUE(small.data.empty());
  EXPECT_EQ(ObjectService::InlineBytes(objects_->Read(me_, "bkt", "s")), "tiny");
  EXPECT_EQ(small.etag, "D60CADF1A41C651E1F0ADE50136BAD43");  // md5("tiny")
  std::string big(ObjectService::kInlineLimit + 1, 'x');
  core::ObjectMeta first = Put("big", big);
  ASSERT_FALSE(first.data.empty());
  EXPECT_EQ(DataFiles().size(), 1u);
  core::ObjectMeta second = Put("big", big + "y");
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(DataFiles().size(), 1u);  // the replaced file is gone
  EXPECT_FALSE(fs::exists(objects_->DataPath(first)));
  EXPECT_EQ(fs::file_size(objects_->DataPath(second)), big.size() + 1);
  EXPECT_TRUE(objects_->Delete(me_, "bkt", "big"));
  EXPECT_FALSE(objects_->Delete(me_, "bkt", "big"));
  EXPECT_TRUE(DataFiles().empty());
}

TEST_F(ObjectServiceTest, LoadKeepsEverythingAndRemovesOrphanFiles) {
  objects_->CreateBucket(me_, "bkt", core::StorageClass::kIA, core::Acl::kPublicRead);
  core::ObjectMeta kept = Put("keep", std::string(ObjectService::kInlineLimit * 2, 'k'));
  Put("inline", "i");
  // A file a crash left between its rename and its commit.
  fs::path orphan = dir_.path() / "objects" / "data" / "ab" / "orphan";
  fs::create_directories(orphan.parent_path());
  std::ofstream(orphan) << "lost";
  Open();
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_TRUE(fs::exists(objects_->DataPath(kept)));
  core::Bucket b = objects_->GetBucket(me_, "bkt");
  EXPECT_EQ(b.storage_class, core::StorageClass::kIA);
  EXPECT_EQ(b.acl, core::Acl::kPublicRead);
  EXPECT_EQ(objects_->Usage(me_, "bkt").objects, 2u);
  EXPECT_EQ(objects_->Head(me_, "bkt", "keep").etag, kept.etag);
  EXPECT_EQ(ObjectService::InlineBytes(objects_->Read(me_, "bkt", "inline")), "i");
  // New records after a restart get new numbers.
  EXPECT_GT(Put("new", "n").id, kept.id);
}

TEST_F(ObjectServiceTest, ContentMd5AndSizeAreCheckedBeforeAnythingIsWritten) {
  objects_->CreateBucket(me_, "bkt", core::StorageClass::kStandard, core::Acl::kPrivate);
  ObjectWrite w;
  w.body = "abc";
  w.content_md5 = "1B2M2Y8AsgTpgAmY7PhCfg==";  // md5 of ""
  EXPECT_EQ(ReasonOf([&] { objects_->Put(me_, "bkt", "k", w); }), kBadDigest);
  w.content_md5 = "kAFQmDzST7DWlj99KOF/cg==";  // md5("abc")
  EXPECT_EQ(ReasonOf([&] { objects_->Put(me_, "bkt", "k", w); }), "ok");
  EXPECT_EQ(ReasonOf([&] { Put("/abs", "x"); }), core::kInvalidObjectName);
  EXPECT_EQ(objects_->Usage(me_, "bkt").objects, 1u);
}

TEST_F(ObjectServiceTest, TenantsAnonymousReadersAndBucketRules) {
  objects_->CreateBucket(me_, "bkt", core::StorageClass::kStandard, core::Acl::kPrivate);
  Put("k", "v");
  Principal other = me_;
  other.tenant_id = "other";
  EXPECT_EQ(ReasonOf([&] { objects_->Head(other, "bkt", "k"); }), "PermissionDenied");
  EXPECT_EQ(ReasonOf([&] { objects_->CreateBucket(other, "bkt", {}, {}); }), "AlreadyExists");
  EXPECT_TRUE(objects_->ListBuckets(other, "", "", 10).buckets.empty());
  Principal anonymous = Principal::Anonymous();
  EXPECT_EQ(ReasonOf([&] { objects_->Head(anonymous, "bkt", "k"); }), "PermissionDenied");
  objects_->SetAcl(me_, "bkt", "k", core::Acl::kPublicRead);
  EXPECT_EQ(ReasonOf([&] { objects_->Head(anonymous, "bkt", "k"); }), "ok");
  EXPECT_EQ(ReasonOf([&] { objects_->List(anonymous, "bkt", {}); }), "PermissionDenied");
  EXPECT_EQ(ReasonOf([&] { objects_->DeleteBucket(me_, "bkt"); }), kBucketNotEmpty);
  objects_->Delete(me_, "bkt", "k");
  objects_->Initiate(me_, "bkt", "m", {});
  EXPECT_EQ(ReasonOf([&] { objects_->DeleteBucket(me_, "bkt"); }), kBucketNotEmpty);
  EXPECT_EQ(ReasonOf([&] { objects_->GetBucket(me_, "nope"); }), kNoSuchBucket);
}

TEST_F(ObjectServiceTest, MultipartJoinsChosenPartsWithOssEtag) {
  objects_->CreateBucket(me_, "bkt", core::StorageClass::kStandard, core::Acl::kPrivate);
  core::MultipartUpload u = objects_->Initiate(me_, "bkt", "m", {});
  auto part = [&](int n, std::string body) {
    ObjectWrite w;
    w.body = std::move(body);
    return objects_->PutPart(me_, "bkt", "m", u.upload_id, n, std::move(w));
  };
  core::UploadPart p1 = part(1, std::string(core::kMinPartSize, 'a'));
  core::UploadPart p2 = part(2, "tail");
  part(3, "unused");
  EXPECT_EQ(ReasonOf([&] {
              objects_->Complete(me_, "bkt", "m", u.upload_id, {{2, p2.etag}, {1, p1.etag}});
            }),
            kPartOrder);
  EXPECT_EQ(ReasonOf([&] {
              objects_->Complete(me_, "bkt", "m", u.upload_id, {{1, "\"BAD\""}});
            }),
            kBadPart);
  EXPECT_EQ(ReasonOf([&] {
              objects_->Complete(me_, "bkt", "m", u.upload_id, {{2, p2.etag}, {3, "x"}});
            }),
            kBadPart);
  core::ObjectMeta o =
      objects_->Complete(me_, "bkt", "m", u.upload_id, {{1, "\"" + p1.etag + "\""}, {2, p2.etag}});
  EXPECT_EQ(o.size, core::kMinPartSize + 4);
  EXPECT_EQ(o.etag, ObjectService::MultipartEtag({p1, p2}));
  EXPECT_TRUE(o.etag.ends_with("-2"));
  EXPECT_EQ(DataFiles().size(), 1u);  // the parts, the unused one too, are gone
  EXPECT_EQ(ReasonOf([&] { objects_->GetUpload(me_, "bkt", "m", u.upload_id); }), kNoSuchUpload);
  // md5(md5("a") md5("bkt")), as OSS computes a two-part ETag.
  core::UploadPart a{1, 0, "0CC175B9C0F1B6A831C399E269772661", "", 0};
  core::UploadPart b{2, 0, "92EB5FFEE6AE2FEC3AD71C777531578F", "", 0};
  EXPECT_EQ(ObjectService::MultipartEtag({a, b}), "96E024BA2074FE77E8E965BA43A704BE-2");
}

TEST_F(ObjectServiceTest, RestoreCycleFollowsTheClock) {
  objects_->CreateBucket(me_, "bkt", core::StorageClass::kArchive, core::Acl::kPrivate);
  Put("cold", "ice");
  EXPECT_EQ(ReasonOf([&] { objects_->Read(me_, "bkt", "cold"); }), kFrozen);
  EXPECT_TRUE(objects_->Restore(me_, "bkt", "cold", 1));
  EXPECT_EQ(ReasonOf([&] { objects_->Restore(me_, "bkt", "cold", 1); }), kRestoring);
  clock_.Advance(1000);  // Archive restores in a second
  EXPECT_EQ(ReasonOf([&] { objects_->Read(me_, "bkt", "cold"); }), "ok");
  EXPECT_FALSE(objects_->Restore(me_, "bkt", "cold", 2));  // extends: 2 days from now
  clock_.Advance(19'999);
  EXPECT_EQ(ReasonOf([&] { objects_->Read(me_, "bkt", "cold"); }), "ok");
  clock_.Advance(1);
  EXPECT_EQ(ReasonOf([&] { objects_->Read(me_, "bkt", "cold"); }), kFrozen);
  objects_->CreateBucket(me_, "warm", core::StorageClass::kStandard, core::Acl::kPrivate);
  ObjectWrite w;
  w.body = "x";
  objects_->Put(me_, "warm", "k", w);
  EXPECT_EQ(ReasonOf([&] { objects_->Restore(me_, "warm", "k", 1); }), kNotFrozen);
}

}  // namespace
}  // namespace drover::service
