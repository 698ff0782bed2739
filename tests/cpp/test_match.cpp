// Matching of actions, resources (ARNs), policy variables and principals, with expectations taken
// from the IAM User Guide. Each group cites the page its expectations come from.
#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <string>
#include <string_view>

#include "accessgraph/condition/context.hpp"
#include "accessgraph/match/arn.hpp"
#include "accessgraph/match/pattern.hpp"
#include "accessgraph/match/principal.hpp"
#include "accessgraph/policy/policy.hpp"

namespace accessgraph::match {
inline void PrintTo(PrincipalMatch m, std::ostream* os) { *os << to_string(m); }
inline void PrintTo(CallerKind k, std::ostream* os) { *os << "CallerKind(" << static_cast<int>(k) << ")"; }
}  // namespace accessgraph::match

namespace {

using accessgraph::condition::RequestContext;
using accessgraph::match::ArnPattern;
using accessgraph::match::CallerIdentity;
using accessgraph::match::CallerKind;
using accessgraph::match::Pattern;
using accessgraph::match::PatternOptions;
using accessgraph::match::PrincipalMatch;
using accessgraph::match::PrincipalSpec;
using accessgraph::match::ResourcePattern;

// Patterns as the Action element compiles them: wildcards, no variables, lower-cased.
Pattern action_pattern(const std::string& text) {
  PatternOptions o;
  o.wildcards = true;
  o.variables = false;
  o.lowercase = true;
  return Pattern::compile(text, o);
}

// Patterns as a Version 2012-10-17 Resource / StringLike value compiles them.
Pattern variable_pattern(const std::string& text) {
  PatternOptions o;
  o.wildcards = true;
  o.variables = true;
  o.lowercase = false;
  return Pattern::compile(text, o);
}

bool action_matches(const std::string& pattern, const std::string& action) {
  // Request::make lower-cases the requested action; do the same here.
  return action_pattern(pattern).matches(accessgraph::condition::to_lower_ascii(action), nullptr);
}

bool arn_matches(const std::string& pattern, const std::string& arn, const RequestContext* ctx = nullptr) {
  return ArnPattern::compile(pattern, /*variables=*/true).matches(arn, ctx);
}

bool resource_matches(const std::string& pattern, const std::string& resource, const RequestContext* ctx = nullptr) {
  return ResourcePattern::compile(pattern, /*variables=*/true).matches(resource, ctx);
}

// ---------------------------------------------------------------------------------------------
// Actions: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
// "Action names are case-insensitive"; "*" matches any run of characters, "?" exactly one.
// ---------------------------------------------------------------------------------------------

TEST(ActionMatch, ExactNameMatchesCaseInsensitively) {
  EXPECT_TRUE(action_matches("s3:GetObject", "s3:GetObject"));
  EXPECT_TRUE(action_matches("s3:GetObject", "S3:GETOBJECT"));
  EXPECT_TRUE(action_matches("S3:getobject", "s3:GetObject"));
  EXPECT_FALSE(action_matches("s3:GetObject", "s3:GetObjectAcl"));
  EXPECT_FALSE(action_matches("s3:GetObject", "s3:PutObject"));
}

TEST(ActionMatch, CaseInsensitiveFlagOnPatternWithoutLowercasing) {
  PatternOptions o;  // wildcards on, variables off, no lower-casing at compile time
  const Pattern p = Pattern::compile("s3:Get*", o);
  EXPECT_TRUE(p.matches("S3:GETOBJECT", nullptr, /*case_insensitive=*/true));
  EXPECT_FALSE(p.matches("S3:GETOBJECT", nullptr, /*case_insensitive=*/false));
  EXPECT_TRUE(p.matches("s3:GetObject", nullptr, false));
}

TEST(ActionMatch, StarMatchesAnyRunIncludingEmpty) {
  EXPECT_TRUE(action_matches("*", "iam:CreateUser"));
  EXPECT_TRUE(action_matches("s3:*", "s3:GetObject"));
  EXPECT_TRUE(action_matches("s3:Get*", "s3:Get"));
  EXPECT_TRUE(action_matches("s3:Get*", "s3:GetBucketPolicy"));
  EXPECT_TRUE(action_matches("iam:*User*", "iam:CreateUser"));
  EXPECT_TRUE(action_matches("iam:*User*", "iam:ListUsers"));
  EXPECT_FALSE(action_matches("iam:*User*", "iam:CreateRole"));
  EXPECT_TRUE(action_matches("s3:Get*Tagging", "s3:GetObjectTagging"));
  EXPECT_FALSE(action_matches("s3:Get*Tagging", "s3:GetObject"));
  // "s3:" is literal text: another service whose prefix starts with "s3" is not matched.
  EXPECT_FALSE(action_matches("s3:*", "s3-object-lambda:GetObject"));
  EXPECT_FALSE(action_matches("ec2:*", "s3:GetObject"));
}

TEST(ActionMatch, StarBacktracksOverRepeatedText) {
  EXPECT_TRUE(action_matches("a:*b*c", "a:xbxbxc"));
  EXPECT_TRUE(action_matches("a:*b*c", "a:bc"));
  EXPECT_FALSE(action_matches("a:*b*c", "a:cb"));
  EXPECT_TRUE(action_matches("a:**", "a:anything"));
}

TEST(ActionMatch, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(action_matches("s3:GetObjec?", "s3:GetObject"));
  EXPECT_FALSE(action_matches("s3:GetObjec?", "s3:GetObjects"));
  EXPECT_FALSE(action_matches("s3:GetObject?", "s3:GetObject"));
  EXPECT_TRUE(action_matches("s3:?etObject", "s3:GetObject"));
  EXPECT_TRUE(action_matches("s3:Get??????", "s3:GetObject"));
}

TEST(ActionMatch, StatementMatchesActionListAndNotAction) {
  auto p = accessgraph::policy::Policy::parse(
      R"({"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":["S3:GetObject","sqs:Send*"],"Resource":"*"},
          {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]})");
  const auto& allow = p->statements().at(0);
  EXPECT_TRUE(allow.matches_action("s3:getobject"));
  EXPECT_TRUE(allow.matches_action("sqs:sendmessage"));
  EXPECT_FALSE(allow.matches_action("sqs:receivemessage"));
  const auto& not_action = p->statements().at(1);
  EXPECT_TRUE(not_action.matches_action("s3:getobject"));
  EXPECT_FALSE(not_action.matches_action("iam:createuser"));
}

