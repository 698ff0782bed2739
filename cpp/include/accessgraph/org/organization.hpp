#pragma once
// An AWS Organization (or a single account): the tree of root, OUs and accounts, the SCPs and RCPs
// attached at each level, and each account's IAM entities and resources.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accessgraph/eval/policy_set.hpp"
#include "accessgraph/iam/entities.hpp"
#include "accessgraph/io/problem.hpp"
#include "accessgraph/resource/resources.hpp"

namespace accessgraph::org {

enum class OrgPolicyType { kServiceControlPolicy, kResourceControlPolicy };

struct OrgPolicy {
  std::string id;  // p-...
  std::string name;
  std::string arn;
  OrgPolicyType type = OrgPolicyType::kServiceControlPolicy;
  bool aws_managed = false;
  policy::PolicyPtr document;  // null when describe-policy was missing or did not parse
};

// The root or an OU.
struct OrgUnit {
  std::string id;
  std::string name;
  std::string arn;
  std::string parent_id;  // "" for the root
  std::vector<std::string> child_units;
  std::vector<std::string> accounts;
  std::vector<std::string> scp_ids;
  std::vector<std::string> rcp_ids;
};

struct PasswordPolicy {
  bool known = false;   // the file was readable (present or documented absent)
  bool exists = false;  // NoSuchEntity -> false
  int minimum_length = 0;
  int reuse_prevention = 0;  // PasswordReusePrevention, 0 when not set
  bool require_symbols = false, require_numbers = false, require_uppercase = false, require_lowercase = false;
  bool expire_passwords = false;
  int max_age_days = 0;
};

struct Account {
  std::string id;
  std::string name;
  std::string email;
  std::string status;
  std::string arn;
  std::string parent_id;  // root or OU id; "" outside an organization
  std::string canonical_user_id;  // S3 canonical user id of the account (list-buckets Owner.ID)
  std::vector<std::string> scp_ids;
  std::vector<std::string> rcp_ids;
  iam::AccountIam iam;
  std::vector<resource::Resource> resources;
  resource::BlockPublicAccess block_public_access;  // account level (s3control)
  PasswordPolicy password_policy;
  std::map<std::string, long long> account_summary;  // SummaryMap
  bool account_summary_known = false;
  std::string credential_report_csv;  // raw CSV text; "" when not collected
  bool credential_report_known = false;
  std::string root_mfa_serial;        // from list-virtual-mfa-devices: virtual MFA of the root user
  bool virtual_mfa_known = false;
  struct ServerCertificate { std::string name, arn, expiration; };
  std::vector<ServerCertificate> server_certificates;
  bool server_certificates_known = false;
  std::vector<std::string> access_analyzers;  // "name|type|status|region"
  bool access_analyzers_known = false;
};

class Organization {
 public:
  std::string id;                     // o-...; "" for a single-account snapshot
  std::string management_account_id;
  std::string root_id;
  std::string collected_at;           // manifest.json
  std::string partition = "aws";
  std::string collector_account_id;
  // Policy types enabled on the root (list-roots PolicyTypes). When a type is not enabled its
  // policies do not apply.
  bool scp_enabled = false;
  bool rcp_enabled = false;
  std::vector<std::string> regions;
  std::map<std::string, OrgUnit> units;       // root and OUs by id
  std::map<std::string, Account> accounts;    // by id
  std::map<std::string, OrgPolicy> policies;  // SCPs and RCPs by id
  std::vector<io::Problem> problems;

  bool has_organization() const noexcept { return !id.empty(); }
  bool is_member(const std::string& account_id) const { return accounts.count(account_id) && has_organization(); }

  // Root first, then each OU down to the account's parent; empty when the account is not in the tree.
  std::vector<std::string> path_of(const std::string& account_id) const;
  // "o-.../r-.../ou-.../" as aws:PrincipalOrgPaths / aws:ResourceOrgPaths give it.
  std::string org_path_of(const std::string& account_id) const;

  // SCP levels that govern principals of `account_id` (root, OUs, account). Empty when the
  // account is the management account or outside the organization (SCPs do not apply).
  std::vector<eval::OrgLevel> scp_levels(const std::string& account_id) const;
  // RCP levels that govern resources of `account_id`; empty for the management account.
  std::vector<eval::OrgLevel> rcp_levels(const std::string& account_id) const;
};

}  // namespace accessgraph::org
