#include "accessgraph/findings/external_access.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "accessgraph/match/arn.hpp"
#include "accessgraph/resource/public_policy.hpp"

namespace accessgraph::findings {

using condition::OperatorFamily;
using condition::SetQualifier;
using resource::Resource;
using resource::ResourceType;

Zone Zone::parse(const std::string& text) {
  Zone z;
  if (text == "organization") return z;
  if (text.rfind("account:", 0) == 0 && text.size() == 20 &&
      std::all_of(text.begin() + 8, text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    z.organization = false;
    z.account = text.substr(8);
    return z;
  }
  throw std::invalid_argument("zone must be \"organization\" or \"account:<12-digit account id>\", not \"" + text + "\"");
}

namespace {

std::string arn_account(std::string_view arn) {
  std::array<std::string_view, 6> parts;
  if (match::split_arn(arn, parts) == 6 && parts[0] == "arn") return std::string(parts[4]);
  return {};
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string account_of_principal(const std::string& v) {
  if (is_account_id(v)) return v;
  std::array<std::string_view, 6> parts;
  if (match::split_arn(v, parts) == 6 && parts[0] == "arn") return std::string(parts[4]);
  return {};
}

// arn:aws:iam::<id>:root -> <id> (Access Analyzer reports an account as the bare id).
std::string normalise_principal(const std::string& v) {
  std::array<std::string_view, 6> parts;
  if (match::split_arn(v, parts) == 6 && parts[2] == "iam" && parts[5] == "root") return std::string(parts[4]);
  return v;
}

std::string service_prefix(ResourceType t) {
  switch (t) {
    case ResourceType::kS3Bucket: return "s3";
    case ResourceType::kKmsKey: return "kms";
    case ResourceType::kSqsQueue: return "sqs";
    case ResourceType::kSnsTopic: return "sns";
    case ResourceType::kLambdaFunction: return "lambda";
    case ResourceType::kSecret: return "secretsmanager";
    case ResourceType::kEcrRepository: return "ecr";
  }
  return "";
}

// Services whose resources RCPs govern (Organizations UG, "Resource control policies (RCPs)",
// list of supported services).
bool rcp_applies_to_service(const std::string& prefix) {
  static const std::set<std::string> kServices = {"s3", "sts", "kms", "sqs", "secretsmanager", "cognito-identity",
                                                  "logs", "dynamodb", "ecr", "aoss"};
  return kServices.count(prefix) > 0;
}

struct ZoneView {
  const org::Organization& org;
  const Zone& zone;
  bool contains_account(const std::string& account) const {
    if (account.empty()) return false;
    if (zone.organization) return org.has_organization() ? org.accounts.count(account) > 0 : false;
    return account == zone.account;
  }
};

// A condition key that narrows who can use the access (Access Analyzer reports only these).
enum class Narrowing { kNone, kOrgId, kOrgPaths, kAccount, kArn, kUserId, kService, kOpaque };

Narrowing narrowing_kind(const std::string& k) {
  if (k == "aws:principalorgid" || k == "aws:sourceorgid") return Narrowing::kOrgId;
  if (k == "aws:principalorgpaths" || k == "aws:sourceorgpaths") return Narrowing::kOrgPaths;
  if (k == "aws:principalaccount" || k == "aws:sourceaccount" || k == "aws:sourceowner" || k == "kms:calleraccount" ||
      k == "aws:resourceaccount")
    return Narrowing::kAccount;
  if (k == "aws:principalarn" || k == "aws:sourcearn") return Narrowing::kArn;
  if (k == "aws:userid") return Narrowing::kUserId;
  if (k == "aws:principalservicename") return Narrowing::kService;
  // Narrow to a network, a secret shared with the caller, or an identity source: reported, but
  // the model cannot tell whether they lie inside the zone.
  if (k == "aws:sourcevpc" || k == "aws:sourcevpce" || k == "aws:sourceip" || k == "aws:vpcsourceip" ||
      k == "sts:externalid" || k == "aws:principaltype" || k == "aws:username" || k == "kms:viaservice" ||
      k == "aws:sourcevpcarn" || k == "lambda:functionurlauthtype" || k == "aws:sourceidentity" ||
      k == "aws:federatedprovider" || k == "cognito-identity.amazonaws.com:aud" || k == "accounts.google.com:aud" ||
      k == "graph.facebook.com:app_id" || k == "www.amazon.com:app_id" || k == "saml:aud")
    return Narrowing::kOpaque;
  if (k.size() > 4 && k.compare(k.size() - 4, 4, ":aud") == 0) return Narrowing::kOpaque;  // OIDC audiences
  if (k.size() > 4 && k.compare(k.size() - 4, 4, ":sub") == 0) return Narrowing::kOpaque;
  return Narrowing::kNone;
}

bool positive_fixed(const condition::ConditionClause& c) {
  if (c.op.negated || c.op.if_exists || c.op.qualifier == SetQualifier::kForAllValues) return false;
  switch (c.op.family) {
    case OperatorFamily::kStringEquals:
    case OperatorFamily::kStringEqualsIgnoreCase:
    case OperatorFamily::kStringLike:
    case OperatorFamily::kArnLike:
    case OperatorFamily::kIpAddress:
      return !c.values.empty();
    default:
      return false;
  }
}

bool has_wildcard(const std::string& s) { return s.find_first_of("*?") != std::string::npos || s.find("${") != std::string::npos; }

// Is every value of a narrowing clause inside the zone? (Then the statement grants nothing outside.)
bool clause_inside_zone(const condition::ConditionClause& c, Narrowing kind, const ZoneView& z,
                        const std::map<std::string, std::string>& id_to_account) {
  for (const auto& v : c.values) {
    const std::string& s = v.text;
    bool inside = false;
    switch (kind) {
      case Narrowing::kOrgId:
        inside = z.zone.organization && z.org.has_organization() && s == z.org.id;
        break;
      case Narrowing::kOrgPaths:
        inside = z.zone.organization && z.org.has_organization() && !has_wildcard(s.substr(0, z.org.id.size() + 1)) &&
                 s.rfind(z.org.id + "/", 0) == 0;
        break;
      case Narrowing::kAccount:
        inside = !has_wildcard(s) && z.contains_account(s);
        break;
      case Narrowing::kArn: {
        std::array<std::string_view, 6> parts;
        inside = match::split_arn(s, parts) == 6 && !has_wildcard(std::string(parts[4])) &&
                 z.contains_account(std::string(parts[4]));
        break;
      }
      case Narrowing::kUserId: {
        const std::string id = s.substr(0, s.find(':'));
        auto it = id_to_account.find(id);
        inside = !has_wildcard(id) && it != id_to_account.end() && z.contains_account(it->second);
        break;
      }
      case Narrowing::kService:
        inside = true;  // an AWS service principal: never a finding
        break;
      default:
        inside = false;
    }
    if (!inside) return false;
  }
  return true;
}

struct Grant {
  std::string principal_type;
  std::string principal_value;  // "*" for public
  bool narrowed = false;        // a narrowing condition applies
  std::map<std::string, std::vector<std::string>> condition;
  std::set<std::string> actions;
  std::set<std::string> sources;
  std::vector<std::string> why;
  bool s3_public_definition = false;  // public per S3 "meaning of public" (policy or ACL)
  // Context values that satisfy the statement's narrowing conditions (used to replay the access).
  std::map<std::string, std::string> satisfy;
  // Resource element entries of the granting statements (S3: object paths inside the bucket).
  std::set<std::string> resource_patterns;
  // Narrowing keys whose values are patterns: left unknown when the access is replayed.
  std::set<std::string> open_keys;
};

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string stable_id(const Finding& f) {
  std::string canon = f.resource + "\n" + f.principal_type + "=" + f.principal_value + "\n";
  for (const auto& a : f.actions) canon += a + ",";
  canon += "\n";
  for (const auto& [k, vs] : f.condition) {
    canon += k + "=";
    for (const auto& v : vs) canon += v + ",";
    canon += ";";
  }
  canon += "\n" + std::to_string(f.is_public);
  for (const auto& s : f.sources) canon += s + ",";
  const std::uint64_t a = fnv1a(canon), b = fnv1a(canon + "#");
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

// S3 ACL permission -> actions (S3 UG, "Access control list (ACL) overview": mapping of ACL
// permissions and access policy permissions, bucket level).
std::vector<std::string> acl_actions(const std::string& permission) {
  if (permission == "READ") return {"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"};
  if (permission == "WRITE") return {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject"};
  if (permission == "READ_ACP") return {"s3:GetBucketAcl"};
  if (permission == "WRITE_ACP") return {"s3:PutBucketAcl"};
  if (permission == "FULL_CONTROL") {
    return {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetBucketAcl", "s3:ListBucket",
            "s3:ListBucketMultipartUploads", "s3:ListBucketVersions", "s3:PutBucketAcl", "s3:PutObject"};
  }
  return {};
}

class Analyzer {
 public:
  Analyzer(const graph::AccessGraph& g, const Zone& zone) : g_(g), org_(g.organization()), z_{org_, zone} {
    for (const auto& [id, a] : org_.accounts) {
      if (!a.canonical_user_id.empty()) canonical_to_account_[a.canonical_user_id] = id;
      for (const auto& u : a.iam.users) if (!u.id.empty()) id_to_account_[u.id] = id;
      for (const auto& r : a.iam.roles) if (!r.id.empty()) id_to_account_[r.id] = id;
      for (const auto& res : a.resources) {
        if (!res.owner_canonical_id.empty()) canonical_to_account_[res.owner_canonical_id] = id;
      }
    }
    allow_all_ = policy::Policy::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                                       "assumed: identity policies of the outside principal");
    open_resource_ = policy::Policy::parse(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})",
        "assumed: resource policy");
  }

  std::vector<Finding> run() {
    std::vector<Finding> out;
    for (const auto& [account_id, account] : org_.accounts) {
      if (!z_.zone.organization && account_id != z_.zone.account) continue;
      for (const auto& role : account.iam.roles) analyse_role(account, role, out);
      for (const auto& res : account.resources) analyse_resource(account, res, out);
    }
    std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.resource, a.principal_type, a.principal_value, a.id) <
             std::tie(b.resource, b.principal_type, b.principal_value, b.id);
    });
    return out;
  }