// ---------------------------------------------------------------------------------------------
// Resources / ARNs: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
// Wildcards are matched per ARN segment; in the resource part "*" may span "/" and ":".
// ---------------------------------------------------------------------------------------------

TEST(ArnMatch, ExactArnMatchesOnlyItself) {
  EXPECT_TRUE(arn_matches("arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-a"));
  EXPECT_FALSE(arn_matches("arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-ab"));
  EXPECT_FALSE(arn_matches("arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-a/key"));
  EXPECT_FALSE(arn_matches("arn:aws:sqs:us-east-1:111122223333:q", "arn:aws:sqs:us-east-1:444455556666:q"));
}

TEST(ArnMatch, ResourcePartIsCaseSensitive) {
  EXPECT_FALSE(arn_matches("arn:aws:s3:::Bucket-A/*", "arn:aws:s3:::bucket-a/key"));
  EXPECT_FALSE(arn_matches("arn:aws:iam::111122223333:user/Alice", "arn:aws:iam::111122223333:user/alice"));
}

TEST(ArnMatch, WildcardInRegionAndAccountSegments) {
  EXPECT_TRUE(arn_matches("arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc"));
  EXPECT_TRUE(arn_matches("arn:aws:iam::*:role/Admin", "arn:aws:iam::111122223333:role/Admin"));
  EXPECT_TRUE(arn_matches("arn:aws:sqs:us-*-1:1111*:q", "arn:aws:sqs:us-west-1:111122223333:q"));
  EXPECT_FALSE(arn_matches("arn:aws:sqs:eu-*:111122223333:q", "arn:aws:sqs:us-east-1:111122223333:q"));
  EXPECT_TRUE(arn_matches("arn:aws:sqs:us-east-?:111122223333:q", "arn:aws:sqs:us-east-2:111122223333:q"));
  // An empty segment in the pattern only matches an empty segment.
  EXPECT_FALSE(arn_matches("arn:aws:s3:::bucket-a", "arn:aws:s3:us-east-1::bucket-a"));
}

