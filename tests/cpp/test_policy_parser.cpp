// The policy parser: every element of the IAM JSON policy grammar, every typed error with the JSON
// pointer (RFC 6901) of the offending element, hostile input, and every AWS managed policy.
// Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
// Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "accessgraph/condition/context.hpp"
#include "accessgraph/policy/parse_error.hpp"
#include "accessgraph/policy/policy.hpp"

namespace {

namespace codes = accessgraph::policy::codes;
using accessgraph::condition::RequestContext;
using accessgraph::policy::Effect;
using accessgraph::policy::ParseError;
using accessgraph::policy::Policy;
using accessgraph::policy::Version;

struct Outcome {
  bool ok = false;
  std::string code;
  std::string pointer;
};

Outcome try_parse(const std::string& text) {
  Outcome o;
  try {
    Policy::parse(text, "t");
    o.ok = true;
  } catch (const ParseError& e) {
    o.code = e.code();
    o.pointer = e.json_pointer();
  }
  return o;
}

// One statement wrapped in a 2012-10-17 policy.
std::string with_statement(const std::string& statement) {
  return R"({"Version":"2012-10-17","Statement":[)" + statement + "]}";
}

#define EXPECT_PARSE_ERROR(text, expected_code, expected_pointer)          \
  do {                                                                     \
    const Outcome o_ = try_parse(text);                                    \
    EXPECT_FALSE(o_.ok) << "parsed without error: " << (text);             \
    EXPECT_EQ(o_.code, expected_code) << (text);                           \
    EXPECT_EQ(o_.pointer, expected_pointer) << (text);                     \
  } while (0)

// ---------------------------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------------------------

TEST(PolicyElements, MinimalPolicy) {
  auto p = Policy::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
      "minimal");
  EXPECT_EQ(p->name(), "minimal");
  EXPECT_EQ(p->version(), Version::k2012_10_17);
  ASSERT_EQ(p->statements().size(), 1u);
  const auto& st = p->statements()[0];
  EXPECT_EQ(st.effect, Effect::kAllow);
  EXPECT_FALSE(st.not_action);
  EXPECT_TRUE(st.has_resource);
  EXPECT_FALSE(st.not_resource);
  EXPECT_FALSE(st.has_principal);
  EXPECT_TRUE(st.condition.empty());
  EXPECT_EQ(st.sid, "");
  EXPECT_EQ(st.index, 0u);
  EXPECT_EQ(st.json_pointer, "/Statement/0");
  EXPECT_TRUE(st.matches_action("s3:getobject"));
  EXPECT_FALSE(st.matches_action("s3:putobject"));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
TEST(PolicyElements, VersionValues) {
  const std::string body = R"("Statement":{"Effect":"Allow","Action":"*","Resource":"*"})";
  EXPECT_EQ(Policy::parse("{\"Version\":\"2012-10-17\"," + body + "}")->version(), Version::k2012_10_17);
  EXPECT_EQ(Policy::parse("{\"Version\":\"2008-10-17\"," + body + "}")->version(), Version::k2008_10_17);
  EXPECT_EQ(Policy::parse("{" + body + "}")->version(), Version::kNone);
}

// Policy variables are only recognised in Version 2012-10-17 policies; otherwise "${...}" is text.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
TEST(PolicyElements, VariablesAreLiteralUnlessVersion2012) {
  RequestContext ctx;
  ctx.set("aws:username", "alice");
  const std::string statement =
      R"("Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"})";
  for (const std::string version : {"", "\"Version\":\"2008-10-17\","}) {
    auto p = Policy::parse("{" + version + statement + "}");
    const auto& st = p->statements().at(0);
    EXPECT_TRUE(st.matches_resource("arn:aws:s3:::b/${aws:username}/x", ctx)) << version;
    EXPECT_FALSE(st.matches_resource("arn:aws:s3:::b/alice/x", ctx)) << version;
  }
  auto p = Policy::parse("{\"Version\":\"2012-10-17\"," + statement + "}");
  const auto& st = p->statements().at(0);
  EXPECT_FALSE(st.matches_resource("arn:aws:s3:::b/${aws:username}/x", ctx));
  EXPECT_TRUE(st.matches_resource("arn:aws:s3:::b/alice/x", ctx));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_id.html
TEST(PolicyElements, IdIsKept) {
  auto p = Policy::parse(R"({"Version":"2012-10-17","Id":"S3-Account-Permissions",
                             "Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  EXPECT_EQ(p->id(), "S3-Account-Permissions");
  auto q = Policy::parse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  EXPECT_EQ(q->id(), "");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html
TEST(PolicyElements, StatementAsSingleObject) {
  auto p = Policy::parse(R"({"Version":"2012-10-17","Statement":{"Sid":"Only","Effect":"Deny","Action":"*","Resource":"*"}})");
  ASSERT_EQ(p->statements().size(), 1u);
  const auto& st = p->statements()[0];
  EXPECT_EQ(st.effect, Effect::kDeny);
  EXPECT_EQ(st.index, 0u);
  EXPECT_EQ(st.sid, "Only");
  EXPECT_EQ(st.json_pointer, "/Statement");
}

TEST(PolicyElements, StatementListKeepsOrderIndexAndPointer) {
  auto p = Policy::parse(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"First","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
      {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"},
      {"Sid":"Third","Effect":"Allow","Action":"sqs:*","Resource":"*"}]})");
  ASSERT_EQ(p->statements().size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(p->statements()[i].index, i);
    EXPECT_EQ(p->statements()[i].json_pointer, "/Statement/" + std::to_string(i));
  }
  EXPECT_EQ(p->statements()[0].sid, "First");
  EXPECT_EQ(p->statements()[1].sid, "");
  EXPECT_EQ(p->statements()[1].effect, Effect::kDeny);
  EXPECT_EQ(p->statements()[2].sid, "Third");
  EXPECT_EQ(p->statements()[2].label(), "#2 (Sid \"Third\")");
  EXPECT_EQ(p->statements()[1].label(), "#1");
  EXPECT_STREQ(accessgraph::policy::to_string(Effect::kAllow), "Allow");
  EXPECT_STREQ(accessgraph::policy::to_string(Effect::kDeny), "Deny");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
TEST(PolicyElements, PrincipalForms) {
  auto p = Policy::parse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
      {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"},
      {"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:role/r"]},"Action":"s3:GetObject","Resource":"*"},
      {"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","events.amazonaws.com"]},"Action":"s3:GetObject","Resource":"*"},
      {"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"},
      {"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject","Resource":"*"}]})");
  const auto& st = p->statements();
  ASSERT_EQ(st.size(), 6u);
  for (const auto& s : st) EXPECT_TRUE(s.has_principal);
  EXPECT_TRUE(st[0].principal.wildcard);
  EXPECT_TRUE(st[1].principal.wildcard);
  EXPECT_FALSE(st[2].principal.wildcard);
  EXPECT_EQ(st[2].principal.aws.size(), 2u);
  EXPECT_EQ(st[3].principal.service.size(), 2u);
  EXPECT_EQ(st[4].principal.federated.size(), 1u);
  EXPECT_FALSE(st[4].has_resource);  // trust-policy statement without Resource
  EXPECT_EQ(st[5].principal.canonical_user.size(), 1u);
  EXPECT_FALSE(st[5].principal.empty());
}