 private:
  // Candidates from the Allow statements of a resource-based policy.
  void grants_from_policy(const policy::Policy& p, const std::string& owner, const std::string& prefix,
                          std::map<std::string, Grant>& grants) {
    for (const auto& st : p.statements()) {
      if (st.effect != policy::Effect::kAllow || !st.has_principal) continue;
      // Narrowing conditions of the statement.
      std::map<std::string, std::vector<std::string>> narrowing;
      std::map<std::string, std::string> satisfy;
      std::set<std::string> open_keys;
      bool inside = false;
      for (const auto& c : st.condition.clauses) {
        const Narrowing kind = narrowing_kind(c.key_lower);
        if (kind == Narrowing::kNone || !positive_fixed(c)) continue;
        if (clause_inside_zone(c, kind, z_, id_to_account_)) {
          inside = true;
          break;
        }
        auto& vals = narrowing[c.key];
        for (const auto& v : c.values) vals.push_back(v.text);
        if (!c.values.empty() && !has_wildcard(c.values.front().text)) satisfy[c.key] = c.values.front().text;
        else open_keys.insert(c.key_lower);
      }
      if (inside) continue;
      std::vector<std::pair<std::string, std::string>> principals;  // (type, value)
      if (st.not_principal || st.principal.wildcard) principals.push_back({"AWS", "*"});
      for (const auto& v : st.principal.aws) {
        if (v == "*") continue;
        const std::string acct = account_of_principal(v);
        if (acct.empty() || acct == owner || z_.contains_account(acct)) continue;
        principals.push_back({"AWS", normalise_principal(v)});
      }
      for (const auto& v : st.principal.federated) {
        // An identity provider of the zone (arn:aws:iam::<id>:saml-provider/...) is inside it.
        const std::string acct = arn_account(v);
        if (!acct.empty() && (acct == owner || z_.contains_account(acct))) continue;
        principals.push_back({"Federated", v});
      }
      for (const auto& v : st.principal.canonical_user) {
        auto it = canonical_to_account_.find(v);
        if (it != canonical_to_account_.end() && (it->second == owner || z_.contains_account(it->second))) continue;
        principals.push_back({"CanonicalUser", v});
      }
      // Service principals are never findings (IAM UG, "How IAM Access Analyzer findings work").
      if (principals.empty()) continue;
      // Actions of the statement within the resource's service.
      std::vector<std::string> actions;
      if (const auto* cat = g_.catalogue()) {
        for (const auto* a : cat->expand(st)) {
          if (a->name.compare(0, prefix.size() + 1, prefix + ":") == 0) actions.push_back(a->name);
        }
      }
      for (const auto& [type, value] : principals) {
        Grant& gr = grants[type + "|" + value];
        gr.principal_type = type;
        gr.principal_value = value;
        const bool public_grant = value == "*";
        if (!narrowing.empty()) {
          if (gr.actions.empty() || gr.narrowed) {
            gr.narrowed = true;
            for (const auto& [k, vs] : narrowing) {
              auto& dst = gr.condition[k];
              for (const auto& v : vs) if (std::find(dst.begin(), dst.end(), v) == dst.end()) dst.push_back(v);
            }
            for (const auto& kv : satisfy) gr.satisfy.insert(kv);
            gr.open_keys.insert(open_keys.begin(), open_keys.end());
          }
        } else {
          // An unconditional grant subsumes narrowed ones for the same principal.
          gr.narrowed = false;
          gr.condition.clear();
          gr.satisfy.clear();
        }
        if (public_grant && resource::is_public_statement(st)) gr.s3_public_definition = true;
        gr.sources.insert("POLICY");
        if (st.has_resource && !st.not_resource) {
          for (const auto& r : st.resources) gr.resource_patterns.insert(r.text());
        }
        gr.why.push_back("policy statement " + st.label());
        stmt_actions_[&gr].insert(stmt_actions_[&gr].end(), actions.begin(), actions.end());
      }
    }
  }

