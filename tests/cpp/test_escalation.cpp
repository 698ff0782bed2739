// Privilege-escalation paths (graph/escalation.hpp): one small snapshot per technique that must be
// found, and the false-positive traps of the BishopFox iam-vulnerable tool-testing scenarios (and
// others: boundaries, SCPs, trust, resource restrictions, conditions) that must not be.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "accessgraph/graph/escalation.hpp"
#include "accessgraph/io/snapshot.hpp"

namespace ag = accessgraph;
using nlohmann::json;
using ag::graph::EscalationPath;
using ag::graph::GainKind;

namespace {

const std::string kAcct = "111122223333";
const std::string kMgmt = "999988887777";
const std::string kManaged = ACCESSGRAPH_MANAGED_POLICIES;

std::string catalogue_path() {
  const auto slash = kManaged.rfind('/');
  return kManaged.substr(0, slash + 1) + "action-catalogue.json";
}

std::shared_ptr<const ag::iam::ActionCatalogue> catalogue() {
  static auto c = ag::iam::ActionCatalogue::load(catalogue_path());
  return c;
}

std::string arn(const std::string& kind, const std::string& name) { return "arn:aws:iam::" + kAcct + ":" + kind + "/" + name; }
std::string user_arn(const std::string& n) { return arn("user", n); }
std::string role_arn(const std::string& n) { return arn("role", n); }
std::string group_arn(const std::string& n) { return arn("group", n); }
std::string policy_arn(const std::string& n) { return arn("policy", n); }

json statement(const std::string& effect, json actions, json resources, json condition = nullptr) {
  json s = {{"Effect", effect}, {"Action", std::move(actions)}, {"Resource", std::move(resources)}};
  if (!condition.is_null()) s["Condition"] = std::move(condition);
  return s;
}
json doc(std::initializer_list<json> statements) {
  json d = {{"Version", "2012-10-17"}, {"Statement", json::array()}};
  for (const auto& s : statements) d["Statement"].push_back(s);
  return d;
}
json allow(json actions, json resources = "*", json condition = nullptr) {
  return doc({statement("Allow", std::move(actions), std::move(resources), std::move(condition))});
}
json trust_aws(const std::string& principal) {
  return doc({{{"Effect", "Allow"}, {"Principal", {{"AWS", principal}}}, {"Action", "sts:AssumeRole"}}});
}
json trust_service(json services) {
  return doc({{{"Effect", "Allow"}, {"Principal", {{"Service", std::move(services)}}}, {"Action", "sts:AssumeRole"}}});
}

std::string aws_error(const std::string& code) {
  return "An error occurred (" + code + ") when calling the Operation operation: text\n";
}

// A single-account snapshot (optionally a member account of an organization with SCPs) built
// entity by entity.
class Snap {
 public:
  Snap() {
    t_["manifest.json"] = {{"format_version", 1}, {"collected_at", "2025-06-01T00:00:00Z"}, {"partition", "aws"},
                           {"collector_account_id", kAcct}, {"regions", {"us-east-1"}}};
    json& iam = t_["accounts"][kAcct]["global"]["iam"];
    iam["get-account-authorization-details.json"] = {{"UserDetailList", json::array()},
                                                     {"GroupDetailList", json::array()},
                                                     {"RoleDetailList", json::array()},
                                                     {"Policies", json::array()}};
    iam["get-account-password-policy.error.txt"] = aws_error("NoSuchEntity");
    json& global = t_["accounts"][kAcct]["global"];
    global["s3api"]["list-buckets.json"] = {{"Buckets", json::array()}, {"Owner", {{"ID", "c0ffee"}}}};
    global["s3control"]["get-public-access-block.error.txt"] = aws_error("NoSuchPublicAccessBlockConfiguration");
    json& r = t_["accounts"][kAcct]["regions"]["us-east-1"];
    r["kms"]["list-keys.json"] = {{"Keys", json::array()}};
    r["kms"]["list-aliases.json"] = {{"Aliases", json::array()}};
    r["sqs"]["list-queues.json"] = json::object();
    r["sns"]["list-topics.json"] = {{"Topics", json::array()}};
    r["lambda"]["list-functions.json"] = {{"Functions", json::array()}};
    r["secretsmanager"]["list-secrets.json"] = {{"SecretList", json::array()}};
    r["ecr"]["describe-repositories.json"] = {{"repositories", json::array()}};
  }

  json& auth() { return t_["accounts"][kAcct]["global"]["iam"]["get-account-authorization-details.json"]; }

  // A customer managed policy; returns its ARN.
  std::string managed(const std::string& name, json document, const std::string& version = "v1") {
    auth()["Policies"].push_back({{"PolicyName", name},
                                  {"PolicyId", "ANPA" + name},
                                  {"Arn", policy_arn(name)},
                                  {"Path", "/"},
                                  {"DefaultVersionId", version},
                                  {"AttachmentCount", 1},
                                  {"PolicyVersionList",
                                   {{{"Document", std::move(document)}, {"VersionId", version}, {"IsDefaultVersion", true}}}}});
    return policy_arn(name);
  }

  Snap& user(const std::string& name, std::vector<json> inline_docs = {}, std::vector<std::string> attached = {},
             std::vector<std::string> groups = {}, const std::string& boundary = {}) {
    json u = {{"Path", "/"}, {"UserName", name}, {"UserId", "AIDA" + name}, {"Arn", user_arn(name)},
              {"UserPolicyList", policies(inline_docs, name)}, {"GroupList", groups},
              {"AttachedManagedPolicies", attachments(attached)}};
    if (!boundary.empty()) u["PermissionsBoundary"] = {{"PermissionsBoundaryType", "Policy"}, {"PermissionsBoundaryArn", boundary}};
    auth()["UserDetailList"].push_back(u);
    return *this;
  }

  Snap& group(const std::string& name, std::vector<json> inline_docs = {}, std::vector<std::string> attached = {}) {
    auth()["GroupDetailList"].push_back({{"Path", "/"}, {"GroupName", name}, {"GroupId", "AGPA" + name},
                                         {"Arn", group_arn(name)}, {"GroupPolicyList", policies(inline_docs, name)},
                                         {"AttachedManagedPolicies", attachments(attached)}});
    return *this;
  }