TEST(PolicyElements, NotForms) {
  auto p = Policy::parse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","111122223333"]},
       "NotAction":["s3:GetObject","s3:ListBucket"],"NotResource":"arn:aws:s3:::public/*"}]})");
  const auto& st = p->statements().at(0);
  EXPECT_TRUE(st.has_principal);
  EXPECT_TRUE(st.not_principal);
  EXPECT_TRUE(st.not_action);
  EXPECT_TRUE(st.has_resource);
  EXPECT_TRUE(st.not_resource);
  EXPECT_EQ(st.actions.size(), 2u);
  EXPECT_EQ(st.resources.size(), 1u);
  EXPECT_TRUE(st.matches_action("s3:putobject"));
  EXPECT_FALSE(st.matches_action("s3:getobject"));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
TEST(PolicyElements, ConditionClauses) {
  auto p = Policy::parse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",
      "Condition":{"StringEquals":{"aws:username":["alice","bob"],"aws:RequestedRegion":"us-east-1"},
                   "ForAnyValue:StringLike":{"aws:TagKeys":"env-*"},
                   "NumericLessThan":{"s3:max-keys":10},
                   "Bool":{"aws:SecureTransport":true}}}})");
  const auto& clauses = p->statements().at(0).condition.clauses;
  ASSERT_EQ(clauses.size(), 5u);
  std::size_t username_values = 0;
  bool saw_region = false, saw_tags = false, saw_numeric = false, saw_bool = false;
  for (const auto& c : clauses) {
    if (c.key_lower == "aws:username") username_values = c.values.size();
    if (c.key == "aws:RequestedRegion") saw_region = c.key_lower == "aws:requestedregion";
    if (c.key_lower == "aws:tagkeys") saw_tags = c.op.qualifier == accessgraph::condition::SetQualifier::kForAnyValue;
    if (c.key_lower == "s3:max-keys") saw_numeric = c.values.size() == 1 && c.values[0].number == 10.0;
    if (c.key_lower == "aws:securetransport") saw_bool = true;
  }
  EXPECT_EQ(username_values, 2u);
  EXPECT_TRUE(saw_region);
  EXPECT_TRUE(saw_tags);
  EXPECT_TRUE(saw_numeric);
  EXPECT_TRUE(saw_bool);
}

