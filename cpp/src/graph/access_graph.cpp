#include "accessgraph/graph/access_graph.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include "accessgraph/match/arn.hpp"

namespace accessgraph::graph {

using eval::DecisionKind;
using match::CallerKind;

const char* to_string(PrincipalKind k) noexcept {
  switch (k) {
    case PrincipalKind::kUser: return "user";
    case PrincipalKind::kRole: return "role";
    case PrincipalKind::kAccountRoot: return "account-root";
    case PrincipalKind::kExternalAccount: return "external-account";
    case PrincipalKind::kExternalPrincipal: return "external-principal";
    case PrincipalKind::kAnyPrincipal: return "any-principal";
    case PrincipalKind::kAnonymous: return "anonymous";
    case PrincipalKind::kService: return "service";
  }
  return "principal";
}

namespace {

std::string arn_account(std::string_view arn) {
  std::array<std::string_view, 6> parts;
  if (match::split_arn(arn, parts) == 6 && parts[0] == "arn") return std::string(parts[4]);
  return {};
}

std::string root_arn(const std::string& partition, const std::string& account) {
  return "arn:" + partition + ":iam::" + account + ":root";
}

bool is_account_id(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) if (c < '0' || c > '9') return false;
  return true;
}

// The account named by a principal value: a bare id or an account root ARN.
std::string account_of_principal_value(const std::string& v) {
  if (is_account_id(v)) return v;
  std::array<std::string_view, 6> parts;
  if (match::split_arn(v, parts) == 6 && parts[2] == "iam" && parts[5] == "root") return std::string(parts[4]);
  return {};
}

// "arn:aws:s3:::bucket/key" -> "arn:aws:s3:::bucket"
std::string bucket_arn_of(std::string_view arn) {
  if (arn.substr(0, 4) != "arn:") return {};
  std::array<std::string_view, 6> parts;
  if (match::split_arn(arn, parts) != 6 || parts[2] != "s3" || !parts[4].empty()) return {};
  std::string_view res = parts[5];
  std::size_t slash = res.find('/');
  return std::string(arn.substr(0, static_cast<std::size_t>(parts[5].data() - arn.data()))) +
         std::string(res.substr(0, slash));
}

std::vector<std::string> principal_keys_closed() {
  return {"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:userid", "aws:username",
          "aws:principaltag/*", "aws:principalorgid", "aws:principalorgpaths", "aws:principalisawsservice",
          "aws:principalservicename", "aws:principalservicenameslist", "kms:calleraccount"};
}

}  // namespace

AccessGraph::AccessGraph(std::shared_ptr<const org::Organization> org, std::shared_ptr<const iam::ActionCatalogue> catalogue)
    : org_(std::move(org)), catalogue_(std::move(catalogue)) {
  if (!org_) throw std::invalid_argument("AccessGraph needs an organization");
  allow_all_ = policy::Policy::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                                     "assumed: identity policies outside the snapshot");
  index();
}

