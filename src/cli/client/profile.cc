#include "cli/client/profile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace drover::cli::client {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r");
  size_t end = s.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : s.substr(begin, end - begin + 1);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The admin key a local server wrote on its first start, if readable.
void FillFromAdminKey(Profile& p) {
  std::string dir = Env("DROVER_DATA_DIR");
  std::filesystem::path path =
      std::filesystem::path(dir.empty() ? "drover-data" : dir) / "admin-key.json";
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return;
  try {
    boost::json::value key = boost::json::parse(ReadFile(path));
    p.access_key_id = key.at("AccessKeyId").as_string().c_str();
    p.access_key_secret = key.at("AccessKeySecret").as_string().c_str();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot read the admin key in " + path.string() + ": " + e.what());
  }
}

}  // namespace

std::filesystem::path ConfigPath() {
  std::string xdg = Env("XDG_CONFIG_HOME");
  std::filesystem::path base =
      !xdg.empty() ? std::filesystem::path(xdg) : std::filesystem::path(Env("HOME")) / ".config";
  return base / "drover" / "config";
}

std::map<std::string, std::map<std::string, std::string>> ParseConfig(const std::string& text) {
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::string section;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = Trim(line.substr(1, line.size() - 2));
      sections[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos || section.empty()) {
      throw std::runtime_error("config line " + std::to_string(number) +
                               ": expected [section] or key = value");
    }
    sections[section][Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
  return sections;
}

std::string NormalizeEndpoint(std::string endpoint) {
  if (endpoint.empty()) endpoint = "http://127.0.0.1:8080";
  if (endpoint.find("://") == std::string::npos) endpoint = "http://" + endpoint;
  if (!endpoint.starts_with("http://")) {
    throw std::runtime_error("the endpoint must be http://HOST[:PORT], not " + endpoint);
  }
  while (endpoint.ends_with('/')) endpoint.pop_back();
  return endpoint;
}

Address AddressOf(const std::string& endpoint) {
  std::string rest = endpoint.substr(endpoint.find("://") + 3);
  Address a;
  a.host_header = rest.substr(0, rest.find('/'));
  size_t colon = a.host_header.rfind(':');
  a.host = a.host_header.substr(0, colon);
  a.port = colon == std::string::npos ? "80" : a.host_header.substr(colon + 1);
  return a;
}

Profile ResolveProfile(const ProfileFlags& flags) {
  std::string name = flags.profile;
  if (name.empty()) name = Env("DROVER_PROFILE");
  bool named = !name.empty();
  if (!named) name = "default";
  std::map<std::string, std::string> file;
  std::filesystem::path path = ConfigPath();
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    auto sections = ParseConfig(ReadFile(path));
    auto it = sections.find(name);
    if (it != sections.end()) file = it->second;
  }
  if (named && file.empty()) {
    throw std::runtime_error("no profile [" + name + "] in " + path.string() +
                             " (drover configure --profile " + name + " writes one)");
  }
  auto pick = [&](const std::string& flag, const char* env, const char* key) {
    if (!flag.empty()) return flag;
    if (std::string v = Env(env); !v.empty()) return v;
    auto it = file.find(key);
    return it == file.end() ? std::string() : it->second;
  };
  Profile p;
  p.endpoint = pick(flags.endpoint, "DROVER_ENDPOINT", "endpoint");
  p.access_key_id = pick("", "DROVER_ACCESS_KEY_ID", "access_key_id");
  p.access_key_secret = pick("", "DROVER_ACCESS_KEY_SECRET", "access_key_secret");
  p.workspace = pick("", "DROVER_WORKSPACE", "workspace");
  p.endpoint = NormalizeEndpoint(p.endpoint);
  if (p.access_key_id.empty()) FillFromAdminKey(p);
  return p;
}

void WriteProfile(const std::filesystem::path& path, const std::string& name,
                  const Profile& profile) {
  std::filesystem::create_directories(path.parent_path());
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::error_code error;
  if (std::filesystem::exists(path, error)) sections = ParseConfig(ReadFile(path));
  auto& s = sections[name];
  s["endpoint"] = profile.endpoint;
  s["access_key_id"] = profile.access_key_id;
  s["access_key_secret"] = profile.access_key_secret;
  if (profile.workspace.empty()) {
    s.erase("workspace");
  } else {
    s["workspace"] = profile.workspace;
  }
  std::string text;
  for (const auto& [section, keys] : sections) {
    text += "[" + section + "]\n";
    for (const auto& [key, value] : keys) text.append(key).append(" = ").append(value) += '\n';
    text += "\n";
  }
  // Written beside and renamed over: the old file stays whole until then,
  // and the new one is 0600 from its first byte.
  std::filesystem::path temp = path.string() + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + temp.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  }
}

}  // namespace drover::cli::client