TEST(PolicyElements, ActionsAreLowerCasedForMatching) {
  auto p = Policy::parse(with_statement(R"({"Effect":"Allow","Action":["S3:GetObject","IAM:List*"],"Resource":"*"})"));
  const auto& st = p->statements().at(0);
  EXPECT_TRUE(st.matches_action("s3:getobject"));
  EXPECT_TRUE(st.matches_action("iam:listroles"));
  EXPECT_FALSE(st.matches_action("iam:createrole"));
}

TEST(PolicyElements, ElementsInAnyOrder) {
  auto p = Policy::parse(R"({"Statement":[{"Resource":"*","Action":"*","Sid":"x","Effect":"Allow"}],"Id":"i","Version":"2012-10-17"})");
  EXPECT_EQ(p->version(), Version::k2012_10_17);
  EXPECT_EQ(p->statements().at(0).sid, "x");
}

// ---------------------------------------------------------------------------------------------
// Errors: code and JSON pointer
// ---------------------------------------------------------------------------------------------

TEST(ParseErrors, InvalidJson) {
  EXPECT_PARSE_ERROR("{", codes::kInvalidJson, "");
  EXPECT_PARSE_ERROR("", codes::kInvalidJson, "");
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17",})", codes::kInvalidJson, "");
  EXPECT_PARSE_ERROR(R"({"Version":'2012-10-17'})", codes::kInvalidJson, "");
  EXPECT_PARSE_ERROR("{\"Sid\":\"\xff\"}", codes::kInvalidJson, "");  // not UTF-8
  EXPECT_PARSE_ERROR(R"({"Statement":[]} trailing)", codes::kInvalidJson, "");
}