void AccessGraph::index() {
  for (const auto& [account_id, account] : org_->accounts) {
    const auto& managed = account.iam.managed_policies;
    auto resolve = [&managed](const std::vector<std::string>& arns, std::vector<policy::PolicyPtr>& out) {
      for (const auto& arn : arns) {
        auto it = managed.find(arn);
        if (it != managed.end() && it->second.document) out.push_back(it->second.document);
      }
    };
    auto inline_docs = [](const std::vector<iam::InlinePolicy>& in, std::vector<policy::PolicyPtr>& out) {
      for (const auto& p : in) if (p.document) out.push_back(p.document);
    };
    auto boundary = [&managed](const std::string& arn) -> policy::PolicyPtr {
      if (arn.empty()) return nullptr;
      auto it = managed.find(arn);
      return it != managed.end() ? it->second.document : nullptr;
    };
    std::unordered_map<std::string, const iam::Group*> groups;
    for (const auto& g : account.iam.groups) groups[g.name] = &g;
    for (const auto& u : account.iam.users) {
      PrincipalPolicies pp;
      inline_docs(u.inline_policies, pp.identity);
      resolve(u.attached_policy_arns, pp.identity);
      for (const auto& gname : u.groups) {
        auto g = groups.find(gname);
        if (g == groups.end()) continue;
        inline_docs(g->second->inline_policies, pp.identity);
        resolve(g->second->attached_policy_arns, pp.identity);
      }
      pp.boundary = boundary(u.permissions_boundary_arn);
      pp.tags = &u.tags;
      pp.id = u.id;
      by_arn_[u.arn] = std::move(pp);
      users_[u.arn] = &u;
      principals_.push_back({PrincipalKind::kUser, u.arn, account_id, u.name, org_->has_organization()});
    }
    for (const auto& r : account.iam.roles) {
      PrincipalPolicies pp;
      inline_docs(r.inline_policies, pp.identity);
      resolve(r.attached_policy_arns, pp.identity);
      pp.boundary = boundary(r.permissions_boundary_arn);
      pp.tags = &r.tags;
      pp.id = r.id;
      pp.service_linked = r.service_linked();
      by_arn_[r.arn] = std::move(pp);
      roles_[r.arn] = &r;
      role_arn_by_account_and_name_[account_id + "/" + r.name] = r.arn;
      principals_.push_back({PrincipalKind::kRole, r.arn, account_id, r.name, org_->has_organization()});
      if (!r.trust_policy) continue;
      for (const auto& st : r.trust_policy->statements()) {
        if (st.effect != policy::Effect::kAllow || !st.has_principal) continue;
        if (st.not_principal || st.principal.wildcard) {
          roles_trusting_anyone_.push_back(&r);
          continue;
        }
        for (const auto& v : st.principal.aws) {
          const std::string acct = account_of_principal_value(v);
          roles_trusting_[acct.empty() ? "arn:" + v : "acct:" + acct].push_back(&r);
        }
        for (const auto& v : st.principal.service) roles_trusting_["svc:" + v].push_back(&r);
        for (const auto& v : st.principal.federated) roles_trusting_["fed:" + v].push_back(&r);
      }
    }
    principals_.push_back({PrincipalKind::kAccountRoot, root_arn(org_->partition, account_id), account_id, "root",
                           org_->has_organization()});
    for (const auto& res : account.resources) resources_[res.arn] = &res;
  }
  std::sort(principals_.begin(), principals_.end(), [](const PrincipalRef& a, const PrincipalRef& b) {
    return std::tie(a.account, a.arn) < std::tie(b.account, b.arn);
  });
  for (auto& [key, roles] : roles_trusting_) {
    std::sort(roles.begin(), roles.end(), [](auto* a, auto* b) { return a->arn < b->arn; });
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  }
  std::sort(roles_trusting_anyone_.begin(), roles_trusting_anyone_.end(), [](auto* a, auto* b) { return a->arn < b->arn; });
  roles_trusting_anyone_.erase(std::unique(roles_trusting_anyone_.begin(), roles_trusting_anyone_.end()),
                               roles_trusting_anyone_.end());
}

const resource::Resource* AccessGraph::find_resource(std::string_view arn) const {
  auto it = resources_.find(std::string(arn));
  if (it != resources_.end()) return it->second;
  const std::string bucket = bucket_arn_of(arn);
  if (!bucket.empty()) {
    it = resources_.find(bucket);
    if (it != resources_.end()) return it->second;
  }
  return nullptr;
}

const iam::Role* AccessGraph::find_role(std::string_view arn) const {
  auto it = roles_.find(std::string(arn));
  return it == roles_.end() ? nullptr : it->second;
}

const iam::User* AccessGraph::find_user(std::string_view arn) const {
  auto it = users_.find(std::string(arn));
  return it == users_.end() ? nullptr : it->second;
}

