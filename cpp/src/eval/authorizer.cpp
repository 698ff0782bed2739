// The AWS policy evaluation logic, one rule per function where it helps reading.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
#include "accessgraph/eval/authorizer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include "accessgraph/resource/public_policy.hpp"
#include "accessgraph/match/arn.hpp"

namespace accessgraph::eval {

using match::PrincipalMatch;
using policy::Effect;
using policy::Policy;
using policy::Statement;

const char* to_string(DecisionKind d) noexcept {
  switch (d) {
    case DecisionKind::kAllowed: return "Allowed";
    case DecisionKind::kImplicitlyDenied: return "ImplicitlyDenied";
    case DecisionKind::kExplicitlyDenied: return "ExplicitlyDenied";
  }
  return "ImplicitlyDenied";
}

const char* to_string(PolicyKind k) noexcept {
  switch (k) {
    case PolicyKind::kIdentity: return "identity policy";
    case PolicyKind::kPermissionsBoundary: return "permissions boundary";
    case PolicyKind::kSessionPolicy: return "session policy";
    case PolicyKind::kServiceControlPolicy: return "SCP";
    case PolicyKind::kResourceControlPolicy: return "RCP";
    case PolicyKind::kResourcePolicy: return "resource policy";
  }
  return "policy";
}

bool is_role_trust_action(std::string_view a) noexcept {
  return a == "sts:assumerole" || a == "sts:assumerolewithsaml" || a == "sts:assumerolewithwebidentity" ||
         a == "sts:tagsession" || a == "sts:setsourceidentity" || a == "sts:setcontext";
}

namespace {

// Collects the statements that applied, only when an explanation is asked for.
struct Trace {
  std::vector<StatementMatch> denies;
  std::vector<StatementMatch> allows;
  std::vector<StatementMatch> conditional_denies;
  std::vector<const condition::ConditionClause*> assumed;  // scratch for the statement being scanned
  void record(PolicyKind kind, const Policy& p, const std::string* level, const Statement& st, PrincipalMatch pm,
              bool conditional = false) {
    StatementMatch m{kind, p.name(), level ? *level : std::string(), st.index, st.sid, st.effect, pm, st.json_pointer, {}};
    for (const auto* c : assumed) m.assumed_conditions.push_back(condition::describe_clause(*c));
    (conditional ? conditional_denies : st.effect == Effect::kDeny ? denies : allows).push_back(std::move(m));
  }
};

// What one policy contributes to a request.
struct PolicyScan {
  bool allow = false;
  bool deny = false;
  PrincipalMatch best_allow = PrincipalMatch::kNone;  // resource-based policies
  bool allow_names_account = false;                    // an Allow naming the caller's account
};

bool rank_higher(PrincipalMatch a, PrincipalMatch b) { return static_cast<int>(a) > static_cast<int>(b); }

// Does the statement's Principal / NotPrincipal apply to the caller? (resource-based policies)
PrincipalMatch principal_applies(const policy::ProgramView& program, const policy::Program::Stmt& ps, const Statement& st,
                                 const Request& req, bool has_boundary) noexcept {
  if (!(ps.flags & policy::Program::kHasPrincipal)) return PrincipalMatch::kNone;  // a resource policy statement must name principals
  if (ps.flags & policy::Program::kNotPrincipal) {
    // NotPrincipal with Deny always applies to a principal that has a permissions boundary
    // (IAM User Guide, NotPrincipal: "principals with permissions boundaries").
    if ((ps.flags & policy::Program::kDeny) && has_boundary) return PrincipalMatch::kNotPrincipal;
    return st.principal.excludes(req.principal) ? PrincipalMatch::kNone : PrincipalMatch::kNotPrincipal;
  }
  return program.match_principal(ps, req.principal, st);
}

// The request as the scans read it, prepared once.
struct Probe {
  const Request& req;
  const match::SplitArn& resource;
  std::uint32_t service;  // Statement::service_hash of the action
  bool resource_is_star;  // the request's resource is "*"
  Probe(const Request& r, const match::SplitArn& arn)
      : req(r), resource(arn), service(Statement::service_hash(r.action_lower)), resource_is_star(arn.full == "*") {}
};

PolicyScan scan(const PlanEntry& e, const Probe& probe, bool resource_based, bool has_boundary,
                const std::string* level, Trace* trace) noexcept {
  PolicyScan out;
  const PolicyKind kind = e.kind;
  const Request& req = probe.req;
  const std::uint32_t service = probe.service;
  const match::SplitArn& resource = probe.resource;
  const bool request_is_star = probe.resource_is_star;
  // Statements are matched on the policy's compact program (policy/program.hpp); the full
  // statement serves NotPrincipal, open-world conditions, what the program leaves to it, and the
  // explanation.
  const policy::ProgramView& program = e.program;
  const std::size_t n = program.size();
  for (std::size_t i = 0; i < n; ++i) {
    const policy::Program::Stmt& ps = program.statement(i);
    const Statement& st = e.statements[i];
    if (!policy::Program::may_name_service(ps, service) || !program.matches_action(ps, req.action_lower, st)) continue;
    PrincipalMatch pm = PrincipalMatch::kNone;
    if (resource_based) {
      pm = principal_applies(program, ps, st, req, has_boundary);
      if (pm == PrincipalMatch::kNone) continue;
    }
    if (!program.matches_resource(ps, resource, request_is_star, req.context, st)) continue;
    const bool deny = (ps.flags & policy::Program::kDeny) != 0;
    if (ps.flags & policy::Program::kHasCondition) {
      if (trace) trace->assumed.clear();
      const bool holds = req.context.open_world()
                             ? st.condition.evaluate(req.context, !deny, trace ? &trace->assumed : nullptr)
                             : program.conditions_hold(ps, req.context, st);
      if (!holds) {
        // Open world: a Deny whose unknown conditions could hold is reported as conditional.
        if (trace && req.context.open_world() && deny) {
          trace->assumed.clear();
          if (st.condition.evaluate(req.context, true, &trace->assumed)) {
            try {
              trace->record(kind, *e.policy, level, st, pm, true);
            } catch (...) {
            }
          }
        }
        continue;
      }
    } else if (trace) {
      trace->assumed.clear();
    }
    if (deny) {
      out.deny = true;
    } else {
      out.allow = true;
      if (rank_higher(pm, out.best_allow)) out.best_allow = pm;
      if (pm == PrincipalMatch::kAccount) out.allow_names_account = true;
    }
    if (trace) {
      try {
        trace->record(kind, *e.policy, level, st, pm);
      } catch (...) {  // explanations are best effort; the decision stands
      }
    }
  }
  return out;
}

bool is_kms_key(const match::SplitArn& r) noexcept {
  return r.count == 6 && r.parts[2] == "kms" && r.parts[5].substr(0, 4) == "key/";
}
bool is_kms_key(std::string_view resource) noexcept { return is_kms_key(match::SplitArn::of(resource)); }

bool is_iam_role(const match::SplitArn& r) noexcept {
  return r.count == 6 && r.parts[2] == "iam" && r.parts[5].substr(0, 5) == "role/";
}

bool is_s3(std::string_view resource) noexcept { return resource.substr(0, 11) == "arn:aws:s3:"; }

struct Outcome {
  DecisionKind decision;
  const char* rule;
};

// Everything the decision depends on, gathered in one pass over the policies.
struct Facts {
  bool deny = false;
  bool identity_allow = false;
  bool boundary_allows = true;  // no boundary: nothing to restrict
  bool session_allows = true;
  bool scp_allows = true;
  int scp_missing_level = -1;
  PolicyScan resource;
};

// Reads the first cache lines of every program of the set, and of the request's resource and
// principal ARNs, before any of them is needed. Evaluating a mix of unrelated requests waits mostly
// for memory (benchmarks/README.md, "Reading the figures"); the scans below find a policy's program
// only after the previous policy's scan is over, so their misses come one after another, while
// these loads do not depend on each other and are served together. Measured on the conformance
// mix (alternating passes in one process): +5 to +10 % when the host is quiet, up to +14 % when
// other tenants fill the shared cache; reading more than 4 lines per program gained less.
// (Prefetch instructions made no difference on the same host.)
// `each` visits the policies' plan entries (see gather).
template <class Each>
void load_ahead(const Request& req, Each&& each) noexcept {
  constexpr std::size_t kBytesAhead = 256;  // of each program
  unsigned sum = static_cast<unsigned char>(req.resource.data()[0]) + static_cast<unsigned char>(req.principal.arn.data()[0]);
  each([&sum](const PlanEntry& e) {
    const auto* block = static_cast<const unsigned char*>(e.program.data());
    const std::size_t bytes = e.program.block_bytes();
    for (std::size_t at = 0; at < bytes && at < kBytesAhead; at += 64) sum += block[at];
  });
  asm volatile("" : : "r"(sum));  // the loads are the point: keep them (GCC and Clang)
}

PlanEntry entry_of(const policy::Policy& p, PolicyKind kind, std::size_t level = 0) noexcept {
  PlanEntry e{p.program().view(), p.statements().data(), &p, kind};
  e.level = static_cast<std::uint32_t>(level);
  return e;
}

// Calls f(entry) for every policy of the set in evaluation order: identity policies, permissions
// boundary, session policy, SCPs level by level, RCPs level by level, resource policy. Null
// policies are skipped.
template <class F>
void for_each_entry(const PolicySet& ps, F&& f) {
  for (const auto& p : ps.identity_policies) {
    if (p) f(entry_of(*p, PolicyKind::kIdentity));
  }
  if (ps.permissions_boundary) f(entry_of(*ps.permissions_boundary, PolicyKind::kPermissionsBoundary));
  if (ps.session_policy) f(entry_of(*ps.session_policy, PolicyKind::kSessionPolicy));
  for (std::size_t i = 0; i < ps.scp_levels.size(); ++i) {
    for (const auto& p : ps.scp_levels[i].policies) {
      if (p) f(entry_of(*p, PolicyKind::kServiceControlPolicy, i));
    }
  }
  for (std::size_t i = 0; i < ps.rcp_levels.size(); ++i) {
    for (const auto& p : ps.rcp_levels[i].policies) {
      if (p) f(entry_of(*p, PolicyKind::kResourceControlPolicy, i));
    }
  }
  if (ps.resource_policy) f(entry_of(*ps.resource_policy, PolicyKind::kResourcePolicy));
}

// SCPs: every level must allow (a level without policies allows nothing). Fed the SCP entries in
// level order; finds the first level without an Allow.
class LevelCheck {
 public:
  explicit LevelCheck(std::size_t levels) : levels_(levels) {}
  void visit(std::size_t level, bool allows) {
    close_below(level);
    open_allows_ |= allows;
  }
  int first_level_without_allow() {
    close_below(levels_);
    return missing_;
  }

