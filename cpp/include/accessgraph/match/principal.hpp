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

struct PrincipalSpec {
  bool wildcard = false;  // "*" or {"AWS": "*"} (or any principal type with "*")
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
