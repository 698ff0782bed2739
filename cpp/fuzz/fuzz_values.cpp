// Fuzz target: the typed value parsers (condition/values.hpp), patterns (match/pattern.hpp), ARN
// patterns (match/arn.hpp), condition operators and values (condition/condition.hpp) and caller
// identities (match/principal.hpp).
//
// Input: up to three '\n'-separated fields "A\nB\nC" (seeds in cpp/fuzz/corpus/values/):
//   A  a policy-side value: a pattern, an ARN pattern, a condition value, a principal;
//   B  a request-side value: the string matched against A, a context value, a caller ARN;
//   C  optional condition operator name; without it a few operators are picked from the input.
// Each parser also sees the whole input, A and B alone.
//
// Besides "no crash, no exception" (all of these parsers are noexcept or never throw), the target
// checks properties that hold for every input:
//   * Pattern without variables agrees with a reference glob matcher (dynamic programming);
//   * a pattern / ARN pattern without variables matches its own text;
//   * a parsed IP address lies in the network parse_network makes of the same text.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "accessgraph/condition/condition.hpp"
#include "accessgraph/condition/context.hpp"
#include "accessgraph/condition/values.hpp"
#include "accessgraph/eval/request.hpp"
#include "accessgraph/match/arn.hpp"
#include "accessgraph/match/pattern.hpp"
#include "accessgraph/match/principal.hpp"
#include "fuzz_common.hpp"

namespace ag = accessgraph;
namespace cond = accessgraph::condition;
namespace match = accessgraph::match;

namespace {

constexpr std::size_t kMaxReferenceLength = 160;  // the reference matcher is O(n*m)
constexpr std::size_t kMaxMatchLength = 4096;

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + "\"";
}

// Reference glob: `*` matches any run of bytes, `?` exactly one byte, everything else itself
// (ASCII case-insensitively when `ci`).
bool reference_glob(std::string_view pattern, std::string_view s, bool wildcards, bool ci) {
  const std::size_t n = s.size();
  std::vector<char> row(n + 1, 0), next(n + 1, 0);
  row[0] = 1;  // empty pattern matches the empty prefix
  for (char pc : pattern) {
    std::fill(next.begin(), next.end(), 0);
    if (wildcards && pc == '*') {
      char any = 0;
      for (std::size_t j = 0; j <= n; ++j) {
        any |= row[j];
        next[j] = any;
      }
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        if (!row[j]) continue;
        const bool eq = (wildcards && pc == '?') ||
                        (ci ? cond::lower_ascii(pc) == cond::lower_ascii(s[j]) : pc == s[j]);
        if (eq) next[j + 1] = 1;
      }
    }
    row.swap(next);
  }
  return row[n] != 0;
}

const cond::RequestContext& pattern_context(std::string_view b) {
  static cond::RequestContext base = [] {
    cond::RequestContext c;
    c.set("aws:username", "alice");
    c.set("aws:userid", "AIDA:alice");
    c.set("aws:PrincipalTag/team", "bl*e?");
    c.set("s3:prefix", "");
    c.set_multi("aws:TagKeys", {"team", "env"});
    c.set_multi("aws:CalledVia", {});
    return c;
  }();
  static cond::RequestContext with_b;
  with_b = base;
  with_b.set("k", std::string(b));
  return with_b;
}

void fuzz_value_parsers(std::string_view s) {
  if (auto n = cond::parse_number(s)) ag::fuzz::feature(*n == *n ? "number" : "number:nan");
  if (cond::parse_date(s)) ag::fuzz::feature("date");
  const auto ip = cond::parse_ip(s);
  const auto net = cond::parse_network(s);
  if (ip) {
    ag::fuzz::feature(ip->v6 ? "ip6" : "ip4");
    if (!net) ag::fuzz::fail("parse_ip accepts " + quote(s) + " but parse_network rejects it");
    if (net->prefix != (ip->v6 ? 128 : 32) || net->address.v6 != ip->v6) {
      ag::fuzz::fail("parse_network(" + quote(s) + ") of a bare address is not a /32 or /128 network");
    }
    if (!net->contains(*ip)) ag::fuzz::fail("the network of the bare address " + quote(s) + " does not contain it");
  }
  if (net) {
    if (net->prefix < 0 || net->prefix > (net->address.v6 ? 128 : 32)) {
      ag::fuzz::fail("parse_network(" + quote(s) + ") gives prefix " + std::to_string(net->prefix));
    }
    ag::fuzz::feature(net->address.v6 ? "net6" : "net4");
  }
}