TEST(ArnMatch, WildcardInRegionOrAccountNeverCrossesColon) {
  // The pattern has only five segments: its "*" sits in the region segment and must not swallow
  // the region and account of the ARN together.
  EXPECT_FALSE(arn_matches("arn:aws:sqs:*:queue1", "arn:aws:sqs:us-east-1:111122223333:queue1"));
  // Region "*" must match the region segment alone; here a whole-string glob would match by
  // letting "*" cover "us-east-1:x".
  EXPECT_FALSE(arn_matches("arn:aws:sqs:*:111122223333:q", "arn:aws:sqs:us-east-1:x:111122223333:q"));
  EXPECT_FALSE(arn_matches("arn:aws:sqs:us-*:111122223333:q", "arn:aws:sqs:us-east-1:x:111122223333:q"));
  // A "?" in the region segment is exactly one character of that segment.
  EXPECT_FALSE(arn_matches("arn:aws:sqs:?:111122223333:q", "arn:aws:sqs:us-east-1:111122223333:q"));
}

TEST(ArnMatch, TrailingStarOfThePatternExpandsBeyondColons) {
  // "If the * wildcard is the last character of a resource ARN segment, it can expand to match
  // beyond the colon boundaries." A pattern that ends in its account segment with "*" therefore
  // covers the rest of the ARN.
  EXPECT_TRUE(arn_matches("arn:aws:iam::*", "arn:aws:iam::111122223333:role/Admin"));
  EXPECT_FALSE(arn_matches("arn:aws:iam::*", "arn:aws:sts::111122223333:assumed-role/a/b"));
  EXPECT_FALSE(arn_matches("arn:aws:iam::4444*", "arn:aws:iam::111122223333:role/Admin"));
}

TEST(ArnMatch, StarInResourcePartSpansSlashAndColon) {
  EXPECT_TRUE(arn_matches("arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-a/dir/sub/file.txt"));
  EXPECT_TRUE(arn_matches("arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-a/"));
  EXPECT_FALSE(arn_matches("arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-a"));
  EXPECT_TRUE(arn_matches("arn:aws:logs:us-east-1:111122223333:log-group:*",
                          "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:web-1"));
  EXPECT_TRUE(arn_matches("arn:aws:s3:::*", "arn:aws:s3:::bucket-a/a:b/c"));
  EXPECT_TRUE(arn_matches("arn:aws:s3:::bucket-*/logs/*", "arn:aws:s3:::bucket-prod/logs/2026/01/01.gz"));
  // In the resource part "*" also crosses "/": "bucket-*" may cover "bucket-prod/data".
  EXPECT_TRUE(arn_matches("arn:aws:s3:::bucket-*/logs/*", "arn:aws:s3:::bucket-prod/data/logs/x"));
  EXPECT_FALSE(arn_matches("arn:aws:s3:::bucket-*/logs/*", "arn:aws:s3:::bucket-prod/data/x"));
}

TEST(ArnMatch, QuestionMarkInResourcePartIsOneCharacter) {
  EXPECT_TRUE(arn_matches("arn:aws:s3:::bucket-?", "arn:aws:s3:::bucket-a"));
  EXPECT_FALSE(arn_matches("arn:aws:s3:::bucket-?", "arn:aws:s3:::bucket-ab"));
  EXPECT_FALSE(arn_matches("arn:aws:s3:::bucket-?", "arn:aws:s3:::bucket-"));
}

