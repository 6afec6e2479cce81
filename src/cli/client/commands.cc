#include "cli/client/commands.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/client/api_client.h"

namespace drover::cli::client {

Commands::Commands(CLI::App& app) {
  AddConfigure(app);
  AddJobs(app);
  AddCompletion(app);
  // What every client command takes, given after its name or its group's.
  for (CLI::App* group : {app.get_subcommand("jobs")}) {
    group->add_option("--profile", profile_flags_.profile,
                      "Profile of ~/.config/drover/config (default: DROVER_PROFILE, then "
                      "\"default\")");
    group->add_option("--endpoint", profile_flags_.endpoint,
                      "http://HOST:PORT of the server (default: DROVER_ENDPOINT, the profile's, "
                      "then http://127.0.0.1:8080)");
    group->add_option("-o,--output", output_, "table, wide, json, yaml or name")
        ->capture_default_str();
    group->add_flag("--debug", debug_, "Print each request and answer on stderr");
    for (CLI::App* command : group->get_subcommands({})) command->fallthrough();
  }
}

ApiClient Commands::Client() const {
  std::function<void(const std::string&)> debug;
  if (debug_) debug = [](const std::string& line) { std::cerr << line << "\n"; };
  return ApiClient(ResolveProfile(profile_flags_), debug);
}

std::optional<int> Commands::RunParsed() {
  for (auto& [app, command] : commands_) {
    if (!app->parsed()) continue;
    try {
      return command();
    } catch (const ApiError& e) {
      std::cerr << "Error: " << (e.code().empty() ? "" : e.code() + ": ") << e.what()
                << (e.request_id().empty() ? "" : " (request id " + e.request_id() + ")")
                << "\n";
      return 1;
    } catch (const std::exception& e) {
      std::cerr << "Error: " << e.what() << "\n";
      return 1;
    }
  }
  return std::nullopt;
}

}  // namespace drover::cli::client
