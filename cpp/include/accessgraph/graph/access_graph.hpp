#pragma once
// Queries over a loaded organization: can / who-can / what-can / role-assumption paths.
// Every answer comes from the single-request authorizer (eval/) applied to requests whose context
// is derived from the model as AWS would set it.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/iam/action_catalogue.hpp"
#include "accessgraph/org/organization.hpp"

namespace accessgraph::graph {

enum class PrincipalKind {
  kUser, kRole, kAccountRoot,
  kExternalAccount,   // every principal of an account outside the organization
  kExternalPrincipal, // a user / role ARN outside the organization
  kAnyPrincipal,      // "*": any authenticated AWS principal outside the organization
  kAnonymous,         // unsigned requests
  kService,           // an AWS service principal
};
const char* to_string(PrincipalKind k) noexcept;

struct PrincipalRef {
  PrincipalKind kind = PrincipalKind::kUser;
  std::string arn;      // "anonymous", "*" or a service name for the pseudo principals
  std::string account;  // "" when unknown
  std::string name;
  bool in_organization = false;  // a principal of an account of the loaded organization
};

// The outcome of one query request, with what it was decided from.
struct Answer {
  eval::DecisionKind decision = eval::DecisionKind::kImplicitlyDenied;
  std::shared_ptr<eval::Request> request;
  std::shared_ptr<eval::PolicySet> policies;
  eval::Explanation explain() const { return eval::explain(*request, *policies); }
};

struct Access {
  PrincipalRef principal;
  bool conditional = false;                 // allowed only if the listed conditions hold
  std::vector<std::string> conditions;      // `"Op": {"key": "value"}` of the allowing statements
  std::vector<std::string> unless;          // conditions under which a Deny still applies
  eval::Explanation explanation;
};

struct ActionGrant {
  std::string service;
  std::string resource;  // a resource ARN of the model, or the statement's pattern ("*", "arn:aws:s3:::logs-*")
  std::vector<std::string> actions;        // allowed, sorted
  std::vector<std::string> access_levels;  // distinct, sorted
  bool conditional = false;
  std::vector<std::string> conditions;
  std::string via;                         // "identity" | "resource-policy"
};

struct Hop {
  std::string from;    // principal ARN
  std::string to;      // role ARN (or the target resource for the final hop)
  std::string action;  // sts:AssumeRole, iam:PassRole+lambda:CreateFunction, or the final action
  bool conditional = false;
  std::vector<std::string> conditions;
  std::string explanation;  // Explanation::to_text() of this hop
};

struct AccessPath {
  std::vector<Hop> hops;  // last hop: the final action on the resource
};

class AccessGraph {
 public:
  AccessGraph(std::shared_ptr<const org::Organization> org, std::shared_ptr<const iam::ActionCatalogue> catalogue);

  const org::Organization& organization() const noexcept { return *org_; }
  const iam::ActionCatalogue* catalogue() const noexcept { return catalogue_.get(); }
  // Users, roles and account roots of the organization, in a deterministic order.
  const std::vector<PrincipalRef>& principals() const noexcept { return principals_; }
  const resource::Resource* find_resource(std::string_view arn) const;
  const iam::Role* find_role(std::string_view arn) const;
  const iam::User* find_user(std::string_view arn) const;

  // Can `principal` (a user, role, assumed-role session or account root ARN of the model; or any
  // ARN outside it; or "anonymous") perform `action` on `resource`? `context` keys are merged on
  // top of the derived ones. A resource that is not in the snapshot and whose ARN names no account
  // (S3) is taken to be in the caller's account. Throws std::invalid_argument for an empty
  // principal/action/resource.
  Answer can(std::string_view principal, std::string_view action, std::string_view resource,
             const condition::RequestContext* context = nullptr) const;

  // Every principal that may perform `action` on `resource`: principals of the organization and,
  // from the resource policy, outside accounts / principals, "*", anonymous callers and services.
  // Conditions on request facts the model cannot know (source IP, MFA, ...) are assumed to be
  // satisfiable and reported on each access.
  std::vector<Access> who_can(std::string_view action, std::string_view resource) const;

  // What `principal` may do, summarised per service and resource.
  std::vector<ActionGrant> what_can(std::string_view principal) const;

  // Chains of sts:AssumeRole (and iam:PassRole to a Lambda function) from `source` that end in
  // being allowed `action` on `resource`. Cycle-safe; at most `max_depth` role hops.
  std::vector<AccessPath> access_paths(std::string_view source, std::string_view action, std::string_view resource,
                                       int max_depth = 4) const;

  // The request and policies the authorizer sees for a query (exposed for explanations and tests).
  std::shared_ptr<eval::Request> make_request(std::string_view principal, std::string_view action,
                                              std::string_view resource, const condition::RequestContext* context,
                                              bool open_world) const;
  std::shared_ptr<eval::PolicySet> policy_set_for(const eval::Request& request) const;

  // Roles whose trust policy could admit `principal_arn` (names it, its role, its account, or "*").
  std::vector<const iam::Role*> assumable_role_candidates(const match::CallerIdentity& caller) const;

 private:
  struct PrincipalPolicies {
    std::vector<policy::PolicyPtr> identity;
    policy::PolicyPtr boundary;
    const std::vector<iam::Tag>* tags = nullptr;
    std::string id;  // AIDA / AROA unique id
    bool service_linked = false;
  };
  const PrincipalPolicies* policies_of(std::string_view principal_arn, std::string_view role_name,
                                       std::string_view account) const;
  void index();
  void add_principal_context(eval::Request& r, const PrincipalPolicies* pp) const;

  std::shared_ptr<const org::Organization> org_;
  std::shared_ptr<const iam::ActionCatalogue> catalogue_;
  std::vector<PrincipalRef> principals_;
  std::unordered_map<std::string, PrincipalPolicies> by_arn_;                     // user / role ARN
  std::unordered_map<std::string, std::string> role_arn_by_account_and_name_;     // "acct/name" -> ARN
  std::unordered_map<std::string, const resource::Resource*> resources_;
  std::unordered_map<std::string, const iam::Role*> roles_;
  std::unordered_map<std::string, const iam::User*> users_;
  std::unordered_map<std::string, std::vector<const iam::Role*>> roles_trusting_;  // trusted value -> roles
  std::vector<const iam::Role*> roles_trusting_anyone_;
  policy::PolicyPtr allow_all_;  // identity of principals outside the model: unknown, assumed to allow
};

}  // namespace accessgraph::graph
