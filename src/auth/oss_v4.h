// OSS signature V4 (OSS4-HMAC-SHA256): how ali-oss signs with
// `authorizationV4: true`, and its presigned URLs (signatureUrlV4).
//
//   Authorization: OSS4-HMAC-SHA256 Credential=AK/<yyyymmdd>/<region>/oss/
//                  aliyun_v4_request[,AdditionalHeaders=h1;h2],Signature=<hex>
//
//   canonical = VERB \n /bucket/key (RFC 3986, '/' kept) \n
//               every query parameter, sorted, "k=v" encoded (bare "k" when
//               empty) \n content-type, content-md5, x-oss-* and the
//               additional headers ("name:value\n", sorted) \n
//               additional header names \n x-oss-content-sha256
//   string-to-sign = OSS4-HMAC-SHA256 \n x-oss-date \n scope \n sha256(canonical)
//   key = HMAC chain "aliyun_v4"+secret → date → region → "oss" →
//         "aliyun_v4_request"
//
// Dated by x-oss-date (yyyymmddTHHMMSSZ), whose day must be the scope's.
// A presigned URL carries x-oss-signature-version, x-oss-credential,
// x-oss-date, x-oss-expires (seconds) and x-oss-signature in its query.
#pragma once

#include <string>

#include "auth/verifier.h"

namespace drover::auth {

// Nullopt when `credential` is not "AK/date/region/oss/aliyun_v4_request".
std::optional<std::string> OssV4StringToSign(const SignedRequest& request,
                                             const Credential& credential);
const Verifier& OssV4Verifier();

}  // namespace drover::auth
