// Condition operators evaluated against request contexts, with expectations taken from
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "accessgraph/condition/condition.hpp"
#include "accessgraph/condition/context.hpp"
#include "accessgraph/policy/policy.hpp"

namespace {

using accessgraph::condition::Operator;
using accessgraph::condition::OperatorFamily;
using accessgraph::condition::RequestContext;
using accessgraph::condition::SetQualifier;

// Evaluates the Condition block `condition_json` of a one-statement policy against `ctx`.
bool holds(const std::string& condition_json, const RequestContext& ctx,
           const std::string& version = "\"Version\":\"2012-10-17\",") {
  const std::string doc = "{" + version +
                          R"("Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":)" +
                          condition_json + "}}";
  auto policy = accessgraph::policy::Policy::parse(doc, "condition-test");
  return policy->statements().at(0).condition.evaluate(ctx);
}

RequestContext ctx(std::vector<std::pair<std::string, std::string>> single) {
  RequestContext c;
  for (auto& [k, v] : single) c.set(k, v);
  return c;
}

RequestContext multi(const std::string& key, std::vector<std::string> values) {
  RequestContext c;
  c.set_multi(key, std::move(values));
  return c;
}

const RequestContext kEmpty;

// ---------------------------------------------------------------------------------------------
// Operator names. "You can add IfExists to the end of any condition operator name except the Null
// condition operator."
// ---------------------------------------------------------------------------------------------

TEST(OperatorNames, ParseFamilyNegationIfExistsAndQualifier) {
  auto op = Operator::parse("StringEquals");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kStringEquals);
  EXPECT_FALSE(op->negated);
  EXPECT_FALSE(op->if_exists);
  EXPECT_EQ(op->qualifier, SetQualifier::kNone);

  op = Operator::parse("StringNotEqualsIgnoreCase");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kStringEqualsIgnoreCase);
  EXPECT_TRUE(op->negated);

  op = Operator::parse("ForAllValues:StringLikeIfExists");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kStringLike);
  EXPECT_TRUE(op->if_exists);
  EXPECT_EQ(op->qualifier, SetQualifier::kForAllValues);

  op = Operator::parse("ForAnyValue:StringNotLike");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kStringLike);
  EXPECT_TRUE(op->negated);
  EXPECT_EQ(op->qualifier, SetQualifier::kForAnyValue);

  op = Operator::parse("NotIpAddress");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kIpAddress);
  EXPECT_TRUE(op->negated);

  op = Operator::parse("NumericNotEquals");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kNumericEquals);
  EXPECT_TRUE(op->negated);

  op = Operator::parse("DateLessThanEqualsIfExists");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kDateLessThanEquals);
  EXPECT_TRUE(op->if_exists);

  op = Operator::parse("ArnNotLike");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kArnLike);
  EXPECT_TRUE(op->negated);

  // ArnEquals and ArnLike behave identically (both take wildcards per segment).
  op = Operator::parse("ArnEquals");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kArnLike);
  EXPECT_FALSE(op->negated);

  op = Operator::parse("Null");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kNull);

  op = Operator::parse("BinaryEquals");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kBinaryEquals);

  op = Operator::parse("Bool");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->family, OperatorFamily::kBool);
}

TEST(OperatorNames, UnknownNamesAreRejected) {
  EXPECT_FALSE(Operator::parse("StringEqualz"));
  EXPECT_FALSE(Operator::parse("NullIfExists"));
  EXPECT_FALSE(Operator::parse("ForSomeValues:StringEquals"));
  EXPECT_FALSE(Operator::parse("ForAllValues:"));
  EXPECT_FALSE(Operator::parse(""));
  EXPECT_FALSE(Operator::parse("IfExists"));
}

// ---------------------------------------------------------------------------------------------
// String operators
// ---------------------------------------------------------------------------------------------

TEST(StringOperators, StringEqualsIsExactAndCaseSensitive) {
  const std::string c = R"({"StringEquals":{"aws:username":"alice"}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:username", "alice"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:username", "Alice"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:username", "alice2"}})));
  EXPECT_FALSE(holds(c, kEmpty));  // absent key: a positive operator is false
}

