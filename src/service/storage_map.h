// StorageMap: where a dataset's URI is on this machine. Drover serves
// data from local directories:
//
//   file:///abs/path                 the path itself
//   nas://<fsid>[.<region>…]/sub/path  <dir of fsid>/sub/path, through the
//                                    map of file-system ids (NAS, and CPFS
//                                    ids such as cpfs-… and bmcpfs-…) to
//                                    directories given by --storage-map
//   oss://bucket[.endpoint]/path     refused for now: Drover does not
//                                    serve OSS buckets yet
//
// A URI resolves only inside its root: `..` cannot climb out of a mapped
// directory. Resolve names the problem in a core::Error (kInvalidArgument
// About the `uri` field) for a URI that resolves nowhere or to nothing
// that exists. Immutable after construction; thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace drover::service {

class StorageMap {
 public:
  StorageMap() = default;
  // file-system id → local directory (absolute).
  explicit StorageMap(std::map<std::string, std::filesystem::path> file_systems)
      : file_systems_(std::move(file_systems)) {}

  // Reads `{"<fsid>": "/local/dir", …}`. Throws std::runtime_error for a
  // file that is not such an object or names a directory that is not one.
  static StorageMap Load(const std::filesystem::path& file);

  // The local path `uri` names; `data_source_type` must fit its scheme
  // (OSS: oss://; NAS, EXTREMENAS, CPFS, BMCPFS: nas:// or file://).
  // `field` names the URI in errors.
  std::filesystem::path Resolve(std::string_view uri, std::string_view data_source_type,
                                const std::string& field = "uri") const;
  // Resolve, and the path exists: a regular file for FILE, a directory for
  // DIRECTORY (`property`).
  std::filesystem::path ResolveExisting(std::string_view uri, std::string_view data_source_type,
                                        std::string_view property,
                                        const std::string& field = "uri") const;

 private:
  std::map<std::string, std::filesystem::path> file_systems_;
};

}  // namespace drover::service
