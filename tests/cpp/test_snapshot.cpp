// The snapshot loader (io/snapshot.hpp) against shared/snapshot/LAYOUT.md: the two worked scenarios
// (copies under tests/data/findings), the directory and JSON-tree sources agreeing, every problem
// code on small hand-made bad snapshots, robustness on mangled input, and scaling.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "accessgraph/io/snapshot.hpp"

namespace ag = accessgraph;
namespace fs = std::filesystem;
using nlohmann::json;
using ag::io::Severity;
using ag::resource::Known;
using ag::resource::ResourceType;

namespace {

const std::string kData = ACCESSGRAPH_TEST_DATA;
const std::string kP1 = kData + "/findings/p1/snapshot";
const std::string kP2 = kData + "/findings/p2/snapshot";

ag::org::Organization load_dir(const std::string& root, const std::string& managed = {}) {
  ag::io::LoadOptions opt;
  opt.managed_policies_path = managed;
  return ag::io::load_snapshot(*ag::io::directory_source(root), opt);
}

ag::org::Organization load_tree(json tree, const std::string& managed = {}) {
  ag::io::LoadOptions opt;
  opt.managed_policies_path = managed;
  return ag::io::load_snapshot(*ag::io::json_tree_source(std::move(tree)), opt);
}

std::string problems_text(const ag::org::Organization& o) {
  std::ostringstream os;
  for (const auto& p : o.problems) {
    os << (p.severity == Severity::kError ? "E " : "W ") << p.code << " " << p.file << " " << p.json_pointer << ": "
       << p.message << "\n";
  }
  return os.str();
}

std::vector<ag::io::Problem> with_code(const ag::org::Organization& o, const std::string& code) {
  std::vector<ag::io::Problem> out;
  for (const auto& p : o.problems) {
    if (p.code == code) out.push_back(p);
  }
  return out;
}

int errors(const ag::org::Organization& o) {
  int n = 0;
  for (const auto& p : o.problems) n += p.severity == Severity::kError;
  return n;
}

std::map<ResourceType, int> resource_counts(const ag::org::Organization& o) {
  std::map<ResourceType, int> out;
  for (const auto& [id, a] : o.accounts) {
    for (const auto& r : a.resources) ++out[r.type];
  }
  return out;
}

const ag::resource::Resource* find_resource(const ag::org::Organization& o, const std::string& arn) {
  for (const auto& [id, a] : o.accounts) {
    for (const auto& r : a.resources) {
      if (r.arn == arn) return &r;
    }
  }
  return nullptr;
}

// Reads a snapshot directory into the JSON tree json_tree_source takes (boto3-shaped dicts).
json tree_of(const fs::path& dir) {
  json out = json::object();
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory()) {
      out[name] = tree_of(e.path());
      continue;
    }
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) {
      out[name] = text.find_first_not_of(" \t\r\n") == std::string::npos ? json::object() : json::parse(text);
    } else {
      out[name] = text;
    }
  }
  return out;
}

json policy_summary(const ag::policy::PolicyPtr& p) {
  if (!p) return nullptr;
  json st = json::array();
  for (const auto& s : p->statements()) {
    st.push_back({s.json_pointer, s.sid, ag::policy::to_string(s.effect), s.actions.size(), s.resources.size()});
  }
  return {{"name", p->name()}, {"id", p->id()}, {"statements", st}};
}

// Everything the loader fills, as JSON, to compare two loads.
json summary(const ag::org::Organization& o) {
  json j;
  j["org"] = {o.id, o.management_account_id, o.root_id, o.collected_at, o.partition, o.collector_account_id,
              o.scp_enabled, o.rcp_enabled, o.regions};
  for (const auto& [id, u] : o.units) {
    j["units"][id] = {u.name, u.arn, u.parent_id, u.child_units, u.accounts, u.scp_ids, u.rcp_ids};
  }
  for (const auto& [id, p] : o.policies) {
    j["policies"][id] = {p.name, p.arn, static_cast<int>(p.type), p.aws_managed, policy_summary(p.document)};
  }
  for (const auto& [id, a] : o.accounts) {
    json& aj = j["accounts"][id];
    aj["meta"] = {a.name, a.email, a.status, a.arn, a.parent_id, a.scp_ids, a.rcp_ids};
    const auto& pp = a.password_policy;
    aj["password"] = {pp.known, pp.exists, pp.minimum_length, pp.reuse_prevention, pp.require_symbols,
                      pp.require_numbers, pp.require_uppercase, pp.require_lowercase, pp.expire_passwords, pp.max_age_days};
    aj["summary"] = {a.account_summary_known, a.account_summary};
    aj["report"] = {a.credential_report_known, a.credential_report_csv, a.root_mfa_serial, a.virtual_mfa_known,
                    a.server_certificates_known, a.access_analyzers, a.access_analyzers_known};
    const auto& b = a.block_public_access;
    aj["bpa"] = {b.block_public_acls, b.ignore_public_acls, b.block_public_policy, b.restrict_public_buckets,
                 static_cast<int>(b.known)};
    aj["iam_collected"] = a.iam.collected;
    auto principal = [](const ag::iam::Principal& p) {
      json inl = json::array();
      for (const auto& ip : p.inline_policies) inl.push_back({ip.name, policy_summary(ip.document)});
      json tags = json::array();
      for (const auto& t : p.tags) tags.push_back({t.key, t.value});
      return json{p.name, p.arn, p.id, p.path, p.create_date, inl, p.attached_policy_arns, p.permissions_boundary_arn, tags};
    };
    for (const auto& u : a.iam.users) aj["users"].push_back({principal(u), u.groups});
    for (const auto& r : a.iam.roles) {
      aj["roles"].push_back({principal(r), policy_summary(r.trust_policy), r.instance_profiles, r.last_used_date, r.last_used_known});
    }
    for (const auto& g : a.iam.groups) {
      json inl = json::array();
      for (const auto& ip : g.inline_policies) inl.push_back({ip.name, policy_summary(ip.document)});
      aj["groups"].push_back({g.name, g.arn, g.id, g.path, inl, g.attached_policy_arns});
    }
    for (const auto& [arn, mp] : a.iam.managed_policies) {
      aj["managed"][arn] = {mp.name, mp.id, mp.path, mp.default_version_id, mp.attachment_count, mp.aws_managed,
                            mp.from_bundled_data, policy_summary(mp.document)};
    }
    for (const auto& r : a.resources) {
      json acl = json::array();
      for (const auto& g : r.acl) acl.push_back({g.grantee_type, g.grantee, g.permission});
      json grants = json::array();
      for (const auto& g : r.grants) grants.push_back({g.grant_id, g.name, g.grantee_principal, g.retiring_principal, g.operations, g.has_constraints});
      const auto& rb = r.block_public_access;
      aj["resources"].push_back({ag::resource::to_string(r.type), r.arn, r.name, r.account, r.region,
                                 policy_summary(r.policy), static_cast<int>(r.policy_known), r.policy_error, acl,
                                 static_cast<int>(r.acl_known), r.owner_canonical_id,
                                 json{rb.block_public_acls, rb.ignore_public_acls, rb.block_public_policy,
                                      rb.restrict_public_buckets, static_cast<int>(rb.known)},
                                 r.object_ownership, grants, static_cast<int>(r.grants_known), r.key_manager, r.aliases});
    }
  }
  for (const auto& p : o.problems) {
    j["problems"].push_back({p.code, p.file, p.json_pointer, p.message, static_cast<int>(p.severity)});
  }
  return j;
}

// ---- a small valid single-account snapshot to break in one place per test

const std::string kAcct = "111122223333";
const std::string kAcctDir = "accounts/111122223333/";
const std::string kIam = kAcctDir + "global/iam/";
const std::string kS3 = kAcctDir + "global/s3api/";
const std::string kRegion = kAcctDir + "regions/us-east-1/";

std::string aws_error(const std::string& code) {
  return "An error occurred (" + code + ") when calling the Operation operation: text\n";
}

