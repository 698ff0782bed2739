#pragma once
// IAM entities of one account, as get-account-authorization-details reports them.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "accessgraph/policy/policy.hpp"

namespace accessgraph::iam {

struct InlinePolicy {
  std::string name;
  policy::PolicyPtr document;  // null when it did not parse (a Problem is recorded)
};

struct ManagedPolicy {
  std::string arn;
  std::string name;
  std::string id;
  std::string path = "/";
  std::string default_version_id;
  int attachment_count = 0;
  bool aws_managed = false;       // arn:aws:iam::aws:policy/...
  bool from_bundled_data = false; // resolved from the bundled AWS managed policy data
  policy::PolicyPtr document;     // the default version; null when unknown
};

struct Tag {
  std::string key;
  std::string value;
};

struct Principal {
  std::string name;
  std::string arn;
  std::string id;  // AIDA... / AROA...
  std::string path = "/";
  std::string create_date;  // ISO 8601 as given
  std::vector<InlinePolicy> inline_policies;
  std::vector<std::string> attached_policy_arns;
  std::string permissions_boundary_arn;  // "" when none
  std::vector<Tag> tags;
};

struct User : Principal {
  std::vector<std::string> groups;  // group names
};

struct Group {
  std::string name;
  std::string arn;
  std::string id;
  std::string path = "/";
  std::vector<InlinePolicy> inline_policies;
  std::vector<std::string> attached_policy_arns;
};

struct Role : Principal {
  policy::PolicyPtr trust_policy;  // AssumeRolePolicyDocument; null when missing or unparsable
  std::vector<std::string> instance_profiles;  // instance profile ARNs
  std::string last_used_date;                  // RoleLastUsed.LastUsedDate, "" when never / unknown
  bool last_used_known = false;                // RoleLastUsed was present in the data
  // Service-linked roles live under /aws-service-role/ and are not restricted by SCPs.
  bool service_linked() const { return path.rfind("/aws-service-role/", 0) == 0; }
};

struct AccountIam {
  bool collected = false;  // get-account-authorization-details was present and readable
  std::vector<User> users;
  std::vector<Group> groups;
  std::vector<Role> roles;
  std::map<std::string, ManagedPolicy> managed_policies;  // by ARN (customer and AWS managed)
};

}  // namespace accessgraph::iam
