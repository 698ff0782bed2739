#pragma once
// Helpers shared by the fuzz targets (not by the driver).
//
// Contract of every target: the parser under test may throw policy::ParseError on bad input and
// nothing else. Any other exception escapes LLVMFuzzerTestOneInput on purpose: libFuzzer then
// reports it as a crash (std::terminate -> abort), and the standalone driver prints the input and
// aborts. Broken invariants (e.g. evaluate() and explain() disagreeing) call fuzz::fail(), which
// aborts with a message.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "accessgraph/condition/condition.hpp"

// Behaviour feedback for the standalone driver (the driver defines it; under libFuzzer it is
// absent, so the weak reference is null and features are not reported). A target reports a hash
// of what an input made the code do (error code and where, decisions and rules); the driver keeps
// mutants that produce a hash it has not seen as new seeds.
extern "C" void AccessgraphFuzzFeature(std::uint64_t feature) __attribute__((weak));

namespace accessgraph::fuzz {

inline std::uint64_t hash(std::string_view s, std::uint64_t h = 1469598103934665603ULL) noexcept {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

inline void feature(std::uint64_t h) noexcept {
  if (AccessgraphFuzzFeature != nullptr) AccessgraphFuzzFeature(h);
}
inline void feature(std::string_view s) noexcept { feature(hash(s)); }

// The shape of a JSON pointer, for a feature: list indexes become '#', condition operators stay,
// other tokens stay only when they are element names of a policy or a conformance vector, and
// anything else (condition keys, misspelt elements) becomes '*'. So
// "/Statement/3/Condition/StringLike/aws:userid/0" -> "/Statement/#/Condition/StringLike/*/#",
// and the number of distinct features stays bounded.
inline std::string pointer_shape(std::string_view pointer) {
  static constexpr std::string_view kNames[] = {
      "Version", "Id", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
      "Principal", "NotPrincipal", "Condition", "AWS", "Service", "Federated", "CanonicalUser",
      "id", "category", "expected", "request", "principal", "principal_account", "action", "resource",
      "resource_account", "context", "identity_policies", "permission_boundary", "session_policy",
      "resource_policy", "scps", "rcps", "options", "s3_block_public_access"};
  std::string out;
  std::size_t i = 0;
  while (i < pointer.size()) {
    if (pointer[i] != '/') {  // not a pointer: keep a bounded prefix of it
      out += pointer.substr(i, 1);
      ++i;
      continue;
    }
    const std::size_t end = std::min(pointer.find('/', i + 1), pointer.size());
    const std::string_view token = pointer.substr(i + 1, end - i - 1);
    out += '/';
    if (!token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos) {
      out += '#';
    } else if (std::find(std::begin(kNames), std::end(kNames), token) != std::end(kNames) ||
               condition::Operator::parse(token)) {
      out += token;
    } else {
      out += '*';
    }
    i = end;
  }
  return out;
}

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "\n==accessgraph-fuzz== INVARIANT VIOLATED: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace accessgraph::fuzz
