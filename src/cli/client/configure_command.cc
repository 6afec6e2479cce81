// `drover configure`: writes a profile to the config file.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/client/commands.h"

namespace drover::cli::client {

namespace {

struct ConfigureOptions {
  std::string profile = "default";
  Profile values;
};

// Asks on the terminal for a value not given as a flag (kept when Enter
// alone is typed).
void Ask(const char* what, std::string& value) {
  if (!value.empty() || !::isatty(STDIN_FILENO)) return;
  std::cerr << what << ": " << std::flush;
  std::string line;
  if (std::getline(std::cin, line) && !line.empty()) value = line;
}

}  // namespace

void Commands::AddConfigure(CLI::App& app) {
  auto options = std::make_shared<ConfigureOptions>();
  CLI::App* cmd = app.add_subcommand(
      "configure",
      "Write a profile (endpoint, access key, default workspace) to ~/.config/drover/config\n"
      "  e.g. drover configure --endpoint http://10.0.0.5:8080 --access-key-id LTAI... "
      "--access-key-secret ...");
  cmd->add_option("--profile", options->profile, "The profile's name")->capture_default_str();
  cmd->add_option("--endpoint", options->values.endpoint, "http://HOST:PORT of the server");
  cmd->add_option("--access-key-id", options->values.access_key_id, "AccessKeyId");
  cmd->add_option("--access-key-secret", options->values.access_key_secret, "AccessKeySecret");
  cmd->add_option("--workspace", options->values.workspace, "Default WorkspaceId");
  On(cmd, [options] {
    Profile& p = options->values;
    Ask("Endpoint [http://127.0.0.1:8080]", p.endpoint);
    Ask("AccessKeyId", p.access_key_id);
    Ask("AccessKeySecret", p.access_key_secret);
    p.endpoint = NormalizeEndpoint(p.endpoint);
    if (p.access_key_id.empty() || p.access_key_secret.empty()) {
      throw std::runtime_error("--access-key-id and --access-key-secret are required");
    }
    std::filesystem::path path = ConfigPath();
    WriteProfile(path, options->profile, p);
    std::cout << "profile [" << options->profile << "] written to " << path.string() << "\n";
    return 0;
  });
}

}  // namespace drover::cli::client