const AccessGraph::PrincipalPolicies* AccessGraph::policies_of(std::string_view arn, std::string_view role_name,
                                                               std::string_view account) const {
  auto it = by_arn_.find(std::string(arn));
  if (it != by_arn_.end()) return &it->second;
  if (!role_name.empty()) {
    auto r = role_arn_by_account_and_name_.find(std::string(account) + "/" + std::string(role_name));
    if (r != role_arn_by_account_and_name_.end()) return &by_arn_.at(r->second);
  }
  return nullptr;
}

std::shared_ptr<eval::Request> AccessGraph::make_request(std::string_view principal, std::string_view action,
                                                         std::string_view resource,
                                                         const condition::RequestContext* extra, bool open_world) const {
  if (principal.empty() || action.empty() || resource.empty()) {
    throw std::invalid_argument("principal, action and resource must not be empty");
  }
  const match::CallerIdentity caller = match::CallerIdentity::parse(principal);
  std::string resource_account;
  if (const auto* res = find_resource(resource)) {
    resource_account = res->account;
  } else if (resource == "*") {
    resource_account = caller.account;
  } else {
    resource_account = arn_account(resource);
    // Not in the snapshot and no account in the ARN (S3): assume the caller's own account.
    if (resource_account.empty()) resource_account = caller.account;
  }
  if (eval::is_role_trust_action(condition::to_lower_ascii(action))) {
    if (const auto* role = find_role(resource)) resource_account = arn_account(role->arn);
  }
  auto req = std::make_shared<eval::Request>(eval::Request::make(principal, action, resource, {}, resource_account));
  auto& ctx = req->context;
  std::vector<std::string> closed = {"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"};

  // Principal facts (IAM UG, "AWS global condition context keys", principal properties).
  const PrincipalPolicies* pp = policies_of(caller.arn, caller.role_name, caller.account);
  switch (caller.kind) {
    case CallerKind::kAnonymous:
      for (auto& k : principal_keys_closed()) closed.push_back(k);
      break;
    case CallerKind::kService:
      ctx.set("aws:PrincipalIsAWSService", "true");
      ctx.set("aws:PrincipalServiceName", caller.arn);
      for (auto& k : principal_keys_closed()) closed.push_back(k);
      break;
    default: {
      const bool known_account = !caller.account.empty();
      if (known_account) {
        ctx.set("aws:PrincipalAccount", caller.account);
        closed.push_back("aws:principalaccount");
        if (action.substr(0, 4) == "kms:" || action.substr(0, 4) == "KMS:") ctx.set("kms:CallerAccount", caller.account);
        closed.push_back("kms:calleraccount");
      }
      ctx.set("aws:PrincipalIsAWSService", "false");
      closed.push_back("aws:principalisawsservice");
      closed.push_back("aws:principalservicename");
      if (caller.kind == CallerKind::kAccountRoot && caller.arn.empty()) break;  // "*": any principal
      std::string principal_arn = caller.arn;
      if (caller.kind == CallerKind::kAssumedRole) {
        auto r = role_arn_by_account_and_name_.find(caller.account + "/" + caller.role_name);
        principal_arn = r != role_arn_by_account_and_name_.end()
                            ? r->second
                            : "arn:aws:iam::" + caller.account + ":role/" + caller.role_name;
        // A role of the snapshot: its ARN with the path names the session (Request::identify_session_role).
        if (r != role_arn_by_account_and_name_.end()) req->principal.role_arn = r->second;
      }
      const bool modelled = pp != nullptr || (caller.kind == CallerKind::kAccountRoot && org_->accounts.count(caller.account));
      if (caller.kind != CallerKind::kAccountRoot || modelled) {
        ctx.set("aws:PrincipalArn", principal_arn);
      }
      if (!modelled) break;  // outside the snapshot: everything else about it is unknown
      switch (caller.kind) {
        case CallerKind::kUser:
          ctx.set("aws:PrincipalType", "User");
          ctx.set("aws:username", caller.arn.substr(caller.arn.rfind('/') + 1));
          if (pp && !pp->id.empty()) ctx.set("aws:userid", pp->id);
          break;
        case CallerKind::kRole:
        case CallerKind::kAssumedRole:
          ctx.set("aws:PrincipalType", "AssumedRole");
          if (pp && !pp->id.empty()) ctx.set("aws:userid", pp->id + ":" + (caller.session_name.empty() ? "accessgraph" : caller.session_name));
          break;
        case CallerKind::kAccountRoot:
          ctx.set("aws:PrincipalType", "Account");
          ctx.set("aws:userid", caller.account);
          break;
        default:
          break;
      }
      if (pp && pp->tags) {
        for (const auto& t : *pp->tags) ctx.set("aws:PrincipalTag/" + t.key, t.value);
      }
      if (org_->has_organization() && org_->accounts.count(caller.account)) {
        ctx.set("aws:PrincipalOrgID", org_->id);
        ctx.set_multi("aws:PrincipalOrgPaths", {org_->org_path_of(caller.account)});
      }
      for (auto& k : principal_keys_closed()) closed.push_back(k);
      break;
    }
  }
  // Resource facts.
  if (!resource_account.empty()) {
    ctx.set("aws:ResourceAccount", resource_account);
    if (org_->has_organization() && org_->accounts.count(resource_account)) {
      ctx.set("aws:ResourceOrgID", org_->id);
      ctx.set_multi("aws:ResourceOrgPaths", {org_->org_path_of(resource_account)});
    }
  }
  if (extra) {
    for (const auto& e : extra->entries()) {
      if (e.multivalued) ctx.set_multi(e.key, e.values);
      else ctx.set(e.key, e.values.empty() ? std::string() : e.values.front());
    }
    // The caller's own aws:PrincipalArn says which path the session's role has, as in evaluate().
    if (extra->find("aws:principalarn") != nullptr) req->identify_session_role();
  }
  ctx.set_closed_keys(std::move(closed));
  ctx.set_open_world(open_world);
  return req;
}