TEST(ArnMatch, LoneStarMatchesEveryArn) {
  EXPECT_TRUE(arn_matches("*", "arn:aws:s3:::bucket-a/key"));
  EXPECT_TRUE(arn_matches("*", "arn:aws:iam::111122223333:role/x"));
  EXPECT_TRUE(ArnPattern::compile("*", false).is_match_all());
}

TEST(ArnMatch, SplitArnReturnsSixParts) {
  std::array<std::string_view, 6> parts;
  ASSERT_EQ(accessgraph::match::split_arn("arn:aws:logs:us-east-1:111122223333:log-group:a:b", parts), 6);
  EXPECT_EQ(parts[0], "arn");
  EXPECT_EQ(parts[1], "aws");
  EXPECT_EQ(parts[2], "logs");
  EXPECT_EQ(parts[3], "us-east-1");
  EXPECT_EQ(parts[4], "111122223333");
  EXPECT_EQ(parts[5], "log-group:a:b");  // the resource part keeps its own colons
  EXPECT_EQ(accessgraph::match::split_arn("arn:aws:s3", parts), 3);
}

// Request resource "*" (actions without resource-level permissions): only a literal "*" in the
// Resource element applies. https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
TEST(ResourceMatch, RequestResourceStarOnlyMatchedByLiteralStar) {
  EXPECT_TRUE(resource_matches("*", "*"));
  EXPECT_FALSE(resource_matches("arn:aws:iam::111122223333:*", "*"));
  EXPECT_FALSE(resource_matches("arn:aws:iam::*:role/*", "*"));
  EXPECT_FALSE(resource_matches("arn:*", "*"));
  EXPECT_FALSE(resource_matches("arn:aws:s3:::*", "*"));
  // and a literal "*" still matches every ARN
  EXPECT_TRUE(resource_matches("*", "arn:aws:s3:::bucket-a/key"));
  EXPECT_TRUE(resource_matches("arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-a/key"));
}

TEST(ResourceMatch, StatementResourceAndNotResource) {
  auto p = accessgraph::policy::Policy::parse(
      R"({"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]},
          {"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"},
          {"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}]})");
  RequestContext ctx;
  const auto& st = p->statements();
  EXPECT_TRUE(st[0].matches_resource("arn:aws:s3:::b/k", ctx));
  EXPECT_FALSE(st[0].matches_resource("arn:aws:s3:::c/k", ctx));
  EXPECT_TRUE(st[1].matches_resource("arn:aws:s3:::public/k", ctx));
  EXPECT_FALSE(st[1].matches_resource("arn:aws:s3:::secret/k", ctx));
  // A statement without Resource (a trust policy) applies to its resource.
  EXPECT_TRUE(st[2].matches_resource("arn:aws:iam::111122223333:role/r", ctx));
}

// ---------------------------------------------------------------------------------------------
// Policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// ${key} is replaced by the request value; ${key, 'default'} falls back to the default; ${*}, ${?},
// ${$} stand for the literal characters; a key that is absent (no default) or multivalued leaves the
// variable unresolved and the value matches nothing.
// ---------------------------------------------------------------------------------------------

TEST(PolicyVariables, VariableIsReplacedByContextValue) {
  RequestContext ctx;
  ctx.set("aws:username", "alice");
  const std::string pattern = "arn:aws:s3:::bucket-a/home/${aws:username}/*";
  EXPECT_TRUE(arn_matches(pattern, "arn:aws:s3:::bucket-a/home/alice/notes.txt", &ctx));
  EXPECT_FALSE(arn_matches(pattern, "arn:aws:s3:::bucket-a/home/bob/notes.txt", &ctx));
  // The literal variable text is not what is matched.
  EXPECT_FALSE(arn_matches(pattern, "arn:aws:s3:::bucket-a/home/${aws:username}/notes.txt", &ctx));
  EXPECT_TRUE(ArnPattern::compile(pattern, true).has_variables());
}

