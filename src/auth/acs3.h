// ACS3-HMAC-SHA256: how current Alibaba Cloud SDKs (@alicloud/openapi-client,
// PAI-DLC and AIWorkSpace) sign a request.
//
//   Authorization: ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex
//
// Dated by a signed x-acs-date (ISO 8601); a signed x-acs-signature-nonce is
// required and accepted once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/verifier.h"

namespace drover::auth {

std::string Acs3CanonicalRequest(const SignedRequest& request,
                                 const std::vector<std::string>& signed_headers);
std::string Acs3Signature(const SignedRequest& request,
                          const std::vector<std::string>& signed_headers, std::string_view secret);

const Verifier& Acs3Verifier();

}  // namespace drover::auth
