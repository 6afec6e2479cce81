// OssClient: the object storage calls the command line makes (drover oss),
// path-style (/bucket/key) and signed OSS V1 as ali-oss signs them, over
// one kept-alive connection (reopened when the server closed it). Bodies
// are streamed from and to files, so an object of any size takes no more
// memory than a buffer. Failures throw ApiError (cli/client/api_client.h)
// with OSS's Code, Message and RequestId. One per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/client/profile.h"

namespace drover::cli::client {

struct ObjectEntry {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // without quotes; the hex MD5 of a simple put's bytes
  std::string modified;
};

struct ObjectListing {
  std::vector<ObjectEntry> objects;
  std::vector<std::string> prefixes;  // with a delimiter: the common prefixes
  std::string next_token;             // "" on the last page
};

class OssClient {
 public:
  explicit OssClient(Profile profile, std::function<void(const std::string&)> debug = {});
  ~OssClient();
  OssClient(const OssClient&) = delete;
  OssClient& operator=(const OssClient&) = delete;

  void MakeBucket(const std::string& bucket);
  // Names and creation times of the caller's buckets.
  std::vector<std::pair<std::string, std::string>> ListBuckets();
  // One page (at most 1,000 keys) of ListObjectsV2.
  ObjectListing List(const std::string& bucket, const std::string& prefix,
                     const std::string& delimiter, const std::string& token);
  // HeadObject; nullopt when there is no such object.
  std::optional<ObjectEntry> Head(const std::string& bucket, const std::string& key);
  // PutObject of a file's bytes; returns the ETag.
  std::string Put(const std::string& bucket, const std::string& key,
                  const std::filesystem::path& file);
  // GetObject into `to` (written beside it and renamed into place).
  void Get(const std::string& bucket, const std::string& key, const std::filesystem::path& to);
  void Delete(const std::string& bucket, const std::string& key);
  // Any other call: `target` is the path and query as sent (its OSS
  // sub-resources signed), `body` XML; returns the answer's body.
  std::string Call(const std::string& method, const std::string& target,
                   const std::string& body = "");

 private:
  struct Connection;
  template <class Request, class Parser>
  void Exchange(Request& request, Parser& parser);
  std::string Sign(const std::string& method, const std::string& target,
                   const std::string& content_type, const std::string& date) const;

  Profile profile_;
  Address address_;
  std::function<void(const std::string&)> debug_;
  std::unique_ptr<Connection> connection_;
};

// The hex MD5 of a file's bytes (an OSS ETag of a simple put, lowercase).
std::string FileMd5Hex(const std::filesystem::path& file);

}  // namespace drover::cli::client
