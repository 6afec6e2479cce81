// Commands: the subcommands of `drover` that are clients of a running
// server — `configure`, and `jobs` (list, get, submit, stop, delete,
// logs, events, wait) over the PAI-DLC API — and `completion`. Each is a client of the same
// HTTP API the vendors' SDKs use, signed with the profile's key
// (cli/client/profile.h), so it works against any Drover server.
//
// Exit codes: 0 done; 1 an error (the server's code, message and request
// id on stderr); `jobs wait` 2 when the job ended in another status, 3 on
// its timeout.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/client/profile.h"

namespace CLI {
class App;
}

namespace drover::cli::client {

class ApiClient;

class Commands {
 public:
  // Registers the commands on `app`.
  explicit Commands(CLI::App& app);
  // When one of the commands was parsed, runs it and returns its exit code.
  std::optional<int> RunParsed();

 private:
  void AddConfigure(CLI::App& app);
  void AddJobs(CLI::App& app);
  void AddCompletion(CLI::App& app);  // cli/client/completion.cc
  ApiClient Client() const;
  // Registers `command` to run when `app` was parsed.
  void On(CLI::App* app, std::function<int()> command) {
    commands_.emplace_back(app, std::move(command));
  }

  std::vector<std::pair<CLI::App*, std::function<int()>>> commands_;
  ProfileFlags profile_flags_;
  std::string output_ = "table";
  bool debug_ = false;
};

}  // namespace drover::cli::client