// RFC 8259 section 4: object names SHOULD be unique, and readers differ on which value of a repeated
// name they keep; {"Effect":"Deny","Effect":"Allow"} would be a Deny to one and an Allow to another.
// A repeated key is refused with its JSON pointer instead of being read one way silently.
TEST(ParseErrors, RepeatedKeyIsAmbiguousAndRefused) {
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Deny","Action":"*","Resource":"*","Effect":"Allow"})"),
                     codes::kDuplicateKey, "/Statement/0/Effect");
  // The pointer names the object and the key wherever it is: nested objects, later array
  // elements, the document itself.
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},)"
                     R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":"a",)"
                     R"("aws:username":"b"}}}]})",
                     codes::kDuplicateKey, "/Statement/1/Condition/StringEquals/aws:username");
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","Statement":[],"Version":"2008-10-17"})", codes::kDuplicateKey,
                     "/Version");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Principal":{"AWS":"*","AWS":"1"}})"),
                     codes::kDuplicateKey, "/Statement/0/Principal/AWS");
  // An escaped spelling is the same key (the pointer token is escaped per RFC 6901).
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","\u0045ffect":"Deny"})"),
                     codes::kDuplicateKey, "/Statement/0/Effect");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"a/b":"x","a/b":"y"}}})"),
                     codes::kDuplicateKey, "/Statement/0/Condition/StringLike/a~1b");
  // The same key in different objects, and keys differing in case, are not repeats in JSON.
  EXPECT_TRUE(try_parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},)"
                        R"({"Effect":"Deny","Action":"*","Resource":"*"}]})").ok);
  EXPECT_TRUE(try_parse(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":"a","aws:UserName":"a"}}})")).ok);
}

TEST(ParseErrors, TooLarge) {
  const std::string head = R"({"Version":"2012-10-17","Statement":{"Sid":")";
  const std::string tail = R"(","Effect":"Allow","Action":"*","Resource":"*"}})";
  const std::size_t limit = accessgraph::policy::kMaxPolicyBytes;
  // Exactly at the limit: accepted.
  const std::string at_limit = head + std::string(limit - head.size() - tail.size(), 'a') + tail;
  ASSERT_EQ(at_limit.size(), limit);
  EXPECT_TRUE(try_parse(at_limit).ok);
  // One byte more: rejected as too large, for the whole document.
  const std::string over = head + std::string(limit - head.size() - tail.size() + 1, 'a') + tail;
  EXPECT_PARSE_ERROR(over, codes::kTooLarge, "");
  // Far too large, and not even JSON: the size check comes first.
  EXPECT_PARSE_ERROR(std::string(3 * limit, '['), codes::kTooLarge, "");
}

TEST(ParseErrors, TooDeep) {
  const int depth = accessgraph::policy::kMaxJsonDepth + 1;
  std::string nested;
  for (int i = 0; i < depth; ++i) nested += '[';
  for (int i = 0; i < depth; ++i) nested += ']';
  const std::string doc = with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":)" +
                                         nested + "}}}");
  EXPECT_EQ(try_parse(doc).code, codes::kTooDeep);
  // Pathological (but well-formed) input that would overflow a recursive parser's stack.
  EXPECT_EQ(try_parse(std::string(200000, '[') + std::string(200000, ']')).code, codes::kTooDeep);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1";
  objects += std::string(100000, '}');
  EXPECT_EQ(try_parse(objects).code, codes::kTooDeep);
  // Unbalanced deep input still only gives a typed error.
  const auto unbalanced = try_parse(std::string(200000, '{'));
  EXPECT_FALSE(unbalanced.ok);
  EXPECT_TRUE(unbalanced.code == codes::kTooDeep || unbalanced.code == codes::kInvalidJson) << unbalanced.code;
}

TEST(ParseErrors, BracketsInsideStringsAreNotNesting) {
  const std::string sid(500, '[');
  EXPECT_TRUE(try_parse(with_statement(R"({"Sid":")" + sid + R"(","Effect":"Allow","Action":"*","Resource":"*"})")).ok);
  const std::string escaped = R"(\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[)";
  EXPECT_TRUE(try_parse(with_statement(R"({"Sid":")" + escaped + R"(","Effect":"Allow","Action":"*","Resource":"*"})")).ok);
}

