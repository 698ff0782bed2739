#include "accessgraph/org/organization.hpp"

namespace accessgraph::org {

std::vector<std::string> Organization::path_of(const std::string& account_id) const {
  std::vector<std::string> path;
  auto acct = accounts.find(account_id);
  if (acct == accounts.end()) return path;
  std::string unit = acct->second.parent_id;
  // Walk up; a malformed tree (cycle) stops after as many steps as there are units.
  for (std::size_t guard = 0; !unit.empty() && guard <= units.size(); ++guard) {
    auto it = units.find(unit);
    if (it == units.end()) break;
    path.push_back(unit);
    unit = it->second.parent_id;
  }
  return std::vector<std::string>(path.rbegin(), path.rend());
}

std::string Organization::org_path_of(const std::string& account_id) const {
  if (!has_organization()) return {};
  std::string out = id + "/";
  for (const auto& unit : path_of(account_id)) out += unit + "/";
  return out;
}

namespace {

eval::OrgLevel make_level(const std::string& name, const std::vector<std::string>& ids,
                          const std::map<std::string, OrgPolicy>& policies) {
  eval::OrgLevel level;
  level.name = name;
  for (const auto& pid : ids) {
    auto it = policies.find(pid);
    if (it != policies.end() && it->second.document) level.policies.push_back(it->second.document);
  }
  return level;
}

std::string unit_label(const OrgUnit& u, bool root) {
  return (root ? "root " : "OU ") + u.id + (u.name.empty() ? "" : " (" + u.name + ")");
}

}  // namespace

std::vector<eval::OrgLevel> Organization::scp_levels(const std::string& account_id) const {
  std::vector<eval::OrgLevel> levels;
  // SCPs do not affect the management account (Organizations UG, SCPs), nor accounts outside the org.
  if (!has_organization() || !scp_enabled || account_id == management_account_id) return levels;
  auto acct = accounts.find(account_id);
  if (acct == accounts.end() || acct->second.parent_id.empty()) return levels;
  for (const auto& uid : path_of(account_id)) {
    const OrgUnit& u = units.at(uid);
    levels.push_back(make_level(unit_label(u, uid == root_id), u.scp_ids, policies));
  }
  levels.push_back(make_level("account " + account_id, acct->second.scp_ids, policies));
  return levels;
}

std::vector<eval::OrgLevel> Organization::rcp_levels(const std::string& account_id) const {
  std::vector<eval::OrgLevel> levels;
  // RCPs do not affect resources in the management account (Organizations UG, RCPs).
  if (!has_organization() || !rcp_enabled || account_id == management_account_id) return levels;
  auto acct = accounts.find(account_id);
  if (acct == accounts.end() || acct->second.parent_id.empty()) return levels;
  for (const auto& uid : path_of(account_id)) {
    const OrgUnit& u = units.at(uid);
    levels.push_back(make_level(unit_label(u, uid == root_id), u.rcp_ids, policies));
  }
  levels.push_back(make_level("account " + account_id, acct->second.rcp_ids, policies));
  return levels;
}

}  // namespace accessgraph::org

namespace accessgraph::resource {

const char* to_string(ResourceType t) noexcept {
  switch (t) {
    case ResourceType::kS3Bucket: return "AWS::S3::Bucket";
    case ResourceType::kKmsKey: return "AWS::KMS::Key";
    case ResourceType::kSqsQueue: return "AWS::SQS::Queue";
    case ResourceType::kSnsTopic: return "AWS::SNS::Topic";
    case ResourceType::kLambdaFunction: return "AWS::Lambda::Function";
    case ResourceType::kSecret: return "AWS::SecretsManager::Secret";
    case ResourceType::kEcrRepository: return "AWS::ECR::Repository";
  }
  return "AWS::Unknown";
}

}  // namespace accessgraph::resource
