#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "accessgraph/policy/parse_error.hpp"
#include "accessgraph/policy/policy.hpp"
#include "register.hpp"

namespace py = pybind11;
using accessgraph::policy::ParseError;
using accessgraph::policy::Policy;
using accessgraph::policy::PolicyPtr;
using accessgraph::policy::Statement;

namespace accessgraph::bindings {

namespace {

py::list string_list(const std::vector<std::string>& v) {
  py::list out;
  for (const auto& s : v) out.append(s);
  return out;
}

py::dict statement_summary(const Statement& st) {
  py::dict d;
  d["index"] = st.index;
  d["sid"] = st.sid.empty() ? py::object(py::none()) : py::object(py::str(st.sid));
  d["effect"] = policy::to_string(st.effect);
  py::list actions;
  for (const auto& a : st.actions) actions.append(a.text());
  d[st.not_action ? "NotAction" : "Action"] = actions;
  if (st.has_resource) {
    py::list resources;
    for (const auto& r : st.resources) resources.append(r.text());
    d[st.not_resource ? "NotResource" : "Resource"] = resources;
  }
  if (st.has_principal) {
    py::dict p;
    if (st.principal.wildcard && st.principal.aws.empty()) p["AWS"] = py::make_tuple("*");
    if (!st.principal.aws.empty()) p["AWS"] = string_list(st.principal.aws);
    if (!st.principal.service.empty()) p["Service"] = string_list(st.principal.service);
    if (!st.principal.federated.empty()) p["Federated"] = string_list(st.principal.federated);
    if (!st.principal.canonical_user.empty()) p["CanonicalUser"] = string_list(st.principal.canonical_user);
    d[st.not_principal ? "NotPrincipal" : "Principal"] = p;
  }
  if (!st.condition.empty()) {
    py::dict c;
    for (const auto& clause : st.condition.clauses) {
      if (!c.contains(clause.op.name)) c[py::str(clause.op.name)] = py::dict();
      py::list values;
      for (const auto& v : clause.values) values.append(v.text);
      c[py::str(clause.op.name)].cast<py::dict>()[py::str(clause.key)] = values;
    }
    d["Condition"] = c;
  }
  d["json_pointer"] = st.json_pointer;
  return d;
}

}  // namespace

void register_policy(py::module_& m) {
  static py::exception<ParseError> parse_error(m, "PolicyParseError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ParseError& e) {
      // The message may quote the offending input, which need not be UTF-8: such bytes are shown
      // as \xNN escapes instead of failing with a UnicodeDecodeError.
      const auto text = [](const std::string& s) {
        return py::reinterpret_steal<py::object>(
            PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "backslashreplace"));
      };
      py::object err = py::reinterpret_borrow<py::object>(parse_error.ptr())(text(e.what()));
      err.attr("code") = text(e.code());
      err.attr("json_pointer") = text(e.json_pointer());
      err.attr("message") = text(e.message());
      PyErr_SetObject(parse_error.ptr(), err.ptr());
    }
  });

  py::class_<Policy, PolicyPtr>(m, "Policy")
      .def_static("from_json", [](const py::object& document, std::string name) {
            // A str is JSON text; bytes are UTF-8 JSON text; anything else (dict) is serialized first.
            std::string text;
            if (py::isinstance<py::str>(document)) {
              // A lone surrogate is not text: kept as its (invalid) UTF-8 bytes so that the
              // parser reports it as invalid-json instead of the str failing to convert.
              text = document.attr("encode")("utf-8", "surrogatepass").cast<std::string>();
            } else if (py::isinstance<py::bytes>(document)) {
              text = document.cast<std::string>();
            } else if (py::isinstance<py::dict>(document)) {
              text = py::module_::import("json").attr("dumps")(document).cast<std::string>();
            } else {
              throw ParseError(policy::codes::kWrongType,
                               "a policy must be given as JSON text or a dict, not " +
                                   std::string(py::str(document.get_type().attr("__name__"))), "");
            }
            py::gil_scoped_release release;
            return Policy::parse(text, std::move(name));
          },
          py::arg("document"), py::arg("name") = "",
          "Parse and compile an IAM policy document (JSON text or a dict). Raises PolicyParseError.")
      .def_property_readonly("name", &Policy::name)
      .def_property_readonly("id", &Policy::id)
      .def_property_readonly("version", [](const Policy& p) -> py::object {
        switch (p.version()) {
          case policy::Version::k2012_10_17: return py::str("2012-10-17");
          case policy::Version::k2008_10_17: return py::str("2008-10-17");
          default: return py::none();
        }
      })
      .def_property_readonly("statements", [](const Policy& p) {
        py::list out;
        for (const auto& st : p.statements()) out.append(statement_summary(st));
        return out;
      })
      .def("__len__", [](const Policy& p) { return p.statements().size(); });
}

}  // namespace accessgraph::bindings