TEST(ParseErrors, WrongType) {
  EXPECT_PARSE_ERROR("[]", codes::kWrongType, "");
  EXPECT_PARSE_ERROR(R"("policy")", codes::kWrongType, "");
  EXPECT_PARSE_ERROR(R"({"Version":20121017,"Statement":[]})", codes::kWrongType, "/Version");
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","Id":7,"Statement":[]})", codes::kWrongType, "/Id");
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","Statement":"Allow"})", codes::kWrongType, "/Statement");
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},"x"]})",
                     codes::kWrongType, "/Statement/1");
  EXPECT_PARSE_ERROR(with_statement(R"({"Sid":5,"Effect":"Allow","Action":"*","Resource":"*"})"), codes::kWrongType,
                     "/Statement/0/Sid");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":true,"Action":"*","Resource":"*"})"), codes::kWrongType,
                     "/Statement/0/Effect");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":5,"Resource":"*"})"), codes::kWrongType,
                     "/Statement/0/Action");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":["s3:GetObject",5],"Resource":"*"})"),
                     codes::kWrongType, "/Statement/0/Action/1");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":{"arn":"x"}})"), codes::kWrongType,
                     "/Statement/0/Resource");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","NotResource":[null]})"), codes::kWrongType,
                     "/Statement/0/NotResource/0");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Principal":"arn:aws:iam::111122223333:root"})"),
                     codes::kWrongType, "/Statement/0/Principal");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Principal":{"AWS":[7]}})"),
                     codes::kWrongType, "/Statement/0/Principal/AWS/0");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"})"), codes::kWrongType,
                     "/Statement/0/Condition");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":"x"}})"),
                     codes::kWrongType, "/Statement/0/Condition/StringEquals");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":"b"}}}})"),
      codes::kWrongType, "/Statement/0/Condition/StringEquals/aws:username");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":["a",null]}}})"),
      codes::kWrongType, "/Statement/0/Condition/StringEquals/aws:username/1");
}

TEST(ParseErrors, UnknownElement) {
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","Foo":1,"Statement":[]})", codes::kUnknownElement, "/Foo");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Actions":"*","Resource":"*"})"), codes::kUnknownElement,
                     "/Statement/0/Actions");
  // Element names are case-sensitive.
  EXPECT_PARSE_ERROR(with_statement(R"({"effect":"Allow","Action":"*","Resource":"*"})"), codes::kUnknownElement,
                     "/Statement/0/effect");
  // A "/" in a member name is escaped as "~1" and "~" as "~0" (RFC 6901).
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","a/b~c":1,"Statement":[]})", codes::kUnknownElement, "/a~1b~0c");
}

TEST(ParseErrors, MissingStatement) {
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17"})", codes::kMissingStatement, "");
  EXPECT_PARSE_ERROR("{}", codes::kMissingStatement, "");
}

TEST(ParseErrors, MissingEffect) {
  EXPECT_PARSE_ERROR(with_statement(R"({"Action":"*","Resource":"*"})"), codes::kMissingEffect, "/Statement/0");
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","Statement":{"Action":"*","Resource":"*"}})", codes::kMissingEffect,
                     "/Statement");
}

TEST(ParseErrors, InvalidEffect) {
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Permit","Action":"*","Resource":"*"})"), codes::kInvalidEffect,
                     "/Statement/0/Effect");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"","Action":"*","Resource":"*"})"), codes::kInvalidEffect,
                     "/Statement/0/Effect");
}

TEST(ParseErrors, MissingAction) {
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Resource":"*"})"), codes::kMissingAction, "/Statement/0");
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Resource":"*"}]})",
                     codes::kMissingAction, "/Statement/1");
}