json allow_all() {
  return {{"Version", "2012-10-17"}, {"Statement", {{{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}}};
}

json minimal() {
  json t;
  t["manifest.json"] = {{"format_version", 1}, {"collected_at", "2025-01-01T00:00:00Z"}, {"partition", "aws"},
                        {"collector_account_id", kAcct}, {"regions", {"us-east-1"}}};
  json& iam = t["accounts"][kAcct]["global"]["iam"];
  iam["get-account-authorization-details.json"] = {{"UserDetailList", json::array()},
                                                   {"GroupDetailList", json::array()},
                                                   {"RoleDetailList", json::array()},
                                                   {"Policies", json::array()}};
  iam["get-account-summary.json"] = {{"SummaryMap", {{"Users", 0}}}};
  iam["credential-report.csv"] = "user,arn\n";
  iam["get-account-password-policy.error.txt"] = aws_error("NoSuchEntity");
  json& global = t["accounts"][kAcct]["global"];
  global["s3api"]["list-buckets.json"] = {{"Buckets", json::array()}, {"Owner", {{"ID", "c0ffee"}}}};
  global["s3control"]["get-public-access-block.error.txt"] = aws_error("NoSuchPublicAccessBlockConfiguration");
  json& r = t["accounts"][kAcct]["regions"]["us-east-1"];
  r["kms"]["list-keys.json"] = {{"Keys", json::array()}};
  r["kms"]["list-aliases.json"] = {{"Aliases", json::array()}};
  r["sqs"]["list-queues.json"] = "";  // the CLI prints nothing for no queue
  r["sns"]["list-topics.json"] = {{"Topics", json::array()}};
  r["lambda"]["list-functions.json"] = {{"Functions", json::array()}};
  r["secretsmanager"]["list-secrets.json"] = {{"SecretList", json::array()}};
  r["ecr"]["describe-repositories.json"] = {{"repositories", json::array()}};
  return t;
}

// The node at a '/'-separated path (created when absent).
json& at(json& tree, const std::string& path) {
  json* cur = &tree;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    cur = &(*cur)[path.substr(start, slash - start)];
    start = slash + 1;
  }
  return *cur;
}
void erase(json& tree, const std::string& path) {
  const auto slash = path.rfind('/');
  json& parent = slash == std::string::npos ? tree : at(tree, path.substr(0, slash));
  parent.erase(slash == std::string::npos ? path : path.substr(slash + 1));
}

// One bucket with every per-bucket file.
void add_bucket(json& t, const std::string& name, json policy = allow_all()) {
  at(t, kS3 + "list-buckets.json")["Buckets"].push_back({{"Name", name}, {"CreationDate", "2024-01-01T00:00:00.000Z"}});
  at(t, kS3 + "get-bucket-policy/" + name + ".json") = {{"Policy", policy.is_string() ? policy : json(policy.dump())}};
  at(t, kS3 + "get-bucket-acl/" + name + ".json") = {
      {"Owner", {{"ID", "c0ffee"}}},
      {"Grants", {{{"Grantee", {{"ID", "c0ffee"}, {"Type", "CanonicalUser"}}}, {"Permission", "FULL_CONTROL"}}}}};
  at(t, kS3 + "get-public-access-block/" + name + ".error.txt") = aws_error("NoSuchPublicAccessBlockConfiguration");
  at(t, kS3 + "get-bucket-ownership-controls/" + name + ".error.txt") = aws_error("OwnershipControlsNotFoundError");
  at(t, kS3 + "get-bucket-location/" + name + ".json") = {{"LocationConstraint", nullptr}};
}

json user(const std::string& name, json inline_doc = nullptr) {
  json u = {{"Path", "/"}, {"UserName", name}, {"UserId", "AIDA" + name}, {"Arn", "arn:aws:iam::" + kAcct + ":user/" + name},
            {"CreateDate", "2022-02-01T09:00:00Z"}, {"UserPolicyList", json::array()}, {"GroupList", json::array()},
            {"AttachedManagedPolicies", json::array()}, {"Tags", json::array()}};
  if (!inline_doc.is_null()) u["UserPolicyList"].push_back({{"PolicyName", "inline"}, {"PolicyDocument", inline_doc}});
  return u;
}

json& aad(json& t) { return at(t, kIam + "get-account-authorization-details.json"); }

// The minimal snapshot inside an organization: root r-1 -> the account; FullAWSAccess on the root.
json minimal_org() {
  json t = minimal();
  json& o = t["organizations"];
  o["describe-organization.json"] = {{"Organization", {{"Id", "o-abc"}, {"MasterAccountId", kAcct}, {"FeatureSet", "ALL"}}}};
  o["list-roots.json"] = {{"Roots",
                           {{{"Id", "r-1"},
                             {"Name", "Root"},
                             {"Arn", "arn:aws:organizations::" + kAcct + ":root/o-abc/r-1"},
                             {"PolicyTypes", {{{"Type", "SERVICE_CONTROL_POLICY"}, {"Status", "ENABLED"}}}}}}}};
  o["list-organizational-units-for-parent"]["r-1.json"] = {{"OrganizationalUnits", json::array()}};
  o["list-accounts-for-parent"]["r-1.json"] = {{"Accounts", {{{"Id", kAcct}, {"Name", "one"}, {"Status", "ACTIVE"}}}}};
  o["list-policies"]["SERVICE_CONTROL_POLICY.json"] = {
      {"Policies", {{{"Id", "p-FullAWSAccess"}, {"Name", "FullAWSAccess"}, {"AwsManaged", true}}}}};
  o["describe-policy"]["p-FullAWSAccess.json"] = {{"Policy", {{"Content", allow_all().dump()}}}};
  o["list-targets-for-policy"]["p-FullAWSAccess.json"] = {{"Targets", {{{"TargetId", "r-1"}, {"Type", "ROOT"}}}}};
  return t;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The worked scenarios (counts from the files: see tests/data/findings/p*/snapshot)

TEST(SnapshotScenario, P1LoadsEveryAccountUnitPolicyAndResource) {
  const auto o = load_dir(kP1);
  EXPECT_EQ(errors(o), 0) << problems_text(o);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  EXPECT_EQ(o.id, "o-lk7fr31ght");
  EXPECT_EQ(o.management_account_id, "610794352810");
  EXPECT_EQ(o.collector_account_id, "610794352810");
  EXPECT_EQ(o.root_id, "r-lk7f");
  EXPECT_EQ(o.collected_at, "2025-11-18T06:12:00Z");
  EXPECT_EQ(o.partition, "aws");
  EXPECT_TRUE(o.scp_enabled);
  EXPECT_FALSE(o.rcp_enabled);
  EXPECT_EQ(o.regions, (std::vector<std::string>{"us-east-1", "us-west-2"}));
  EXPECT_EQ(o.units.size(), 3u);
  EXPECT_EQ(o.policies.size(), 3u);
  ASSERT_EQ(o.accounts.size(), 4u);
  for (const auto& [id, p] : o.policies) EXPECT_TRUE(p.document) << id;

  // Users, groups, roles, managed policies per account (larkspur-shipping's are in three pages).
  const std::map<std::string, std::array<std::size_t, 4>> iam = {{"610794352810", {1, 0, 2, 3}},
                                                                  {"702918364557", {3, 1, 5, 5}},
                                                                  {"813027475668", {1, 0, 2, 2}},
                                                                  {"924136586779", {1, 0, 3, 3}}};
  for (const auto& [id, n] : iam) {
    const auto& a = o.accounts.at(id);
    EXPECT_TRUE(a.iam.collected) << id;
    EXPECT_EQ(a.iam.users.size(), n[0]) << id;
    EXPECT_EQ(a.iam.groups.size(), n[1]) << id;
    EXPECT_EQ(a.iam.roles.size(), n[2]) << id;
    EXPECT_EQ(a.iam.managed_policies.size(), n[3]) << id;
    for (const auto& r : a.iam.roles) EXPECT_TRUE(r.trust_policy) << r.arn;
    for (const auto& [arn, mp] : a.iam.managed_policies) EXPECT_TRUE(mp.document) << arn;
    EXPECT_TRUE(a.account_summary_known);
    EXPECT_TRUE(a.credential_report_known);
    EXPECT_TRUE(a.password_policy.known);
  }
  const auto counts = resource_counts(o);
  EXPECT_EQ(counts.at(ResourceType::kS3Bucket), 10);
  EXPECT_EQ(counts.at(ResourceType::kKmsKey), 3);
  EXPECT_EQ(counts.at(ResourceType::kSqsQueue), 4);
  EXPECT_EQ(counts.at(ResourceType::kSnsTopic), 2);
  EXPECT_EQ(counts.at(ResourceType::kLambdaFunction), 2);
  EXPECT_EQ(counts.at(ResourceType::kSecret), 1);
  EXPECT_EQ(counts.at(ResourceType::kEcrRepository), 1);

  // Tree and attachments.
  EXPECT_EQ(o.units.at("r-lk7f").child_units, (std::vector<std::string>{"ou-lk7f-c0r3h8v2", "ou-lk7f-cu5t0m3r"}));
  EXPECT_EQ(o.units.at("r-lk7f").scp_ids, (std::vector<std::string>{"p-FullAWSAccess", "p-pr0t3ctsec"}));
  EXPECT_EQ(o.units.at("ou-lk7f-c0r3h8v2").scp_ids, (std::vector<std::string>{"p-FullAWSAccess", "p-c0r3n01am"}));
  EXPECT_EQ(o.accounts.at("702918364557").parent_id, "ou-lk7f-c0r3h8v2");
  EXPECT_EQ(o.accounts.at("702918364557").name, "larkspur-shipping");
  EXPECT_EQ(o.org_path_of("813027475668"), "o-lk7fr31ght/r-lk7f/ou-lk7f-cu5t0m3r/");

  // Traps: escaped file names, a bucket in us-west-2, the LogDelivery ACL, account vs bucket BPA.
  const auto* secret = find_resource(o, "arn:aws:secretsmanager:us-east-1:702918364557:secret:integrations/warehouse-db-VNRFLm");
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->policy_known, Known::kYes);
  EXPECT_TRUE(secret->policy);
  const auto* repo = find_resource(o, "arn:aws:ecr:us-east-1:702918364557:repository/tools/label-renderer");
  ASSERT_TRUE(repo);
  EXPECT_EQ(repo->policy_known, Known::kYes);
  const auto* uploads = find_resource(o, "arn:aws:s3:::larkspur-ship-label-uploads");
  ASSERT_TRUE(uploads);
  EXPECT_EQ(uploads->region, "us-west-2");
  EXPECT_EQ(uploads->block_public_access.known, Known::kAbsent);
  const auto* logs = find_resource(o, "arn:aws:s3:::larkspur-ship-access-logs");
  ASSERT_TRUE(logs);
  EXPECT_EQ(logs->policy_known, Known::kAbsent);
  EXPECT_EQ(logs->object_ownership, "ObjectWriter");
  ASSERT_EQ(logs->acl.size(), 3u);
  EXPECT_EQ(logs->acl[1].grantee, "http://acs.amazonaws.com/groups/s3/LogDelivery");
  EXPECT_EQ(logs->acl[1].permission, "WRITE");
  const auto* site = find_resource(o, "arn:aws:s3:::larkspur-ship-tracking-site");
  ASSERT_TRUE(site);
  EXPECT_EQ(site->block_public_access.known, Known::kYes);
  EXPECT_TRUE(site->block_public_access.restrict_public_buckets);
  EXPECT_FALSE(site->block_public_access.block_public_policy);
  EXPECT_EQ(o.accounts.at("610794352810").block_public_access.known, Known::kYes);
  EXPECT_EQ(o.accounts.at("702918364557").block_public_access.known, Known::kAbsent);
  const auto* ebs = find_resource(o, "arn:aws:kms:us-west-2:702918364557:key/02d50547-a95e-493d-a675-6740f226e72e");
  ASSERT_TRUE(ebs);
  EXPECT_EQ(ebs->grants_known, Known::kYes);
  EXPECT_EQ(ebs->grants.size(), 3u);
  EXPECT_EQ(ebs->key_manager, "CUSTOMER");
  EXPECT_EQ(ebs->grants[0].grantee_principal, "arn:aws:iam::385016294731:root");
  // The empty `sqs list-queues` file is {}: no queue, no problem.
  for (const auto& r : o.accounts.at("813027475668").resources) {
    if (r.type == ResourceType::kSqsQueue) EXPECT_EQ(r.region, "us-west-2");
  }
  const auto* dlq = find_resource(o, "arn:aws:sqs:us-west-2:813027475668:portal-west-dlq");
  ASSERT_TRUE(dlq);
  EXPECT_EQ(dlq->policy_known, Known::kAbsent);  // no Policy attribute
  // Password policy absent (NoSuchEntity) in the member accounts.
  EXPECT_TRUE(o.accounts.at("702918364557").password_policy.known);
  EXPECT_FALSE(o.accounts.at("702918364557").password_policy.exists);
}

TEST(SnapshotScenario, P2LoadsRcpsNestedOusUrlEncodedDocumentsAndPages) {
  const auto o = load_dir(kP2);
  EXPECT_EQ(errors(o), 0) << problems_text(o);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  EXPECT_EQ(o.id, "o-m3r1d1anhx");
  EXPECT_EQ(o.management_account_id, "283746519203");
  EXPECT_EQ(o.root_id, "r-m3rd");
  EXPECT_TRUE(o.scp_enabled);
  EXPECT_TRUE(o.rcp_enabled);
  EXPECT_EQ(o.regions, (std::vector<std::string>{"us-east-1", "eu-central-1"}));
  EXPECT_EQ(o.units.size(), 4u);
  EXPECT_EQ(o.policies.size(), 6u);
  ASSERT_EQ(o.accounts.size(), 5u);
  int rcps = 0;
  for (const auto& [id, p] : o.policies) {
    EXPECT_TRUE(p.document) << id;
    rcps += p.type == ag::org::OrgPolicyType::kResourceControlPolicy;
  }
  EXPECT_EQ(rcps, 4);
  const std::map<std::string, std::array<std::size_t, 4>> iam = {{"283746519203", {1, 0, 2, 3}},
                                                                  {"394857620314", {1, 0, 3, 3}},
                                                                  {"405968731425", {1, 1, 3, 3}},
                                                                  {"516079842536", {2, 0, 3, 4}},
                                                                  {"627180953647", {0, 0, 2, 2}}};
  for (const auto& [id, n] : iam) {
    const auto& a = o.accounts.at(id);
    EXPECT_EQ(a.iam.users.size(), n[0]) << id;
    EXPECT_EQ(a.iam.groups.size(), n[1]) << id;
    EXPECT_EQ(a.iam.roles.size(), n[2]) << id;
    EXPECT_EQ(a.iam.managed_policies.size(), n[3]) << id;
    // meridian-platform's documents are URL-encoded strings.
    for (const auto& r : a.iam.roles) EXPECT_TRUE(r.trust_policy) << r.arn;
    for (const auto& u : a.iam.users) {
      for (const auto& ip : u.inline_policies) EXPECT_TRUE(ip.document) << u.arn;
    }
    for (const auto& [arn, mp] : a.iam.managed_policies) EXPECT_TRUE(mp.document) << arn;
  }
  const auto counts = resource_counts(o);
  EXPECT_EQ(counts.at(ResourceType::kS3Bucket), 6);
  EXPECT_EQ(counts.at(ResourceType::kKmsKey), 5);
  EXPECT_EQ(counts.at(ResourceType::kSqsQueue), 1);
  EXPECT_EQ(counts.at(ResourceType::kSnsTopic), 3);
  EXPECT_EQ(counts.at(ResourceType::kLambdaFunction), 2);
  EXPECT_EQ(counts.at(ResourceType::kSecret), 2);
  EXPECT_EQ(counts.at(ResourceType::kEcrRepository), 1);

  EXPECT_EQ(o.units.at("ou-m3rd-sh4r3d9x").parent_id, "ou-m3rd-p14tf0rm");
  EXPECT_EQ(o.units.at("r-m3rd").rcp_ids, (std::vector<std::string>{"p-RCPFullAWSAccess", "p-st5org0nly"}));
  EXPECT_EQ(o.units.at("ou-m3rd-cl1n1c4l").rcp_ids, (std::vector<std::string>{"p-RCPFullAWSAccess", "p-cl1nper1m"}));
  EXPECT_EQ(o.accounts.at("627180953647").scp_ids, (std::vector<std::string>{"p-FullAWSAccess", "p-sbxn0s3aa"}));
  EXPECT_EQ(o.path_of("516079842536"), (std::vector<std::string>{"r-m3rd", "ou-m3rd-p14tf0rm", "ou-m3rd-sh4r3d9x"}));
  EXPECT_EQ(o.rcp_levels("516079842536").size(), 4u);
  EXPECT_TRUE(o.rcp_levels("283746519203").empty());  // the management account

  const auto* ldap = find_resource(o, "arn:aws:secretsmanager:us-east-1:516079842536:secret:shared/ldap-bind+svc-" +
                                          std::string());
  (void)ldap;  // the suffix is random: look the secret up by name
  bool found_ldap = false, found_python = false;
  for (const auto& r : o.accounts.at("516079842536").resources) {
    if (r.name == "shared/ldap-bind+svc") {
      found_ldap = true;
      EXPECT_EQ(r.policy_known, Known::kYes);
    }
  }
  for (const auto& r : o.accounts.at("405968731425").resources) {
    if (r.name == "platform/base-python") {
      found_python = true;
      EXPECT_EQ(r.policy_known, Known::kYes);
      EXPECT_EQ(r.arn, "arn:aws:ecr:us-east-1:405968731425:repository/platform/base-python");
    }
  }
  EXPECT_TRUE(found_ldap);
  EXPECT_TRUE(found_python);
  for (const auto& [id, a] : o.accounts) {
    for (const auto& r : a.resources) {
      if (r.type == ResourceType::kKmsKey) {
        EXPECT_EQ(r.arn, "arn:aws:kms:" + r.region + ":" + id + ":key/" + r.name);
      }
    }
  }
}

TEST(SnapshotScenario, DirectoryAndJsonTreeSourcesGiveTheSameOrganization) {
  for (const auto& root : {kP1, kP2}) {
    const auto from_dir = summary(load_dir(root));
    const auto from_tree = summary(load_tree(tree_of(root)));
    EXPECT_EQ(from_dir, from_tree) << root;
    // Deterministic: a second load is identical.
    EXPECT_EQ(from_dir, summary(load_dir(root))) << root;
  }
}

TEST(SnapshotScenario, BundledManagedPoliciesAreNotUsedWhenTheSnapshotHasThem) {
  const auto o = load_dir(kP1, ACCESSGRAPH_MANAGED_POLICIES);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  for (const auto& [id, a] : o.accounts) {
    for (const auto& [arn, mp] : a.iam.managed_policies) EXPECT_FALSE(mp.from_bundled_data) << arn;
  }
}

// ---------------------------------------------------------------------------------------------
// Value conventions

TEST(SnapshotValues, MinimalSingleAccountSnapshotLoadsWithoutProblems) {
  const auto o = load_tree(minimal());
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  EXPECT_FALSE(o.has_organization());
  EXPECT_TRUE(o.id.empty());
  ASSERT_EQ(o.accounts.size(), 1u);
  const auto& a = o.accounts.at(kAcct);
  EXPECT_TRUE(a.parent_id.empty());
  EXPECT_TRUE(a.iam.collected);
  EXPECT_TRUE(a.password_policy.known);
  EXPECT_FALSE(a.password_policy.exists);
  EXPECT_EQ(a.block_public_access.known, Known::kAbsent);
  EXPECT_EQ(a.credential_report_csv, "user,arn\n");
  EXPECT_TRUE(o.scp_levels(kAcct).empty());
}

TEST(SnapshotValues, IamDocumentsMayBeObjectsUrlEncodedOrPlainJsonStrings) {
  json t = minimal();
  const std::string doc = allow_all().dump();
  std::string encoded;
  for (unsigned char c : doc) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  aad(t)["UserDetailList"] = {user("obj", allow_all()), user("url", encoded), user("plain", doc)};
  const auto o = load_tree(t);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  for (const auto& u : o.accounts.at(kAcct).iam.users) {
    ASSERT_EQ(u.inline_policies.size(), 1u);
    ASSERT_TRUE(u.inline_policies[0].document) << u.name;
    EXPECT_EQ(u.inline_policies[0].document->statements().size(), 1u);
  }
}

TEST(SnapshotValues, ResourcePoliciesMayBeJsonStringsOrParsedObjects) {
  json t = minimal();
  add_bucket(t, "as-string");
  add_bucket(t, "as-object");
  at(t, kS3 + "get-bucket-policy/as-object.json")["Policy"] = allow_all();
  const auto o = load_tree(t);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  for (const auto& r : o.accounts.at(kAcct).resources) {
    EXPECT_EQ(r.policy_known, Known::kYes) << r.name;
    EXPECT_TRUE(r.policy) << r.name;
    EXPECT_EQ(r.region, "us-east-1");
    EXPECT_EQ(r.object_ownership, "ObjectWriter");
  }
}

TEST(SnapshotValues, EpochAndIsoTimestampsAreBothAccepted) {
  json t = minimal();
  at(t, kIam + "list-server-certificates.json") = {
      {"ServerCertificateMetadataList",
       {{{"Path", "/"}, {"ServerCertificateName", "epoch"}, {"ServerCertificateId", "ASCA1"}, {"Arn", "arn:aws:iam::1:server-certificate/epoch"},
         {"Expiration", 1767225599}},
        {{"Path", "/"}, {"ServerCertificateName", "iso"}, {"ServerCertificateId", "ASCA2"}, {"Arn", "arn:aws:iam::1:server-certificate/iso"},
         {"Expiration", "2026-01-31 23:59:59+00:00"}}}}};
  json role = {{"RoleName", "r"}, {"Arn", "arn:aws:iam::" + kAcct + ":role/r"}, {"AssumeRolePolicyDocument", allow_all()},
               {"RoleLastUsed", {{"LastUsedDate", 1712055600.123}}}, {"CreateDate", 1643706000}};
  aad(t)["RoleDetailList"].push_back(role);
  const auto o = load_tree(t);
  // The trust policy has a Resource: it still parses (the parser does not judge the policy kind).
  const auto& a = o.accounts.at(kAcct);
  ASSERT_EQ(a.server_certificates.size(), 2u);
  EXPECT_TRUE(a.server_certificates_known);
  EXPECT_EQ(a.server_certificates[0].expiration, "2025-12-31T23:59:59Z");
  EXPECT_EQ(a.server_certificates[1].expiration, "2026-01-31 23:59:59+00:00");
  ASSERT_EQ(a.iam.roles.size(), 1u);
  EXPECT_EQ(a.iam.roles[0].last_used_date, "2024-04-02T11:00:00.123Z");
  EXPECT_TRUE(a.iam.roles[0].last_used_known);
  EXPECT_EQ(a.iam.roles[0].create_date, "2022-02-01T09:00:00Z");
}

TEST(SnapshotValues, PagesAreConcatenatedInOrderAndOtherFieldsComeFromPageOne) {
  json t = minimal();
  erase(t, kIam + "get-account-authorization-details.json");
  json& pages = at(t, kIam + "get-account-authorization-details");
  pages["page-0002.json"] = {{"UserDetailList", {user("b")}}, {"RoleDetailList", json::array()}, {"IsTruncated", false}};
  pages["page-0001.json"] = {{"UserDetailList", {user("a")}}, {"GroupDetailList", json::array()}, {"RoleDetailList", json::array()},
                             {"Policies", json::array()}, {"IsTruncated", true}, {"Marker", "m"}};
  pages["page-0010.json"] = {{"UserDetailList", {user("c")}}};  // numeric order, not text order
  at(t, kRegion + "kms/list-keys") = {{"page-0001.json", {{"Keys", {{{"KeyId", "k1"}}}}, {"Truncated", true}, {"NextMarker", "x"}}},
                                      {"page-0002.json", {{"Keys", {{{"KeyId", "k2"}}}}, {"Truncated", false}}}};
  erase(t, kRegion + "kms/list-keys.json");
  for (const std::string k : {"k1", "k2"}) {
    at(t, kRegion + "kms/describe-key/" + k + ".json") = {{"KeyMetadata", {{"KeyId", k}, {"KeyManager", "AWS"}}}};
    at(t, kRegion + "kms/get-key-policy/" + k + ".json") = {{"Policy", allow_all().dump()}};
    at(t, kRegion + "kms/list-grants/" + k + ".json") = {{"Grants", json::array()}};
  }
  const auto o = load_tree(t);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  const auto& a = o.accounts.at(kAcct);
  ASSERT_EQ(a.iam.users.size(), 3u);
  EXPECT_EQ(a.iam.users[0].name, "a");
  EXPECT_EQ(a.iam.users[1].name, "b");
  EXPECT_EQ(a.iam.users[2].name, "c");
  ASSERT_EQ(a.resources.size(), 2u);
  EXPECT_EQ(a.resources[1].arn, "arn:aws:kms:us-east-1:" + kAcct + ":key/k2");
  EXPECT_EQ(a.resources[1].key_manager, "AWS");
}

TEST(SnapshotValues, EscapedFileNamesArePercentDecodedAndMatchedCaseSensitively) {
  json t = minimal();
  const std::string name = "prod/db+ro@x";
  at(t, kRegion + "secretsmanager/list-secrets.json")["SecretList"] = {
      {{"ARN", "arn:aws:secretsmanager:us-east-1:" + kAcct + ":secret:prod/db+ro@x-AbC123"}, {"Name", name}},
      {{"ARN", "arn:aws:secretsmanager:us-east-1:" + kAcct + ":secret:.hidden-AbC123"}, {"Name", ".hidden"}},
      {{"ARN", "arn:aws:secretsmanager:us-east-1:" + kAcct + ":secret:Case-AbC123"}, {"Name", "Case"}}};
  at(t, kRegion + "secretsmanager/get-resource-policy/prod%2Fdb%2Bro%40x.json") = {{"Name", name}, {"ResourcePolicy", allow_all().dump()}};
  at(t, kRegion + "secretsmanager/get-resource-policy/%2Ehidden.json") = {{"Name", ".hidden"}};  // no policy
  at(t, kRegion + "secretsmanager/get-resource-policy/case.json") = {{"Name", "case"}};  // not "Case"
  const auto o = load_tree(t);
  const auto& rs = o.accounts.at(kAcct).resources;
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].policy_known, Known::kYes);
  EXPECT_EQ(rs[1].policy_known, Known::kAbsent);
  EXPECT_EQ(rs[2].policy_known, Known::kUnknown);
  ASSERT_EQ(with_code(o, "not-collected").size(), 1u) << problems_text(o);
  EXPECT_EQ(with_code(o, "not-collected")[0].file, kRegion + "secretsmanager/get-resource-policy/Case.json");
  ASSERT_EQ(with_code(o, "unknown-file").size(), 1u) << problems_text(o);
  EXPECT_EQ(with_code(o, "unknown-file")[0].file, kRegion + "secretsmanager/get-resource-policy/case.json");
}

