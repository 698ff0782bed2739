#pragma once
// Resources that carry resource-based policies, ACLs or grants.
#include <string>
#include <vector>

#include "accessgraph/policy/policy.hpp"

namespace accessgraph::resource {

enum class ResourceType {
  kS3Bucket, kKmsKey, kSqsQueue, kSnsTopic, kLambdaFunction, kSecret, kEcrRepository,
};
// CloudFormation-style names, as Access Analyzer reports them (AWS::S3::Bucket, ...).
const char* to_string(ResourceType t) noexcept;

// Whether a piece of resource configuration is known.
enum class Known { kYes, kAbsent, kUnknown };  // kAbsent: documented as not existing

struct BlockPublicAccess {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;
  Known known = Known::kAbsent;  // kUnknown: access denied / not collected
};

struct AclGrant {
  std::string grantee_type;  // CanonicalUser | Group | AmazonCustomerByEmail
  std::string grantee;       // canonical ID, group URI or e-mail
  std::string permission;    // READ | WRITE | READ_ACP | WRITE_ACP | FULL_CONTROL
};

struct KmsGrant {
  std::string grant_id;
  std::string name;
  std::string grantee_principal;
  std::string retiring_principal;
  std::vector<std::string> operations;  // e.g. Decrypt, Encrypt, GenerateDataKey
  bool has_constraints = false;          // encryption-context constraints
};

struct Resource {
  ResourceType type = ResourceType::kS3Bucket;
  std::string arn;
  std::string name;     // bucket name, key id, queue name, ...
  std::string account;  // owner
  std::string region;   // "" for global (S3 bucket region when known)
  policy::PolicyPtr policy;  // resource-based policy; null when none or unknown
  Known policy_known = Known::kAbsent;
  std::string policy_error;  // why the policy is unknown (e.g. AccessDenied)

  // S3
  std::vector<AclGrant> acl;
  Known acl_known = Known::kAbsent;
  std::string owner_canonical_id;
  BlockPublicAccess block_public_access;  // bucket level
  std::string object_ownership;           // BucketOwnerEnforced | BucketOwnerPreferred | ObjectWriter
  // KMS
  std::vector<KmsGrant> grants;
  Known grants_known = Known::kAbsent;
  std::string key_manager;  // AWS | CUSTOMER
  std::vector<std::string> aliases;
  // Lambda
  std::string execution_role;  // the function's execution role ARN (list-functions Role)
};

}  // namespace accessgraph::resource