  // The caller that stands for a grant's principal, with the facts the statement needs.
  std::shared_ptr<eval::Request> outsider_request(const Grant& gr, const std::string& action, const std::string& res_arn,
                                                  const std::string& resource_account, bool open_world) const {
    std::string caller;
    if (gr.principal_type == "AWS" && gr.principal_value != "*") {
      caller = is_account_id(gr.principal_value) ? "arn:" + org_.partition + ":iam::" + gr.principal_value + ":root"
                                                  : gr.principal_value;
    } else if (gr.principal_type == "AWS") {
      caller = "arn:" + org_.partition + ":iam::000000000000:root";  // any principal: an unknown account
    } else if (gr.principal_value != "*") {
      caller = gr.principal_value;  // federated / canonical: matched by name
    } else {
      // {"Federated": "*"} / {"CanonicalUser": "*"}: a principal of that type that no statement
      // names ("*" itself would be the anonymous caller, which these do not name).
      caller = gr.principal_type == "Federated" ? "arn:" + org_.partition + ":iam::000000000000:saml-provider/any"
                                                : std::string(64, '0');
    }
    auto req = std::make_shared<eval::Request>(eval::Request::make(caller, action, res_arn, {}, resource_account));
    if (gr.principal_type == "AWS" && gr.principal_value == "*") {
      req->principal.account.clear();
      req->principal.arn.clear();
    }
    auto& ctx = req->context;
    std::vector<std::string> closed = {"aws:principalisawsservice", "aws:principalservicename", "aws:resourceaccount",
                                       "aws:resourceorgid", "aws:resourceorgpaths"};
    ctx.set("aws:PrincipalIsAWSService", "false");
    ctx.set("aws:ResourceAccount", resource_account);
    if (org_.has_organization() && org_.accounts.count(resource_account)) {
      ctx.set("aws:ResourceOrgID", org_.id);
      ctx.set_multi("aws:ResourceOrgPaths", {org_.org_path_of(resource_account)});
    }
    if (!req->principal.account.empty()) {
      ctx.set("aws:PrincipalAccount", req->principal.account);
      if (action.rfind("kms:", 0) == 0) ctx.set("kms:CallerAccount", req->principal.account);
      closed.push_back("aws:principalaccount");
      closed.push_back("kms:calleraccount");
      // An account of the loaded organization (outside an account zone) is known to be a member.
      if (org_.has_organization() && org_.accounts.count(req->principal.account)) {
        ctx.set("aws:PrincipalOrgID", org_.id);
        ctx.set_multi("aws:PrincipalOrgPaths", {org_.org_path_of(req->principal.account)});
        closed.push_back("aws:principalorgid");
        closed.push_back("aws:principalorgpaths");
      }
    }
    if (req->principal.kind != match::CallerKind::kAccountRoot && !req->principal.arn.empty() &&
        gr.principal_type == "AWS") {
      ctx.set("aws:PrincipalArn", req->principal.arn);
      closed.push_back("aws:principalarn");
    }
    for (const auto& [k, v] : gr.satisfy) {
      const std::string kl = condition::to_lower_ascii(k);
      if (kl == "aws:principalorgpaths" || kl == "aws:sourceorgpaths") ctx.set_multi(k, {v});
      else ctx.set(k, v);
    }
    // A principal outside the organization has no aws:PrincipalOrgID / OrgPaths of this
    // organization: unless the granting statement itself names an organization (then `satisfy`
    // set it), they are absent, so Deny guard rails on them apply (IAM UG, global condition keys).
    if (!gr.open_keys.count("aws:principalorgid")) closed.push_back("aws:principalorgid");
    if (!gr.open_keys.count("aws:principalorgpaths")) closed.push_back("aws:principalorgpaths");
    if (!open_world) {
      // For RCP verdicts: what is not known about an outside principal is absent.
      closed.push_back("aws:principal*");
      closed.push_back("aws:userid");
      closed.push_back("aws:username");
    }
    ctx.set_closed_keys(std::move(closed));
    ctx.set_open_world(true);
    return req;
  }

