#include <gtest/gtest.h>

#include "auth/acs3.h"
#include "auth/authenticator.h"
#include "auth/canonical.h"
#include "auth/crypto.h"
#include "auth/huawei_sdk.h"
#include "auth/oss_v1.h"
#include "auth/oss_v4.h"
#include "auth/roa_v1.h"
#include "store/sqlite_key_store.h"
#include "testing/temp_dir.h"

namespace drover::auth {
namespace {

// The expected signatures were computed by the vendors' own signers for the
// same requests: @alicloud/openapi-util getAuthorization (ACS3) and
// getStringToSign/getROASignature (ROA v1), and
// @huaweicloud/huaweicloud-sdk-core AKSKSigner.sign (SDK-HMAC-SHA256).

// ali-oss's signUtils (buildCanonicalString/computeSignature for V1,
// getCanonicalRequest/getStringToSign/getSignatureV4 for V4) computed these.
TEST(Signatures, OssV1MatchesAliOss) {
  SignedRequest r{"PUT",
                  "/bkt/dir/a%20b.txt?tagging&x-oss-process=image%2Fresize&prefix=ignored",
                  {{"content-type", "text/plain"},
                   {"content-md5", "XUFAKrxLKna5cZ2REBfFkg=="},
                   {"x-oss-date", "Fri, 27 Nov 2026 10:00:00 GMT"},
                   {"x-oss-meta-owner", " ann "},
                   {"user-agent", "unsigned"}},
                  ""};
  EXPECT_EQ(OssV1StringToSign(r),
            "PUT\nXUFAKrxLKna5cZ2REBfFkg==\ntext/plain\nFri, 27 Nov 2026 10:00:00 GMT\n"
            "x-oss-date:Fri, 27 Nov 2026 10:00:00 GMT\nx-oss-meta-owner:ann\n"
            "/bkt/dir/a b.txt?tagging&x-oss-process=image/resize");
  std::optional<Credential> c = OssV1Verifier().Parse("OSS AKID:VNgRmpMCHEhJO2P4D1z+4fGvJIg=");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->access_key_id, "AKID");
  EXPECT_TRUE(OssV1Verifier().Matches(r, *c, "sk"));
  EXPECT_FALSE(OssV1Verifier().Matches(r, *c, "other"));
  SignedRequest tampered = r;
  tampered.headers["x-oss-meta-owner"] = "eve";
  EXPECT_FALSE(OssV1Verifier().Matches(tampered, *c, "sk"));
  tampered = r;
  tampered.target = "/bkt/dir/a%20c.txt?tagging&x-oss-process=image%2Fresize";
  EXPECT_FALSE(OssV1Verifier().Matches(tampered, *c, "sk"));
  EXPECT_EQ(OssResource("/bkt"), "/bkt/");
  EXPECT_EQ(OssResource("/"), "/");
}

TEST(Signatures, OssV4MatchesAliOss) {
  SignedRequest r{"PUT",
                  "/bkt/dir/a%20b.txt?prefix=a%20b&tagging=&max-keys=10",
                  {{"x-oss-date", "20261127T100000Z"},
                   {"x-oss-content-sha256", "UNSIGNED-PAYLOAD"},
                   {"content-type", "text/plain"},
                   {"host", "bkt.localhost"},
                   {"authorization", "set"}},
                  ""};
  std::optional<Credential> c = OssV4Verifier().Parse(
      "OSS4-HMAC-SHA256 Credential=AKID/20261127/cn-hangzhou/oss/aliyun_v4_request,"
      "AdditionalHeaders=host,"
      "Signature=6f8894545dac45aefa2f2b75f69af7865aad63b2c6756260c87b939fdc7fd20f");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->access_key_id, "AKID");
  EXPECT_EQ(c->scope, "20261127/cn-hangzhou/oss/aliyun_v4_request");
  EXPECT_TRUE(OssV4Verifier().Matches(r, *c, "sk"));
  EXPECT_FALSE(OssV4Verifier().Matches(r, *c, "other"));
  SignedRequest tampered = r;
  tampered.headers["host"] = "evil.localhost";  // an additional header is signed
  EXPECT_FALSE(OssV4Verifier().Matches(tampered, *c, "sk"));
  tampered = r;
  tampered.target = "/bkt/dir/a%20b.txt?prefix=a%20c&tagging=&max-keys=10";
  EXPECT_FALSE(OssV4Verifier().Matches(tampered, *c, "sk"));
  // The request's day must be the credential's.
  EXPECT_TRUE(OssV4Verifier().RequestTime(r, *c).has_value());
  tampered = r;
  tampered.headers["x-oss-date"] = "20261128T100000Z";
  EXPECT_FALSE(OssV4Verifier().RequestTime(tampered, *c).has_value());
  EXPECT_FALSE(OssV4Verifier().Parse("OSS4-HMAC-SHA256 Credential=AKID/x/oss,Signature=1"));
}

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
  std::optional<Credential> cred = Acs3Verifier().Parse(
      "ACS3-HMAC-SHA256 "
      "Credential=AKID,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;"
      "x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="
      "76bacc8baefab4c93d322ecb8d3c2b0d57e9146033e2cdbaede48601c9fc90ab");
  ASSERT_TRUE(cred.has_value());
  EXPECT_TRUE(Acs3Verifier().Matches(r, *cred, "SECRET"));
  EXPECT_FALSE(
      RoaV1Verifier().Parse("ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=a,Signature=s"));
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
  std::optional<Credential> cred = RoaV1Verifier().Parse("acs AKID:QDsUSZ2Ap0AQrUJJKhFu7DF7odA=");
  ASSERT_TRUE(cred.has_value());
  EXPECT_TRUE(RoaV1Verifier().Matches(r, *cred, "SECRET"));
  EXPECT_FALSE(Acs3Verifier().Parse("acs AKID:QDsUSZ2Ap0AQrUJJKhFu7DF7odA="));
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
  std::optional<Credential> cred = HuaweiSdkVerifier().Parse(
      "SDK-HMAC-SHA256 Access=AKID, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
      "Signature=d5535f9d31ae354f749dbee7492be61b04d1befdbed76e19ab8c9a9ea31f85fa");
  ASSERT_TRUE(cred.has_value());
  EXPECT_TRUE(HuaweiSdkVerifier().Matches(r, *cred, "SECRET"));
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
    for (const Verifier* v : {&Acs3Verifier(), &RoaV1Verifier(), &HuaweiSdkVerifier()}) {
      EXPECT_FALSE(v->Parse(bad).has_value()) << v->name() << ": " << bad;
    }
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

