// ApiClient: how the `drover` command line speaks to a Drover server — or
// to any server of the same wire APIs — as the vendors' SDKs do: the PAI
// APIs (DLC 2020-12-03 training jobs) as JSON over HTTP, signed
// ACS3-HMAC-SHA256 with the profile's access key.
//
// Synchronous, one connection per call (a command makes a few calls; a
// watch one every two seconds). Not thread-safe; one per command.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cli/client/profile.h"

namespace drover::cli::client {

// A call the server refused: its HTTP status and the vendor's code,
// message and request id (from the error body), or a transport failure
// (status 0).
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message, std::string request_id)
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        request_id_(std::move(request_id)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& request_id() const { return request_id_; }
  // "Code: Message (request id ID)", as the command line prints it.
  std::string Text() const {
    return (code_.empty() ? "" : code_ + ": ") + what() +
           (request_id_.empty() ? "" : " (request id " + request_id_ + ")");
  }

 private:
  int status_;
  std::string code_;
  std::string request_id_;
};

using Query = std::vector<std::pair<std::string, std::string>>;

class ApiClient {
 public:
  // `debug`: where to print each request and answer (none when empty).
  ApiClient(Profile profile, std::function<void(const std::string&)> debug = {});

  // Calls a PAI API action (e.g. "ListJobs" of "2020-12-03") and returns
  // the parsed JSON answer. Throws ApiError for an answer that is not 2xx
  // or not JSON, and for a server that cannot be reached.
  boost::json::value Pai(const std::string& action, const std::string& version,
                         const std::string& method, const std::string& path,
                         const Query& query = {}, const std::string& body = "");

  const Profile& profile() const { return profile_; }

 private:
  Profile profile_;
  Address address_;
  std::function<void(const std::string&)> debug_;
};

}  // namespace drover::cli::client
