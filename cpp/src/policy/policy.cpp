// Policy JSON -> compiled Policy. The only place (with io/) that touches JSON.
#include "accessgraph/policy/policy.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accessgraph/policy/json_reader.hpp"
#include "accessgraph/policy/parse_error.hpp"

namespace accessgraph::policy {

namespace {

// The document tree of the policy being parsed lives in a per-thread arena that is rewound at the
// start of every Policy::parse: no malloc/free per JSON node or string. The tree never leaves
// Policy::parse (everything kept is copied into the compiled Policy), and parse does not recurse.
class DomArena {
 public:
  void* allocate(std::size_t n, std::size_t align) {
    std::size_t at = (used_ + align - 1) & ~(align - 1);
    if (current_ == nullptr || at + n > capacity_) {
      grow(n + align);
      at = 0;
    }
    used_ = at + n;
    return current_ + at;
  }
  // Forgets every allocation; keeps the newest block unless a huge document made it big.
  void rewind() noexcept {
    if (blocks_.size() > 1) blocks_.erase(blocks_.begin(), blocks_.end() - 1);
    if (capacity_ > kKeepBytes) {
      blocks_.clear();
      current_ = nullptr;
      capacity_ = 0;
    }
    used_ = 0;
  }

 private:
  static constexpr std::size_t kBlockBytes = 256 * 1024;
  static constexpr std::size_t kKeepBytes = 4 * 1024 * 1024;
  void grow(std::size_t need) {
    const std::size_t size = std::max({need, kBlockBytes, capacity_ * 2});
    blocks_.push_back(std::make_unique<unsigned char[]>(size));
    current_ = blocks_.back().get();
    capacity_ = size;
    used_ = 0;
  }
  std::vector<std::unique_ptr<unsigned char[]>> blocks_;
  unsigned char* current_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
};

thread_local DomArena t_dom_arena;

template <class T>
struct DomAllocator {
  using value_type = T;
  DomAllocator() noexcept = default;
  template <class U>
  DomAllocator(const DomAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)
  T* allocate(std::size_t n) { return static_cast<T*>(t_dom_arena.allocate(n * sizeof(T), alignof(T))); }
  void deallocate(T*, std::size_t) noexcept {}
  template <class U>
  bool operator==(const DomAllocator<U>&) const noexcept { return true; }
  template <class U>
  bool operator!=(const DomAllocator<U>&) const noexcept { return false; }
};

using DomString = std::basic_string<char, std::char_traits<char>, DomAllocator<char>>;
using json = nlohmann::basic_json<std::map, std::vector, DomString, bool, std::int64_t, std::uint64_t, double, DomAllocator>;

std::string to_std(std::string_view s) { return std::string(s); }
std::string text_of(const json& j) { return to_std(j.get_ref<const DomString&>()); }

}  // namespace

const char* to_string(Effect e) noexcept { return e == Effect::kAllow ? "Allow" : "Deny"; }

std::string duplicate_key_message(std::string_view key) {
  std::string shown;
  for (char c : key) {  // the key as JSON would write it, so quotes and control bytes stay visible
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      shown += '\\';
      shown += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      shown += buf;
    } else {
      shown += c;
    }
  }
  return "the key \"" + shown +
         "\" appears more than once in one object; JSON readers differ on which value they keep, so the "
         "document is ambiguous";
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

namespace {

// Where an element is: a JSON pointer built only when needed (errors, Statement::json_pointer).
// The parse functions pass it as a chain of parent links on the stack, so that reading a policy
// allocates no pointer strings.
struct Loc {
  const Loc* parent = nullptr;  // nullptr: the document root ""
  std::string_view key;         // an object member (escaped on output), unless is_index
  std::size_t index = 0;
  bool is_index = false;
  Loc() = default;
  Loc(const Loc& p, std::string_view k) : parent(&p), key(k) {}
  Loc(const Loc& p, std::size_t i) : parent(&p), index(i), is_index(true) {}
  std::string str() const {
    if (parent == nullptr) return {};
    std::string s = parent->str();
    s += '/';
    s += is_index ? std::to_string(index) : escape_pointer_token(key);
    return s;
  }
};

const char* type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "a list";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "invalid JSON";
    default: return "a number";
  }
}

