// The public conformance vectors (tests/data/conformance/public.jsonl): every decision must match.
#include <gtest/gtest.h>

#include <map>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/io/vectors.hpp"
#include "accessgraph/policy/parse_error.hpp"

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

// A repeated key anywhere in a vector line -- in an embedded policy or in the request -- is a
// typed error with its pointer in the line (RFC 8259 section 4; policy::RepeatedKeyCounter). The
// loader re-serializes embedded policies, so it must catch repeats before they are collapsed.
TEST(VectorLoader, RepeatedKeyInALineIsAnErrorWithItsPointer) {
  const std::string head = R"({"id":"x","category":"identity","expected":"Allowed",)"
                           R"("request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject",)"
                           R"("principal_account":"111122223333","resource":"arn:aws:s3:::b/k","resource_account":"111122223333",)"
                           R"("context":{}},"scps":[],"rcps":[],)";
  const std::string ok_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  ASSERT_NO_THROW(ag::io::parse_vector(head + R"("identity_policies":[)" + ok_policy + "]}"));
  auto error_of = [](const std::string& line) -> std::pair<std::string, std::string> {
    try {
      ag::io::parse_vector(line);
    } catch (const ag::policy::ParseError& e) {
      return {e.code(), e.json_pointer()};
    }
    return {"no error", ""};
  };
  const std::string deny_then_allow =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Effect":"Allow"}]})";
  EXPECT_EQ(error_of(head + R"("identity_policies":[)" + ok_policy + "," + deny_then_allow + "]}"),
            std::make_pair(std::string("duplicate-key"), std::string("/identity_policies/1/Statement/0/Effect")));
  EXPECT_EQ(error_of(head + R"("identity_policies":[],"expected":"ExplicitlyDenied"})"),
            std::make_pair(std::string("duplicate-key"), std::string("/expected")));
}
