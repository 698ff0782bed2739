#include "accessgraph/condition/condition.hpp"


namespace accessgraph::condition {

namespace {

struct FamilyName {
  std::string_view name;
  OperatorFamily family;
  bool negated;
};

constexpr FamilyName kOperators[] = {
    {"StringEquals", OperatorFamily::kStringEquals, false},
    {"StringNotEquals", OperatorFamily::kStringEquals, true},
    {"StringEqualsIgnoreCase", OperatorFamily::kStringEqualsIgnoreCase, false},
    {"StringNotEqualsIgnoreCase", OperatorFamily::kStringEqualsIgnoreCase, true},
    {"StringLike", OperatorFamily::kStringLike, false},
    {"StringNotLike", OperatorFamily::kStringLike, true},
    {"NumericEquals", OperatorFamily::kNumericEquals, false},
    {"NumericNotEquals", OperatorFamily::kNumericEquals, true},
    {"NumericLessThan", OperatorFamily::kNumericLessThan, false},
    {"NumericLessThanEquals", OperatorFamily::kNumericLessThanEquals, false},
    {"NumericGreaterThan", OperatorFamily::kNumericGreaterThan, false},
    {"NumericGreaterThanEquals", OperatorFamily::kNumericGreaterThanEquals, false},
    {"DateEquals", OperatorFamily::kDateEquals, false},
    {"DateNotEquals", OperatorFamily::kDateEquals, true},
    {"DateLessThan", OperatorFamily::kDateLessThan, false},
    {"DateLessThanEquals", OperatorFamily::kDateLessThanEquals, false},
    {"DateGreaterThan", OperatorFamily::kDateGreaterThan, false},
    {"DateGreaterThanEquals", OperatorFamily::kDateGreaterThanEquals, false},
    {"Bool", OperatorFamily::kBool, false},
    {"BinaryEquals", OperatorFamily::kBinaryEquals, false},
    {"IpAddress", OperatorFamily::kIpAddress, false},
    {"NotIpAddress", OperatorFamily::kIpAddress, true},
    {"ArnEquals", OperatorFamily::kArnLike, false},
    {"ArnLike", OperatorFamily::kArnLike, false},
    {"ArnNotEquals", OperatorFamily::kArnLike, true},
    {"ArnNotLike", OperatorFamily::kArnLike, true},
    {"Null", OperatorFamily::kNull, false},
};

bool is_string_family(OperatorFamily f) {
  return f == OperatorFamily::kStringEquals || f == OperatorFamily::kStringEqualsIgnoreCase ||
         f == OperatorFamily::kStringLike;
}

}  // namespace

bool compare_number(OperatorFamily f, double actual, double expected) noexcept {
  switch (f) {
    case OperatorFamily::kNumericEquals:
    case OperatorFamily::kDateEquals: return actual == expected;
    case OperatorFamily::kNumericLessThan:
    case OperatorFamily::kDateLessThan: return actual < expected;
    case OperatorFamily::kNumericLessThanEquals:
    case OperatorFamily::kDateLessThanEquals: return actual <= expected;
    case OperatorFamily::kNumericGreaterThan:
    case OperatorFamily::kDateGreaterThan: return actual > expected;
    case OperatorFamily::kNumericGreaterThanEquals:
    case OperatorFamily::kDateGreaterThanEquals: return actual >= expected;
    default: return false;
  }
}

bool is_date_family(OperatorFamily f) noexcept {
  return f == OperatorFamily::kDateEquals || f == OperatorFamily::kDateLessThan ||
         f == OperatorFamily::kDateLessThanEquals || f == OperatorFamily::kDateGreaterThan ||
         f == OperatorFamily::kDateGreaterThanEquals;
}

bool is_numeric_family(OperatorFamily f) noexcept {
  return f == OperatorFamily::kNumericEquals || f == OperatorFamily::kNumericLessThan ||
         f == OperatorFamily::kNumericLessThanEquals || f == OperatorFamily::kNumericGreaterThan ||
         f == OperatorFamily::kNumericGreaterThanEquals;
}

std::optional<Operator> Operator::parse(std::string_view name) {
  Operator op;
  op.name = std::string(name);
  std::string_view rest = name;
  auto strip_prefix = [&rest](std::string_view prefix) {
    if (rest.substr(0, prefix.size()) == prefix) {
      rest.remove_prefix(prefix.size());
      return true;
    }
    return false;
  };
  if (strip_prefix("ForAllValues:")) {
    op.qualifier = SetQualifier::kForAllValues;
  } else if (strip_prefix("ForAnyValue:")) {
    op.qualifier = SetQualifier::kForAnyValue;
  }
  constexpr std::string_view kIfExists = "IfExists";
  if (rest.size() > kIfExists.size() && rest.substr(rest.size() - kIfExists.size()) == kIfExists) {
    op.if_exists = true;
    rest.remove_suffix(kIfExists.size());
  }
  for (const auto& entry : kOperators) {
    if (entry.name == rest) {
      op.family = entry.family;
      op.negated = entry.negated;
      if (op.family == OperatorFamily::kNull && (op.if_exists || op.qualifier != SetQualifier::kNone)) {
        return std::nullopt;  // NullIfExists / ForAnyValue:Null do not exist
      }
      return op;
    }
  }
  return std::nullopt;
}

std::optional<ConditionValue> compile_value(const Operator& op, std::string_view text, bool variables) {
  ConditionValue v;
  v.text = std::string(text);
  const OperatorFamily f = op.family;
  if (is_string_family(f)) {
    v.pattern = match::Pattern::compile(text, {f == OperatorFamily::kStringLike, variables, false});
  } else if (f == OperatorFamily::kArnLike) {
    v.arn = std::make_shared<const match::ArnPattern>(match::ArnPattern::compile(text, variables));
  } else if (is_numeric_family(f)) {
    auto n = parse_number(text);
    if (!n) return std::nullopt;
    v.number = *n;
  } else if (is_date_family(f)) {
    auto d = parse_date(text);
    if (!d) return std::nullopt;
    v.number = *d;
  } else if (f == OperatorFamily::kIpAddress) {
    auto net = parse_network(text);
    if (!net) return std::nullopt;
    v.network = *net;
  } else if (f == OperatorFamily::kNull) {
    if (match::iequals(text, "true")) v.null_is_true = true;
    else if (!match::iequals(text, "false")) return std::nullopt;
  }
  return v;
}

namespace {

// Does one request value match any of the clause's policy values (the positive form of the operator)?
bool matches_any(const ConditionClause& c, std::string_view actual, const RequestContext& ctx) noexcept {
  const OperatorFamily f = c.op.family;
  switch (f) {
    case OperatorFamily::kStringEquals:
    case OperatorFamily::kStringLike:
      for (const auto& v : c.values) {
        if (v.pattern.matches(actual, &ctx, false)) return true;
      }
      return false;
    case OperatorFamily::kStringEqualsIgnoreCase:
      for (const auto& v : c.values) {
        if (v.pattern.matches(actual, &ctx, true)) return true;
      }
      return false;
    case OperatorFamily::kArnLike:
      for (const auto& v : c.values) {
        if (v.arn->matches(actual, &ctx)) return true;
      }
      return false;
    case OperatorFamily::kBool:
      for (const auto& v : c.values) {
        if (match::iequals(actual, v.text)) return true;
      }
      return false;
    case OperatorFamily::kBinaryEquals:
      for (const auto& v : c.values) {
        if (actual == v.text) return true;
      }
      return false;
    case OperatorFamily::kIpAddress: {
      auto ip = parse_ip(actual);
      if (!ip) return false;
      for (const auto& v : c.values) {
        if (v.network.contains(*ip)) return true;
      }
      return false;
    }
    case OperatorFamily::kNull:
      return false;
    default: {
      auto n = is_date_family(f) ? parse_date(actual) : parse_number(actual);
      if (!n) return false;
      for (const auto& v : c.values) {
        if (compare_number(f, *n, v.number)) return true;
      }
      return false;
    }
  }
}

}  // namespace

bool ConditionClause::evaluate(const RequestContext& ctx) const noexcept {
  ContextValues found;
  const bool present = ctx.lookup(key_lower, key_hash, &found);
  return clause_holds(
      op.family, op.negated, op.if_exists, op.qualifier, present ? &found : nullptr,
      [this, &ctx](std::string_view actual) { return matches_any(*this, actual, ctx); },
      [this](bool absent) {
        for (const auto& v : values) {
          if (v.null_is_true == absent) return true;
        }
        return false;
      },
      [this, &ctx] {
        if (!has_variables) return true;
        for (const auto& v : values) {
          if (!(op.family == OperatorFamily::kArnLike ? v.arn->resolvable(&ctx) : v.pattern.resolvable(&ctx))) return false;
        }
        return true;
      });
}

namespace {
std::string clause_text(const ConditionClause& c) {
  std::string s = "\"" + c.op.name + "\": {\"" + c.key + "\": ";
  if (c.values.size() == 1) {
    s += "\"" + c.values[0].text + "\"";
  } else {
    s += "[";
    for (std::size_t i = 0; i < c.values.size(); ++i) s += (i ? ", \"" : "\"") + c.values[i].text + "\"";
    s += "]";
  }
  return s + "}";
}
}  // namespace

std::string ConditionBlock::to_text() const {
  std::string s;
  for (const auto& c : clauses) s += (s.empty() ? "" : ", ") + clause_text(c);
  return s;
}

std::string describe_clause(const ConditionClause& c) { return clause_text(c); }

}  // namespace accessgraph::condition