  // The request resources to try for an action. For S3 object actions: the objects the granting
  // statements name inside this bucket (as written, wildcards included), else every object.
  std::vector<std::string> request_resources(const Resource* res, const std::string& arn, const std::string& action,
                                             const Grant& gr) const {
    if (!res || res->type != ResourceType::kS3Bucket) return {arn};
    const auto* cat = g_.catalogue();
    const auto* info = cat ? cat->find(action) : nullptr;
    bool object_level = false;
    if (info) {
      for (const auto& rt : info->resource_types) if (rt == "object") object_level = true;
    }
    if (!object_level) return {arn};
    std::vector<std::string> out;
    for (const auto& r : gr.resource_patterns) {
      if (r.rfind(arn + "/", 0) == 0) out.push_back(r);
    }
    if (out.empty()) out.push_back(arn + "/*");
    return out;
  }


  void verify_and_emit(const std::string& arn, const std::string& type, const std::string& owner, const std::string& region,
                       const Resource* res, policy::PolicyPtr policy, std::map<std::string, Grant>& grants,
                       const std::string& prefix, std::vector<Finding>& out) {
    for (auto& [key, gr] : grants) {
      std::set<std::string> candidate_actions(stmt_actions_[&gr].begin(), stmt_actions_[&gr].end());
      for (const auto& a : gr.actions) candidate_actions.insert(a);  // from ACLs / grants, already decided
      std::set<std::string> allowed = gr.actions;
      eval::PolicySet ps;
      ps.identity_policies = {allow_all_};
      ps.resource_policy = policy;
      if (res && res->type == ResourceType::kS3Bucket) {
        bool restrict_public = res->block_public_access.restrict_public_buckets;
        auto acct = org_.accounts.find(owner);
        if (acct != org_.accounts.end()) restrict_public |= acct->second.block_public_access.restrict_public_buckets;
        ps.options.s3_restrict_public_buckets = restrict_public;
      }
      // In an account zone, "any principal" also means the other accounts of the organization:
      // access a Deny keeps from outsiders but leaves to members is reported narrowed to the
      // organization (keyed public, condition aws:PrincipalOrgID).
      const bool try_members = !z_.zone.organization && org_.has_organization() && gr.principal_type == "AWS" &&
                               gr.principal_value == "*" && !gr.satisfy.count("aws:PrincipalOrgID");
      std::set<std::string> member_only;
      for (const auto& action : stmt_actions_[&gr]) {
        if (allowed.count(action)) continue;
        bool member_allowed = false;
        for (const auto& target : request_resources(res, arn, action, gr)) {
          auto req = outsider_request(gr, action, target, owner, true);
          if (eval::evaluate(*req, ps) == eval::DecisionKind::kAllowed) {
            allowed.insert(action);
            break;
          }
          if (try_members && !member_allowed) {
            req->context.set("aws:PrincipalOrgID", org_.id);
            member_allowed = eval::evaluate(*req, ps) == eval::DecisionKind::kAllowed;
          }
        }
        if (!allowed.count(action) && member_allowed) member_only.insert(action);
      }
      const bool only_members = !member_only.empty() && allowed.empty();
      for (const auto& a : member_only) allowed.insert(a);
      if (allowed.empty()) continue;
      Finding f;
      f.resource = arn;
      f.resource_type = type;
      f.resource_owner_account = owner;
      f.region = region;
      f.principal_type = gr.principal_type;
      f.principal_value = gr.principal_value;
      f.actions.assign(allowed.begin(), allowed.end());
      f.condition = gr.condition;
      if (only_members) f.condition["aws:PrincipalOrgID"] = {org_.id};
      for (auto& [k, vs] : f.condition) std::sort(vs.begin(), vs.end());
      if (type == "AWS::S3::Bucket") f.sources.assign(gr.sources.begin(), gr.sources.end());
      if (gr.principal_value == "*") f.is_public = (gr.narrowed || only_members) ? -1 : 1;
      else f.is_public = 0;
      f.why = gr.why;
      rcp_verdict(f, gr, res, prefix);
      severity(f);
      f.id = stable_id(f);
      out.push_back(std::move(f));
    }
  }

