#include "core/object.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace drover::core {
namespace {

std::string ReasonOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.reason().empty() ? "InvalidArgument" : e.reason();
  }
  return "accepted";
}

TEST(ObjectRules, BucketNamesAsOssDocumentsThem) {
  for (const std::string& good :
       std::vector<std::string>{"abc", "my-bucket-1", "0ab", std::string(63, 'a')}) {
    EXPECT_EQ(ReasonOf([&] { CheckBucketName(good); }), "accepted") << good;
  }
  for (const std::string& bad :
       std::vector<std::string>{"ab", "-abc", "abc-", "ABC", "a_b", "a.b", std::string(64, 'a')}) {
    EXPECT_EQ(ReasonOf([&] { CheckBucketName(bad); }), kInvalidBucketName) << bad;
  }
}

TEST(ObjectRules, ObjectKeys) {
  EXPECT_EQ(ReasonOf([] { CheckObjectKey("dir/a b/中文.txt"); }), "accepted");
  EXPECT_EQ(ReasonOf([] { CheckObjectKey(std::string(1023, 'k')); }), "accepted");
  for (const std::string& bad :
       std::vector<std::string>{"", "/a", "\\a", std::string(1024, 'k'), "\xff"}) {
    EXPECT_EQ(ReasonOf([&] { CheckObjectKey(bad); }), kInvalidObjectName);
  }
}

TEST(ObjectRules, TagsAndTheTaggingHeader) {
  std::vector<ObjectTag> tags = ParseTagging("a=1&b%20c=x%26y&empty=");
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[1], (ObjectTag{"b c", "x&y"}));
  EXPECT_EQ(tags[2], (ObjectTag{"empty", ""}));
  std::vector<ObjectTag> ten;
  for (int i = 0; i < 10; ++i) ten.push_back({"k" + std::to_string(i), "v"});
  EXPECT_EQ(ReasonOf([&] { CheckTags(ten); }), "accepted");
  ten.push_back({"k10", "v"});
  EXPECT_EQ(ReasonOf([&] { CheckTags(ten); }), "InvalidArgument");
  EXPECT_EQ(ReasonOf([] {
              CheckTags({{std::string(128, 'k'), std::string(256, 'v')}});
            }),
            "accepted");
  // Characters, not bytes: 128 Chinese characters are a good key.
  std::string chinese;
  for (int i = 0; i < 128; ++i) chinese += "键";
  EXPECT_EQ(ReasonOf([&] { CheckTags({{chinese, "v"}}); }), "accepted");
  EXPECT_EQ(ReasonOf([] { CheckTags({{std::string(129, 'k'), "v"}}); }), "InvalidArgument");
  EXPECT_EQ(ReasonOf([] { CheckTags({{"k", std::string(257, 'v')}}); }), "InvalidArgument");
  EXPECT_EQ(ReasonOf([] { CheckTags({{"", "v"}}); }), "InvalidArgument");
  EXPECT_EQ(ReasonOf([] { CheckTags({{"k", "1"}, {"k", "2"}}); }), "InvalidArgument");
  EXPECT_EQ(ReasonOf([] { ParseTagging("a=1&a=2"); }), "InvalidArgument");
}

TEST(ObjectRules, UserMetadataIsAtMost8K) {
  EXPECT_EQ(ReasonOf([] { CheckUserMeta({{"a", std::string(8191, 'x')}}); }), "accepted");
  EXPECT_EQ(ReasonOf([] { CheckUserMeta({{"ab", std::string(8191, 'x')}}); }), "InvalidArgument");
}

TEST(ObjectRules, RestoreStates) {
  ObjectMeta o;
  o.storage_class = StorageClass::kArchive;
  EXPECT_EQ(RestoreStateAt(o, 1000), RestoreState::kFrozen);
  EXPECT_FALSE(Readable(o, 1000));
  o.restore_ready = 2000;
  o.restore_expires = 5000;
  EXPECT_EQ(RestoreStateAt(o, 1999), RestoreState::kRestoring);
  EXPECT_EQ(RestoreStateAt(o, 2000), RestoreState::kRestored);
  EXPECT_TRUE(Readable(o, 4999));
  EXPECT_EQ(RestoreStateAt(o, 5000), RestoreState::kFrozen);
  EXPECT_FALSE(Readable(o, 5000));
  o.storage_class = StorageClass::kIA;
  EXPECT_TRUE(Readable(o, 9000));
  EXPECT_EQ(ParseStorageClass("DeepColdArchive"), StorageClass::kDeepColdArchive);
  EXPECT_EQ(ParseStorageClass("archive"), std::nullopt);
  EXPECT_EQ(ParseAcl("public-read-write"), Acl::kPublicReadWrite);
}

}  // namespace
}  // namespace drover::core
