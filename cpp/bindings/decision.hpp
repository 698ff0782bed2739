#pragma once
#include <pybind11/pybind11.h>

#include <memory>

#include "accessgraph/eval/authorizer.hpp"

namespace accessgraph::bindings {

// A decision keeps what it was made from, so that explain() can replay it with tracing on.
struct Decision {
  eval::DecisionKind kind;
  std::shared_ptr<eval::Request> request;
  std::shared_ptr<eval::PreparedPolicySet> policies;
};

pybind11::dict match_to_dict(const eval::StatementMatch& m);

}  // namespace accessgraph::bindings