TEST(PolicyVariables, VariableKeyNameIsCaseInsensitive) {
  RequestContext ctx;
  ctx.set("aws:username", "alice");
  EXPECT_TRUE(variable_pattern("home/${AWS:UserName}").matches("home/alice", &ctx));
  RequestContext ctx2;
  ctx2.set("AWS:USERNAME", "alice");
  EXPECT_TRUE(variable_pattern("home/${aws:username}").matches("home/alice", &ctx2));
}

TEST(PolicyVariables, SubstitutedValueKeepsItsCase) {
  RequestContext ctx;
  ctx.set("aws:username", "Alice");
  EXPECT_TRUE(variable_pattern("home/${aws:username}").matches("home/Alice", &ctx));
  EXPECT_FALSE(variable_pattern("home/${aws:username}").matches("home/alice", &ctx));
}

TEST(PolicyVariables, TagVariableInResourcePart) {
  RequestContext ctx;
  ctx.set("aws:PrincipalTag/team", "red");
  EXPECT_TRUE(arn_matches("arn:aws:s3:::bucket-${aws:PrincipalTag/team}/*", "arn:aws:s3:::bucket-red/x", &ctx));
  EXPECT_FALSE(arn_matches("arn:aws:s3:::bucket-${aws:PrincipalTag/team}/*", "arn:aws:s3:::bucket-blue/x", &ctx));
}

TEST(PolicyVariables, DefaultValueUsedOnlyWhenKeyAbsent) {
  const Pattern p = variable_pattern("home/${aws:username, 'guest'}/*");
  RequestContext absent;
  EXPECT_TRUE(p.matches("home/guest/a", &absent));
  EXPECT_FALSE(p.matches("home/alice/a", &absent));
  RequestContext present;
  present.set("aws:username", "alice");
  EXPECT_TRUE(p.matches("home/alice/a", &present));
  EXPECT_FALSE(p.matches("home/guest/a", &present));
  EXPECT_TRUE(p.resolvable(&absent));
}

TEST(PolicyVariables, DefaultValueWithTagKey) {
  const Pattern p = variable_pattern("${aws:PrincipalTag/team, 'company-wide'}");
  RequestContext absent;
  EXPECT_TRUE(p.matches("company-wide", &absent));
  RequestContext tagged;
  tagged.set("aws:PrincipalTag/team", "blue");
  EXPECT_TRUE(p.matches("blue", &tagged));
  EXPECT_FALSE(p.matches("company-wide", &tagged));
}

TEST(PolicyVariables, SpecialCharacterVariablesAreLiterals) {
  RequestContext ctx;
  // ${*} is a literal asterisk, not a wildcard.
  const Pattern star = variable_pattern("a${*}b");
  EXPECT_TRUE(star.matches("a*b", &ctx));
  EXPECT_FALSE(star.matches("axb", &ctx));
  EXPECT_FALSE(star.matches("ab", &ctx));
  // ${?} is a literal question mark.
  const Pattern question = variable_pattern("what${?}");
  EXPECT_TRUE(question.matches("what?", &ctx));
  EXPECT_FALSE(question.matches("whatx", &ctx));
  // ${$} is a literal dollar sign.
  const Pattern dollar = variable_pattern("cost${$}");
  EXPECT_TRUE(dollar.matches("cost$", &ctx));
  EXPECT_FALSE(dollar.matches("costx", &ctx));
  // ... and can precede text that would otherwise look like a variable.
  const Pattern escaped = variable_pattern("${$}{aws:username}");
  RequestContext user;
  user.set("aws:username", "alice");
  EXPECT_TRUE(escaped.matches("${aws:username}", &user));
  EXPECT_FALSE(escaped.matches("alice", &user));
}

