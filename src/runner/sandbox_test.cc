#include "runner/sandbox.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runner/local_executor.h"
#include "testing/temp_dir.h"

namespace drover::runner {
namespace {

namespace fs = std::filesystem;

TEST(Sandbox, MountsTravelAsTextAndBack) {
  Mount ro{"/srv/nas/data:2024", "/mnt/data", true};
  EXPECT_EQ(FormatMount(ro), "ro:/mnt/data:/srv/nas/data:2024");
  EXPECT_EQ(ParseMount(FormatMount(ro)), ro);
  Mount rw{"/srv/x", "/work/out", false};
  EXPECT_EQ(ParseMount(FormatMount(rw)), rw);
  for (const char* bad : {"", "ro", "ro:/mnt", "xx:/mnt:/src", "ro:mnt:/src", "rw:/mnt:src"}) {
    EXPECT_EQ(ParseMount(bad), std::nullopt) << bad;
  }
}

TEST(Sandbox, RefusesMountPathsInsideOneAnotherOrRelative) {
  auto argv = [](const std::vector<Mount>& mounts) {
    return SandboxArgv("/usr/bin/bwrap", mounts, "/", "true");
  };
  EXPECT_THROW(argv({{"/a", "/mnt/a", true}, {"/b", "/mnt/a/b/", true}}), std::runtime_error);
  EXPECT_THROW(argv({{"/a", "mnt/a", true}}), std::runtime_error);
  EXPECT_THROW(argv({{"/a", "/", true}}), std::runtime_error);
  std::vector<std::string> ok = argv({{"/a", "/mnt/a", true}, {"/b", "/mnt/ab", false}});
  EXPECT_EQ(ok.front(), "/usr/bin/bwrap");
  EXPECT_EQ(ok.back(), "true");
}

// Runs `argv` and returns its exit code and output.
std::pair<int, std::string> RunProgram(const std::vector<std::string>& argv) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, n);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

// Real bubblewrap (a Debian package `make test` installs).
TEST(Sandbox, ThePodSeesItsDataAtTheMountPathAndTheHostGetsNoMountPoint) {
  std::optional<fs::path> bwrap = FindBubblewrap();
  ASSERT_TRUE(bwrap) << "bubblewrap is not installed";
  testing::TempDir dir;
  fs::create_directories(dir.path() / "data");
  std::ofstream(dir.path() / "data" / "a.txt") << "hello\n";
  fs::path ro_target = dir.path() / "not" / "there" / "ro";
  fs::path rw_target = dir.path() / "rw";
  std::vector<std::string> argv = SandboxArgv(
      *bwrap, {{dir.path() / "data", ro_target, true}, {dir.path() / "data", rw_target, false}},
      dir.path(),
      "cat " + (ro_target / "a.txt").string() + "; touch " + (ro_target / "b").string() +
          " 2>/dev/null && echo RO-WROTE; touch " + (rw_target / "c").string() +
          " && echo RW-WROTE; pwd");
  auto [code, output] = RunProgram(argv);
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("hello"), std::string::npos) << output;
  EXPECT_EQ(output.find("RO-WROTE"), std::string::npos) << output;
  EXPECT_NE(output.find("RW-WROTE"), std::string::npos) << output;
  EXPECT_NE(output.find(dir.path().string()), std::string::npos) << output;  // the working dir
  EXPECT_TRUE(fs::exists(dir.path() / "data" / "c"));  // written through the RW mount
  EXPECT_FALSE(fs::exists(dir.path() / "not"));        // made in the sandbox only
  EXPECT_FALSE(fs::exists(rw_target));
}

TEST(Sandbox, WithoutBubblewrapAPodWithDataDoesNotStart) {
  const char* saved = std::getenv("PATH");
  std::string path = saved ? saved : "";
  setenv("PATH", "/nonexistent", 1);
  LocalExecutor executor;
  setenv("PATH", path.c_str(), 1);
  testing::TempDir dir;
  PodLaunch launch{"uid",
                   "true",
                   dir.path(),
                   {},
                   dir.path() / "log",
                   dir.path() / "exit",
                   {{dir.path(), "/mnt/data", true}}};
  core::TrainingJob job;
  PodPlan plan;
  plan.name = "p";
  std::string error;
  std::vector<int64_t> handles = executor.Start(JobLaunch{job, {plan}, {launch}}, error);
  EXPECT_TRUE(handles.empty()) << "started without bubblewrap";
  EXPECT_NE(error.find("Pod p could not start"), std::string::npos) << error;
  EXPECT_NE(error.find("bubblewrap"), std::string::npos) << error;
}

}  // namespace
}  // namespace drover::runner
