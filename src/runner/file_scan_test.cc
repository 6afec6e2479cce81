#include "runner/file_scan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "testing/temp_dir.h"

namespace drover::runner {
namespace {

namespace fs = std::filesystem;
using Outcome = ScannedFile::Outcome;

// Every file a scan reports, by relative path.
std::map<std::string, ScannedFile> ScanAll(
    const fs::path& root, bool single, const std::unordered_map<std::string, KnownFile>& known) {
  std::atomic<bool> cancel{false};
  FileScan scan(root, single, known, cancel);
  std::map<std::string, ScannedFile> out;
  for (auto chunk = scan.Next(); !chunk.empty(); chunk = scan.Next()) {
    for (ScannedFile& file : chunk) {
      std::string relative = file.relative;
      EXPECT_TRUE(out.emplace(relative, std::move(file)).second) << relative << " twice";
    }
  }
  return out;
}

class FileScanTest : public ::testing::Test {
 protected:
  FileScanTest() {
    root_ = dir_.path() / "tree";
    fs::create_directories(root_ / "sub" / "deeper");
    std::ofstream(root_ / "a.txt") << "alpha";
    // A PNG's signature and IHDR: 3 × 2 pixels.
    std::ofstream(root_ / "sub" / "pic.dat", std::ios::binary)
        << std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x03\0\0\0\x02\x08\x06\0\0\0", 29);
    std::ofstream(root_ / "sub" / "deeper" / "big.bin", std::ios::binary)
        << std::string(200'000, 'x');  // several reads
    fs::create_symlink("/nonexistent", root_ / "dangling");
    fs::create_symlink(root_ / "sub", root_ / "to-dir");
    fs::create_symlink(root_ / "a.txt", root_ / "to-file");
    EXPECT_EQ(::mkfifo((root_ / "fifo").c_str(), 0600), 0);
  }
  testing::TempDir dir_;
  fs::path root_;
};

TEST_F(FileScanTest, ReadsEveryRegularFileAndNamesWhatIsNot) {
  auto files = ScanAll(root_, false, {});
  ASSERT_EQ(files.size(), 7u);
  const ScannedFile& a = files["a.txt"];
  EXPECT_EQ(a.outcome, Outcome::kRead);
  EXPECT_EQ(a.size, 5);
  EXPECT_EQ(a.md5, "2c1743a391305fbf367df8e4f069f9f9");  // md5 -s alpha
  EXPECT_EQ(a.content_type, "text/plain");
  EXPECT_GT(a.updated, 0);
  const ScannedFile& pic = files["sub/pic.dat"];
  EXPECT_EQ(pic.content_type, "image/png");  // by its bytes, not its name
  ASSERT_TRUE(pic.image);
  EXPECT_EQ(*pic.image, (core::ImageSize{3, 2}));
  const ScannedFile& big = files["sub/deeper/big.bin"];
  EXPECT_EQ(big.size, 200'000);
  EXPECT_EQ(big.md5.size(), 32u);
  EXPECT_EQ(files["to-file"].outcome, Outcome::kRead);  // a link to a file is the file
  EXPECT_EQ(files["to-file"].md5, a.md5);
  EXPECT_EQ(files["dangling"].outcome, Outcome::kNotRegular);
  EXPECT_EQ(files["to-dir"].outcome, Outcome::kNotRegular);  // never walked into
  EXPECT_EQ(files["fifo"].outcome, Outcome::kNotRegular);    // and not waited on
}

TEST_F(FileScanTest, AKnownFileAtItsSizeAndTimeIsNotReadAgain) {
  auto first = ScanAll(root_, false, {});
  std::unordered_map<std::string, KnownFile> known;
  known["a.txt"] = {first["a.txt"].size, first["a.txt"].updated, 7};
  known["sub/pic.dat"] = {first["sub/pic.dat"].size + 1, first["sub/pic.dat"].updated, 8};
  auto again = ScanAll(root_, false, known);
  EXPECT_EQ(again["a.txt"].outcome, Outcome::kUnchanged);
  EXPECT_EQ(again["a.txt"].md5, "");
  ASSERT_NE(again["a.txt"].known, nullptr);
  EXPECT_EQ(again["a.txt"].known->position, 7u);
  EXPECT_EQ(again["sub/pic.dat"].outcome, Outcome::kRead);  // its size differs
  ASSERT_NE(again["sub/pic.dat"].known, nullptr);
  EXPECT_EQ(again["sub/pic.dat"].known->position, 8u);
  EXPECT_EQ(again["sub/deeper/big.bin"].known, nullptr);
}

TEST_F(FileScanTest, ManyDirectoriesAndLongOnesAreScannedOnceEach) {
  // Nested directories, some with more names than one thread's run.
  for (int d = 0; d < 12; ++d) {
    fs::path dir = root_ / "many" / ("d" + std::to_string(d % 4)) / ("e" + std::to_string(d));
    fs::create_directories(dir);
    for (int f = 0; f < (d % 3 == 0 ? 300 : 5); ++f) {
      std::ofstream(dir / ("f" + std::to_string(f))) << f;
    }
  }
  auto files = ScanAll(root_, false, {});  // fails on a file reported twice
  size_t many = 0;
  for (const auto& [relative, file] : files) {
    if (!relative.starts_with("many/")) continue;
    ++many;
    EXPECT_EQ(file.outcome, Outcome::kRead) << relative;
    EXPECT_EQ(file.size, static_cast<int64_t>(relative.substr(relative.rfind("/f") + 2).size()));
  }
  EXPECT_EQ(many, 4u * 300 + 8u * 5);
  EXPECT_EQ(files.size(), many + 7);
}

TEST_F(FileScanTest, OneFileAMissingRootAndACancel) {
  auto single = ScanAll(root_ / "a.txt", true, {});
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single["a.txt"].outcome, Outcome::kRead);

  auto missing = ScanAll(root_ / "nothing", false, {});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[""].outcome, Outcome::kBadDirectory);
  EXPECT_EQ(missing[""].error, "No such file or directory");

  for (int i = 0; i < 1100; ++i) std::ofstream(root_ / ("n" + std::to_string(i)));
  std::atomic<bool> cancel{true};
  std::unordered_map<std::string, KnownFile> none;
  FileScan scan(root_, false, none, cancel);
  size_t seen = 0;
  for (auto chunk = scan.Next(); !chunk.empty(); chunk = scan.Next()) seen += chunk.size();
  EXPECT_LT(seen, 1100u);  // the walk ended at once
}

}  // namespace
}  // namespace drover::runner
