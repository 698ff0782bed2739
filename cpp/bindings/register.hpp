#pragma once
#include <pybind11/pybind11.h>

namespace accessgraph::bindings {
void register_policy(pybind11::module_& m);
void register_eval(pybind11::module_& m);
void register_org(pybind11::module_& m);
}  // namespace accessgraph::bindings
