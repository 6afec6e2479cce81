// FakeExecutor: an Executor whose pods are entries in a table the test
// controls. A pod runs until the test ends it (Exit) or a signal does: by
// default SIGTERM and SIGKILL end it at once, and `ignore_term` makes pods
// shrug off SIGTERM as `trap '' TERM` would. Every call is recorded, so a
// test can read what the runner asked for (commands, environments, signals,
// adoptions). No processes, no sleeps.
#pragma once

#include <signal.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runner/executor.h"

namespace drover::testing {

class FakeExecutor final : public runner::Executor {
 public:
  struct Pod {
    runner::PodLaunch launch;
    std::vector<int> signals;                  // in the order sent
    std::optional<runner::ExitStatus> exited;  // set once it has ended
    bool reported = false;                     // Poll has returned its exit
  };

  int64_t Start(const runner::PodLaunch& launch) override {
    if (fail_starts > 0) {
      --fail_starts;
      throw std::runtime_error("no such image");
    }
    int64_t handle = next_handle_++;
    pods_[handle] = Pod{launch, {}, std::nullopt, false};
    started.push_back(handle);
    return handle;
  }

  void Signal(int64_t handle, int signal) override {
    Pod& pod = pods_.at(handle);
    if (pod.exited) return;
    pod.signals.push_back(signal);
    if (signal == SIGKILL || (signal == SIGTERM && !ignore_term)) {
      pod.exited = runner::ExitStatus{-1, signal};
    }
  }

  std::optional<runner::ExitStatus> Poll(int64_t handle) override {
    Pod& pod = pods_.at(handle);
    if (!pod.exited || pod.reported) return std::nullopt;
    pod.reported = true;
    return pod.exited;
  }

  // A pod in the table is taken back as it is; one the test Lost is gone.
  Adoption Adopt(const core::PodState& pod, const runner::PodLaunch&) override {
    adopted.push_back(pod.uid);
    auto it = pods_.find(pod.pid);
    if (it == pods_.end()) return Adoption::kGone;
    it->second.reported = false;  // the new server has not heard of its end
    return it->second.exited ? Adoption::kEnded : Adoption::kRunning;
  }

  int FreePort() override { return next_port_++; }

  // Ends pod `handle` by itself with `code`.
  void Exit(int64_t handle, int code) {
    Pod& pod = pods_.at(handle);
    if (!pod.exited) pod.exited = runner::ExitStatus{code, 0};
  }
  // Ends pod `handle` as killed by `signal` (an OOM kill, say).
  void Kill(int64_t handle, int signal) {
    Pod& pod = pods_.at(handle);
    if (!pod.exited) pod.exited = runner::ExitStatus{-1, signal};
  }

  // Forgets pod `handle`, as a reboot would: Adopt answers kGone.
  void Lose(int64_t handle) { pods_.erase(handle); }

  const Pod& pod(int64_t handle) const { return pods_.at(handle); }
  bool Running(int64_t handle) const { return !pods_.at(handle).exited.has_value(); }

  // Knobs and records, public for tests to set and read.
  bool ignore_term = false;
  int fail_starts = 0;  // the next N starts throw
  std::vector<int64_t> started;
  std::vector<std::string> adopted;  // pod uids Adopt was asked about

 private:
  std::map<int64_t, Pod> pods_;
  int64_t next_handle_ = 1000;
  int next_port_ = 20000;
};

}  // namespace drover::testing