[[noreturn]] void wrong_type(const json& j, const char* expected, const Loc& at) {
  throw ParseError(codes::kWrongType, std::string("expected ") + expected + ", found " + type_name(j), at.str());
}

}  // namespace

// Rejects nesting deeper than `limit` before the recursive JSON parser sees the text.
void check_json_depth(std::string_view text, int limit) {
  int depth = 0;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (const char* p = begin; p < end; ++p) {
    const char c = *p;
    if (c == '"') {
      // Skip the string: the next quote not escaped by an odd run of backslashes.
      const char* q = p + 1;
      while (true) {
        q = static_cast<const char*>(std::memchr(q, '"', static_cast<std::size_t>(end - q)));
        if (q == nullptr) return;  // unterminated: the JSON parser reports it
        std::size_t slashes = 0;
        for (const char* b = q - 1; b > p && *b == '\\'; --b) ++slashes;
        if (slashes % 2 == 0) break;
        ++q;
      }
      p = q;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) {
        throw ParseError(codes::kTooDeep, "JSON nesting deeper than " + std::to_string(limit) +
                                              " levels (at byte " + std::to_string(p - begin) + ")", "");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

namespace {

// In a 2012-10-17 policy every `${` opens a variable `${key}` or `${key, 'default'}` that must be
// closed and name a key (IAM UG, policy variables; a literal `$` is written `${$}`).
void check_variables(std::string_view text, const Loc& at) {
  for (std::size_t i = text.find("${"); i != std::string_view::npos; i = text.find("${", i + 2)) {
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      throw ParseError(codes::kInvalidVariable, "policy variable \"" + std::string(text.substr(i)) + "\" is not closed with }",
                       at.str());
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    const std::size_t start = body.find_first_not_of(" \t");
    if (start == std::string_view::npos || body[start] == ',') {
      throw ParseError(codes::kInvalidVariable, "policy variable \"${" + std::string(body) + "}\" names no key", at.str());
    }
  }
}

// A string or a non-empty list of strings (Action, Resource, principal lists), as views into `j`.
std::vector<std::string_view> string_list(const json& j, const Loc& at) {
  std::vector<std::string_view> out;
  if (j.is_string()) {
    out.push_back(j.get_ref<const DomString&>());
  } else if (j.is_array()) {
    if (j.empty()) throw ParseError(codes::kEmptyValue, "the list is empty", at.str());
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (!j[i].is_string()) wrong_type(j[i], "a string", Loc(at, i));
      out.push_back(j[i].get_ref<const DomString&>());
    }
  } else {
    wrong_type(j, "a string or a list of strings", at);
  }
  return out;
}

// Condition values: strings, numbers and booleans are accepted and used as text.
std::string scalar_text(const json& j, const Loc& at) {
  if (j.is_string()) return text_of(j);
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_number_integer()) return std::to_string(j.get<long long>());
  if (j.is_number_unsigned()) return std::to_string(j.get<unsigned long long>());
  if (j.is_number_float()) return to_std(j.dump());
  wrong_type(j, "a string, number or boolean", at);
}

match::PrincipalSpec parse_principal(const json& j, const Loc& at) {
  match::PrincipalSpec spec;
  if (j.is_string()) {
    if (j.get_ref<const DomString&>() != "*") {
      throw ParseError(codes::kWrongType, "a principal given as a string must be \"*\"; use {\"AWS\": ...}", at.str());
    }
    spec.wildcard = true;
    return spec;
  }
  if (!j.is_object()) wrong_type(j, "\"*\" or an object such as {\"AWS\": ...}", at);
  for (const auto& [type, value] : j.items()) {
    const Loc p(at, type);
    const std::vector<std::string_view> values = string_list(value, p);
    std::vector<std::string>* target = nullptr;
    if (type == "AWS") target = &spec.aws;
    else if (type == "Service") target = &spec.service;
    else if (type == "Federated") target = &spec.federated;
    else if (type == "CanonicalUser") target = &spec.canonical_user;
    else {
      throw ParseError(codes::kUnknownPrincipalType,
                       "unknown principal type \"" + to_std(type) + "\" (expected AWS, Service, Federated or CanonicalUser)", p.str());
    }
    for (const auto v : values) {
      // "*" means every principal only as "*" or {"AWS": "*"} (IAM UG, Principal element: "All
      // principals"); {"Service": "*"} names every service principal, {"Federated": "*"} every
      // federated one — never an IAM user, a role or an anonymous caller.
      if (v == "*" && target == &spec.aws) spec.wildcard = true;
      target->emplace_back(v);
    }
  }
  return spec;
}

condition::ConditionBlock parse_condition(const json& j, const Loc& at, bool variables) {
  condition::ConditionBlock block;
  if (!j.is_object()) wrong_type(j, "an object of condition operators", at);
  for (const auto& item : j.items()) {
    const std::string op_name = to_std(item.key());  // a named copy: lambdas below capture it
    const auto& keys = item.value();
    const Loc op_at(at, item.key());
    auto op = condition::Operator::parse(op_name);
    if (!op) {
      throw ParseError(codes::kUnknownConditionOperator, "unknown condition operator \"" + op_name + "\"", op_at.str());
    }
    if (!keys.is_object()) wrong_type(keys, "an object of condition keys", op_at);
    for (const auto& [key, raw_values] : keys.items()) {
      const Loc key_at(op_at, key);
      condition::ConditionClause clause;
      clause.op = *op;
      clause.key = key;
      clause.key_lower = condition::to_lower_ascii(key);
      clause.key_hash = condition::RequestContext::key_hash(clause.key_lower);
      auto add = [&](const json& v, const Loc& p) {
        std::string text = scalar_text(v, p);
        if (variables && v.is_string()) check_variables(text, p);
        auto compiled = condition::compile_value(*op, text, variables);
        if (!compiled) {
          throw ParseError(codes::kInvalidConditionValue,
                           "\"" + text + "\" is not a valid value for " + op_name, p.str());
        }
        clause.has_variables |= compiled->pattern.has_variables() || (compiled->arn && compiled->arn->has_variables());
        clause.values.push_back(std::move(*compiled));
      };
      if (raw_values.is_array()) {
        clause.values.reserve(raw_values.size());
        for (std::size_t i = 0; i < raw_values.size(); ++i) add(raw_values[i], Loc(key_at, i));
      } else {
        add(raw_values, key_at);
      }
      block.clauses.push_back(std::move(clause));
    }
  }
  return block;
}

Statement parse_statement(const json& j, const Loc& at, std::size_t index, bool variables) {
  if (!j.is_object()) wrong_type(j, "a statement object", at);
  Statement st;
  st.index = index;
  st.json_pointer = at.str();
  bool has_effect = false, has_action = false;
  for (const auto& [name, value] : j.items()) {
    const Loc p(at, name);
    if (name == "Sid") {
      if (!value.is_string()) wrong_type(value, "a string", p);
      st.sid = text_of(value);
    } else if (name == "Effect") {
      if (!value.is_string()) wrong_type(value, "\"Allow\" or \"Deny\"", p);
      const std::string effect = text_of(value);
      if (effect == "Allow") st.effect = Effect::kAllow;
      else if (effect == "Deny") st.effect = Effect::kDeny;
      else throw ParseError(codes::kInvalidEffect, "Effect must be \"Allow\" or \"Deny\", not \"" + effect + "\"", p.str());
      has_effect = true;
    } else if (name == "Action" || name == "NotAction") {
      if (has_action) {
        throw ParseError(codes::kConflictingElements, "a statement has either Action or NotAction, not both", p.str());
      }
      has_action = true;
      st.not_action = name == "NotAction";
      bool any_service = st.not_action;
      const auto actions = string_list(value, p);
      st.actions.reserve(actions.size());
      for (const std::string_view a : actions) {
        st.actions.push_back(match::Pattern::compile(a, {true, false, true}));
        const std::size_t colon = a.find(':');
        const std::string_view service = std::string_view(a).substr(0, colon);
        if (colon == std::string::npos || match::has_wildcard(service)) {
          any_service = true;
          continue;
        }
        const std::uint32_t h = Statement::service_hash(service);
        bool seen = false;
        for (std::uint8_t i = 0; i < st.service_count; ++i) seen |= st.service_hashes[i] == h;
        if (seen) continue;
        if (st.service_count == 4) {
          any_service = true;
          continue;
        }
        st.service_hashes[st.service_count++] = h;
      }
      if (any_service) st.service_count = 0;
    } else if (name == "Resource" || name == "NotResource") {
      if (st.has_resource) {
        throw ParseError(codes::kConflictingElements, "a statement has either Resource or NotResource, not both", p.str());
      }
      st.has_resource = true;
      st.not_resource = name == "NotResource";
      const auto resources = string_list(value, p);
      st.resources.reserve(resources.size());
      for (std::size_t i = 0; i < resources.size(); ++i) {
        if (variables) check_variables(resources[i], value.is_array() ? Loc(p, i) : p);
        st.resources.push_back(match::ResourcePattern::compile(resources[i], variables));
      }
    } else if (name == "Principal" || name == "NotPrincipal") {
      if (st.has_principal) {
        throw ParseError(codes::kConflictingElements, "a statement has either Principal or NotPrincipal, not both", p.str());
      }
      st.has_principal = true;
      st.not_principal = name == "NotPrincipal";
      st.principal = parse_principal(value, p);
    } else if (name == "Condition") {
      st.condition = parse_condition(value, p, variables);
    } else {
      throw ParseError(codes::kUnknownElement, "unknown statement element \"" + to_std(name) + "\"", p.str());
    }
  }
  if (!has_effect) throw ParseError(codes::kMissingEffect, "the statement has no Effect", at.str());
  if (!has_action) throw ParseError(codes::kMissingAction, "the statement has neither Action nor NotAction", at.str());
  return st;
}

}  // namespace

std::shared_ptr<Policy> Policy::parse(std::string_view text, std::string name) {
  return parse(text, std::move(name), ParseOptions{});
}

std::shared_ptr<Policy> Policy::parse(std::string_view text, std::string name, const ParseOptions& options) {
  if (text.size() > kMaxPolicyBytes) {
    throw ParseError(codes::kTooLarge, "the policy is " + std::to_string(text.size()) + " bytes; the limit is " +
                                           std::to_string(kMaxPolicyBytes), "");
  }
  check_json_depth(text, kMaxJsonDepth);
  t_dom_arena.rewind();
  json doc;
  DomReader<json> reader(doc, !options.keep_last_repeated_key);
  try {
    reader.read(text);
  } catch (const json::exception& e) {  // parse errors, and numbers beyond double range (out_of_range)
    throw ParseError(codes::kInvalidJson, "not valid JSON: " + std::string(e.what()), "");
  }
  if (reader.repeated()) {
    if (!options.keep_last_repeated_key) {
      throw ParseError(codes::kDuplicateKey, duplicate_key_message(reader.repeated_key()), reader.repeated_pointer());
    }
    if (options.repeated_key_pointer) *options.repeated_key_pointer = reader.repeated_pointer();
  }
  const Loc root;
  if (!doc.is_object()) wrong_type(doc, "a policy object", root);

  Version version = Version::kNone;
  std::string id;
  if (auto it = doc.find("Version"); it != doc.end()) {
    if (!it->is_string()) wrong_type(*it, "a string", Loc(root, "Version"));
    const std::string v = text_of(*it);
    if (v == "2012-10-17") version = Version::k2012_10_17;
    else if (v == "2008-10-17") version = Version::k2008_10_17;
    else throw ParseError(codes::kUnsupportedVersion, "Version must be \"2012-10-17\" or \"2008-10-17\", not \"" + v + "\"", "/Version");
  }
  const bool variables = version == Version::k2012_10_17;
  std::vector<Statement> statements;
  bool has_statement = false;
  const Loc statement_at(root, "Statement");
  for (const auto& [key, value] : doc.items()) {
    if (key == "Version") continue;
    if (key == "Id") {
      if (!value.is_string()) wrong_type(value, "a string", Loc(root, "Id"));
      id = text_of(value);
    } else if (key == "Statement") {
      has_statement = true;
      if (value.is_array()) {
        statements.reserve(value.size());
        for (std::size_t i = 0; i < value.size(); ++i) {
          statements.push_back(parse_statement(value[i], Loc(statement_at, i), i, variables));
        }
      } else {
        statements.push_back(parse_statement(value, statement_at, 0, variables));
      }
    } else {
      throw ParseError(codes::kUnknownElement, "unknown policy element \"" + to_std(key) + "\"", Loc(root, key).str());
    }
  }
  if (!has_statement) throw ParseError(codes::kMissingStatement, "the policy has no Statement", "");
  return std::make_shared<Policy>(std::move(name), std::move(id), version, std::move(statements));
}

std::uint32_t Statement::service_hash(std::string_view action) noexcept {
  std::uint32_t h = 2166136261u;  // FNV-1a over the lower-cased service prefix
  for (char c : action) {
    if (c == ':') break;
    h ^= static_cast<unsigned char>(condition::lower_ascii(c));
    h *= 16777619u;
  }
  return h;
}

bool Statement::matches_action(std::string_view action_lower) const noexcept {
  bool any = false;
  for (const auto& a : actions) {
    if (a.matches(action_lower, nullptr)) {
      any = true;
      break;
    }
  }
  return any != not_action;
}

bool Statement::matches_resource(const match::SplitArn& resource, const condition::RequestContext& ctx) const noexcept {
  if (!has_resource) return true;  // trust policies have no Resource element
  if (not_resource) {
    // An unresolvable variable in NotResource invalidates the statement (IAM policy variables).
    for (const auto& r : resources) {
      if (r.has_variables() && !r.resolvable(&ctx)) return false;
    }
  }
  bool any = false;
  for (const auto& r : resources) {
    if (r.matches(resource, &ctx)) {
      any = true;
      break;
    }
  }
  return any != not_resource;
}

std::string Statement::label() const {
  std::string s = "#" + std::to_string(index);
  if (!sid.empty()) s += " (Sid \"" + sid + "\")";
  return s;
}

void check_principal_elements(const Policy& p, bool resource_based, const std::string& pointer) {
  for (const Statement& st : p.statements()) {
    if (resource_based && !st.has_principal) {
      throw ParseError(codes::kMissingPrincipal,
                       "a statement of a resource-based policy must have a Principal or NotPrincipal element",
                       pointer + st.json_pointer);
    }
    if (!resource_based && st.has_principal) {
      throw ParseError(codes::kUnexpectedPrincipal,
                       std::string(st.not_principal ? "NotPrincipal" : "Principal") +
                           " cannot be used in an identity-based policy, permissions boundary, session policy or SCP",
                       pointer + st.json_pointer + (st.not_principal ? "/NotPrincipal" : "/Principal"));
    }
  }
}

void check_resource_elements(const Policy& p, const std::string& pointer) {
  for (const Statement& st : p.statements()) {
    if (!st.has_resource) {
      throw ParseError(codes::kMissingResource,
                       "a statement of an identity policy, permissions boundary or session policy must have a "
                       "Resource or NotResource element",
                       pointer + st.json_pointer);
    }
  }
}

}  // namespace accessgraph::policy