TEST(PolicyVariables, UnresolvableVariableMatchesNothing) {
  RequestContext ctx;  // aws:username absent, no default
  const Pattern p = variable_pattern("home/${aws:username}/*");
  EXPECT_FALSE(p.resolvable(&ctx));
  EXPECT_FALSE(p.matches("home//x", &ctx));
  EXPECT_FALSE(p.matches("home/${aws:username}/x", &ctx));
  EXPECT_FALSE(p.matches("home/alice/x", &ctx));
  EXPECT_FALSE(arn_matches("arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/", &ctx));
  // Even a trailing "*" does not rescue it.
  EXPECT_FALSE(variable_pattern("${aws:username}*").matches("anything", &ctx));
}

TEST(PolicyVariables, MultivaluedKeyCannotBeAVariable) {
  RequestContext ctx;
  ctx.set_multi("aws:TagKeys", {"a"});
  const Pattern p = variable_pattern("tag-${aws:TagKeys}");
  EXPECT_FALSE(p.resolvable(&ctx));
  EXPECT_FALSE(p.matches("tag-a", &ctx));
}

TEST(PolicyVariables, WithoutVariableSupportTheTextIsLiteral) {
  // Version 2008-10-17 / no Version: "${aws:username}" is ordinary text.
  RequestContext ctx;
  ctx.set("aws:username", "alice");
  const ArnPattern literal = ArnPattern::compile("arn:aws:s3:::b/${aws:username}/*", /*variables=*/false);
  EXPECT_TRUE(literal.matches("arn:aws:s3:::b/${aws:username}/x", &ctx));
  EXPECT_FALSE(literal.matches("arn:aws:s3:::b/alice/x", &ctx));
  EXPECT_FALSE(literal.has_variables());
}

// ---------------------------------------------------------------------------------------------
// Principals: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// ---------------------------------------------------------------------------------------------

constexpr const char* kAcct = "111122223333";
constexpr const char* kOther = "444455556666";
const std::string kUser = "arn:aws:iam::111122223333:user/alice";
const std::string kRole = "arn:aws:iam::111122223333:role/app";
const std::string kSession = "arn:aws:sts::111122223333:assumed-role/app/worker-1";

PrincipalSpec aws(std::initializer_list<std::string> ids) {
  PrincipalSpec s;
  s.aws.assign(ids.begin(), ids.end());
  return s;
}

TEST(CallerIdentityParse, RecognisesEachKindOfCaller) {
  const auto user = CallerIdentity::parse("arn:aws:iam::111122223333:user/division/alice");
  EXPECT_EQ(user.kind, CallerKind::kUser);
  EXPECT_EQ(user.account, kAcct);

  const auto role = CallerIdentity::parse("arn:aws:iam::111122223333:role/service/app");
  EXPECT_EQ(role.kind, CallerKind::kRole);
  EXPECT_EQ(role.account, kAcct);
  EXPECT_EQ(role.role_name, "app");  // the role name excludes the path

  const auto session = CallerIdentity::parse(kSession);
  EXPECT_EQ(session.kind, CallerKind::kAssumedRole);
  EXPECT_EQ(session.account, kAcct);
  EXPECT_EQ(session.role_name, "app");
  EXPECT_EQ(session.session_name, "worker-1");

  const auto root = CallerIdentity::parse("arn:aws:iam::111122223333:root");
  EXPECT_EQ(root.kind, CallerKind::kAccountRoot);
  EXPECT_EQ(root.account, kAcct);

  const auto anon = CallerIdentity::parse("anonymous");
  EXPECT_EQ(anon.kind, CallerKind::kAnonymous);
  EXPECT_TRUE(anon.is_anonymous());
  EXPECT_TRUE(anon.account.empty());

  const auto service = CallerIdentity::parse("lambda.amazonaws.com");
  EXPECT_EQ(service.kind, CallerKind::kService);
  // Web identity providers named by domain are federated (IAM UG, Principal element).
  for (const char* provider : {"cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com", "accounts.google.com"}) {
    EXPECT_EQ(CallerIdentity::parse(provider).kind, CallerKind::kFederated) << provider;
  }
  EXPECT_EQ(CallerIdentity::parse("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com").kind,
            CallerKind::kFederated);
  EXPECT_FALSE(service.is_anonymous());
}

