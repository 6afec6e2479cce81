#include "auth/signatures.h"

#include <gtest/gtest.h>

#include "auth/authenticator.h"
#include "auth/crypto.h"

namespace drover::auth {
namespace {

// The expected signatures were computed by the vendors' own signers for the
// same requests: @alicloud/openapi-util getAuthorization (ACS3) and
// getStringToSign/getROASignature (ROA v1), and
// @huaweicloud/huaweicloud-sdk-core AKSKSigner.sign (SDK-HMAC-SHA256).

TEST(Signatures, Acs3MatchesTheAlibabaSdk) {
  std::string body = R"({"DisplayName":"tf mnist","Priority":3})";
  SignedRequest r{
      "PUT",
      "/api/v1/jobs/"
      "dlc123?PageSize=10&Tags=%7B%22team%22%3A%22a%20b%22%7D&DisplayName=it%27s%20%281%29%2A",
      {{"host", "127.0.0.1:8080"},
       {"x-acs-action", "UpdateJob"},
       {"x-acs-version", "2020-12-03"},
       {"x-acs-date", "2026-11-22T10:00:00Z"},
       {"x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"},
       {"x-acs-content-sha256", Sha256Hex(body)},
       {"content-type", "application/json; charset=utf-8"},
       {"accept", "application/json"}},
      body};
  std::optional<Credential> cred = ParseAuthorization(
      "ACS3-HMAC-SHA256 "
      "Credential=AKID,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;"
      "x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="
      "76bacc8baefab4c93d322ecb8d3c2b0d57e9146033e2cdbaede48601c9fc90ab");
  ASSERT_TRUE(cred.has_value());
  EXPECT_EQ(cred->scheme, Credential::Scheme::kAcs3);
  EXPECT_EQ(cred->access_key_id, "AKID");
  EXPECT_EQ(Acs3Signature(r, cred->signed_headers, "SECRET"), cred->signature);
  r.body = R"({"DisplayName":"tf mnist","Priority":4})";
  EXPECT_NE(Acs3Signature(r, cred->signed_headers, "SECRET"), cred->signature);
}

TEST(Signatures, RoaV1MatchesTheAlibabaSdk) {
  SignedRequest r{"GET",
                  "/api/v1/jobs?PageSize=10&DisplayName=a%20b",
                  {{"accept", "application/json"},
                   {"date", "Sun, 22 Nov 2026 10:00:00 GMT"},
                   {"x-acs-signature-nonce", "n1"},
                   {"x-acs-signature-method", "HMAC-SHA1"},
                   {"x-acs-signature-version", "1.0"},
                   {"x-acs-version", "2020-12-03"},
                   {"x-acs-action", "ListJobs"}},
                  ""};
  EXPECT_EQ(
      RoaV1StringToSign(r),
      "GET\napplication/json\n\n\nSun, 22 Nov 2026 10:00:00 GMT\nx-acs-action:ListJobs\n"
      "x-acs-signature-method:HMAC-SHA1\nx-acs-signature-nonce:n1\nx-acs-signature-version:1.0\n"
      "x-acs-version:2020-12-03\n/api/v1/jobs?DisplayName=a b&PageSize=10");
  EXPECT_EQ(RoaV1Signature(r, "SECRET"), "QDsUSZ2Ap0AQrUJJKhFu7DF7odA=");
  std::optional<Credential> cred = ParseAuthorization("acs AKID:QDsUSZ2Ap0AQrUJJKhFu7DF7odA=");
  ASSERT_TRUE(cred.has_value());
  EXPECT_EQ(cred->scheme, Credential::Scheme::kRoaV1);
  EXPECT_EQ(cred->access_key_id, "AKID");
}

TEST(Signatures, HuaweiMatchesTheHuaweiSdk) {
  SignedRequest r{"GET",
                  "/v1/proj/training-jobs?per_page=10&search_content=a%20b",
                  {{"content-type", "application/json"},
                   {"host", "127.0.0.1:8080"},
                   {"x-project-id", "proj"},
                   {"x-sdk-date", "20261122T100000Z"}},
                  ""};
  std::optional<Credential> cred = ParseAuthorization(
      "SDK-HMAC-SHA256 Access=AKID, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
      "Signature=d5535f9d31ae354f749dbee7492be61b04d1befdbed76e19ab8c9a9ea31f85fa");
  ASSERT_TRUE(cred.has_value());
  EXPECT_EQ(cred->scheme, Credential::Scheme::kHuawei);
  EXPECT_EQ(HuaweiSignature(r, cred->signed_headers, "SECRET", true), cred->signature);
  EXPECT_TRUE(
      HuaweiCanonicalRequest(r, cred->signed_headers, true)
          .starts_with(
              "GET\n/v1/proj/training-jobs/\nper_page=10&search_content=a%20b\ncontent-type:"));
  r.target = "/v1/proj/training-jobs?per_page=11&search_content=a%20b";
  EXPECT_NE(HuaweiSignature(r, cred->signed_headers, "SECRET", true), cred->signature);
}

TEST(Signatures, RejectsMalformedAuthorization) {
  for (const char* bad :
       {"", "Bearer x", "acs nocolon", "acs :sig", "ACS3-HMAC-SHA256 Credential=A",
        "SDK-HMAC-SHA256 Access=A, Signature=s"}) {
    EXPECT_FALSE(ParseAuthorization(bad).has_value()) << bad;
  }
}

TEST(Signatures, Rfc3986Encoding) {
  EXPECT_EQ(Rfc3986Encode("a b!'()*~-_.中"), "a%20b%21%27%28%29%2A~-_.%E4%B8%AD");
}

TEST(Dates, ParsesTheHeadersClientsSend) {
  EXPECT_EQ(ParseHttpDate("Sun, 22 Nov 2026 10:00:00 GMT"),
            core::ParseIso8601("2026-11-22T10:00:00Z"));
  EXPECT_EQ(ParseBasicDate("20261122T100000Z"), core::ParseIso8601("2026-11-22T10:00:00Z"));
  EXPECT_FALSE(ParseHttpDate("2026-11-22").has_value());
  EXPECT_FALSE(ParseBasicDate("2026-11-22T10:00:00Z").has_value());
}

}  // namespace
}  // namespace drover::auth
