#pragma once
// Condition operators and their evaluation against a request context.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accessgraph/condition/context.hpp"
#include "accessgraph/condition/values.hpp"
#include "accessgraph/match/arn.hpp"
#include "accessgraph/match/pattern.hpp"

namespace accessgraph::condition {

enum class OperatorFamily : std::uint8_t {
  kStringEquals, kStringEqualsIgnoreCase, kStringLike,
  kNumericEquals, kNumericLessThan, kNumericLessThanEquals, kNumericGreaterThan, kNumericGreaterThanEquals,
  kDateEquals, kDateLessThan, kDateLessThanEquals, kDateGreaterThan, kDateGreaterThanEquals,
  kBool, kBinaryEquals, kIpAddress, kArnLike, kNull,
};

enum class SetQualifier : std::uint8_t { kNone, kForAllValues, kForAnyValue };

struct Operator {
  OperatorFamily family;
  bool negated = false;    // StringNotEquals, NumericNotEquals, NotIpAddress, ArnNotLike, ...
  bool if_exists = false;  // ...IfExists
  SetQualifier qualifier = SetQualifier::kNone;
  std::string name;        // as written in the policy

  // nullopt for an unknown operator name.
  static std::optional<Operator> parse(std::string_view name);
};

// The rules of one clause, shared by the full model (ConditionClause::evaluate) and compiled
// programs (policy::Program). `entry` is the request's value(s) of the key (nullptr: absent, see
// RequestContext::lookup);
// `matches_any(actual)` tells whether one request value matches any policy value in the operator's
// positive form; `null_holds(absent)` answers the Null operator; `resolvable()` is false when a
// policy variable of the clause cannot be resolved.
template <class MatchesAny, class NullHolds, class Resolvable>
bool clause_holds(OperatorFamily family, bool negated, bool if_exists, SetQualifier qualifier,
                  const ContextValues* entry, MatchesAny&& matches_any, NullHolds&& null_holds,
                  Resolvable&& resolvable) noexcept {
  // Null: "true" holds when the key is absent, "false" when it is present; values are alternatives.
  if (family == OperatorFamily::kNull) return null_holds(entry == nullptr);
  if (entry == nullptr) {
    // Absent key: ...IfExists and ForAllValues hold, ForAnyValue fails, a negated operator holds,
    // a positive one fails (FORMAT.md convention 12; IAM condition operator docs).
    if (if_exists) return true;
    if (qualifier == SetQualifier::kForAllValues) return true;
    if (qualifier == SetQualifier::kForAnyValue) return false;
    return negated;
  }
  // A policy variable that cannot be resolved (key absent without a default, or multi-valued)
  // makes the condition fail whatever the operator: "If AWS cannot resolve a variable, this might
  // cause the entire statement to be invalid" (IAM User Guide, policy variables). Checked after
  // the absent-key rules so that ...IfExists still protects a statement.
  if (!resolvable()) return false;
  switch (qualifier) {
    case SetQualifier::kForAllValues:
      // Every request value must satisfy the operator; an empty set satisfies it vacuously.
      for (std::size_t i = 0; i < entry->size(); ++i) {
        if (matches_any((*entry)[i]) == negated) return false;
      }
      return true;
    case SetQualifier::kForAnyValue:
      for (std::size_t i = 0; i < entry->size(); ++i) {
        if (matches_any((*entry)[i]) != negated) return true;
      }
      return false;
    case SetQualifier::kNone:
      break;
  }
  // No qualifier: a positive operator holds when any request value matches any policy value; a
  // negated operator holds when no request value matches any policy value.
  bool any = false;
  for (std::size_t i = 0; i < entry->size(); ++i) {
    if (matches_any((*entry)[i])) {
      any = true;
      break;
    }
  }
  return any != negated;
}

// Families whose request value is a number or a date, compared with compare_number.
bool is_date_family(OperatorFamily f) noexcept;
bool is_numeric_family(OperatorFamily f) noexcept;
bool compare_number(OperatorFamily f, double actual, double expected) noexcept;

// One compiled policy value of a condition.
struct ConditionValue {
  std::string text;
  match::Pattern pattern;        // String*, Binary, Bool (literal or with wildcards / variables)
  std::shared_ptr<const match::ArnPattern> arn;  // Arn* only (kept out of line: it is large)
  double number = 0;             // Numeric*, Date* (epoch seconds)
  IpNetwork network;             // IpAddress
  bool null_is_true = false;     // Null
};

// One operator applied to one key: `"StringEquals": {"aws:username": ["a", "b"]}`.
struct ConditionClause {
  Operator op;
  std::string key;        // as written
  std::string key_lower;
  std::uint64_t key_hash = 0;  // RequestContext::key_hash(key_lower)
  std::vector<ConditionValue> values;
  bool has_variables = false;  // some value holds a policy variable

  bool evaluate(const RequestContext& context) const noexcept;
};

// A Condition block: every clause must hold (AND).
struct ConditionBlock {
  std::vector<ConditionClause> clauses;
  bool evaluate(const RequestContext& context) const noexcept {
    for (const auto& clause : clauses) {
      if (!clause.evaluate(context)) return false;
    }
    return true;
  }
  // Open-world evaluation (RequestContext::open_world): a clause on a key the model does not know
  // counts as `assume_unknown`; the clauses assumed are appended to `assumed` when given.
  bool evaluate(const RequestContext& context, bool assume_unknown,
                std::vector<const ConditionClause*>* assumed) const {
    if (!context.open_world()) return evaluate(context);
    for (const auto& clause : clauses) {
      if (context.find(clause.key_lower, clause.key_hash) == nullptr && !context.is_closed(clause.key_lower)) {
        if (!assume_unknown) return false;
        if (assumed) assumed->push_back(&clause);
        continue;
      }
      if (!clause.evaluate(context)) return false;
    }
    return true;
  }
  std::string to_text() const;  // compact JSON-like text of the whole block
  bool empty() const noexcept { return clauses.empty(); }
};

}  // namespace accessgraph::condition

namespace accessgraph::condition {
// Compiles one policy value for `op`; nullopt when the value is not valid for the operator
// (a number for Numeric*, a date for Date*, an address or CIDR for IpAddress, true/false for Null).
std::optional<ConditionValue> compile_value(const Operator& op, std::string_view text, bool variables);
// `"StringEquals": {"aws:SourceVpc": "vpc-1"}`
std::string describe_clause(const ConditionClause& clause);
}  // namespace accessgraph::condition
