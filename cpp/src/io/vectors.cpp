#include "accessgraph/io/vectors.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "accessgraph/policy/json_reader.hpp"
#include "accessgraph/policy/parse_error.hpp"

namespace accessgraph::io {

using nlohmann::json;
using policy::ParseError;

namespace {

// `resource_based`: resource policies and RCPs (policy::check_principal_elements).
// `needs_resource`: identity policies, boundaries, session policies (policy::check_resource_elements).
policy::PolicyPtr parse_policy(const json& j, const std::string& pointer, const std::string& name, bool resource_based,
                               bool needs_resource = false) {
  policy::PolicyPtr p;
  try {
    p = policy::Policy::parse(j.dump(), name);
  } catch (const ParseError& e) {
    throw ParseError(e.code(), e.message(), pointer + e.json_pointer());
  }
  policy::check_principal_elements(*p, resource_based, pointer);
  if (needs_resource) policy::check_resource_elements(*p, pointer);
  return p;
}

const json& field(const json& obj, const char* key, const std::string& pointer) {
  auto it = obj.find(key);
  if (it == obj.end()) throw ParseError("missing-field",
                                        std::string("the vector has no \"") + key + "\" field", pointer);
  return *it;
}

std::string string_field(const json& obj, const char* key, const std::string& pointer) {
  const json& v = field(obj, key, pointer);
  if (v.is_null()) return {};
  if (!v.is_string()) throw ParseError(policy::codes::kWrongType, std::string("\"") + key + "\" must be a string", pointer + "/" + key);
  return v.get<std::string>();
}

std::vector<eval::OrgLevel> levels(const json& j, const std::string& pointer, const char* kind) {
  std::vector<eval::OrgLevel> out;
  if (!j.is_array()) throw ParseError(policy::codes::kWrongType, "expected a list of levels", pointer);
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string p = pointer + "/" + std::to_string(i);
    if (!j[i].is_array()) throw ParseError(policy::codes::kWrongType, "expected a list of policies", p);
    eval::OrgLevel level;
    level.name = i == 0 ? "0 (root)" : (i + 1 == j.size() ? std::to_string(i) + " (account)" : std::to_string(i) + " (OU)");
    for (std::size_t k = 0; k < j[i].size(); ++k) {
      level.policies.push_back(parse_policy(j[i][k], p + "/" + std::to_string(k), std::string(kind) + "[" + std::to_string(i) + "][" + std::to_string(k) + "]",
                                              std::string(kind) == "rcp"));
    }
    out.push_back(std::move(level));
  }
  return out;
}

}  // namespace

Vector parse_vector(std::string_view line) {
  // Nesting deeper than a vector needs would overflow the recursive JSON code: reject it first.
  policy::check_json_depth(line, policy::kMaxJsonDepth + 8);
  json doc;
  // The embedded policies are re-serialized below, which would drop a repeated key: refuse it here.
  policy::DomReader<json> reader(doc, true);
  try {
    reader.read(line);
  } catch (const json::exception& e) {  // parse errors, and numbers beyond double range
    throw ParseError(policy::codes::kInvalidJson, std::string("not valid JSON: ") + e.what(), "");
  }
  if (reader.repeated()) {
    throw ParseError(policy::codes::kDuplicateKey, policy::duplicate_key_message(reader.repeated_key()),
                     reader.repeated_pointer());
  }
  if (!doc.is_object()) throw ParseError(policy::codes::kWrongType, "a vector must be a JSON object", "");
  Vector v;
  v.id = string_field(doc, "id", "");
  v.category = string_field(doc, "category", "");
  v.expected = string_field(doc, "expected", "");
  const json& req = field(doc, "request", "");
  if (!req.is_object()) throw ParseError(policy::codes::kWrongType, "\"request\" must be an object", "/request");
  v.request = eval::Request::make(string_field(req, "principal", "/request"), string_field(req, "action", "/request"),
                                  string_field(req, "resource", "/request"),
                                  string_field(req, "principal_account", "/request"),
                                  string_field(req, "resource_account", "/request"));
  if (auto it = req.find("context"); it != req.end() && !it->is_null()) {
    if (!it->is_object()) throw ParseError(policy::codes::kWrongType, "\"context\" must be an object", "/request/context");
    for (const auto& [key, value] : it->items()) {
      const std::string p = "/request/context/" + key;
      if (value.is_string()) {
        v.request.context.set(key, value.get<std::string>());
      } else if (value.is_array()) {
        std::vector<std::string> values;
        for (const auto& x : value) {
          if (!x.is_string()) throw ParseError(policy::codes::kWrongType, "context values must be strings", p);
          values.push_back(x.get<std::string>());
        }
        v.request.context.set_multi(key, std::move(values));
      } else {
        throw ParseError(policy::codes::kWrongType, "a context value must be a string or a list of strings", p);
      }
    }
  }
  v.request.identify_session_role();
  eval::PolicySet set;
  const json& ids = field(doc, "identity_policies", "");
  if (!ids.is_array()) throw ParseError(policy::codes::kWrongType, "expected a list of policies", "/identity_policies");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    set.identity_policies.push_back(parse_policy(ids[i], "/identity_policies/" + std::to_string(i), "identity[" + std::to_string(i) + "]", false, true));
  }
  auto optional_policy = [&doc](const char* key, const char* name, bool resource_based) -> policy::PolicyPtr {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return nullptr;
    return parse_policy(*it, std::string("/") + key, name, resource_based, !resource_based);
  };
  set.permissions_boundary = optional_policy("permission_boundary", "boundary", false);
  set.session_policy = optional_policy("session_policy", "session", false);
  set.resource_policy = optional_policy("resource_policy", "resource", true);
  set.scp_levels = levels(field(doc, "scps", ""), "/scps", "scp");
  set.rcp_levels = levels(field(doc, "rcps", ""), "/rcps", "rcp");
  if (auto it = doc.find("options"); it != doc.end() && it->is_object()) {
    if (auto b = it->find("s3_block_public_access"); b != it->end()) {
      if (!b->is_boolean()) throw ParseError(policy::codes::kWrongType, "must be true or false", "/options/s3_block_public_access");
      set.options.s3_restrict_public_buckets = b->get<bool>();
    }
  }
  v.policies = eval::PreparedPolicySet(std::move(set));
  return v;
}

std::vector<Vector> load_vectors(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  std::vector<Vector> out;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      out.push_back(parse_vector(line));
    } catch (const ParseError& e) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  return out;
}

}  // namespace accessgraph::io
