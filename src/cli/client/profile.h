// Profile: where the command line sends its calls and the key it signs
// them with.
//
// Resolved, each setting from the first that has it: the command's flags
// (--endpoint), the environment (DROVER_ENDPOINT, DROVER_ACCESS_KEY_ID,
// DROVER_ACCESS_KEY_SECRET, DROVER_WORKSPACE), the profile's section in
// the config file (~/.config/drover/config, or $XDG_CONFIG_HOME/drover/
// config; --profile or DROVER_PROFILE names the section, "default"
// otherwise), and last, for a local server and no key anywhere, the admin
// key a server writes on first start (<data dir>/admin-key.json, the data
// dir from DROVER_DATA_DIR or ./drover-data). The endpoint defaults to
// http://127.0.0.1:8080.
//
// The config file is INI-like:
//
//   [default]
//   endpoint = http://127.0.0.1:8080
//   access_key_id = LTAI...
//   access_key_secret = ...
//   workspace = 123
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace drover::cli::client {

struct Profile {
  std::string endpoint;  // http://host[:port]
  std::string access_key_id;
  std::string access_key_secret;
  std::string workspace;  // the default WorkspaceId; may be empty
};

// What the command line says of its profile.
struct ProfileFlags {
  std::string profile;   // the config section; empty: DROVER_PROFILE or "default"
  std::string endpoint;  // empty: not given
};

std::filesystem::path ConfigPath();

// An endpoint as a profile keeps it: "host:port" gains "http://", a
// trailing "/" goes, "" is http://127.0.0.1:8080. Throws std::runtime_error
// for another scheme than http://.
std::string NormalizeEndpoint(std::string endpoint);

// Where a client of a normalized endpoint connects: the Host header
// ("host:port" as written), the host name, the port ("80" when none).
struct Address {
  std::string host_header, host, port;
};
Address AddressOf(const std::string& endpoint);

// Resolves the profile as above. Throws std::runtime_error for a config
// file that cannot be read or parsed, or an endpoint that is not http://.
Profile ResolveProfile(const ProfileFlags& flags);

// Writes (adds or replaces) one section of the config file, which is made
// readable by its owner only (0600) before any secret is in it.
void WriteProfile(const std::filesystem::path& path, const std::string& name,
                  const Profile& profile);

// The sections of a config file's text: name → key → value. Throws
// std::runtime_error naming the line that is neither a section, a
// `key = value`, a comment (#, ;) nor blank.
std::map<std::string, std::map<std::string, std::string>> ParseConfig(const std::string& text);

}  // namespace drover::cli::client