  void rcp_verdict(Finding& f, const Grant& gr, const Resource* res, const std::string& prefix) {
    f.rcp_restricted = false;
    if (!rcp_applies_to_service(prefix)) return;
    if (res && res->type == ResourceType::kKmsKey && res->key_manager == "AWS") return;  // not AWS managed keys
    const auto levels = org_.rcp_levels(f.resource_owner_account);
    if (levels.empty()) return;
    eval::PolicySet ps;
    ps.identity_policies = {allow_all_};
    ps.resource_policy = open_resource_;
    ps.rcp_levels = levels;
    std::set<std::string> reasons;
    auto denied_for = [&](const std::shared_ptr<eval::Request>& req) {
      // Only a Deny that certainly applies counts (unknown request facts: assumed not to hold).
      if (eval::evaluate(*req, ps) != eval::DecisionKind::kExplicitlyDenied) return false;
      for (const auto& d : eval::explain(*req, ps).denies) {
        reasons.insert("RCP \"" + d.policy + "\" at level " + d.level + " statement #" + std::to_string(d.statement_index) +
                       (d.sid.empty() ? "" : " (Sid \"" + d.sid + "\")"));
      }
      return true;
    };
    for (const auto& action : f.actions) {
      if (action == "kms:RetireGrant") return;  // RCPs do not govern kms:RetireGrant (KMS DG, RCPs)
      const std::string target = request_resources(res, f.resource, action, gr).front();
      auto req = outsider_request(gr, action, target, f.resource_owner_account, false);
      if (!denied_for(req)) return;
      if (f.principal_value == "*" && f.principal_type == "AWS" && f.condition.empty()) {
        auto anon = std::make_shared<eval::Request>(eval::Request::make("anonymous", action, target, {}, f.resource_owner_account));
        anon->context = req->context;
        if (!denied_for(anon)) return;
      }
    }
    f.rcp_restricted = true;
    f.rcp_explanation.assign(reasons.begin(), reasons.end());
  }

