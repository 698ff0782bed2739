#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/io/vectors.hpp"
#include "decision.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace accessgraph::bindings {

using eval::DecisionKind;
using eval::Explanation;
using eval::PolicySet;
using eval::PreparedPolicySet;
using eval::Request;
using eval::StatementMatch;

namespace {

// `what` names the argument in errors, e.g. "identity_policies" or "scps[1]".
std::vector<policy::PolicyPtr> policy_list(const py::handle& seq, const std::string& what) {
  std::vector<policy::PolicyPtr> out;
  if (seq.is_none()) return out;
  for (auto item : seq) {
    if (item.is_none()) {
      throw py::type_error(what + "[" + std::to_string(out.size()) + "] is None: expected a Policy");
    }
    out.push_back(item.cast<policy::PolicyPtr>());
  }
  return out;
}

// Principal / NotPrincipal only in resource-based policies and RCPs (policy::check_principal_elements);
// Resource / NotResource in every statement of identity policies, boundaries, session policies;
// the pointer names the PolicySet argument, e.g. /scps/1/0/Statement/2.
void check_principal_elements(const PolicySet& ps) {
  const auto check = [](const policy::PolicyPtr& p, bool resource_based, const std::string& where) {
    if (p) policy::check_principal_elements(*p, resource_based, where);
  };
  const auto check_identity = [&check](const policy::PolicyPtr& p, const std::string& where) {
    check(p, false, where);
    if (p) policy::check_resource_elements(*p, where);
  };
  for (std::size_t i = 0; i < ps.identity_policies.size(); ++i) {
    check_identity(ps.identity_policies[i], "/identity_policies/" + std::to_string(i));
  }
  check_identity(ps.permissions_boundary, "/permissions_boundary");
  check_identity(ps.session_policy, "/session_policy");
  for (int rcp = 0; rcp < 2; ++rcp) {
    const auto& lv = rcp ? ps.rcp_levels : ps.scp_levels;
    for (std::size_t i = 0; i < lv.size(); ++i) {
      for (std::size_t k = 0; k < lv[i].policies.size(); ++k) {
        check(lv[i].policies[k], rcp == 1, std::string(rcp ? "/rcps/" : "/scps/") + std::to_string(i) + "/" + std::to_string(k));
      }
    }
  }
  check(ps.resource_policy, true, "/resource_policy");
}

std::vector<eval::OrgLevel> levels(const py::handle& seq, const py::handle& names, const char* kind) {
  std::vector<eval::OrgLevel> out;
  if (seq.is_none()) return out;
  std::vector<std::string> level_names;
  if (!names.is_none()) level_names = names.cast<std::vector<std::string>>();
  std::size_t i = 0;
  for (auto level : seq) {
    eval::OrgLevel l;
    l.policies = policy_list(level, std::string(kind) + "s[" + std::to_string(i) + "]");
    if (i < level_names.size()) {
      l.name = level_names[i];
    } else {
      l.name = std::to_string(i) + (i == 0 ? " (root)" : "");
    }
    out.push_back(std::move(l));
    ++i;
  }
  if (!level_names.empty() && level_names.size() != out.size()) {
    throw py::value_error(std::string(kind) + "_level_names has " + std::to_string(level_names.size()) +
                          " names for " + std::to_string(out.size()) + " levels");
  }
  return out;
}

}  // namespace

py::dict match_to_dict(const StatementMatch& m) {
  py::dict d;
  d["policy_kind"] = eval::to_string(m.kind);
  d["policy"] = m.policy;
  d["level"] = m.level.empty() ? py::object(py::none()) : py::object(py::str(m.level));
  d["statement_index"] = m.statement_index;
  d["sid"] = m.sid.empty() ? py::object(py::none()) : py::object(py::str(m.sid));
  d["effect"] = policy::to_string(m.effect);
  d["principal_match"] = m.principal_match == match::PrincipalMatch::kNone ? py::object(py::none())
                                                                           : py::object(py::str(match::to_string(m.principal_match)));
  d["json_pointer"] = m.json_pointer;
  d["assumed_conditions"] = m.assumed_conditions;
  return d;
}