TEST(PrincipalMatching, AccountIdAndRootArnNameTheWholeAccount) {
  for (const auto& spec : {aws({"111122223333"}), aws({"arn:aws:iam::111122223333:root"})}) {
    EXPECT_EQ(spec.match(CallerIdentity::parse(kUser)), PrincipalMatch::kAccount);
    EXPECT_EQ(spec.match(CallerIdentity::parse(kRole)), PrincipalMatch::kAccount);
    EXPECT_EQ(spec.match(CallerIdentity::parse(kSession)), PrincipalMatch::kAccount);
    EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:iam::444455556666:user/alice")), PrincipalMatch::kNone);
    EXPECT_EQ(spec.match(CallerIdentity::parse("anonymous")), PrincipalMatch::kNone);
  }
}

TEST(PrincipalMatching, UserArnNamesThatUserOnly) {
  const auto spec = aws({kUser});
  EXPECT_EQ(spec.match(CallerIdentity::parse(kUser)), PrincipalMatch::kUser);
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:iam::111122223333:user/bob")), PrincipalMatch::kNone);
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:iam::444455556666:user/alice")), PrincipalMatch::kNone);
  EXPECT_EQ(spec.match(CallerIdentity::parse(kSession)), PrincipalMatch::kNone);
}

TEST(PrincipalMatching, RoleArnNamesTheRoleAndEverySessionOfIt) {
  const auto spec = aws({kRole});
  EXPECT_EQ(spec.match(CallerIdentity::parse(kRole)), PrincipalMatch::kRole);
  EXPECT_EQ(spec.match(CallerIdentity::parse(kSession)), PrincipalMatch::kRole);
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:sts::111122223333:assumed-role/app/another")),
            PrincipalMatch::kRole);
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:sts::111122223333:assumed-role/other/worker-1")),
            PrincipalMatch::kNone);
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:sts::444455556666:assumed-role/app/worker-1")),
            PrincipalMatch::kNone);
  EXPECT_EQ(spec.match(CallerIdentity::parse(kUser)), PrincipalMatch::kNone);
}

// Role names are unique within an account whatever their path, and a session ARN carries only the
// role name: a role ARN with a path still names the sessions of that role.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
TEST(PrincipalMatching, RoleArnWithPathNamesSessionsOfThatRole) {
  const auto spec = aws({"arn:aws:iam::111122223333:role/service/app"});
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:iam::111122223333:role/service/app")), PrincipalMatch::kRole);
  EXPECT_EQ(spec.match(CallerIdentity::parse(kSession)), PrincipalMatch::kRole);
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:sts::111122223333:assumed-role/application/worker-1")),
            PrincipalMatch::kNone);
}

TEST(PrincipalMatching, SessionArnNamesThatSessionOnly) {
  const auto spec = aws({kSession});
  EXPECT_EQ(spec.match(CallerIdentity::parse(kSession)), PrincipalMatch::kSession);
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:sts::111122223333:assumed-role/app/worker-2")),
            PrincipalMatch::kNone);
  EXPECT_EQ(spec.match(CallerIdentity::parse(kRole)), PrincipalMatch::kNone);
}

TEST(PrincipalMatching, StrongestNamingWins) {
  const auto spec = aws({"111122223333", kRole, kSession});
  EXPECT_EQ(spec.match(CallerIdentity::parse(kSession)), PrincipalMatch::kSession);
  const auto spec2 = aws({"arn:aws:iam::111122223333:root", kUser});
  EXPECT_EQ(spec2.match(CallerIdentity::parse(kUser)), PrincipalMatch::kUser);
}

