// The public conformance vectors (tests/data/conformance/public.jsonl): every decision must match.
#include <gtest/gtest.h>

#include <map>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/io/vectors.hpp"

namespace ag = accessgraph;

TEST(Conformance, EveryPublicVectorIsDecidedAsAwsDecides) {
  const auto vectors = ag::io::load_vectors(std::string(ACCESSGRAPH_TEST_DATA) + "/conformance/public.jsonl");
  ASSERT_EQ(vectors.size(), 2000u);
  std::map<std::string, int> failures;
  int failed = 0;
  for (const auto& v : vectors) {
    const auto got = ag::eval::to_string(ag::eval::evaluate(v.request, v.policies));
    if (got != v.expected) {
      ++failed;
      ++failures[v.category];
      if (failed <= 30) {
        ADD_FAILURE() << v.id << " [" << v.category << "] expected " << v.expected << ", got " << got << "\n"
                      << ag::eval::explain(v.request, v.policies).to_text();
      }
    }
  }
  for (const auto& [category, n] : failures) std::cerr << "  " << category << ": " << n << " wrong\n";
  EXPECT_EQ(failed, 0);
}

TEST(Conformance, ExplanationAgreesWithFastPathOnEveryVector) {
  const auto vectors = ag::io::load_vectors(std::string(ACCESSGRAPH_TEST_DATA) + "/conformance/public.jsonl");
  for (const auto& v : vectors) {
    ASSERT_EQ(ag::eval::explain(v.request, v.policies).decision, ag::eval::evaluate(v.request, v.policies)) << v.id;
  }
}
