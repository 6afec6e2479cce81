// FakeExecutor: an Executor whose pods are entries in a table the test
// controls. A pod runs until the test ends it (Exit) or a signal does: by
// default SIGTERM and SIGKILL end it at once, and `ignore_term` makes pods
// shrug off SIGTERM as `trap '' TERM` would. Every call is recorded, so a
// test can read what the runner asked for (commands, environments, signals,
// adoptions). No processes, no sleeps.
//
// With `queues` it stands for a cluster scheduler: pods wait until the test
// Places them.
#pragma once

#include <signal.h>

#include <map>
#include <optional>
#include <set>
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

  std::vector<int64_t> Start(const runner::JobLaunch& launch, std::string& error) override {
    if (unreachable_starts > 0) {
      --unreachable_starts;
      throw runner::ExecutorUnavailable("the controller does not answer");
    }
    std::vector<int64_t> handles;
    for (size_t i = 0; i < launch.pods.size(); ++i) {
      if (fail_starts > 0) {
        --fail_starts;
        error = "Pod " + launch.plans[i].name + " could not start: no such image";
        break;
      }
      int64_t handle = next_handle_++;
      pods_[handle] = Pod{launch.pods[i], {}, std::nullopt, false};
      started.push_back(handle);
      handles.push_back(handle);
    }
    return handles;
  }
  bool Queues() const override { return queues; }
  // With `queues`, a pod waits until the test Places it — even once it has
  // ended, as a cluster's view may lag behind a pod's exit.
  std::optional<std::string> Waiting(int64_t handle) override {
    if (!queues || placed_.count(handle)) return std::nullopt;
    return waiting_reason;
  }
  void Abandon(const core::TrainingJob& job) override { abandoned.push_back(job.public_id); }
  void Reprioritize(int64_t handle, int64_t priority) override {
    priorities.emplace_back(handle, priority);
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

  // A waiting pod (with `queues`) is placed: it runs.
  void Place(int64_t handle) { placed_.insert(handle); }
  // Ends pod `handle` from outside, as a cluster's time limit would.
  void EndFromOutside(int64_t handle, std::string code, std::string message) {
    Pod& pod = pods_.at(handle);
    if (!pod.exited)
      pod.exited = runner::ExitStatus{-1, SIGTERM, std::move(code), std::move(message)};
  }

  // Forgets pod `handle`, as a reboot would: Adopt answers kGone.
  void Lose(int64_t handle) { pods_.erase(handle); }

  const Pod& pod(int64_t handle) const { return pods_.at(handle); }
  bool Running(int64_t handle) const { return !pods_.at(handle).exited.has_value(); }

  // Knobs and records, public for tests to set and read.
  bool ignore_term = false;
  int fail_starts = 0;         // the next N pods cannot start
  int unreachable_starts = 0;  // the next N Start calls find the cluster unreachable
  bool queues = false;         // queues jobs itself, as Slurm does
  std::string waiting_reason = "Resources";
  std::vector<std::pair<int64_t, int64_t>> priorities;  // Reprioritize calls
  std::vector<std::string> abandoned;                   // Abandon calls (public ids)
  std::vector<int64_t> started;
  std::vector<std::string> adopted;  // pod uids Adopt was asked about

 private:
  std::map<int64_t, Pod> pods_;
  std::set<int64_t> placed_;
  int64_t next_handle_ = 1000;
  int next_port_ = 20000;
};

}  // namespace drover::testing
