#pragma once
// Decides one request against a PolicySet following the AWS policy evaluation logic:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// Thread-safe: requests and policies are read-only during evaluation; nothing is allocated unless
// an explanation is asked for.
#include "accessgraph/eval/decision.hpp"
#include "accessgraph/eval/policy_set.hpp"
#include "accessgraph/eval/request.hpp"

namespace accessgraph::eval {

DecisionKind evaluate(const Request& request, const PolicySet& policies) noexcept;
// The same decision, faster when the set is evaluated many times (PreparedPolicySet).
DecisionKind evaluate(const Request& request, const PreparedPolicySet& policies) noexcept;

// Same decision, with the statements and rules that produced it.
Explanation explain(const Request& request, const PolicySet& policies);
inline Explanation explain(const Request& request, const PreparedPolicySet& policies) {
  return explain(request, policies.set());
}

// Actions whose resource is an IAM role and whose resource-based policy is the role's trust policy.
bool is_role_trust_action(std::string_view action_lower) noexcept;

}  // namespace accessgraph::eval
