#pragma once
// Every policy that takes part in deciding one request, grouped by policy type.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#include <cstdint>
#include <string>
#include <vector>

#include "accessgraph/eval/decision.hpp"
#include "accessgraph/policy/policy.hpp"

namespace accessgraph::eval {

// One level of the organization tree (root, an OU, or the account) with the SCPs or RCPs
// attached there.
struct OrgLevel {
  std::string name;  // e.g. "root r-ab12", "OU ou-ab12-11111111", "account 111122223333"
  std::vector<policy::PolicyPtr> policies;
};

struct Options {
  // S3 Block Public Access "RestrictPublicBuckets" is in effect for the target bucket.
  bool s3_restrict_public_buckets = false;
};

// Null pointers in the lists are ignored, like a null permissions boundary, session policy or
// resource policy (the Python bindings reject None instead: a None there is a caller's mistake).
struct PolicySet {
  std::vector<policy::PolicyPtr> identity_policies;  // attached to the principal (or its role)
  policy::PolicyPtr permissions_boundary;             // may be null
  policy::PolicyPtr session_policy;                   // may be null
  std::vector<OrgLevel> scp_levels;  // principal's account, root first; empty: not governed
  std::vector<OrgLevel> rcp_levels;  // resource's account, root first; empty: not governed
  policy::PolicyPtr resource_policy;  // bucket/key/queue/... policy or role trust policy; may be null
  Options options;
};

// One policy of a set as evaluation reads it (32 bytes): the program's block and the full model,
// without the Policy object between them.
struct PlanEntry {
  policy::ProgramView program;
  const policy::Statement* statements = nullptr;  // the full model: what the program leaves to it
  const policy::Policy* policy = nullptr;         // for explanations
  PolicyKind kind = PolicyKind::kIdentity;
  std::uint32_t level = 0;  // SCPs and RCPs: the index of their level in the set
};
static_assert(sizeof(PlanEntry) == 32, "two entries per cache line");

// A PolicySet made ready for many evaluations, and immutable from then on: its policies' programs
// are listed in evaluation order in one array. Deciding a request then reads that array and the
// programs, instead of following the set's vectors to each Policy object and from there to its
// program: on a mix of unrelated requests those scattered reads are most of a decision's time
// (benchmarks/README.md, "Reading the figures"). Copies share the policies.
class PreparedPolicySet {
 public:
  PreparedPolicySet() : PreparedPolicySet(PolicySet{}) {}
  explicit PreparedPolicySet(PolicySet set);

  const PolicySet& set() const noexcept { return set_; }
  const PlanEntry* begin() const noexcept { return count_ <= kInline ? inline_ : more_.data(); }
  const PlanEntry* end() const noexcept { return begin() + count_; }

 private:
  // Identity policies, boundary, session policy, SCPs, RCPs, resource policy. Up to kInline
  // entries are kept in the object itself: next to the request when both are held together (as in
  // io::Vector), where reading one brings the other.
  static constexpr std::size_t kInline = 6;
  std::size_t count_ = 0;
  PlanEntry inline_[kInline];
  std::vector<PlanEntry> more_;  // all entries, when there are more than kInline
  PolicySet set_;
};

}  // namespace accessgraph::eval
