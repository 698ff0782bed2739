#pragma once
// One API call to authorize.
#include <string>
#include <string_view>

#include "accessgraph/condition/context.hpp"
#include "accessgraph/match/principal.hpp"

namespace accessgraph::eval {

struct Request {
  match::CallerIdentity principal;
  std::string action;        // as given, e.g. s3:GetObject
  std::string action_lower;  // matching form
  std::string resource;      // an ARN, or "*" for actions without resource-level permissions
  std::string resource_account;
  condition::RequestContext context;

  // `principal_account` / `resource_account` may be empty: they default to the ARN's account
  // field (and, for a "*" resource, to the caller's account).
  static Request make(std::string_view principal, std::string_view action, std::string_view resource,
                      std::string_view principal_account = {}, std::string_view resource_account = {});

  // For an assumed-role session: takes the ARN of its role, with the path the session ARN lacks,
  // from the context's aws:PrincipalArn (for a session, the role's ARN: IAM UG, global condition
  // keys), when that is a role ARN of the session's account with the session's role name. Role ARNs
  // in Principal elements then name the session only when written with that path (FORMAT.md 11).
  // Call after filling the context.
  void identify_session_role();

  // Principal and resource belong to one account (anonymous calls never do).
  bool same_account() const noexcept {
    return !principal.is_anonymous() && !principal.account.empty() &&
           principal.account == resource_account;
  }
};

}  // namespace accessgraph::eval
