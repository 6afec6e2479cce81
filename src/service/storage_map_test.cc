#include "service/storage_map.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "testing/error_from.h"
#include "testing/temp_dir.h"

namespace drover::service {
namespace {

namespace fs = std::filesystem;

class StorageMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "nas" / "sub");
    std::ofstream(dir_.path() / "nas" / "f.txt") << "x";
    map_ = StorageMap({{"fs1", dir_.path() / "nas"}, {"cpfs-abc", dir_.path() / "nas" / "sub"}});
  }
  testing::TempDir dir_;
  StorageMap map_;
};

TEST_F(StorageMapTest, ResolvesFileAndMappedNasUris) {
  fs::path nas = dir_.path() / "nas";
  EXPECT_EQ(map_.Resolve("nas://fs1.cn-hangzhou/sub/", "NAS"), nas / "sub/");
  EXPECT_EQ(map_.Resolve("nas://fs1/", "NAS"), nas / "");
  EXPECT_EQ(map_.Resolve("nas://fs1", "EXTREMENAS"), nas / "");
  EXPECT_EQ(map_.Resolve("nas://cpfs-abc.cn-wulanchabu/x/../y", "CPFS"), nas / "sub" / "y");
  EXPECT_EQ(map_.Resolve("file://" + nas.string() + "/f.txt", "BMCPFS"), nas / "f.txt");
  EXPECT_EQ(map_.ResolveExisting("nas://fs1/f.txt", "NAS", "FILE"), nas / "f.txt");
  EXPECT_EQ(map_.ResolveExisting("nas://fs1/sub", "NAS", "DIRECTORY"), nas / "sub");
}

TEST_F(StorageMapTest, RefusesWhatResolvesNowhereOrToNothing) {
  const std::tuple<const char*, const char*, const char*> cases[] = {
      {"nas://fs9/x", "NAS", "DIRECTORY"},          // unmapped file system
      {"nas://fs1/../../etc", "NAS", "DIRECTORY"},  // climbs out
      {"nas://fs1/missing", "NAS", "DIRECTORY"},    // does not exist
      {"nas://fs1/f.txt", "NAS", "DIRECTORY"},      // a file, not a directory
      {"nas://fs1/sub", "NAS", "FILE"},             // a directory, not a file
      {"oss://bucket/x", "OSS", "DIRECTORY"},       // buckets are not served yet
      {"oss://bucket/x", "NAS", "DIRECTORY"},       // scheme and type disagree
      {"nas://fs1/sub", "OSS", "DIRECTORY"},
      {"nas://fs1/sub", "MAXCOMPUTE", "DIRECTORY"},  // not data on a file system
      {"http://example.com/x", "URL", "FILE"},
      {"file://relative", "NAS", "DIRECTORY"},
      {"ftp://host/x", "NAS", "DIRECTORY"},
      {"/plain/path", "NAS", "DIRECTORY"},
  };
  for (const auto& [uri, type, property] : cases) {
    const char *u = uri, *t = type, *p = property;  // a lambda may not name a binding (clang)
    core::Error e = testing::ErrorFrom([&] { map_.ResolveExisting(u, t, p, "at.uri"); });
    EXPECT_EQ(e.code(), core::ErrorCode::kInvalidArgument) << uri;
    EXPECT_EQ(e.parameter(), "at.uri") << uri;
  }
}

TEST_F(StorageMapTest, LoadsAMapFileAndRefusesABadOne) {
  fs::path file = dir_.path() / "map.json";
  std::ofstream(file) << R"({"fs1": ")" << (dir_.path() / "nas").string() << R"("})";
  EXPECT_EQ(StorageMap::Load(file).Resolve("nas://fs1/sub", "NAS"), dir_.path() / "nas" / "sub");
  for (const char* bad :
       {"[]", "{\"fs1\": 3}", "{\"fs1\": \"relative\"}", "{\"fs1\": \"/no/such/dir\"}", "{"}) {
    std::ofstream(file) << bad;
    EXPECT_THROW(StorageMap::Load(file), std::runtime_error) << bad;
  }
  EXPECT_THROW(StorageMap::Load(dir_.path() / "absent.json"), std::runtime_error);
}

}  // namespace
}  // namespace drover::service