std::shared_ptr<eval::PolicySet> AccessGraph::policy_set_for(const eval::Request& req) const {
  auto ps = std::make_shared<eval::PolicySet>();
  const auto& caller = req.principal;
  const PrincipalPolicies* pp = policies_of(caller.arn, caller.role_name, caller.account);
  const bool member = org_->accounts.count(caller.account) > 0;
  bool service_linked = false;
  if (pp) {
    ps->identity_policies = pp->identity;
    ps->permissions_boundary = pp->boundary;
    service_linked = pp->service_linked;
  } else if (caller.kind == CallerKind::kAccountRoot && member) {
    ps->identity_policies.push_back(allow_all_);  // the root user has every permission of its account
  } else if (!caller.is_anonymous() && caller.kind != CallerKind::kService && !member) {
    // Outside the snapshot: its identity policies are unknown; assume they allow (as Access
    // Analyzer does for external principals).
    ps->identity_policies.push_back(allow_all_);
  }
  // SCPs govern principals of member accounts, never service-linked roles (Organizations UG).
  if (member && !service_linked && !caller.is_anonymous() && caller.kind != CallerKind::kService) {
    ps->scp_levels = org_->scp_levels(caller.account);
  }
  ps->rcp_levels = org_->rcp_levels(req.resource_account);
  if (eval::is_role_trust_action(req.action_lower)) {
    if (const auto* role = find_role(req.resource)) ps->resource_policy = role->trust_policy;
  } else if (const auto* res = find_resource(req.resource)) {
    ps->resource_policy = res->policy;
    if (res->type == resource::ResourceType::kS3Bucket) {
      bool restrict_public = res->block_public_access.restrict_public_buckets;
      auto acct = org_->accounts.find(res->account);
      if (acct != org_->accounts.end()) restrict_public |= acct->second.block_public_access.restrict_public_buckets;
      ps->options.s3_restrict_public_buckets = restrict_public;
    }
  }
  return ps;
}