  Snap& role(const std::string& name, json trust, std::vector<json> inline_docs = {},
             std::vector<std::string> attached = {}, bool instance_profile = false, const std::string& boundary = {}) {
    json r = {{"Path", "/"}, {"RoleName", name}, {"RoleId", "AROA" + name}, {"Arn", role_arn(name)},
              {"AssumeRolePolicyDocument", std::move(trust)}, {"RolePolicyList", policies(inline_docs, name)},
              {"AttachedManagedPolicies", attachments(attached)}, {"InstanceProfileList", json::array()}};
    if (instance_profile) {
      r["InstanceProfileList"].push_back({{"InstanceProfileName", name + "-profile"}, {"Arn", arn("instance-profile", name + "-profile")}});
    }
    if (!boundary.empty()) r["PermissionsBoundary"] = {{"PermissionsBoundaryType", "Policy"}, {"PermissionsBoundaryArn", boundary}};
    auth()["RoleDetailList"].push_back(r);
    return *this;
  }

  // An administrator role that every service of the PassRole techniques may assume (iam-vulnerable's
  // privesc-high-priv-service-role), with an instance profile.
  Snap& service_admin_role(const std::string& name = "high-priv-service-role") {
    return role(name,
                trust_service({"ec2.amazonaws.com", "datapipeline.amazonaws.com", "cloudformation.amazonaws.com",
                               "lambda.amazonaws.com", "glue.amazonaws.com", "codebuild.amazonaws.com",
                               "sagemaker.amazonaws.com"}),
                {allow("*")}, {}, true);
  }

  Snap& lambda_function(const std::string& name) {
    json& r = t_["accounts"][kAcct]["regions"]["us-east-1"]["lambda"];
    r["list-functions.json"]["Functions"].push_back(
        {{"FunctionName", name}, {"FunctionArn", "arn:aws:lambda:us-east-1:" + kAcct + ":function:" + name}});
    r["get-policy"][name + ".error.txt"] = aws_error("ResourceNotFoundException");
    return *this;
  }

  // user,arn,...,password_enabled,...,mfa_active,access_key_1_last_rotated,access_key_2_last_rotated
  Snap& credential_report(const std::vector<std::tuple<std::string, bool, bool, int>>& rows) {
    std::string csv = "user,arn,password_enabled,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                      "access_key_2_active,access_key_2_last_rotated\n";
    for (const auto& [name, password, mfa, keys] : rows) {
      csv += name + "," + user_arn(name) + "," + (password ? "true" : "false") + "," + (mfa ? "true" : "false") + "," +
             (keys >= 1 ? "true,2025-01-01T00:00:00+00:00" : "false,N/A") + "," +
             (keys >= 2 ? "true,2025-01-01T00:00:00+00:00" : "false,N/A") + "\n";
    }
    t_["accounts"][kAcct]["global"]["iam"]["credential-report.csv"] = csv;
    return *this;
  }

  // Makes the account a member of an organization whose root carries FullAWSAccess and `scp`.
  Snap& scp(json scp_doc) {
    json& o = t_["organizations"];
    o["describe-organization.json"] = {{"Organization", {{"Id", "o-esc"}, {"MasterAccountId", kMgmt}, {"FeatureSet", "ALL"}}}};
    o["list-roots.json"] = {{"Roots",
                             {{{"Id", "r-1"},
                               {"Name", "Root"},
                               {"Arn", "arn:aws:organizations::" + kMgmt + ":root/o-esc/r-1"},
                               {"PolicyTypes", {{{"Type", "SERVICE_CONTROL_POLICY"}, {"Status", "ENABLED"}}}}}}}};
    o["list-organizational-units-for-parent"]["r-1.json"] = {{"OrganizationalUnits", json::array()}};
    o["list-accounts-for-parent"]["r-1.json"] = {{"Accounts",
                                                   {{{"Id", kAcct}, {"Name", "member"}, {"Status", "ACTIVE"}},
                                                    {{"Id", kMgmt}, {"Name", "management"}, {"Status", "ACTIVE"}}}}};
    o["list-policies"]["SERVICE_CONTROL_POLICY.json"] = {
        {"Policies",
         {{{"Id", "p-FullAWSAccess"}, {"Name", "FullAWSAccess"}, {"AwsManaged", true}},
          {{"Id", "p-guard"}, {"Name", "guardrail"}, {"AwsManaged", false}}}}};
    o["describe-policy"]["p-FullAWSAccess.json"] = {{"Policy", {{"Content", allow("*").dump()}}}};
    o["describe-policy"]["p-guard.json"] = {{"Policy", {{"Content", scp_doc.dump()}}}};
    // Every level (root and account) needs an SCP that allows.
    o["list-targets-for-policy"]["p-FullAWSAccess.json"] = {
        {"Targets", {{{"TargetId", "r-1"}, {"Type", "ROOT"}}, {{"TargetId", kAcct}, {"Type", "ACCOUNT"}}}}};
    o["list-targets-for-policy"]["p-guard.json"] = {{"Targets", {{{"TargetId", "r-1"}, {"Type", "ROOT"}}}}};
    return *this;
  }

  std::vector<EscalationPath> paths(std::optional<std::string> principal = std::nullopt) const {
    ag::io::LoadOptions opt;
    opt.managed_policies_path = kManaged;
    auto org = std::make_shared<ag::org::Organization>(ag::io::load_snapshot(*ag::io::json_tree_source(t_), opt));
    ag::graph::AccessGraph g(org, catalogue());
    return ag::graph::escalation_paths(g, std::move(principal));
  }

