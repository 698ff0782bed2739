// Fuzz target: io::parse_vector (one line of a conformance JSONL file), then the evaluator.
//
// Input: one JSON line (seeds in cpp/fuzz/corpus/vector/).
// Contract: parse_vector throws only policy::ParseError. For a vector that parses, the target
// evaluates its request against its policies and checks that eval::evaluate and eval::explain agree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/io/vectors.hpp"
#include "accessgraph/policy/parse_error.hpp"
#include "fuzz_common.hpp"

namespace ag = accessgraph;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  ag::io::Vector v;
  try {
    v = ag::io::parse_vector(line);
  } catch (const ag::policy::ParseError& e) {
    if (e.code().empty()) ag::fuzz::fail(std::string("ParseError without a code: ") + e.what());
    ag::fuzz::feature(e.code() + "@" + ag::fuzz::pointer_shape(e.json_pointer()));
    return 0;
  }
  const auto fast = ag::eval::evaluate(v.request, v.policies);
  const auto explained = ag::eval::explain(v.request, v.policies);
  if (explained.decision != fast) {
    ag::fuzz::fail(std::string("evaluate() and explain() disagree on vector ") + v.id + ": evaluate says " +
                   ag::eval::to_string(fast) + ", explain says " + ag::eval::to_string(explained.decision) +
                   "\n" + explained.to_text());
  }
  (void)explained.to_text();
  ag::fuzz::feature(std::string("decided:") + ag::eval::to_string(fast) + ":" + explained.rule +
                    (v.expected == ag::eval::to_string(fast) ? ":as-expected" : ":unexpected"));
  return 0;
}
