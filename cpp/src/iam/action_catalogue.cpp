#include "accessgraph/iam/action_catalogue.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "accessgraph/match/pattern.hpp"

namespace accessgraph::iam {

std::shared_ptr<const ActionCatalogue> ActionCatalogue::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open the action catalogue");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return from_json_text(buffer.str(), path);
}

std::shared_ptr<const ActionCatalogue> ActionCatalogue::from_json_text(std::string_view text, const std::string& origin) {
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("services") || !doc["services"].is_object()) {
    throw std::runtime_error(origin + ": not an action catalogue (expected {\"services\": {...}})");
  }
  auto cat = std::make_shared<ActionCatalogue>();
  for (const auto& [prefix, svc] : doc["services"].items()) {
    if (!svc.is_object() || !svc.contains("actions") || !svc["actions"].is_object()) continue;
    for (const auto& [name, info] : svc["actions"].items()) {
      ActionInfo a;
      a.name = prefix + ":" + name;
      a.name_lower = condition::to_lower_ascii(a.name);
      if (info.is_object()) {
        a.access_level = info.value("access_level", "");
        if (auto rt = info.find("resource_types"); rt != info.end() && rt->is_array()) {
          for (const auto& r : *rt) if (r.is_string()) a.resource_types.push_back(r.get<std::string>());
        }
        if (auto ck = info.find("condition_keys"); ck != info.end() && ck->is_array()) {
          for (const auto& k : *ck) if (k.is_string()) a.condition_keys.push_back(k.get<std::string>());
        }
      }
      cat->actions_.push_back(std::move(a));
    }
  }
  std::sort(cat->actions_.begin(), cat->actions_.end(),
            [](const ActionInfo& x, const ActionInfo& y) { return x.name_lower < y.name_lower; });
  return cat;
}

std::vector<const ActionInfo*> ActionCatalogue::expand(std::string_view pattern) const {
  std::vector<const ActionInfo*> out;
  const std::string lower = condition::to_lower_ascii(pattern);
  const auto p = match::Pattern::compile(lower, {true, false, false});
  // Narrow the scan to the service when the prefix has no wildcard.
  const std::size_t colon = lower.find(':');
  auto begin = actions_.begin(), end = actions_.end();
  if (colon != std::string::npos && lower.find_first_of("*?") > colon) {
    const std::string prefix = lower.substr(0, colon + 1);
    begin = std::lower_bound(actions_.begin(), actions_.end(), prefix,
                             [](const ActionInfo& a, const std::string& k) { return a.name_lower < k; });
    end = begin;
    while (end != actions_.end() && end->name_lower.compare(0, prefix.size(), prefix) == 0) ++end;
  }
  for (auto it = begin; it != end; ++it) {
    if (p.matches(it->name_lower, nullptr)) out.push_back(&*it);
  }
  return out;
}

std::vector<const ActionInfo*> ActionCatalogue::expand(const policy::Statement& st) const {
  std::vector<const ActionInfo*> out;
  if (!st.not_action) {
    // The union of each pattern's expansion (each narrowed to its service when it names one),
    // instead of testing every catalogue action against the statement.
    for (const auto& pattern : st.actions) {
      for (const auto* a : expand(pattern.text())) out.push_back(a);
    }
    // actions_ is sorted by name, so address order is name order.
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  for (const auto& a : actions_) {
    if (st.matches_action(a.name_lower)) out.push_back(&a);
  }
  return out;
}

const ActionInfo* ActionCatalogue::find(std::string_view action) const {
  const std::string lower = condition::to_lower_ascii(action);
  auto it = std::lower_bound(actions_.begin(), actions_.end(), lower,
                             [](const ActionInfo& a, const std::string& k) { return a.name_lower < k; });
  return (it != actions_.end() && it->name_lower == lower) ? &*it : nullptr;
}

std::vector<std::string> ActionCatalogue::services() const {
  std::vector<std::string> out;
  for (const auto& a : actions_) {
    std::string prefix = a.name.substr(0, a.name.find(':'));
    if (out.empty() || out.back() != prefix) out.push_back(prefix);
  }
  return out;
}

}  // namespace accessgraph::iam