  void severity(Finding& f) const {
    bool write = false;
    const auto* cat = g_.catalogue();
    for (const auto& a : f.actions) {
      const auto* info = cat ? cat->find(a) : nullptr;
      const std::string level = info ? info->access_level : "";
      if (level == "Write" || level == "Permissions management" || level == "Tagging") write = true;
      // Key usage (encrypt, decrypt, sign, generate data keys) counts as more than read.
      if (a.rfind("kms:", 0) == 0 && (a.find("crypt") != std::string::npos || a.find("GenerateDataKey") != std::string::npos ||
                                      a.find("Sign") != std::string::npos || a.find("CreateGrant") != std::string::npos))
        write = true;
      if (a.rfind("sts:AssumeRole", 0) == 0) write = true;
    }
    const bool any = f.principal_value == "*";
    bool other_org = false;
    for (const auto& [k, vs] : f.condition) {
      const std::string kl = condition::to_lower_ascii(k);
      if (kl == "aws:principalorgid" || kl == "aws:principalorgpaths" || kl == "aws:sourceorgid") other_org = true;
    }
    if (any && !other_org && f.condition.empty()) f.severity = write ? "critical" : "high";
    else if (any) f.severity = write ? "high" : "medium";
    else f.severity = write ? "medium" : "low";
    if (f.rcp_restricted) f.severity = "low";
    const std::string& t = f.resource_type;
    if (t == "AWS::S3::Bucket") {
      f.remediation = f.sources.size() == 1 && f.sources[0] == "BUCKET_ACL"
                          ? "Remove the ACL grant (or set Object Ownership to BucketOwnerEnforced) and enable Block Public Access."
                          : "Restrict the bucket policy statement to named principals or aws:PrincipalOrgID, or enable Block Public Access (RestrictPublicBuckets).";
    } else if (t == "AWS::IAM::Role") {
      f.remediation = "Limit the trust policy to the intended principals and require sts:ExternalId (third parties) or aws:PrincipalOrgID.";
    } else if (t == "AWS::KMS::Key") {
      f.remediation = "Remove the key policy statement or grant for the outside principal, or add kms:CallerAccount / kms:ViaService conditions.";
    } else {
      f.remediation = "Restrict the resource policy to principals of the zone of trust (named principals or aws:PrincipalOrgID).";
    }
  }

