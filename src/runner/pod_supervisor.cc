#include "runner/pod_supervisor.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

void WriteWaitStatus(const std::filesystem::path& file, int status) {
  WriteExitFile(file, ExitStatus{WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                                 WIFSIGNALED(status) ? WTERMSIG(status) : 0});
}

// The pod's output: read from the shell's pipe and appended to the log,
// which is rotated to "<log>.1" at the limit (the older ".1" dropped and
// counted in "<log>.dropped"), so a pod keeps at most twice the limit.
class LogWriter {
 public:
  LogWriter(std::filesystem::path log, uint64_t limit) : log_(std::move(log)), limit_(limit) {
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(log_, ec);
    written_ = ec ? 0 : size;
    dropped_ = ReadDroppedBytes(log_);
  }

  void Write(const char* data, size_t size) {
    while (size > 0) {
      if (written_ >= limit_) Rotate();
      size_t room = static_cast<size_t>(std::min<uint64_t>(size, limit_ - written_));
      ssize_t n = write(STDOUT_FILENO, data, room);
      if (n <= 0) return;  // the disk is full: what cannot be kept is lost
      written_ += static_cast<uint64_t>(n);
      data += n;
      size -= static_cast<size_t>(n);
    }
  }

 private:
  void Rotate() {
    std::filesystem::path older = log_;
    older += ".1";
    std::error_code ec;
    uint64_t gone = std::filesystem::file_size(older, ec);
    if (!ec) dropped_ += gone;
    std::filesystem::rename(log_, older, ec);
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    written_ = 0;
    std::filesystem::path count = log_;
    count += ".dropped";
    std::ofstream(count) << dropped_ << "\n";
  }

  const std::filesystem::path log_;
  const uint64_t limit_;
  uint64_t written_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace

uint64_t ReadDroppedBytes(const std::filesystem::path& log_file) {
  std::filesystem::path count = log_file;
  count += ".dropped";
  std::ifstream in(count);
  uint64_t dropped = 0;
  in >> dropped;
  return dropped;
}

int RunPodSupervisor(const std::string& program, const std::vector<std::string>& argv,
                     const std::filesystem::path& exit_file, const std::filesystem::path& log_file,
                     uint64_t log_limit) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    std::perror("drover pod-supervise: PR_SET_CHILD_SUBREAPER");
    return 127;
  }
  sigset_t handled;
  sigemptyset(&handled);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGUSR1, SIGHUP}) sigaddset(&handled, s);
  sigprocmask(SIG_BLOCK, &handled, nullptr);
  int signals = signalfd(-1, &handled, SFD_CLOEXEC);
  int output[2];
  if (signals < 0 || pipe2(output, O_CLOEXEC) != 0) {
    std::perror("drover pod-supervise: signalfd or pipe");
    return 127;
  }

  pid_t shell = fork();
  if (shell < 0) {
    std::perror("drover pod-supervise: fork");
    return 127;
  }
  if (shell == 0) {
    // The pod starts with no signal blocked, whatever its starter blocked
    // (a Slurm task blocks SIGTERM until the supervisor can take it).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(output[1], STDOUT_FILENO);
    dup2(output[1], STDERR_FILENO);
    std::vector<std::string> args = argv;
    std::vector<char*> pointers;
    for (std::string& arg : args) pointers.push_back(arg.data());
    pointers.push_back(nullptr);
    execv(program.c_str(), pointers.data());
    std::perror(("drover pod-supervise: " + program).c_str());
    _exit(127);
  }
  close(output[1]);

  LogWriter log(log_file, log_limit);
  std::vector<char> buffer(64 << 10);
  // Copies what the pod wrote; false once every writer has closed the pipe.
  auto drain = [&]() {
    ssize_t n = read(output[0], buffer.data(), buffer.size());
    if (n > 0) log.Write(buffer.data(), static_cast<size_t>(n));
    return n > 0 || (n < 0 && errno == EINTR);
  };

  std::optional<int> shell_status;
  bool output_open = true;
  while (!shell_status) {
    pollfd fds[2] = {{signals, POLLIN, 0}, {output[0], POLLIN, 0}};
    if (poll(fds, output_open ? 2 : 1, -1) < 0) continue;
    if (output_open && (fds[1].revents & (POLLIN | POLLHUP))) output_open = drain();
    if (!(fds[0].revents & POLLIN)) continue;
    signalfd_siginfo info{};
    if (read(signals, &info, sizeof info) != sizeof info) continue;
    switch (info.ssi_signo) {
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
  while (output_open) output_open = drain();  // everything the pod wrote, to the end
  WriteWaitStatus(exit_file, *shell_status);

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

void WriteExitFile(const std::filesystem::path& file, const ExitStatus& exit) {
  std::filesystem::path temp = file;
  temp += ".tmp";
  FILE* out = std::fopen(temp.c_str(), "w");
  if (!out) return;
  std::fprintf(out, "%d %d\n", exit.exit_code, exit.signal);
  std::fflush(out);
  fsync(fileno(out));
  std::fclose(out);
  std::rename(temp.c_str(), file.c_str());
}

std::optional<ExitStatus> ReadExitFile(const std::filesystem::path& exit_file) {
  std::ifstream in(exit_file);
  ExitStatus status;
  if (!(in >> status.exit_code >> status.signal)) return std::nullopt;
  return status;
}

}  // namespace drover::runner
