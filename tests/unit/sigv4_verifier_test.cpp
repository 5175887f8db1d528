// Strict SigV4 (issue 12) at the unit level. Every expected signature and
// canonical request below was computed independently with botocore 1.43
// (botocore.auth.SigV4Auth / SigV4QueryAuth, fixed timestamp) and committed as
// constants; the first is the "get-vanilla" case of AWS's published SigV4 test
// suite.
#include "api/auth/sigv4_verifier.hpp"

#include "api/auth/sigv4_claim.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "api/protocol/timestamp.hpp"

namespace chime::api {
namespace {

const std::vector<AccessKey> kKeys = {{"AKIDOTHER", "other-secret"},
                                      {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}};
constexpr int64_t kSignedAt = 1795824900;  // 20261128T001500Z
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Auth(const std::string& signed_headers, const std::string& signature,
                 const std::string& scope = "AKIDEXAMPLE/20261128/us-east-1/chime/aws4_request") {
  return "AWS4-HMAC-SHA256 Credential=" + scope + ", SignedHeaders=" + signed_headers + ", Signature=" + signature;
}

// GET ListChannelMessages: an ARN in the path (double-encoded in the canonical
// request) and a query string sent out of order.
HttpRequest ListMessages(const std::string& signature = "ac5837663c96dacfed8d065895e4923ad792d8cca83214b973c39c22b7bbdf90") {
  HttpRequest r;
  r.method = "GET";
  r.target =
      "/channels/arn%3Aaws%3Achime%3Aus-east-1%3A123456789012%3Aapp-instance%2Fapp%2Fchannel%2Fch/messages"
      "?sort-order=ASCENDING&max-results=5";
  r.headers = {{"Host", "127.0.0.1:4590"},
               {"x-amz-chime-bearer", "arn:aws:chime:us-east-1:123456789012:app-instance/app/user/u1"},
               {"X-Amz-Date", "20261128T001500Z"},
               {"Authorization", Auth("host;x-amz-chime-bearer;x-amz-date", signature)}};
  return r;
}

std::optional<SigV4Rejection> Verify(const HttpRequest& r, int64_t now = kSignedAt) {
  return VerifySigV4(r, kKeys, "us-east-1", "chime", now);
}

void ExpectRejected(const std::optional<SigV4Rejection>& got, const std::string& type, const std::string& message) {
  ASSERT_TRUE(got.has_value()) << "accepted, expected " << type;
  EXPECT_EQ(got->status, 403);
  EXPECT_EQ(got->type, type);
  EXPECT_EQ(got->message, message);
}

const std::string kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details.";

TEST(SigV4VerifierTest, AcceptsTheAwsTestSuiteGetVanilla) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/";
  r.headers = {{"Host", "example.amazonaws.com"},
               {"X-Amz-Date", "20150830T123600Z"},
               {"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                                 "SignedHeaders=host;x-amz-date, "
                                 "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}};
  EXPECT_EQ(CanonicalRequestOf(r).value_or(""),
            std::string("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n") +
                kEmptyHash);
  EXPECT_FALSE(VerifySigV4(r, kKeys, "us-east-1", "service", 1440938160).has_value());
}

TEST(SigV4VerifierTest, DoubleEncodesThePathAndSortsTheQuery) {
  EXPECT_EQ(CanonicalRequestOf(ListMessages()).value_or(""),
            std::string("GET\n"
                        "/channels/arn%253Aaws%253Achime%253Aus-east-1%253A123456789012%253Aapp-instance%252Fapp%252F"
                        "channel%252Fch/messages\n"
                        "max-results=5&sort-order=ASCENDING\n"
                        "host:127.0.0.1:4590\n"
                        "x-amz-chime-bearer:arn:aws:chime:us-east-1:123456789012:app-instance/app/user/u1\n"
                        "x-amz-date:20261128T001500Z\n\n"
                        "host;x-amz-chime-bearer;x-amz-date\n") +
                kEmptyHash);
  EXPECT_FALSE(Verify(ListMessages()).has_value());
}

// A CreateAppInstance signed over its body and a session token (botocore's signature).
HttpRequest SignedCreateAppInstance() {
  HttpRequest r;
  r.method = "POST";
  r.target = "/app-instances";
  r.body = R"({"Name":"n","ClientRequestToken":"t"})";
  r.headers = {{"Host", "127.0.0.1:4590"},
               {"Content-Type", "application/json"},
               {"X-Amz-Security-Token", "tok  en"},
               {"X-Amz-Date", "20261128T001500Z"},
               {"Authorization", Auth("content-type;host;x-amz-date;x-amz-security-token",
                                      "0262540dc9f5edbe0ae0436597abdd1ec2fa99c2c36cde87dec4c1dbe47d344b")}};
  return r;
}

TEST(SigV4VerifierTest, SignsTheBodyAndASessionTokenWithCollapsedWhitespace) {
  HttpRequest r = SignedCreateAppInstance();
  EXPECT_FALSE(Verify(r).has_value());
  r.body = R"({"Name":"m","ClientRequestToken":"t"})";  // tampered in transit
  ExpectRejected(Verify(r), "InvalidSignatureException", kMismatch);
}

TEST(SigV4VerifierTest, AWrongSecretIsInvalidSignature) {
  // Same request, signature made with another secret (one changed digit).
  ExpectRejected(Verify(ListMessages("ac5837663c96dacfed8d065895e4923ad792d8cca83214b973c39c22b7bbdf91")),
                 "InvalidSignatureException", kMismatch);
}

TEST(SigV4VerifierTest, AnUnknownAccessKeyIsUnrecognizedClient) {
  HttpRequest r = ListMessages();
  r.headers.back().second = Auth("host;x-amz-chime-bearer;x-amz-date", "ac58", "AKIDNOBODY/20261128/us-east-1/chime/aws4_request");
  ExpectRejected(Verify(r), "UnrecognizedClientException", "The security token included in the request is invalid.");
}

TEST(SigV4VerifierTest, ADateOutsideFifteenMinutesIsExpiredOrNotYetCurrent) {
  EXPECT_FALSE(Verify(ListMessages(), kSignedAt + 15 * 60).has_value());
  ExpectRejected(Verify(ListMessages(), kSignedAt + 15 * 60 + 1), "InvalidSignatureException",
                 "Signature expired: 20261128T001500Z is now earlier than 20261128T001501Z (20261128T003001Z - 15 min.)");
  ExpectRejected(Verify(ListMessages(), kSignedAt - 20 * 60), "InvalidSignatureException",
                 "Signature not yet current: 20261128T001500Z is still later than 20261128T001000Z "
                 "(20261127T235500Z + 15 min.)");
}

TEST(SigV4VerifierTest, AnUnsignedRequestIsMissingAuthenticationToken) {
  HttpRequest r = ListMessages();
  r.headers.pop_back();
  ExpectRejected(Verify(r), "MissingAuthenticationTokenException", "Missing Authentication Token");
}

TEST(SigV4VerifierTest, AMalformedHeaderIsIncompleteSignature) {
  HttpRequest r = ListMessages();
  r.headers.back().second = "Bearer abc";
  ExpectRejected(Verify(r), "IncompleteSignatureException",
                 "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
                 "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc");
  r.headers.back().second = Auth("host;x-amz-date", "ab", "AKIDEXAMPLE/20261128/us-east-1/chime");
  ExpectRejected(Verify(r), "IncompleteSignatureException",
                 "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got "
                 "'AKIDEXAMPLE/20261128/us-east-1/chime'");
  r.headers.back().second = Auth("x-amz-date", "ab");
  ExpectRejected(Verify(r), "IncompleteSignatureException",
                 "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST(SigV4VerifierTest, TheScopeMustNameThisRegionAndChime) {
  HttpRequest r = ListMessages();
  r.headers.back().second = Auth("host;x-amz-date", "ab", "AKIDEXAMPLE/20261128/eu-west-1/chime/aws4_request");
  ExpectRejected(Verify(r), "InvalidSignatureException", "Credential should be scoped to a valid region, not 'eu-west-1'. ");
  r.headers.back().second = Auth("host;x-amz-date", "ab", "AKIDEXAMPLE/20261128/us-east-1/lambda/aws4_request");
  ExpectRejected(Verify(r), "InvalidSignatureException", "Credential should be scoped to correct service: 'chime'. ");
  r.headers.back().second = Auth("host;x-amz-date", "ab", "AKIDEXAMPLE/20261127/us-east-1/chime/aws4_request");
  ExpectRejected(Verify(r), "InvalidSignatureException",
                 "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                 "'20261127' != '20261128', from '20261128T001500Z'.");
}

// Without X-Amz-Date the Date header (RFC 7231) dates the request; the string to sign carries
// it in the basic ISO form (botocore: request.context['timestamp']).
TEST(SigV4VerifierTest, TheDateHeaderStandsInForXAmzDate) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/app-instances";
  r.headers = {{"Host", "127.0.0.1:4590"},
               {"Date", "Sat, 28 Nov 2026 00:15:00 GMT"},
               {"Authorization", Auth("date;host", "dd05797c577c922904c58beec11066b3236f73c2feb832170958b4b3a1f37d86")}};
  EXPECT_FALSE(Verify(r).has_value());
  for (const char* bad : {"yesterday", "Sat, 28 Nov 99999 00:15:00 GMT", "20261128T001500", "2026112XT001500Z"}) {
    r.headers[1].second = bad;
    ExpectRejected(Verify(r), "IncompleteSignatureException",
                   std::string("Date must be in ISO-8601 'basic format'. Got '") + bad +
                       "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
}

// The messaging session's presigned /connect (botocore SigV4QueryAuth, expires 10).
HttpRequest Connect(const std::string& signature = "10950f22fa3d309d6ead10225080bcafb4b91af8c424c2c2c87eeb4608d7c9b3") {
  HttpRequest r;
  r.method = "GET";
  r.target =
      "/connect?sessionId=42&userArn=arn%3Aaws%3Achime%3Aus-east-1%3A123456789012%3Aapp-instance%2Fapp%2Fuser%2Fu1"
      "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261128%2Fus-east-1%2Fchime%2Faws4_request"
      "&X-Amz-Date=20261128T001500Z&X-Amz-Expires=10&X-Amz-SignedHeaders=host&X-Amz-Signature=" +
      signature;
  r.headers = {{"Host", "127.0.0.1:4590"}, {"Upgrade", "websocket"}, {"Connection", "Upgrade"}};
  return r;
}

TEST(SigV4VerifierTest, APresignedConnectHoldsForXAmzExpiresSeconds) {
  EXPECT_FALSE(Verify(Connect(), kSignedAt + 10).has_value());
  ExpectRejected(Verify(Connect(), kSignedAt + 11), "InvalidSignatureException",
                 "Signature expired: 20261128T001500Z is now earlier than 20261128T001501Z (20261128T001511Z - 10 sec.)");
  ExpectRejected(Verify(Connect("00950f22fa3d309d6ead10225080bcafb4b91af8c424c2c2c87eeb4608d7c9b3")),
                 "InvalidSignatureException", kMismatch);
  HttpRequest unsigned_connect = Connect();
  unsigned_connect.target = "/connect?sessionId=42";
  ExpectRejected(Verify(unsigned_connect), "MissingAuthenticationTokenException", "Missing Authentication Token");
}

// One reading of the Authorization header: a part that is not exactly one of
// Credential, SignedHeaders, Signature could carry a second credential (the
// tenant once read the first "Credential=" anywhere in the header).
TEST(SigV4VerifierTest, AnUnknownOrRepeatedAuthorizationPartIsIncompleteSignature) {
  const std::string right = "ac5837663c96dacfed8d065895e4923ad792d8cca83214b973c39c22b7bbdf90";
  const std::string other = "Credential=222222222222/20261128/us-east-1/chime/aws4_request";
  HttpRequest r = ListMessages(right);
  std::string& auth = r.headers.back().second;
  const std::string sent = auth;
  auth = "AWS4-HMAC-SHA256 X=" + other + ", " + sent.substr(17);
  ExpectRejected(Verify(r), "IncompleteSignatureException",
                 "'X' is not a part of a SigV4 Authorization header (Credential, SignedHeaders and Signature, once "
                 "each): '" + auth + "'.");
  auth = "AWS4-HMAC-SHA256 " + other + ", " + sent.substr(17);
  ExpectRejected(Verify(r), "IncompleteSignatureException",
                 "'Credential' is given more than once in Authorization header: '" + auth + "'.");
  auth = sent + ", Signature=" + right;
  ExpectRejected(Verify(r), "IncompleteSignatureException",
                 "'Signature' is given more than once in Authorization header: '" + auth + "'.");
  auth = sent;
  EXPECT_FALSE(Verify(r).has_value());
  r.headers.emplace_back("authorization", "AWS4-HMAC-SHA256 " + other + ", SignedHeaders=host, Signature=00");
  ExpectRejected(Verify(r), "IncompleteSignatureException", "The request carries more than one Authorization header.");
}

TEST(SigV4VerifierTest, TheAuthorizationParserReadsExactlyThreeParts) {
  auto parsed = ParseAuthorizationHeader("AWS4-HMAC-SHA256 Credential=A/B/C/D/aws4_request,SignedHeaders=host,  Signature=ab");
  ASSERT_TRUE(std::holds_alternative<SigV4Claim>(parsed));
  const SigV4Claim& claim = std::get<SigV4Claim>(parsed);
  EXPECT_EQ(claim.algorithm, "AWS4-HMAC-SHA256");
  EXPECT_EQ(claim.credential, "A/B/C/D/aws4_request");
  EXPECT_EQ(claim.signed_headers, "host");
  EXPECT_EQ(claim.signature, "ab");
  EXPECT_FALSE(claim.presigned);
  EXPECT_TRUE(std::get<SigV4Claim>(ParseAuthorizationHeader("Bearer x")).credential.empty());
  for (const char* bad : {"AWS4-HMAC-SHA256 Credential=a, credential=b", "AWS4-HMAC-SHA256 Credential=a, X=Credential=b",
                          "AWS4-HMAC-SHA256 Credential=, Credential=b", "AWS4-HMAC-SHA256 Credential=a,,",
                          "AWS4-HMAC-SHA256 Credential=a, Credential=a"}) {
    EXPECT_TRUE(std::holds_alternative<SigV4ClaimError>(ParseAuthorizationHeader(bad))) << bad;
  }
}

// The same for the presigned query: one X-Amz-Credential (however its name is
// percent-encoded), one of each X-Amz-* part.
TEST(SigV4VerifierTest, ARepeatedPresignedParameterIsIncompleteSignature) {
  HttpRequest r = Connect();
  r.target += "&X-Amz-%43redential=222222222222%2F20261128%2Fus-east-1%2Fchime%2Faws4_request";
  ExpectRejected(Verify(r, kSignedAt + 1), "IncompleteSignatureException",
                 "AWS query-string parameter 'X-Amz-Credential' is given more than once. Re-examine the query-string "
                 "parameters.");
  EXPECT_TRUE(std::holds_alternative<SigV4Unsigned>(ParsePresignedQuery(DecodedQueryParams("/connect?X-Amz-Date=1"))));
}

// A presigned URL holds for at most 7 days (604800 s), as AWS's SigV4 query
// authentication allows (the signing key lasts 7 days).
TEST(SigV4VerifierTest, APresignedExpiryAboveSevenDaysIsRefused) {
  for (const char* expires : {"604801", "999999", "9999999"}) {
    HttpRequest r = Connect();
    r.target.replace(r.target.find("X-Amz-Expires=10"), 16, std::string("X-Amz-Expires=") + expires);
    ExpectRejected(Verify(r, kSignedAt + 1), "IncompleteSignatureException",
                   "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be "
                   "less than 604800 seconds");
  }
  for (const char* expires : {"-1", "1e3", "", "99999999"}) {
    HttpRequest r = Connect();
    r.target.replace(r.target.find("X-Amz-Expires=10"), 16, std::string("X-Amz-Expires=") + expires);
    auto got = Verify(r, kSignedAt + 1);
    ASSERT_TRUE(got.has_value()) << expires;
    EXPECT_EQ(got->type, "IncompleteSignatureException") << expires;
  }
  // 604800 itself passes the bound (and then fails only on the signature, made for 10 s).
  HttpRequest week = Connect();
  week.target.replace(week.target.find("X-Amz-Expires=10"), 16, "X-Amz-Expires=604800");
  ExpectRejected(Verify(week, kSignedAt + 1), "InvalidSignatureException", kMismatch);
}

// The body: an unsigned x-amz-content-sha256 is ignored (the hash is the
// received body's), so a swapped body no longer matches the signature.
TEST(SigV4VerifierTest, AnUnsignedContentSha256DoesNotStandInForTheBody) {
  HttpRequest r = SignedCreateAppInstance();
  r.headers.emplace_back("x-amz-content-sha256", "822331a1f7ce3e7223838dd9a7863ecf05efc33318e28a46371d2cd8aeea8d96");
  EXPECT_FALSE(Verify(r).has_value());  // the body's own hash, sent along unsigned: harmless
  r.body = R"({"Name":"m","ClientRequestToken":"t"})";  // swapped in transit, the old hash kept
  ExpectRejected(Verify(r), "InvalidSignatureException", kMismatch);
}

// A signed x-amz-content-sha256 (botocore signs it when sent) must be the
// body's SHA-256; UNSIGNED-PAYLOAD (Amazon S3's) is refused.
HttpRequest SignedContentSha256(const std::string& hash, const std::string& signature) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/app-instances";
  r.body = R"({"Name":"n","ClientRequestToken":"t"})";
  r.headers = {{"Content-Type", "application/json"},
               {"X-Amz-Content-SHA256", hash},
               {"X-Amz-Date", "20261128T001500Z"},
               {"Host", "127.0.0.1:4590"},
               {"Authorization", Auth("content-type;host;x-amz-content-sha256;x-amz-date", signature)}};
  return r;
}

TEST(SigV4VerifierTest, ASignedContentSha256MustBeTheBodysHash) {
  HttpRequest r = SignedContentSha256("822331a1f7ce3e7223838dd9a7863ecf05efc33318e28a46371d2cd8aeea8d96",
                                      "986a9143abf8abb6d1a661fe44cfd50c81f7e9bb59b51ee2fbaf609adf367b74");
  EXPECT_FALSE(Verify(r).has_value());
  r.body = R"({"Name":"m","ClientRequestToken":"t"})";
  ExpectRejected(Verify(r), "InvalidSignatureException",
                 "The provided 'x-amz-content-sha256' header does not match what was computed.");
  HttpRequest unsigned_payload =
      SignedContentSha256("UNSIGNED-PAYLOAD", "7ed26d555577d539dbd5167f0d42c39c1b01b95a88612515c7eb6b59878dce90");
  ExpectRejected(Verify(unsigned_payload), "InvalidSignatureException",
                 "The provided 'x-amz-content-sha256' header does not match what was computed (UNSIGNED-PAYLOAD is "
                 "not accepted: this service signs the body).");
}

TEST(SigV4VerifierTest, TheRejectionResponseCarriesTheTypeHeaderAndAMessageBody) {
  HttpResponse r = SigV4RejectionResponse({403, "InvalidSignatureException", "bad"}, "rid");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, R"({"message":"bad"})");
  bool typed = false;
  for (const auto& [name, value] : r.headers) typed |= name == "x-amzn-ErrorType" && value == "InvalidSignatureException";
  EXPECT_TRUE(typed);
}

TEST(SigV4VerifierTest, LenientChecksNothingAndStrictSparesNothing) {
  ServiceConfig config;
  HttpRequest unsigned_request = ListMessages();
  unsigned_request.headers.pop_back();
  EXPECT_FALSE(StrictSigV4Refusal(unsigned_request, config, "rid").has_value());
  config.sigv4_strict = true;
  config.credentials = kKeys;
  auto refused = StrictSigV4Refusal(unsigned_request, config, "rid");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
}

TEST(SigV4VerifierTest, HttpDateIsImfFixdate) {
  const std::string d = HttpDateNow();
  ASSERT_EQ(d.size(), 29u) << d;
  EXPECT_EQ(d.substr(25), " GMT");
  EXPECT_EQ(d[3], ',');
}

}  // namespace
}  // namespace chime::api
