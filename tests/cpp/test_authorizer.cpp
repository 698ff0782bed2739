// The authorizer, one test per rule of the AWS policy evaluation logic. Every test is a small table
// of requests and policy sets with the decision AWS documents for them; the comment above each group
// names the AWS page the expectations come from.
#include <gtest/gtest.h>

#include <optional>

#include <ostream>
#include <string>
#include <vector>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/eval/decision.hpp"
#include "accessgraph/eval/policy_set.hpp"
#include "accessgraph/eval/request.hpp"
#include "accessgraph/policy/policy.hpp"
#include "accessgraph/resource/public_policy.hpp"

namespace accessgraph::eval {
inline void PrintTo(PolicyKind k, std::ostream* os) { *os << to_string(k); }
}  // namespace accessgraph::eval

namespace {

using accessgraph::eval::DecisionKind;
using accessgraph::eval::Explanation;
using accessgraph::eval::OrgLevel;
using accessgraph::eval::PolicyKind;
using accessgraph::eval::PolicySet;
using accessgraph::eval::Request;
using accessgraph::policy::Policy;
using accessgraph::policy::PolicyPtr;

constexpr DecisionKind kAllowed = DecisionKind::kAllowed;
constexpr DecisionKind kImplicit = DecisionKind::kImplicitlyDenied;
constexpr DecisionKind kExplicit = DecisionKind::kExplicitlyDenied;

// Decisions are compared by name so that failure messages read "Allowed" / "ImplicitlyDenied".
std::string name(DecisionKind d) { return accessgraph::eval::to_string(d); }

// Account A owns the resources; account B is another account.
const std::string kA = "111122223333";
const std::string kB = "444455556666";
const std::string kAlice = "arn:aws:iam::111122223333:user/alice";
const std::string kRole = "arn:aws:iam::111122223333:role/app";
const std::string kSession = "arn:aws:sts::111122223333:assumed-role/app/worker-1";
const std::string kBob = "arn:aws:iam::444455556666:user/bob";
const std::string kBRole = "arn:aws:iam::444455556666:role/partner";
const std::string kBSession = "arn:aws:sts::444455556666:assumed-role/partner/job-7";
const std::string kObject = "arn:aws:s3:::bucket-a/data.txt";  // a bucket of account A
const std::string kKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const std::string kTargetRole = "arn:aws:iam::111122223333:role/Target";

// A 2012-10-17 policy with the given statement list (JSON array text without the brackets).
PolicyPtr policy(const std::string& statements, const std::string& name = "policy") {
  return Policy::parse(R"({"Version":"2012-10-17","Statement":[)" + statements + "]}", name);
}
std::string allow(const std::string& action, const std::string& resource = "*") {
  return R"({"Effect":"Allow","Action":")" + action + R"(","Resource":")" + resource + R"("})";
}
std::string deny(const std::string& action, const std::string& resource = "*") {
  return R"({"Effect":"Deny","Action":")" + action + R"(","Resource":")" + resource + R"("})";
}
// A resource-policy statement; `principal` is the JSON of the Principal element.
std::string grant(const std::string& principal, const std::string& action, const std::string& resource = "*",
                  const std::string& effect = "Allow") {
  return R"({"Effect":")" + effect + R"(","Principal":)" + principal + R"(,"Action":")" + action +
         R"(","Resource":")" + resource + R"("})";
}
std::string aws(const std::string& id) { return R"({"AWS":")" + id + R"("})"; }
// A trust-policy statement (no Resource element).
std::string trust(const std::string& principal, const std::string& action = "sts:AssumeRole",
                  const std::string& effect = "Allow") {
  return R"({"Effect":")" + effect + R"(","Principal":)" + principal + R"(,"Action":")" + action + R"("})";
}

PolicyPtr full_access(const std::string& name = "FullAWSAccess") { return policy(allow("*"), name); }

Request req(const std::string& principal, const std::string& action, const std::string& resource,
            const std::string& resource_account = "") {
  return Request::make(principal, action, resource, "", resource_account);
}
Request s3_get(const std::string& principal) { return req(principal, "s3:GetObject", kObject, kA); }
Request anonymous(const std::string& action = "s3:GetObject") {
  return Request::make("anonymous", action, kObject, "", kA);
}

struct Row {
  std::string label;
  Request request;
  PolicySet policies;
  DecisionKind expected;
};

void check(const std::vector<Row>& rows) {
  for (const auto& row : rows) {
    SCOPED_TRACE(row.label);
    const DecisionKind got = accessgraph::eval::evaluate(row.request, row.policies);
    const Explanation why = accessgraph::eval::explain(row.request, row.policies);
    EXPECT_EQ(name(got), name(row.expected)) << why.to_text();
    // Every rule holds the same for a prepared set (its own walk of the policies).
    const accessgraph::eval::PreparedPolicySet prepared(row.policies);
    EXPECT_EQ(name(accessgraph::eval::evaluate(row.request, prepared)), name(row.expected)) << "prepared";
    EXPECT_EQ(name(why.decision), name(row.expected));
    EXPECT_FALSE(why.rule.empty());
  }
}

PolicySet identity(std::vector<PolicyPtr> ps) {
  PolicySet s;
  s.identity_policies = std::move(ps);
  return s;
}
PolicySet with_resource(PolicySet s, PolicyPtr resource_policy) {
  s.resource_policy = std::move(resource_policy);
  return s;
}
PolicySet with_boundary(PolicySet s, PolicyPtr boundary) {
  s.permissions_boundary = std::move(boundary);
  return s;
}
PolicySet with_session(PolicySet s, PolicyPtr session) {
  s.session_policy = std::move(session);
  return s;
}
PolicySet with_scps(PolicySet s, std::vector<OrgLevel> levels) {
  s.scp_levels = std::move(levels);
  return s;
}
PolicySet with_rcps(PolicySet s, std::vector<OrgLevel> levels) {
  s.rcp_levels = std::move(levels);
  return s;
}
PolicySet restricted(PolicySet s) {
  s.options.s3_restrict_public_buckets = true;
  return s;
}