namespace drover::auth {
namespace {

// The shared steps, through each scheme's verifier: a dialect's schemes
// only, the time window, the nonce spent once, and the failure each gives.
class AuthenticatorTest : public ::testing::Test {
 protected:
  SignedRequest Acs3Request(const std::string& nonce, const std::string& date) {
    SignedRequest r{"GET",
                    "/api/v1/jobs?PageSize=10",
                    {{"host", "127.0.0.1"},
                     {"x-acs-date", date},
                     {"x-acs-signature-nonce", nonce},
                     {"x-acs-content-sha256", Sha256Hex("")}},
                    ""};
    std::vector<std::string> names = {"host", "x-acs-content-sha256", "x-acs-date",
                                      "x-acs-signature-nonce"};
    r.headers["authorization"] =
        "ACS3-HMAC-SHA256 Credential=" + key_.id +
        ",SignedHeaders=host;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce,Signature=" +
        Acs3Signature(r, names, key_.secret);
    return r;
  }

  Failure Refusal(const SignedRequest& r, std::vector<const Verifier*> accepted) {
    try {
      authenticator_.Authenticate(r, accepted);
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::kUnauthenticated);
      EXPECT_EQ(e.parameter(), "Authorization");
      return FailureOf(e).value();
    }
    ADD_FAILURE() << "accepted";
    return Failure::kDenied;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{*core::ParseIso8601("2026-11-22T10:00:00Z")};
  std::unique_ptr<store::KeyStore> keys_ = store::SqliteKeyStore::Open(dir_.path() / "keys.db");
  core::AccessKey key_ = keys_->Create("t1", "alice", core::Policy::kMember, {}, clock_.Now());
  Authenticator authenticator_{*keys_, clock_};
  const std::vector<const Verifier*> pai_ = {&Acs3Verifier(), &RoaV1Verifier()};
};

TEST_F(AuthenticatorTest, AcceptsItsSchemesOnceAndRefusesTheRestWithTheirFailure) {
  SignedRequest ok = Acs3Request("n1", "2026-11-22T10:10:00Z");
  EXPECT_EQ(Refusal(ok, {&HuaweiSdkVerifier()}), Failure::kIncompleteSignature);
  service::Principal who = authenticator_.Authenticate(ok, pai_);
  EXPECT_EQ(who.tenant_id, "t1");
  EXPECT_EQ(who.user_id, "alice");
  EXPECT_TRUE(who.by_key);
  EXPECT_EQ(Refusal(ok, pai_), Failure::kNonceUsed);

  EXPECT_EQ(Refusal(Acs3Request("n2", "2026-11-22T10:15:01Z"), pai_), Failure::kExpired);
  EXPECT_EQ(Refusal(Acs3Request("n3", "2026-11-22T09:44:59Z"), pai_), Failure::kExpired);
  SignedRequest tampered = Acs3Request("n4", "2026-11-22T10:00:00Z");
  tampered.target = "/api/v1/jobs?PageSize=11";
  EXPECT_EQ(Refusal(tampered, pai_), Failure::kSignatureMismatch);
  SignedRequest unsigned_request = Acs3Request("n5", "2026-11-22T10:00:00Z");
  unsigned_request.headers.erase("authorization");
  EXPECT_EQ(Refusal(unsigned_request, pai_), Failure::kMissingCredential);
  SignedRequest stranger = Acs3Request("n6", "2026-11-22T10:00:00Z");
  stranger.headers["authorization"].replace(stranger.headers["authorization"].find(key_.id),
                                            key_.id.size(), "LTAInobody");
  EXPECT_EQ(Refusal(stranger, pai_), Failure::kUnknownKey);
}

TEST(Authorize, ReadOnlyKeysReadOnly) {
  service::Principal reader = service::Principal::Local();
  reader.read_only = true;
  EXPECT_NO_THROW(Authorize(reader, "paidlc:ListJobs", Access::kRead));
  try {
    Authorize(reader, "paidlc:CreateJob", Access::kWrite);
    ADD_FAILURE() << "a read-only key wrote";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kPermissionDenied);
    EXPECT_EQ(FailureOf(e), Failure::kDenied);
  }
  EXPECT_NO_THROW(Authorize(service::Principal::Local(), "paidlc:CreateJob", Access::kWrite));
}

}  // namespace
}  // namespace drover::auth
