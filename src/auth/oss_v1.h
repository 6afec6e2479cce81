// OSS signature V1: how ali-oss (and every OSS SDK by default) signs a
// request to object storage.
//
//   Authorization: OSS AK:base64(HMAC-SHA1(secret, string-to-sign))
//
//   string-to-sign = VERB \n Content-MD5 \n Content-Type \n Date \n
//                    x-oss-* headers (sorted "name:value\n")
//                    /bucket/key?signed-subresources
//
// Date is x-oss-date when sent, else the Date header. Only OSS's signed
// sub-resources are in the string (acl, tagging, uploadId, partNumber, …,
// every x-oss-* parameter), each "k=v" with its decoded value, or a bare
// "k" when empty. A presigned URL carries OSSAccessKeyId, Expires (epoch
// seconds, the Date line) and Signature in its query. No nonce: a request
// is good within 15 minutes of its Date, a URL until it expires.
#pragma once

#include <string>
#include <string_view>

#include "auth/verifier.h"

namespace drover::auth {

// The resource both OSS schemes sign: "/", "/bucket/" or "/bucket/key",
// decoded, from the path of a request in path form.
std::string OssResource(std::string_view target);

std::string OssV1StringToSign(const SignedRequest& request);
const Verifier& OssV1Verifier();

}  // namespace drover::auth
