#include "accessgraph/match/principal.hpp"

#include <array>

#include "accessgraph/match/arn.hpp"

namespace accessgraph::match {

const char* to_string(PrincipalMatch m) noexcept {
  switch (m) {
    case PrincipalMatch::kNone: return "none";
    case PrincipalMatch::kAccount: return "account";
    case PrincipalMatch::kWildcard: return "wildcard";
    case PrincipalMatch::kRole: return "role";
    case PrincipalMatch::kUser: return "user";
    case PrincipalMatch::kSession: return "session";
    case PrincipalMatch::kService: return "service";
    case PrincipalMatch::kFederated: return "federated";
    case PrincipalMatch::kNotPrincipal: return "not-principal";
  }
  return "none";
}

namespace {

// The web identity providers a Principal element names by domain under "Federated" (IAM UG,
// Principal element, "Web identity session principals"): their callers are federated, not service
// principals, although the names are dotted like service names. Other providers (OIDC, SAML) are
// named by their provider ARN.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-federated-web-identity
bool is_web_identity_provider(std::string_view name) noexcept {
  return name == "cognito-identity.amazonaws.com" || name == "www.amazon.com" || name == "graph.facebook.com" ||
         name == "accounts.google.com";
}

}  // namespace

CallerIdentity CallerIdentity::parse(std::string_view principal, std::string_view account) {
  CallerIdentity c;
  c.arn = std::string(principal);
  if (principal.empty() || principal == "anonymous" || principal == "*") {
    c.kind = CallerKind::kAnonymous;
    c.arn.clear();
    return c;
  }
  std::array<std::string_view, 6> parts;
  int n = split_arn(principal, parts);
  if (n == 6 && parts[0] == "arn") {
    c.account = std::string(parts[4]);
    std::string_view res = parts[5];
    auto last_component = [](std::string_view s) {
      std::size_t slash = s.rfind('/');
      return slash == std::string_view::npos ? s : s.substr(slash + 1);
    };
    if (parts[2] == "iam" && res == "root") {
      c.kind = CallerKind::kAccountRoot;
    } else if (parts[2] == "iam" && res.substr(0, 5) == "user/") {
      c.kind = CallerKind::kUser;
    } else if (parts[2] == "iam" && res.substr(0, 5) == "role/") {
      c.kind = CallerKind::kRole;
      c.role_name = std::string(last_component(res));
    } else if (parts[2] == "sts" && res.substr(0, 13) == "assumed-role/") {
      c.kind = CallerKind::kAssumedRole;
      std::string_view rest = res.substr(13);
      std::size_t slash = rest.find('/');
      c.role_name = std::string(rest.substr(0, slash));
      if (slash != std::string_view::npos) c.session_name = std::string(rest.substr(slash + 1));
    } else {
      c.kind = CallerKind::kFederated;
    }
  } else if (is_web_identity_provider(principal)) {
    c.kind = CallerKind::kFederated;  // a web identity session of a provider named by domain
  } else if (principal.find('.') != std::string_view::npos && principal.find(':') == std::string_view::npos) {
    c.kind = CallerKind::kService;  // e.g. lambda.amazonaws.com
  } else {
    c.kind = CallerKind::kFederated;
  }
  if (!account.empty()) c.account = std::string(account);
  return c;
}

bool is_identity_provider_caller(const CallerIdentity& c) noexcept {
  if (c.kind != CallerKind::kFederated) return false;
  return c.arn.find(":saml-provider/") != std::string::npos || c.arn.find(":oidc-provider/") != std::string::npos ||
         is_web_identity_provider(c.arn);
}

AwsPrincipalView AwsPrincipalView::of(std::string_view value) noexcept {
  AwsPrincipalView v;
  v.text = value;
  if (value == "*") {
    v.wildcard = true;
    return v;
  }
  std::array<std::string_view, 6> parts;
  if (split_arn(value, parts) != 6 || parts[0] != "arn" || parts[2] != "iam") return v;
  if (parts[3].empty() && parts[5] == "root") {
    v.is_root = true;
    v.account = parts[4];
  } else if (parts[5].substr(0, 5) == "role/") {
    v.is_role = true;
    v.account = parts[4];
    const std::size_t slash = parts[5].rfind('/');
    v.role_name = parts[5].substr(slash + 1);
  }
  return v;
}

PrincipalMatch match_aws_value(const AwsPrincipalView& v, const CallerIdentity& c) noexcept {
  if (v.wildcard) return PrincipalMatch::kWildcard;
  if (c.is_anonymous()) return PrincipalMatch::kNone;
  const bool same = v.text == c.arn;
  switch (c.kind) {
    case CallerKind::kUser:
      if (same) return PrincipalMatch::kUser;
      break;
    case CallerKind::kRole:
      if (same) return PrincipalMatch::kRole;
      break;
    case CallerKind::kAssumedRole:
      if (same) return PrincipalMatch::kSession;
      if (names_role_of(v, c)) return PrincipalMatch::kRole;
      break;
    case CallerKind::kAccountRoot:
      if (same) return PrincipalMatch::kAccount;
      break;
    case CallerKind::kFederated:
      if (same) return PrincipalMatch::kFederated;
      break;
    default:
      break;
  }
  if (c.kind != CallerKind::kService && names_account(v, c.account)) return PrincipalMatch::kAccount;
  return PrincipalMatch::kNone;
}

namespace {

// Ranks how directly a match names the caller; the strongest wins.
int strength(PrincipalMatch m) noexcept { return static_cast<int>(m); }

}  // namespace

PrincipalMatch PrincipalSpec::match(const CallerIdentity& c) const noexcept {
  PrincipalMatch best = wildcard ? PrincipalMatch::kWildcard : PrincipalMatch::kNone;
  for (const auto& v : aws) {
    PrincipalMatch m = match_aws_value(AwsPrincipalView::of(v), c);
    if (strength(m) > strength(best)) best = m;
  }
  if (c.kind == CallerKind::kService) {
    for (const auto& v : service) {
      if (names_by_type(v, c)) return PrincipalMatch::kService;
    }
  }
  if (c.kind == CallerKind::kFederated) {
    for (const auto& v : federated) {
      if (names_by_type(v, c)) return PrincipalMatch::kFederated;
    }
    for (const auto& v : canonical_user) {
      if (names_by_type(v, c)) return PrincipalMatch::kFederated;
    }
  }
  return best;
}

bool PrincipalSpec::excludes(const CallerIdentity& c) const noexcept {
  if (wildcard) return true;
  auto listed = [this](auto&& pred) {
    for (const auto& v : aws) {
      if (pred(v)) return true;
    }
    return false;
  };
  switch (c.kind) {
    case CallerKind::kAnonymous:
      return false;
    case CallerKind::kService:
      for (const auto& v : service) {
        if (names_by_type(v, c)) return true;
      }
      return false;
    case CallerKind::kFederated:
      for (const auto& v : federated) {
        if (names_by_type(v, c)) return true;
      }
      for (const auto& v : canonical_user) {
        if (names_by_type(v, c)) return true;
      }
      return false;
    default:
      break;
  }
  const bool account = listed([&](const std::string& v) { return names_account(AwsPrincipalView::of(v), c.account); });
  if (!account) return false;
  switch (c.kind) {
    case CallerKind::kUser:
    case CallerKind::kRole:
      return listed([&](const std::string& v) { return v == c.arn; });
    case CallerKind::kAssumedRole:
      return listed([&](const std::string& v) { return v == c.arn; }) &&
             listed([&](const std::string& v) { return names_role_of(AwsPrincipalView::of(v), c); });
    default:
      return true;  // the account root: the account is its whole chain
  }
}

}  // namespace accessgraph::match