TEST(ParseErrors, ConflictingElements) {
  // Which of the two members is reported depends on the order the parser meets them; either
  // pointer names the conflict.
  const auto action = try_parse(with_statement(R"({"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"})"));
  EXPECT_EQ(action.code, codes::kConflictingElements);
  EXPECT_TRUE(action.pointer == "/Statement/0/Action" || action.pointer == "/Statement/0/NotAction") << action.pointer;
  const auto resource = try_parse(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","NotResource":"x"})"));
  EXPECT_EQ(resource.code, codes::kConflictingElements);
  EXPECT_TRUE(resource.pointer == "/Statement/0/Resource" || resource.pointer == "/Statement/0/NotResource")
      << resource.pointer;
  const auto principal = try_parse(with_statement(R"({"Effect":"Deny","Action":"*","Resource":"*","Principal":"*","NotPrincipal":{"AWS":"111122223333"}})"));
  EXPECT_EQ(principal.code, codes::kConflictingElements);
  EXPECT_TRUE(principal.pointer == "/Statement/0/Principal" || principal.pointer == "/Statement/0/NotPrincipal")
      << principal.pointer;
}

TEST(ParseErrors, UnsupportedVersion) {
  EXPECT_PARSE_ERROR(R"({"Version":"2020-01-01","Statement":[]})", codes::kUnsupportedVersion, "/Version");
  EXPECT_PARSE_ERROR(R"({"Version":"2012-10-18","Statement":[]})", codes::kUnsupportedVersion, "/Version");
  EXPECT_PARSE_ERROR(R"({"Version":"","Statement":[]})", codes::kUnsupportedVersion, "/Version");
}

TEST(ParseErrors, UnknownPrincipalType) {
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Principal":{"Users":"alice"}})"),
                     codes::kUnknownPrincipalType, "/Statement/0/Principal/Users");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Deny","Action":"*","Resource":"*","NotPrincipal":{"aws":"111122223333"}})"),
                     codes::kUnknownPrincipalType, "/Statement/0/NotPrincipal/aws");
}

TEST(ParseErrors, UnknownConditionOperator) {
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}})"),
      codes::kUnknownConditionOperator, "/Statement/0/Condition/StringEqualz");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}})"),
      codes::kUnknownConditionOperator, "/Statement/0/Condition/NullIfExists");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForEveryValue:StringEquals":{"aws:TagKeys":"a"}}})"),
      codes::kUnknownConditionOperator, "/Statement/0/Condition/ForEveryValue:StringEquals");
}

TEST(ParseErrors, InvalidConditionValue) {
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}})"),
      codes::kInvalidConditionValue, "/Statement/0/Condition/NumericLessThan/s3:max-keys");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":["10","ten"]}}})"),
      codes::kInvalidConditionValue, "/Statement/0/Condition/NumericEquals/s3:max-keys/1");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"next week"}}})"),
      codes::kInvalidConditionValue, "/Statement/0/Condition/DateGreaterThan/aws:CurrentTime");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}})"),
      codes::kInvalidConditionValue, "/Statement/0/Condition/IpAddress/aws:SourceIp");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","intranet"]}}})"),
      codes::kInvalidConditionValue, "/Statement/0/Condition/NotIpAddress/aws:SourceIp/1");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"maybe"}}})"),
      codes::kInvalidConditionValue, "/Statement/0/Condition/Null/aws:TokenIssueTime");
  // A "/" inside a condition key is escaped as "~1" in the pointer.
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericGreaterThan":{"aws:PrincipalTag/level":"high"}}})"),
      codes::kInvalidConditionValue, "/Statement/0/Condition/NumericGreaterThan/aws:PrincipalTag~1level");
}