// =============================================================================================
// Basic rules: default deny, explicit allow, explicit deny wins.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// =============================================================================================

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
TEST(EvaluationLogic, EveryRequestIsImplicitlyDeniedByDefault) {
  check({
      {"no policies at all", s3_get(kAlice), PolicySet{}, kImplicit},
      {"allow for another action", s3_get(kAlice), identity({policy(allow("s3:PutObject"))}), kImplicit},
      {"allow for another resource", s3_get(kAlice), identity({policy(allow("s3:GetObject", "arn:aws:s3:::bucket-b/*"))}), kImplicit},
      {"deny-only policy", s3_get(kAlice), identity({policy(deny("ec2:*"))}), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
TEST(EvaluationLogic, IdentityPolicyAllowGrantsAccess) {
  check({
      {"exact action and resource", s3_get(kAlice), identity({policy(allow("s3:GetObject", kObject))}), kAllowed},
      {"wildcards", s3_get(kAlice), identity({policy(allow("s3:Get*", "arn:aws:s3:::bucket-a/*"))}), kAllowed},
      {"second of several policies", s3_get(kAlice),
       identity({policy(allow("ec2:*")), policy(allow("s3:GetObject"))}), kAllowed},
      {"role session uses its role's policies", s3_get(kSession), identity({policy(allow("s3:GetObject"))}), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
TEST(EvaluationLogic, ExplicitDenyInAnyPolicyOverridesAllow) {
  const auto allow_all = policy(allow("*"), "admin");
  const auto deny_get = policy(deny("s3:GetObject"), "deny");
  const auto deny_get_rp = policy(grant(R"("*")", "s3:GetObject", "*", "Deny"), "bucket-deny");
  check({
      {"deny in another identity policy", s3_get(kAlice), identity({allow_all, deny_get}), kExplicit},
      {"deny in the same identity policy", s3_get(kAlice), identity({policy(allow("*") + "," + deny("s3:Get*"))}), kExplicit},
      {"deny in the permissions boundary", s3_get(kAlice), with_boundary(identity({allow_all}), policy(allow("*") + "," + deny("s3:GetObject"))), kExplicit},
      {"deny in the session policy", s3_get(kSession), with_session(identity({allow_all}), policy(allow("*") + "," + deny("s3:GetObject"))), kExplicit},
      {"deny in the resource policy", s3_get(kAlice), with_resource(identity({allow_all}), deny_get_rp), kExplicit},
      {"deny in an SCP", s3_get(kAlice), with_scps(identity({allow_all}), {{"root", {full_access(), deny_get}}}), kExplicit},
      {"deny in an RCP", s3_get(kAlice), with_rcps(identity({allow_all}), {{"root", {deny_get_rp}}}), kExplicit},
      {"deny wins over a resource-policy allow naming the user", s3_get(kAlice),
       with_resource(identity({deny_get}), policy(grant(aws(kAlice), "s3:GetObject"))), kExplicit},
  });
}

// "By default, all requests are implicitly denied with the exception of the AWS account root user,
// which has full access." SCPs still restrict the root user of a member account.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
TEST(EvaluationLogic, RootUserHasFullAccessInItsOwnAccount) {
  const std::string root = "arn:aws:iam::111122223333:root";
  check({
      {"no policies", s3_get(root), PolicySet{}, kAllowed},
      {"resource policy deny", s3_get(root), with_resource(PolicySet{}, policy(grant(R"("*")", "s3:GetObject", "*", "Deny"))), kExplicit},
      {"SCP deny", s3_get(root), with_scps(PolicySet{}, {{"root", {full_access(), policy(deny("s3:*"))}}}), kExplicit},
      {"SCP level without allow", s3_get(root), with_scps(PolicySet{}, {{"root", {full_access()}}, {"OU", {policy(allow("ec2:*"))}}}), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
TEST(EvaluationLogic, ActionNamesAreCaseInsensitive) {
  check({
      {"request in upper case", req(kAlice, "S3:GETOBJECT", kObject, kA), identity({policy(allow("s3:GetObject"))}), kAllowed},
      {"policy in odd case", req(kAlice, "s3:GetObject", kObject, kA), identity({policy(allow("S3:getobject"))}), kAllowed},
      {"deny in odd case", req(kAlice, "s3:getObject", kObject, kA), identity({policy(allow("*") + "," + deny("S3:GETOBJECT"))}), kExplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
TEST(EvaluationLogic, RequestResourceStarOnlyMatchedByLiteralStar) {
  const auto list_roles = req(kAlice, "iam:ListRoles", "*");
  check({
      {"ARN pattern does not match resource *", list_roles, identity({policy(allow("iam:ListRoles", "arn:aws:iam::111122223333:role/*"))}), kImplicit},
      {"arn:* does not match resource *", list_roles, identity({policy(allow("iam:*", "arn:*"))}), kImplicit},
      {"literal * matches", list_roles, identity({policy(allow("iam:ListRoles", "*"))}), kAllowed},
      {"deny with ARN pattern does not apply", list_roles,
       identity({policy(allow("iam:*") + "," + deny("iam:*", "arn:aws:iam::111122223333:*"))}), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
TEST(EvaluationLogic, NotActionAndNotResourceMatchEverythingElse) {
  const auto not_iam = policy(R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})");
  const auto deny_outside_a = policy(allow("s3:*") + R"(,{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::bucket-a","arn:aws:s3:::bucket-a/*"]})");
  check({
      {"NotAction allows other services", s3_get(kAlice), identity({not_iam}), kAllowed},
      {"NotAction does not allow the listed service", req(kAlice, "iam:CreateUser", "arn:aws:iam::111122223333:user/x"), identity({not_iam}), kImplicit},
      {"NotResource deny spares the listed bucket", s3_get(kAlice), identity({deny_outside_a}), kAllowed},
      {"NotResource deny hits other buckets", req(kAlice, "s3:GetObject", "arn:aws:s3:::bucket-b/x", kA), identity({deny_outside_a}), kExplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
TEST(EvaluationLogic, StatementAppliesOnlyWhenItsConditionHolds) {
  const auto from_office = policy(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                                      "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})");
  const auto deny_insecure = policy(allow("s3:*") + R"(,{"Effect":"Deny","Action":"s3:*","Resource":"*",
                                      "Condition":{"Bool":{"aws:SecureTransport":"false"}}})");
  auto office = s3_get(kAlice);
  office.context.set("aws:SourceIp", "203.0.113.9");
  auto elsewhere = s3_get(kAlice);
  elsewhere.context.set("aws:SourceIp", "198.51.100.9");
  auto tls = s3_get(kAlice);
  tls.context.set("aws:SecureTransport", "true");
  auto plain = s3_get(kAlice);
  plain.context.set("aws:SecureTransport", "false");
  check({
      {"allow condition holds", office, identity({from_office}), kAllowed},
      {"allow condition fails", elsewhere, identity({from_office}), kImplicit},
      {"allow condition key absent", s3_get(kAlice), identity({from_office}), kImplicit},
      {"deny condition fails", tls, identity({deny_insecure}), kAllowed},
      {"deny condition holds", plain, identity({deny_insecure}), kExplicit},
      {"deny condition key absent", s3_get(kAlice), identity({deny_insecure}), kAllowed},
  });
}

// =============================================================================================
// Service control policies
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
// =============================================================================================

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
TEST(ServiceControlPolicies, ScpsNeverGrantPermissions) {
  check({
      {"SCP allows everything, no identity policy", s3_get(kAlice), with_scps(PolicySet{}, {{"root", {full_access()}}}), kImplicit},
      {"SCP allows, identity allows", s3_get(kAlice), with_scps(identity({policy(allow("s3:*"))}), {{"root", {full_access()}}}), kAllowed},
  });
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
TEST(ServiceControlPolicies, EveryScpLevelMustAllow) {
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"three levels allow", s3_get(kAlice),
       with_scps(id, {{"root", {full_access()}}, {"OU ou-1", {full_access()}}, {"account", {policy(allow("s3:Get*"))}}}), kAllowed},
      {"allow spread over two SCPs of one level", s3_get(kAlice),
       with_scps(id, {{"root", {full_access()}}, {"OU ou-1", {policy(allow("ec2:*")), policy(allow("s3:*"))}}}), kAllowed},
  });
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
TEST(ServiceControlPolicies, ScpLevelWithoutAllowImplicitlyDenies) {
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"OU allows only ec2", s3_get(kAlice), with_scps(id, {{"root", {full_access()}}, {"OU ou-1", {policy(allow("ec2:*"))}}}), kImplicit},
      {"account level allows only ec2", s3_get(kAlice),
       with_scps(id, {{"root", {full_access()}}, {"OU ou-1", {full_access()}}, {"account", {policy(allow("ec2:*"))}}}), kImplicit},
      {"root allows only ec2", s3_get(kAlice), with_scps(id, {{"root", {policy(allow("ec2:*"))}}, {"account", {full_access()}}}), kImplicit},
      {"empty level", s3_get(kAlice), with_scps(id, {{"root", {full_access()}}, {"OU ou-empty", {}}}), kImplicit},
      {"empty root level", s3_get(kAlice), with_scps(id, {{"root", {}}, {"account", {full_access()}}}), kImplicit},
      {"empty level between allowing levels", s3_get(kAlice),
       with_scps(id, {{"root", {full_access()}}, {"OU ou-empty", {}}, {"account", {full_access()}}}), kImplicit},
      {"two empty levels at the end", s3_get(kAlice), with_scps(id, {{"root", {full_access()}}, {"OU a", {}}, {"OU b", {}}}), kImplicit},
      {"level with only a deny for something else", s3_get(kAlice), with_scps(id, {{"root", {full_access()}}, {"OU ou-1", {policy(deny("ec2:*"))}}}), kImplicit},
  });
}

// A null pointer in a policy list is no policy (policy_set.hpp), never a crash: a level whose only
// entry is null has no allow, and a null entry beside a deny leaves the deny in force.
TEST(PolicySetInput, NullEntriesInPolicyListsAreNoPolicy) {
  PolicySet id = identity({nullptr, policy(allow("s3:*"))});
  check({
      {"null identity policy beside an allow", s3_get(kAlice), id, kAllowed},
      {"null SCP beside full access", s3_get(kAlice), with_scps(id, {{"root", {nullptr, full_access()}}}), kAllowed},
      {"SCP level holding only null", s3_get(kAlice), with_scps(id, {{"root", {full_access()}}, {"OU", {nullptr}}}), kImplicit},
      {"null SCP beside a deny", s3_get(kAlice), with_scps(id, {{"root", {nullptr, full_access(), policy(deny("s3:*"))}}}), kExplicit},
  });
  PolicySet rcp = id;
  rcp.rcp_levels = {OrgLevel{"root", {nullptr, policy(grant("\"*\"", "s3:*", "*", "Deny"))}}};  // RCPs name Principal "*"
  EXPECT_EQ(name(accessgraph::eval::evaluate(s3_get(kAlice), rcp)), name(kExplicit));
  rcp.rcp_levels = {OrgLevel{"root", {nullptr}}};
  EXPECT_EQ(name(accessgraph::eval::evaluate(s3_get(kAlice), rcp)), name(kAllowed));
  EXPECT_EQ(name(accessgraph::eval::explain(s3_get(kAlice), rcp).decision), name(kAllowed));
}

// The explanation names the first level without an Allow, counting levels without policies.
TEST(ServiceControlPolicies, ExplanationNamesTheFirstLevelWithoutAllow) {
  const auto id = identity({policy(allow("s3:*"))});
  const auto set = with_scps(id, {{"root", {full_access()}}, {"OU ou-empty", {}}, {"account", {policy(allow("ec2:*"))}}});
  const Explanation why = accessgraph::eval::explain(s3_get(kAlice), set);
  ASSERT_EQ(why.missing.size(), 1u) << why.to_text();
  EXPECT_EQ(why.missing[0], "no SCP at level OU ou-empty allows s3:GetObject");
}

// A prepared set is immutable and shares its policies: copies decide the same after the set it
// was made from, and the original prepared set, are gone.
TEST(PolicySetInput, PreparedSetCopiesOutliveTheirSource) {
  std::optional<accessgraph::eval::PreparedPolicySet> copy;
  {
    PolicySet set = with_scps(identity({policy(allow("s3:*"))}), {{"root", {full_access()}}, {"OU", {full_access(), policy(deny("s3:Put*"))}}});
    set.resource_policy = policy(grant("\"*\"", "s3:GetObject", kObject, "Deny"));
    const accessgraph::eval::PreparedPolicySet prepared(std::move(set));
    copy = prepared;
    EXPECT_EQ(copy->set().scp_levels.size(), 2u);
  }
  EXPECT_EQ(name(accessgraph::eval::evaluate(s3_get(kAlice), *copy)), name(kExplicit));
  EXPECT_EQ(name(accessgraph::eval::evaluate(req(kAlice, "s3:ListBucket", "arn:aws:s3:::bucket", kA), *copy)), name(kAllowed));
  EXPECT_EQ(name(accessgraph::eval::evaluate(req(kAlice, "s3:PutObject", kObject, kA), *copy)), name(kExplicit));
  const accessgraph::eval::PreparedPolicySet empty;
  EXPECT_EQ(name(accessgraph::eval::evaluate(s3_get(kAlice), empty)), name(kImplicit));
  // More policies than a prepared set keeps inline: the same, with the plan on the heap.
  std::optional<accessgraph::eval::PreparedPolicySet> big;
  {
    std::vector<PolicyPtr> ids;
    for (int i = 0; i < 9; ++i) ids.push_back(policy(allow("ec2:*")));
    ids.push_back(policy(allow("s3:*")));
    ids.push_back(policy(deny("s3:PutObject")));
    const accessgraph::eval::PreparedPolicySet prepared(identity(std::move(ids)));
    big = prepared;
  }
  EXPECT_EQ(name(accessgraph::eval::evaluate(s3_get(kAlice), *big)), name(kAllowed));
  EXPECT_EQ(name(accessgraph::eval::evaluate(req(kAlice, "s3:PutObject", kObject, kA), *big)), name(kExplicit));
  EXPECT_EQ(big->end() - big->begin(), 11);
}

// Level indices are not truncated: with 70,000 levels that all allow, the decision is Allowed, and
// a level without an Allow past 65,536 is the one the explanation names.
TEST(ServiceControlPolicies, EveryLevelCountsHoweverManyThereAre) {
  PolicySet set = identity({policy(allow("s3:*"))});
  const auto all = full_access();
  for (int i = 0; i < 70000; ++i) set.scp_levels.push_back(OrgLevel{"level" + std::to_string(i), {all}});
  EXPECT_EQ(name(accessgraph::eval::evaluate(s3_get(kAlice), set)), name(kAllowed));
  EXPECT_EQ(name(accessgraph::eval::evaluate(s3_get(kAlice), accessgraph::eval::PreparedPolicySet(set))), name(kAllowed));
  set.scp_levels[65536].policies = {policy(allow("ec2:*"))};
  EXPECT_EQ(name(accessgraph::eval::evaluate(s3_get(kAlice), accessgraph::eval::PreparedPolicySet(set))), name(kImplicit));
  const Explanation why = accessgraph::eval::explain(s3_get(kAlice), set);
  ASSERT_EQ(why.missing.size(), 1u);
  EXPECT_EQ(why.missing[0], "no SCP at level level65536 allows s3:GetObject");
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
TEST(ServiceControlPolicies, ExplicitDenyInAnyScpLevelWins) {
  const auto id = identity({policy(allow("*"))});
  const auto deny_s3 = policy(deny("s3:*"), "deny-s3");
  check({
      {"deny at root", s3_get(kAlice), with_scps(id, {{"root", {full_access(), deny_s3}}, {"account", {full_access()}}}), kExplicit},
      {"deny at OU", s3_get(kAlice), with_scps(id, {{"root", {full_access()}}, {"OU", {full_access(), deny_s3}}, {"account", {full_access()}}}), kExplicit},
      {"deny at account", s3_get(kAlice), with_scps(id, {{"root", {full_access()}}, {"account", {full_access(), deny_s3}}}), kExplicit},
      {"deny at a level that has no allow", s3_get(kAlice), with_scps(id, {{"root", {full_access()}}, {"OU", {deny_s3}}}), kExplicit},
  });
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
TEST(ServiceControlPolicies, ScpsLimitResourcePolicyGrantsToTheirPrincipals) {
  const auto bucket = policy(grant(aws(kAlice), "s3:GetObject"));
  check({
      {"same-account resource policy naming the user, SCP without s3", s3_get(kAlice),
       with_scps(with_resource(PolicySet{}, bucket), {{"root", {policy(allow("ec2:*"))}}}), kImplicit},
      {"same-account resource policy naming the user, SCP allows", s3_get(kAlice),
       with_scps(with_resource(PolicySet{}, bucket), {{"root", {full_access()}}}), kAllowed},
      {"cross-account caller bounded by its own SCPs", s3_get(kBob),
       with_scps(with_resource(identity({policy(allow("s3:*"))}), policy(grant(aws(kBob), "s3:GetObject"))),
                 {{"root", {policy(allow("ec2:*"))}}}), kImplicit},
  });
}

// =============================================================================================
// Resource control policies
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
// =============================================================================================

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
TEST(ResourceControlPolicies, RcpNeverGrantsButItsDenyApplies) {
  const auto rcp_allow = policy(grant(R"("*")", "*"), "allow-rcp");
  const auto rcp_deny = policy(grant(R"("*")", "s3:*", "*", "Deny"), "deny-rcp");
  check({
      {"RCP allow alone grants nothing", s3_get(kAlice), with_rcps(PolicySet{}, {{"root", {rcp_allow}}}), kImplicit},
      {"RCP deny overrides identity allow", s3_get(kAlice), with_rcps(identity({policy(allow("*"))}), {{"root", {rcp_allow, rcp_deny}}}), kExplicit},
      {"RCP deny overrides resource-policy allow", s3_get(kAlice),
       with_rcps(with_resource(PolicySet{}, policy(grant(aws(kAlice), "s3:GetObject"))), {{"root", {}}, {"account", {rcp_deny}}}), kExplicit},
  });
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
TEST(ResourceControlPolicies, RcpLevelsNeverImplicitlyDeny) {
  // RCPFullAWSAccess is attached at every level and cannot be detached.
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"empty levels", s3_get(kAlice), with_rcps(id, {{"root", {}}, {"OU", {}}, {"account", {}}}), kAllowed},
      {"level whose RCP only mentions another service", s3_get(kAlice),
       with_rcps(id, {{"root", {policy(grant(R"("*")", "sqs:*", "*", "Deny"))}}}), kAllowed},
  });
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
TEST(ResourceControlPolicies, RcpDenyAppliesToEveryCallerIncludingAnonymous) {
  const auto public_bucket = policy(grant(R"("*")", "s3:GetObject", "arn:aws:s3:::bucket-a/*"));
  const auto deny_plain_http = policy(R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                                          "Condition":{"Bool":{"aws:SecureTransport":"false"}}})", "https-only");
  auto plain = anonymous();
  plain.context.set("aws:SecureTransport", "false");
  auto tls = anonymous();
  tls.context.set("aws:SecureTransport", "true");
  auto bob_plain = s3_get(kBob);
  bob_plain.context.set("aws:SecureTransport", "false");
  check({
      {"anonymous over plain HTTP", plain, with_rcps(with_resource(PolicySet{}, public_bucket), {{"root", {deny_plain_http}}}), kExplicit},
      {"anonymous over TLS", tls, with_rcps(with_resource(PolicySet{}, public_bucket), {{"root", {deny_plain_http}}}), kAllowed},
      {"cross-account caller", bob_plain,
       with_rcps(with_resource(identity({policy(allow("s3:*"))}), public_bucket), {{"root", {deny_plain_http}}}), kExplicit},
  });
}

// =============================================================================================
// Identity- and resource-based policies in one account: either may allow.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html
// =============================================================================================

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html
TEST(SameAccount, EitherIdentityOrResourcePolicySuffices) {
  check({
      {"identity policy only", s3_get(kAlice), identity({policy(allow("s3:GetObject"))}), kAllowed},
      {"resource policy naming the user only", s3_get(kAlice), with_resource(PolicySet{}, policy(grant(aws(kAlice), "s3:GetObject"))), kAllowed},
      {"resource policy naming the user for another action", s3_get(kAlice), with_resource(PolicySet{}, policy(grant(aws(kAlice), "s3:PutObject"))), kImplicit},
      {"resource policy naming another user", s3_get(kAlice),
       with_resource(PolicySet{}, policy(grant(aws("arn:aws:iam::111122223333:user/carol"), "s3:GetObject"))), kImplicit},
      {"resource policy with wildcard principal", s3_get(kAlice), with_resource(PolicySet{}, policy(grant(R"("*")", "s3:GetObject"))), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html
TEST(SameAccount, ResourcePolicyNamingRoleCoversItsSessions) {
  const auto bucket = policy(grant(aws(kRole), "s3:GetObject"));
  check({
      {"the named role itself", s3_get(kRole), with_resource(PolicySet{}, bucket), kAllowed},
      {"session of the named role", s3_get(kSession), with_resource(PolicySet{}, bucket), kAllowed},
      {"another session of the named role", s3_get("arn:aws:sts::111122223333:assumed-role/app/other"), with_resource(PolicySet{}, bucket), kAllowed},
      {"session of another role", s3_get("arn:aws:sts::111122223333:assumed-role/ops/worker-1"), with_resource(PolicySet{}, bucket), kImplicit},
      {"session named by its session ARN", s3_get(kSession), with_resource(PolicySet{}, policy(grant(aws(kSession), "s3:GetObject"))), kAllowed},
      {"other session not named by that session ARN", s3_get("arn:aws:sts::111122223333:assumed-role/app/worker-2"),
       with_resource(PolicySet{}, policy(grant(aws(kSession), "s3:GetObject"))), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
TEST(SameAccount, ResourcePolicyNamingOnlyTheAccountDelegatesToIdentityPolicies) {
  for (const std::string& account : std::vector<std::string>{kA, "arn:aws:iam::111122223333:root"}) {
    const auto bucket = policy(grant(aws(account), "s3:GetObject"));
    check({
        {"account principal, no identity allow (" + account + ")", s3_get(kAlice), with_resource(PolicySet{}, bucket), kImplicit},
        {"account principal, identity allow (" + account + ")", s3_get(kAlice), with_resource(identity({policy(allow("s3:GetObject"))}), bucket), kAllowed},
        {"account principal, session without identity allow (" + account + ")", s3_get(kSession), with_resource(PolicySet{}, bucket), kImplicit},
    });
  }
}

// =============================================================================================
// Permissions boundaries
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
// =============================================================================================

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
TEST(PermissionsBoundaries, BoundaryNeverGrants) {
  check({
      {"boundary allows everything, no identity policy", s3_get(kAlice), with_boundary(PolicySet{}, policy(allow("*"))), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
TEST(PermissionsBoundaries, EffectivePermissionsAreTheIntersection) {
  const auto id = identity({policy(allow("s3:*"))});
  const auto boundary = policy(allow("s3:GetObject"), "boundary");
  check({
      {"both allow", s3_get(kAlice), with_boundary(id, boundary), kAllowed},
      {"identity allows, boundary does not", req(kAlice, "s3:PutObject", kObject, kA), with_boundary(id, boundary), kImplicit},
      {"boundary allows, identity does not", req(kAlice, "ec2:RunInstances", "*"), with_boundary(id, policy(allow("*"))), kImplicit},
      {"role session with a boundary on its role", req(kSession, "s3:PutObject", kObject, kA), with_boundary(id, boundary), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
TEST(PermissionsBoundaries, SameAccountResourcePolicyNamingUserGrantsDespiteBoundary) {
  const auto ec2_only = policy(allow("ec2:*"), "ec2-boundary");
  check({
      {"resource policy names the user", s3_get(kAlice),
       with_boundary(with_resource(PolicySet{}, policy(grant(aws(kAlice), "s3:GetObject"))), ec2_only), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
TEST(PermissionsBoundaries, SameAccountResourcePolicyNamingSessionGrantsDespiteBoundary) {
  const auto ec2_only = policy(allow("ec2:*"), "ec2-boundary");
  check({
      {"resource policy names the session ARN", s3_get(kSession),
       with_boundary(with_resource(PolicySet{}, policy(grant(aws(kSession), "s3:GetObject"))), ec2_only), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
TEST(PermissionsBoundaries, SameAccountResourcePolicyNamingRoleIsLimitedByBoundary) {
  const auto ec2_only = policy(allow("ec2:*"), "ec2-boundary");
  check({
      {"resource policy names the role ARN", s3_get(kSession),
       with_boundary(with_resource(PolicySet{}, policy(grant(aws(kRole), "s3:GetObject"))), ec2_only), kImplicit},
      {"same, boundary allows", s3_get(kSession),
       with_boundary(with_resource(PolicySet{}, policy(grant(aws(kRole), "s3:GetObject"))), policy(allow("s3:*"))), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
TEST(PermissionsBoundaries, SameAccountResourcePolicyNamingAccountIsLimitedByBoundary) {
  const auto ec2_only = policy(allow("ec2:*"), "ec2-boundary");
  check({
      {"account principal + identity allow, boundary does not allow", s3_get(kAlice),
       with_boundary(with_resource(identity({policy(allow("s3:*"))}), policy(grant(aws(kA), "s3:GetObject"))), ec2_only), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
TEST(PermissionsBoundaries, NotPrincipalDenyAlwaysAppliesWithBoundary) {
  const auto bucket = policy(grant(aws(kAlice), "s3:GetObject") + "," +
                             R"({"Effect":"Deny","NotPrincipal":{"AWS":[")" + kAlice +
                             R"(","arn:aws:iam::111122223333:root"]},"Action":"s3:*","Resource":"*"})");
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"listed user without boundary is spared", s3_get(kAlice), with_resource(id, bucket), kAllowed},
      {"listed user with boundary is denied", s3_get(kAlice), with_boundary(with_resource(id, bucket), policy(allow("s3:*"))), kExplicit},
      {"unlisted user is denied", s3_get("arn:aws:iam::111122223333:user/carol"), with_resource(id, bucket), kExplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
TEST(NotPrincipal, DenyAppliesUnlessCallerChainIsListed) {
  const std::string not_principal_deny =
      R"({"Effect":"Deny","NotPrincipal":{"AWS":[")" + kSession + R"(",")" + kRole +
      R"(","arn:aws:iam::111122223333:root"]},"Action":"s3:*","Resource":"*"})";
  const auto bucket = policy(grant(R"("*")", "s3:GetObject") + "," + not_principal_deny);
  check({
      {"listed session is spared", s3_get(kSession), with_resource(PolicySet{}, bucket), kAllowed},
      {"another session of the listed role is denied", s3_get("arn:aws:sts::111122223333:assumed-role/app/worker-2"),
       with_resource(PolicySet{}, bucket), kExplicit},
      {"user of the listed account is denied", s3_get(kAlice), with_resource(PolicySet{}, bucket), kExplicit},
      {"anonymous is denied", anonymous(), with_resource(PolicySet{}, bucket), kExplicit},
  });
}

// =============================================================================================
// Session policies
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
// =============================================================================================

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
TEST(SessionPolicies, SessionPolicyNeverGrants) {
  check({{"session policy allows, role policies do not", s3_get(kSession), with_session(PolicySet{}, policy(allow("*"))), kImplicit}});
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
TEST(SessionPolicies, SessionPolicyLimitsIdentityPolicies) {
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"session policy allows", s3_get(kSession), with_session(id, policy(allow("s3:GetObject"))), kAllowed},
      {"session policy does not allow", req(kSession, "s3:PutObject", kObject, kA), with_session(id, policy(allow("s3:GetObject"))), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
TEST(SessionPolicies, SessionPolicyLimitsRoleArnGrant) {
  const auto bucket = policy(grant(aws(kRole), "s3:GetObject"));
  check({
      {"resource policy names the role, session policy does not allow", s3_get(kSession),
       with_session(with_resource(PolicySet{}, bucket), policy(allow("ec2:*"))), kImplicit},
      {"resource policy names the role, session policy allows", s3_get(kSession),
       with_session(with_resource(PolicySet{}, bucket), policy(allow("s3:GetObject"))), kAllowed},
      {"resource policy names the account, identity allows, session policy does not", s3_get(kSession),
       with_session(with_resource(identity({policy(allow("s3:*"))}), policy(grant(aws(kA), "s3:GetObject"))), policy(allow("ec2:*"))), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
TEST(SessionPolicies, SessionPolicyDoesNotLimitSessionArnGrant) {
  check({
      {"resource policy names the session ARN", s3_get(kSession),
       with_session(with_resource(PolicySet{}, policy(grant(aws(kSession), "s3:GetObject"))), policy(allow("ec2:*"))), kAllowed},
  });
}

// =============================================================================================
// Cross-account access: the caller's account must allow (identity policies bounded by boundary,
// session policy and SCPs) AND the resource policy must allow.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// =============================================================================================

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
TEST(CrossAccount, CrossAccountNeedsIdentityAndResourcePolicy) {
  const auto id = identity({policy(allow("s3:GetObject"))});
  const auto bucket = policy(grant(aws(kBob), "s3:GetObject"));
  check({
      {"identity policy only", s3_get(kBob), id, kImplicit},
      {"resource policy only", s3_get(kBob), with_resource(PolicySet{}, bucket), kImplicit},
      {"both", s3_get(kBob), with_resource(id, bucket), kAllowed},
      {"both, but for different actions", s3_get(kBob), with_resource(identity({policy(allow("s3:PutObject"))}), bucket), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
TEST(CrossAccount, ResourcePolicyMayNameAccountRoleSessionOrEveryone) {
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"account ID", s3_get(kBob), with_resource(id, policy(grant(aws(kB), "s3:GetObject"))), kAllowed},
      {"account root ARN", s3_get(kBob), with_resource(id, policy(grant(aws("arn:aws:iam::444455556666:root"), "s3:GetObject"))), kAllowed},
      {"wildcard", s3_get(kBob), with_resource(id, policy(grant(R"("*")", "s3:GetObject"))), kAllowed},
      {"role ARN for its session", s3_get(kBSession), with_resource(id, policy(grant(aws(kBRole), "s3:GetObject"))), kAllowed},
      {"session ARN", s3_get(kBSession), with_resource(id, policy(grant(aws(kBSession), "s3:GetObject"))), kAllowed},
      {"resource owner's account instead", s3_get(kBob), with_resource(id, policy(grant(aws(kA), "s3:GetObject"))), kImplicit},
      {"another user of the caller's account", s3_get(kBob),
       with_resource(id, policy(grant(aws("arn:aws:iam::444455556666:user/eve"), "s3:GetObject"))), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
TEST(CrossAccount, CallerSideIsBoundedByBoundaryAndSessionPolicy) {
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"boundary does not allow, resource policy names the user", s3_get(kBob),
       with_boundary(with_resource(id, policy(grant(aws(kBob), "s3:GetObject"))), policy(allow("ec2:*"))), kImplicit},
      {"session policy does not allow, resource policy names the session", s3_get(kBSession),
       with_session(with_resource(id, policy(grant(aws(kBSession), "s3:GetObject"))), policy(allow("ec2:*"))), kImplicit},
      {"boundary allows", s3_get(kBob),
       with_boundary(with_resource(id, policy(grant(aws(kBob), "s3:GetObject"))), policy(allow("s3:Get*"))), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
TEST(CrossAccount, DenyOnEitherSideWins) {
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"resource policy deny", s3_get(kBob),
       with_resource(id, policy(grant(aws(kB), "s3:*") + "," + grant(aws(kBob), "s3:GetObject", "*", "Deny"))), kExplicit},
      {"identity policy deny", s3_get(kBob),
       with_resource(identity({policy(allow("s3:*") + "," + deny("s3:GetObject"))}), policy(grant(aws(kBob), "s3:GetObject"))), kExplicit},
      {"RCP deny of the resource account", s3_get(kBob),
       with_rcps(with_resource(id, policy(grant(aws(kBob), "s3:GetObject"))), {{"root", {policy(grant(R"("*")", "s3:*", "*", "Deny"))}}}), kExplicit},
  });
}

// =============================================================================================
// KMS key policies
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
// =============================================================================================

// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
TEST(KmsKeyPolicies, KmsIdentityPoliciesNeedKeyPolicyAccountStatement) {
  const auto id = identity({policy(allow("kms:Decrypt", kKey))});
  const auto decrypt = req(kAlice, "kms:Decrypt", kKey);
  check({
      {"key policy names only a key administrator", decrypt,
       with_resource(id, policy(grant(aws("arn:aws:iam::111122223333:role/KeyAdmin"), "kms:*"))), kImplicit},
      {"key policy enables IAM policies (root ARN)", decrypt,
       with_resource(id, policy(grant(aws("arn:aws:iam::111122223333:root"), "kms:*"))), kAllowed},
      {"key policy enables IAM policies (account ID)", decrypt, with_resource(id, policy(grant(aws(kA), "kms:*"))), kAllowed},
      {"account statement covers other actions only", decrypt,
       with_resource(id, policy(grant(aws(kA), "kms:DescribeKey"))), kImplicit},
      {"key policy names another account", decrypt, with_resource(id, policy(grant(aws(kB), "kms:*"))), kImplicit},
  });
}

// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
TEST(KmsKeyPolicies, KeyPolicyNamingCallerGrantsByItself) {
  const auto decrypt_alice = req(kAlice, "kms:Decrypt", kKey);
  const auto decrypt_session = req(kSession, "kms:Decrypt", kKey);
  check({
      {"key policy names the user", decrypt_alice, with_resource(PolicySet{}, policy(grant(aws(kAlice), "kms:Decrypt"))), kAllowed},
      {"key policy names the role, session calls", decrypt_session, with_resource(PolicySet{}, policy(grant(aws(kRole), "kms:Decrypt"))), kAllowed},
      {"key policy names the account only", decrypt_alice, with_resource(PolicySet{}, policy(grant(aws(kA), "kms:*"))), kImplicit},
  });
}

// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
TEST(KmsKeyPolicies, IamDenyWorksWithoutKeyPolicyPermission) {
  check({
      {"identity deny", req(kAlice, "kms:Decrypt", kKey),
       with_resource(identity({policy(deny("kms:*"))}), policy(grant(aws(kAlice), "kms:*"))), kExplicit},
  });
}

// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
TEST(KmsKeyPolicies, CrossAccountKeyUseNeedsKeyPolicyAndIdentityPolicy) {
  const auto decrypt = req(kBob, "kms:Decrypt", kKey);
  const auto key_policy = policy(grant(aws(kA), "kms:*") + "," + grant(aws("arn:aws:iam::444455556666:root"), "kms:Decrypt"));
  check({
      {"key policy names the caller's account, identity allows", decrypt,
       with_resource(identity({policy(allow("kms:Decrypt", kKey))}), key_policy), kAllowed},
      {"key policy names the caller's account, no identity allow", decrypt, with_resource(PolicySet{}, key_policy), kImplicit},
      {"key policy names only the owner account", decrypt,
       with_resource(identity({policy(allow("kms:Decrypt", kKey))}), policy(grant(aws(kA), "kms:*"))), kImplicit},
      {"key policy names the caller itself, identity allows", decrypt,
       with_resource(identity({policy(allow("kms:Decrypt"))}), policy(grant(aws(kBob), "kms:Decrypt"))), kAllowed},
      {"key policy names the caller itself, no identity allow", decrypt,
       with_resource(PolicySet{}, policy(grant(aws(kBob), "kms:Decrypt"))), kImplicit},
  });
}

// =============================================================================================
// Role trust policies
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html
// =============================================================================================

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html
TEST(RoleTrustPolicies, TrustPolicyRequiredEvenInSameAccount) {
  const auto id = identity({policy(allow("sts:AssumeRole", kTargetRole))});
  const auto assume = req(kAlice, "sts:AssumeRole", kTargetRole);
  check({
      {"trust policy trusts only a service", assume, with_resource(id, policy(trust(R"({"Service":"ec2.amazonaws.com"})"))), kImplicit},
      {"no trust policy", assume, id, kImplicit},
      {"trust policy trusts another user", assume, with_resource(id, policy(trust(aws("arn:aws:iam::111122223333:user/carol")))), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html
TEST(RoleTrustPolicies, TrustPolicyNamingCallerSufficesInSameAccount) {
  check({
      {"trust names the user", req(kAlice, "sts:AssumeRole", kTargetRole), with_resource(PolicySet{}, policy(trust(aws(kAlice)))), kAllowed},
      {"trust names the caller's role (role chaining)", req(kSession, "sts:AssumeRole", kTargetRole),
       with_resource(PolicySet{}, policy(trust(aws(kRole)))), kAllowed},
      {"trust names everyone", req(kAlice, "sts:AssumeRole", kTargetRole), with_resource(PolicySet{}, policy(trust(R"({"AWS":"*"})"))), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html
TEST(RoleTrustPolicies, TrustPolicyNamingAccountNeedsIdentityAllow) {
  const auto trust_account = policy(trust(aws("arn:aws:iam::111122223333:root")));
  check({
      {"no identity allow", req(kAlice, "sts:AssumeRole", kTargetRole), with_resource(PolicySet{}, trust_account), kImplicit},
      {"identity allow", req(kAlice, "sts:AssumeRole", kTargetRole),
       with_resource(identity({policy(allow("sts:AssumeRole", kTargetRole))}), trust_account), kAllowed},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html
TEST(RoleTrustPolicies, CrossAccountAssumeRoleNeedsTrustAndIdentityPolicy) {
  const auto id = identity({policy(allow("sts:AssumeRole", kTargetRole))});
  const auto assume = req(kBob, "sts:AssumeRole", kTargetRole);
  check({
      {"trust names the user, no identity allow", assume, with_resource(PolicySet{}, policy(trust(aws(kBob)))), kImplicit},
      {"trust names the user, identity allows", assume, with_resource(id, policy(trust(aws(kBob)))), kAllowed},
      {"trust names the caller's account, identity allows", assume, with_resource(id, policy(trust(aws(kB)))), kAllowed},
      {"identity allows, trust names only the owner account", assume, with_resource(id, policy(trust(aws(kA)))), kImplicit},
  });
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user.html
TEST(RoleTrustPolicies, TrustPolicyCoversOnlyItsActions) {
  check({
      {"trust allows AssumeRole, request is TagSession", req(kAlice, "sts:TagSession", kTargetRole),
       with_resource(PolicySet{}, policy(trust(aws(kAlice)))), kImplicit},
      {"trust allows TagSession", req(kAlice, "sts:TagSession", kTargetRole),
       with_resource(PolicySet{}, policy(trust(aws(kAlice), "sts:TagSession"))), kAllowed},
      {"trust denies", req(kAlice, "sts:AssumeRole", kTargetRole),
       with_resource(identity({policy(allow("sts:AssumeRole"))}), policy(trust(aws(kA)) + "," + trust(aws(kAlice), "sts:AssumeRole", "Deny"))), kExplicit},
  });
  EXPECT_TRUE(accessgraph::eval::is_role_trust_action("sts:assumerole"));
  EXPECT_TRUE(accessgraph::eval::is_role_trust_action("sts:tagsession"));
  EXPECT_TRUE(accessgraph::eval::is_role_trust_action("sts:setsourceidentity"));
  EXPECT_FALSE(accessgraph::eval::is_role_trust_action("s3:getobject"));
  EXPECT_FALSE(accessgraph::eval::is_role_trust_action("sts:getcalleridentity"));
}

// =============================================================================================
// Anonymous requests
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
// =============================================================================================

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
TEST(AnonymousRequests, AnonymousOnlyViaWildcardPrincipal) {
  check({
      {"Principal \"*\"", anonymous(), with_resource(PolicySet{}, policy(grant(R"("*")", "s3:GetObject"))), kAllowed},
      {"Principal {\"AWS\":\"*\"}", anonymous(), with_resource(PolicySet{}, policy(grant(R"({"AWS":"*"})", "s3:GetObject"))), kAllowed},
      {"account principal", anonymous(), with_resource(PolicySet{}, policy(grant(aws(kA), "s3:GetObject"))), kImplicit},
      {"user principal", anonymous(), with_resource(PolicySet{}, policy(grant(aws(kAlice), "s3:GetObject"))), kImplicit},
      {"no resource policy", anonymous(), PolicySet{}, kImplicit},
      {"wildcard for another action", anonymous("s3:PutObject"), with_resource(PolicySet{}, policy(grant(R"("*")", "s3:GetObject"))), kImplicit},
      {"wildcard deny", anonymous(),
       with_resource(PolicySet{}, policy(grant(R"("*")", "s3:*") + "," + grant(R"("*")", "s3:GetObject", "*", "Deny"))), kExplicit},
      // "*" means everyone only as "*" or {"AWS": "*"}; a "*" of another principal type names
      // every principal of that type (FORMAT.md 9).
      {"Principal {\"Service\":\"*\"}", anonymous(), with_resource(PolicySet{}, policy(grant(R"({"Service":"*"})", "s3:GetObject"))), kImplicit},
      {"Principal {\"Federated\":\"*\"}", anonymous(), with_resource(PolicySet{}, policy(grant(R"({"Federated":"*"})", "s3:GetObject"))), kImplicit},
      {"Principal {\"CanonicalUser\":\"*\"}", anonymous(), with_resource(PolicySet{}, policy(grant(R"({"CanonicalUser":"*"})", "s3:GetObject"))), kImplicit},
  });
}

// A "*" under Service, Federated or CanonicalUser names every principal of that type, never an IAM
// user, a role, a session or an anonymous caller: only "*" and {"AWS": "*"} mean "all principals".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
TEST(PrincipalElement, StarOfAnotherPrincipalTypeNamesOnlyThatType) {
  const auto everyone_of = [](const std::string& type, const std::string& effect = "Allow") {
    return policy(grant(R"({")" + type + R"(":"*"})", "s3:GetObject", "*", effect));
  };
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"same-account user, Service *", s3_get(kAlice), with_resource(PolicySet{}, everyone_of("Service")), kImplicit},
      {"same-account user, Federated *", s3_get(kAlice), with_resource(PolicySet{}, everyone_of("Federated")), kImplicit},
      {"same-account session, CanonicalUser *", s3_get(kSession), with_resource(PolicySet{}, everyone_of("CanonicalUser")), kImplicit},
      {"cross-account user with identity allow, Service *", s3_get(kBob), with_resource(id, everyone_of("Service")), kImplicit},
      {"cross-account user, AWS * (control)", s3_get(kBob), with_resource(id, everyone_of("AWS")), kAllowed},
      {"deny to Service * leaves a user alone", s3_get(kAlice), with_resource(id, everyone_of("Service", "Deny")), kAllowed},
      {"deny to AWS * applies to a user (control)", s3_get(kAlice), with_resource(id, everyone_of("AWS", "Deny")), kExplicit},
      {"a service caller, Service *", req("cloudtrail.amazonaws.com", "s3:GetObject", kObject, kA),
       with_resource(PolicySet{}, everyone_of("Service")), kAllowed},
      {"a service caller, Federated *", req("cloudtrail.amazonaws.com", "s3:GetObject", kObject, kA),
       with_resource(PolicySet{}, everyone_of("Federated")), kImplicit},
      {"a SAML provider's caller, Federated *", req("arn:aws:iam::444455556666:saml-provider/idp", "s3:GetObject", kObject, kA),
       with_resource(id, everyone_of("Federated")), kAllowed},
      // An STS federated user is named under "AWS" (IAM UG, Principal element, "AWS STS federated
      // user principals"), not by a "*" of another type.
      {"an STS federated user, CanonicalUser *", req("arn:aws:sts::444455556666:federated-user/bob", "s3:GetObject", kObject, kA),
       with_resource(id, everyone_of("CanonicalUser")), kImplicit},
      {"an STS federated user, Federated *", req("arn:aws:sts::444455556666:federated-user/bob", "s3:GetObject", kObject, kA),
       with_resource(id, everyone_of("Federated")), kImplicit},
  });
}

// Web identity providers named by domain (Cognito, Login with Amazon, Facebook, Google) are
// "Federated" principals, although their names are dotted like service principals; their callers
// are matched by Federated values, never by Service values.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-federated-web-identity
TEST(PrincipalElement, WebIdentityProvidersAreFederatedNotServices) {
  const auto trusting = [](const std::string& principal) {
    return with_resource(PolicySet{}, policy(trust(principal, "sts:AssumeRoleWithWebIdentity")));
  };
  const auto web = [](const std::string& provider) { return req(provider, "sts:AssumeRoleWithWebIdentity", kTargetRole, kA); };
  check({
      {"Cognito caller, Federated Cognito", web("cognito-identity.amazonaws.com"), trusting(R"({"Federated":"cognito-identity.amazonaws.com"})"), kAllowed},
      {"Google caller, Federated Google", web("accounts.google.com"), trusting(R"({"Federated":"accounts.google.com"})"), kAllowed},
      {"Facebook caller, Federated *", web("graph.facebook.com"), trusting(R"({"Federated":"*"})"), kAllowed},
      {"Amazon caller, Federated Google", web("www.amazon.com"), trusting(R"({"Federated":"accounts.google.com"})"), kImplicit},
      {"Cognito caller, Service Cognito", web("cognito-identity.amazonaws.com"), trusting(R"({"Service":"cognito-identity.amazonaws.com"})"), kImplicit},
      {"Google caller, Service *", web("accounts.google.com"), trusting(R"({"Service":"*"})"), kImplicit},
      {"a service caller still matches Service (control)", req("lambda.amazonaws.com", "sts:AssumeRole", kTargetRole, kA),
       with_resource(PolicySet{}, policy(trust(R"({"Service":"lambda.amazonaws.com"})"))), kAllowed},
  });
}

// AssumeRoleWithSAML / AssumeRoleWithWebIdentity are not signed with AWS credentials: an identity
// provider's caller has no identity policies, and the role's trust policy alone decides (STS API
// reference, AssumeRoleWithWebIdentity: "does not require the use of AWS security credentials").
// An STS federated user (GetFederationToken) still acts with its IAM user's policies.
TEST(RoleTrustPolicies, IdentityProviderCallersNeedOnlyTheTrustPolicy) {
  const std::string saml = "arn:aws:iam::111122223333:saml-provider/corp";
  const std::string oidc = "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com";
  const auto trusting = [](const std::string& principal, const std::string& action) {
    return with_resource(PolicySet{}, policy(trust(principal, action)));
  };
  check({
      {"SAML provider of the role's account", req(saml, "sts:AssumeRoleWithSAML", kTargetRole, kA),
       trusting(R"({"Federated":")" + saml + R"("})", "sts:AssumeRoleWithSAML"), kAllowed},
      {"OIDC provider of another account", req(oidc, "sts:AssumeRoleWithWebIdentity", kTargetRole, kA),
       trusting(R"({"Federated":")" + oidc + R"("})", "sts:AssumeRoleWithWebIdentity"), kAllowed},
      {"OIDC provider not named", req(oidc, "sts:AssumeRoleWithWebIdentity", kTargetRole, kA),
       trusting(R"({"Federated":")" + saml + R"("})", "sts:AssumeRoleWithWebIdentity"), kImplicit},
      {"trust names only the account", req(oidc, "sts:AssumeRoleWithWebIdentity", kTargetRole, kA),
       trusting(R"({"AWS":"444455556666"})", "sts:AssumeRoleWithWebIdentity"), kImplicit},
      {"no trust policy", req(saml, "sts:AssumeRoleWithSAML", kTargetRole, kA), PolicySet{}, kImplicit},
      {"STS federated user, cross-account, trust names it but no identity policy",
       req("arn:aws:sts::444455556666:federated-user/bob", "sts:AssumeRole", kTargetRole, kA),
       trusting(R"({"AWS":"arn:aws:sts::444455556666:federated-user/bob"})", "sts:AssumeRole"), kImplicit},
  });
}

// Principals in resource policies match as written (FORMAT.md 11); a session's role is the role
// ARN with its path, which aws:PrincipalArn gives (IAM UG, aws:PrincipalArn: "for an assumed-role
// session, the ARN of the role"). A role ARN with another path names another role.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
TEST(PrincipalElement, RoleArnNamesASessionOnlyWithTheRolesPath) {
  const std::string session = "arn:aws:sts::111122223333:assumed-role/Worker/s1";
  const auto session_get = [&](const std::string& principal_arn) {
    Request r = s3_get(session);
    if (!principal_arn.empty()) r.context.set("aws:PrincipalArn", principal_arn);
    r.identify_session_role();
    return r;
  };
  const auto naming = [](const std::string& role, const std::string& effect = "Allow") {
    return policy(grant(aws(role), "s3:GetObject", "*", effect));
  };
  const std::string with_path = "arn:aws:iam::111122223333:role/app/Worker";
  const std::string no_path = "arn:aws:iam::111122223333:role/Worker";
  const std::string other_path = "arn:aws:iam::111122223333:role/other/Worker";
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"role ARN with the role's path", session_get(with_path), with_resource(PolicySet{}, naming(with_path)), kAllowed},
      {"role ARN without the path", session_get(with_path), with_resource(PolicySet{}, naming(no_path)), kImplicit},
      {"role ARN with another path", session_get(with_path), with_resource(PolicySet{}, naming(other_path)), kImplicit},
      {"deny naming another path", session_get(with_path), with_resource(id, naming(other_path, "Deny")), kAllowed},
      {"deny naming the role", session_get(with_path), with_resource(id, naming(with_path, "Deny")), kExplicit},
      {"a role at the root path", session_get(no_path), with_resource(PolicySet{}, naming(no_path)), kAllowed},
      // Without aws:PrincipalArn the path is unknown: the account and role name identify the role.
      {"path unknown", session_get(""), with_resource(PolicySet{}, naming(other_path)), kAllowed},
      // An aws:PrincipalArn that is not this session's role says nothing about its path.
      {"inconsistent aws:PrincipalArn", session_get("arn:aws:iam::111122223333:role/app/Other"),
       with_resource(PolicySet{}, naming(other_path)), kAllowed},
  });
  Request trust_req = session_get(with_path);
  trust_req.action = "sts:AssumeRole";
  trust_req.action_lower = "sts:assumerole";
  trust_req.resource = kTargetRole;
  const auto trusting = [&](const std::string& role) {
    return with_resource(identity({policy(allow("sts:AssumeRole"))}), policy(trust(aws(role))));
  };
  EXPECT_EQ(name(accessgraph::eval::evaluate(trust_req, trusting(with_path))), name(kAllowed));
  EXPECT_EQ(name(accessgraph::eval::evaluate(trust_req, trusting(no_path))), name(kImplicit));
}

// =============================================================================================
// S3 Block Public Access (RestrictPublicBuckets) and the meaning of "public"
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
// =============================================================================================

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
TEST(BlockPublicAccess, BlockPublicAccessRestrictsCrossAccountOnPublicPolicy) {
  const auto id = identity({policy(allow("s3:*"))});
  const auto public_bucket = policy(grant(R"("*")", "s3:GetObject", "arn:aws:s3:::bucket-a/*"));
  check({
      {"off", s3_get(kBob), with_resource(id, public_bucket), kAllowed},
      {"on", s3_get(kBob), restricted(with_resource(id, public_bucket)), kExplicit},
  });
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
TEST(BlockPublicAccess, BlockPublicAccessRestrictsAnonymousOnPublicPolicy) {
  const auto public_bucket = policy(grant(R"("*")", "s3:GetObject", "arn:aws:s3:::bucket-a/*"));
  check({
      {"off", anonymous(), with_resource(PolicySet{}, public_bucket), kAllowed},
      {"on", anonymous(), restricted(with_resource(PolicySet{}, public_bucket)), kExplicit},
  });
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
TEST(BlockPublicAccess, BlocksCrossAccountDelegationInsideAPublicPolicy) {
  // "public and cross-account access within any public bucket policy, including non-public
  // delegation to specific accounts, is blocked"
  const auto bucket = policy(grant(R"("*")", "s3:GetObject") + "," + grant(aws(kB), "s3:PutObject"));
  const auto put = req(kBob, "s3:PutObject", kObject, kA);
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"off", put, with_resource(id, bucket), kAllowed},
      {"on", put, restricted(with_resource(id, bucket)), kExplicit},
  });
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
TEST(BlockPublicAccess, LeavesBucketOwnerAccountAlone) {
  const auto public_bucket = policy(grant(R"("*")", "s3:GetObject"));
  check({
      {"same-account user with identity allow", s3_get(kAlice), restricted(with_resource(identity({policy(allow("s3:*"))}), public_bucket)), kAllowed},
      {"same-account user via the public statement", s3_get(kAlice), restricted(with_resource(PolicySet{}, public_bucket)), kAllowed},
  });
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
TEST(BlockPublicAccess, IgnoresNonPublicPolicy) {
  const auto org_only = policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
                                   "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-exampleorg"}}})");
  const auto named_account = policy(grant(aws(kB), "s3:GetObject"));
  auto in_org = s3_get(kBob);
  in_org.context.set("aws:PrincipalOrgID", "o-exampleorg");
  const auto id = identity({policy(allow("s3:*"))});
  check({
      {"wildcard principal pinned to an organization", in_org, restricted(with_resource(id, org_only)), kAllowed},
      {"named account only", s3_get(kBob), restricted(with_resource(id, named_account)), kAllowed},
  });
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
TEST(BlockPublicAccess, DoesNotTurnImplicitDenyIntoExplicit) {
  const auto public_bucket = policy(grant(R"("*")", "s3:GetObject"));
  check({
      {"cross-account request the public policy does not cover", req(kBob, "s3:PutObject", kObject, kA),
       restricted(with_resource(identity({policy(allow("s3:*"))}), public_bucket)), kImplicit},
      {"cross-account request without identity allow", s3_get(kBob), restricted(with_resource(PolicySet{}, public_bucket)), kImplicit},
  });
}

// "The meaning of public": a policy is not public when every statement open to everyone is
// restricted to fixed values of keys such as aws:SourceIp, aws:SourceVpce, aws:SourceAccount,
// aws:PrincipalOrgID; values with wildcards are not fixed.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
TEST(BlockPublicAccess, MeaningOfPublic) {
  using accessgraph::resource::is_public_policy;
  const auto with_condition = [](const std::string& condition) {
    return policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":)" + condition + "}");
  };
  EXPECT_TRUE(is_public_policy(*policy(grant(R"("*")", "s3:GetObject"))));
  EXPECT_TRUE(is_public_policy(*policy(grant(R"({"AWS":"*"})", "s3:GetObject"))));
  EXPECT_TRUE(is_public_policy(*policy(grant(aws(kB), "s3:*") + "," + grant(R"("*")", "s3:GetObject"))));
  EXPECT_FALSE(is_public_policy(*policy(grant(aws(kB), "s3:GetObject"))));
  EXPECT_FALSE(is_public_policy(*policy(grant(aws(kAlice), "s3:GetObject"))));
  EXPECT_FALSE(is_public_policy(*policy(grant(R"("*")", "s3:GetObject", "*", "Deny"))));
  EXPECT_FALSE(is_public_policy(*with_condition(R"({"StringEquals":{"aws:PrincipalOrgID":"o-exampleorg"}})")));
  EXPECT_FALSE(is_public_policy(*with_condition(R"({"StringEquals":{"aws:PrincipalAccount":"444455556666"}})")));
  EXPECT_FALSE(is_public_policy(*with_condition(R"({"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}})")));
  EXPECT_FALSE(is_public_policy(*with_condition(R"({"StringEquals":{"aws:SourceAccount":"444455556666"}})")));
  EXPECT_FALSE(is_public_policy(*with_condition(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})")));
  // Not pinned: a wildcard value, or a key that says nothing about the caller.
  EXPECT_TRUE(is_public_policy(*with_condition(R"({"StringLike":{"aws:PrincipalAccount":"*"}})")));
  EXPECT_TRUE(is_public_policy(*with_condition(R"({"StringLike":{"aws:SourceVpce":"vpce-*"}})")));
  EXPECT_TRUE(is_public_policy(*with_condition(R"({"Bool":{"aws:SecureTransport":"true"}})")));
}

// =============================================================================================
// sts:GetCallerIdentity needs no permission and cannot be denied.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
// =============================================================================================

// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
TEST(GetCallerIdentity, GetCallerIdentityAlwaysAllowed) {
  const auto who_user = req(kAlice, "sts:GetCallerIdentity", "*");
  const auto who_session = req(kSession, "sts:GetCallerIdentity", "*");
  check({
      {"no policies", who_user, PolicySet{}, kAllowed},
      {"explicit identity deny", who_user, identity({policy(deny("*"))}), kAllowed},
      {"explicit deny of the action", who_user, identity({policy(deny("sts:GetCallerIdentity"))}), kAllowed},
      {"SCP deny and no SCP allow", who_user, with_scps(PolicySet{}, {{"root", {policy(deny("*"))}}}), kAllowed},
      {"session with restrictive session policy and boundary", who_session,
       with_boundary(with_session(PolicySet{}, policy(deny("*"))), policy(allow("ec2:*"))), kAllowed},
      {"request spelled in other case", req(kAlice, "STS:getcalleridentity", "*"), identity({policy(deny("*"))}), kAllowed},
      {"anonymous caller is not authenticated", Request::make("anonymous", "sts:GetCallerIdentity", "*", "", kA), PolicySet{}, kImplicit},
  });
}

// =============================================================================================
// Explanations name the deciding statements (policy, statement index, Sid, SCP/RCP level).
// =============================================================================================

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
TEST(Explanation, NamesTheDenyingIdentityStatement) {
  auto guardrails = policy(allow("s3:*") + R"(,{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"})", "guardrails");
  const auto r = req(kAlice, "s3:DeleteObject", kObject, kA);
  const auto e = accessgraph::eval::explain(r, identity({guardrails}));
  EXPECT_EQ(name(e.decision), name(kExplicit));
  ASSERT_EQ(e.denies.size(), 1u);
  EXPECT_EQ(e.denies[0].kind, PolicyKind::kIdentity);
  EXPECT_EQ(e.denies[0].policy, "guardrails");
  EXPECT_EQ(e.denies[0].statement_index, 1u);
  EXPECT_EQ(e.denies[0].sid, "NoDelete");
  EXPECT_EQ(e.denies[0].effect, accessgraph::policy::Effect::kDeny);
  EXPECT_EQ(e.denies[0].json_pointer, "/Statement/1");
  const std::string text = e.to_text();
  EXPECT_NE(text.find("guardrails"), std::string::npos) << text;
  EXPECT_NE(text.find("NoDelete"), std::string::npos) << text;
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
TEST(Explanation, NamesTheScpLevelOfADeny) {
  auto deny_s3 = policy(R"({"Sid":"DenyS3","Effect":"Deny","Action":"s3:*","Resource":"*"})", "deny-s3");
  const auto ps = with_scps(identity({policy(allow("*"))}),
                            {{"root r-ab12", {full_access()}}, {"OU ou-ab12-security", {full_access(), deny_s3}}, {"account 111122223333", {full_access()}}});
  const auto e = accessgraph::eval::explain(s3_get(kAlice), ps);
  EXPECT_EQ(name(e.decision), name(kExplicit));
  ASSERT_EQ(e.denies.size(), 1u);
  EXPECT_EQ(e.denies[0].kind, PolicyKind::kServiceControlPolicy);
  EXPECT_EQ(e.denies[0].level, "OU ou-ab12-security");
  EXPECT_EQ(e.denies[0].policy, "deny-s3");
  EXPECT_EQ(e.denies[0].sid, "DenyS3");
  EXPECT_EQ(e.denies[0].statement_index, 0u);
  EXPECT_NE(e.to_text().find("OU ou-ab12-security"), std::string::npos) << e.to_text();
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
TEST(Explanation, MissingNamesTheScpLevelWithoutAnAllow) {
  const auto ps = with_scps(identity({policy(allow("s3:*"))}),
                            {{"root r-ab12", {full_access()}}, {"OU ou-ab12-dev", {policy(allow("ec2:*"), "ec2-only")}},
                             {"account 111122223333", {full_access()}}});
  const auto e = accessgraph::eval::explain(s3_get(kAlice), ps);
  EXPECT_EQ(name(e.decision), name(kImplicit));
  EXPECT_TRUE(e.denies.empty());
  bool names_dev = false, names_root = false;
  for (const auto& m : e.missing) {
    names_dev |= m.find("OU ou-ab12-dev") != std::string::npos;
    names_root |= m.find("root r-ab12") != std::string::npos;
  }
  EXPECT_TRUE(names_dev) << e.to_text();
  EXPECT_FALSE(names_root) << e.to_text();
  EXPECT_NE(e.to_text().find("OU ou-ab12-dev"), std::string::npos);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
TEST(Explanation, NamesTheAllowingStatements) {
  auto reader = policy(R"({"Sid":"ReadData","Effect":"Allow","Action":"s3:GetObject","Resource":"*"})", "reader");
  const auto e = accessgraph::eval::explain(s3_get(kAlice), identity({policy(allow("ec2:*"), "compute"), reader}));
  EXPECT_EQ(name(e.decision), name(kAllowed));
  bool found = false;
  for (const auto& a : e.allows) {
    if (a.policy == "reader" && a.sid == "ReadData" && a.kind == PolicyKind::kIdentity && a.statement_index == 0) found = true;
    EXPECT_NE(a.policy, "compute");  // a statement that does not apply is not listed
  }
  EXPECT_TRUE(found) << e.to_text();
  EXPECT_TRUE(e.denies.empty());
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
TEST(Explanation, NamesResourcePolicyStatementAndHowThePrincipalMatched) {
  auto bucket = policy(grant(aws(kB), "s3:PutObject") + R"(,{"Sid":"AliceReads","Effect":"Allow","Principal":{"AWS":")" + kAlice +
                           R"("},"Action":"s3:GetObject","Resource":"*"})",
                       "bucket-policy");
  const auto e = accessgraph::eval::explain(s3_get(kAlice), with_resource(PolicySet{}, bucket));
  EXPECT_EQ(name(e.decision), name(kAllowed));
  bool found = false;
  for (const auto& a : e.allows) {
    if (a.kind == PolicyKind::kResourcePolicy && a.policy == "bucket-policy" && a.statement_index == 1 && a.sid == "AliceReads") {
      found = true;
      EXPECT_STREQ(accessgraph::match::to_string(a.principal_match), accessgraph::match::to_string(accessgraph::match::PrincipalMatch::kUser));
    }
  }
  EXPECT_TRUE(found) << e.to_text();
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
TEST(Explanation, MissingNamesTheBoundary) {
  const auto ps = with_boundary(identity({policy(allow("s3:*"))}), policy(allow("ec2:*"), "dev-boundary"));
  const auto e = accessgraph::eval::explain(s3_get(kAlice), ps);
  EXPECT_EQ(name(e.decision), name(kImplicit));
  bool names_boundary = false;
  for (const auto& m : e.missing) names_boundary |= m.find("dev-boundary") != std::string::npos;
  EXPECT_TRUE(names_boundary) << e.to_text();
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
TEST(Explanation, NamesTheRcpLevelOfADeny) {
  auto rcp = policy(R"({"Sid":"NoPlainHttp","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"})", "https-only");
  const auto ps = with_rcps(identity({policy(allow("s3:*"))}), {{"root r-ab12", {}}, {"account 111122223333", {rcp}}});
  const auto e = accessgraph::eval::explain(s3_get(kAlice), ps);
  EXPECT_EQ(name(e.decision), name(kExplicit));
  ASSERT_EQ(e.denies.size(), 1u);
  EXPECT_EQ(e.denies[0].kind, PolicyKind::kResourceControlPolicy);
  EXPECT_EQ(e.denies[0].level, "account 111122223333");
  EXPECT_EQ(e.denies[0].policy, "https-only");
  EXPECT_EQ(e.denies[0].sid, "NoPlainHttp");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
TEST(Explanation, ListsEveryApplicableDeny) {
  const auto ps = with_resource(identity({policy(deny("s3:*"), "id-deny")}),
                                policy(grant(R"("*")", "s3:GetObject", "*", "Deny"), "bucket-deny"));
  const auto e = accessgraph::eval::explain(s3_get(kAlice), ps);
  EXPECT_EQ(name(e.decision), name(kExplicit));
  ASSERT_EQ(e.denies.size(), 2u);
  bool id = false, rp = false;
  for (const auto& d : e.denies) {
    id |= d.policy == "id-deny" && d.kind == PolicyKind::kIdentity;
    rp |= d.policy == "bucket-deny" && d.kind == PolicyKind::kResourcePolicy;
  }
  EXPECT_TRUE(id && rp) << e.to_text();
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
TEST(Explanation, DecisionNamesAreStable) {
  EXPECT_STREQ(accessgraph::eval::to_string(kAllowed), "Allowed");
  EXPECT_STREQ(accessgraph::eval::to_string(kImplicit), "ImplicitlyDenied");
  EXPECT_STREQ(accessgraph::eval::to_string(kExplicit), "ExplicitlyDenied");
}

}  // namespace
