#pragma once
// The IAM policy document model. A Policy is parsed from JSON once into this compiled, immutable
// form (actions lower-cased, patterns tokenized, condition values typed); evaluation never touches
// JSON. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accessgraph/condition/condition.hpp"
#include "accessgraph/match/arn.hpp"
#include "accessgraph/match/pattern.hpp"
#include "accessgraph/match/principal.hpp"
#include "accessgraph/policy/program.hpp"

namespace accessgraph::policy {

enum class Effect : std::uint8_t { kAllow, kDeny };
const char* to_string(Effect e) noexcept;

enum class Version : std::uint8_t {
  kNone,        // no Version element: policy variables are literal text
  k2008_10_17,  // policy variables are literal text
  k2012_10_17,  // policy variables are substituted
};

struct Statement {
  // Hot fields first (read for every statement of every evaluation).
  Effect effect = Effect::kAllow;
  bool not_action = false;
  bool has_resource = false;                 // false: no Resource/NotResource (trust policies)
  bool not_resource = false;
  bool has_principal = false;                // false: identity policy / SCP statement
  bool not_principal = false;
  // Services the Action element can name (hashes of the lower-cased prefixes) when there are at
  // most four and none has a wildcard: most statements are skipped without touching a pattern.
  std::uint8_t service_count = 0;  // 0: any service (wildcards, NotAction, or more than four)
  std::array<std::uint32_t, 4> service_hashes{};
  std::vector<match::Pattern> actions;       // lower-cased
  std::vector<match::ResourcePattern> resources;
  condition::ConditionBlock condition;
  match::PrincipalSpec principal;

  std::size_t index = 0;      // position in the Statement list
  std::string sid;            // "" when absent
  std::string json_pointer;   // e.g. /Statement/2

  // Action element matches `action_lower` (already lower-cased).
  bool matches_action(std::string_view action_lower) const noexcept;
  // False when the statement certainly does not name the service (`service_hash` of the request's
  // lower-cased service prefix); true means "check the actions".
  bool may_name_service(std::uint32_t service_hash) const noexcept {
    if (service_count == 0) return true;
    for (std::uint8_t i = 0; i < service_count; ++i) {
      if (service_hashes[i] == service_hash) return true;
    }
    return false;
  }
  // Hash of the service prefix of `action` (the text before ':'), case-insensitive.
  static std::uint32_t service_hash(std::string_view action) noexcept;
  bool matches_resource(const match::SplitArn& resource, const condition::RequestContext& ctx) const noexcept;
  bool matches_resource(std::string_view resource, const condition::RequestContext& ctx) const noexcept {
    return matches_resource(match::SplitArn::of(resource), ctx);
  }
  // Human label: `#2 (Sid "AllowRead")`.
  std::string label() const;
};

// Aligned to a cache line: the program's header and the start of the statements vector (all that
// evaluating a policy reads from this object) then lie in one line; std::make_shared places the
// object after its control block at that alignment.
class alignas(64) Policy {
 public:
  // Throws ParseError. `name` labels the policy in explanations.
  static std::shared_ptr<Policy> parse(std::string_view json_text, std::string name = {});
  struct ParseOptions {
    // A key repeated in one JSON object is refused (ParseError `duplicate-key`), since JSON readers
    // differ on which value they keep. Snapshots hold documents AWS stored: there the last value is
    // kept, as most readers do, and the repetition's JSON pointer is reported here.
    bool keep_last_repeated_key = false;
    std::string* repeated_key_pointer = nullptr;
  };
  static std::shared_ptr<Policy> parse(std::string_view json_text, std::string name, const ParseOptions& options);

  const std::string& name() const noexcept { return name_; }
  const std::string& id() const noexcept { return id_; }
  Version version() const noexcept { return version_; }
  const std::vector<Statement>& statements() const noexcept { return statements_; }
  // The compact evaluation form of statements() (same order).
  const Program& program() const noexcept { return program_; }

  // Used by the parser only.
  Policy(std::string name, std::string id, Version version, std::vector<Statement> statements)
      : statements_(std::move(statements)), name_(std::move(name)), id_(std::move(id)), version_(version) {
    program_ = Program(statements_);
  }
  // Immutable once built: evaluation plans (eval::PreparedPolicySet) point into its program and
  // statements, which assigning another policy to it would free.
  Policy& operator=(const Policy&) = delete;
  Policy& operator=(Policy&&) = delete;

 private:
  Program program_;  // first: read by every evaluation
  std::vector<Statement> statements_;  // its data pointer is in the first cache line too
  std::string name_;
  std::string id_;
  Version version_;
};

// Policies are immutable after parsing (no mutating member); the pointer is non-const only so
// that Python bindings can hold it.
using PolicyPtr = std::shared_ptr<Policy>;

// Where a policy is used decides which elements it may have (IAM UG, Principal element): every
// statement of a resource-based policy (bucket/key/queue/... policy, role trust policy, RCP) names
// a Principal or NotPrincipal; identity-based policies, permissions boundaries, session policies
// and SCPs cannot use either. AWS refuses such a policy, so it is an error here rather than a
// statement silently left out (a resource-policy Deny without Principal would otherwise vanish).
// Throws ParseError `missing-principal` / `unexpected-principal` at `pointer` + the statement's.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
void check_principal_elements(const Policy& p, bool resource_based, const std::string& pointer = {});
// Every statement of an IAM identity policy (also a permissions boundary or session policy) has a
// Resource or NotResource element (IAM UG, Resource element: "Statements must include either a
// Resource or a NotResource element"); without this check such a statement would match every
// resource. Resource-based policies are not checked: a role trust policy has no Resource.
// Throws ParseError `missing-resource`.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
void check_resource_elements(const Policy& p, const std::string& pointer = {});

// Largest policy document accepted (AWS's own limits are far lower: 10,240 characters for a
// managed policy, 20 KB for an S3 bucket policy). Bigger input is rejected as `too-large`.
inline constexpr std::size_t kMaxPolicyBytes = 1 << 20;
// Deepest JSON nesting accepted; a policy needs 5 levels.
inline constexpr int kMaxJsonDepth = 64;
// Throws ParseError `too-deep` when `text` nests arrays/objects deeper than `limit`.
void check_json_depth(std::string_view text, int limit);

// The message of ParseError `duplicate-key` for `key` (policy/json_reader.hpp).
std::string duplicate_key_message(std::string_view key);

}  // namespace accessgraph::policy
