#include "accessgraph/resource/public_policy.hpp"

#include <string_view>

namespace accessgraph::resource {

using condition::OperatorFamily;
using condition::SetQualifier;

namespace {

// Keys whose fixed values make a wildcard-principal statement non-public (S3 User Guide, "The
// meaning of public"): the principal's identity or organization, the source resource / account /
// network, the KMS key.
bool is_restricting_key(std::string_view k) noexcept {
  return k == "aws:sourceip" || k == "aws:sourcearn" || k == "aws:sourcevpc" || k == "aws:sourcevpce" ||
         k == "aws:sourceowner" || k == "aws:sourceaccount" || k == "aws:sourceorgid" ||
         k == "aws:principalorgid" || k == "aws:principalaccount" || k == "aws:principalarn" ||
         k == "aws:userid" || k == "s3:x-amz-server-side-encryption-aws-kms-key-id";
}

bool clause_restricts(const condition::ConditionClause& c) noexcept {
  if (c.op.negated || c.op.if_exists || c.op.qualifier == SetQualifier::kForAllValues) return false;
  if (!is_restricting_key(c.key_lower) || c.values.empty()) return false;
  for (const auto& v : c.values) {
    switch (c.op.family) {
      case OperatorFamily::kStringEquals:
      case OperatorFamily::kStringEqualsIgnoreCase:
      case OperatorFamily::kStringLike:
        if (v.pattern.has_wildcards() || v.pattern.has_variables()) return false;
        // aws:userid of the form AROLEID:* names any session of a role: still fixed; a bare "*" is not.
        break;
      case OperatorFamily::kArnLike:
        if (v.text.find_first_of("*?") != std::string::npos || v.text.find("${") != std::string::npos) return false;
        break;
      case OperatorFamily::kIpAddress:
        if (c.key_lower != "aws:sourceip" || v.network.prefix == 0) return false;  // 0.0.0.0/0 is everyone
        break;
      default:
        return false;
    }
  }
  return true;
}

}  // namespace

bool is_public_statement(const policy::Statement& st) noexcept {
  if (st.effect != policy::Effect::kAllow || !st.has_principal) return false;
  if (!st.not_principal && !st.principal.wildcard) return false;
  for (const auto& clause : st.condition.clauses) {
    if (clause_restricts(clause)) return false;
  }
  return true;
}

bool is_public_policy(const policy::Policy& policy) noexcept {
  for (const auto& st : policy.statements()) {
    if (is_public_statement(st)) return true;
  }
  return false;
}

}  // namespace accessgraph::resource
