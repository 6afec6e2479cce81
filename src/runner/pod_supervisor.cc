#include "runner/pod_supervisor.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <vector>

namespace drover::runner {

namespace {

// Every live (not zombie) process that descends from `root`, from /proc.
std::vector<pid_t> Descendants(pid_t root) {
  std::multimap<pid_t, pid_t> children;  // parent → child
  std::map<pid_t, bool> zombie;
  DIR* proc = opendir("/proc");
  if (!proc) return {};
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    std::ifstream in(path);
    std::string stat;
    if (!std::getline(in, stat)) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size()) continue;
    char state = stat[close + 2];
    long ppid = std::strtol(stat.c_str() + close + 4, nullptr, 10);
    children.emplace(static_cast<pid_t>(ppid), static_cast<pid_t>(pid));
    zombie[static_cast<pid_t>(pid)] = state == 'Z' || state == 'X';
  }
  closedir(proc);
  std::vector<pid_t> out, stack = {root};
  while (!stack.empty()) {
    pid_t parent = stack.back();
    stack.pop_back();
    auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      if (!zombie[it->second]) out.push_back(it->second);
      stack.push_back(it->second);
    }
  }
  return out;
}

void SignalDescendants(int signal) {
  for (pid_t pid : Descendants(getpid())) kill(pid, signal);
}

// Reaps every child that has exited; returns the shell's status once it has.
void ReapChildren(pid_t shell, std::optional<int>& shell_status) {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid == shell) shell_status = status;
  }
}

// Kills everything the pod left behind and reaps it. Orphans re-parent to
// this subreaper as their parents die, so it repeats until nothing is left.
void KillTheRest(pid_t shell, std::optional<int>& shell_status) {
  for (int round = 0; round < 5000; ++round) {
    std::vector<pid_t> left = Descendants(getpid());
    ReapChildren(shell, shell_status);
    if (left.empty()) return;
    for (pid_t pid : left) kill(pid, SIGKILL);
    timespec pause{0, 1'000'000};  // 1 ms: let the kernel deliver the kills
    nanosleep(&pause, nullptr);
  }
}

void WriteExitFile(const std::filesystem::path& file, int status) {
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  std::filesystem::path temp = file;
  temp += ".tmp";
  FILE* out = std::fopen(temp.c_str(), "w");
  if (!out) return;
  std::fprintf(out, "%d %d\n", code, signal);
  std::fflush(out);
  fsync(fileno(out));
  std::fclose(out);
  std::rename(temp.c_str(), file.c_str());
}

}  // namespace

int RunPodSupervisor(const std::string& command, const std::filesystem::path& exit_file) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    std::perror("drover pod-supervise: PR_SET_CHILD_SUBREAPER");
    return 127;
  }
  sigset_t handled, before;
  sigemptyset(&handled);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGUSR1, SIGHUP}) sigaddset(&handled, s);
  sigprocmask(SIG_BLOCK, &handled, &before);

  pid_t shell = fork();
  if (shell < 0) {
    std::perror("drover pod-supervise: fork");
    return 127;
  }
  if (shell == 0) {
    sigprocmask(SIG_SETMASK, &before, nullptr);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    std::perror("drover pod-supervise: /bin/sh");
    _exit(127);
  }

  std::optional<int> shell_status;
  while (!shell_status) {
    int signal = sigwaitinfo(&handled, nullptr);
    switch (signal) {
      case SIGCHLD:
        ReapChildren(shell, shell_status);
        break;
      case SIGTERM:
      case SIGINT:
        SignalDescendants(SIGTERM);
        break;
      case SIGUSR1:
        SignalDescendants(SIGKILL);
        break;
      default:  // SIGHUP: the server's terminal went away; the pod goes on
        break;
    }
  }
  KillTheRest(shell, shell_status);
  WriteExitFile(exit_file, *shell_status);

  // Exit as the shell did, so the server's waitpid sees the pod's own end.
  if (WIFSIGNALED(*shell_status)) {
    int killed_by = WTERMSIG(*shell_status);
    ::signal(killed_by, SIG_DFL);
    sigset_t just;
    sigemptyset(&just);
    sigaddset(&just, killed_by);
    sigprocmask(SIG_UNBLOCK, &just, nullptr);
    raise(killed_by);
  }
  return WIFEXITED(*shell_status) ? WEXITSTATUS(*shell_status) : 1;
}

std::optional<ExitStatus> ReadExitFile(const std::filesystem::path& exit_file) {
  std::ifstream in(exit_file);
  ExitStatus status;
  if (!(in >> status.exit_code >> status.signal)) return std::nullopt;
  return status;
}

}  // namespace drover::runner