Answer AccessGraph::can(std::string_view principal, std::string_view action, std::string_view resource,
                        const condition::RequestContext* context) const {
  Answer a;
  a.request = make_request(principal, action, resource, context, false);
  a.policies = policy_set_for(*a.request);
  a.decision = eval::evaluate(*a.request, *a.policies);
  return a;
}

namespace {

void collect_conditions(const eval::Explanation& e, Access& out) {
  std::set<std::string> conds, unless;
  for (const auto& m : e.allows) for (const auto& c : m.assumed_conditions) conds.insert(c);
  for (const auto& m : e.conditional_denies) for (const auto& c : m.assumed_conditions) unless.insert(c);
  out.conditions.assign(conds.begin(), conds.end());
  out.unless.assign(unless.begin(), unless.end());
  out.conditional = !out.conditions.empty() || !out.unless.empty();
}

bool any_allow_matches_action(const policy::Policy& p, std::string_view action_lower) {
  for (const auto& st : p.statements()) {
    if (st.effect == policy::Effect::kAllow && st.matches_action(action_lower)) return true;
  }
  return false;
}

}  // namespace

std::vector<Access> AccessGraph::who_can(std::string_view action, std::string_view resource) const {
  const std::string action_lower = condition::to_lower_ascii(action);
  std::vector<PrincipalRef> candidates;
  const resource::Resource* res = find_resource(resource);
  policy::PolicyPtr rp;
  std::string resource_account = res ? res->account : arn_account(resource);
  if (eval::is_role_trust_action(action_lower)) {
    if (const auto* role = find_role(resource)) {
      rp = role->trust_policy;
      resource_account = arn_account(role->arn);
    }
  } else if (res) {
    rp = res->policy;
  }
  const bool rp_allows_action = rp && any_allow_matches_action(*rp, action_lower);
  // A principal of another account is allowed only if a resource policy Allow for the action
  // names it, its account, or everyone (cross-account evaluation needs both sides; IAM UG,
  // "Cross-account policy evaluation logic"). Work out once which ones can be named.
  bool rp_names_anyone = false;
  std::unordered_set<std::string> rp_accounts, rp_arns;
  if (rp) {
    for (const auto& st : rp->statements()) {
      if (st.effect != policy::Effect::kAllow || !st.has_principal || !st.matches_action(action_lower)) continue;
      if (st.not_principal || st.principal.wildcard) {
        rp_names_anyone = true;
        break;
      }
      for (const auto& v : st.principal.aws) {
        const std::string acct = account_of_principal_value(v);
        if (!acct.empty()) rp_accounts.insert(acct);
        else rp_arns.insert(v);
      }
    }
  }
  auto may_cross_account = [&](const PrincipalRef& p) {
    return rp_names_anyone || rp_accounts.count(p.account) > 0 || rp_arns.count(p.arn) > 0;
  };

  // Principals of the organization: only those whose identity policies allow the action at all, or,
  // in the resource's own account, those a resource policy may grant directly.
  std::unordered_map<const policy::Policy*, bool> cache;
  auto identity_may_allow = [&](const PrincipalPolicies& pp) {
    for (const auto& p : pp.identity) {
      auto [it, fresh] = cache.try_emplace(p.get(), false);
      if (fresh) it->second = any_allow_matches_action(*p, action_lower);
      if (it->second) return true;
    }
    return false;
  };
  for (const auto& p : principals_) {
    if (p.account != resource_account && !may_cross_account(p)) continue;
    if (p.kind == PrincipalKind::kAccountRoot) {
      candidates.push_back(p);
      continue;
    }
    auto it = by_arn_.find(p.arn);
    if (it == by_arn_.end()) continue;
    if (identity_may_allow(it->second) || (rp_allows_action && p.account == resource_account)) candidates.push_back(p);
  }
  // Principals the resource policy names outside the organization, "*", anonymous callers, services.
  if (rp) {
    std::set<std::pair<int, std::string>> extra;
    for (const auto& st : rp->statements()) {
      if (st.effect != policy::Effect::kAllow || !st.has_principal || !st.matches_action(action_lower)) continue;
      if (st.not_principal || st.principal.wildcard) {
        extra.insert({static_cast<int>(PrincipalKind::kAnyPrincipal), "*"});
        extra.insert({static_cast<int>(PrincipalKind::kAnonymous), "anonymous"});
      }
      for (const auto& v : st.principal.aws) {
        if (v == "*") continue;
        const std::string acct = account_of_principal_value(v);
        const std::string owner = acct.empty() ? arn_account(v) : acct;
        if (org_->accounts.count(owner)) continue;  // already among the organization's principals
        if (!acct.empty()) extra.insert({static_cast<int>(PrincipalKind::kExternalAccount), acct});
        else extra.insert({static_cast<int>(PrincipalKind::kExternalPrincipal), v});
      }
      for (const auto& v : st.principal.service) extra.insert({static_cast<int>(PrincipalKind::kService), v});
    }
    for (const auto& [kind, value] : extra) {
      PrincipalRef ref;
      ref.kind = static_cast<PrincipalKind>(kind);
      ref.arn = value;
      if (ref.kind == PrincipalKind::kExternalAccount) {
        ref.account = value;
        ref.arn = root_arn(org_->partition, value);
      } else if (ref.kind == PrincipalKind::kExternalPrincipal) {
        ref.account = arn_account(value);
      }
      ref.name = value;
      candidates.push_back(ref);
    }
  }

  std::vector<Access> out;
  for (const auto& c : candidates) {
    std::string caller = c.arn;
    if (c.kind == PrincipalKind::kAnyPrincipal) caller = "arn:aws:iam:::root";  // any account: unknown
    // {"Service": "*"}: asked as a service that no statement names by name (not as "*", which is
    // the anonymous caller).
    if (c.kind == PrincipalKind::kService && c.arn == "*") caller = "any-service.amazonaws.com";
    std::shared_ptr<eval::Request> req;
    if (c.kind == PrincipalKind::kAnyPrincipal) {
      req = make_request("arn:aws:iam::000000000000:root", action, resource, nullptr, true);
      // An unknown account: keep only what is true of every outside principal.
      req->principal.account.clear();
      req->principal.arn.clear();
      condition::RequestContext fresh;
      for (const auto& e : req->context.entries()) {
        if (e.key_lower.rfind("aws:principal", 0) == 0 || e.key_lower == "kms:calleraccount") continue;
        if (e.multivalued) fresh.set_multi(e.key, e.values); else fresh.set(e.key, e.values.front());
      }
      fresh.set("aws:PrincipalIsAWSService", "false");
      fresh.set_closed_keys({"aws:principalisawsservice", "aws:principalservicename", "aws:resourceaccount",
                             "aws:resourceorgid", "aws:resourceorgpaths"});
      fresh.set_open_world(true);
      req->context = std::move(fresh);
    } else {
      req = make_request(caller, action, resource, nullptr, true);
    }
    auto ps = policy_set_for(*req);
    if (c.kind == PrincipalKind::kAnyPrincipal) {
      ps->identity_policies = {allow_all_};
      ps->scp_levels.clear();
    }
    if (eval::evaluate(*req, *ps) != DecisionKind::kAllowed) continue;
    Access a;
    a.principal = c;
    a.explanation = eval::explain(*req, *ps);
    collect_conditions(a.explanation, a);
    out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(), [](const Access& a, const Access& b) {
    return std::tie(a.principal.account, a.principal.kind, a.principal.arn) <
           std::tie(b.principal.account, b.principal.kind, b.principal.arn);
  });
  return out;
}

