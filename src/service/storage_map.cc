#include "service/storage_map.h"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/error.h"

namespace drover::service {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void Refuse(const std::string& field, const std::string& why) {
  core::ThrowInvalidField(field, " " + why);
}

bool IsNasFamily(std::string_view type) {
  return type == "NAS" || type == "EXTREMENAS" || type == "CPFS" || type == "BMCPFS";
}

// `root`/`rest`, refused when `rest` climbs out of `root`.
fs::path Under(const fs::path& root, std::string_view rest, std::string_view uri,
               const std::string& field) {
  fs::path joined = (root / fs::path(rest).relative_path()).lexically_normal();
  fs::path inside = joined.lexically_relative(root);
  if (inside.empty() || *inside.begin() == "..") {
    Refuse(field, "\"" + std::string(uri) + "\" climbs out of its file system.");
  }
  return joined;
}

}  // namespace

StorageMap StorageMap::Load(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read the storage map " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text.str(), ec);
  if (ec || !value.is_object()) {
    throw std::runtime_error("the storage map " + file.string() +
                             " must be a JSON object of file-system ids to directories");
  }
  std::map<std::string, fs::path> file_systems;
  for (const auto& [id, dir] : value.as_object()) {
    if (!dir.is_string() || !fs::path(std::string(dir.as_string())).is_absolute() ||
        !fs::is_directory(std::string(dir.as_string()))) {
      throw std::runtime_error("the storage map's " + std::string(id) +
                               " must name an existing directory by its absolute path");
    }
    file_systems[std::string(id)] = fs::path(std::string(dir.as_string())).lexically_normal();
  }
  return StorageMap(std::move(file_systems));
}

fs::path StorageMap::Resolve(std::string_view uri, std::string_view type,
                             const std::string& field) const {
  size_t scheme_end = uri.find("://");
  std::string scheme =
      scheme_end == std::string_view::npos ? "" : std::string(uri.substr(0, scheme_end));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view rest = scheme_end == std::string_view::npos ? "" : uri.substr(scheme_end + 3);
  if (scheme == "oss") {
    if (type != "OSS") {
      Refuse(field, "is an OSS URI, but the DataSourceType is " + std::string(type) + ".");
    }
    Refuse(field,
           "names an OSS bucket: Drover does not serve OSS buckets yet; use nas:// with "
           "--storage-map, or file://.");
  }
  if (type == "OSS") Refuse(field, "must be oss://bucket/path for an OSS dataset.");
  if (!IsNasFamily(type)) {
    Refuse(field, "cannot be resolved on this machine for DataSourceType " + std::string(type) +
                      "; Drover serves NAS, EXTREMENAS, CPFS and BMCPFS data.");
  }
  if (scheme == "file") {
    if (rest.empty() || rest.front() != '/') Refuse(field, "must be file:///absolute/path.");
    return Under("/", rest, uri, field);
  }
  if (scheme == "nas") {
    size_t slash = rest.find('/');
    std::string_view host = rest.substr(0, slash);
    std::string fsid(host.substr(0, host.find('.')));
    auto it = file_systems_.find(fsid);
    if (fsid.empty() || it == file_systems_.end()) {
      Refuse(field, "names the file system \"" + fsid +
                        "\", which this server does not map to a directory (--storage-map).");
    }
    return Under(it->second, slash == std::string_view::npos ? "" : rest.substr(slash), uri, field);
  }
  Refuse(field, "must be nas://<file-system id>/path or file:///path.");
}

fs::path StorageMap::ResolveExisting(std::string_view uri, std::string_view type,
                                     std::string_view property, const std::string& field) const {
  fs::path path = Resolve(uri, type, field);
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) Refuse(field, "\"" + std::string(uri) + "\" does not exist.");
  if (property == "FILE" && !fs::is_regular_file(status)) {
    Refuse(field, "\"" + std::string(uri) + "\" is not a file, but the Property is FILE.");
  }
  if (property == "DIRECTORY" && !fs::is_directory(status)) {
    Refuse(field,
           "\"" + std::string(uri) + "\" is not a directory, but the Property is DIRECTORY.");
  }
  return path;
}

}  // namespace drover::service