TEST(SnapshotValues, BucketLocationNullIsUsEast1AndEuIsEuWest1) {
  json t = minimal();
  add_bucket(t, "b-null");
  add_bucket(t, "b-eu");
  add_bucket(t, "b-south");
  at(t, kS3 + "get-bucket-location/b-eu.json")["LocationConstraint"] = "EU";
  at(t, kS3 + "get-bucket-location/b-south.json")["LocationConstraint"] = "ap-south-1";
  const auto o = load_tree(t);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  std::map<std::string, std::string> region;
  for (const auto& r : o.accounts.at(kAcct).resources) region[r.name] = r.region;
  EXPECT_EQ(region["b-null"], "us-east-1");
  EXPECT_EQ(region["b-eu"], "eu-west-1");
  EXPECT_EQ(region["b-south"], "ap-south-1");
}

TEST(SnapshotValues, RegionalResourcesGetTheArnsAwsForms) {
  json t = minimal();
  at(t, kRegion + "sqs/list-queues.json") = {{"QueueUrls", {"https://sqs.us-east-1.amazonaws.com/" + kAcct + "/orders"}}};
  at(t, kRegion + "sqs/get-queue-attributes/orders.json") = {{"Attributes", {{"Policy", allow_all()}, {"QueueArn", "ignored"}}}};
  at(t, kRegion + "sns/list-topics.json")["Topics"] = {{{"TopicArn", "arn:aws:sns:us-east-1:" + kAcct + ":alerts"}}};
  at(t, kRegion + "sns/get-topic-attributes/alerts.json") = {{"Attributes", {{"Owner", kAcct}}}};
  at(t, kRegion + "lambda/list-functions.json")["Functions"] = {{{"FunctionName", "thumb"}}};
  at(t, kRegion + "lambda/get-policy/thumb.error.txt") = aws_error("ResourceNotFoundException");
  at(t, kRegion + "ecr/describe-repositories.json")["repositories"] = {{{"repositoryName", "platform/base"}}};
  const auto o = load_tree(t);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  const auto& rs = o.accounts.at(kAcct).resources;
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].arn, "arn:aws:sqs:us-east-1:" + kAcct + ":orders");
  EXPECT_EQ(rs[0].policy_known, Known::kYes);
  EXPECT_EQ(rs[1].arn, "arn:aws:sns:us-east-1:" + kAcct + ":alerts");
  EXPECT_EQ(rs[1].policy_known, Known::kAbsent);
  EXPECT_EQ(rs[2].arn, "arn:aws:lambda:us-east-1:" + kAcct + ":function:thumb");
  EXPECT_EQ(rs[2].policy_known, Known::kAbsent);
  EXPECT_EQ(rs[3].arn, "arn:aws:ecr:us-east-1:" + kAcct + ":repository/platform/base");
  EXPECT_EQ(rs[3].policy_known, Known::kAbsent);  // no get-repository-policy file: no policy
}