std::vector<ActionGrant> AccessGraph::what_can(std::string_view principal) const {
  std::vector<ActionGrant> out;
  if (!catalogue_) throw std::logic_error("what_can needs the action catalogue");
  const match::CallerIdentity caller = match::CallerIdentity::parse(principal);
  const PrincipalPolicies* pp = policies_of(caller.arn, caller.role_name, caller.account);
  std::vector<policy::PolicyPtr> identity;
  if (pp) identity = pp->identity;
  else if (caller.kind == CallerKind::kAccountRoot && org_->accounts.count(caller.account)) identity = {allow_all_};

  // (service, resource pattern) -> allowed actions, from the identity policies' Allow statements.
  std::map<std::pair<std::string, std::string>, ActionGrant> grants;
  auto consider = [&](const std::string& resource, const std::vector<const iam::ActionInfo*>& actions,
                      const char* via) {
    for (const auto* a : actions) {
      auto req = make_request(principal, a->name, resource, nullptr, true);
      auto ps = policy_set_for(*req);
      if (eval::evaluate(*req, *ps) != DecisionKind::kAllowed) continue;
      const std::string service = a->name.substr(0, a->name.find(':'));
      auto& g = grants[{service, resource}];
      g.service = service;
      g.resource = resource;
      g.via = via;
      g.actions.push_back(a->name);
      if (!a->access_level.empty()) g.access_levels.push_back(a->access_level);
      const auto e = eval::explain(*req, *ps);
      for (const auto& m : e.allows) {
        for (const auto& c : m.assumed_conditions) g.conditions.push_back(c);
      }
    }
  };
  for (const auto& p : identity) {
    for (const auto& st : p->statements()) {
      if (st.effect != policy::Effect::kAllow) continue;
      const auto actions = catalogue_->expand(st);
      if (!st.has_resource || st.not_resource) {
        consider("*", actions, "identity");
        continue;
      }
      for (const auto& r : st.resources) consider(r.text(), actions, "identity");
    }
  }
  // Resources whose policy names this principal, its role or its account.
  for (const auto& [arn, res] : resources_) {
    if (!res->policy) continue;
    std::vector<const iam::ActionInfo*> actions;
    for (const auto& st : res->policy->statements()) {
      if (st.effect != policy::Effect::kAllow || !st.has_principal || st.not_principal || st.principal.wildcard) continue;
      const auto m = st.principal.match(caller);
      if (m == match::PrincipalMatch::kNone) continue;
      for (const auto* a : catalogue_->expand(st)) actions.push_back(a);
    }
    if (actions.empty()) continue;
    std::sort(actions.begin(), actions.end());
    actions.erase(std::unique(actions.begin(), actions.end()), actions.end());
    consider(arn, actions, "resource-policy");
  }
  for (auto& [key, g] : grants) {
    auto uniq = [](std::vector<std::string>& v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    };
    uniq(g.actions);
    uniq(g.access_levels);
    uniq(g.conditions);
    g.conditional = !g.conditions.empty();
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<const iam::Role*> AccessGraph::assumable_role_candidates(const match::CallerIdentity& caller) const {
  std::vector<const iam::Role*> out(roles_trusting_anyone_.begin(), roles_trusting_anyone_.end());
  auto add = [&](const std::string& key) {
    auto it = roles_trusting_.find(key);
    if (it != roles_trusting_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  };
  if (!caller.account.empty()) add("acct:" + caller.account);
  add("arn:" + caller.arn);
  if (caller.kind == CallerKind::kAssumedRole) {
    auto r = role_arn_by_account_and_name_.find(caller.account + "/" + caller.role_name);
    if (r != role_arn_by_account_and_name_.end()) add("arn:" + r->second);
  }
  // {"Service": "*"} / {"Federated": "*"} trust every service / federated principal.
  if (caller.kind == CallerKind::kService) {
    add("svc:" + caller.arn);
    add("svc:*");
  }
  if (caller.kind == CallerKind::kFederated) {
    add("fed:" + caller.arn);
    add("fed:*");
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->arn < b->arn; });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

std::string session_of(const iam::Role& role) {
  const std::string account = arn_account(role.arn);
  std::array<std::string_view, 6> parts;
  match::split_arn(role.arn, parts);
  return "arn:" + std::string(parts[1]) + ":sts::" + account + ":assumed-role/" + role.name + "/accessgraph";
}

Hop make_hop(const std::string& from, const std::string& to, const std::string& action, const eval::Explanation& e) {
  Hop h;
  h.from = from;
  h.to = to;
  h.action = action;
  std::set<std::string> conds;
  for (const auto& m : e.allows) for (const auto& c : m.assumed_conditions) conds.insert(c);
  h.conditions.assign(conds.begin(), conds.end());
  h.conditional = !h.conditions.empty();
  h.explanation = e.to_text();
  return h;
}

}  // namespace

std::vector<AccessPath> AccessGraph::access_paths(std::string_view source, std::string_view action,
                                                  std::string_view resource, int max_depth) const {
  struct State {
    std::string caller;  // ARN used as the principal
    std::vector<Hop> hops;
  };
  std::vector<AccessPath> out;
  std::unordered_set<std::string> visited;  // role ARNs reached (each at its shortest depth)
  std::deque<State> queue;
  queue.push_back({std::string(source), {}});
  if (const auto* r = find_role(source)) visited.insert(r->arn);
  while (!queue.empty()) {
    State s = std::move(queue.front());
    queue.pop_front();
    // Does this principal reach the access?
    {
      auto req = make_request(s.caller, action, resource, nullptr, true);
      auto ps = policy_set_for(*req);
      if (eval::evaluate(*req, *ps) == DecisionKind::kAllowed) {
        AccessPath path{s.hops};
        path.hops.push_back(make_hop(s.caller, std::string(resource), std::string(action), eval::explain(*req, *ps)));
        out.push_back(std::move(path));
      }
    }
    if (static_cast<int>(s.hops.size()) >= max_depth) continue;
    const auto caller = match::CallerIdentity::parse(s.caller);
    // sts:AssumeRole into every role whose trust policy may admit this principal.
    for (const iam::Role* role : assumable_role_candidates(caller)) {
      if (visited.count(role->arn)) continue;
      auto req = make_request(s.caller, "sts:AssumeRole", role->arn, nullptr, true);
      auto ps = policy_set_for(*req);
      if (eval::evaluate(*req, *ps) != DecisionKind::kAllowed) continue;
      visited.insert(role->arn);
      State next{session_of(*role), s.hops};
      next.hops.push_back(make_hop(s.caller, role->arn, "sts:AssumeRole", eval::explain(*req, *ps)));
      queue.push_back(std::move(next));
    }
    // iam:PassRole to a Lambda function it can create: the function runs with the role.
    auto svc = roles_trusting_.find("svc:lambda.amazonaws.com");
    if (svc != roles_trusting_.end() && !caller.account.empty()) {
      auto create = make_request(s.caller, "lambda:CreateFunction",
                                 "arn:aws:lambda:*:" + caller.account + ":function:accessgraph", nullptr, true);
      auto create_ps = policy_set_for(*create);
      if (eval::evaluate(*create, *create_ps) != DecisionKind::kAllowed) continue;
      for (const iam::Role* role : svc->second) {
        if (visited.count(role->arn) || arn_account(role->arn) != caller.account) continue;
        condition::RequestContext passed;
        passed.set("iam:PassedToService", "lambda.amazonaws.com");
        auto req = make_request(s.caller, "iam:PassRole", role->arn, &passed, true);
        auto ps = policy_set_for(*req);
        if (eval::evaluate(*req, *ps) != DecisionKind::kAllowed) continue;
        visited.insert(role->arn);
        State next{session_of(*role), s.hops};
        next.hops.push_back(make_hop(s.caller, role->arn, "iam:PassRole+lambda:CreateFunction", eval::explain(*req, *ps)));
        queue.push_back(std::move(next));
      }
    }
  }
  return out;
}

}  // namespace accessgraph::graph
