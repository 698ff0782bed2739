#pragma once
// Every AWS action with its access level, resource types and condition keys (generated from the
// Service Authorization Reference by scripts/make_action_catalogue.py). Used to expand `s3:Get*`
// and NotAction into concrete actions.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "accessgraph/policy/policy.hpp"

namespace accessgraph::iam {

struct ActionInfo {
  std::string name;        // "s3:GetObject"
  std::string name_lower;  // "s3:getobject"
  std::string access_level;  // List | Read | Write | Permissions management | Tagging
  std::vector<std::string> resource_types;
  std::vector<std::string> condition_keys;
};

class ActionCatalogue {
 public:
  // Throws std::runtime_error naming the file on unreadable or malformed data.
  static std::shared_ptr<const ActionCatalogue> load(const std::string& path);
  static std::shared_ptr<const ActionCatalogue> from_json_text(std::string_view text, const std::string& origin);

  // Concrete actions matching an Action pattern (case-insensitive, `*` and `?`), sorted.
  std::vector<const ActionInfo*> expand(std::string_view pattern) const;
  // Concrete actions a statement's Action / NotAction element covers, sorted.
  std::vector<const ActionInfo*> expand(const policy::Statement& statement) const;
  const ActionInfo* find(std::string_view action) const;  // case-insensitive; nullptr if unknown
  const std::vector<ActionInfo>& actions() const noexcept { return actions_; }
  std::vector<std::string> services() const;

 private:
  std::vector<ActionInfo> actions_;  // sorted by name_lower
};

}  // namespace accessgraph::iam