// A malformed policy variable in a 2012-10-17 policy (unterminated "${", or an empty name) is a
// policy error, reported at the value that holds it.
TEST(ParseErrors, InvalidVariable) {
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/${aws:username"]})"),
                     codes::kInvalidVariable, "/Statement/0/Resource/1");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${}/*"})"),
                     codes::kInvalidVariable, "/Statement/0/Resource");
  EXPECT_PARSE_ERROR(
      with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"s3:prefix":["home/${aws:username"]}}})"),
      codes::kInvalidVariable, "/Statement/0/Condition/StringLike/s3:prefix/0");
  // Before 2012-10-17 the same text is not a variable at all, so it is not an error.
  EXPECT_TRUE(try_parse(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username"}})").ok);
}

TEST(ParseErrors, EmptyValue) {
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":[],"Resource":"*"})"), codes::kEmptyValue,
                     "/Statement/0/Action");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":[]})"), codes::kEmptyValue,
                     "/Statement/0/Resource");
  EXPECT_PARSE_ERROR(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Principal":{"AWS":[]}})"),
                     codes::kEmptyValue, "/Statement/0/Principal/AWS");
}

TEST(ParseErrors, MessageNamesCodeAndPointer) {
  try {
    Policy::parse(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}})"));
    FAIL() << "no error";
  } catch (const ParseError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown-condition-operator"), std::string::npos) << what;
    EXPECT_NE(what.find("/Statement/0/Condition/StringEqualz"), std::string::npos) << what;
    EXPECT_FALSE(e.message().empty());
  }
}

// IAM UG, Principal element: "You must use the Principal element in resource-based policies" and
// "You cannot use the Principal element in an identity-based policy".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
TEST(ParseErrors, PrincipalOnlyInResourceBasedPolicies) {
  using accessgraph::policy::check_principal_elements;
  const auto with_principal = Policy::parse(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
                                                           R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"})"));
  const auto with_not_principal = Policy::parse(with_statement(R"({"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"})"));
  const auto without = Policy::parse(with_statement(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)"
                                                    R"({"Effect":"Deny","Action":"*","Resource":"*"})"));
  const auto identity = Policy::parse(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*"})"));
  const auto resource = Policy::parse(with_statement(R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"})"));
  EXPECT_NO_THROW(check_principal_elements(*resource, true));
  EXPECT_NO_THROW(check_principal_elements(*with_not_principal, true));
  EXPECT_NO_THROW(check_principal_elements(*identity, false));
  const auto expect_error = [](const Policy& p, bool resource_based, const char* code, const std::string& pointer) {
    try {
      check_principal_elements(p, resource_based, "/resource_policy");
      ADD_FAILURE() << "no error, expected " << code;
    } catch (const ParseError& e) {
      EXPECT_EQ(e.code(), code);
      EXPECT_EQ(e.json_pointer(), pointer);
      EXPECT_FALSE(e.message().empty());
    }
  };
  expect_error(*without, true, codes::kMissingPrincipal, "/resource_policy/Statement/1");
  expect_error(*with_principal, true, codes::kMissingPrincipal, "/resource_policy/Statement/0");
  expect_error(*with_principal, false, codes::kUnexpectedPrincipal, "/resource_policy/Statement/1/Principal");
  expect_error(*with_not_principal, false, codes::kUnexpectedPrincipal, "/resource_policy/Statement/0/NotPrincipal");
}

// IAM UG, Resource element: "Statements must include either a Resource or a NotResource element"
// (identity policies; a role trust policy has none).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
TEST(ParseErrors, IdentityPolicyStatementsNeedAResourceElement) {
  using accessgraph::policy::check_resource_elements;
  EXPECT_NO_THROW(check_resource_elements(*Policy::parse(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*"})"))));
  EXPECT_NO_THROW(check_resource_elements(*Policy::parse(with_statement(R"({"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::b"})"))));
  try {
    check_resource_elements(*Policy::parse(with_statement(R"({"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"s3:*"})")),
                            "/identity_policies/0");
    ADD_FAILURE() << "no error";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.code(), codes::kMissingResource);
    EXPECT_EQ(e.json_pointer(), "/identity_policies/0/Statement/1");
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile input never crashes and only ever raises ParseError.
// ---------------------------------------------------------------------------------------------

void parse_only_typed_errors(const std::string& text) {
  try {
    Policy::parse(text, "fuzz");
  } catch (const ParseError&) {
    // expected for malformed input
  } catch (const std::exception& e) {
    ADD_FAILURE() << "untyped exception " << e.what() << " for input: " << text;
  }
}

const char* const kSample = R"({"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Allow",)"
                            R"("Principal":{"AWS":["111122223333"]},"Action":["s3:Get*"],"Resource":"arn:aws:s3:::b/${aws:username}/*",)"
                            R"("Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]})";

TEST(HostileInput, EveryPrefixOfAPolicy) {
  const std::string sample = kSample;
  ASSERT_TRUE(try_parse(sample).ok);
  for (std::size_t n = 0; n < sample.size(); ++n) parse_only_typed_errors(sample.substr(0, n));
}

TEST(HostileInput, RandomByteMutations) {
  const std::string sample = kSample;
  const std::string alphabet = "{}[]\":,\\ a0-*?$/~\x01\x7f\xc3";
  std::mt19937 rng(20260131);
  for (int round = 0; round < 3000; ++round) {
    std::string s = sample;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t pos = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[pos] = alphabet[rng() % alphabet.size()]; break;
        case 1: s.erase(pos, 1); break;
        default: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
      }
      if (s.empty()) s = "{";
    }
    parse_only_typed_errors(s);
  }
}

// ---------------------------------------------------------------------------------------------
// Every AWS managed policy parses and compiles.
// ---------------------------------------------------------------------------------------------

TEST(ManagedPolicies, AllParseAndCompile) {
  std::ifstream in(ACCESSGRAPH_MANAGED_POLICIES);
  ASSERT_TRUE(in) << ACCESSGRAPH_MANAGED_POLICIES;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto all = nlohmann::json::parse(buffer.str());
  ASSERT_TRUE(all.is_object());
  EXPECT_EQ(all.size(), 1388u);
  std::size_t parsed = 0, statements = 0;
  for (const auto& [name, entry] : all.items()) {
    ASSERT_TRUE(entry.contains("Document")) << name;
    try {
      auto p = Policy::parse(entry["Document"].dump(), name);
      EXPECT_EQ(p->name(), name);
      EXPECT_EQ(p->version(), Version::k2012_10_17) << name;
      EXPECT_FALSE(p->statements().empty()) << name;
      statements += p->statements().size();
      ++parsed;
    } catch (const ParseError& e) {
      ADD_FAILURE() << name << ": " << e.what();
    }
  }
  EXPECT_EQ(parsed, 1388u);
  EXPECT_GT(statements, parsed);
}

TEST(ManagedPolicies, WellKnownPoliciesMeanWhatAwsSays) {
  std::ifstream in(ACCESSGRAPH_MANAGED_POLICIES);
  ASSERT_TRUE(in);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto all = nlohmann::json::parse(buffer.str());
  RequestContext ctx;

  // AdministratorAccess: Allow * on *.
  auto admin = Policy::parse(all.at("AdministratorAccess").at("Document").dump(), "AdministratorAccess");
  ASSERT_EQ(admin->statements().size(), 1u);
  EXPECT_TRUE(admin->statements()[0].matches_action("iam:createuser"));
  EXPECT_TRUE(admin->statements()[0].matches_resource("*", ctx));

  // AmazonS3ReadOnlyAccess: s3:Get* and s3:List*, never s3:PutObject.
  auto ro = Policy::parse(all.at("AmazonS3ReadOnlyAccess").at("Document").dump(), "AmazonS3ReadOnlyAccess");
  bool get = false, put = false;
  for (const auto& st : ro->statements()) {
    if (st.effect != Effect::kAllow) continue;
    get |= st.matches_action("s3:getobject") && st.matches_resource("arn:aws:s3:::b/k", ctx);
    put |= st.matches_action("s3:putobject");
  }
  EXPECT_TRUE(get);
  EXPECT_FALSE(put);
}

}  // namespace
