// The command line's pure parts: output shapes, durations, the log
// window, and the config file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <fstream>

#include "cli/client/log_window.h"
#include "cli/client/output.h"
#include "cli/client/profile.h"
#include "cli/client/progress.h"
#include "cli/client/yaml_input.h"
#include "testing/temp_dir.h"

namespace drover::cli::client {
namespace {

TEST(ClientOutput, TablesAlignByDisplayWidth) {
  EXPECT_EQ(Table({"ID", "NAME"}, {{"a", "训练"}, {"bbbb", "x"}}),
            "ID    NAME\n"
            "a     训练\n"
            "bbbb  x\n");
}

TEST(ClientOutput, YamlQuotesWhatWouldReadBackDifferently) {
  boost::json::value v = boost::json::parse(
      R"({"Jobs":[{"JobId":"dlc1","WorkspaceId":"1","Empty":"","Tags":{},"Pods":[],)"
      R"("Note":"a: b","Ok":true,"N":3}],"TotalCount":1})");
  EXPECT_EQ(Yaml(v),
            "Jobs:\n"
            "- JobId: dlc1\n"
            "  WorkspaceId: \"1\"\n"
            "  Empty: \"\"\n"
            "  Tags: {}\n"
            "  Pods: []\n"
            "  Note: \"a: b\"\n"
            "  Ok: true\n"
            "  N: 3\n"
            "TotalCount: 1\n");
}

TEST(ClientOutput, PrettyJsonIsTheSameValue) {
  boost::json::value v = boost::json::parse(R"({"a":[1,{"b":"c"}],"d":{}})");
  std::string pretty = PrettyJson(v);
  EXPECT_EQ(boost::json::parse(pretty), v);
  EXPECT_EQ(pretty,
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"c\"\n    }\n  ],\n  \"d\": {}\n}\n");
}

TEST(ClientOutput, DurationsBothWays) {
  EXPECT_EQ(ParseDuration("90s"), 90'000);
  EXPECT_EQ(ParseDuration("15m"), 900'000);
  EXPECT_EQ(ParseDuration("2d"), 2 * 86'400'000);
  EXPECT_EQ(ParseDuration("1w"), 7 * 86'400'000);
  for (const char* bad : {"", "5", "m", "-1m", "1.5h", "3y", "1mm", "99999999999999d"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
  EXPECT_EQ(ShortDuration(45'000), "45s");
  EXPECT_EQ(ShortDuration(12 * 60'000), "12m");
  EXPECT_EQ(ShortDuration(5 * 3'600'000), "5h");
  EXPECT_EQ(ShortDuration(3 * 86'400'000), "3d");
  EXPECT_EQ(ShortDuration(-5), "0s");
  EXPECT_THROW(ParseFormat("xml"), std::runtime_error);
}

TEST(ClientLogWindow, PrintsWhatFollowsTheLastWindow) {
  using Lines = std::vector<std::string>;
  EXPECT_EQ(NewLines({}, {"a", "b"}), (Lines{"a", "b"}));
  EXPECT_EQ(NewLines({"a", "b"}, {"a", "b", "c"}), (Lines{"c"}));                 // the window grew
  EXPECT_EQ(NewLines({"a", "b", "c"}, {"b", "c", "d", "e"}), (Lines{"d", "e"}));  // it slid
  EXPECT_EQ(NewLines({"a", "b"}, {"a", "b"}), Lines{});
  EXPECT_EQ(NewLines({"x", "y"}, {"p", "q"}), (Lines{"p", "q"}));  // more came than it holds
  // Repeated lines: the longest overlap wins.
  EXPECT_EQ(NewLines({"a", "a"}, {"a", "a", "a"}), (Lines{"a"}));
}

TEST(ClientYaml, TypesPlainScalarsAndKeepsQuotedOnesStrings) {
  boost::json::value v = YamlToJson(R"(
DisplayName: train
Priority: 5
Ratio: 0.5
Debug: true
Nothing: ~
WorkspaceId: "123"
Version: '1.10'
Big: 123456789012345678901234567890
JobSpecs:
  - Type: Worker
    PodCount: 2
    ResourceConfig: {CPU: "4", Memory: 8Gi}
)");
  EXPECT_EQ(v, boost::json::parse(
                   R"({"DisplayName":"train","Priority":5,"Ratio":0.5,"Debug":true,"Nothing":null,)"
                   R"("WorkspaceId":"123","Version":"1.10","Big":"123456789012345678901234567890",)"
                   R"("JobSpecs":[{"Type":"Worker","PodCount":2,)"
                   R"("ResourceConfig":{"CPU":"4","Memory":"8Gi"}}]})"));
  try {
    YamlToJson("a: [1, 2\nb: c\n");
    FAIL() << "an unclosed sequence must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).substr(0, 14), "not YAML: line");
  }
}

TEST(ClientProgress, TheLineShowsItemsBytesRateAndTimeLeft) {
  EXPECT_EQ(Progress::Line("files", 3, 10, 3 << 20, 10 << 20, 1.5, 100),
            "[############............................] 3/10 files  3.0 MiB / 10.0 MiB  2.0 "
            "MiB/s  ETA 3s");
  EXPECT_EQ(Progress::Line("files", 0, 2, 0, 0, 0, 80).substr(0, 12), "[...........");
  // Work without bytes (a batch job's tasks) counts its items.
  EXPECT_EQ(Progress::Line("tasks", 500, 2000, 0, 0, 2.0, 100),
            "[##########..............................] 500/2000 tasks  250 tasks/s  ETA 6s");
  EXPECT_EQ(HumanBytes(512), "512 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
}

class ClientProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("XDG_CONFIG_HOME", dir_.path().c_str(), 1);
    for (const char* name : {"DROVER_ENDPOINT", "DROVER_ACCESS_KEY_ID", "DROVER_ACCESS_KEY_SECRET",
                             "DROVER_WORKSPACE", "DROVER_PROFILE"}) {
      ::unsetenv(name);
    }
    ::setenv("DROVER_DATA_DIR", (dir_.path() / "no-server").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("XDG_CONFIG_HOME");
    ::unsetenv("DROVER_DATA_DIR");
    ::unsetenv("DROVER_ENDPOINT");
  }
  testing::TempDir dir_;
};

TEST_F(ClientProfileTest, ConfigureWritesAnOwnerOnlyFileAndFlagsAndEnvWin) {
  std::filesystem::path path = ConfigPath();
  EXPECT_EQ(path, dir_.path() / "drover" / "config");
  WriteProfile(path, "default", {"http://10.0.0.5:8080", "AK1", "SECRET1", "42"});
  WriteProfile(path, "lab", {"http://lab:9000", "AK2", "SECRET2", ""});
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Profile p = ResolveProfile({});
  EXPECT_EQ(p.endpoint, "http://10.0.0.5:8080");
  EXPECT_EQ(p.access_key_id, "AK1");
  EXPECT_EQ(p.workspace, "42");
  Profile lab = ResolveProfile({"lab", ""});
  EXPECT_EQ(lab.access_key_secret, "SECRET2");
  EXPECT_EQ(lab.workspace, "");

  ::setenv("DROVER_ENDPOINT", "127.0.0.1:7000", 1);
  EXPECT_EQ(ResolveProfile({}).endpoint, "http://127.0.0.1:7000");
  EXPECT_EQ(ResolveProfile({"", "http://flag:1/"}).endpoint, "http://flag:1");
  EXPECT_THROW(ResolveProfile({"", "https://tls:1"}), std::runtime_error);
  EXPECT_THROW(ResolveProfile({"missing", ""}), std::runtime_error);
}

TEST_F(ClientProfileTest, ALocalServersAdminKeyIsTheLastResort) {
  std::filesystem::create_directories(dir_.path() / "no-server");
  std::ofstream(dir_.path() / "no-server" / "admin-key.json")
      << R"({"AccessKeyId":"LOCAL","AccessKeySecret":"S","Tenant":"local"})";
  Profile p = ResolveProfile({});
  EXPECT_EQ(p.endpoint, "http://127.0.0.1:8080");
  EXPECT_EQ(p.access_key_id, "LOCAL");
  EXPECT_EQ(p.access_key_secret, "S");
}

TEST(ClientConfig, BadLinesAreNamed) {
  EXPECT_EQ(ParseConfig("# c\n[a]\nk = v = w\n\n[b]\n; x\n")["a"]["k"], "v = w");
  try {
    ParseConfig("[a]\nk = v\nnonsense\n");
    FAIL() << "a line that is not key = value must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "config line 3: expected [section] or key = value");
  }
  EXPECT_THROW(ParseConfig("k = v\n"), std::runtime_error);  // before any section
}

}  // namespace
}  // namespace drover::cli::client
