// Commands: the subcommands of `drover` that are clients of a running
// server — `configure`; `jobs` (list, get, submit, stop, delete, logs,
// events, wait) over the PAI-DLC API; `datasets` (list, get, create,
// delete, versions) and `dataset-jobs` (list, run, get, stop) over PAI
// AIWorkSpace; `oss` (mb, ls, cp, rm) and `batch` (list, create, describe,
// confirm, cancel, priority, wait) over OSS — and `completion`. Each is a client of the same
// HTTP API the vendors' SDKs use, signed with the profile's key
// (cli/client/profile.h), so it works against any Drover server.
//
// Exit codes: 0 done; 1 an error (the server's code, message and request
// id on stderr); `jobs wait` 2 when the job ended in another status, 3 on
// its timeout.
#pragma once

#include <boost/json/object.hpp>
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
  void AddDatasets(CLI::App& app);     // cli/client/datasets_command.cc
  void AddDatasetJobs(CLI::App& app);  // cli/client/datasets_command.cc
  void AddOss(CLI::App& app);          // cli/client/oss_command.cc
  void AddBatch(CLI::App& app);        // cli/client/batch_command.cc
  void AddCompletion(CLI::App& app);   // cli/client/completion.cc
  ApiClient Client() const;
  // Where --debug prints (nothing without it).
  std::function<void(const std::string&)> Debug() const;
  // What -f names: a file's text, or stdin's for "-". Throws
  // std::runtime_error when it cannot be read.
  static std::string ReadText(const std::string& file);
  // A create call's body from -f: a file, or stdin for "-"; JSON, or YAML.
  // Throws std::runtime_error unless it is a mapping.
  static boost::json::object ReadBody(const std::string& file);
  // Runs `call` for each id and prints "<id> <done>", or the error on
  // stderr; returns 1 when any failed, else 0.
  int ForEachId(const std::vector<std::string>& ids, const std::string& done,
                const std::function<void(ApiClient&, const std::string&)>& call) const;
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