  void analyse_role(const org::Account& account, const iam::Role& role, std::vector<Finding>& out) {
    if (!role.trust_policy) return;
    std::map<std::string, Grant> grants;
    stmt_actions_.clear();
    grants_from_policy(*role.trust_policy, account.id, "sts", grants);
    verify_and_emit(role.arn, "AWS::IAM::Role", account.id, "", nullptr, role.trust_policy, grants, "sts", out);
  }

  void analyse_resource(const org::Account& account, const Resource& res, std::vector<Finding>& out) {
    const std::string prefix = service_prefix(res.type);
    const std::string type = resource::to_string(res.type);
    if (res.policy_known == resource::Known::kUnknown) {
      Finding f;
      f.resource = res.arn;
      f.resource_type = type;
      f.resource_owner_account = account.id;
      f.region = res.region;
      f.error = res.policy_error.find("AccessDenied") != std::string::npos ? "ACCESS_DENIED" : "NOT_COLLECTED";
      f.severity = "medium";
      f.remediation = "Collect the resource policy again with permission to read it.";
      f.id = stable_id(f) ;
      out.push_back(std::move(f));
      return;
    }
    std::map<std::string, Grant> grants;
    stmt_actions_.clear();
    if (res.policy) grants_from_policy(*res.policy, account.id, prefix, grants);
    if (res.type == ResourceType::kS3Bucket) acl_grants(account, res, grants);
    if (res.type == ResourceType::kKmsKey) kms_grants(account, res, grants);
    verify_and_emit(res.arn, type, account.id, res.region, &res, res.policy, grants, prefix, out);
  }

