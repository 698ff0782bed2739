// The private extension module accessgraph._core. The public API is python/accessgraph/__init__.py.
#include <pybind11/pybind11.h>

#include "register.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "accessgraph C++ core (private; import accessgraph instead)";
  accessgraph::bindings::register_policy(m);
  accessgraph::bindings::register_eval(m);
  accessgraph::bindings::register_org(m);
}
