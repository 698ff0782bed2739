// Fuzz target: policy::Policy::parse, then the evaluator on every policy that parses.
//
// Input: the policy JSON text itself (seeds in cpp/fuzz/corpus/policy/).
// Contract: Policy::parse throws only policy::ParseError. For a policy that parses, the target
// evaluates fixed requests (plus requests aimed at the policy's own statements, so that conditions
// and variables are reached) with the policy in every slot of a PolicySet, and checks that
// eval::evaluate and eval::explain agree.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/policy/parse_error.hpp"
#include "accessgraph/policy/policy.hpp"
#include "fuzz_common.hpp"

namespace ag = accessgraph;

namespace {

// A context with a value of every type an operator can read, including multivalued and empty keys.
void fill_context(ag::condition::RequestContext& c, bool v6) {
  c.set("aws:username", "alice");
  c.set("aws:userid", "AIDAEXAMPLEALICE0001");
  c.set("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice");
  c.set("aws:PrincipalAccount", "111122223333");
  c.set("aws:PrincipalOrgID", "o-a1b2c3d4e5");
  c.set("aws:PrincipalTag/team", "blue");
  c.set("aws:RequestTag/team", "blue");
  c.set("aws:ResourceTag/team", "red");
  c.set("aws:SourceIp", v6 ? "2001:db8::7" : "203.0.113.7");
  c.set("aws:SourceVpc", "vpc-1234");
  c.set("aws:SecureTransport", "true");
  c.set("aws:MultiFactorAuthPresent", "true");
  c.set("aws:MultiFactorAuthAge", "3599");
  c.set("aws:CurrentTime", "2026-02-28T12:00:00Z");
  c.set("aws:EpochTime", "1772280000");
  c.set("aws:TokenIssueTime", "2026-02-28T11:00:00.250+01:00");
  c.set("aws:RequestedRegion", "us-east-1");
  c.set("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic");
  c.set("aws:SourceAccount", "111122223333");
  c.set("s3:prefix", "");
  c.set("s3:max-keys", "-1.5e3");
  c.set("kms:ViaService", "s3.us-east-1.amazonaws.com");
  c.set_multi("aws:TagKeys", {"team", "Env"});
  c.set_multi("aws:CalledVia", {"athena.amazonaws.com", "glue.amazonaws.com"});
  c.set_multi("aws:PrincipalOrgPaths", {});
  c.set_multi("kms:EncryptionContextKeys", {"a", "a", "*"});
}

std::vector<ag::eval::Request> fixed_requests() {
  std::vector<ag::eval::Request> out;
  auto add = [&out](std::string_view principal, std::string_view action, std::string_view resource,
                    std::string_view resource_account, bool context, bool v6) {
    auto r = ag::eval::Request::make(principal, action, resource, {}, resource_account);
    if (context) fill_context(r.context, v6);
    out.push_back(std::move(r));
  };
  add("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::bucket/home/alice/report.csv",
      "111122223333", true, false);
  add("arn:aws:sts::444455556666:assumed-role/Admin/session", "KMS:Decrypt",
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd", "", true, true);
  add("anonymous", "s3:GetObject", "arn:aws:s3:::public-site/index.html", "111122223333", false, false);
  add("arn:aws:iam::111122223333:role/path/Deployer", "iam:ListRoles", "*", "", true, false);
  add("lambda.amazonaws.com", "sts:AssumeRole", "arn:aws:iam::111122223333:role/Deployer", "", false, false);
  add("arn:aws:iam::111122223333:root", "iam:PassRole", "arn:aws:iam::111122223333:role/Deployer", "", true, true);
  return out;
}

// A concrete string that a pattern text matches when it holds no variable: wildcards replaced.
std::string instance_of(std::string_view pattern) {
  std::string s(pattern);
  for (char& c : s) {
    if (c == '*') c = 'x';
    else if (c == '?') c = 'q';
  }
  return s;
}

// Requests aimed at the first statements of `p`: their action, their resource and, as context,
// each condition key set to its first value (single-valued, and multivalued in a second request).
std::vector<ag::eval::Request> aimed_requests(const ag::policy::Policy& p) {
  std::vector<ag::eval::Request> out;
  constexpr std::size_t kMaxStatements = 3;
  const auto& statements = p.statements();
  for (std::size_t i = 0; i < statements.size() && i < kMaxStatements; ++i) {
    const auto& st = statements[i];
    const std::string action = st.actions.empty() ? "s3:GetObject" : instance_of(st.actions.front().text());
    const std::string resource = !st.has_resource || st.resources.empty() ? "*" : instance_of(st.resources.front().text());
    std::string principal = "arn:aws:iam::111122223333:user/alice";
    if (st.has_principal && !st.principal.aws.empty() && st.principal.aws.front().rfind("arn:", 0) == 0) {
      principal = st.principal.aws.front();
    }
    for (int multi = 0; multi < 2; ++multi) {
      auto r = ag::eval::Request::make(principal, action, resource);
      fill_context(r.context, multi != 0);
      for (const auto& clause : st.condition.clauses) {
        std::string value = clause.values.empty() ? std::string() : instance_of(clause.values.front().text);
        if (multi) r.context.set_multi(clause.key, {value, "other"});
        else r.context.set(clause.key, std::move(value));
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

void check(const ag::eval::Request& request, const ag::eval::PolicySet& set, std::string_view label) {
  const auto fast = ag::eval::evaluate(request, set);
  const auto explained = ag::eval::explain(request, set);
  if (explained.decision != fast) {
    ag::fuzz::fail(std::string("evaluate() and explain() disagree (") + std::string(label) + ", action " +
                   request.action + ", resource " + request.resource + "): evaluate says " +
                   ag::eval::to_string(fast) + ", explain says " + ag::eval::to_string(explained.decision) +
                   "\n" + explained.to_text());
  }
  (void)explained.to_text();
  ag::fuzz::feature(std::string(label) + ":" + ag::eval::to_string(fast) + ":" + explained.rule);
}

void evaluate_all(const ag::policy::PolicyPtr& p) {
  static const std::vector<ag::eval::Request> kFixed = fixed_requests();
  static const ag::policy::PolicyPtr kAllowAll =
      ag::policy::Policy::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                                "allow-all");
  static const ag::policy::PolicyPtr kTrustAll = ag::policy::Policy::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})",
      "trust-all");

  std::vector<ag::eval::Request> requests = kFixed;
  for (auto& r : aimed_requests(*p)) requests.push_back(std::move(r));

  for (const auto& request : requests) {
    ag::eval::PolicySet identity;
    identity.identity_policies = {p};
    check(request, identity, "identity");

    ag::eval::PolicySet resource;
    resource.resource_policy = p;
    check(request, resource, "resource");

    // The policy in every other slot, each alongside an allow-everything policy.
    ag::eval::PolicySet stack;
    stack.identity_policies = {kAllowAll, p};
    stack.permissions_boundary = p;
    stack.session_policy = p;
    stack.scp_levels = {{"root", {kAllowAll}}, {"account", {p}}};
    stack.rcp_levels = {{"root", {p, kAllowAll}}};
    stack.resource_policy = kTrustAll;
    stack.options.s3_restrict_public_buckets = true;
    check(request, stack, "stack");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ag::policy::PolicyPtr policy;
  try {
    policy = ag::policy::Policy::parse(text, "fuzz");
  } catch (const ag::policy::ParseError& e) {
    if (e.code().empty()) ag::fuzz::fail(std::string("ParseError without a code: ") + e.what());
    ag::fuzz::feature(e.code() + "@" + ag::fuzz::pointer_shape(e.json_pointer()));
    return 0;
  }
  if (!policy) ag::fuzz::fail("Policy::parse returned null without throwing");
  ag::fuzz::feature("parsed:" + std::to_string(policy->statements().size() < 4 ? policy->statements().size() : 4));
  evaluate_all(policy);
  return 0;
}
