// SDK-HMAC-SHA256: how Huawei Cloud SDKs (@huaweicloud/huaweicloud-sdk-core,
// ModelArts) sign a request with an AK/SK.
//
//   Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex
//
// Dated by a signed X-Sdk-Date ("20261122T225646Z"); the scheme has no
// nonce. Clients differ in whether they re-encode the path's segments, so
// both forms are tried.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/verifier.h"

namespace drover::auth {

// `encode_path` re-encodes each decoded path segment (RFC 3986); false
// keeps the segments exactly as sent.
std::string HuaweiCanonicalRequest(const SignedRequest& request,
                                   const std::vector<std::string>& signed_headers,
                                   bool encode_path);
std::string HuaweiSignature(const SignedRequest& request,
                            const std::vector<std::string>& signed_headers, std::string_view secret,
                            bool encode_path);

const Verifier& HuaweiSdkVerifier();

}  // namespace drover::auth
