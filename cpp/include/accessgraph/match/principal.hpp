#pragma once
// Who is calling, and how a Principal / NotPrincipal element of a resource-based policy names them.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace accessgraph::match {

enum class CallerKind : std::uint8_t {
  kAnonymous,    // unsigned request
  kUser,         // arn:aws:iam::<acct>:user/<path/>name
  kRole,         // arn:aws:iam::<acct>:role/<path/>name (the role itself)
  kAssumedRole,  // arn:aws:sts::<acct>:assumed-role/<role>/<session>
  kAccountRoot,  // arn:aws:iam::<acct>:root (the root user)
  kService,      // an AWS service principal such as lambda.amazonaws.com
  kFederated,    // a federated user or web-identity session (matched by exact name)
};

struct CallerIdentity {
  CallerKind kind = CallerKind::kAnonymous;
  std::string arn;        // as given; "" for anonymous
  std::string account;    // 12-digit account ID; "" for anonymous and service principals
  std::string role_name;  // kRole, kAssumedRole
  // kAssumedRole: the ARN of the session's role, with its path (which the session ARN lacks), when
  // known (Request::identify_session_role); empty: the role name alone identifies the role.
  std::string role_arn;
  std::string session_name;

  // Parses "anonymous", an IAM/STS ARN or a service principal. `account` overrides the ARN's
  // account field when non-empty.
  static CallerIdentity parse(std::string_view principal, std::string_view account = {});
  bool is_anonymous() const noexcept { return kind == CallerKind::kAnonymous; }
};

// How a Principal element matched the caller, weakest to strongest naming.
enum class PrincipalMatch : std::uint8_t {
  kNone,
  kAccount,   // the caller's account ID or account root ARN: delegates to identity policies
  kWildcard,  // "*" or {"AWS": "*"}
  kRole,      // the role ARN (the role itself, or a session of it)
  kUser,      // the IAM user ARN
  kSession,   // the assumed-role session ARN
  kService,   // a service principal
  kFederated, // a federated principal / canonical user named exactly
  kNotPrincipal,  // matched because the caller is not excluded by NotPrincipal
};

const char* to_string(PrincipalMatch m) noexcept;

// One value of a Principal element's "AWS" list, read once: what it names. Matching works on this
// view, so a compiled policy can keep it precomputed (policy/program.hpp).
struct AwsPrincipalView {
  std::string_view text;
  bool wildcard = false;      // "*"
  bool is_root = false;       // an account root ARN arn:<partition>:iam::<account>:root
  bool is_role = false;       // a role ARN arn:<partition>:iam::<account>:role/<path/>name
  std::string_view account;   // is_root or is_role: the account
  std::string_view role_name; // is_role: the last path component
  static AwsPrincipalView of(std::string_view value) noexcept;
};

// How the AWS principal value `v` names the caller (kNone when it does not).
PrincipalMatch match_aws_value(const AwsPrincipalView& v, const CallerIdentity& caller) noexcept;
// The value names the caller's account (the account ID itself or its root ARN).
inline bool names_account(const AwsPrincipalView& v, std::string_view account) noexcept {
  return !account.empty() && (v.text == account || (v.is_root && v.account == account));
}
// A role ARN names a session of that role. When the role's ARN is known (with its path), the value
// must be that ARN as written (FORMAT.md 11, "ARNs are compared as written"): `role/Worker` does not
// name a session of `role/app/Worker`. Otherwise the same account and role name (role names are
// unique in an account; the session ARN carries no path).
inline bool names_role_of(const AwsPrincipalView& v, const CallerIdentity& c) noexcept {
  if (!v.is_role) return false;
  if (!c.role_arn.empty()) return v.text == c.role_arn;
  return v.account == c.account && v.role_name == c.role_name;
}
// A value of a Service / Federated / CanonicalUser list names the caller (of that type): its exact
// name, or "*" — except an STS federated-user session (arn:...:sts::<acct>:federated-user/<name>),
// which AWS names only under "AWS".
inline bool names_by_type(std::string_view value, const CallerIdentity& c) noexcept {
  if (value == c.arn) return true;
  return value == "*" && c.arn.find(":federated-user/") == std::string::npos;
}

// A caller that is an identity provider's session: a SAML or OIDC provider ARN, or a web identity
// provider named by domain (cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com,
// accounts.google.com). Not an STS federated user, which acts with an IAM user's permissions.
bool is_identity_provider_caller(const CallerIdentity& c) noexcept;

struct PrincipalSpec {
  bool wildcard = false;  // "*" or {"AWS": "*"}; a "*" of another type names every principal of that type
  std::vector<std::string> aws;
  std::vector<std::string> service;
  std::vector<std::string> federated;
  std::vector<std::string> canonical_user;

  // The strongest way any listed principal names the caller.
  PrincipalMatch match(const CallerIdentity& caller) const noexcept;
  // NotPrincipal: the caller is excluded only when every identity in its chain is listed
  // (account, user or role ARN, and for a session also the session ARN). AWS documents that
  // NotPrincipal with Deny must list each of them, otherwise the caller is denied.
  bool excludes(const CallerIdentity& caller) const noexcept;
  bool empty() const noexcept {
    return !wildcard && aws.empty() && service.empty() && federated.empty() && canonical_user.empty();
  }
};

}  // namespace accessgraph::match
