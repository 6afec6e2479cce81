// ROA HMAC-SHA1 (signature version 1.0): how older Alibaba Cloud clients
// (and @alicloud/openapi-client with signatureAlgorithm 'v2') sign a ROA
// request.
//
//   Authorization: acs AK:base64(HMAC-SHA1(secret, string-to-sign))
//
// The string to sign fixes the headers it covers (Accept, Content-MD5,
// Content-Type, Date and every x-acs-*); a Content-MD5 must match the body.
// Dated by Date (RFC 1123); an x-acs-signature-nonce is required and
// accepted once.
#pragma once

#include <string>
#include <string_view>

#include "auth/verifier.h"

namespace drover::auth {

std::string RoaV1StringToSign(const SignedRequest& request);
std::string RoaV1Signature(const SignedRequest& request, std::string_view secret);

const Verifier& RoaV1Verifier();

}  // namespace drover::auth