  void acl_grants(const org::Account& account, const Resource& res, std::map<std::string, Grant>& grants) {
    if (res.object_ownership == "BucketOwnerEnforced" || res.acl_known != resource::Known::kYes) return;  // ACLs disabled
    auto acct = org_.accounts.find(account.id);
    const bool ignore_public = res.block_public_access.ignore_public_acls ||
                               (acct != org_.accounts.end() && acct->second.block_public_access.ignore_public_acls);
    for (const auto& g : res.acl) {
      std::pair<std::string, std::string> principal;
      if (g.grantee_type == "Group") {
        const bool all_users = g.grantee.find("/global/AllUsers") != std::string::npos;
        const bool authenticated = g.grantee.find("/global/AuthenticatedUsers") != std::string::npos;
        if (!all_users && !authenticated) continue;  // e.g. s3/LogDelivery: S3's own service
        if (ignore_public) continue;                  // IgnorePublicAcls disables public ACL grants
        principal = {"AWS", "*"};
      } else if (g.grantee_type == "CanonicalUser") {
        if (g.grantee == res.owner_canonical_id) continue;
        auto it = canonical_to_account_.find(g.grantee);
        if (it != canonical_to_account_.end() && (it->second == account.id || z_.contains_account(it->second))) continue;
        principal = {"CanonicalUser", g.grantee};
      } else {
        continue;
      }
      Grant& gr = grants[principal.first + "|" + principal.second];
      gr.principal_type = principal.first;
      gr.principal_value = principal.second;
      if (!gr.narrowed) gr.condition.clear();
      for (const auto& a : acl_actions(g.permission)) gr.actions.insert(a);
      gr.sources.insert("BUCKET_ACL");
      gr.s3_public_definition = gr.s3_public_definition || principal.second == "*";
      gr.why.push_back("bucket ACL grants " + g.permission + " to " + g.grantee);
    }
  }

  void kms_grants(const org::Account& account, const Resource& res, std::map<std::string, Grant>& grants) {
    for (const auto& kg : res.grants) {
      const std::string& p = kg.grantee_principal;
      if (p.find(".amazonaws.com") != std::string::npos && p.rfind("arn:", 0) != 0) continue;  // a service
      const std::string acct = account_of_principal(p);
      if (acct.empty() || acct == account.id || z_.contains_account(acct)) continue;
      Grant& gr = grants["AWS|" + normalise_principal(p)];
      gr.principal_type = "AWS";
      gr.principal_value = normalise_principal(p);
      for (const auto& op : kg.operations) gr.actions.insert("kms:" + op);
      gr.why.push_back("KMS grant " + kg.grant_id + (kg.name.empty() ? "" : " (" + kg.name + ")"));
    }
  }

  const graph::AccessGraph& g_;
  const org::Organization& org_;
  ZoneView z_;
  std::map<std::string, std::string> id_to_account_;
  std::map<std::string, std::string> canonical_to_account_;
  std::map<const Grant*, std::vector<std::string>> stmt_actions_;
  policy::PolicyPtr allow_all_;
  policy::PolicyPtr open_resource_;
};

}  // namespace

std::vector<Finding> external_access_findings(const graph::AccessGraph& graph, const Zone& zone) {
  if (!zone.organization && !graph.organization().accounts.count(zone.account)) {
    throw std::invalid_argument("zone account:" + zone.account + " is not an account of the snapshot");
  }
  Analyzer a(graph, zone);
  return a.run();
}

}  // namespace accessgraph::findings
