#pragma once
// Privilege-escalation paths as a graph query: which principals of the snapshot can use one of the
// documented IAM escalation techniques (Rhino Security Labs' list, the BishopFox iam-vulnerable
// scenarios, pathfinding.cloud) to become administrator, or to act as a role / with permissions
// they do not already have.
//
// Every step of a path is decided by the authorizer (eval/) on a concrete resource of the snapshot
// (the policy actually attached to the principal, the role actually passable, the user actually
// targetable), with the request context AccessGraph::make_request derives, so Deny statements,
// resource restrictions, conditions, permissions boundaries and SCPs are honoured. Requests are
// open-world (conditions on request facts the snapshot cannot know, such as MFA or the source IP,
// are assumed satisfiable and reported on the step), except that aws:CurrentTime and
// aws:TokenIssueTime are the snapshot's collection time.
//
// Definitions (what counts as a gain):
//  * A principal P (as it is, or as a technique would change it) is an ADMINISTRATOR when its own
//    policies (identity policies and permissions boundary) withhold none of these IAM write actions
//    on a fresh resource of its own account that its organization (SCPs) would let it perform, and
//    it is allowed at least one of them: iam:AttachUserPolicy, iam:PutUserPolicy,
//    iam:CreateAccessKey, iam:CreateUser, iam:AttachRolePolicy, iam:PutRolePolicy,
//    iam:UpdateAssumeRolePolicy, iam:CreateRole, iam:PassRole, iam:CreatePolicyVersion,
//    iam:AttachGroupPolicy, iam:AddUserToGroup. That is: `*` on `*` or `iam:*` on `*`, as far as
//    the SCPs of its account allow anybody there (an SCP denying iam:CreateUser to every principal
//    does not stop an AdministratorAccess role from being an administrator; a boundary or a Deny in
//    its own policies does).
//  * Becoming P gives STRICTLY MORE than the starting principal S has when the authorizer allows P
//    some action on some resource that it does not allow S. The attacker keeps S's own credentials,
//    so what it then holds is S's permissions together with P's: strictly more than S's exactly when
//    P has one S lacks. The candidates are the (action, resource) pairs of P's Allow statements (its
//    permissions boundary's when it has one), actions expanded with the action catalogue, resources
//    as written ("*" for NotResource); resource-policy grants are not compared.
//  A path is reported only when what the technique yields is an administrator or has strictly more
//  than S. Starting principals that already are administrators, account roots and service-linked
//  roles are not analysed.
#include <optional>
#include <string>
#include <vector>

#include "accessgraph/graph/access_graph.hpp"

namespace accessgraph::graph {

struct EscalationTechnique {
  std::string id;        // stable, e.g. "iam-create-policy-version"
  std::string name;      // e.g. "iam:CreatePolicyVersion on an attached policy"
  std::string category;  // "policy" | "credentials" | "trust" | "passrole" | "existing-resource"
  std::vector<std::string> actions;  // actions every path of this technique needs
  std::string resources;             // on which resources they are checked
  std::string gains;                 // what a path yields
};

// The technique table, in the order paths are reported.
const std::vector<EscalationTechnique>& escalation_techniques();
const EscalationTechnique* find_escalation_technique(const std::string& id);

struct EscalationStep {
  std::string action;
  std::string resource;
  // The granting statements (identity, resource or session policy), e.g.
  // `identity policy "name" statement #0 (Sid "x")`; SCPs, RCPs and boundaries that let it through
  // are not listed.
  std::vector<std::string> allowed_by;
  std::vector<std::string> conditions;  // conditions of the allowing statements assumed to hold
  std::vector<std::string> unless;      // conditions under which a Deny would still apply
};

enum class GainKind { kAdministrator, kRole, kPermissions };
const char* to_string(GainKind k) noexcept;  // "administrator" | "role" | "permissions"

struct EscalationGain {
  GainKind kind = GainKind::kPermissions;
  std::string target;  // the principal that becomes administrator / is reached, or a policy ARN
  std::string detail;
};

struct EscalationPath {
  std::string principal;  // starting user or role ARN
  std::string technique_id;
  std::string technique_name;
  std::vector<EscalationStep> steps;
  EscalationGain gains;
  // Facts the snapshot cannot confirm that the path relies on (e.g. which role an existing Lambda
  // function runs as, or that an EC2 instance runs with an instance profile).
  std::vector<std::string> assumptions;
  bool conditional = false;  // some step holds only under reported conditions
};

// Escalation paths of every user and role of the organization, or of `principal` only (a user,
// role or assumed-role session ARN of the snapshot; std::invalid_argument otherwise). Sorted by
// principal, then technique (table order), then target and steps.
std::vector<EscalationPath> escalation_paths(const AccessGraph& graph,
                                             std::optional<std::string> principal = std::nullopt);

}  // namespace accessgraph::graph
