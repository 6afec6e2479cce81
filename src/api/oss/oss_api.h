// The OSS dialect: buckets and objects as ali-oss and every OSS SDK speak
// to them (service/object_service.h keeps them). Path style
// (/<bucket>/<key>) is the form the routes are written in; a request to a
// bucket's own host — <bucket>.oss-<region>.aliyuncs.com, which ali-oss
// sends when its endpoint is an IP address, or <bucket>.<domain> for a
// domain the server is told it serves — is rewritten into it first.
// Signatures: OSS V1 and V4, in the header or presigned in the query.
#pragma once

#include <string>
#include <vector>

#include "api/http/dialect.h"
#include "service/object_service.h"

namespace drover::api::oss {

struct OssOptions {
  // Host names whose sub-domains are buckets (<bucket>.localhost).
  std::vector<std::string> domains = {"localhost"};
  std::string region = "oss-cn-hangzhou";  // shown as Location
};

Dialect MakeDialect(service::ObjectService& objects, const OssOptions& options = {});

}  // namespace drover::api::oss
