#include "cli/client/commands.h"

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/client/api_client.h"
#include "cli/client/yaml_input.h"

namespace drover::cli::client {

Commands::Commands(CLI::App& app) {
  AddConfigure(app);
  AddJobs(app);
  AddDatasets(app);
  AddDatasetJobs(app);
  AddOss(app);
  AddBatch(app);
  AddCompletion(app);
  // What every client command takes, given after its name or its group's.
  for (CLI::App* group : {app.get_subcommand("jobs"), app.get_subcommand("datasets"),
                          app.get_subcommand("dataset-jobs"), app.get_subcommand("oss"),
                          app.get_subcommand("batch")}) {
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

std::function<void(const std::string&)> Commands::Debug() const {
  if (!debug_) return {};
  return [](const std::string& line) { std::cerr << line << "\n"; };
}

ApiClient Commands::Client() const { return ApiClient(ResolveProfile(profile_flags_), Debug()); }

std::string Commands::ReadText(const std::string& file) {
  std::stringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file);
    text << in.rdbuf();
  }
  return text.str();
}

boost::json::object Commands::ReadBody(const std::string& file) {
  std::string text = ReadText(file);
  // JSON as it is; anything else as YAML, which reads JSON too.
  boost::system::error_code error;
  boost::json::value parsed = boost::json::parse(text, error);
  if (error) parsed = YamlToJson(text);
  if (!parsed.is_object()) throw std::runtime_error(file + " is not a mapping of the call's body");
  return parsed.as_object();
}

int Commands::ForEachId(const std::vector<std::string>& ids, const std::string& done,
                        const std::function<void(ApiClient&, const std::string&)>& call) const {
  ApiClient client = Client();
  int exit = 0;
  for (const std::string& id : ids) {
    try {
      call(client, id);
      std::cout << id << " " << done << "\n";
    } catch (const ApiError& e) {
      std::cerr << "Error: " << id << ": " << e.Text() << "\n";
      exit = 1;
    }
  }
  return exit;
}

std::optional<int> Commands::RunParsed() {
  for (auto& [app, command] : commands_) {
    if (!app->parsed()) continue;
    try {
      return command();
    } catch (const ApiError& e) {
      std::cerr << "Error: " << e.Text() << "\n";
      return 1;
    } catch (const std::exception& e) {
      std::cerr << "Error: " << e.what() << "\n";
      return 1;
    }
  }
  return std::nullopt;
}

}  // namespace drover::cli::client