 private:
  static json policies(const std::vector<json>& docs, const std::string& owner) {
    json out = json::array();
    for (std::size_t i = 0; i < docs.size(); ++i) {
      out.push_back({{"PolicyName", owner + "-inline-" + std::to_string(i)}, {"PolicyDocument", docs[i]}});
    }
    return out;
  }
  static json attachments(const std::vector<std::string>& arns) {
    json out = json::array();
    for (const auto& a : arns) out.push_back({{"PolicyName", a.substr(a.rfind('/') + 1)}, {"PolicyArn", a}});
    return out;
  }
  json t_;
};

std::vector<EscalationPath> of(const std::vector<EscalationPath>& paths, const std::string& principal,
                               const std::string& technique = {}) {
  std::vector<EscalationPath> out;
  for (const auto& p : paths) {
    if (p.principal == principal && (technique.empty() || p.technique_id == technique)) out.push_back(p);
  }
  return out;
}

std::string dump(const std::vector<EscalationPath>& paths) {
  std::ostringstream os;
  for (const auto& p : paths) {
    os << p.principal << " " << p.technique_id << " -> " << ag::graph::to_string(p.gains.kind) << " " << p.gains.target
       << "\n";
    for (const auto& s : p.steps) os << "    " << s.action << " " << s.resource << "\n";
  }
  return os.str();
}

// The single path of `technique` from `principal`, checked to exist.
EscalationPath only(const std::vector<EscalationPath>& paths, const std::string& principal, const std::string& technique) {
  const auto v = of(paths, principal, technique);
  EXPECT_EQ(v.size(), 1u) << technique << " from " << principal << ":\n" << dump(paths);
  return v.empty() ? EscalationPath{} : v.front();
}

std::vector<std::string> actions_of(const EscalationPath& p) {
  std::vector<std::string> out;
  for (const auto& s : p.steps) out.push_back(s.action);
  return out;
}

const std::string kU = user_arn("attacker");

// ---------------------------------------------------------------------------------------------
// The technique table.

TEST(EscalationTechniques, TableHasStableUniqueIdsAndTheRequiredTechniques) {
  std::set<std::string> ids;
  for (const auto& t : ag::graph::escalation_techniques()) {
    EXPECT_TRUE(ids.insert(t.id).second) << t.id;
    EXPECT_FALSE(t.name.empty());
    EXPECT_FALSE(t.actions.empty());
    EXPECT_FALSE(t.resources.empty());
    EXPECT_FALSE(t.gains.empty());
  }
  for (const char* id :
       {"iam-create-policy-version", "iam-set-default-policy-version", "iam-attach-user-policy", "iam-attach-group-policy",
        "iam-attach-role-policy", "iam-put-user-policy", "iam-put-group-policy", "iam-put-role-policy",
        "iam-add-user-to-group", "iam-create-access-key", "iam-create-login-profile", "iam-update-login-profile",
        "iam-update-assume-role-policy", "lambda-create-function-invoke", "lambda-create-function-event-source",
        "ec2-run-instances", "cloudformation-create-stack", "glue-create-dev-endpoint", "glue-update-dev-endpoint",
        "lambda-update-function-code", "datapipeline-create-pipeline", "sagemaker-create-notebook", "ssm-send-command",
        "ssm-start-session", "iam-delete-role-permissions-boundary", "iam-delete-user-permissions-boundary",
        "iam-put-user-permissions-boundary", "sts-assume-role"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  EXPECT_EQ(ag::graph::find_escalation_technique("nope"), nullptr);
}

// ---------------------------------------------------------------------------------------------
// One positive scenario per technique.

TEST(EscalationFound, CreatePolicyVersionOnTheAttachedPolicy) {
  Snap s;
  const auto p = s.managed("privesc1", allow("iam:CreatePolicyVersion"));
  s.user("attacker", {}, {p});
  const auto path = only(s.paths(), kU, "iam-create-policy-version");
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
  EXPECT_EQ(path.gains.target, kU);
  ASSERT_EQ(path.steps.size(), 1u);
  EXPECT_EQ(path.steps[0].action, "iam:CreatePolicyVersion");
  EXPECT_EQ(path.steps[0].resource, p);
  ASSERT_EQ(path.steps[0].allowed_by.size(), 1u);
  EXPECT_NE(path.steps[0].allowed_by[0].find("\"privesc1\" statement #0"), std::string::npos) << path.steps[0].allowed_by[0];
  EXPECT_FALSE(path.conditional);
  EXPECT_EQ(path.technique_name, "iam:CreatePolicyVersion on an attached policy");
}

TEST(EscalationFound, SetDefaultPolicyVersionIsReportedWithItsAssumption) {
  Snap s;
  const auto p = s.managed("privesc2", allow("iam:SetDefaultPolicyVersion"), "v2");
  s.user("attacker", {}, {p});
  const auto path = only(s.paths(), kU, "iam-set-default-policy-version");
  EXPECT_EQ(path.gains.kind, GainKind::kPermissions);
  EXPECT_EQ(path.gains.target, p);
  ASSERT_EQ(path.assumptions.size(), 1u);
  EXPECT_NE(path.assumptions[0].find("v2"), std::string::npos);
}

TEST(EscalationFound, AttachUserPolicyOnOneself) {
  Snap s;
  s.user("attacker", {allow("iam:AttachUserPolicy", user_arn("attacker"))});
  const auto path = only(s.paths(), kU, "iam-attach-user-policy");
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
  EXPECT_NE(path.gains.detail.find("AdministratorAccess"), std::string::npos);
}

TEST(EscalationFound, AttachGroupPolicyOnOwnGroup) {
  Snap s;
  s.group("devs", {allow("iam:AttachGroupPolicy", group_arn("devs"))});
  s.user("attacker", {}, {}, {"devs"});
  const auto path = only(s.paths(), kU, "iam-attach-group-policy");
  EXPECT_EQ(path.steps[0].resource, group_arn("devs"));
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
}

TEST(EscalationFound, AttachRolePolicyOnItselfAndOnAnAssumableRole) {
  Snap s;
  s.role("privesc9-role", trust_aws(kU), {allow("iam:AttachRolePolicy")});
  s.user("attacker", {allow("iam:AttachRolePolicy"), allow("sts:AssumeRole", role_arn("target"))});
  s.role("target", trust_aws(kU));
  const auto paths = s.paths();
  const auto self = only(paths, role_arn("privesc9-role"), "iam-attach-role-policy");
  EXPECT_EQ(self.gains.target, role_arn("privesc9-role"));
  EXPECT_EQ(self.gains.kind, GainKind::kAdministrator);
  const auto via = of(paths, kU, "iam-attach-role-policy");
  // target (trusts the user) and privesc9-role (trusts the user too)
  ASSERT_EQ(via.size(), 2u) << dump(paths);
  for (const auto& p : via) {
    EXPECT_EQ(actions_of(p), (std::vector<std::string>{"iam:AttachRolePolicy", "sts:AssumeRole"}));
    EXPECT_EQ(p.gains.kind, GainKind::kAdministrator);
  }
}

TEST(EscalationFound, PutUserPolicyOnOneself) {
  Snap s;
  s.user("attacker", {allow("iam:PutUserPolicy", user_arn("attacker"))});
  EXPECT_EQ(only(s.paths(), kU, "iam-put-user-policy").gains.kind, GainKind::kAdministrator);
}

TEST(EscalationFound, PutGroupPolicyOnOwnGroup) {
  Snap s;
  s.group("devs", {allow("iam:PutGroupPolicy")});
  s.user("attacker", {}, {}, {"devs"});
  EXPECT_EQ(only(s.paths(), kU, "iam-put-group-policy").steps[0].resource, group_arn("devs"));
}

TEST(EscalationFound, PutRolePolicyThenAssumeRole) {
  Snap s;
  s.user("attacker", {allow({"iam:PutRolePolicy", "sts:AssumeRole"}, role_arn("target"))});
  s.role("target", trust_aws("arn:aws:iam::" + kAcct + ":root"));
  const auto path = only(s.paths(), kU, "iam-put-role-policy");
  EXPECT_EQ(actions_of(path), (std::vector<std::string>{"iam:PutRolePolicy", "sts:AssumeRole"}));
  EXPECT_EQ(path.gains.target, role_arn("target"));
}

TEST(EscalationFound, AddUserToAnAdministratorGroup) {
  Snap s;
  const auto admin = s.managed("sre-admin", allow({"iam:*", "ec2:*", "s3:*"}));
  s.group("sre", {}, {admin});
  s.group("readers", {allow("s3:GetObject")});
  s.user("attacker", {allow({"iam:AddUserToGroup", "s3:GetObject"})});  // readers gives nothing more
  const auto paths = s.paths();
  const auto path = only(paths, kU, "iam-add-user-to-group");
  EXPECT_EQ(path.steps[0].resource, group_arn("sre"));
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
}

TEST(EscalationFound, DeleteUserPermissionsBoundary) {
  Snap s;
  const auto b = s.managed("boundary", allow({"iam:DeleteUserPermissionsBoundary", "s3:GetObject"}));
  s.user("attacker", {allow("*")}, {}, {}, b);
  const auto path = only(s.paths(), kU, "iam-delete-user-permissions-boundary");
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
}

TEST(EscalationFound, DeleteRolePermissionsBoundaryOnItself) {
  Snap s;
  const auto b = s.managed("boundary", allow({"iam:DeleteRolePermissionsBoundary", "s3:GetObject"}));
  s.role("bounded", trust_aws(kU), {allow("*")}, {}, false, b);
  const auto path = only(s.paths(), role_arn("bounded"), "iam-delete-role-permissions-boundary");
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
}

TEST(EscalationFound, PutUserPermissionsBoundaryToAdministratorAccess) {
  Snap s;
  const auto b = s.managed("boundary", allow({"iam:PutUserPermissionsBoundary", "s3:GetObject"}));
  s.user("attacker", {allow("*")}, {}, {}, b);
  const auto path = only(s.paths(), kU, "iam-put-user-permissions-boundary");
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
  EXPECT_NE(path.gains.detail.find("AdministratorAccess"), std::string::npos);
}

TEST(EscalationFound, PutRolePermissionsBoundaryOnItself) {
  Snap s;
  const auto b = s.managed("boundary", allow({"iam:PutRolePermissionsBoundary", "s3:GetObject"}));
  s.role("bounded", trust_aws(kU), {allow("*")}, {}, false, b);
  EXPECT_EQ(only(s.paths(), role_arn("bounded"), "iam-put-role-permissions-boundary").gains.kind,
            GainKind::kAdministrator);
}

TEST(EscalationFound, CreateAccessKeyForAnAdministrator) {
  Snap s;
  s.user("admin", {allow("*")});
  s.user("reader", {allow("s3:GetObject")});
  s.user("attacker", {allow("iam:CreateAccessKey")});
  const auto paths = s.paths();
  const auto v = of(paths, kU, "iam-create-access-key");
  // admin (administrator) and reader (s3:GetObject the attacker lacks)
  ASSERT_EQ(v.size(), 2u) << dump(paths);
  EXPECT_EQ(v[0].gains.target, user_arn("admin"));
  EXPECT_EQ(v[0].gains.kind, GainKind::kAdministrator);
  EXPECT_EQ(v[1].gains.target, user_arn("reader"));
  EXPECT_EQ(v[1].gains.kind, GainKind::kPermissions);
  EXPECT_NE(v[1].gains.detail.find("s3:GetObject"), std::string::npos);
}

TEST(EscalationFound, CreateLoginProfileForAUserWithoutPassword) {
  Snap s;
  s.user("admin", {allow("*")});
  s.user("attacker", {allow("iam:CreateLoginProfile")});
  s.credential_report({{"admin", false, false, 0}, {"attacker", true, false, 1}});
  const auto path = only(s.paths(), kU, "iam-create-login-profile");
  EXPECT_EQ(path.gains.target, user_arn("admin"));
  EXPECT_TRUE(path.assumptions.empty());
}

TEST(EscalationFound, UpdateLoginProfileOfAUserWithPassword) {
  Snap s;
  s.user("admin", {allow("*")});
  s.user("attacker", {allow({"iam:UpdateLoginProfile", "iam:CreateLoginProfile"})});
  s.credential_report({{"admin", true, false, 0}});
  const auto paths = s.paths();
  EXPECT_EQ(only(paths, kU, "iam-update-login-profile").gains.target, user_arn("admin"));
  EXPECT_TRUE(of(paths, kU, "iam-create-login-profile").empty()) << "admin already has a password";
}

TEST(EscalationFound, LoginProfileWithoutCredentialReportStatesTheAssumption) {
  Snap s;
  s.user("admin", {allow("*")});
  s.user("attacker", {allow("iam:UpdateLoginProfile")});
  const auto path = only(s.paths(), kU, "iam-update-login-profile");
  ASSERT_EQ(path.assumptions.size(), 1u);
  EXPECT_NE(path.assumptions[0].find("credential report"), std::string::npos);
}

TEST(EscalationFound, UpdateAssumeRolePolicyThenAssumeRole) {
  Snap s;
  s.user("attacker", {allow({"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"})});
  s.role("admin-role", trust_service("ec2.amazonaws.com"), {allow("*")});
  const auto path = only(s.paths(), kU, "iam-update-assume-role-policy");
  EXPECT_EQ(actions_of(path), (std::vector<std::string>{"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"}));
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
  EXPECT_EQ(path.gains.target, role_arn("admin-role"));
  const auto& by = path.steps[1].allowed_by;
  EXPECT_TRUE(std::any_of(by.begin(), by.end(), [](const std::string& x) { return x.find("rewritten") != std::string::npos; }));
}

TEST(EscalationFound, UpdateAssumeRolePolicyNeedsNoIdentityPermissionToAssumeInTheSameAccount) {
  // The rewritten trust policy names the user: same-account, that alone allows sts:AssumeRole.
  Snap s;
  s.user("attacker", {allow("iam:UpdateAssumeRolePolicy", "arn:aws:iam::" + kAcct + ":role/*")});
  s.role("admin-role", trust_service("ec2.amazonaws.com"), {allow("*")});
  EXPECT_EQ(only(s.paths(), kU, "iam-update-assume-role-policy").gains.target, role_arn("admin-role"));
}

TEST(EscalationFound, AssumeRoleChainOfTwoHops) {
  Snap s;
  s.role("starting", trust_aws(kU));
  s.role("intermediate", trust_aws(role_arn("starting")));
  s.role("ending", trust_aws(role_arn("intermediate")), {allow("*")});
  const auto paths = s.paths();
  const auto path = only(paths, role_arn("starting"), "sts-assume-role");
  ASSERT_EQ(path.steps.size(), 2u);
  EXPECT_EQ(path.steps[0].resource, role_arn("intermediate"));
  EXPECT_EQ(path.steps[1].resource, role_arn("ending"));
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
  // intermediate gives nothing by itself: no path ends there
  for (const auto& p : paths) EXPECT_NE(p.gains.target, role_arn("intermediate")) << dump(paths);
}

TEST(EscalationFound, AssumeRoleIntoARoleWithMorePermissionsIsARoleGain) {
  Snap s;
  s.user("attacker", {allow("s3:GetObject")});
  s.role("reader", trust_aws(kU), {allow({"s3:GetObject", "s3:PutObject"})});
  const auto path = only(s.paths(), kU, "sts-assume-role");
  EXPECT_EQ(path.gains.kind, GainKind::kRole);
  EXPECT_NE(path.gains.detail.find("s3:PutObject"), std::string::npos) << path.gains.detail;
}

struct PassRoleCase {
  const char* technique;
  std::vector<std::string> actions;
  std::vector<std::string> steps;
};

class EscalationPassRole : public ::testing::TestWithParam<PassRoleCase> {};

TEST_P(EscalationPassRole, FoundWithTheAdministratorServiceRole) {
  const auto& c = GetParam();
  Snap s;
  s.service_admin_role();
  json actions = json::array();
  for (const auto& a : c.actions) actions.push_back(a);
  s.user("attacker", {allow(actions)});
  const auto path = only(s.paths(), kU, c.technique);
  EXPECT_EQ(actions_of(path), c.steps);
  EXPECT_EQ(path.steps[0].resource, role_arn("high-priv-service-role"));
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
  EXPECT_EQ(path.gains.target, role_arn("high-priv-service-role"));
}

INSTANTIATE_TEST_SUITE_P(
    Techniques, EscalationPassRole,
    ::testing::Values(
        PassRoleCase{"lambda-create-function-invoke",
                     {"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"},
                     {"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"}},
        PassRoleCase{"lambda-create-function-event-source",
                     {"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"},
                     {"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"}},
        PassRoleCase{"ec2-run-instances", {"iam:PassRole", "ec2:RunInstances"}, {"iam:PassRole", "ec2:RunInstances"}},
        PassRoleCase{"cloudformation-create-stack", {"iam:PassRole", "cloudformation:CreateStack"},
                     {"iam:PassRole", "cloudformation:CreateStack"}},
        PassRoleCase{"glue-create-dev-endpoint", {"iam:PassRole", "glue:CreateDevEndpoint"},
                     {"iam:PassRole", "glue:CreateDevEndpoint"}},
        PassRoleCase{"datapipeline-create-pipeline",
                     {"iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition",
                      "datapipeline:ActivatePipeline"},
                     {"iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition",
                      "datapipeline:ActivatePipeline"}},
        PassRoleCase{"sagemaker-create-notebook",
                     {"iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"},
                     {"iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"}},
        PassRoleCase{"sagemaker-create-training-job", {"iam:PassRole", "sagemaker:CreateTrainingJob"},
                     {"iam:PassRole", "sagemaker:CreateTrainingJob"}},
        PassRoleCase{"sagemaker-create-processing-job", {"iam:PassRole", "sagemaker:CreateProcessingJob"},
                     {"iam:PassRole", "sagemaker:CreateProcessingJob"}},
        PassRoleCase{"codebuild-create-project", {"iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"},
                     {"iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"}}),
    [](const ::testing::TestParamInfo<PassRoleCase>& i) {
      std::string n = i.param.technique;
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

TEST(EscalationFound, RunInstancesWithoutInstanceProfileNeedsToCreateOne) {
  Snap s;
  s.role("admin-ec2", trust_service("ec2.amazonaws.com"), {allow("*")}, {}, /*instance_profile=*/false);
  s.user("no-profile", {allow({"iam:PassRole", "ec2:RunInstances"})});
  s.user("creates-profile",
         {allow({"iam:PassRole", "ec2:RunInstances", "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"})});
  const auto paths = s.paths();
  EXPECT_TRUE(of(paths, user_arn("no-profile"), "ec2-run-instances").empty()) << dump(paths);
  const auto path = only(paths, user_arn("creates-profile"), "ec2-run-instances");
  EXPECT_EQ(actions_of(path), (std::vector<std::string>{"iam:PassRole", "iam:CreateInstanceProfile",
                                                         "iam:AddRoleToInstanceProfile", "ec2:RunInstances"}));
}

TEST(EscalationFound, CreateFunctionRestrictedToANamePrefixUsesAFittingName) {
  Snap s;
  s.service_admin_role();
  s.user("attacker", {allow("iam:PassRole", role_arn("high-priv-service-role")),
                      allow({"lambda:CreateFunction", "lambda:InvokeFunction"},
                            "arn:aws:lambda:us-east-1:" + kAcct + ":function:app-*")});
  const auto path = only(s.paths(), kU, "lambda-create-function-invoke");
  EXPECT_EQ(path.steps[1].resource, "arn:aws:lambda:us-east-1:" + kAcct + ":function:app-accessgraph");
}

TEST(EscalationFound, UpdateFunctionCodeOfAnExistingFunction) {
  Snap s;
  s.role("fn-admin", trust_service("lambda.amazonaws.com"), {allow("*")});
  s.lambda_function("thumb");
  s.user("attacker", {allow({"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"})});
  const auto path = only(s.paths(), kU, "lambda-update-function-code");
  EXPECT_EQ(path.steps[0].resource, "arn:aws:lambda:us-east-1:" + kAcct + ":function:thumb");
  EXPECT_EQ(path.gains.target, role_arn("fn-admin"));
  ASSERT_EQ(path.assumptions.size(), 1u);
  EXPECT_NE(path.assumptions[0].find("execution role"), std::string::npos);
}

struct ExistingCase {
  const char* technique;
  std::vector<std::string> actions;
};

class EscalationExisting : public ::testing::TestWithParam<ExistingCase> {};

TEST_P(EscalationExisting, FoundWithAnAssumption) {
  const auto& c = GetParam();
  Snap s;
  s.service_admin_role();
  json actions = json::array();
  for (const auto& a : c.actions) actions.push_back(a);
  s.user("attacker", {allow(actions)});
  const auto path = only(s.paths(), kU, c.technique);
  EXPECT_EQ(path.gains.kind, GainKind::kAdministrator);
  EXPECT_EQ(path.gains.target, role_arn("high-priv-service-role"));
  EXPECT_EQ(path.assumptions.size(), 1u);
  for (const auto& st : path.steps) EXPECT_EQ(st.action, c.actions[0]);
}

INSTANTIATE_TEST_SUITE_P(Techniques, EscalationExisting,
                         ::testing::Values(ExistingCase{"glue-update-dev-endpoint", {"glue:UpdateDevEndpoint", "glue:GetDevEndpoint"}},
                                           ExistingCase{"cloudformation-update-stack", {"cloudformation:UpdateStack"}},
                                           ExistingCase{"sagemaker-presigned-notebook-url",
                                                        {"sagemaker:CreatePresignedNotebookInstanceUrl"}},
                                           ExistingCase{"ssm-send-command", {"ssm:SendCommand"}},
                                           ExistingCase{"ssm-start-session", {"ssm:StartSession"}},
                                           ExistingCase{"ec2-instance-connect", {"ec2-instance-connect:SendSSHPublicKey"}}),
                         [](const ::testing::TestParamInfo<ExistingCase>& i) {
                           std::string n = i.param.technique;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

// ---------------------------------------------------------------------------------------------
// iam-vulnerable's false-negative tests: must be found.

TEST(EscalationFalseNegativeTraps, Fn1PassRoleAndRunInstancesInTwoPolicies) {
  Snap s;
  s.service_admin_role();
  const auto a = s.managed("fn1-partial", allow({"ec2:DescribeInstances", "ec2:RunInstances"}));
  const auto b = s.managed("fn1-passrole-star", allow("iam:PassRole"));
  s.user("attacker", {}, {a, b});
  const auto path = only(s.paths(), kU, "ec2-run-instances");
  EXPECT_NE(path.steps[0].allowed_by[0].find("fn1-passrole-star"), std::string::npos);
  EXPECT_NE(path.steps[1].allowed_by[0].find("fn1-partial"), std::string::npos);
}

TEST(EscalationFalseNegativeTraps, Fn2ExploitableResourceConstraint) {
  Snap s;
  const auto p = s.managed("fn2-exploitable", allow("iam:CreatePolicyVersion", "arn:aws:iam::*:policy/fn2-*"));
  s.user("attacker", {}, {p});
  EXPECT_EQ(only(s.paths(), kU, "iam-create-policy-version").gains.kind, GainKind::kAdministrator);
}

TEST(EscalationFalseNegativeTraps, Fn3ConditionOnTokenIssueTimeAfter2020) {
  Snap s;
  const auto p = s.managed("fn3", allow("iam:CreatePolicyVersion", "*",
                                        {{"DateGreaterThan", {{"aws:TokenIssueTime", "2020-01-01T00:00:01Z"}}}}));
  s.user("attacker", {}, {p});
  only(s.paths(), kU, "iam-create-policy-version");
}

TEST(EscalationFalseNegativeTraps, Fn4NotActionLeavesPutUserPolicy) {
  Snap s;
  s.service_admin_role();
  s.user("attacker", {doc({{{"Effect", "Allow"}, {"NotAction", {"iam:Update*", "iam:Create*", "iam:Attach*"}}, {"Resource", "*"}}})});
  const auto paths = of(s.paths(), kU);
  only(paths, kU, "iam-put-user-policy");
  only(paths, kU, "ssm-send-command");
  EXPECT_TRUE(of(paths, kU, "iam-attach-user-policy").empty());
  EXPECT_TRUE(of(paths, kU, "iam-create-access-key").empty());
}

// ---------------------------------------------------------------------------------------------
// iam-vulnerable's false-positive tests and other traps: must not be reported.

TEST(EscalationFalsePositiveTraps, Fp1AllowAndDenyInTheSamePolicy) {
  Snap s;
  s.service_admin_role();
  const auto p = s.managed("fp1", doc({statement("Allow", "iam:*", "*"), statement("Deny", "iam:*", "*")}));
  s.user("attacker", {}, {p});
  s.role("fp1-role", trust_aws(user_arn("someone-else")), {}, {p});
  const auto paths = s.paths();
  EXPECT_TRUE(of(paths, kU).empty()) << dump(paths);
  EXPECT_TRUE(of(paths, role_arn("fp1-role")).empty()) << dump(paths);
}

TEST(EscalationFalsePositiveTraps, Fp2AllowAllAndDenyAllInTwoPolicies) {
  Snap s;
  s.service_admin_role();
  const auto a = s.managed("fp2-allow-all", allow("*"));
  const auto d = s.managed("deny-all", doc({statement("Deny", "*", "*")}));
  s.user("attacker", {}, {a, d});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, Fp3DenyIam) {
  Snap s;
  s.service_admin_role();
  const auto d = s.managed("fp3-deny-iam", doc({statement("Deny", "iam:*", "*")}));
  s.user("attacker", {allow({"iam:PutUserPolicy", "iam:CreateAccessKey", "lambda:*"})}, {d});
  s.user("admin", {allow("*")});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, Fp4ResourceConstraintOnAnotherNamespace) {
  Snap s;
  const auto p = s.managed("fp4-nonexploitable", allow("iam:CreatePolicyVersion", "arn:aws:iam::aws:policy/fp4-*"));
  s.user("attacker", {}, {p});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, Fp5ConditionOnTokenIssueTimeBefore2020) {
  Snap s;
  const auto p = s.managed("fp5", allow("iam:CreatePolicyVersion", "*",
                                        {{"DateLessThan", {{"aws:TokenIssueTime", "2020-01-01T00:00:01Z"}}}}));
  s.user("attacker", {}, {p});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, PermissiveTrustIntoARoleWithNothingGainsNothing) {
  Snap s;
  s.role("permissive-role-trust", trust_aws("arn:aws:iam::" + kAcct + ":root"));
  s.user("attacker", {allow({"sts:AssumeRole", "s3:GetObject"})});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, RoleThatDoesNotTrustThePrincipal) {
  Snap s;
  s.role("admin-role", trust_aws(user_arn("someone-else")), {allow("*")});
  s.user("attacker", {allow({"sts:AssumeRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"})});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, PassRoleRestrictedToAnotherRole) {
  Snap s;
  s.service_admin_role();
  s.role("harmless", trust_service("lambda.amazonaws.com"));
  s.user("attacker", {allow({"lambda:CreateFunction", "lambda:InvokeFunction", "ec2:RunInstances"}),
                      allow("iam:PassRole", role_arn("harmless"))});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, PassRoleLimitedToAnotherServiceByCondition) {
  Snap s;
  s.service_admin_role();
  s.user("attacker", {allow({"lambda:CreateFunction", "lambda:InvokeFunction", "ec2:RunInstances"}),
                      allow("iam:PassRole", "*", {{"StringEquals", {{"iam:PassedToService", "ec2.amazonaws.com"}}}})});
  const auto paths = of(s.paths(), kU);
  EXPECT_TRUE(of(paths, kU, "lambda-create-function-invoke").empty()) << dump(paths);
  only(paths, kU, "ec2-run-instances");
}

TEST(EscalationFalsePositiveTraps, PassRoleToARoleTheServiceDoesNotTrust) {
  Snap s;
  s.role("ec2-only-admin", trust_service("ec2.amazonaws.com"), {allow("*")});
  s.user("attacker", {allow({"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"})});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, CreateFunctionWithoutAWayToRunIt) {
  Snap s;
  s.service_admin_role();
  s.user("attacker", {allow({"iam:PassRole", "lambda:CreateFunction"})});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, ActionsOnAnotherUserOnly) {
  Snap s;
  s.user("attacker", {allow({"iam:PutUserPolicy", "iam:AttachUserPolicy"}, user_arn("intern"))});
  s.user("intern");
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, BoundaryCapsWhatAnInlinePolicyCanGive) {
  Snap s;
  const auto b = s.managed("boundary", allow({"iam:PutUserPolicy", "s3:GetObject"}));
  s.user("attacker", {allow({"iam:PutUserPolicy", "s3:GetObject"})}, {}, {}, b);
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, BoundaryThatLetsMoreThroughIsAPermissionsGainNotAdministrator) {
  Snap s;
  const auto b = s.managed("boundary", allow({"iam:PutUserPolicy", "s3:*"}));
  s.user("attacker", {allow({"iam:PutUserPolicy", "s3:GetObject"})}, {}, {}, b);
  const auto path = only(s.paths(), kU, "iam-put-user-policy");
  EXPECT_EQ(path.gains.kind, GainKind::kPermissions);
  EXPECT_NE(path.gains.detail.find("s3:"), std::string::npos);
}

TEST(EscalationFalsePositiveTraps, ScpDenyingTheActionBlocksThePath) {
  Snap s;
  s.scp(doc({statement("Deny", {"iam:PutUserPolicy", "iam:CreatePolicyVersion"}, "*")}));
  const auto p = s.managed("mine", allow("iam:CreatePolicyVersion"));
  s.user("attacker", {allow("iam:PutUserPolicy")}, {p});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
  // The same organization with a guardrail on other actions: both paths.
  Snap t;
  t.scp(doc({statement("Deny", "ec2:*", "*")}));
  const auto q = t.managed("mine", allow("iam:CreatePolicyVersion"));
  t.user("attacker", {allow("iam:PutUserPolicy")}, {q});
  const auto both = of(t.paths(), kU);
  ASSERT_EQ(both.size(), 2u) << dump(both);
  // allowed_by names the granting identity policy, not the SCPs that let it through
  for (const auto& p : both) {
    ASSERT_EQ(p.steps[0].allowed_by.size(), 1u);
    EXPECT_EQ(p.steps[0].allowed_by[0].rfind("identity policy", 0), 0u) << p.steps[0].allowed_by[0];
  }
}

TEST(EscalationFalsePositiveTraps, AdministratorIsMeasuredAgainstWhatTheScpsAllow) {
  // A common guardrail: nobody in the account may create IAM users or access keys. An
  // AdministratorAccess user is still an administrator (not a starting principal), and whoever can
  // put an allow-all policy on itself becomes one.
  Snap s;
  s.scp(doc({statement("Deny", {"iam:CreateUser", "iam:CreateAccessKey"}, "*")}));
  s.user("admin", {allow("*")});
  s.user("attacker", {allow("iam:PutUserPolicy", user_arn("attacker"))});
  const auto paths = s.paths();
  EXPECT_TRUE(of(paths, user_arn("admin")).empty()) << dump(paths);
  EXPECT_EQ(only(paths, kU, "iam-put-user-policy").gains.kind, GainKind::kAdministrator);
  // ... but its own Deny of iam:CreateRole (which the SCPs allow) makes it no administrator: it is
  // analysed, and assuming a role with everything is a path.
  Snap t;
  t.scp(doc({statement("Deny", {"iam:CreateUser", "iam:CreateAccessKey"}, "*")}));
  t.user("attacker", {doc({statement("Allow", "*", "*"), statement("Deny", "iam:CreateRole", "*")})});
  t.role("full", trust_aws(kU), {allow("*")});
  const auto tp = t.paths();
  EXPECT_EQ(only(tp, kU, "sts-assume-role").gains.kind, GainKind::kAdministrator);
  EXPECT_TRUE(of(tp, kU, "iam-put-user-policy").empty()) << "the Deny stays: nothing new" << dump(tp);
}

TEST(EscalationFalsePositiveTraps, AccessKeyWhenBothSlotsAreUsed) {
  Snap s;
  s.user("admin", {allow("*")});
  s.user("attacker", {allow("iam:CreateAccessKey")});
  s.user("deleter", {allow({"iam:CreateAccessKey", "iam:DeleteAccessKey"})});
  s.credential_report({{"admin", false, false, 2}});
  const auto paths = s.paths();
  for (const auto& p : of(paths, kU, "iam-create-access-key")) EXPECT_NE(p.gains.target, user_arn("admin")) << dump(paths);
  const auto path = only(paths, user_arn("deleter"), "iam-create-access-key");
  EXPECT_EQ(actions_of(path), (std::vector<std::string>{"iam:DeleteAccessKey", "iam:CreateAccessKey"}));
}

TEST(EscalationFalsePositiveTraps, LoginProfileOfAUserWithMfa) {
  Snap s;
  s.user("admin", {allow("*")});
  s.user("attacker", {allow({"iam:CreateLoginProfile", "iam:UpdateLoginProfile"})});
  s.credential_report({{"admin", true, true, 0}});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

TEST(EscalationFalsePositiveTraps, AdministratorsAreNotStartingPrincipals) {
  Snap s;
  s.user("admin", {allow("*")});
  s.user("attacker", {allow("iam:CreateAccessKey")});
  const auto paths = s.paths();
  EXPECT_TRUE(of(paths, user_arn("admin")).empty()) << dump(paths);
  EXPECT_TRUE(s.paths(user_arn("admin")).empty());
}

TEST(EscalationFalsePositiveTraps, SsmWithoutAnInstanceProfileRole) {
  Snap s;
  s.role("admin-ec2", trust_service("ec2.amazonaws.com"), {allow("*")}, {}, /*instance_profile=*/false);
  s.user("attacker", {allow("ssm:SendCommand")});
  EXPECT_TRUE(of(s.paths(), kU).empty()) << dump(s.paths());
}

// ---------------------------------------------------------------------------------------------
// Conditions and the query itself.

TEST(EscalationConditions, UnknownConditionsAreAssumedAndReported) {
  Snap s;
  s.user("attacker", {allow("iam:PutUserPolicy", user_arn("attacker"), {{"Bool", {{"aws:MultiFactorAuthPresent", "true"}}}})});
  const auto path = only(s.paths(), kU, "iam-put-user-policy");
  EXPECT_TRUE(path.conditional);
  ASSERT_EQ(path.steps[0].conditions.size(), 1u);
  EXPECT_NE(path.steps[0].conditions[0].find("aws:MultiFactorAuthPresent"), std::string::npos);
}

TEST(EscalationConditions, ConditionalDenyIsReportedAsUnless) {
  Snap s;
  s.user("attacker", {doc({statement("Allow", "iam:PutUserPolicy", user_arn("attacker")),
                           statement("Deny", "*", "*", {{"BoolIfExists", {{"aws:MultiFactorAuthPresent", "false"}}}})})});
  const auto path = only(s.paths(), kU, "iam-put-user-policy");
  EXPECT_TRUE(path.conditional);
  EXPECT_FALSE(path.steps[0].unless.empty());
}

TEST(EscalationQuery, PrincipalFilterAndSessionArns) {
  Snap s;
  s.user("attacker", {allow("iam:PutUserPolicy", user_arn("attacker"))});
  s.role("self-putter", trust_aws(kU), {allow("iam:PutRolePolicy", role_arn("self-putter"))});
  const auto all = s.paths();
  EXPECT_EQ(of(all, kU).size(), s.paths(kU).size());
  const auto r = s.paths("arn:aws:sts::" + kAcct + ":assumed-role/self-putter/sess");
  ASSERT_EQ(r.size(), 1u) << dump(r);
  EXPECT_EQ(r[0].principal, role_arn("self-putter"));
  EXPECT_EQ(r[0].technique_id, "iam-put-role-policy");
  EXPECT_THROW(s.paths(user_arn("nobody")), std::invalid_argument);
}

TEST(EscalationQuery, OrderIsDeterministicByPrincipalThenTechnique) {
  Snap s;
  s.service_admin_role();
  s.user("b-user", {allow({"iam:PutUserPolicy", "iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"})});
  s.user("a-user", {allow({"iam:CreateAccessKey", "iam:AttachUserPolicy"})});
  s.user("admin", {allow("*")});
  const auto first = s.paths();
  const auto second = s.paths();
  EXPECT_EQ(dump(first), dump(second));
  ASSERT_GE(first.size(), 4u);
  const auto& table = ag::graph::escalation_techniques();
  auto index = [&](const std::string& id) {
    return std::find_if(table.begin(), table.end(), [&](const auto& t) { return t.id == id; }) - table.begin();
  };
  for (std::size_t i = 1; i < first.size(); ++i) {
    const auto& a = first[i - 1];
    const auto& b = first[i];
    EXPECT_TRUE(a.principal < b.principal || (a.principal == b.principal && index(a.technique_id) <= index(b.technique_id)))
        << dump(first);
  }
  EXPECT_EQ(first.front().principal, user_arn("a-user"));
}

}  // namespace