TEST(SnapshotValues, ManagedPolicyDefaultVersionAndMotoWithoutPolicyName) {
  json t = minimal();
  json doc_v1 = allow_all();
  json doc_v2 = {{"Version", "2012-10-17"},
                 {"Statement", {{{"Sid", "Two"}, {"Effect", "Deny"}, {"Action", "s3:*"}, {"Resource", "*"}},
                                {{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}}};
  aad(t)["Policies"] = {{{"Arn", "arn:aws:iam::" + kAcct + ":policy/team/moto-made"},
                         {"DefaultVersionId", "v2"},
                         {"PolicyVersionList", {{{"Document", doc_v1}, {"VersionId", "v1"}, {"IsDefaultVersion", false}},
                                                {{"Document", doc_v2}, {"VersionId", "v2"}, {"IsDefaultVersion", true}}}}}};
  json u = user("alice");
  u["AttachedManagedPolicies"] = {{{"PolicyName", "moto-made"}, {"PolicyArn", "arn:aws:iam::" + kAcct + ":policy/team/moto-made"}}};
  aad(t)["UserDetailList"] = {u};
  const auto o = load_tree(t);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  const auto& mp = o.accounts.at(kAcct).iam.managed_policies.at("arn:aws:iam::" + kAcct + ":policy/team/moto-made");
  EXPECT_EQ(mp.name, "moto-made");
  EXPECT_EQ(mp.path, "/team/");
  EXPECT_EQ(mp.default_version_id, "v2");
  EXPECT_FALSE(mp.aws_managed);
  ASSERT_TRUE(mp.document);
  EXPECT_EQ(mp.document->statements().size(), 2u);
  EXPECT_EQ(mp.document->statements()[0].sid, "Two");
}

TEST(SnapshotValues, AwsManagedPolicyMissingFromTheSnapshotComesFromTheBundledData) {
  json t = minimal();
  json u = user("alice");
  u["AttachedManagedPolicies"] = {{{"PolicyName", "ReadOnlyAccess"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}};
  u["PermissionsBoundary"] = {{"PermissionsBoundaryType", "PermissionsBoundaryPolicy"},
                              {"PermissionsBoundaryArn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}};
  aad(t)["UserDetailList"] = {u};
  {
    const auto o = load_tree(t, ACCESSGRAPH_MANAGED_POLICIES);
    EXPECT_TRUE(o.problems.empty()) << problems_text(o);
    const auto& mps = o.accounts.at(kAcct).iam.managed_policies;
    ASSERT_EQ(mps.size(), 2u);
    const auto& ro = mps.at("arn:aws:iam::aws:policy/ReadOnlyAccess");
    EXPECT_TRUE(ro.from_bundled_data);
    EXPECT_TRUE(ro.aws_managed);
    EXPECT_TRUE(ro.document);
    EXPECT_EQ(ro.name, "ReadOnlyAccess");
    EXPECT_FALSE(ro.default_version_id.empty());
    EXPECT_EQ(mps.at("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").path, "/service-role/");
  }
  {
    const auto o = load_tree(t);  // no bundled data
    ASSERT_EQ(with_code(o, "unresolved-managed-policy").size(), 2u) << problems_text(o);
    EXPECT_EQ(with_code(o, "unresolved-managed-policy")[0].json_pointer, "/UserDetailList/0/AttachedManagedPolicies/0/PolicyArn");
    EXPECT_EQ(with_code(o, "unresolved-managed-policy")[0].severity, Severity::kWarning);
  }
  {
    const auto o = load_tree(t, "/nonexistent/aws-managed-policies.json");
    EXPECT_EQ(with_code(o, "bundled-data-error").size(), 1u) << problems_text(o);
    EXPECT_EQ(with_code(o, "unresolved-managed-policy").size(), 2u) << problems_text(o);
  }
}

TEST(SnapshotValues, CredentialReportCsvWinsOverBase64Json) {
  json t = minimal();
  at(t, kIam + "get-credential-report.json") = {{"Content", "b3RoZXI="}, {"ReportFormat", "text/csv"}};
  EXPECT_EQ(load_tree(t).accounts.at(kAcct).credential_report_csv, "user,arn\n");
  erase(t, kIam + "credential-report.csv");
  at(t, kIam + "get-credential-report.json")["Content"] = "dXNlcixhcm4KPHJvb3RfYWNjb3VudD4sYXJuOmF3czppYW06OjE6cm9vdAo=";
  const auto o = load_tree(t);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  EXPECT_EQ(o.accounts.at(kAcct).credential_report_csv, "user,arn\n<root_account>,arn:aws:iam::1:root\n");
}

TEST(SnapshotValues, OptionalIamListingsRootVirtualMfaAndAnalyzers) {
  json t = minimal();
  at(t, kIam + "list-virtual-mfa-devices.json") = {
      {"VirtualMFADevices",
       {{{"SerialNumber", "arn:aws:iam::" + kAcct + ":mfa/alice"}, {"User", {{"Arn", "arn:aws:iam::" + kAcct + ":user/alice"}}}},
        {{"SerialNumber", "arn:aws:iam::" + kAcct + ":mfa/root-account-mfa-device"}, {"User", {{"Arn", "arn:aws:iam::" + kAcct + ":root"}}}}}}};
  at(t, kRegion + "accessanalyzer/list-analyzers.json") = {
      {"analyzers", {{{"arn", "a"}, {"name", "org"}, {"type", "ORGANIZATION"}, {"createdAt", 1}, {"status", "ACTIVE"}}}}};
  const auto o = load_tree(t);
  EXPECT_TRUE(o.problems.empty()) << problems_text(o);
  const auto& a = o.accounts.at(kAcct);
  EXPECT_TRUE(a.virtual_mfa_known);
  EXPECT_EQ(a.root_mfa_serial, "arn:aws:iam::" + kAcct + ":mfa/root-account-mfa-device");
  EXPECT_TRUE(a.access_analyzers_known);
  EXPECT_EQ(a.access_analyzers, (std::vector<std::string>{"org|ORGANIZATION|ACTIVE|us-east-1"}));
}

TEST(SnapshotValues, OrganizationAttachmentsFromListPoliciesForTargetAreMergedAndDeduplicated) {
  json t = minimal_org();
  json& o = t["organizations"];
  o["list-roots.json"]["Roots"][0]["PolicyTypes"].push_back({{"Type", "RESOURCE_CONTROL_POLICY"}, {"Status", "ENABLED"}});
  o["list-organizational-units-for-parent"]["r-1.json"]["OrganizationalUnits"] = {{{"Id", "ou-1"}, {"Name", "Prod"}}};
  o["list-organizational-units-for-parent"]["ou-1.json"] = {{"OrganizationalUnits", json::array()}};
  o["list-accounts-for-parent"]["ou-1.json"] = {{"Accounts", json::array()}};
  o["list-policies"]["RESOURCE_CONTROL_POLICY.json"] = {{"Policies", {{{"Id", "p-rcp"}, {"Name", "Rcp"}}}}};
  o["describe-policy"]["p-rcp.json"] = {{"Policy", {{"Content", allow_all()}}}};  // already parsed
  // No list-targets-for-policy for p-rcp: its attachments come from the per-target listing.
  o["list-policies-for-target"]["RESOURCE_CONTROL_POLICY"]["ou-1.json"] = {{"Policies", {{{"Id", "p-rcp"}}}}};
  o["list-policies-for-target"]["RESOURCE_CONTROL_POLICY"][kAcct + ".json"] = {{"Policies", {{{"Id", "p-rcp"}}, {{"Id", "p-rcp"}}}}};
  o["list-policies-for-target"]["SERVICE_CONTROL_POLICY"]["r-1.json"] = {{"Policies", {{{"Id", "p-FullAWSAccess"}}}}};
  const auto org = load_tree(t);
  EXPECT_TRUE(org.problems.empty()) << problems_text(org);
  EXPECT_TRUE(org.rcp_enabled);
  EXPECT_EQ(org.units.size(), 2u);
  EXPECT_EQ(org.units.at("r-1").scp_ids, (std::vector<std::string>{"p-FullAWSAccess"}));
  EXPECT_EQ(org.units.at("ou-1").rcp_ids, (std::vector<std::string>{"p-rcp"}));
  EXPECT_EQ(org.accounts.at(kAcct).rcp_ids, (std::vector<std::string>{"p-rcp"}));
  ASSERT_TRUE(org.policies.at("p-rcp").document);
  EXPECT_EQ(org.policies.at("p-rcp").type, ag::org::OrgPolicyType::kResourceControlPolicy);
}

// ---------------------------------------------------------------------------------------------
// Problems: one hand-made break per code

struct BadCase {
  const char* name;
  std::function<void(json&)> mutate;
  const char* code;
  std::string file;
  std::string pointer;  // "*" = not checked
  Severity severity;
  bool org = false;
};

TEST(SnapshotProblems, EveryProblemCodeIsRecordedWithFileAndPointer) {
  const std::string kPolicyFile = kS3 + "get-bucket-policy/b.json";
  const std::vector<BadCase> cases = {
      {"malformed json", [](json& t) { at(t, kIam + "get-account-summary.json") = "{\"SummaryMap\": {"; },
       "malformed-json", kIam + "get-account-summary.json", "", Severity::kError},
      // RFC 8259 section 4: readers differ on which value of a repeated key they keep. AWS does not
      // return such documents; the last value is kept (dropping the file could drop a Deny) and the
      // repetition is reported with its pointer.
      {"repeated key", [](json& t) { at(t, kIam + "get-account-summary.json") = R"({"SummaryMap": {"Users": 1, "Users": 2}})"; },
       "duplicate-key", kIam + "get-account-summary.json", "/SummaryMap/Users", Severity::kWarning},
      {"repeated key in a bucket policy document",
       [](json& t) {
         add_bucket(t, "b");
         at(t, kS3 + "get-bucket-policy/b.json")["Policy"] =
             R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Effect":"Allow"}]})";
       },
       "duplicate-key", kPolicyFile, "/Policy/Statement/0/Effect", Severity::kWarning},
      {"list is an object", [](json& t) { at(t, kS3 + "list-buckets.json")["Buckets"] = json::object(); },
       "wrong-type", kS3 + "list-buckets.json", "/Buckets", Severity::kError},
      {"item is not an object", [](json& t) { at(t, kS3 + "list-buckets.json")["Buckets"] = {5}; },
       "wrong-type", kS3 + "list-buckets.json", "/Buckets/0", Severity::kError},
      {"top level is a list", [](json& t) { at(t, kRegion + "sns/list-topics.json") = json::array(); },
       "wrong-type", kRegion + "sns/list-topics.json", "", Severity::kError},
      {"bucket without Name", [](json& t) { at(t, kS3 + "list-buckets.json")["Buckets"] = {json::object()}; },
       "missing-field", kS3 + "list-buckets.json", "/Buckets/0/Name", Severity::kError},
      {"manifest key missing", [](json& t) { at(t, "manifest.json").erase("collector_account_id"); },
       "missing-field", "manifest.json", "/collector_account_id", Severity::kError},
      {"no manifest", [](json& t) { t.erase("manifest.json"); }, "manifest-missing", "manifest.json", "", Severity::kError},
      {"format version 2", [](json& t) { at(t, "manifest.json")["format_version"] = 2; },
       "manifest-invalid", "manifest.json", "/format_version", Severity::kError},
      {"unknown partition", [](json& t) { at(t, "manifest.json")["partition"] = "aws-mars"; },
       "manifest-invalid", "manifest.json", "/partition", Severity::kError},
      {"collector is not an account id", [](json& t) { at(t, "manifest.json")["collector_account_id"] = "me"; },
       "manifest-invalid", "manifest.json", "/collector_account_id", Severity::kError},
      {"regions is not a list", [](json& t) { at(t, "manifest.json")["regions"] = "us-east-1"; },
       "wrong-type", "manifest.json", "/regions", Severity::kError},
      {"bad inline policy",
       [](json& t) {
         json bad = allow_all();
         bad["Statement"][0]["Effect"] = "Maybe";
         aad(t)["UserDetailList"] = {user("alice", bad)};
       },
       "policy-parse-error", kIam + "get-account-authorization-details.json",
       "/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/0/Effect", Severity::kError},
      {"bad bucket policy string",
       [](json& t) {
         add_bucket(t, "b");
         at(t, kS3 + "get-bucket-policy/b.json")["Policy"] = R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})";
       },
       "policy-parse-error", kPolicyFile, "/Policy/Statement/0", Severity::kError},
      {"bucket listed twice",
       [](json& t) {
         add_bucket(t, "b");
         at(t, kS3 + "list-buckets.json")["Buckets"].push_back({{"Name", "b"}});
       },
       "duplicate-id", kS3 + "list-buckets.json", "/Buckets/1/Name", Severity::kError},
      {"user listed twice", [](json& t) { aad(t)["UserDetailList"] = {user("a"), user("a")}; },
       "duplicate-id", kIam + "get-account-authorization-details.json", "/UserDetailList/1/Arn", Severity::kError},
      {"two file names decode to one id",
       [](json& t) {
         add_bucket(t, "bA");
         at(t, kS3 + "get-bucket-acl/b%41.json") = at(t, kS3 + "get-bucket-acl/bA.json");
       },
       "duplicate-id", kS3 + "get-bucket-acl/bA.json", "", Severity::kError},
      {"user in an unknown group",
       [](json& t) {
         json u = user("alice");
         u["GroupList"] = {"ghosts"};
         aad(t)["UserDetailList"] = {u};
       },
       "unknown-group", kIam + "get-account-authorization-details.json", "/UserDetailList/0/GroupList/0", Severity::kError},
      {"customer policy not in Policies",
       [](json& t) {
         json u = user("alice");
         u["AttachedManagedPolicies"] = {{{"PolicyArn", "arn:aws:iam::" + kAcct + ":policy/ghost"}}};
         aad(t)["UserDetailList"] = {u};
       },
       "unknown-policy", kIam + "get-account-authorization-details.json",
       "/UserDetailList/0/AttachedManagedPolicies/0/PolicyArn", Severity::kError},
      {"AWS managed policy not resolvable",
       [](json& t) {
         json r = {{"RoleName", "r"}, {"Arn", "arn:aws:iam::" + kAcct + ":role/r"}, {"AssumeRolePolicyDocument", allow_all()},
                   {"PermissionsBoundary", {{"PermissionsBoundaryArn", "arn:aws:iam::aws:policy/PowerUserAccess"}}}};
         aad(t)["RoleDetailList"] = {r};
       },
       "unresolved-managed-policy", kIam + "get-account-authorization-details.json",
       "/RoleDetailList/0/PermissionsBoundary/PermissionsBoundaryArn", Severity::kWarning},
      {"SCP attached to an unknown OU",
       [](json& t) {
         at(t, "organizations/list-targets-for-policy/p-FullAWSAccess.json")["Targets"].push_back(
             {{"TargetId", "ou-ghost"}, {"Type", "ORGANIZATIONAL_UNIT"}});
       },
       "unknown-target", "organizations/list-targets-for-policy/p-FullAWSAccess.json", "/Targets/1/TargetId",
       Severity::kError, true},
      {"per-target listing for an unknown target",
       [](json& t) {
         at(t, "organizations/list-policies-for-target/SERVICE_CONTROL_POLICY/ou-ghost.json") = {
             {"Policies", {{{"Id", "p-FullAWSAccess"}}}}};
       },
       "unknown-target", "organizations/list-policies-for-target/SERVICE_CONTROL_POLICY/ou-ghost.json", "",
       Severity::kError, true},
      {"per-target listing names an unlisted policy",
       [](json& t) {
         at(t, "organizations/list-policies-for-target/SERVICE_CONTROL_POLICY/r-1.json") = {{"Policies", {{{"Id", "p-ghost"}}}}};
       },
       "unknown-policy", "organizations/list-policies-for-target/SERVICE_CONTROL_POLICY/r-1.json", "/Policies/0/Id",
       Severity::kError, true},
      {"account folder outside the tree",
       [](json& t) { at(t, "accounts/444455556666") = at(t, "accounts/" + kAcct); },
       "account-not-in-tree", "accounts/444455556666/", "", Severity::kWarning, true},
      {"account only in list-accounts",
       [](json& t) { at(t, "organizations/list-accounts.json") = {{"Accounts", {{{"Id", kAcct}}, {{"Id", "777788889999"}}}}}; },
       "account-not-in-tree", "organizations/list-accounts.json", "/Accounts/1", Severity::kWarning, true},
      {"member account not collected",
       [](json& t) {
         at(t, "organizations/list-accounts-for-parent/r-1.json")["Accounts"].push_back({{"Id", "777788889999"}});
       },
       "not-collected", "accounts/777788889999/", "", Severity::kWarning, true},
      {"file and page folder",
       [](json& t) { at(t, kIam + "get-account-authorization-details/page-0001.json") = aad(t); },
       "file-and-folder", kIam + "get-account-authorization-details/", "", Severity::kError},
      {"file and error file",
       [](json& t) { at(t, kS3 + "list-buckets.error.txt") = aws_error("AccessDenied"); },
       "file-and-error", kS3 + "list-buckets.error.txt", "", Severity::kWarning},
      {"summary not collected", [](json& t) { erase(t, kIam + "get-account-summary.json"); },
       "not-collected", kIam + "get-account-summary.json", "", Severity::kWarning},
      {"bucket ACL not collected",
       [](json& t) {
         add_bucket(t, "b");
         erase(t, kS3 + "get-bucket-acl/b.json");
       },
       "not-collected", kS3 + "get-bucket-acl/b.json", "", Severity::kWarning},
      {"region folder missing", [](json& t) { erase(t, kAcctDir + "regions/us-east-1"); },
       "not-collected", kAcctDir + "regions/us-east-1/", "", Severity::kWarning},
      {"credential report missing", [](json& t) { erase(t, kIam + "credential-report.csv"); },
       "not-collected", kIam + "credential-report.csv", "", Severity::kWarning},
      {"bucket policy access denied",
       [](json& t) {
         add_bucket(t, "b");
         erase(t, kS3 + "get-bucket-policy/b.json");
         at(t, kS3 + "get-bucket-policy/b.error.txt") = aws_error("AccessDenied");
       },
       "access-denied", kS3 + "get-bucket-policy/b.error.txt", "", Severity::kWarning},
      {"password policy throttled",
       [](json& t) { at(t, kIam + "get-account-password-policy.error.txt") = aws_error("Throttling"); },
       "collection-error", kIam + "get-account-password-policy.error.txt", "", Severity::kWarning},
      {"error file without a code",
       [](json& t) {
         erase(t, kRegion + "sns/list-topics.json");
         at(t, kRegion + "sns/list-topics.error.txt") = "Could not connect to the endpoint URL";
       },
       "collection-error", kRegion + "sns/list-topics.error.txt", "", Severity::kWarning},
      {"unknown file", [](json& t) { at(t, kIam + "notes.txt") = "hello"; },
       "unknown-file", kIam + "notes.txt", "", Severity::kWarning},
      {"unknown folder", [](json& t) { at(t, kAcctDir + "global/ec2/describe-instances.json") = json::object(); },
       "unknown-file", kAcctDir + "global/ec2/", "", Severity::kWarning},
      {"per-resource file not in the listing",
       [](json& t) { at(t, kS3 + "get-bucket-policy/ghost.json") = {{"Policy", allow_all().dump()}}; },
       "unknown-file", kS3 + "get-bucket-policy/ghost.json", "", Severity::kWarning},
      {"region not in the manifest",
       [](json& t) { at(t, kAcctDir + "regions/eu-west-9") = at(t, kAcctDir + "regions/us-east-1"); },
       "unknown-file", kAcctDir + "regions/eu-west-9/", "", Severity::kWarning},
      {"bad base64 credential report",
       [](json& t) {
         erase(t, kIam + "credential-report.csv");
         at(t, kIam + "get-credential-report.json") = {{"Content", "not base64!"}};
       },
       "invalid-value", kIam + "get-credential-report.json", "/Content", Severity::kWarning},
  };
  for (const auto& c : cases) {
    json t = c.org ? minimal_org() : minimal();
    c.mutate(t);
    ag::org::Organization o;
    ASSERT_NO_THROW(o = load_tree(t)) << c.name;
    const auto found = with_code(o, c.code);
    ASSERT_FALSE(found.empty()) << c.name << ": no " << c.code << "\n" << problems_text(o);
    bool matched = false;
    for (const auto& p : found) {
      matched = matched || (p.file == c.file && (c.pointer == "*" || p.json_pointer == c.pointer) && p.severity == c.severity);
    }
    EXPECT_TRUE(matched) << c.name << ": expected " << c.code << " at " << c.file << " " << c.pointer << "\n" << problems_text(o);
  }
}

// A repeated key does not cost the document: the file and the policy are still read, with the last
// value of the key, so that nothing they hold (a Deny, say) is lost.
TEST(SnapshotProblems, RepeatedKeysKeepTheLastValueAndTheDocument) {
  json t = minimal();
  at(t, kIam + "get-account-summary.json") = R"({"SummaryMap": {"Users": 1, "Users": 2}})";
  add_bucket(t, "b");
  at(t, kS3 + "get-bucket-policy/b.json")["Policy"] =
      R"({"Statement":[{"Sid":"x","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Sid":"y"}]})";
  const auto o = load_tree(t);
  const auto& a = o.accounts.at(kAcct);
  EXPECT_TRUE(a.account_summary_known);
  EXPECT_EQ(a.account_summary.at("Users"), 2);
  const auto* bucket = find_resource(o, "arn:aws:s3:::b");
  ASSERT_TRUE(bucket);
  EXPECT_EQ(bucket->policy_known, Known::kYes);
  ASSERT_TRUE(bucket->policy);
  ASSERT_EQ(bucket->policy->statements().size(), 1u);
  EXPECT_EQ(bucket->policy->statements()[0].effect, ag::policy::Effect::kDeny);
  EXPECT_EQ(bucket->policy->statements()[0].sid, "y");
  EXPECT_EQ(with_code(o, "duplicate-key").size(), 2u) << problems_text(o);
}

TEST(SnapshotProblems, ErrorFilesWithOtherCodesMakeTheSettingUnknownNotAbsent) {
  json t = minimal();
  add_bucket(t, "denied");
  add_bucket(t, "none");
  erase(t, kS3 + "get-bucket-policy/denied.json");
  at(t, kS3 + "get-bucket-policy/denied.error.txt") = aws_error("AccessDenied");
  erase(t, kS3 + "get-bucket-policy/none.json");
  at(t, kS3 + "get-bucket-policy/none.error.txt") = aws_error("NoSuchBucketPolicy");
  at(t, kS3 + "get-public-access-block/denied.error.txt") = aws_error("AccessDenied");
  at(t, kS3 + "get-bucket-ownership-controls/denied.error.txt") = aws_error("AccessDenied");
  at(t, kAcctDir + "global/s3control/get-public-access-block.error.txt") = aws_error("AccessDenied");
  const auto o = load_tree(t);
  const auto& a = o.accounts.at(kAcct);
  EXPECT_EQ(a.block_public_access.known, Known::kUnknown);
  std::map<std::string, const ag::resource::Resource*> by;
  for (const auto& r : a.resources) by[r.name] = &r;
  EXPECT_EQ(by["denied"]->policy_known, Known::kUnknown);
  EXPECT_EQ(by["denied"]->policy_error, "AccessDenied");
  EXPECT_EQ(by["denied"]->block_public_access.known, Known::kUnknown);
  EXPECT_EQ(by["denied"]->object_ownership, "");
  EXPECT_EQ(by["none"]->policy_known, Known::kAbsent);
  EXPECT_EQ(by["none"]->block_public_access.known, Known::kAbsent);
  EXPECT_EQ(with_code(o, "access-denied").size(), 4u) << problems_text(o);
  EXPECT_EQ(errors(o), 0) << problems_text(o);
}

TEST(SnapshotProblems, AMissingListingIsReportedOnceNotAsUnknownPerResourceFiles) {
  const std::vector<std::string> listings = {kS3 + "list-buckets.json", kRegion + "kms/list-keys.json",
                                             "organizations/list-roots.json",
                                             "organizations/list-policies/SERVICE_CONTROL_POLICY.json"};
  for (const auto& listing : listings) {
    json t = minimal_org();
    add_bucket(t, "b");
    at(t, kRegion + "kms/list-keys.json")["Keys"] = {{{"KeyId", "k"}}};
    at(t, kRegion + "kms/describe-key/k.json") = {{"KeyMetadata", {{"KeyManager", "CUSTOMER"}}}};
    at(t, kRegion + "kms/get-key-policy/k.json") = {{"Policy", allow_all().dump()}};
    at(t, kRegion + "kms/list-grants/k.json") = {{"Grants", json::array()}};
    erase(t, listing);
    const auto o = load_tree(t);
    EXPECT_TRUE(with_code(o, "unknown-file").empty()) << listing << "\n" << problems_text(o);
    const auto nc = with_code(o, "not-collected");
    ASSERT_FALSE(nc.empty()) << listing;
    EXPECT_EQ(nc[0].file, listing) << problems_text(o);
  }
}

TEST(SnapshotProblems, PolicyParseErrorInAPageNamesThePageFile) {
  json t = minimal();
  erase(t, kIam + "get-account-authorization-details.json");
  json bad = allow_all();
  bad["Statement"][0].erase("Effect");
  at(t, kIam + "get-account-authorization-details/page-0001.json") = {{"UserDetailList", {user("a")}}, {"RoleDetailList", json::array()},
                                                                        {"GroupDetailList", json::array()}, {"Policies", json::array()}};
  at(t, kIam + "get-account-authorization-details/page-0002.json") = {{"UserDetailList", {user("b"), user("c", bad)}}};
  const auto o = load_tree(t);
  const auto found = with_code(o, "policy-parse-error");
  ASSERT_EQ(found.size(), 1u) << problems_text(o);
  EXPECT_EQ(found[0].file, kIam + "get-account-authorization-details/page-0002.json");
  EXPECT_EQ(found[0].json_pointer, "/UserDetailList/1/UserPolicyList/0/PolicyDocument/Statement/0");
  EXPECT_EQ(o.accounts.at(kAcct).iam.users.size(), 3u);  // the user stays; its inline policy is dropped
  EXPECT_FALSE(o.accounts.at(kAcct).iam.users[2].inline_policies[0].document);
}

TEST(SnapshotProblems, ProblemsAreSortedByFilePointerAndCode) {
  json t = minimal_org();
  at(t, kIam + "zzz.txt") = "x";
  at(t, kIam + "aaa.txt") = "x";
  at(t, kS3 + "list-buckets.json")["Buckets"] = {json::object(), 5};
  at(t, "organizations/list-targets-for-policy/p-FullAWSAccess.json")["Targets"].push_back({{"TargetId", "ou-x"}});
  const auto o = load_tree(t);
  ASSERT_GE(o.problems.size(), 5u);
  for (std::size_t i = 1; i < o.problems.size(); ++i) {
    const auto& a = o.problems[i - 1];
    const auto& b = o.problems[i];
    EXPECT_LE(std::tie(a.file, a.json_pointer, a.code), std::tie(b.file, b.json_pointer, b.code)) << problems_text(o);
  }
}

TEST(SnapshotProblems, UnreadableFileIsAProblemNotACrash) {
  // A source whose read() fails for one file (e.g. permissions).
  class FailingSource : public ag::io::SnapshotSource {
   public:
    explicit FailingSource(json t) : inner_(ag::io::json_tree_source(std::move(t))) {}
    Kind kind(const std::string& p) const override { return inner_->kind(p); }
    std::vector<std::string> list(const std::string& p) const override { return inner_->list(p); }
    std::optional<std::string> read(const std::string& p, std::string* error) const override {
      if (p.find("get-account-summary") != std::string::npos) {
        if (error) *error = "permission denied";
        return std::nullopt;
      }
      return inner_->read(p, error);
    }
    std::string describe() const override { return "failing"; }

   private:
    std::unique_ptr<ag::io::SnapshotSource> inner_;
  };
  FailingSource src(minimal());
  const auto o = ag::io::load_snapshot(src);
  const auto found = with_code(o, "unreadable-file");
  ASSERT_EQ(found.size(), 1u) << problems_text(o);
  EXPECT_EQ(found[0].file, kIam + "get-account-summary.json");
  EXPECT_FALSE(o.accounts.at(kAcct).account_summary_known);
}

TEST(SnapshotProblems, DirectoryFixtureWithBrokenFiles) {
  // tests/data/snapshots/bad-files: malformed JSON, file + page folder, an unknown file, a
  // manifest without regions (taken from the folders), an escaped bucket name.
  const auto o = load_dir(kData + "/snapshots/bad-files");
  const std::string acct = "accounts/210987654321/";
  EXPECT_EQ(o.regions, (std::vector<std::string>{"eu-west-1"}));
  auto has = [&](const std::string& code, const std::string& file) {
    for (const auto& p : o.problems) {
      if (p.code == code && p.file == file) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("missing-field", "manifest.json")) << problems_text(o);
  EXPECT_TRUE(has("malformed-json", acct + "global/iam/get-account-summary.json")) << problems_text(o);
  EXPECT_TRUE(has("file-and-folder", acct + "global/s3api/list-buckets/")) << problems_text(o);
  EXPECT_TRUE(has("unknown-file", "NOTES.md")) << problems_text(o);
  EXPECT_TRUE(has("policy-parse-error", acct + "global/s3api/get-bucket-policy/my.bucket%2Bx.json")) << problems_text(o);
  const auto& a = o.accounts.at("210987654321");
  EXPECT_TRUE(a.iam.collected);
  EXPECT_FALSE(a.account_summary_known);
  ASSERT_EQ(a.resources.size(), 1u);
  EXPECT_EQ(a.resources[0].name, "my.bucket+x");
  EXPECT_EQ(a.resources[0].policy_known, Known::kUnknown);
  EXPECT_EQ(a.resources[0].region, "eu-west-1");
}

TEST(SnapshotProblems, OnlyAnUnusableRootThrows) {
  EXPECT_THROW(load_dir(kData + "/snapshots/does-not-exist"), ag::io::SnapshotError);
  try {
    load_dir(kData + "/findings/p1/README.md");
    FAIL() << "a file is not a snapshot root";
  } catch (const ag::io::SnapshotError& e) {
    EXPECT_EQ(e.code(), "root-not-directory");
  }
  try {
    load_dir(kData + "/findings/p1");  // README.md, expected_findings.json, snapshot/: no manifest, no accounts
    FAIL() << "a folder without manifest.json or accounts/ is not a snapshot";
  } catch (const ag::io::SnapshotError& e) {
    EXPECT_EQ(e.code(), "not-a-snapshot");
    EXPECT_NE(std::string(e.what()).find("manifest.json"), std::string::npos);
  }
  EXPECT_THROW(load_tree(json::array()), ag::io::SnapshotError);
  EXPECT_THROW(load_tree(json::object()), ag::io::SnapshotError);
  // accounts/ alone is enough.
  json t = minimal();
  t.erase("manifest.json");
  EXPECT_NO_THROW(load_tree(t));
}

// ---------------------------------------------------------------------------------------------
// Robustness and scale

TEST(SnapshotRobustness, MangledScenarioValuesNeverCrash) {
  const json original = tree_of(kP2);
  // Every JSON pointer to a value inside a .json file of the tree.
  std::vector<std::string> pointers;
  std::function<void(const json&, const std::string&)> walk = [&](const json& j, const std::string& p) {
    if (!p.empty()) pointers.push_back(p);
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        std::string key = it.key();
        std::string esc;
        for (char c : key) esc += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
        walk(it.value(), p + "/" + esc);
      }
    } else if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], p + "/" + std::to_string(i));
    }
  };
  walk(original, "");
  const std::vector<json> junk = {nullptr, 0, -1.5, true, "", "%7B", "{\"Statement\":", json::array(), json::object(),
                                  json::array({nullptr, 1}), json::object({{"Statement", 1}}), 1e300, "AAAA"};
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    json t = original;
    for (int k = 0; k < 6; ++k) {
      const auto& ptr = pointers[rng() % pointers.size()];
      json::json_pointer jp(ptr);
      if (!t.contains(jp)) continue;
      if (rng() % 3 == 0) {  // drop the member or element
        json& parent = t[jp.parent_pointer()];
        if (parent.is_object()) parent.erase(jp.back());
        else if (parent.is_array() && !parent.empty()) parent.erase(parent.size() - 1);
        continue;
      }
      t[jp] = junk[rng() % junk.size()];
    }
    try {
      const auto o = load_tree(std::move(t));
      (void)o;
    } catch (const ag::io::SnapshotError&) {
      // the root itself was replaced: allowed
    } catch (const std::exception& e) {
      FAIL() << "round " << round << ": " << e.what();
    }
  }
}

