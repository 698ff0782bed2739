#include "accessgraph/eval/request.hpp"

#include <array>

#include "accessgraph/match/arn.hpp"

namespace accessgraph::eval {

Request Request::make(std::string_view principal, std::string_view action, std::string_view resource,
                      std::string_view principal_account, std::string_view resource_account) {
  Request r;
  r.principal = match::CallerIdentity::parse(principal, principal_account);
  r.action = std::string(action);
  r.action_lower = condition::to_lower_ascii(action);
  r.resource = std::string(resource);
  if (!resource_account.empty()) {
    r.resource_account = std::string(resource_account);
  } else if (resource == "*") {
    r.resource_account = r.principal.account;
  } else {
    std::array<std::string_view, 6> parts;
    if (match::split_arn(resource, parts) == 6) r.resource_account = std::string(parts[4]);
  }
  return r;
}

void Request::identify_session_role() {
  if (principal.kind != match::CallerKind::kAssumedRole) return;
  const condition::ContextEntry* e = context.find("aws:principalarn");
  if (e == nullptr || e->multivalued || e->values.size() != 1) return;
  const match::AwsPrincipalView v = match::AwsPrincipalView::of(e->values.front());
  if (v.is_role && v.account == principal.account && v.role_name == principal.role_name) {
    principal.role_arn = e->values.front();
  }
}

}  // namespace accessgraph::eval