TEST(PrincipalMatching, WildcardNamesEveryoneIncludingAnonymous) {
  PrincipalSpec spec;
  spec.wildcard = true;
  EXPECT_EQ(spec.match(CallerIdentity::parse("anonymous")), PrincipalMatch::kWildcard);
  EXPECT_EQ(spec.match(CallerIdentity::parse(kUser)), PrincipalMatch::kWildcard);
  EXPECT_EQ(spec.match(CallerIdentity::parse("arn:aws:sts::444455556666:assumed-role/x/y")), PrincipalMatch::kWildcard);
}

TEST(PrincipalMatching, ParsedPrincipalForms) {
  auto p = accessgraph::policy::Policy::parse(
      R"({"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
          {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"},
          {"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:user/bob"]},"Action":"s3:GetObject","Resource":"*"},
          {"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"s3:GetObject","Resource":"*"}]})");
  const auto& st = p->statements();
  EXPECT_TRUE(st[0].principal.wildcard);
  EXPECT_TRUE(st[1].principal.wildcard);
  EXPECT_EQ(st[1].principal.match(CallerIdentity::parse("anonymous")), PrincipalMatch::kWildcard);
  EXPECT_FALSE(st[2].principal.wildcard);
  EXPECT_EQ(st[2].principal.match(CallerIdentity::parse(kUser)), PrincipalMatch::kAccount);
  EXPECT_EQ(st[2].principal.match(CallerIdentity::parse("arn:aws:iam::444455556666:user/bob")), PrincipalMatch::kUser);
  EXPECT_EQ(st[2].principal.match(CallerIdentity::parse("anonymous")), PrincipalMatch::kNone);
  EXPECT_EQ(st[3].principal.match(CallerIdentity::parse("lambda.amazonaws.com")), PrincipalMatch::kService);
  EXPECT_EQ(st[3].principal.match(CallerIdentity::parse(kUser)), PrincipalMatch::kNone);
  EXPECT_EQ(st[3].principal.match(CallerIdentity::parse("anonymous")), PrincipalMatch::kNone);
}

TEST(PrincipalMatching, AccountOverrideGivesAccountToCaller) {
  const auto caller = CallerIdentity::parse(kUser, kOther);
  EXPECT_EQ(caller.account, kOther);
}

// NotPrincipal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
// "When you use NotPrincipal, you must also specify the account ARN of the not-denied principal";
// for an assumed-role session AWS checks the account, then the role, then the session.
TEST(NotPrincipalExclusion, CompleteChainExcludesUser) {
  const auto spec = aws({kUser, "arn:aws:iam::111122223333:root"});
  EXPECT_TRUE(spec.excludes(CallerIdentity::parse(kUser)));
  EXPECT_FALSE(spec.excludes(CallerIdentity::parse("arn:aws:iam::111122223333:user/bob")));
  EXPECT_FALSE(spec.excludes(CallerIdentity::parse("anonymous")));
}

TEST(NotPrincipalExclusion, CompleteChainExcludesSession) {
  const auto spec = aws({kSession, kRole, "arn:aws:iam::111122223333:root"});
  EXPECT_TRUE(spec.excludes(CallerIdentity::parse(kSession)));
  EXPECT_FALSE(spec.excludes(CallerIdentity::parse("arn:aws:sts::111122223333:assumed-role/app/worker-9")));
  EXPECT_FALSE(spec.excludes(CallerIdentity::parse(kUser)));
}

TEST(NotPrincipalExclusion, IdentityWithoutItsAccountIsNotExcluded) {
  // Only the user ARN listed: the account is not excluded, so the user is not either.
  EXPECT_FALSE(aws({kUser}).excludes(CallerIdentity::parse(kUser)));
  // Only the account listed: the user itself is not excluded.
  EXPECT_FALSE(aws({"arn:aws:iam::111122223333:root"}).excludes(CallerIdentity::parse(kUser)));
  // A different account's chain does not exclude this caller.
  EXPECT_FALSE(aws({"arn:aws:iam::444455556666:user/alice", "444455556666"}).excludes(CallerIdentity::parse(kUser)));
}

}  // namespace