void fuzz_patterns(std::string_view a, std::string_view b) {
  const auto& ctx = pattern_context(b);
  const bool small = a.size() <= kMaxReferenceLength && b.size() <= kMaxReferenceLength;
  const std::string a_lower = cond::to_lower_ascii(a);
  for (int bits = 0; bits < 8; ++bits) {
    const match::PatternOptions options{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
    const auto p = match::Pattern::compile(a, options);
    if (p.text() != a) ag::fuzz::fail("Pattern::text() differs from the compiled text " + quote(a));
    for (int ci = 0; ci < 2; ++ci) {
      const bool got = p.matches(b, &ctx, ci != 0);
      (void)p.matches(b, nullptr, ci != 0);
      (void)p.matches(a, &ctx, ci != 0);
      if (!options.variables || a.find('$') == std::string_view::npos) {
        // No variable: a pure glob (or literal) with a reference answer.
        const std::string_view pattern_text = options.lowercase ? std::string_view(a_lower) : a;
        if (small) {
          const bool want = reference_glob(pattern_text, b, options.wildcards, ci != 0);
          if (got != want) {
            ag::fuzz::fail("Pattern " + quote(a) + " (wildcards=" + std::to_string(options.wildcards) +
                           ", lowercase=" + std::to_string(options.lowercase) + ") matching " + quote(b) +
                           (ci ? " case-insensitively" : "") + " returns " + (got ? "true" : "false") +
                           "; a reference glob says " + (want ? "true" : "false"));
          }
        }
        // Every glob or literal matches its own (lower-cased, when so compiled) text.
        if (!p.matches(pattern_text, nullptr, ci != 0)) {
          ag::fuzz::fail("Pattern " + quote(a) + " (wildcards=" + std::to_string(options.wildcards) +
                         ", lowercase=" + std::to_string(options.lowercase) + ") does not match its own text" +
                         (ci ? " case-insensitively" : ""));
        }
      }
      ag::fuzz::feature(std::string("pattern:") + std::to_string(bits) + ":" + std::to_string(ci) + ":" +
                        (got ? "1" : "0") + (p.has_variables() ? "v" : "") + (p.is_match_all() ? "*" : ""));
    }
    (void)p.resolvable(&ctx);
    (void)p.resolvable(nullptr);
  }

  for (int variables = 0; variables < 2; ++variables) {
    const auto arn = match::ArnPattern::compile(a, variables != 0);
    const bool got = arn.matches(b, &ctx);
    (void)arn.matches(b, nullptr);
    (void)arn.resolvable(&ctx);
    if ((!variables || a.find('$') == std::string_view::npos) && !arn.matches(a, nullptr)) {
      ag::fuzz::fail("ArnPattern " + quote(a) + " does not match its own text");
    }
    const auto resource = match::ResourcePattern::compile(a, variables != 0);
    (void)resource.matches(b, &ctx);
    (void)resource.matches("*", &ctx);
    if (resource.matches("*", &ctx) != (a == "*")) {
      ag::fuzz::fail("ResourcePattern " + quote(a) + " and the request resource \"*\"");
    }
    ag::fuzz::feature(std::string("arn:") + std::to_string(variables) + (got ? "1" : "0"));
  }

  std::array<std::string_view, 6> parts;
  const int n = match::split_arn(b, parts);
  if (n < 1 || n > 6) ag::fuzz::fail("split_arn returned " + std::to_string(n));
  for (int i = 0; i < n; ++i) {
    if (parts[i].data() < b.data() || parts[i].data() + parts[i].size() > b.data() + b.size()) {
      ag::fuzz::fail("split_arn returned a part outside its input");
    }
  }
}

const char* const kOperators[] = {
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
    "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
    "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals",
    "ArnNotLike", "Null",
};
constexpr std::size_t kOperatorCount = sizeof(kOperators) / sizeof(kOperators[0]);
const char* const kQualifiers[] = {"", "ForAllValues:", "ForAnyValue:"};

void fuzz_condition(std::string_view op_name, std::string_view a, std::string_view b) {
  const auto op = cond::Operator::parse(op_name);
  if (!op) {
    ag::fuzz::feature("operator:unknown");
    return;
  }
  for (int variables = 0; variables < 2; ++variables) {
    const auto value = cond::compile_value(*op, a, variables != 0);
    ag::fuzz::feature(std::string(op_name) + (value ? ":value" : ":no-value"));
    if (!value) continue;
    cond::ConditionClause clause;
    clause.op = *op;
    clause.key = "K";
    clause.key_lower = "k";
    clause.values = {*value, *value};
    // What the parser sets when a value holds a variable; over-approximated (a malformed `${` is
    // text), which is harmless: a value without variables is always resolvable.
    clause.has_variables = variables != 0 && a.find("${") != std::string_view::npos;

    std::array<cond::RequestContext, 5> contexts;
    contexts[1].set("k", std::string(b));
    contexts[2].set_multi("K", {std::string(b), std::string(a)});
    contexts[3].set_multi("k", {});
    contexts[4] = pattern_context(b);  // k = b, plus variables' keys
    for (std::size_t i = 0; i < contexts.size(); ++i) {
      const bool holds = clause.evaluate(contexts[i]);
      ag::fuzz::feature(std::string(op_name) + ":" + std::to_string(i) + (holds ? ":1" : ":0"));
    }
  }
}

void fuzz_principals(std::string_view a, std::string_view b) {
  const auto caller = match::CallerIdentity::parse(b);
  const auto caller_with_account = match::CallerIdentity::parse(b, "111122223333");
  match::PrincipalSpec spec;
  spec.aws = {std::string(a)};
  spec.service = {std::string(a)};
  spec.federated = {std::string(a)};
  spec.canonical_user = {std::string(a)};
  spec.wildcard = a == "*";
  for (const auto* c : {&caller, &caller_with_account}) {
    const auto m = spec.match(*c);
    (void)spec.excludes(*c);
    ag::fuzz::feature(std::string("principal:") + match::to_string(m) + ":" + std::to_string(static_cast<int>(c->kind)));
  }
  const auto request = ag::eval::Request::make(b, a, a, {}, {});
  (void)request.same_account();
  const auto request2 = ag::eval::Request::make(a, b, b, "", "");
  (void)request2.same_account();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl1 = in.find('\n');
  std::string_view a = in.substr(0, nl1);
  std::string_view b, c;
  if (nl1 != std::string_view::npos) {
    const std::size_t nl2 = in.find('\n', nl1 + 1);
    b = in.substr(nl1 + 1, nl2 == std::string_view::npos ? std::string_view::npos : nl2 - nl1 - 1);
    if (nl2 != std::string_view::npos) c = in.substr(nl2 + 1);
  }

  fuzz_value_parsers(in);
  fuzz_value_parsers(a);
  fuzz_value_parsers(b);
  // Matching is O(|A| * |B|) at worst (a glob with several stars): keep one input fast.
  a = a.substr(0, kMaxMatchLength);
  b = b.substr(0, kMaxMatchLength);
  fuzz_patterns(a, b);
  fuzz_principals(a, b);

  if (!c.empty()) {
    fuzz_condition(c, a, b);
  } else {
    // A few operators chosen by the input, in every set-qualifier / IfExists form.
    const std::uint64_t h = ag::fuzz::hash(in);
    for (int k = 0; k < 3; ++k) {
      const std::string base = kOperators[(h >> (8 * k)) % kOperatorCount];
      const std::string qualifier = kQualifiers[(h >> (8 * k + 5)) % 3];
      fuzz_condition(qualifier + base, a, b);
      fuzz_condition(qualifier + base + "IfExists", a, b);
    }
  }
  return 0;
}
