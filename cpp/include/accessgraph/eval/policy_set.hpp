#pragma once
// Every policy that takes part in deciding one request, grouped by policy type.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#include <string>
#include <vector>

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

}  // namespace accessgraph::eval
