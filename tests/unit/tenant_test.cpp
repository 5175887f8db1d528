// Isolation by account and region: who a request acts as, and which ARNs it may name.
#include "api/auth/tenant.hpp"

#include <gtest/gtest.h>

#include "api/auth/credential_scope.hpp"
#include "api/protocol/api_error.hpp"

namespace chime::api {
namespace {

HttpRequest Signed(const std::string& credential) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/app-instances";
  r.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + credential +
                                              ", SignedHeaders=host;x-amz-date, Signature=abc");
  return r;
}

const model::OperationDef& Op(std::string_view name) {
  for (const auto& op : model::Operations())
    if (op.name == name) return op;
  throw std::runtime_error("no operation");
}

TEST(CredentialScopeTest, HeaderAndPresignedQuery) {
  auto s = CredentialOf(Signed("AKID/20261128/eu-west-1/chime/aws4_request"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->access_key_id, "AKID");
  EXPECT_EQ(s->date, "20261128");
  EXPECT_EQ(s->region, "eu-west-1");
  EXPECT_EQ(s->service, "chime");
  HttpRequest q;
  q.target = "/connect?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=111111111111%2F20261128%2Fus-west-2%2Fchime%2Faws4_request&userArn=x";
  s = CredentialOf(q);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->access_key_id, "111111111111");
  EXPECT_EQ(s->region, "us-west-2");
  EXPECT_FALSE(CredentialOf(Signed("AKID/20261128/eu-west-1/chime")));
  EXPECT_FALSE(CredentialOf(Signed("AKID//eu-west-1/chime/aws4_request")));
  HttpRequest bad;
  bad.target = "/connect?X-Amz-Credential=%zz";
  EXPECT_FALSE(CredentialOf(bad));
}

// The tenant reads the credential the verifier reads, through the same parser:
// never a "Credential=" hidden in another part, a repeated part or a second
// header. Lenient mode falls back to the defaults for such a header.
TEST(TenantTest, AHeaderReadableTwoWaysActsInNoOtherAccount) {
  ServiceConfig defaults;
  const std::string theirs = "Credential=222222222222/20261128/eu-west-1/chime/aws4_request";
  const std::string mine = "Credential=AKIDEXAMPLE/20261128/us-east-1/chime/aws4_request";
  const std::string rest = ", SignedHeaders=host;x-amz-date, Signature=abc";
  for (const std::string& header :
       {"AWS4-HMAC-SHA256 X=" + theirs + ", " + mine + rest, "AWS4-HMAC-SHA256 " + theirs + ", " + mine + rest,
        "AWS4-HMAC-SHA256 " + mine + rest + ", " + theirs, "AWS4-HMAC-SHA256 " + mine + rest + ", X=" + theirs}) {
    HttpRequest r;
    r.headers.emplace_back("Authorization", header);
    EXPECT_FALSE(CredentialOf(r)) << header;
    EXPECT_EQ(TenantOf(r, defaults), (Tenant{"123456789012", "us-east-1"})) << header;
  }
  HttpRequest two = Signed("AKIDEXAMPLE/20261128/us-east-1/chime/aws4_request");
  two.headers.emplace_back("authorization", "AWS4-HMAC-SHA256 " + theirs + rest);
  EXPECT_EQ(TenantOf(two, defaults), (Tenant{"123456789012", "us-east-1"}));
  // The query: a second X-Amz-Credential, however its name is encoded.
  HttpRequest q;
  q.target = "/connect?X-Amz-Credential=AKIDEXAMPLE%2F20261128%2Fus-east-1%2Fchime%2Faws4_request"
             "&X-Amz-%43redential=222222222222%2F20261128%2Feu-west-1%2Fchime%2Faws4_request";
  EXPECT_EQ(TenantOf(q, defaults), (Tenant{"123456789012", "us-east-1"}));
  // The header wins over the query, for the verifier and the tenant alike.
  HttpRequest both = Signed("AKIDEXAMPLE/20261128/us-east-1/chime/aws4_request");
  both.target = "/connect?X-Amz-Credential=222222222222%2F20261128%2Feu-west-1%2Fchime%2Faws4_request";
  EXPECT_EQ(TenantOf(both, defaults), (Tenant{"123456789012", "us-east-1"}));
}

TEST(TenantTest, TwelveDigitKeyIsTheAccountAndTheScopeRegionTheRegion) {
  ServiceConfig defaults;
  EXPECT_EQ(TenantOf(Signed("111111111111/20261128/eu-central-1/chime/aws4_request"), defaults),
            (Tenant{"111111111111", "eu-central-1"}));
  EXPECT_EQ(TenantOf(Signed("AKIAEXAMPLE/20261128/ap-south-1/chime/aws4_request"), defaults),
            (Tenant{"123456789012", "ap-south-1"}));
  EXPECT_EQ(TenantOf(Signed("1234/20261128/Bad_Region/chime/aws4_request"), defaults),
            (Tenant{"123456789012", "us-east-1"}));
  EXPECT_EQ(TenantOf(HttpRequest{}, defaults), (Tenant{"123456789012", "us-east-1"}));
  EXPECT_FALSE(ConfigForTenant(Tenant{"123456789012", "us-east-1"}, defaults));
  auto c = ConfigForTenant(Tenant{"111111111111", "us-east-1"}, defaults);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->account_id, "111111111111");
}

TEST(TenantTest, ForeignArnsAreRefusedAsMissing) {
  const Tenant mine{"111111111111", "us-east-1"};
  const std::string own = "arn:aws:chime:us-east-1:111111111111:app-instance/a";
  const std::string foreign = "arn:aws:chime:us-east-1:222222222222:app-instance/b";
  EXPECT_NO_THROW(RequireTenantArns(Op("DescribeAppInstance"), {{"AppInstanceArn", own}}, mine));
  try {
    RequireTenantArns(Op("DescribeAppInstance"), {{"AppInstanceArn", foreign}}, mine);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.type(), ErrorType::kForbidden);
    EXPECT_NE(std::string(e.what()).find("222222222222"), std::string::npos);
  }
  // The bearer is checked first, as an unknown bearer.
  try {
    RequireTenantArns(Op("DescribeChannel"),
                      {{"ChannelArn", foreign + "/channel/c"}, {"ChimeBearer", foreign + "/user/u"}}, mine);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.type(), ErrorType::kUnauthorizedClient);
  }
  // Lists of ARNs and ARNs inside lists of structures; other services' ARNs and content pass.
  EXPECT_THROW(RequireTenantArns(Op("BatchCreateChannelMembership"),
                                 {{"MemberArns", {own + "/user/u", foreign + "/user/v"}}}, mine),
               ApiError);
  EXPECT_THROW(RequireTenantArns(Op("SendChannelMessage"), {{"Target", {{{"MemberArn", foreign + "/user/v"}}}}}, mine),
               ApiError);
  EXPECT_NO_THROW(RequireTenantArns(Op("SendChannelMessage"), {{"Content", foreign}}, mine));
  EXPECT_NO_THROW(RequireTenantArns(
      Op("CreateChannelFlow"),
      {{"Processors", {{{"Configuration", {{"Lambda", {{"ResourceArn", "arn:aws:lambda:us-east-1:2:function:f"}}}}}}}}},
      mine));
}

}  // namespace
}  // namespace chime::api
