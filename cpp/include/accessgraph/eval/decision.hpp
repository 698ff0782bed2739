#pragma once
// The outcome of one authorization and the explanation of how it was reached.
#include <cstdint>
#include <string>
#include <vector>

#include "accessgraph/match/principal.hpp"
#include "accessgraph/policy/policy.hpp"

namespace accessgraph::eval {

enum class DecisionKind : std::uint8_t { kAllowed, kImplicitlyDenied, kExplicitlyDenied };
const char* to_string(DecisionKind d) noexcept;

enum class PolicyKind : std::uint8_t {
  kIdentity, kPermissionsBoundary, kSessionPolicy, kServiceControlPolicy, kResourceControlPolicy,
  kResourcePolicy,
};
const char* to_string(PolicyKind k) noexcept;

// One statement that applied to the request.
struct StatementMatch {
  PolicyKind kind;
  std::string policy;  // policy name
  std::string level;   // SCP / RCP level name, "" otherwise
  std::size_t statement_index = 0;
  std::string sid;
  policy::Effect effect = policy::Effect::kAllow;
  match::PrincipalMatch principal_match = match::PrincipalMatch::kNone;  // resource policies
  std::string json_pointer;
  // Open-world evaluation: conditions on keys the model does not know that were assumed to hold
  // (for an Allow) or to hold for a conditional Deny, as `"Op": {"key": "value"}` text.
  std::vector<std::string> assumed_conditions;
};

// Why the decision came out as it did: the statements that mattered and the rule that decided.
struct Explanation {
  DecisionKind decision = DecisionKind::kImplicitlyDenied;
  std::string rule;                        // stable id of the deciding rule, e.g. "explicit-deny"
  std::vector<StatementMatch> denies;      // applicable Deny statements
  std::vector<StatementMatch> allows;      // applicable Allow statements that contributed
  // Open world only: Deny statements that apply if their unknown conditions hold ("unless ...").
  std::vector<StatementMatch> conditional_denies;
  std::vector<std::string> missing;        // allows that were required but absent
  std::vector<std::string> notes;          // other facts (e.g. Block Public Access applied)

  std::string to_text() const;
};

}  // namespace accessgraph::eval
