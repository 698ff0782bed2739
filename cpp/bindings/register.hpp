#pragma once
#include <pybind11/pybind11.h>

#include "accessgraph/condition/context.hpp"

namespace accessgraph::bindings {
// A Python context dict into `out`: str values as they are, bool as "true"/"false", int and float
// in decimal, lists/tuples/sets of str as multi-valued keys; anything else is a TypeError naming
// the key.
void fill_context(const pybind11::dict& context, condition::RequestContext* out);

void register_policy(pybind11::module_& m);
void register_eval(pybind11::module_& m);
void register_org(pybind11::module_& m);
}  // namespace accessgraph::bindings