TEST(SnapshotRobustness, DeeplyNestedValuesAreProblemsNotStackOverflows) {
  json t = minimal();
  json deep = json::object();
  for (int i = 0; i < 100000; ++i) deep = json::object({{"Statement", std::move(deep)}});
  // Moved, never copied: copying a JSON value is recursive.
  json u = user("deep");
  u["UserPolicyList"].push_back({{"PolicyName", "deep"}});
  u["UserPolicyList"][0]["PolicyDocument"] = std::move(deep);
  aad(t)["UserDetailList"].push_back(std::move(u));
  add_bucket(t, "b");
  at(t, kS3 + "get-bucket-policy/b.json")["Policy"] = std::string(200000, '[');
  const auto o = load_tree(std::move(t));
  EXPECT_EQ(with_code(o, "policy-parse-error").size(), 2u) << problems_text(o);
}

namespace {

// `accounts` accounts, each with `principals` roles and `resources` resources (buckets, keys,
// queues, topics in turn), every one with a policy.
json synthetic(int accounts, int principals, int resources) {
  json t;
  std::vector<std::string> ids;
  for (int i = 0; i < accounts; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%012d", 100000000 + i);
    ids.push_back(buf);
  }
  t["manifest.json"] = {{"format_version", 1}, {"collected_at", "2025-01-01T00:00:00Z"}, {"partition", "aws"},
                        {"collector_account_id", ids[0]}, {"regions", {"us-east-1"}}};
  json& o = t["organizations"];
  o["describe-organization.json"] = {{"Organization", {{"Id", "o-big"}, {"MasterAccountId", ids[0]}}}};
  o["list-roots.json"] = {{"Roots", {{{"Id", "r-big"}, {"PolicyTypes", {{{"Type", "SERVICE_CONTROL_POLICY"}, {"Status", "ENABLED"}}}}}}}};
  o["list-organizational-units-for-parent"]["r-big.json"] = {{"OrganizationalUnits", json::array()}};
  json accts = json::array();
  for (const auto& id : ids) accts.push_back({{"Id", id}, {"Name", "a" + id}});
  o["list-accounts-for-parent"]["r-big.json"] = {{"Accounts", accts}};
  o["list-policies"]["SERVICE_CONTROL_POLICY.json"] = {{"Policies", {{{"Id", "p-FullAWSAccess"}, {"Name", "FullAWSAccess"}}}}};
  o["describe-policy"]["p-FullAWSAccess.json"] = {{"Policy", {{"Content", allow_all().dump()}}}};
  json targets = json::array();
  for (const auto& id : ids) targets.push_back({{"TargetId", id}});
  targets.push_back({{"TargetId", "r-big"}});
  o["list-targets-for-policy"]["p-FullAWSAccess.json"] = {{"Targets", targets}};
  for (const auto& id : ids) {
    json a = minimal()["accounts"][kAcct];
    json roles = json::array();
    for (int p = 0; p < principals; ++p) {
      const std::string name = "role-" + std::to_string(p);
      json trust = {{"Version", "2012-10-17"},
                    {"Statement", {{{"Effect", "Allow"}, {"Principal", {{"AWS", "arn:aws:iam::" + id + ":root"}}}, {"Action", "sts:AssumeRole"}}}}};
      json inline_doc = {{"Version", "2012-10-17"},
                         {"Statement", {{{"Effect", "Allow"}, {"Action", {"s3:GetObject", "s3:PutObject"}}, {"Resource", "arn:aws:s3:::b-" + id + "-" + std::to_string(p) + "/*"}}}}};
      roles.push_back({{"RoleName", name}, {"Arn", "arn:aws:iam::" + id + ":role/" + name}, {"RoleId", "AROA" + name}, {"Path", "/"},
                       {"AssumeRolePolicyDocument", trust}, {"RolePolicyList", {{{"PolicyName", "p"}, {"PolicyDocument", inline_doc}}}},
                       {"AttachedManagedPolicies", json::array()}, {"RoleLastUsed", json::object()}});
    }
    a["global"]["iam"]["get-account-authorization-details.json"]["RoleDetailList"] = roles;
    json& s3 = a["global"]["s3api"];
    json& r = a["regions"]["us-east-1"];
    r["sqs"]["list-queues.json"] = {{"QueueUrls", json::array()}};
    for (int k = 0; k < resources; ++k) {
      const std::string n = "r" + std::to_string(k);
      const std::string policy = json{{"Version", "2012-10-17"},
                                      {"Statement", {{{"Effect", "Allow"}, {"Principal", {{"AWS", "arn:aws:iam::" + id + ":root"}}},
                                                      {"Action", "*"}, {"Resource", "*"}}}}}.dump();
      switch (k % 4) {
        case 0:
          s3["list-buckets.json"]["Buckets"].push_back({{"Name", "b-" + id + "-" + n}});
          s3["get-bucket-policy"]["b-" + id + "-" + n + ".json"] = {{"Policy", policy}};
          s3["get-bucket-acl"]["b-" + id + "-" + n + ".json"] = {{"Grants", json::array()}};
          s3["get-bucket-location"]["b-" + id + "-" + n + ".json"] = {{"LocationConstraint", nullptr}};
          break;
        case 1:
          r["kms"]["list-keys.json"]["Keys"].push_back({{"KeyId", n}});
          r["kms"]["describe-key"][n + ".json"] = {{"KeyMetadata", {{"KeyManager", "CUSTOMER"}}}};
          r["kms"]["get-key-policy"][n + ".json"] = {{"Policy", policy}};
          r["kms"]["list-grants"][n + ".json"] = {{"Grants", json::array()}};
          break;
        case 2:
          r["sqs"]["list-queues.json"]["QueueUrls"].push_back("https://sqs.us-east-1.amazonaws.com/" + id + "/" + n);
          r["sqs"]["get-queue-attributes"][n + ".json"] = {{"Attributes", {{"Policy", policy}}}};
          break;
        default:
          r["sns"]["list-topics.json"]["Topics"].push_back({{"TopicArn", "arn:aws:sns:us-east-1:" + id + ":" + n}});
          r["sns"]["get-topic-attributes"][n + ".json"] = {{"Attributes", {{"Policy", policy}}}};
      }
    }
    t["accounts"][id] = std::move(a);
  }
  return t;
}

// CPU seconds of the load (wall time is unreliable on a shared machine).
double seconds_to_load(json t, std::size_t* resources) {
  const std::clock_t start = std::clock();
  const auto o = load_tree(std::move(t));
  const double s = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  *resources = 0;
  for (const auto& [id, a] : o.accounts) *resources += a.resources.size();
  EXPECT_TRUE(o.problems.empty()) << problems_text(o).substr(0, 2000);
  return s;
}

}  // namespace

TEST(SnapshotScale, LoadTimeGrowsLinearlyWithAccounts) {
  // 10 and 60 accounts x 100 principals x 200 resources: six times the input must take about six
  // times as long (quadratic work would take 36 times). The 1,000-account case is benchmarked apart
  // (benchmarks/bench_org.py).
  std::size_t n1 = 0, n2 = 0;
  const double t1 = seconds_to_load(synthetic(10, 100, 200), &n1);
  const double t2 = seconds_to_load(synthetic(60, 100, 200), &n2);
  EXPECT_EQ(n1, 10u * 200u);
  EXPECT_EQ(n2, 60u * 200u);
  std::cerr << "  [scale] 10 accounts: " << t1 << " s CPU, 60 accounts: " << t2 << " s CPU\n";
  EXPECT_LT(t2, 15.0 * t1 + 0.1);
}
