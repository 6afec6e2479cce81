// The request signatures the vendors' SDKs send, rebuilt exactly as they
// compute them (shared/spec/auth-and-errors.md). Pure functions: given a
// request and a secret they produce the signature the client must have
// sent; the Authenticator compares.
//
//   ACS3-HMAC-SHA256  PAI SDKs (current): Authorization: ACS3-HMAC-SHA256
//                     Credential=AK,SignedHeaders=a;b,Signature=hex
//   ROA HMAC-SHA1     older PAI clients: Authorization: acs AK:base64
//   SDK-HMAC-SHA256   Huawei SDKs: Authorization: SDK-HMAC-SHA256
//                     Access=AK, SignedHeaders=a;b, Signature=hex
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drover::auth {

// What a verifier reads of an HTTP request.
struct SignedRequest {
  std::string method;
  std::string target;                          // path?query exactly as sent
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

// A parsed Authorization header.
struct Credential {
  enum class Scheme { kAcs3, kRoaV1, kHuawei };
  Scheme scheme;
  std::string access_key_id;
  std::vector<std::string> signed_headers;  // ACS3 and Huawei
  std::string signature;
};

// nullopt when the header is not one of the three forms.
std::optional<Credential> ParseAuthorization(std::string_view header);

// RFC 3986 encoding as the SDKs use it: unreserved A-Z a-z 0-9 - _ . ~ kept.
std::string Rfc3986Encode(std::string_view text);

std::string Acs3CanonicalRequest(const SignedRequest& request,
                                 const std::vector<std::string>& signed_headers);
std::string Acs3Signature(const SignedRequest& request,
                          const std::vector<std::string>& signed_headers, std::string_view secret);

std::string RoaV1StringToSign(const SignedRequest& request);
std::string RoaV1Signature(const SignedRequest& request, std::string_view secret);

// `encode_path` re-encodes each decoded path segment (RFC 3986); false
// keeps the segments exactly as sent (clients differ; try both).
std::string HuaweiCanonicalRequest(const SignedRequest& request,
                                   const std::vector<std::string>& signed_headers,
                                   bool encode_path);
std::string HuaweiSignature(const SignedRequest& request,
                            const std::vector<std::string>& signed_headers, std::string_view secret,
                            bool encode_path);

}  // namespace drover::auth