TEST(StringOperators, StringEqualsTreatsWildcardsAsText) {
  const std::string c = R"({"StringEquals":{"s3:prefix":"home/*"}})";
  EXPECT_FALSE(holds(c, ctx({{"s3:prefix", "home/alice"}})));
  EXPECT_TRUE(holds(c, ctx({{"s3:prefix", "home/*"}})));
}

TEST(StringOperators, SeveralValuesForOneKeyAreAlternatives) {
  const std::string c = R"({"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:RequestedRegion", "eu-west-1"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:RequestedRegion", "ap-south-1"}})));
}

TEST(StringOperators, StringNotEqualsMustDifferFromEveryValue) {
  const std::string c = R"({"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:RequestedRegion", "ap-south-1"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:RequestedRegion", "eu-west-1"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:RequestedRegion", "us-east-1"}})));
  EXPECT_TRUE(holds(c, kEmpty));  // absent key: a negated operator is true
}

TEST(StringOperators, IgnoreCaseVariants) {
  EXPECT_TRUE(holds(R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}})",
                    ctx({{"aws:PrincipalTag/team", "red"}})));
  EXPECT_FALSE(holds(R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}})",
                     ctx({{"aws:PrincipalTag/team", "blue"}})));
  EXPECT_FALSE(holds(R"({"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}})",
                     ctx({{"aws:PrincipalTag/team", "Red"}})));
  EXPECT_TRUE(holds(R"({"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}})",
                    ctx({{"aws:PrincipalTag/team", "blue"}})));
  EXPECT_FALSE(holds(R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}})", kEmpty));
  EXPECT_TRUE(holds(R"({"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}})", kEmpty));
}

TEST(StringOperators, StringLikeUsesStarAndQuestionMark) {
  const std::string c = R"({"StringLike":{"s3:prefix":["home/*","file-?.txt"]}})";
  EXPECT_TRUE(holds(c, ctx({{"s3:prefix", "home/alice/docs"}})));
  EXPECT_TRUE(holds(c, ctx({{"s3:prefix", "home/"}})));
  EXPECT_TRUE(holds(c, ctx({{"s3:prefix", "file-1.txt"}})));
  EXPECT_FALSE(holds(c, ctx({{"s3:prefix", "file-10.txt"}})));
  EXPECT_FALSE(holds(c, ctx({{"s3:prefix", "Home/alice"}})));  // case-sensitive
  EXPECT_FALSE(holds(c, ctx({{"s3:prefix", "house"}})));
  EXPECT_FALSE(holds(c, kEmpty));
}

TEST(StringOperators, StringNotLike) {
  const std::string c = R"({"StringNotLike":{"s3:prefix":["home/*","tmp/*"]}})";
  EXPECT_TRUE(holds(c, ctx({{"s3:prefix", "data/x"}})));
  EXPECT_FALSE(holds(c, ctx({{"s3:prefix", "tmp/x"}})));
  EXPECT_TRUE(holds(c, kEmpty));
}

TEST(StringOperators, IfExistsIsTrueWhenKeyAbsentAndEvaluatesOtherwise) {
  const std::string c = R"({"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro","t3.small"]}})";
  EXPECT_TRUE(holds(c, kEmpty));
  EXPECT_TRUE(holds(c, ctx({{"ec2:InstanceType", "t3.small"}})));
  EXPECT_FALSE(holds(c, ctx({{"ec2:InstanceType", "m5.large"}})));
  const std::string n = R"({"StringNotEqualsIfExists":{"ec2:InstanceType":"m5.large"}})";
  EXPECT_TRUE(holds(n, kEmpty));
  EXPECT_FALSE(holds(n, ctx({{"ec2:InstanceType", "m5.large"}})));
  EXPECT_TRUE(holds(n, ctx({{"ec2:InstanceType", "t3.micro"}})));
  const std::string l = R"({"StringLikeIfExists":{"s3:prefix":"home/*"}})";
  EXPECT_TRUE(holds(l, kEmpty));
  EXPECT_FALSE(holds(l, ctx({{"s3:prefix", "etc/x"}})));
}

// ---------------------------------------------------------------------------------------------
// Numeric operators (integers and decimals)
// ---------------------------------------------------------------------------------------------

TEST(NumericOperators, EqualsComparesNumbersNotText) {
  EXPECT_TRUE(holds(R"({"NumericEquals":{"s3:max-keys":"10"}})", ctx({{"s3:max-keys", "10"}})));
  EXPECT_TRUE(holds(R"({"NumericEquals":{"s3:max-keys":"1.5"}})", ctx({{"s3:max-keys", "1.50"}})));
  EXPECT_TRUE(holds(R"({"NumericEquals":{"s3:max-keys":"10"}})", ctx({{"s3:max-keys", "10.0"}})));
  EXPECT_FALSE(holds(R"({"NumericEquals":{"s3:max-keys":"10"}})", ctx({{"s3:max-keys", "11"}})));
  EXPECT_TRUE(holds(R"({"NumericEquals":{"s3:max-keys":["1","2"]}})", ctx({{"s3:max-keys", "2"}})));
  EXPECT_FALSE(holds(R"({"NumericEquals":{"s3:max-keys":"10"}})", kEmpty));
  // A JSON number as the policy value is accepted as well.
  EXPECT_TRUE(holds(R"({"NumericEquals":{"s3:max-keys":10}})", ctx({{"s3:max-keys", "10"}})));
}

TEST(NumericOperators, NotEquals) {
  const std::string c = R"({"NumericNotEquals":{"s3:max-keys":["10","20"]}})";
  EXPECT_TRUE(holds(c, ctx({{"s3:max-keys", "15"}})));
  EXPECT_FALSE(holds(c, ctx({{"s3:max-keys", "20"}})));
  EXPECT_TRUE(holds(c, kEmpty));
}

TEST(NumericOperators, Ordering) {
  const auto v = [](const char* x) { return ctx({{"aws:MultiFactorAuthAge", x}}); };
  EXPECT_TRUE(holds(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})", v("5")));
  EXPECT_FALSE(holds(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})", v("3600")));
  EXPECT_TRUE(holds(R"({"NumericLessThanEquals":{"aws:MultiFactorAuthAge":"3600"}})", v("3600")));
  EXPECT_FALSE(holds(R"({"NumericLessThanEquals":{"aws:MultiFactorAuthAge":"3600"}})", v("3601")));
  EXPECT_TRUE(holds(R"({"NumericGreaterThan":{"aws:MultiFactorAuthAge":"2.25"}})", v("2.5")));
  EXPECT_FALSE(holds(R"({"NumericGreaterThan":{"aws:MultiFactorAuthAge":"2.5"}})", v("2.25")));
  EXPECT_TRUE(holds(R"({"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"2.5"}})", v("2.5")));
  EXPECT_FALSE(holds(R"({"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"2.5"}})", v("2.4")));
  // numeric, not lexicographic: 9 < 10
  EXPECT_TRUE(holds(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"10"}})", v("9")));
  EXPECT_TRUE(holds(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"0.75"}})", v("0.5")));
  EXPECT_TRUE(holds(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"0"}})", v("-1")));
}

TEST(NumericOperators, AbsentKeyAndIfExists) {
  EXPECT_FALSE(holds(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})", kEmpty));
  EXPECT_FALSE(holds(R"({"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"0"}})", kEmpty));
  EXPECT_TRUE(holds(R"({"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}})", kEmpty));
  EXPECT_FALSE(holds(R"({"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}})",
                     ctx({{"aws:MultiFactorAuthAge", "7200"}})));
}

// ---------------------------------------------------------------------------------------------
// Date operators: ISO 8601 (aws:CurrentTime) and epoch seconds (aws:EpochTime)
// ---------------------------------------------------------------------------------------------

TEST(DateOperators, IsoTimestamps) {
  const auto now = ctx({{"aws:CurrentTime", "2026-06-01T12:00:00Z"}});
  EXPECT_TRUE(holds(R"({"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}})", now));
  EXPECT_FALSE(holds(R"({"DateGreaterThan":{"aws:CurrentTime":"2026-12-31T00:00:00Z"}})", now));
  EXPECT_TRUE(holds(R"({"DateLessThan":{"aws:CurrentTime":"2026-12-31T00:00:00Z"}})", now));
  EXPECT_FALSE(holds(R"({"DateLessThan":{"aws:CurrentTime":"2026-06-01T12:00:00Z"}})", now));
  EXPECT_TRUE(holds(R"({"DateLessThanEquals":{"aws:CurrentTime":"2026-06-01T12:00:00Z"}})", now));
  EXPECT_TRUE(holds(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2026-06-01T12:00:00Z"}})", now));
  EXPECT_FALSE(holds(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2026-06-01T12:00:01Z"}})", now));
  EXPECT_TRUE(holds(R"({"DateEquals":{"aws:CurrentTime":"2026-06-01T12:00:00Z"}})", now));
  EXPECT_FALSE(holds(R"({"DateEquals":{"aws:CurrentTime":"2026-06-01T12:00:01Z"}})", now));
  EXPECT_TRUE(holds(R"({"DateNotEquals":{"aws:CurrentTime":"2026-06-01T12:00:01Z"}})", now));
  EXPECT_FALSE(holds(R"({"DateNotEquals":{"aws:CurrentTime":"2026-06-01T12:00:00Z"}})", now));
}

TEST(DateOperators, InstantsCompareAcrossOffsetsAndDateOnlyForms) {
  const auto now = ctx({{"aws:CurrentTime", "2026-01-31T12:00:00Z"}});
  // 13:00 at +01:00 is 12:00 UTC.
  EXPECT_TRUE(holds(R"({"DateEquals":{"aws:CurrentTime":"2026-01-31T13:00:00+01:00"}})", now));
  // A date without a time is midnight UTC of that day.
  EXPECT_TRUE(holds(R"({"DateGreaterThan":{"aws:CurrentTime":"2026-01-31"}})", now));
  EXPECT_TRUE(holds(R"({"DateLessThan":{"aws:CurrentTime":"2026-02-01"}})", now));
  // Fractional seconds
  EXPECT_TRUE(holds(R"({"DateLessThan":{"aws:CurrentTime":"2026-01-31T12:00:00.500Z"}})", now));
}

TEST(DateOperators, EpochSeconds) {
  const auto now = ctx({{"aws:EpochTime", "1769860800"}});  // 2026-01-31T12:00:00Z
  EXPECT_TRUE(holds(R"({"DateLessThan":{"aws:EpochTime":"1769860801"}})", now));
  EXPECT_FALSE(holds(R"({"DateLessThan":{"aws:EpochTime":"1769860800"}})", now));
  EXPECT_TRUE(holds(R"({"DateGreaterThan":{"aws:EpochTime":"1769817600"}})", now));
  EXPECT_TRUE(holds(R"({"DateEquals":{"aws:EpochTime":"1769860800"}})", now));
  EXPECT_FALSE(holds(R"({"DateGreaterThan":{"aws:EpochTime":"1769860800"}})", now));
}

TEST(DateOperators, AbsentKeyAndIfExists) {
  EXPECT_FALSE(holds(R"({"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}})", kEmpty));
  EXPECT_TRUE(holds(R"({"DateNotEquals":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}})", kEmpty));
  EXPECT_TRUE(holds(R"({"DateLessThanIfExists":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}})", kEmpty));
  EXPECT_FALSE(holds(R"({"DateLessThanIfExists":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})",
                     ctx({{"aws:CurrentTime", "2026-01-01T00:00:00Z"}})));
}

// ---------------------------------------------------------------------------------------------
// Bool and BinaryEquals
// ---------------------------------------------------------------------------------------------

TEST(BoolOperator, MatchesTrueAndFalse) {
  EXPECT_TRUE(holds(R"({"Bool":{"aws:SecureTransport":"true"}})", ctx({{"aws:SecureTransport", "true"}})));
  EXPECT_FALSE(holds(R"({"Bool":{"aws:SecureTransport":"true"}})", ctx({{"aws:SecureTransport", "false"}})));
  EXPECT_TRUE(holds(R"({"Bool":{"aws:SecureTransport":"false"}})", ctx({{"aws:SecureTransport", "false"}})));
  EXPECT_FALSE(holds(R"({"Bool":{"aws:SecureTransport":"false"}})", ctx({{"aws:SecureTransport", "true"}})));
  // JSON true as the policy value
  EXPECT_TRUE(holds(R"({"Bool":{"aws:SecureTransport":true}})", ctx({{"aws:SecureTransport", "true"}})));
}

TEST(BoolOperator, AbsentKeyIsFalseUnlessIfExists) {
  // "aws:MultiFactorAuthPresent": a Bool condition on an absent key does not hold; BoolIfExists does.
  EXPECT_FALSE(holds(R"({"Bool":{"aws:MultiFactorAuthPresent":"true"}})", kEmpty));
  EXPECT_FALSE(holds(R"({"Bool":{"aws:MultiFactorAuthPresent":"false"}})", kEmpty));
  EXPECT_TRUE(holds(R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}})", kEmpty));
  EXPECT_TRUE(holds(R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}})",
                    ctx({{"aws:MultiFactorAuthPresent", "false"}})));
  EXPECT_FALSE(holds(R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}})",
                     ctx({{"aws:MultiFactorAuthPresent", "true"}})));
}

TEST(BinaryOperator, ComparesBase64Values) {
  const std::string c = R"({"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})";
  EXPECT_TRUE(holds(c, ctx({{"key", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})));
  EXPECT_FALSE(holds(c, ctx({{"key", "T3RoZXJWYWx1ZQ=="}})));
  EXPECT_FALSE(holds(c, kEmpty));
  EXPECT_TRUE(holds(R"({"BinaryEqualsIfExists":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}})", kEmpty));
}

// ---------------------------------------------------------------------------------------------
// IP address operators (IPv4 and IPv6 CIDR)
// ---------------------------------------------------------------------------------------------

TEST(IpOperators, Ipv4Cidr) {
  const std::string c = R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:SourceIp", "203.0.113.7"}})));
  EXPECT_TRUE(holds(c, ctx({{"aws:SourceIp", "203.0.113.255"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:SourceIp", "203.0.114.1"}})));
  EXPECT_FALSE(holds(c, kEmpty));
  const std::string n = R"({"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]}})";
  EXPECT_TRUE(holds(n, ctx({{"aws:SourceIp", "192.0.2.1"}})));
  EXPECT_FALSE(holds(n, ctx({{"aws:SourceIp", "198.51.100.9"}})));
  EXPECT_TRUE(holds(n, kEmpty));
}

TEST(IpOperators, BareAddressIsASingleHost) {
  const std::string c = R"({"IpAddress":{"aws:SourceIp":"203.0.113.7"}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:SourceIp", "203.0.113.7"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:SourceIp", "203.0.113.8"}})));
}

TEST(IpOperators, Ipv6Cidr) {
  // The IAM guide's own example writes the network in upper case.
  const std::string c = R"({"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:SourceIp", "2001:db8:1234:5678::1"}})));
  EXPECT_TRUE(holds(c, ctx({{"aws:SourceIp", "2001:db8:1234:5678:ffff:ffff:ffff:ffff"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:SourceIp", "2001:db8:1234:5679::1"}})));
  EXPECT_TRUE(holds(c, ctx({{"aws:SourceIp", "203.0.113.1"}})));
  EXPECT_TRUE(holds(R"({"NotIpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}})",
                    ctx({{"aws:SourceIp", "2001:db8:ffff::1"}})));
}

TEST(IpOperators, FamiliesDoNotMix) {
  EXPECT_FALSE(holds(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", ctx({{"aws:SourceIp", "203.0.113.1"}})));
  EXPECT_FALSE(holds(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})", ctx({{"aws:SourceIp", "2001:db8::1"}})));
  EXPECT_TRUE(holds(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})", ctx({{"aws:SourceIp", "8.8.8.8"}})));
  EXPECT_TRUE(holds(R"({"IpAddress":{"aws:SourceIp":"::/0"}})", ctx({{"aws:SourceIp", "2001:db8::1"}})));
}

TEST(IpOperators, IfExists) {
  EXPECT_TRUE(holds(R"({"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}})", kEmpty));
  EXPECT_FALSE(holds(R"({"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}})", ctx({{"aws:SourceIp", "10.0.0.1"}})));
}

// ---------------------------------------------------------------------------------------------
// ARN operators: each of the six colon-delimited parts is checked separately, case-sensitively,
// and each may contain * and ? (ArnEquals and ArnLike alike).
// ---------------------------------------------------------------------------------------------

TEST(ArnOperators, EqualsAndLike) {
  const auto src = ctx({{"aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:alerts"}});
  EXPECT_TRUE(holds(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:alerts"}})", src));
  EXPECT_FALSE(holds(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:Alerts"}})", src));
  EXPECT_TRUE(holds(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}})", src));
  EXPECT_TRUE(holds(R"({"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-?:*:alerts"}})", src));
  EXPECT_FALSE(holds(R"({"ArnLike":{"aws:SourceArn":"arn:aws:sqs:*:*:*"}})", src));
  EXPECT_FALSE(holds(R"({"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:alerts"}})", src));  // * stays in one part
  EXPECT_FALSE(holds(R"({"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}})", kEmpty));
}

TEST(ArnOperators, NegatedForms) {
  const auto principal = ctx({{"aws:PrincipalArn", "arn:aws:iam::111122223333:role/AdminRole"}});
  EXPECT_FALSE(holds(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin*"}})", principal));
  EXPECT_TRUE(holds(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Dev*"}})", principal));
  EXPECT_FALSE(holds(R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/AdminRole"}})", principal));
  EXPECT_TRUE(holds(R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Other"}})", principal));
  EXPECT_TRUE(holds(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin*"}})", kEmpty));
  EXPECT_TRUE(holds(R"({"ArnLikeIfExists":{"aws:PrincipalArn":"arn:aws:iam::*:role/Dev*"}})", kEmpty));
  EXPECT_FALSE(holds(R"({"ArnLikeIfExists":{"aws:PrincipalArn":"arn:aws:iam::*:role/Dev*"}})", principal));
}

// ---------------------------------------------------------------------------------------------
// Null: "true" means the key must be absent, "false" that it must be present.
// ---------------------------------------------------------------------------------------------

TEST(NullOperator, TestsPresenceOnly) {
  EXPECT_TRUE(holds(R"({"Null":{"aws:TokenIssueTime":"true"}})", kEmpty));
  EXPECT_FALSE(holds(R"({"Null":{"aws:TokenIssueTime":"true"}})", ctx({{"aws:TokenIssueTime", "2026-01-01T00:00:00Z"}})));
  EXPECT_TRUE(holds(R"({"Null":{"aws:TokenIssueTime":"false"}})", ctx({{"aws:TokenIssueTime", "2026-01-01T00:00:00Z"}})));
  EXPECT_FALSE(holds(R"({"Null":{"aws:TokenIssueTime":"false"}})", kEmpty));
  EXPECT_TRUE(holds(R"({"Null":{"aws:TokenIssueTime":true}})", kEmpty));  // JSON boolean value
  // Present with an empty string is still present.
  EXPECT_FALSE(holds(R"({"Null":{"aws:PrincipalTag/team":"true"}})", ctx({{"aws:PrincipalTag/team", ""}})));
}

// ---------------------------------------------------------------------------------------------
// Set operators on multivalued keys
// ---------------------------------------------------------------------------------------------

TEST(SetOperators, ForAllValuesEveryRequestValueMustMatch) {
  const std::string c = R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}})";
  EXPECT_TRUE(holds(c, multi("aws:TagKeys", {"env"})));
  EXPECT_TRUE(holds(c, multi("aws:TagKeys", {"team", "env"})));
  EXPECT_FALSE(holds(c, multi("aws:TagKeys", {"env", "cost"})));
  EXPECT_FALSE(holds(c, multi("aws:TagKeys", {"cost"})));
}

TEST(SetOperators, ForAllValuesIsTrueForAbsentKeyAndEmptySet) {
  const std::string c = R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}})";
  EXPECT_TRUE(holds(c, kEmpty));
  EXPECT_TRUE(holds(c, multi("aws:TagKeys", {})));
}

TEST(SetOperators, ForAnyValueOneRequestValueMustMatch) {
  const std::string c = R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}})";
  EXPECT_TRUE(holds(c, multi("aws:TagKeys", {"cost", "team"})));
  EXPECT_TRUE(holds(c, multi("aws:TagKeys", {"env"})));
  EXPECT_FALSE(holds(c, multi("aws:TagKeys", {"cost", "owner"})));
}

TEST(SetOperators, ForAnyValueIsFalseForAbsentKeyAndEmptySet) {
  const std::string c = R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}})";
  EXPECT_FALSE(holds(c, kEmpty));
  EXPECT_FALSE(holds(c, multi("aws:TagKeys", {})));
}

TEST(SetOperators, WithLikeAndIgnoreCase) {
  EXPECT_TRUE(holds(R"({"ForAllValues:StringLike":{"aws:TagKeys":"env-*"}})", multi("aws:TagKeys", {"env-a", "env-b"})));
  EXPECT_FALSE(holds(R"({"ForAllValues:StringLike":{"aws:TagKeys":"env-*"}})", multi("aws:TagKeys", {"env-a", "x"})));
  EXPECT_TRUE(holds(R"({"ForAnyValue:StringLike":{"aws:TagKeys":"env-*"}})", multi("aws:TagKeys", {"x", "env-a"})));
  EXPECT_TRUE(holds(R"({"ForAnyValue:StringEqualsIgnoreCase":{"aws:TagKeys":"ENV"}})", multi("aws:TagKeys", {"env"})));
  EXPECT_FALSE(holds(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":"ENV"}})", multi("aws:TagKeys", {"env"})));
}

TEST(SetOperators, NegatedOperatorsInsideQualifiers) {
  // ForAllValues:StringNotEquals — every request value differs from every listed value.
  const std::string all = R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["env","team"]}})";
  EXPECT_TRUE(holds(all, multi("aws:TagKeys", {"cost", "owner"})));
  EXPECT_FALSE(holds(all, multi("aws:TagKeys", {"cost", "team"})));
  EXPECT_TRUE(holds(all, kEmpty));
  // ForAnyValue:StringNotEquals — at least one request value differs from every listed value.
  const std::string any = R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","team"]}})";
  EXPECT_TRUE(holds(any, multi("aws:TagKeys", {"env", "cost"})));
  EXPECT_FALSE(holds(any, multi("aws:TagKeys", {"env", "team"})));
  EXPECT_FALSE(holds(any, kEmpty));
  EXPECT_FALSE(holds(any, multi("aws:TagKeys", {})));
}

TEST(SetOperators, SingleValuedKeyIsAOneElementSet) {
  const auto alice = ctx({{"aws:username", "alice"}});
  const auto carol = ctx({{"aws:username", "carol"}});
  EXPECT_TRUE(holds(R"({"ForAnyValue:StringEquals":{"aws:username":["alice","bob"]}})", alice));
  EXPECT_FALSE(holds(R"({"ForAnyValue:StringEquals":{"aws:username":["alice","bob"]}})", carol));
  EXPECT_TRUE(holds(R"({"ForAllValues:StringEquals":{"aws:username":["alice","bob"]}})", alice));
  EXPECT_FALSE(holds(R"({"ForAllValues:StringEquals":{"aws:username":["alice","bob"]}})", carol));
}

TEST(SetOperators, OtherFamiliesUnderQualifiers) {
  EXPECT_TRUE(holds(R"({"ForAllValues:ArnLike":{"aws:PrincipalServiceNamesList":"arn:aws:iam::*:role/*"}})",
                    multi("aws:PrincipalServiceNamesList", {"arn:aws:iam::111122223333:role/a"})));
  EXPECT_TRUE(holds(R"({"ForAnyValue:NumericGreaterThan":{"ex:Sizes":"10"}})", multi("ex:Sizes", {"1", "20"})));
  EXPECT_FALSE(holds(R"({"ForAllValues:NumericGreaterThan":{"ex:Sizes":"10"}})", multi("ex:Sizes", {"1", "20"})));
  EXPECT_TRUE(holds(R"({"ForAnyValue:IpAddress":{"ex:Ips":"10.0.0.0/8"}})", multi("ex:Ips", {"192.0.2.1", "10.1.1.1"})));
}

TEST(SetOperators, MultivaluedKeyWithoutQualifierMatchesAnyValue) {
  const std::string c = R"({"StringEquals":{"aws:TagKeys":"env"}})";
  EXPECT_TRUE(holds(c, multi("aws:TagKeys", {"env", "team"})));
  EXPECT_FALSE(holds(c, multi("aws:TagKeys", {"cost", "team"})));
  EXPECT_FALSE(holds(c, multi("aws:TagKeys", {})));
  EXPECT_FALSE(holds(c, kEmpty));
}

// ---------------------------------------------------------------------------------------------
// Keys and blocks
// ---------------------------------------------------------------------------------------------

TEST(ConditionKeys, KeyNamesAreCaseInsensitiveButValuesAreNot) {
  EXPECT_TRUE(holds(R"({"IpAddress":{"AWS:SOURCEIP":"203.0.113.0/24"}})", ctx({{"aws:SourceIp", "203.0.113.5"}})));
  EXPECT_TRUE(holds(R"({"IpAddress":{"aws:sourceip":"203.0.113.0/24"}})", ctx({{"AWS:SourceIP", "203.0.113.5"}})));
  EXPECT_TRUE(holds(R"({"StringEquals":{"AWS:PrincipalTag/Team":"red"}})", ctx({{"aws:principaltag/team", "red"}})));
  EXPECT_FALSE(holds(R"({"StringEquals":{"AWS:PrincipalTag/Team":"red"}})", ctx({{"aws:principaltag/team", "Red"}})));
  EXPECT_TRUE(holds(R"({"ForAnyValue:StringEquals":{"AWS:TAGKEYS":"env"}})", multi("aws:TagKeys", {"env"})));
}

TEST(ConditionKeys, SettingAKeyTwiceReplacesIt) {
  RequestContext c;
  c.set("aws:username", "alice");
  c.set("AWS:UserName", "bob");
  EXPECT_TRUE(holds(R"({"StringEquals":{"aws:username":"bob"}})", c));
  EXPECT_FALSE(holds(R"({"StringEquals":{"aws:username":"alice"}})", c));
}

// The compact index that evaluation reads (RequestContext::lookup) answers like the entries it is
// built from: for keys set once or again (the last value wins), single- and multi-valued, empty
// sets and empty strings, keys sorting anywhere in the entries, and in a copy of the context.
TEST(ConditionKeys, CompactIndexAgreesWithTheEntries) {
  RequestContext c;
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k:" + std::to_string((i * 7919) % 211);  // 211 keys, many set twice
    if (i % 5 == 0) {
      std::vector<std::string> values;
      for (int k = 0; k < i % 4; ++k) values.push_back("v" + std::to_string(i) + "-" + std::to_string(k));
      c.set_multi(key, values);  // i % 4 == 0: the empty set
    } else {
      c.set(i % 2 ? key : "K:" + key.substr(2), i % 3 ? "value-" + std::to_string(i) : std::string());
    }
  }
  const RequestContext copy = c;
  ASSERT_EQ(c.entries().size(), 211u);
  for (const RequestContext* ctx : {static_cast<const RequestContext*>(&c), &copy}) {
    for (const auto& e : ctx->entries()) {
      SCOPED_TRACE(e.key_lower);
      accessgraph::condition::ContextValues found;
      ASSERT_TRUE(ctx->lookup(e.key_lower, RequestContext::key_hash(e.key_lower), &found));
      EXPECT_EQ(found.multivalued(), e.multivalued);
      ASSERT_EQ(found.size(), e.values.size());
      for (std::size_t i = 0; i < e.values.size(); ++i) EXPECT_EQ(found[i], e.values[i]);
      EXPECT_EQ(ctx->find(e.key_lower), &e);
    }
    accessgraph::condition::ContextValues none;
    EXPECT_FALSE(ctx->lookup("k:211", RequestContext::key_hash("k:211"), &none));
    EXPECT_FALSE(ctx->lookup("k:1", RequestContext::key_hash("k:10"), &none));  // another key's hash
    EXPECT_EQ(ctx->find("k:211"), nullptr);
  }
}

// Two keys whose 32-bit index tags are equal (hash ^ hash >> 32 of their FNV-1a hashes): the
// lookup must still tell them apart by their text, also after one of them is set again.
TEST(ConditionKeys, KeysSharingAnIndexTagStayApart) {
  const std::string a = "k0014d80", b = "k0024213";
  const auto tag = [](const std::string& k) {
    const std::uint64_t h = RequestContext::key_hash(k);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  };
  ASSERT_EQ(tag(a), tag(b)) << "the pair no longer collides: pick another";
  RequestContext c;
  c.set(a, "A");
  c.set(b, "B");
  c.set(a, "A2");
  accessgraph::condition::ContextValues va, vb;
  ASSERT_TRUE(c.lookup(a, RequestContext::key_hash(a), &va));
  ASSERT_TRUE(c.lookup(b, RequestContext::key_hash(b), &vb));
  EXPECT_EQ(va[0], "A2");
  EXPECT_EQ(vb[0], "B");
  EXPECT_EQ(c.find(b)->values.front(), "B");
  EXPECT_FALSE(c.lookup("k0000000", RequestContext::key_hash(a), &va));  // a's tag, another text
}

TEST(ConditionBlock, EveryOperatorAndEveryKeyMustHold) {
  const std::string c = R"({"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"us-east-1"},
                            "Bool":{"aws:SecureTransport":"true"}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:username", "alice"}, {"aws:RequestedRegion", "us-east-1"}, {"aws:SecureTransport", "true"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:username", "alice"}, {"aws:RequestedRegion", "eu-west-1"}, {"aws:SecureTransport", "true"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:username", "alice"}, {"aws:RequestedRegion", "us-east-1"}, {"aws:SecureTransport", "false"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:username", "alice"}, {"aws:RequestedRegion", "us-east-1"}})));
}

TEST(ConditionBlock, EmptyBlockAlwaysHolds) {
  EXPECT_TRUE(holds("{}", kEmpty));
}

// ---------------------------------------------------------------------------------------------
// Policy variables in condition values:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// ---------------------------------------------------------------------------------------------

TEST(ConditionVariables, VariableInStringValue) {
  const std::string c = R"({"StringEquals":{"s3:prefix":"home/${aws:username}/"}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:username", "alice"}, {"s3:prefix", "home/alice/"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:username", "alice"}, {"s3:prefix", "home/bob/"}})));
  // Unresolvable (no aws:username) matches nothing — not even the literal text.
  EXPECT_FALSE(holds(c, ctx({{"s3:prefix", "home/${aws:username}/"}})));
  EXPECT_FALSE(holds(c, ctx({{"s3:prefix", "home//"}})));
}

TEST(ConditionVariables, VariableInLikeValueKeepsWildcards) {
  const std::string c = R"({"StringLike":{"s3:prefix":["home/${aws:username}/*"]}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:username", "alice"}, {"s3:prefix", "home/alice/docs/x"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:username", "alice"}, {"s3:prefix", "home/bob/docs/x"}})));
}

TEST(ConditionVariables, TagToTagComparison) {
  const std::string c = R"({"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:PrincipalTag/team", "red"}, {"aws:ResourceTag/team", "red"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:PrincipalTag/team", "red"}, {"aws:ResourceTag/team", "blue"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:ResourceTag/team", "red"}})));
}

TEST(ConditionVariables, DefaultValue) {
  const std::string c = R"({"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'shared'}"}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:ResourceTag/team", "shared"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:ResourceTag/team", "red"}})));
  EXPECT_TRUE(holds(c, ctx({{"aws:PrincipalTag/team", "red"}, {"aws:ResourceTag/team", "red"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:PrincipalTag/team", "red"}, {"aws:ResourceTag/team", "shared"}})));
}

TEST(ConditionVariables, VariableInArnValue) {
  const std::string c = R"({"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:${aws:PrincipalAccount}:*"}})";
  EXPECT_TRUE(holds(c, ctx({{"aws:PrincipalAccount", "111122223333"},
                           {"aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:t"}})));
  EXPECT_FALSE(holds(c, ctx({{"aws:PrincipalAccount", "111122223333"},
                            {"aws:SourceArn", "arn:aws:sns:us-east-1:444455556666:t"}})));
}

TEST(ConditionVariables, LiteralUnlessVersion2012) {
  // Without Version 2012-10-17 the text "${aws:username}" is compared literally.
  const std::string c = R"({"StringEquals":{"s3:prefix":"${aws:username}"}})";
  const auto literal = ctx({{"aws:username", "alice"}, {"s3:prefix", "${aws:username}"}});
  const auto substituted = ctx({{"aws:username", "alice"}, {"s3:prefix", "alice"}});
  EXPECT_TRUE(holds(c, literal, ""));
  EXPECT_FALSE(holds(c, substituted, ""));
  EXPECT_TRUE(holds(c, literal, "\"Version\":\"2008-10-17\","));
  EXPECT_FALSE(holds(c, substituted, "\"Version\":\"2008-10-17\","));
  EXPECT_FALSE(holds(c, literal));
  EXPECT_TRUE(holds(c, substituted));
}

}  // namespace