void fill_context(const py::dict& context, condition::RequestContext* out) {
  for (auto [k, v] : context) {
    const auto key = k.cast<std::string>();
    if (py::isinstance<py::str>(v)) {
      out->set(key, v.cast<std::string>());
    } else if (py::isinstance<py::bool_>(v)) {
      out->set(key, v.cast<bool>() ? "true" : "false");
    } else if (py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v)) {
      out->set(key, py::str(v).cast<std::string>());
    } else if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v) || py::isinstance<py::set>(v) ||
               py::isinstance<py::frozenset>(v)) {
      std::vector<std::string> values;
      for (auto x : v) {
        if (!py::isinstance<py::str>(x)) throw py::type_error("context key '" + key + "': list values must be strings");
        values.push_back(x.cast<std::string>());
      }
      out->set_multi(key, std::move(values));
    } else {
      throw py::type_error("context key '" + key + "': value must be a string or a list of strings, not " +
                           std::string(py::str(v.get_type().attr("__name__"))));
    }
  }
}

void register_eval(py::module_& m) {
  py::class_<Request, std::shared_ptr<Request>>(m, "Request")
      .def(py::init([](std::string_view principal, std::string_view action, std::string_view resource,
                       std::optional<std::string> principal_account, std::optional<std::string> resource_account,
                       std::optional<py::dict> context) {
             auto r = std::make_shared<Request>(Request::make(principal, action, resource,
                                                              principal_account.value_or(""),
                                                              resource_account.value_or("")));
             if (context) fill_context(*context, &r->context);
             r->identify_session_role();
             return r;
           }),
           py::arg("principal"), py::arg("action"), py::arg("resource"), py::kw_only(),
           py::arg("principal_account") = py::none(), py::arg("resource_account") = py::none(),
           py::arg("context") = py::none())
      .def_property_readonly("principal", [](const Request& r) { return r.principal.is_anonymous() ? std::string("anonymous") : r.principal.arn; })
      .def_property_readonly("action", [](const Request& r) { return r.action; })
      .def_property_readonly("resource", [](const Request& r) { return r.resource; })
      .def_property_readonly("principal_account", [](const Request& r) -> py::object {
        return r.principal.account.empty() ? py::object(py::none()) : py::object(py::str(r.principal.account));
      })
      .def_property_readonly("resource_account", [](const Request& r) { return r.resource_account; })
      .def_property_readonly("same_account", &Request::same_account)
      .def_property_readonly("context", [](const Request& r) {
        py::dict d;
        for (const auto& e : r.context.entries()) {
          if (e.multivalued) d[py::str(e.key)] = py::cast(e.values);
          else d[py::str(e.key)] = e.values.empty() ? std::string() : e.values.front();
        }
        return d;
      });

  // Python's PolicySet is immutable: it is prepared once (eval::PreparedPolicySet) for fast evaluation.
  py::class_<PreparedPolicySet, std::shared_ptr<PreparedPolicySet>>(m, "PolicySet")
      .def(py::init([](py::object identity_policies, policy::PolicyPtr permissions_boundary, policy::PolicyPtr session_policy,
                       py::object scps, py::object rcps, policy::PolicyPtr resource_policy, bool s3_block_public_access,
                       py::object scp_level_names, py::object rcp_level_names) {
             PolicySet ps;
             ps.identity_policies = policy_list(identity_policies, "identity_policies");
             ps.permissions_boundary = std::move(permissions_boundary);
             ps.session_policy = std::move(session_policy);
             ps.scp_levels = levels(scps, scp_level_names, "scp");
             ps.rcp_levels = levels(rcps, rcp_level_names, "rcp");
             ps.resource_policy = std::move(resource_policy);
             ps.options.s3_restrict_public_buckets = s3_block_public_access;
             check_principal_elements(ps);
             return std::make_shared<PreparedPolicySet>(std::move(ps));
           }),
           py::kw_only(), py::arg("identity_policies") = py::none(), py::arg("permissions_boundary") = nullptr,
           py::arg("session_policy") = nullptr, py::arg("scps") = py::none(), py::arg("rcps") = py::none(),
           py::arg("resource_policy") = nullptr, py::arg("s3_block_public_access") = false,
           py::arg("scp_level_names") = py::none(), py::arg("rcp_level_names") = py::none())
      .def_property_readonly("identity_policies", [](const PreparedPolicySet& p) { return p.set().identity_policies; })
      .def_property_readonly("permissions_boundary", [](const PreparedPolicySet& p) { return p.set().permissions_boundary; })
      .def_property_readonly("session_policy", [](const PreparedPolicySet& p) { return p.set().session_policy; })
      .def_property_readonly("resource_policy", [](const PreparedPolicySet& p) { return p.set().resource_policy; })
      .def_property_readonly("s3_block_public_access", [](const PreparedPolicySet& p) { return p.set().options.s3_restrict_public_buckets; })
      .def_property_readonly("scp_level_names", [](const PreparedPolicySet& p) {
        std::vector<std::string> n;
        for (const auto& l : p.set().scp_levels) n.push_back(l.name);
        return n;
      })
      .def_property_readonly("rcp_level_names", [](const PreparedPolicySet& p) {
        std::vector<std::string> n;
        for (const auto& l : p.set().rcp_levels) n.push_back(l.name);
        return n;
      });

  py::class_<Explanation>(m, "Explanation")
      .def_property_readonly("decision", [](const Explanation& e) { return eval::to_string(e.decision); })
      .def_property_readonly("rule", [](const Explanation& e) { return e.rule; })
      .def_property_readonly("denies", [](const Explanation& e) {
        py::list l;
        for (const auto& x : e.denies) l.append(match_to_dict(x));
        return l;
      })
      .def_property_readonly("allows", [](const Explanation& e) {
        py::list l;
        for (const auto& x : e.allows) l.append(match_to_dict(x));
        return l;
      })
      .def_property_readonly("conditional_denies", [](const Explanation& e) {
        py::list l;
        for (const auto& x : e.conditional_denies) l.append(match_to_dict(x));
        return l;
      })
      .def_property_readonly("missing", [](const Explanation& e) { return e.missing; })
      .def_property_readonly("notes", [](const Explanation& e) { return e.notes; })
      .def("to_text", &Explanation::to_text)
      .def("__str__", &Explanation::to_text);

  py::class_<Decision>(m, "Decision")
      .def_property_readonly("decision", [](const Decision& d) { return eval::to_string(d.kind); })
      .def_property_readonly("allowed", [](const Decision& d) { return d.kind == DecisionKind::kAllowed; })
      .def_property_readonly("request", [](const Decision& d) { return d.request; })
      .def_property_readonly("policies", [](const Decision& d) { return d.policies; })
      .def("explain", [](const Decision& d) { return eval::explain(*d.request, *d.policies); })
      .def("__bool__", [](const Decision& d) { return d.kind == DecisionKind::kAllowed; })
      .def("__eq__", [](const Decision& d, const py::object& other) -> py::object {
        if (py::isinstance<py::str>(other)) return py::bool_(other.cast<std::string>() == eval::to_string(d.kind));
        return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      })
      .def("__hash__", [](const Decision& d) { return py::hash(py::str(eval::to_string(d.kind))); });

  m.def("_evaluate", [](std::shared_ptr<Request> request, std::shared_ptr<PreparedPolicySet> policies) {
          const DecisionKind kind = eval::evaluate(*request, *policies);
          return Decision{kind, std::move(request), std::move(policies)};
        },
        py::arg("request").none(false), py::arg("policies").none(false));

  // The result of a batch: decisions as compact codes; a Decision object is made only when an
  // element is asked for (making one per request would cost more than deciding it).
  struct DecisionList {
    std::vector<DecisionKind> kinds;
    std::vector<std::shared_ptr<Request>> requests;
    std::vector<std::shared_ptr<PreparedPolicySet>> policies;  // one, or one per request
    Decision at(std::size_t i) const {
      return Decision{kinds[i], requests[i], policies[policies.size() == 1 ? 0 : i]};
    }
  };
  py::class_<DecisionList>(m, "DecisionList")
      .def("__len__", [](const DecisionList& l) { return l.kinds.size(); })
      .def("__getitem__", [](const DecisionList& l, long i) {
        const long n = static_cast<long>(l.kinds.size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) throw py::index_error("decision index out of range");
        return l.at(static_cast<std::size_t>(i));
      })
      .def("__iter__", [](const DecisionList& l) {
        py::list out(l.kinds.size());
        for (std::size_t i = 0; i < l.kinds.size(); ++i) out[i] = py::cast(l.at(i));
        return py::iter(out);
      })
      .def_property_readonly("decisions", [](const DecisionList& l) {
        static const py::str names[3] = {py::str("Allowed"), py::str("ImplicitlyDenied"), py::str("ExplicitlyDenied")};
        py::list out(l.kinds.size());
        for (std::size_t i = 0; i < l.kinds.size(); ++i) out[i] = names[static_cast<int>(l.kinds[i])];
        return out;
      }, "The decision of each request, in order, as strings.")
      .def_property_readonly("allowed", [](const DecisionList& l) {
        py::list out(l.kinds.size());
        for (std::size_t i = 0; i < l.kinds.size(); ++i) out[i] = py::bool_(l.kinds[i] == DecisionKind::kAllowed);
        return out;
      }, "Whether each request is allowed, in order.")
      .def("__repr__", [](const DecisionList& l) {
        std::size_t allowed = 0;
        for (auto k : l.kinds) allowed += k == DecisionKind::kAllowed;
        return "<DecisionList: " + std::to_string(l.kinds.size()) + " decisions, " + std::to_string(allowed) + " allowed>";
      });

  // Decides many requests with the GIL released; policies are compiled objects shared read-only.
  m.def("_evaluate_batch", [](std::vector<std::shared_ptr<Request>> requests,
                              std::vector<std::shared_ptr<PreparedPolicySet>> policies) {
          if (policies.size() != requests.size() && policies.size() != 1) {
            throw py::value_error("evaluate_batch: give one PolicySet, or one per request (" +
                                  std::to_string(requests.size()) + " requests, " + std::to_string(policies.size()) +
                                  " policy sets)");
          }
          for (std::size_t i = 0; i < requests.size(); ++i) {
            if (!requests[i]) throw py::type_error("evaluate_batch: requests[" + std::to_string(i) + "] is None: expected a Request");
          }
          for (std::size_t i = 0; i < policies.size(); ++i) {
            if (!policies[i]) throw py::type_error("evaluate_batch: policies[" + std::to_string(i) + "] is None: expected a PolicySet");
          }
          DecisionList out;
          out.kinds.resize(requests.size());
          {
            py::gil_scoped_release release;
            const bool shared = policies.size() == 1;
            for (std::size_t i = 0; i < requests.size(); ++i) {
              out.kinds[i] = eval::evaluate(*requests[i], *policies[shared ? 0 : i]);
            }
          }
          out.requests = std::move(requests);
          out.policies = std::move(policies);
          return out;
        },
        py::arg("requests"), py::arg("policies"));

  // One conformance vector line (FORMAT.md) -> (id, category, request, policies, expected).
  m.def("_parse_vector", [](std::string_view line) {
    io::Vector v = io::parse_vector(line);
    return py::make_tuple(v.id, v.category, std::make_shared<Request>(std::move(v.request)),
                          std::make_shared<PreparedPolicySet>(std::move(v.policies)), v.expected);
  });
}

}  // namespace accessgraph::bindings