 private:
  void close_below(std::size_t level) {
    for (; next_ < level; ++next_) {
      if (!open_allows_ && missing_ < 0) missing_ = static_cast<int>(next_);
      open_allows_ = false;
    }
  }
  std::size_t levels_;
  std::size_t next_ = 0;  // the level being collected; those below are decided
  bool open_allows_ = false;
  int missing_ = -1;
};

// `each` is for_each_entry over the set, or the same entries from a PreparedPolicySet.
template <class Each>
Facts gather(const Request& req, const PolicySet& ps, Each&& each, const match::SplitArn& arn, Trace* trace) noexcept {
  Facts f;
  const Probe probe(req, arn);
  const bool anonymous = req.principal.is_anonymous();
  const bool has_boundary = ps.permissions_boundary != nullptr && !anonymous;
  LevelCheck scps(ps.scp_levels.size());
  each([&](const PlanEntry& e) {
    switch (e.kind) {
      case PolicyKind::kIdentity:
      case PolicyKind::kPermissionsBoundary:
      case PolicyKind::kSessionPolicy:
      case PolicyKind::kServiceControlPolicy: {
        if (anonymous) return;  // anonymous callers have no identity; SCPs never apply to them
        const std::string* level = e.kind == PolicyKind::kServiceControlPolicy ? &ps.scp_levels[e.level].name : nullptr;
        const PolicyScan s = scan(e, probe, false, false, level, trace);
        f.deny |= s.deny;
        if (e.kind == PolicyKind::kIdentity) f.identity_allow |= s.allow;
        else if (e.kind == PolicyKind::kPermissionsBoundary) f.boundary_allows = s.allow;
        else if (e.kind == PolicyKind::kSessionPolicy) f.session_allows = s.allow;
        else scps.visit(e.level, s.allow);
        return;
      }
      case PolicyKind::kResourceControlPolicy: {
        // RCPs: each level implicitly carries RCPFullAWSAccess, so only their Deny statements matter.
        f.deny |= scan(e, probe, true, has_boundary, &ps.rcp_levels[e.level].name, trace).deny;
        return;
      }
      case PolicyKind::kResourcePolicy:
        f.resource = scan(e, probe, true, has_boundary, nullptr, trace);
        f.deny |= f.resource.deny;
        return;
    }
  });
  if (!anonymous) {
    // The account root user has full access to its account without any identity policy
    // (IAM UG, policy evaluation logic: "except for the AWS account root user").
    if (req.principal.kind == match::CallerKind::kAccountRoot) f.identity_allow = true;
    f.scp_missing_level = scps.first_level_without_allow();
    f.scp_allows = f.scp_missing_level < 0;
  }
  return f;
}

// The entry visitors of a plain set (built on the way) and of a prepared one (read from its plan).
auto entries_of(const PolicySet& ps) {
  return [&ps](auto&& f) { for_each_entry(ps, f); };
}
auto entries_of(const PreparedPolicySet& prepared) {
  return [&prepared](auto&& f) {
    for (const PlanEntry& e : prepared) f(e);
  };
}

// Same account: a resource policy statement that names the caller grants by itself. One naming the
// IAM user or the session ARN is not limited by the permissions boundary; one naming the session
// ARN is not limited by the session policy either; one naming the role ARN (or "*") is limited by
// both. Naming only the account grants nothing: it delegates to identity policies.
// (IAM User Guide, policy evaluation logic: "Resource-based policies" and "Permissions boundaries";
// FORMAT.md conventions 2, 6, 7.)
bool same_account_resource_policy_grants(const Facts& f) noexcept {
  if (!f.resource.allow) return false;
  switch (f.resource.best_allow) {
    case PrincipalMatch::kUser: return f.session_allows;
    case PrincipalMatch::kSession: return true;
    case PrincipalMatch::kAccount:
    case PrincipalMatch::kNone: return false;
    default: return f.boundary_allows && f.session_allows;
  }
}

bool identity_path_allows(const Facts& f) noexcept {
  return f.identity_allow && f.boundary_allows && f.session_allows;
}

Outcome decide(const Request& req, const PolicySet& ps, const match::SplitArn& resource, const Facts& f) noexcept {
  const bool anonymous = req.principal.is_anonymous();
  if (f.deny) return {DecisionKind::kExplicitlyDenied, "explicit-deny"};
  if (!f.scp_allows) return {DecisionKind::kImplicitlyDenied, "scp-level-missing-allow"};

  bool allowed = false;
  const char* rule = "no-applicable-allow";
  if (anonymous) {
    // Anonymous callers are granted access only by a resource policy open to "*" (FORMAT.md 9).
    allowed = f.resource.allow &&
              (f.resource.best_allow == PrincipalMatch::kWildcard || f.resource.best_allow == PrincipalMatch::kNotPrincipal);
    rule = allowed ? "anonymous-resource-policy-allow" : "anonymous-needs-public-resource-policy";
  } else if (req.principal.kind == match::CallerKind::kService) {
    // AWS service principals have no identity policies: a resource policy statement naming the
    // service (or "*") authorizes them (IAM UG, "AWS service principals").
    allowed = f.resource.allow && f.resource.best_allow != PrincipalMatch::kAccount;
    rule = allowed ? "service-principal-resource-policy-allow" : "service-principal-needs-resource-policy";
  } else if (match::is_identity_provider_caller(req.principal)) {
    // A SAML / OIDC / web identity caller has no identity policies either: AssumeRoleWithSAML and
    // AssumeRoleWithWebIdentity are not signed with AWS credentials, so the role's trust policy
    // alone decides (STS API reference, AssumeRoleWithWebIdentity / AssumeRoleWithSAML: "does not
    // require the use of AWS security credentials"; IAM UG, Principal element, federated principals).
    allowed = f.resource.allow && f.resource.best_allow != PrincipalMatch::kAccount;
    rule = allowed ? "federated-principal-resource-policy-allow" : "federated-principal-needs-resource-policy";
  } else if (is_role_trust_action(req.action_lower) && is_iam_role(resource)) {
    // Role trust policy: always required, even in the same account (FORMAT.md 5).
    if (!ps.resource_policy || !f.resource.allow) {
      rule = "trust-policy-missing-allow";
    } else if (req.same_account()) {
      allowed = same_account_resource_policy_grants(f) || identity_path_allows(f);
      rule = allowed ? "trust-policy-allow" : "trust-policy-names-account-identity-missing";
    } else {
      allowed = identity_path_allows(f);
      rule = allowed ? "cross-account-trust-and-identity-allow" : "cross-account-identity-missing-allow";
    }
  } else if (is_kms_key(resource)) {
    // KMS: IAM policies of the key's account count only if the key policy allows the account
    // (KMS Developer Guide, "Key policies"; FORMAT.md 4).
    if (!ps.resource_policy || !f.resource.allow) {
      rule = "key-policy-missing-allow";
    } else if (req.same_account()) {
      allowed = same_account_resource_policy_grants(f) || (f.resource.allow_names_account && identity_path_allows(f));
      rule = allowed ? "key-policy-allow" : "key-policy-identity-missing-allow";
    } else {
      allowed = identity_path_allows(f);
      rule = allowed ? "cross-account-key-policy-and-identity-allow" : "cross-account-identity-missing-allow";
    }
  } else if (req.same_account()) {
    if (identity_path_allows(f)) {
      allowed = true;
      rule = "identity-policy-allow";
    } else if (same_account_resource_policy_grants(f)) {
      allowed = true;
      rule = "resource-policy-allow";
    } else {
      rule = f.identity_allow ? (f.boundary_allows ? "session-policy-missing-allow" : "permissions-boundary-missing-allow")
                              : "no-applicable-allow";
    }
  } else {
    // Cross account: the caller's identity policies and the resource policy must both allow.
    const bool resource_allows = f.resource.allow;
    allowed = identity_path_allows(f) && resource_allows;
    rule = allowed ? "cross-account-both-allow"
                   : (!resource_allows ? "cross-account-resource-policy-missing-allow" : "cross-account-identity-missing-allow");
  }
  if (!allowed) return {DecisionKind::kImplicitlyDenied, rule};

  // S3 Block Public Access, RestrictPublicBuckets: with a public bucket policy, only principals of
  // the bucket owner's account (and AWS services) keep access (S3 User Guide, "Blocking public access").
  if (ps.options.s3_restrict_public_buckets && !req.same_account() && is_s3(req.resource) && ps.resource_policy &&
      resource::is_public_policy(*ps.resource_policy)) {
    return {DecisionKind::kExplicitlyDenied, "s3-block-public-access-restrict-public-buckets"};
  }
  return {DecisionKind::kAllowed, rule};
}

}  // namespace

PreparedPolicySet::PreparedPolicySet(PolicySet set) : set_(std::move(set)) {
  if (set_.scp_levels.size() > UINT32_MAX || set_.rcp_levels.size() > UINT32_MAX) {
    throw std::length_error("PreparedPolicySet: more than 2^32 SCP or RCP levels");
  }
  std::vector<PlanEntry> plan;
  for_each_entry(set_, [&plan](const PlanEntry& e) { plan.push_back(e); });
  count_ = plan.size();
  if (count_ <= kInline) {
    std::copy(plan.begin(), plan.end(), inline_);
  } else {
    more_ = std::move(plan);
  }
}

DecisionKind evaluate(const Request& req, const PreparedPolicySet& prepared) noexcept {
  if (!req.principal.is_anonymous() && req.action_lower == "sts:getcalleridentity") return DecisionKind::kAllowed;
  const auto each = entries_of(prepared);
  load_ahead(req, each);
  const PolicySet& ps = prepared.set();
  const match::SplitArn resource = match::SplitArn::of(req.resource);
  return decide(req, ps, resource, gather(req, ps, each, resource, nullptr)).decision;
}

DecisionKind evaluate(const Request& req, const PolicySet& ps) noexcept {
  // sts:GetCallerIdentity needs no permission and cannot be denied (STS API reference).
  if (!req.principal.is_anonymous() && req.action_lower == "sts:getcalleridentity") return DecisionKind::kAllowed;
  const auto each = entries_of(ps);
  load_ahead(req, each);
  const match::SplitArn resource = match::SplitArn::of(req.resource);
  return decide(req, ps, resource, gather(req, ps, each, resource, nullptr)).decision;
}

Explanation explain(const Request& req, const PolicySet& ps) {
  Explanation e;
  if (!req.principal.is_anonymous() && req.action_lower == "sts:getcalleridentity") {
    e.decision = DecisionKind::kAllowed;
    e.rule = "get-caller-identity";
    e.notes.push_back("sts:GetCallerIdentity is allowed for every authenticated caller, even against an explicit deny");
    return e;
  }
  Trace trace;
  const match::SplitArn resource = match::SplitArn::of(req.resource);
  const Facts f = gather(req, ps, entries_of(ps), resource, &trace);
  const Outcome o = decide(req, ps, resource, f);
  e.decision = o.decision;
  e.rule = o.rule;
  e.denies = std::move(trace.denies);
  e.allows = std::move(trace.allows);
  e.conditional_denies = std::move(trace.conditional_denies);
  const std::string& action = req.action;
  if (o.decision != DecisionKind::kAllowed && !f.deny) {
    if (!f.scp_allows) {
      e.missing.push_back("no SCP at level " + ps.scp_levels[static_cast<std::size_t>(f.scp_missing_level)].name +
                          " allows " + action);
    }
    const bool anonymous = req.principal.is_anonymous();
    if (!anonymous && !f.identity_allow) e.missing.push_back("no identity policy allows " + action);
    if (!anonymous && f.identity_allow && !f.boundary_allows) {
      e.missing.push_back("the permissions boundary \"" + ps.permissions_boundary->name() + "\" does not allow " + action);
    }
    if (!anonymous && f.identity_allow && !f.session_allows) {
      e.missing.push_back("the session policy does not allow " + action);
    }
    // The resource policy matters for anonymous, cross-account, trust-policy and KMS-key requests,
    // and in the same account only when no identity policy allows.
    const bool resource_policy_required = anonymous || !req.same_account() ||
                                          is_role_trust_action(req.action_lower) || is_kms_key(req.resource);
    if (!f.resource.allow && (resource_policy_required || !f.identity_allow)) {
      if (ps.resource_policy) {
        e.missing.push_back("no statement of the resource policy" +
                            (ps.resource_policy->name().empty() ? std::string() : " \"" + ps.resource_policy->name() + "\"") +
                            " allows this caller to perform " + action);
      } else if (resource_policy_required) {
        e.missing.push_back("the resource has no resource policy, which " +
                            std::string(anonymous ? "anonymous" : (req.same_account() ? "this" : "cross-account")) +
                            " access requires");
      }
    }
    if (std::string(o.rule) == "key-policy-identity-missing-allow" && !f.resource.allow_names_account) {
      e.notes.push_back("the key policy does not allow account " + req.resource_account +
                        ", so IAM policies of that account do not apply to this key");
    }
  }
  if (std::string(o.rule) == "s3-block-public-access-restrict-public-buckets") {
    e.notes.push_back("S3 Block Public Access (RestrictPublicBuckets) is on and the bucket policy is public: only the "
                      "bucket owner's account keeps access");
  }
  // Allow statements only contributed if access was granted.
  if (o.decision != DecisionKind::kAllowed) {
    if (o.decision == DecisionKind::kExplicitlyDenied && !e.denies.empty()) e.allows.clear();
  }
  return e;
}

}  // namespace accessgraph::eval
