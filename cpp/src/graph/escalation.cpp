#include "accessgraph/graph/escalation.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>
#include <unordered_map>
#include <unordered_set>

#include "accessgraph/match/arn.hpp"

namespace accessgraph::graph {

// ---------------------------------------------------------------------------------------------
// The technique table.

namespace {

std::vector<EscalationTechnique> make_techniques() {
  const std::string same_policy = "a customer managed policy attached to the principal (directly or through a group), "
                                  "or to a role of its account it may assume";
  return {
      {"iam-create-policy-version", "iam:CreatePolicyVersion on an attached policy", "policy",
       {"iam:CreatePolicyVersion"}, same_policy,
       "a new default version of the policy allowing everything: the principal (or the role) gets what its "
       "boundary and SCPs let through"},
      {"iam-set-default-policy-version", "iam:SetDefaultPolicyVersion on an attached policy", "policy",
       {"iam:SetDefaultPolicyVersion"}, same_policy,
       "whatever a non-default version of the policy grants (the snapshot holds the default version only)"},
      {"iam-attach-user-policy", "iam:AttachUserPolicy on oneself", "policy", {"iam:AttachUserPolicy"},
       "the user itself (iam:PolicyARN = AdministratorAccess, else another managed policy of the account)",
       "the permissions of the attached policy"},
      {"iam-attach-group-policy", "iam:AttachGroupPolicy on one's own group", "policy", {"iam:AttachGroupPolicy"},
       "a group the user is a member of", "the permissions of the attached policy"},
      {"iam-attach-role-policy", "iam:AttachRolePolicy on oneself or on an assumable role", "policy",
       {"iam:AttachRolePolicy"}, "the role itself, or a role of its account it may assume (then sts:AssumeRole)",
       "the permissions of the attached policy, as the role"},
      {"iam-put-user-policy", "iam:PutUserPolicy on oneself", "policy", {"iam:PutUserPolicy"}, "the user itself",
       "an inline policy allowing everything"},
      {"iam-put-group-policy", "iam:PutGroupPolicy on one's own group", "policy", {"iam:PutGroupPolicy"},
       "a group the user is a member of", "an inline policy allowing everything"},
      {"iam-put-role-policy", "iam:PutRolePolicy on oneself or on an assumable role", "policy", {"iam:PutRolePolicy"},
       "the role itself, or a role of its account it may assume (then sts:AssumeRole)",
       "an inline policy allowing everything, as the role"},
      {"iam-add-user-to-group", "iam:AddUserToGroup to a more privileged group", "policy", {"iam:AddUserToGroup"},
       "a group of the user's account it is not a member of", "the group's permissions"},
      {"iam-delete-user-permissions-boundary", "iam:DeleteUserPermissionsBoundary on oneself", "policy",
       {"iam:DeleteUserPermissionsBoundary"}, "the user itself, when it has a boundary",
       "its identity policies without the boundary's limit"},
      {"iam-delete-role-permissions-boundary", "iam:DeleteRolePermissionsBoundary on oneself or an assumable role",
       "policy", {"iam:DeleteRolePermissionsBoundary"}, "the role itself or an assumable role, when it has a boundary",
       "its identity policies without the boundary's limit"},
      {"iam-put-user-permissions-boundary", "iam:PutUserPermissionsBoundary on oneself", "policy",
       {"iam:PutUserPermissionsBoundary"},
       "the user itself, when it has a boundary (iam:PermissionsBoundary = AdministratorAccess, else another "
       "managed policy)",
       "its identity policies under a wider boundary"},
      {"iam-put-role-permissions-boundary", "iam:PutRolePermissionsBoundary on oneself or an assumable role", "policy",
       {"iam:PutRolePermissionsBoundary"}, "the role itself or an assumable role, when it has a boundary",
       "its identity policies under a wider boundary"},
      {"iam-create-access-key", "iam:CreateAccessKey for another user", "credentials", {"iam:CreateAccessKey"},
       "another user of the account (with iam:DeleteAccessKey when the credential report shows both key slots used)",
       "that user's permissions"},
      {"iam-create-login-profile", "iam:CreateLoginProfile for another user", "credentials",
       {"iam:CreateLoginProfile"},
       "another user of the account without a console password and without MFA (credential report)",
       "that user's permissions (console)"},
      {"iam-update-login-profile", "iam:UpdateLoginProfile for another user", "credentials",
       {"iam:UpdateLoginProfile"},
       "another user of the account with a console password and without MFA (credential report)",
       "that user's permissions (console)"},
      {"iam-update-assume-role-policy", "iam:UpdateAssumeRolePolicy, then sts:AssumeRole", "trust",
       {"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"},
       "a role of the account the principal cannot assume yet; sts:AssumeRole is decided against a trust "
       "policy naming the principal",
       "the role"},
      {"sts-assume-role", "sts:AssumeRole (chain) into a more privileged role", "trust", {"sts:AssumeRole"},
       "roles whose trust policy admits the principal, in any account of the organization, up to 5 hops",
       "the role"},
      {"lambda-create-function-invoke", "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction", "passrole",
       {"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"},
       "a role of the account that lambda.amazonaws.com may assume; a new function", "the passed role"},
      {"lambda-create-function-event-source",
       "iam:PassRole + lambda:CreateFunction + lambda:CreateEventSourceMapping", "passrole",
       {"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"},
       "a role of the account that lambda.amazonaws.com may assume; a new function triggered by an existing "
       "stream or queue",
       "the passed role"},
      {"ec2-run-instances", "iam:PassRole + ec2:RunInstances", "passrole", {"iam:PassRole", "ec2:RunInstances"},
       "a role of the account that ec2.amazonaws.com may assume, with an instance profile (or "
       "iam:CreateInstanceProfile + iam:AddRoleToInstanceProfile)",
       "the passed role (instance metadata credentials)"},
      {"cloudformation-create-stack", "iam:PassRole + cloudformation:CreateStack", "passrole",
       {"iam:PassRole", "cloudformation:CreateStack"},
       "a role of the account that cloudformation.amazonaws.com may assume; a new stack", "the passed role"},
      {"glue-create-dev-endpoint", "iam:PassRole + glue:CreateDevEndpoint", "passrole",
       {"iam:PassRole", "glue:CreateDevEndpoint"}, "a role of the account that glue.amazonaws.com may assume",
       "the passed role"},
      {"datapipeline-create-pipeline",
       "iam:PassRole + datapipeline:CreatePipeline + PutPipelineDefinition + ActivatePipeline", "passrole",
       {"iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition",
        "datapipeline:ActivatePipeline"},
       "a role of the account that datapipeline.amazonaws.com may assume; a new pipeline", "the passed role"},
      {"sagemaker-create-notebook", "iam:PassRole + sagemaker:CreateNotebookInstance + CreatePresignedNotebookInstanceUrl",
       "passrole",
       {"iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"},
       "a role of the account that sagemaker.amazonaws.com may assume; a new notebook instance", "the passed role"},
      {"sagemaker-create-training-job", "iam:PassRole + sagemaker:CreateTrainingJob", "passrole",
       {"iam:PassRole", "sagemaker:CreateTrainingJob"},
       "a role of the account that sagemaker.amazonaws.com may assume; a new training job", "the passed role"},
      {"sagemaker-create-processing-job", "iam:PassRole + sagemaker:CreateProcessingJob", "passrole",
       {"iam:PassRole", "sagemaker:CreateProcessingJob"},
       "a role of the account that sagemaker.amazonaws.com may assume; a new processing job", "the passed role"},
      {"codebuild-create-project", "iam:PassRole + codebuild:CreateProject + codebuild:StartBuild", "passrole",
       {"iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"},
       "a role of the account that codebuild.amazonaws.com may assume; a new project", "the passed role"},
      {"lambda-update-function-code", "lambda:UpdateFunctionCode on an existing function", "existing-resource",
       {"lambda:UpdateFunctionCode"},
       "a Lambda function of the snapshot; its execution role is taken to be a role of its account that "
       "lambda.amazonaws.com may assume (the snapshot does not record it)",
       "the function's role"},
      {"glue-update-dev-endpoint", "glue:UpdateDevEndpoint on an existing dev endpoint", "existing-resource",
       {"glue:UpdateDevEndpoint"},
       "dev endpoints of the account (not in the snapshot) running as a role glue.amazonaws.com may assume",
       "the endpoint's role"},
      {"cloudformation-update-stack", "cloudformation:UpdateStack on an existing stack", "existing-resource",
       {"cloudformation:UpdateStack"},
       "stacks of the account (not in the snapshot) with a service role cloudformation.amazonaws.com may assume",
       "the stack's role"},
      {"sagemaker-presigned-notebook-url", "sagemaker:CreatePresignedNotebookInstanceUrl on an existing notebook",
       "existing-resource", {"sagemaker:CreatePresignedNotebookInstanceUrl"},
       "notebook instances of the account (not in the snapshot) running as a role sagemaker.amazonaws.com may "
       "assume",
       "the notebook's role"},
      {"ssm-send-command", "ssm:SendCommand to an instance with a privileged profile", "existing-resource",
       {"ssm:SendCommand"},
       "instances of the account (not in the snapshot) and the AWS-RunShellScript document; the instance "
       "profile's role must trust ec2.amazonaws.com",
       "the instance profile's role"},
      {"ssm-start-session", "ssm:StartSession on an instance with a privileged profile", "existing-resource",
       {"ssm:StartSession"},
       "instances of the account (not in the snapshot); the instance profile's role must trust ec2.amazonaws.com",
       "the instance profile's role"},
      {"ec2-instance-connect", "ec2-instance-connect:SendSSHPublicKey to an instance with a privileged profile",
       "existing-resource", {"ec2-instance-connect:SendSSHPublicKey"},
       "instances of the account (not in the snapshot); the instance profile's role must trust ec2.amazonaws.com",
       "the instance profile's role"},
  };
}

}  // namespace

const std::vector<EscalationTechnique>& escalation_techniques() {
  static const std::vector<EscalationTechnique> table = make_techniques();
  return table;
}

const EscalationTechnique* find_escalation_technique(const std::string& id) {
  for (const auto& t : escalation_techniques()) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const char* to_string(GainKind k) noexcept {
  switch (k) {
    case GainKind::kAdministrator: return "administrator";
    case GainKind::kRole: return "role";
    case GainKind::kPermissions: return "permissions";
  }
  return "permissions";
}

// ---------------------------------------------------------------------------------------------
// The analysis.

namespace {

using eval::DecisionKind;
using Modifier = std::function<void(eval::PolicySet&)>;

// A change a technique makes to a subject's policies, with a key naming it (for memoisation).
struct Change {
  Modifier mod;
  std::string key;  // "" for no change
  explicit operator bool() const { return static_cast<bool>(mod); }
};
using Context = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kDefaultName = "accessgraph-escalation";
constexpr int kMaxRoleHops = 5;
constexpr std::size_t kMaxMemo = 1u << 21;

std::array<std::string, 6> arn_fields(std::string_view arn) {
  std::array<std::string_view, 6> parts{};
  std::array<std::string, 6> out{};
  if (match::split_arn(arn, parts) == 6) {
    for (std::size_t i = 0; i < 6; ++i) out[i] = std::string(parts[i]);
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// A user or role as the subject of a check.
struct Subject {
  std::string arn;     // the user / role ARN (reported)
  std::string caller;  // the request principal: the user ARN, or a session of the role
  std::string account;
  std::string partition = "aws";
  const iam::User* user = nullptr;
  const iam::Role* role = nullptr;
};

struct Check {
  bool allowed = false;
  std::shared_ptr<eval::Request> req;
  std::shared_ptr<eval::PolicySet> ps;
};

// The execution role of a Lambda function, when the resource model records it (a member
// `execution_role` holding the role ARN, from list-functions' `Role`); "" otherwise.
template <typename R, typename = void>
struct HasExecutionRole : std::false_type {};
template <typename R>
struct HasExecutionRole<R, std::void_t<decltype(std::declval<const R&>().execution_role)>> : std::true_type {};
template <typename R>
std::string execution_role_of(const R& r) {
  if constexpr (HasExecutionRole<R>::value) {
    return std::string(r.execution_role);
  } else {
    (void)r;
    return {};
  }
}

// One row of the credential report.
struct CredentialRow {
  std::string password_enabled;  // "true" | "false" | "not_supported"
  std::string mfa_active;
  int key_slots_used = 0;
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::unordered_map<std::string, CredentialRow> parse_credential_report(const std::string& csv) {
  std::unordered_map<std::string, CredentialRow> out;
  std::istringstream in(csv);
  std::string line;
  if (!std::getline(in, line)) return out;
  const auto header = split_csv_line(line);
  auto col = [&](const char* name) -> int {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int arn = col("arn"), pw = col("password_enabled"), mfa = col("mfa_active"),
            k1 = col("access_key_1_last_rotated"), k2 = col("access_key_2_last_rotated");
  if (arn < 0) return out;
  auto at = [](const std::vector<std::string>& row, int i) -> std::string {
    return i >= 0 && static_cast<std::size_t>(i) < row.size() ? row[static_cast<std::size_t>(i)] : std::string();
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto row = split_csv_line(line);
    CredentialRow r;
    r.password_enabled = at(row, pw);
    r.mfa_active = at(row, mfa);
    for (int k : {k1, k2}) {
      const std::string v = at(row, k);
      if (!v.empty() && v != "N/A" && v != "not_supported") ++r.key_slots_used;
    }
    out[at(row, arn)] = r;
  }
  return out;
}

class Analyzer {
 public:
  explicit Analyzer(const AccessGraph& g) : g_(g), org_(g.organization()) {
    allow_all_ = policy::Policy::parse(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
        "policy written by the technique (allows everything)");
    if (!org_.collected_at.empty()) {
      base_context_.push_back({"aws:CurrentTime", org_.collected_at});
      base_context_.push_back({"aws:TokenIssueTime", org_.collected_at});
    }
    regions_ = org_.regions;
    if (regions_.empty()) regions_.push_back("us-east-1");
  }

  std::optional<Subject> subject_of(const std::string& arn) const {
    if (const iam::User* u = g_.find_user(arn)) {
      Subject s;
      s.arn = u->arn;
      s.caller = u->arn;
      s.user = u;
      const auto f = arn_fields(u->arn);
      s.partition = f[1].empty() ? org_.partition : f[1];
      s.account = f[4];
      return s;
    }
    std::string role_arn = arn;
    const auto caller = match::CallerIdentity::parse(arn);
    if (caller.kind == match::CallerKind::kAssumedRole) {
      for (const auto& p : g_.principals()) {
        if (p.kind == PrincipalKind::kRole && p.account == caller.account && p.name == caller.role_name) {
          role_arn = p.arn;
        }
      }
    }
    if (const iam::Role* r = g_.find_role(role_arn)) {
      Subject s;
      s.arn = r->arn;
      s.role = r;
      const auto f = arn_fields(r->arn);
      s.partition = f[1].empty() ? org_.partition : f[1];
      s.account = f[4];
      s.caller = "arn:" + s.partition + ":sts::" + s.account + ":assumed-role/" + r->name + "/accessgraph";
      return s;
    }
    return std::nullopt;
  }

  void analyse(const Subject& s, std::vector<EscalationPath>& out) {
    if (s.role && s.role->service_linked()) return;
    if (is_admin(s, {})) return;
    auto account_it = org_.accounts.find(s.account);
    if (account_it == org_.accounts.end()) return;
    const org::Account& account = account_it->second;
    out_ = &out;
    start_ = &s;
    account_ = &account;

    // Subjects whose permissions a policy technique may change: the principal itself, and the roles
    // of its account it may assume directly (the path then ends with sts:AssumeRole).
    std::vector<std::pair<Subject, std::optional<EscalationStep>>> targets;
    targets.push_back({s, std::nullopt});
    for (const Edge& e : edges_from(s)) {
      if (e.to.account != s.account) continue;
      if (is_admin(e.to, {})) continue;  // sts-assume-role reports it
      targets.push_back({e.to, e.step});
    }
    for (const auto& [x, assume] : targets) policy_techniques(x, assume);
    if (s.user) add_user_to_group();
    credential_techniques();
    update_assume_role_policy();
    assume_role_chains();
    passrole_techniques();
    existing_resource_techniques();
  }

 private:
  // ----- evaluation -----
  Check check(const Subject& who, std::string_view action, std::string_view resource, const Context& extra = {},
              const Modifier& mod = {}, const std::string& region = {}) const {
    return check_caller(who.caller, action, resource, extra, mod, region);
  }

  Check check_caller(const std::string& caller, std::string_view action, std::string_view resource,
                     const Context& extra = {}, const Modifier& mod = {}, const std::string& region = {}) const {
    condition::RequestContext ctx;
    for (const auto& [k, v] : base_context_) ctx.set(k, v);
    if (!region.empty()) ctx.set("aws:RequestedRegion", region);
    for (const auto& [k, v] : extra) ctx.set(k, v);
    Check c;
    c.req = g_.make_request(caller, action, resource, &ctx, true);
    c.ps = g_.policy_set_for(*c.req);
    if (mod) mod(*c.ps);
    c.allowed = eval::evaluate(*c.req, *c.ps) == DecisionKind::kAllowed;
    return c;
  }

  static EscalationStep step_of(const Check& c) {
    EscalationStep st;
    st.action = c.req->action;
    st.resource = c.req->resource;
    const eval::Explanation e = eval::explain(*c.req, *c.ps);
    std::set<std::string> conds, unless;
    for (const auto& m : e.allows) {
      for (const auto& x : m.assumed_conditions) conds.insert(x);
      // The statements that grant; SCP, RCP and boundary statements only let the grant through.
      if (m.kind != eval::PolicyKind::kIdentity && m.kind != eval::PolicyKind::kResourcePolicy &&
          m.kind != eval::PolicyKind::kSessionPolicy) {
        continue;
      }
      std::string s = eval::to_string(m.kind);
      if (!m.level.empty()) s += " at level " + m.level;
      if (!m.policy.empty()) s += " \"" + m.policy + "\"";
      s += " statement #" + std::to_string(m.statement_index);
      if (!m.sid.empty()) s += " (Sid \"" + m.sid + "\")";
      if (std::find(st.allowed_by.begin(), st.allowed_by.end(), s) == st.allowed_by.end()) st.allowed_by.push_back(s);
    }
    for (const auto& m : e.conditional_denies) {
      for (const auto& x : m.assumed_conditions) unless.insert(x);
    }
    st.conditions.assign(conds.begin(), conds.end());
    st.unless.assign(unless.begin(), unless.end());
    return st;
  }

  // ----- what a subject has -----
  static std::string subject_key(const Subject& p, const Change& ch) {
    return ch ? p.arn + "|" + ch.key : p.arn;
  }

  bool is_admin(const Subject& p, const Change& ch) {
    const std::string key = subject_key(p, ch);
    {
      auto it = admin_cache_.find(key);
      if (it != admin_cache_.end()) return it->second;
    }
    static const std::array<std::pair<const char*, const char*>, 12> kProbes = {{
        {"iam:AttachUserPolicy", "user"}, {"iam:PutUserPolicy", "user"}, {"iam:CreateAccessKey", "user"},
        {"iam:CreateUser", "user"}, {"iam:AttachRolePolicy", "role"}, {"iam:PutRolePolicy", "role"},
        {"iam:UpdateAssumeRolePolicy", "role"}, {"iam:CreateRole", "role"}, {"iam:PassRole", "role"},
        {"iam:CreatePolicyVersion", "policy"}, {"iam:AttachGroupPolicy", "group"}, {"iam:AddUserToGroup", "group"},
    }};
    const Context ctx = {{"iam:PolicyARN", admin_policy_arn(p.partition)}};
    // The same subject with identity policies allowing everything and no boundary: what its SCPs
    // (and the probes' other policies) let any policy of its own reach.
    const Modifier unrestricted = [this](eval::PolicySet& ps) {
      ps.identity_policies = {allow_all_};
      ps.permissions_boundary = nullptr;
    };
    bool admin = true;
    int possible = 0;
    for (const auto& [action, type] : kProbes) {
      const std::string res = "arn:" + p.partition + ":iam::" + p.account + ":" + type + "/accessgraph-admin-probe";
      if (check(p, action, res, ctx, ch.mod).allowed) {
        ++possible;
        continue;
      }
      if (check(p, action, res, ctx, unrestricted).allowed) {
        admin = false;  // its own policies withhold what its organization would allow
        break;
      }
    }
    admin = admin && possible > 0;
    admin_cache_[key] = admin;
    return admin;
  }

  // Some (action, resource) the subject (changed by `mod`) is allowed and the starting principal is
  // not: "s3:GetObject on arn:aws:s3:::x".
  using Pair = std::pair<std::string, std::string>;  // (action, resource)

  // The (action, resource) pairs of a policy's Allow statements: actions expanded with the action
  // catalogue (literal actions without it), resources as written ("*" for NotResource). Memoised
  // per document.
  const std::vector<Pair>& pairs_of(const policy::PolicyPtr& pol) {
    auto found = pairs_memo_.find(pol.get());
    if (found != pairs_memo_.end()) return found->second;
    const iam::ActionCatalogue* cat = g_.catalogue();
    std::vector<Pair> out;
    std::unordered_set<std::string> seen;
    for (const auto& st : pol->statements()) {
      if (st.effect != policy::Effect::kAllow) continue;
      std::vector<std::string> actions;
      if (cat) {
        for (const auto* a : cat->expand(st)) actions.push_back(a->name);
      } else if (!st.not_action) {
        for (const auto& a : st.actions) {
          if (!has_wildcard(a.text())) actions.push_back(a.text());
        }
      }
      std::vector<std::string> resources;
      if (st.has_resource && !st.not_resource) {
        for (const auto& r : st.resources) {
          if (r.text().find("${") == std::string::npos) resources.push_back(r.text());
        }
      } else {
        resources.push_back("*");
      }
      for (const auto& r : resources) {
        for (const auto& a : actions) {
          if (seen.insert(a + "\n" + r).second) out.emplace_back(a, r);
        }
      }
    }
    return pairs_memo_.emplace(pol.get(), std::move(out)).first->second;
  }

  // Decisions of a subject (as it is, or as changed) memoised for the whole run.
  bool allowed_memo(const Subject& p, const Change& ch, const std::string& action, const std::string& resource) {
    auto [it, fresh] = decision_memo_.try_emplace(subject_key(p, ch) + "\n" + action + "\n" + resource, false);
    if (fresh) it->second = check(p, action, resource, {}, ch.mod).allowed;
    return it->second;
  }

  // Whether some Allow statement of the starting principal's identity policies names the action:
  // when none does, the principal is (almost surely) not allowed it, so such candidates go first.
  bool start_may_allow(const std::string& action) {
    auto [it, fresh] = start_actions_.try_emplace(action, false);
    if (fresh) {
      if (!start_identity_) start_identity_ = check(*start_, "sts:GetCallerIdentity", "*").ps;
      const std::string lower = condition::to_lower_ascii(action);
      for (const auto& pol : start_identity_->identity_policies) {
        for (const auto& st : pol->statements()) {
          if (st.effect == policy::Effect::kAllow && st.matches_action(lower)) it->second = true;
        }
      }
    }
    return it->second;
  }

  // Some (action, resource) the subject (as changed) is allowed and the starting principal is not:
  // "s3:GetObject on arn:aws:s3:::x".
  // The candidates are the pairs of the Allow statements that bound what the subject may do: its
  // boundary's when it has one, else its identity policies'. Those the starting principal has no
  // Allow statement for are tried first.
  std::optional<std::string> new_permission(const Subject& p, const Change& ch) {
    const auto ps = check(p, "sts:GetCallerIdentity", "*", {}, ch.mod).ps;
    std::vector<policy::PolicyPtr> sources;
    if (ps->permissions_boundary) sources.push_back(ps->permissions_boundary);
    else sources = ps->identity_policies;
    auto differs = [&](const Pair& x) {
      return allowed_memo(p, ch, x.first, x.second) && !allowed_memo(*start_, {}, x.first, x.second);
    };
    std::vector<const Pair*> later;
    for (const auto& pol : sources) {
      if (!pol) continue;
      for (const auto& x : pairs_of(pol)) {
        if (start_may_allow(x.first)) {
          later.push_back(&x);
        } else if (differs(x)) {
          return x.first + " on " + x.second;
        }
      }
    }
    for (const Pair* x : later) {
      if (differs(*x)) return x->first + " on " + x->second;
    }
    return std::nullopt;
  }

  // What becoming `p` (as changed by `mod`) yields over the starting principal, if anything.
  std::optional<EscalationGain> gain(const Subject& p, const Change& ch, GainKind otherwise) {
    const std::string key = subject_key(p, ch) + "\n" + to_string(otherwise);
    {
      auto it = gain_cache_.find(key);
      if (it != gain_cache_.end()) return it->second;
    }
    std::optional<EscalationGain> out;
    if (is_admin(p, ch)) {
      out = EscalationGain{GainKind::kAdministrator, p.arn,
                           p.arn + " would be allowed every IAM write action on any resource of account " + p.account};
    } else if (auto np = new_permission(p, ch)) {
      out = EscalationGain{otherwise, p.arn,
                           p.arn + " would be allowed " + *np + ", which " + start_->arn + " is not"};
    }
    gain_cache_[key] = out;
    return out;
  }

  // ----- helpers -----
  static std::string admin_policy_arn(const std::string& partition) {
    return "arn:" + partition + ":iam::aws:policy/AdministratorAccess";
  }

  void emit(const char* technique, std::vector<EscalationStep> steps, EscalationGain gains,
            std::vector<std::string> assumptions = {}) {
    const EscalationTechnique* t = find_escalation_technique(technique);
    EscalationPath p;
    p.principal = start_->arn;
    p.technique_id = technique;
    p.technique_name = t ? t->name : technique;
    p.steps = std::move(steps);
    p.gains = std::move(gains);
    p.assumptions = std::move(assumptions);
    for (const auto& st : p.steps) p.conditional |= !st.conditions.empty() || !st.unless.empty();
    out_->push_back(std::move(p));
  }

  const iam::Group* group_named(const std::string& name) const {
    for (const auto& gr : account_->iam.groups) {
      if (gr.name == name) return &gr;
    }
    return nullptr;
  }

  const iam::ManagedPolicy* managed(const std::string& arn) const {
    auto it = account_->iam.managed_policies.find(arn);
    return it == account_->iam.managed_policies.end() ? nullptr : &it->second;
  }

  // Managed policies a technique may attach (or set as boundary): AdministratorAccess first, then
  // the account's other managed policies by ARN.
  std::vector<std::pair<std::string, policy::PolicyPtr>> attachable() const {
    std::vector<std::pair<std::string, policy::PolicyPtr>> out;
    const std::string admin = admin_policy_arn(start_->partition);
    const iam::ManagedPolicy* a = managed(admin);
    out.push_back({admin, a && a->document ? a->document : allow_all_});
    for (const auto& [arn, mp] : account_->iam.managed_policies) {
      if (arn != admin && mp.document) out.push_back({arn, mp.document});
    }
    return out;
  }

  static Change add_policy(policy::PolicyPtr doc, const std::string& key) {
    return {[doc](eval::PolicySet& ps) { ps.identity_policies.push_back(doc); }, "add " + key};
  }
  static Change add_policies(std::vector<policy::PolicyPtr> docs, const std::string& key) {
    return {[docs](eval::PolicySet& ps) {
              for (const auto& d : docs) ps.identity_policies.push_back(d);
            },
            "add " + key};
  }
  static Change replace_policy(policy::PolicyPtr old_doc, policy::PolicyPtr new_doc, const std::string& key) {
    return {[old_doc, new_doc](eval::PolicySet& ps) {
              for (auto& p : ps.identity_policies) {
                if (p == old_doc) p = new_doc;
              }
            },
            "rewrite " + key};
  }
  static Change set_boundary(policy::PolicyPtr doc, const std::string& key) {
    return {[doc](eval::PolicySet& ps) { ps.permissions_boundary = doc; }, "boundary " + key};
  }
  static void append(std::vector<EscalationStep>& steps, const std::optional<EscalationStep>& s) {
    if (s) steps.push_back(*s);
  }

  // ----- techniques that change a subject's policies -----
  void policy_techniques(const Subject& x, const std::optional<EscalationStep>& assume) {
    const Subject& s = *start_;
    const GainKind kind = x.role && x.arn != s.arn ? GainKind::kRole : GainKind::kPermissions;

    // Customer managed policies attached to x (directly, or through its groups).
    std::vector<std::string> policy_arns;
    std::vector<const iam::Group*> groups;
    if (x.user) {
      policy_arns = x.user->attached_policy_arns;
      for (const auto& gname : x.user->groups) {
        if (const iam::Group* gr = group_named(gname)) {
          groups.push_back(gr);
          policy_arns.insert(policy_arns.end(), gr->attached_policy_arns.begin(), gr->attached_policy_arns.end());
        }
      }
    } else if (x.role) {
      policy_arns = x.role->attached_policy_arns;
    }
    std::sort(policy_arns.begin(), policy_arns.end());
    policy_arns.erase(std::unique(policy_arns.begin(), policy_arns.end()), policy_arns.end());
    for (const auto& arn : policy_arns) {
      const iam::ManagedPolicy* mp = managed(arn);
      if (!mp || mp->aws_managed || !mp->document) continue;
      const Change rewritten = replace_policy(mp->document, allow_all_, arn);
      Check c = check(s, "iam:CreatePolicyVersion", arn);
      if (c.allowed) {
        if (auto gn = gain(x, rewritten, kind)) {
          std::vector<EscalationStep> steps{step_of(c)};
          append(steps, assume);
          emit("iam-create-policy-version", std::move(steps), *gn);
        }
      }
      Check d = check(s, "iam:SetDefaultPolicyVersion", arn);
      if (d.allowed && gain(x, rewritten, kind)) {
        std::vector<EscalationStep> steps{step_of(d)};
        append(steps, assume);
        emit("iam-set-default-policy-version", std::move(steps),
             {GainKind::kPermissions, arn,
              "whatever another version of " + arn + " grants to " + x.arn + " (at most what an allow-all version would)"},
             {"policy " + arn + " has a non-default version granting more (only the default version, " +
              (mp->default_version_id.empty() ? std::string("?") : mp->default_version_id) + ", is in the snapshot)"});
      }
    }

    // Attach a managed policy / put an inline policy.
    auto attach = [&](const char* technique, const char* action, const std::string& resource) {
      if (!check(s, action, resource).allowed) return;  // open world: not even for some policy ARN
      for (const auto& [parn, doc] : attachable()) {
        Check c = check(s, action, resource, {{"iam:PolicyARN", parn}});
        if (!c.allowed) continue;
        auto gn = gain(x, add_policy(doc, parn), kind);
        if (gn) {
          std::vector<EscalationStep> steps{step_of(c)};
          append(steps, assume);
          gn->detail += " (attaching " + parn + ")";
          emit(technique, std::move(steps), *gn);
          return;
        }
        if (parn == admin_policy_arn(s.partition)) return;  // nothing else can give more
      }
    };
    auto put = [&](const char* technique, const char* action, const std::string& resource) {
      Check c = check(s, action, resource);
      if (!c.allowed) return;
      if (auto gn = gain(x, add_policy(allow_all_, "*"), kind)) {
        std::vector<EscalationStep> steps{step_of(c)};
        append(steps, assume);
        emit(technique, std::move(steps), *gn);
      }
    };
    if (x.user) {
      attach("iam-attach-user-policy", "iam:AttachUserPolicy", x.arn);
      for (const iam::Group* gr : groups) attach("iam-attach-group-policy", "iam:AttachGroupPolicy", gr->arn);
      put("iam-put-user-policy", "iam:PutUserPolicy", x.arn);
      for (const iam::Group* gr : groups) put("iam-put-group-policy", "iam:PutGroupPolicy", gr->arn);
    } else if (x.role) {
      attach("iam-attach-role-policy", "iam:AttachRolePolicy", x.arn);
      put("iam-put-role-policy", "iam:PutRolePolicy", x.arn);
    }

    // Permissions boundaries.
    const std::string boundary = x.user ? x.user->permissions_boundary_arn : (x.role ? x.role->permissions_boundary_arn : "");
    if (!boundary.empty()) {
      const char* del_technique = x.user ? "iam-delete-user-permissions-boundary" : "iam-delete-role-permissions-boundary";
      const char* del_action = x.user ? "iam:DeleteUserPermissionsBoundary" : "iam:DeleteRolePermissionsBoundary";
      Check c = check(s, del_action, x.arn);
      if (c.allowed) {
        if (auto gn = gain(x, set_boundary(nullptr, "-"), kind)) {
          std::vector<EscalationStep> steps{step_of(c)};
          append(steps, assume);
          emit(del_technique, std::move(steps), *gn);
        }
      }
      const char* put_technique = x.user ? "iam-put-user-permissions-boundary" : "iam-put-role-permissions-boundary";
      const char* put_action = x.user ? "iam:PutUserPermissionsBoundary" : "iam:PutRolePermissionsBoundary";
      for (const auto& [parn, doc] : attachable()) {
        if (!check(s, put_action, x.arn).allowed) break;  // open world: not even for some policy ARN
        if (parn == boundary) continue;
        Check p = check(s, put_action, x.arn, {{"iam:PermissionsBoundary", parn}});
        if (!p.allowed) continue;
        auto gn = gain(x, set_boundary(doc, parn), kind);
        if (gn) {
          std::vector<EscalationStep> steps{step_of(p)};
          append(steps, assume);
          gn->detail += " (boundary " + parn + ")";
          emit(put_technique, std::move(steps), *gn);
          break;
        }
        if (parn == admin_policy_arn(s.partition)) break;
      }
    }
  }

  void add_user_to_group() {
    const Subject& s = *start_;
    for (const auto& gr : account_->iam.groups) {
      if (std::find(s.user->groups.begin(), s.user->groups.end(), gr.name) != s.user->groups.end()) continue;
      Check c = check(s, "iam:AddUserToGroup", gr.arn);
      if (!c.allowed) continue;
      std::vector<policy::PolicyPtr> docs;
      for (const auto& ip : gr.inline_policies) {
        if (ip.document) docs.push_back(ip.document);
      }
      for (const auto& arn : gr.attached_policy_arns) {
        if (const iam::ManagedPolicy* mp = managed(arn); mp && mp->document) docs.push_back(mp->document);
      }
      if (auto gn = gain(s, add_policies(docs, gr.arn), GainKind::kPermissions)) {
        gn->detail += " (as a member of " + gr.arn + ")";
        emit("iam-add-user-to-group", {step_of(c)}, *gn);
      }
    }
  }

  // ----- credentials of other users -----
  void credential_techniques() {
    const Subject& s = *start_;
    const auto report = account_->credential_report_known ? parse_credential_report(account_->credential_report_csv)
                                                          : std::unordered_map<std::string, CredentialRow>{};
    for (const auto& u : account_->iam.users) {
      if (u.arn == s.arn) continue;
      auto x = subject_of(u.arn);
      if (!x) continue;
      const CredentialRow* row = nullptr;
      if (auto it = report.find(u.arn); it != report.end()) row = &it->second;

      Check key = check(s, "iam:CreateAccessKey", u.arn);
      if (key.allowed) {
        std::vector<EscalationStep> steps;
        bool ok = true;
        if (row && row->key_slots_used >= 2) {
          Check del = check(s, "iam:DeleteAccessKey", u.arn);
          ok = del.allowed;
          if (ok) steps.push_back(step_of(del));
        }
        if (ok) {
          if (auto gn = gain(*x, {}, GainKind::kPermissions)) {
            steps.push_back(step_of(key));
            std::vector<std::string> assumptions;
            if (!row) assumptions.push_back("user " + u.arn + " has a free access key slot (no credential report row)");
            emit("iam-create-access-key", std::move(steps), *gn, std::move(assumptions));
          }
        }
      }
      // Console access: a password alone does not sign in a user that has an MFA device.
      if (row && row->mfa_active == "true") continue;
      const bool pw_known = row && (row->password_enabled == "true" || row->password_enabled == "false");
      const bool has_pw = pw_known && row->password_enabled == "true";
      for (const auto& [technique, action, wants_pw] :
           {std::tuple<const char*, const char*, bool>{"iam-create-login-profile", "iam:CreateLoginProfile", false},
            std::tuple<const char*, const char*, bool>{"iam-update-login-profile", "iam:UpdateLoginProfile", true}}) {
        if (pw_known && has_pw != wants_pw) continue;
        Check c = check(s, action, u.arn);
        if (!c.allowed) continue;
        if (auto gn = gain(*x, {}, GainKind::kPermissions)) {
          std::vector<std::string> assumptions;
          if (!pw_known) {
            assumptions.push_back("user " + u.arn + (wants_pw ? " has" : " has no") +
                                  " console password and no MFA device (not in the credential report)");
          }
          emit(technique, {step_of(c)}, *gn, std::move(assumptions));
        }
      }
    }
  }

  // ----- trust -----
  void update_assume_role_policy() {
    const Subject& s = *start_;
    const std::string trust_text = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
                                   s.arn + R"("},"Action":"sts:AssumeRole"}]})";
    const policy::PolicyPtr trust =
        policy::Policy::parse(trust_text, "trust policy as rewritten by iam:UpdateAssumeRolePolicy");
    for (const auto& r : account_->iam.roles) {
      if (r.service_linked() || r.arn == s.arn) continue;
      auto x = subject_of(r.arn);
      if (!x) continue;
      Check upd = check(s, "iam:UpdateAssumeRolePolicy", r.arn);
      if (!upd.allowed) continue;
      if (check(s, "sts:AssumeRole", r.arn).allowed) continue;  // already assumable: sts-assume-role
      Check assume = check(s, "sts:AssumeRole", r.arn, {}, [trust](eval::PolicySet& ps) { ps.resource_policy = trust; });
      if (!assume.allowed) continue;
      if (auto gn = gain(*x, {}, GainKind::kRole)) emit("iam-update-assume-role-policy", {step_of(upd), step_of(assume)}, *gn);
    }
  }

  void assume_role_chains() {
    const Subject& s = *start_;
    struct Node {
      Subject who;
      std::vector<EscalationStep> steps;
    };
    std::unordered_set<std::string> visited{s.arn};
    std::deque<Node> queue;
    queue.push_back({s, {}});
    while (!queue.empty()) {
      Node n = std::move(queue.front());
      queue.pop_front();
      if (static_cast<int>(n.steps.size()) >= kMaxRoleHops) continue;
      for (const Edge& e : edges_from(n.who)) {
        if (!visited.insert(e.to.arn).second) continue;
        Node next{e.to, n.steps};
        next.steps.push_back(e.step);
        auto gn = gain(e.to, {}, GainKind::kRole);
        if (gn) emit("sts-assume-role", next.steps, *gn);
        if (!gn || gn->kind != GainKind::kAdministrator) queue.push_back(std::move(next));
      }
    }
  }

  // ----- role assumption edges (independent of the starting principal) -----
  struct Edge {
    Subject to;
    EscalationStep step;
  };

  // The roles `from` may assume directly (sts:AssumeRole decided by the authorizer), by ARN.
  const std::vector<Edge>& edges_from(const Subject& from) {
    auto it = edges_memo_.find(from.arn);
    if (it != edges_memo_.end()) return it->second;
    std::vector<Edge> out;
    for (const iam::Role* r : g_.assumable_role_candidates(match::CallerIdentity::parse(from.caller))) {
      if (r->service_linked() || r->arn == from.arn) continue;
      Check c = check(from, "sts:AssumeRole", r->arn);
      if (!c.allowed) continue;
      if (auto x = subject_of(r->arn)) out.push_back({*x, step_of(c)});
    }
    return edges_memo_.emplace(from.arn, std::move(out)).first->second;
  }

  // Roles of `account` whose trust policy lets `service` assume them (decided by the authorizer).
  const std::vector<Subject>& trusting_roles(const std::string& service, const std::string& account) {
    const std::string key = service + "\n" + account;
    auto it = trusting_memo_.find(key);
    if (it != trusting_memo_.end()) return it->second;
    std::vector<Subject> out;
    for (const iam::Role* r : g_.assumable_role_candidates(match::CallerIdentity::parse(service))) {
      if (r->service_linked() || arn_fields(r->arn)[4] != account) continue;
      if (!check_caller(service, "sts:AssumeRole", r->arn).allowed) continue;
      if (auto x = subject_of(r->arn)) out.push_back(*x);
    }
    return trusting_memo_.emplace(key, std::move(out)).first->second;
  }

  // ----- roles a service may assume -----
  struct ServiceRole {
    Subject role;
    EscalationGain gain;
  };

  // Roles of the starting principal's account that `service` may assume (trust policy decided by the
  // authorizer) and that would give the starting principal something, best first: administrators,
  // then the others, each by ARN.
  std::vector<ServiceRole> service_roles(const std::string& service, bool needs_instance_profile) {
    const std::string key = service + (needs_instance_profile ? "+profile" : "");
    auto it = service_roles_cache_.find(key);
    if (it != service_roles_cache_.end()) return it->second;
    std::vector<ServiceRole> out;
    for (const Subject& x : trusting_roles(service, start_->account)) {
      if (x.arn == start_->arn) continue;
      if (needs_instance_profile && x.role->instance_profiles.empty()) continue;
      if (auto gn = gain(x, {}, GainKind::kRole)) out.push_back({x, *gn});
    }
    std::stable_sort(out.begin(), out.end(), [](const ServiceRole& a, const ServiceRole& b) {
      return std::make_tuple(a.gain.kind != GainKind::kAdministrator, a.role.arn) <
             std::make_tuple(b.gain.kind != GainKind::kAdministrator, b.role.arn);
    });
    service_roles_cache_[key] = out;
    return out;
  }

  struct StepTemplate {
    const char* action;
    const char* resource;  // {p} partition, {r} region, {a} account, {name} a name of the attacker's choice
    const char* context_key = nullptr;
    const char* context_value = nullptr;  // same placeholders, and {role}
  };

  std::string fill(const std::string& tmpl, const std::string& region, const std::string& name,
                   const std::string& role) const {
    std::string s = replace_all(tmpl, "{p}", start_->partition);
    s = replace_all(s, "{r}", region);
    s = replace_all(s, "{a}", start_->account);
    s = replace_all(s, "{name}", name);
    return replace_all(s, "{role}", role);
  }

  // Names the attacker may choose for a new resource: a default, and names fitting the resource
  // patterns of the starting principal's Allow statements for the technique's actions.
  std::vector<std::string> name_candidates(const std::vector<StepTemplate>& steps, const std::string& region) const {
    std::vector<std::string> names{kDefaultName};
    const Check base = check(*start_, "sts:GetCallerIdentity", "*");
    for (const auto& t : steps) {
      const std::string tmpl = fill(t.resource, region, "{name}", "");
      const std::size_t at = tmpl.find("{name}");
      if (at == std::string::npos) continue;
      const std::string prefix = tmpl.substr(0, at);
      const std::string suffix = tmpl.substr(at + 6);
      const auto tf = arn_fields(prefix + "x");
      const std::string action_lower = condition::to_lower_ascii(t.action);
      for (const auto& pol : base.ps->identity_policies) {
        for (const auto& st : pol->statements()) {
          if (st.effect != policy::Effect::kAllow || !st.matches_action(action_lower) || !st.has_resource ||
              st.not_resource) {
            continue;
          }
          for (const auto& rp : st.resources) {
            const std::string& text = rp.text();
            if (text.rfind("arn:", 0) != 0 || text.find("${") != std::string::npos) continue;
            auto f = arn_fields(text);
            if (f[0] != "arn") continue;
            if (has_wildcard(f[3])) f[3] = tf[3];
            if (has_wildcard(f[4])) f[4] = tf[4];
            std::string res = replace_all(replace_all(f[5], "*", "accessgraph"), "?", "x");
            const std::string inst = "arn:" + f[1] + ":" + f[2] + ":" + f[3] + ":" + f[4] + ":" + res;
            if (inst.rfind(prefix, 0) != 0) continue;
            std::string name = inst.substr(prefix.size());
            if (!suffix.empty()) name = name.substr(0, name.find(suffix[0]));
            if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
          }
        }
      }
    }
    return names;
  }

  struct PassRoleTechnique {
    const char* id;
    const char* service;
    std::vector<StepTemplate> steps;
    bool ec2 = false;  // the role must be in an instance profile
  };

  void passrole_techniques() {
    static const std::vector<PassRoleTechnique> kTable = {
        {"lambda-create-function-invoke", "lambda.amazonaws.com",
         {{"lambda:CreateFunction", "arn:{p}:lambda:{r}:{a}:function:{name}"},
          {"lambda:InvokeFunction", "arn:{p}:lambda:{r}:{a}:function:{name}"}}},
        {"lambda-create-function-event-source", "lambda.amazonaws.com",
         {{"lambda:CreateFunction", "arn:{p}:lambda:{r}:{a}:function:{name}"},
          {"lambda:CreateEventSourceMapping", "*", "lambda:FunctionArn", "arn:{p}:lambda:{r}:{a}:function:{name}"}}},
        {"ec2-run-instances", "ec2.amazonaws.com", {{"ec2:RunInstances", "arn:{p}:ec2:{r}:{a}:instance/*"}}, true},
        {"cloudformation-create-stack", "cloudformation.amazonaws.com",
         {{"cloudformation:CreateStack", "arn:{p}:cloudformation:{r}:{a}:stack/{name}/*", "cloudformation:RoleArn",
           "{role}"}}},
        {"glue-create-dev-endpoint", "glue.amazonaws.com", {{"glue:CreateDevEndpoint", "*"}}},
        {"datapipeline-create-pipeline", "datapipeline.amazonaws.com",
         {{"datapipeline:CreatePipeline", "*"},
          {"datapipeline:PutPipelineDefinition", "arn:{p}:datapipeline:{r}:{a}:pipeline/{name}"},
          {"datapipeline:ActivatePipeline", "arn:{p}:datapipeline:{r}:{a}:pipeline/{name}"}}},
        {"sagemaker-create-notebook", "sagemaker.amazonaws.com",
         {{"sagemaker:CreateNotebookInstance", "arn:{p}:sagemaker:{r}:{a}:notebook-instance/{name}"},
          {"sagemaker:CreatePresignedNotebookInstanceUrl", "arn:{p}:sagemaker:{r}:{a}:notebook-instance/{name}"}}},
        {"sagemaker-create-training-job", "sagemaker.amazonaws.com",
         {{"sagemaker:CreateTrainingJob", "arn:{p}:sagemaker:{r}:{a}:training-job/{name}"}}},
        {"sagemaker-create-processing-job", "sagemaker.amazonaws.com",
         {{"sagemaker:CreateProcessingJob", "arn:{p}:sagemaker:{r}:{a}:processing-job/{name}"}}},
        {"codebuild-create-project", "codebuild.amazonaws.com",
         {{"codebuild:CreateProject", "arn:{p}:codebuild:{r}:{a}:project/{name}"},
          {"codebuild:StartBuild", "arn:{p}:codebuild:{r}:{a}:project/{name}"}}},
    };
    const Subject& s = *start_;
    for (const auto& t : kTable) {
      for (const Subject& role : trusting_roles(t.service, s.account)) {
        if (role.arn == s.arn) continue;
        Check pass = check(s, "iam:PassRole", role.arn, {{"iam:PassedToService", t.service}});
        if (!pass.allowed) continue;
        std::vector<EscalationStep> profile_steps;
        if (t.ec2 && role.role->instance_profiles.empty()) {
          // No instance profile holds the role: the principal must create one.
          const std::string ip = "arn:" + s.partition + ":iam::" + s.account + ":instance-profile/" + kDefaultName;
          Check create = check(s, "iam:CreateInstanceProfile", ip);
          Check add = check(s, "iam:AddRoleToInstanceProfile", ip);
          if (!create.allowed || !add.allowed) continue;
          profile_steps = {step_of(create), step_of(add)};
        }
        bool found = false;
        for (const auto& region : regions_) {
          for (const auto& name : name_candidates(t.steps, region)) {
            std::vector<EscalationStep> steps{step_of(pass)};
            steps.insert(steps.end(), profile_steps.begin(), profile_steps.end());
            bool ok = true;
            for (const auto& st : t.steps) {
              Context ctx;
              if (st.context_key) ctx.push_back({st.context_key, fill(st.context_value, region, name, role.arn)});
              Check c = check(s, st.action, fill(st.resource, region, name, role.arn), ctx, {}, region);
              if (!c.allowed) {
                ok = false;
                break;
              }
              steps.push_back(step_of(c));
            }
            if (!ok) continue;
            if (auto gn = gain(role, {}, GainKind::kRole)) emit(t.id, std::move(steps), *gn);
            found = true;
            break;
          }
          if (found) break;
        }
      }
    }
  }

  // ----- existing resources the snapshot cannot see, and Lambda functions -----
  void existing_resource_techniques() {
    const Subject& s = *start_;
    // Lambda functions of the organization: each runs as some role of its account (not recorded).
    for (const auto& [account_id, account] : org_.accounts) {
      for (const auto& res : account.resources) {
        if (res.type != resource::ResourceType::kLambdaFunction) continue;
        if (account_id != s.account) continue;  // its role is of another account: not comparable here
        Check c = check(s, "lambda:UpdateFunctionCode", res.arn, {}, {}, res.region);
        if (!c.allowed) continue;
        const std::string known_role = execution_role_of(res);
        if (!known_role.empty()) {
          auto x = subject_of(known_role);
          if (!x) continue;
          if (auto gn = gain(*x, {}, GainKind::kRole)) emit("lambda-update-function-code", {step_of(c)}, *gn);
          continue;
        }
        const auto roles = service_roles("lambda.amazonaws.com", false);
        if (roles.empty()) continue;
        const ServiceRole& best = roles.front();
        emit("lambda-update-function-code", {step_of(c)}, best.gain,
             {"function " + res.arn + " runs as " + best.role.arn + " (the snapshot does not record its execution role; " +
              std::to_string(roles.size()) + " role(s) of the account that Lambda may assume would give more)"});
      }
    }
    struct Existing {
      const char* id;
      const char* service;
      std::vector<StepTemplate> steps;
      bool instance = false;
      const char* what;
    };
    static const std::vector<Existing> kTable = {
        {"glue-update-dev-endpoint", "glue.amazonaws.com",
         {{"glue:UpdateDevEndpoint", "arn:{p}:glue:{r}:{a}:devEndpoint/*"}}, false, "a Glue dev endpoint"},
        {"cloudformation-update-stack", "cloudformation.amazonaws.com",
         {{"cloudformation:UpdateStack", "arn:{p}:cloudformation:{r}:{a}:stack/*/*"}}, false,
         "a CloudFormation stack (as its service role)"},
        {"sagemaker-presigned-notebook-url", "sagemaker.amazonaws.com",
         {{"sagemaker:CreatePresignedNotebookInstanceUrl", "arn:{p}:sagemaker:{r}:{a}:notebook-instance/*"}}, false,
         "a SageMaker notebook instance"},
        {"ssm-send-command", "ec2.amazonaws.com",
         {{"ssm:SendCommand", "arn:{p}:ec2:{r}:{a}:instance/*"},
          {"ssm:SendCommand", "arn:{p}:ssm:{r}::document/AWS-RunShellScript"}},
         true, "an EC2 instance managed by Systems Manager"},
        {"ssm-start-session", "ec2.amazonaws.com", {{"ssm:StartSession", "arn:{p}:ec2:{r}:{a}:instance/*"}}, true,
         "an EC2 instance managed by Systems Manager"},
        {"ec2-instance-connect", "ec2.amazonaws.com",
         {{"ec2-instance-connect:SendSSHPublicKey", "arn:{p}:ec2:{r}:{a}:instance/*"}}, true,
         "an EC2 instance reachable over SSH"},
    };
    for (const auto& t : kTable) {
      for (const auto& region : regions_) {
        std::vector<EscalationStep> steps;
        bool ok = true;
        for (const auto& st : t.steps) {
          Check c = check(s, st.action, fill(st.resource, region, "", ""), {}, {}, region);
          if (!c.allowed) {
            ok = false;
            break;
          }
          steps.push_back(step_of(c));
        }
        if (!ok) continue;
        const auto roles = service_roles(t.service, t.instance);
        if (roles.empty()) break;
        const ServiceRole& best = roles.front();
        std::string runs_as = best.role.arn;
        if (t.instance) runs_as += " (instance profile " + best.role.role->instance_profiles.front() + ")";
        emit(t.id, std::move(steps), best.gain,
             {std::string(t.what) + " in " + region + " runs as " + runs_as +
              " (not in the snapshot; " + std::to_string(roles.size()) + " candidate role(s) would give more)"});
        break;
      }
    }
  }

  const AccessGraph& g_;
  const org::Organization& org_;
  policy::PolicyPtr allow_all_;
  Context base_context_;
  std::vector<std::string> regions_;
  std::unordered_map<std::string, bool> admin_cache_;
  // Independent of the starting principal (subjects as they are in the snapshot).
  std::unordered_map<std::string, bool> decision_memo_;                 // "arn\naction\nresource"
  std::unordered_map<const policy::Policy*, std::vector<Pair>> pairs_memo_;  // by document
  std::unordered_map<std::string, std::vector<Edge>> edges_memo_;       // by subject ARN
  std::unordered_map<std::string, std::vector<Subject>> trusting_memo_;  // "service\naccount"
  // Per starting principal.
  std::unordered_map<std::string, std::optional<EscalationGain>> gain_cache_;
  std::unordered_map<std::string, bool> start_actions_;  // start_may_allow
  std::shared_ptr<eval::PolicySet> start_identity_;
  std::unordered_map<std::string, std::vector<ServiceRole>> service_roles_cache_;

  // Per starting principal.
  std::vector<EscalationPath>* out_ = nullptr;
  const Subject* start_ = nullptr;
  const org::Account* account_ = nullptr;

 public:
  void reset_for_next_principal() {
    gain_cache_.clear();
    service_roles_cache_.clear();
    start_actions_.clear();
    start_identity_.reset();
    if (decision_memo_.size() > kMaxMemo) decision_memo_.clear();  // bound the memory on big organizations
  }
};

}  // namespace

std::vector<EscalationPath> escalation_paths(const AccessGraph& graph, std::optional<std::string> principal) {
  Analyzer a(graph);
  std::vector<Subject> starts;
  if (principal) {
    auto s = a.subject_of(*principal);
    if (!s) throw std::invalid_argument("not a user or role of the snapshot: " + *principal);
    starts.push_back(*s);
  } else {
    for (const auto& p : graph.principals()) {
      if (p.kind != PrincipalKind::kUser && p.kind != PrincipalKind::kRole) continue;
      if (auto s = a.subject_of(p.arn)) starts.push_back(*s);
    }
  }
  std::vector<EscalationPath> out;
  for (const auto& s : starts) {
    a.reset_for_next_principal();
    a.analyse(s, out);
  }
  std::unordered_map<std::string, std::size_t> order;
  const auto& table = escalation_techniques();
  for (std::size_t i = 0; i < table.size(); ++i) order[table[i].id] = i;
  auto key = [&order](const EscalationPath& p) {
    std::string steps;
    for (const auto& s : p.steps) steps += s.action + " " + s.resource + "\n";
    return std::make_tuple(p.principal, order[p.technique_id], p.gains.target, steps);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&key](const EscalationPath& x, const EscalationPath& y) { return key(x) < key(y); });
  return out;
}

}  // namespace accessgraph::graph
