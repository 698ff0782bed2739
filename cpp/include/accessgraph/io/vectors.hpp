#pragma once
// Conformance vectors (tests/data/conformance/FORMAT.md): one authorization question per JSON line.
#include <string>
#include <string_view>
#include <vector>

#include "accessgraph/eval/authorizer.hpp"

namespace accessgraph::io {

struct Vector {
  std::string id;
  std::string category;
  eval::Request request;
  eval::PreparedPolicySet policies;  // .set() for the PolicySet
  std::string expected;  // "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | ""
};

// Throws policy::ParseError (with a JSON pointer into the vector) on bad input.
Vector parse_vector(std::string_view json_line);

// Reads a JSONL file; throws std::runtime_error naming the file and line on bad input.
std::vector<Vector> load_vectors(const std::string& path);

}  // namespace accessgraph::io
