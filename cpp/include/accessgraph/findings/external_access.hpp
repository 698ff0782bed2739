#pragma once
// External-access findings in the shape IAM Access Analyzer reports them: for each resource of a
// zone of trust (one account, or the whole organization), every principal outside the zone that a
// resource-based policy, a bucket ACL or a KMS grant lets in — after Deny statements and S3 Block
// Public Access, before RCPs (which Access Analyzer does not apply; accessgraph reports their
// verdict beside it as `rcp_restricted`).
// IAM UG: "IAM Access Analyzer findings", "How IAM Access Analyzer findings work",
// "IAM Access Analyzer resource types"; S3 UG: "Blocking public access to your Amazon S3 storage".
#include <map>
#include <string>
#include <vector>

#include "accessgraph/graph/access_graph.hpp"

namespace accessgraph::findings {

struct Zone {
  bool organization = true;
  std::string account;  // when !organization
  // "organization" or "account:<12-digit id>"; throws std::invalid_argument otherwise.
  static Zone parse(const std::string& text);
  std::string to_string() const { return organization ? "organization" : "account:" + account; }
};

struct Finding {
  std::string id;  // stable: the same access gives the same id in every run and snapshot
  std::string resource;
  std::string resource_type;  // AWS::S3::Bucket, ...
  std::string resource_owner_account;
  std::string region;         // "" for global resources (IAM roles)
  std::string principal_type;   // AWS | Federated | CanonicalUser ("" for error findings)
  std::string principal_value;  // account id, ARN, "*", provider, canonical id
  int is_public = -1;           // 1 true, 0 false, -1 not decided (null)
  std::vector<std::string> actions;  // concrete actions, sorted
  std::map<std::string, std::vector<std::string>> condition;  // narrowing keys -> values
  std::vector<std::string> sources;  // S3: POLICY, BUCKET_ACL
  bool rcp_restricted = false;
  std::vector<std::string> rcp_explanation;  // which RCP at which level denies
  std::string severity;     // critical | high | medium | low
  std::string remediation;
  std::string error;        // ACCESS_DENIED / NOT_COLLECTED for a resource that could not be analysed
  std::vector<std::string> why;  // the statements / grants that give the access
};

std::vector<Finding> external_access_findings(const graph::AccessGraph& graph, const Zone& zone);

}  // namespace accessgraph::findings
