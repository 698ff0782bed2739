#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include "accessgraph/findings/external_access.hpp"
#include "accessgraph/graph/access_graph.hpp"
#include "accessgraph/graph/escalation.hpp"
#include "accessgraph/io/snapshot.hpp"
#include "decision.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace accessgraph::bindings {

namespace {

using graph::AccessGraph;
using org::Organization;

py::object str_or_none(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }

py::dict problem_dict(const io::Problem& p) {
  py::dict d;
  d["code"] = p.code;
  d["file"] = p.file;
  d["json_pointer"] = p.json_pointer;
  d["message"] = p.message;
  d["severity"] = p.severity == io::Severity::kError ? "error" : "warning";
  return d;
}

const char* known(resource::Known k) {
  switch (k) {
    case resource::Known::kYes: return "yes";
    case resource::Known::kAbsent: return "absent";
    case resource::Known::kUnknown: return "unknown";
  }
  return "unknown";
}

py::dict bpa_dict(const resource::BlockPublicAccess& b) {
  py::dict d;
  d["BlockPublicAcls"] = b.block_public_acls;
  d["IgnorePublicAcls"] = b.ignore_public_acls;
  d["BlockPublicPolicy"] = b.block_public_policy;
  d["RestrictPublicBuckets"] = b.restrict_public_buckets;
  d["known"] = known(b.known);
  return d;
}

py::dict resource_dict(const resource::Resource& r) {
  py::dict d;
  d["type"] = resource::to_string(r.type);
  d["arn"] = r.arn;
  d["name"] = r.name;
  d["account"] = r.account;
  d["region"] = str_or_none(r.region);
  d["policy"] = r.policy ? py::cast(r.policy) : py::object(py::none());
  d["policy_known"] = known(r.policy_known);
  d["policy_error"] = str_or_none(r.policy_error);
  if (r.type == resource::ResourceType::kS3Bucket) {
    py::list acl;
    for (const auto& g : r.acl) {
      py::dict x;
      x["grantee_type"] = g.grantee_type;
      x["grantee"] = g.grantee;
      x["permission"] = g.permission;
      acl.append(x);
    }
    d["acl"] = acl;
    d["acl_known"] = known(r.acl_known);
    d["owner_canonical_id"] = str_or_none(r.owner_canonical_id);
    d["block_public_access"] = bpa_dict(r.block_public_access);
    d["object_ownership"] = str_or_none(r.object_ownership);
  }
  if (r.type == resource::ResourceType::kKmsKey) {
    py::list grants;
    for (const auto& g : r.grants) {
      py::dict x;
      x["grant_id"] = g.grant_id;
      x["name"] = g.name;
      x["grantee_principal"] = g.grantee_principal;
      x["retiring_principal"] = str_or_none(g.retiring_principal);
      x["operations"] = g.operations;
      x["has_constraints"] = g.has_constraints;
      grants.append(x);
    }
    d["grants"] = grants;
    d["grants_known"] = known(r.grants_known);
    d["key_manager"] = str_or_none(r.key_manager);
    d["aliases"] = r.aliases;
  }
  return d;
}

py::list inline_list(const std::vector<iam::InlinePolicy>& v) {
  py::list l;
  for (const auto& p : v) {
    py::dict d;
    d["name"] = p.name;
    d["policy"] = p.document ? py::cast(p.document) : py::object(py::none());
    l.append(d);
  }
  return l;
}

py::list tags_list(const std::vector<iam::Tag>& tags) {
  py::list l;
  for (const auto& t : tags) l.append(py::make_tuple(t.key, t.value));
  return l;
}

py::dict principal_common(const iam::Principal& p, const char* kind) {
  py::dict d;
  d["kind"] = kind;
  d["name"] = p.name;
  d["arn"] = p.arn;
  d["id"] = p.id;
  d["path"] = p.path;
  d["create_date"] = str_or_none(p.create_date);
  d["inline_policies"] = inline_list(p.inline_policies);
  d["attached_policy_arns"] = p.attached_policy_arns;
  d["permissions_boundary_arn"] = str_or_none(p.permissions_boundary_arn);
  d["tags"] = tags_list(p.tags);
  return d;
}

py::dict account_dict(const org::Account& a) {
  py::dict d;
  d["id"] = a.id;
  d["name"] = a.name;
  d["email"] = a.email;
  d["status"] = a.status;
  d["arn"] = a.arn;
  d["parent_id"] = str_or_none(a.parent_id);
  d["scp_ids"] = a.scp_ids;
  d["rcp_ids"] = a.rcp_ids;
  d["iam_collected"] = a.iam.collected;
  py::list users, groups, roles, managed, resources;
  for (const auto& u : a.iam.users) {
    py::dict x = principal_common(u, "user");
    x["groups"] = u.groups;
    users.append(x);
  }
  for (const auto& g : a.iam.groups) {
    py::dict x;
    x["name"] = g.name;
    x["arn"] = g.arn;
    x["id"] = g.id;
    x["path"] = g.path;
    x["inline_policies"] = inline_list(g.inline_policies);
    x["attached_policy_arns"] = g.attached_policy_arns;
    groups.append(x);
  }
  for (const auto& r : a.iam.roles) {
    py::dict x = principal_common(r, "role");
    x["trust_policy"] = r.trust_policy ? py::cast(r.trust_policy) : py::object(py::none());
    x["instance_profiles"] = r.instance_profiles;
    x["last_used_date"] = str_or_none(r.last_used_date);
    x["last_used_known"] = r.last_used_known;
    x["service_linked"] = r.service_linked();
    roles.append(x);
  }
  for (const auto& [arn, m] : a.iam.managed_policies) {
    py::dict x;
    x["arn"] = m.arn;
    x["name"] = m.name;
    x["id"] = m.id;
    x["path"] = m.path;
    x["default_version_id"] = m.default_version_id;
    x["attachment_count"] = m.attachment_count;
    x["aws_managed"] = m.aws_managed;
    x["from_bundled_data"] = m.from_bundled_data;
    x["policy"] = m.document ? py::cast(m.document) : py::object(py::none());
    managed.append(x);
  }
  for (const auto& r : a.resources) resources.append(resource_dict(r));
  d["users"] = users;
  d["groups"] = groups;
  d["roles"] = roles;
  d["managed_policies"] = managed;
  d["resources"] = resources;
  d["block_public_access"] = bpa_dict(a.block_public_access);
  py::dict pw;
  pw["known"] = a.password_policy.known;
  pw["exists"] = a.password_policy.exists;
  pw["minimum_length"] = a.password_policy.minimum_length;
  pw["reuse_prevention"] = a.password_policy.reuse_prevention;
  pw["require_symbols"] = a.password_policy.require_symbols;
  pw["require_numbers"] = a.password_policy.require_numbers;
  pw["require_uppercase"] = a.password_policy.require_uppercase;
  pw["require_lowercase"] = a.password_policy.require_lowercase;
  pw["expire_passwords"] = a.password_policy.expire_passwords;
  pw["max_age_days"] = a.password_policy.max_age_days;
  d["password_policy"] = pw;
  d["account_summary"] = a.account_summary_known ? py::cast(a.account_summary) : py::object(py::none());
  d["credential_report_csv"] = a.credential_report_known ? py::object(py::str(a.credential_report_csv)) : py::object(py::none());
  d["root_virtual_mfa_serial"] = str_or_none(a.root_mfa_serial);
  d["virtual_mfa_known"] = a.virtual_mfa_known;
  py::list certs;
  for (const auto& c : a.server_certificates) {
    py::dict x;
    x["name"] = c.name;
    x["arn"] = c.arn;
    x["expiration"] = c.expiration;
    certs.append(x);
  }
  d["server_certificates"] = a.server_certificates_known ? py::object(certs) : py::object(py::none());
  d["access_analyzers"] = a.access_analyzers_known ? py::cast(a.access_analyzers) : py::object(py::none());
  return d;
}

py::dict access_dict(const graph::Access& a) {
  py::dict d;
  d["principal"] = a.principal.arn;
  d["kind"] = graph::to_string(a.principal.kind);
  d["account"] = str_or_none(a.principal.account);
  d["in_organization"] = a.principal.in_organization;
  d["conditional"] = a.conditional;
  d["conditions"] = a.conditions;
  d["unless"] = a.unless;
  d["explanation"] = py::cast(a.explanation);
  return d;
}

py::dict hop_dict(const graph::Hop& h) {
  py::dict d;
  d["from"] = h.from;
  d["to"] = h.to;
  d["action"] = h.action;
  d["conditional"] = h.conditional;
  d["conditions"] = h.conditions;
  d["explanation"] = h.explanation;
  return d;
}

py::dict finding_dict(const findings::Finding& f) {
  py::dict d;
  d["id"] = f.id;
  d["resource"] = f.resource;
  d["resourceType"] = f.resource_type;
  d["resourceOwnerAccount"] = f.resource_owner_account;
  d["region"] = str_or_none(f.region);
  if (!f.error.empty()) {
    d["error"] = f.error;
  } else {
    py::dict principal;
    principal[py::str(f.principal_type)] = f.principal_value;
    d["principal"] = principal;
    d["isPublic"] = f.is_public < 0 ? py::object(py::none()) : py::object(py::bool_(f.is_public == 1));
    d["action"] = f.actions;
    py::dict condition;
    for (const auto& [k, vs] : f.condition) {
      if (vs.size() == 1) condition[py::str(k)] = vs.front();
      else condition[py::str(k)] = vs;
    }
    d["condition"] = condition;
    if (!f.sources.empty()) {
      py::list sources;
      for (const auto& s : f.sources) {
        py::dict x;
        x["type"] = s;
        sources.append(x);
      }
      d["sources"] = sources;
    }
  }
  d["rcp_restricted"] = f.rcp_restricted;
  d["rcp_explanation"] = f.rcp_explanation;
  d["severity"] = f.severity;
  d["remediation"] = f.remediation;
  d["why"] = f.why;
  return d;
}

py::dict escalation_path_dict(const graph::EscalationPath& p) {
  py::dict d;
  d["principal"] = p.principal;
  py::dict technique;
  technique["id"] = p.technique_id;
  technique["name"] = p.technique_name;
  d["technique"] = technique;
  py::list steps;
  for (const auto& s : p.steps) {
    py::dict x;
    x["action"] = s.action;
    x["resource"] = s.resource;
    x["allowed_by"] = s.allowed_by;
    x["conditions"] = s.conditions;
    x["unless"] = s.unless;
    steps.append(x);
  }
  d["steps"] = steps;
  py::dict gains;
  gains["kind"] = graph::to_string(p.gains.kind);
  gains["target"] = p.gains.target;
  gains["detail"] = p.gains.detail;
  d["gains"] = gains;
  d["assumptions"] = p.assumptions;
  d["conditional"] = p.conditional;
  return d;
}

}  // namespace

void register_org(py::module_& m) {
  py::class_<Organization, std::shared_ptr<Organization>>(m, "Organization")
      .def_readonly("id", &Organization::id)
      .def_readonly("management_account_id", &Organization::management_account_id)
      .def_readonly("root_id", &Organization::root_id)
      .def_readonly("collected_at", &Organization::collected_at)
      .def_readonly("partition", &Organization::partition)
      .def_readonly("regions", &Organization::regions)
      .def_readonly("scp_enabled", &Organization::scp_enabled)
      .def_readonly("rcp_enabled", &Organization::rcp_enabled)
      .def_property_readonly("problems", [](const Organization& o) {
        py::list l;
        for (const auto& p : o.problems) l.append(problem_dict(p));
        return l;
      })
      .def_property_readonly("account_ids", [](const Organization& o) {
        std::vector<std::string> ids;
        for (const auto& [id, a] : o.accounts) ids.push_back(id);
        return ids;
      })
      .def("account", [](const Organization& o, const std::string& id) {
        auto it = o.accounts.find(id);
        if (it == o.accounts.end()) throw py::key_error("no account " + id + " in the snapshot");
        return account_dict(it->second);
      })
      .def_property_readonly("units", [](const Organization& o) {
        py::list l;
        for (const auto& [id, u] : o.units) {
          py::dict d;
          d["id"] = u.id;
          d["name"] = u.name;
          d["arn"] = u.arn;
          d["parent_id"] = str_or_none(u.parent_id);
          d["child_units"] = u.child_units;
          d["accounts"] = u.accounts;
          d["scp_ids"] = u.scp_ids;
          d["rcp_ids"] = u.rcp_ids;
          l.append(d);
        }
        return l;
      })
      .def_property_readonly("policies", [](const Organization& o) {
        py::list l;
        for (const auto& [id, p] : o.policies) {
          py::dict d;
          d["id"] = p.id;
          d["name"] = p.name;
          d["arn"] = p.arn;
          d["type"] = p.type == org::OrgPolicyType::kServiceControlPolicy ? "SERVICE_CONTROL_POLICY" : "RESOURCE_CONTROL_POLICY";
          d["aws_managed"] = p.aws_managed;
          d["policy"] = p.document ? py::cast(p.document) : py::object(py::none());
          l.append(d);
        }
        return l;
      })
      .def("counts", [](const Organization& o) {
        std::size_t users = 0, roles = 0, groups = 0, resources = 0, managed = 0, inline_policies = 0, resource_policies = 0;
        for (const auto& [id, a] : o.accounts) {
          users += a.iam.users.size();
          roles += a.iam.roles.size();
          groups += a.iam.groups.size();
          resources += a.resources.size();
          managed += a.iam.managed_policies.size();
          for (const auto& u : a.iam.users) inline_policies += u.inline_policies.size();
          for (const auto& r : a.iam.roles) inline_policies += r.inline_policies.size();
          for (const auto& g : a.iam.groups) inline_policies += g.inline_policies.size();
          for (const auto& r : a.resources) resource_policies += r.policy ? 1 : 0;
        }
        py::dict d;
        d["accounts"] = o.accounts.size();
        d["organizational_units"] = o.units.empty() ? 0 : o.units.size() - 1;
        d["principals"] = users + roles;
        d["users"] = users;
        d["roles"] = roles;
        d["groups"] = groups;
        d["resources"] = resources;
        d["policies"] = o.policies.size() + managed + inline_policies + resource_policies;
        d["service_control_policies"] = std::count_if(o.policies.begin(), o.policies.end(), [](const auto& kv) {
          return kv.second.type == org::OrgPolicyType::kServiceControlPolicy;
        });
        d["resource_control_policies"] = std::count_if(o.policies.begin(), o.policies.end(), [](const auto& kv) {
          return kv.second.type == org::OrgPolicyType::kResourceControlPolicy;
        });
        d["managed_policies"] = managed;
        d["inline_policies"] = inline_policies;
        d["resource_policies"] = resource_policies;
        d["problems"] = o.problems.size();
        return d;
      })
      .def("path_of", &Organization::path_of)
      .def("org_path_of", &Organization::org_path_of);

  m.def("_load_snapshot_dir", [](const std::string& path, const std::string& managed) {
    io::LoadOptions options;
    options.managed_policies_path = managed;
    auto source = io::directory_source(path);
    py::gil_scoped_release release;
    return std::make_shared<Organization>(io::load_snapshot(*source, options));
  }, py::arg("path"), py::arg("managed_policies_path") = "");
  m.def("_load_snapshot_json", [](const std::string& json_text, const std::string& managed) {
    io::LoadOptions options;
    options.managed_policies_path = managed;
    nlohmann::json tree = nlohmann::json::parse(json_text);
    auto source = io::json_tree_source(std::move(tree));
    py::gil_scoped_release release;
    return std::make_shared<Organization>(io::load_snapshot(*source, options));
  }, py::arg("json_text"), py::arg("managed_policies_path") = "");

  static py::exception<io::SnapshotError> snapshot_error(m, "SnapshotError", PyExc_OSError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const io::SnapshotError& e) {
      py::object err = py::reinterpret_borrow<py::object>(snapshot_error.ptr())(e.what());
      err.attr("code") = e.code();
      err.attr("path") = e.path();
      PyErr_SetObject(snapshot_error.ptr(), err.ptr());
    }
  });

  py::class_<iam::ActionCatalogue, std::shared_ptr<iam::ActionCatalogue>>(m, "ActionCatalogue")
      .def_static("load", [](const std::string& path) {
        return std::const_pointer_cast<iam::ActionCatalogue>(iam::ActionCatalogue::load(path));
      })
      .def("expand", [](const iam::ActionCatalogue& c, const std::string& pattern) {
        std::vector<std::string> out;
        for (const auto* a : c.expand(pattern)) out.push_back(a->name);
        return out;
      })
      .def("find", [](const iam::ActionCatalogue& c, const std::string& action) -> py::object {
        const auto* a = c.find(action);
        if (!a) return py::none();
        py::dict d;
        d["name"] = a->name;
        d["access_level"] = a->access_level;
        d["resource_types"] = a->resource_types;
        d["condition_keys"] = a->condition_keys;
        return d;
      })
      .def("__len__", [](const iam::ActionCatalogue& c) { return c.actions().size(); })
      .def_property_readonly("services", &iam::ActionCatalogue::services);

  m.def("escalation_techniques", []() {
    py::list l;
    for (const auto& t : graph::escalation_techniques()) {
      py::dict d;
      d["id"] = t.id;
      d["name"] = t.name;
      d["category"] = t.category;
      d["actions"] = t.actions;
      d["resources"] = t.resources;
      d["gains"] = t.gains;
      l.append(d);
    }
    return l;
  });

  py::class_<AccessGraph, std::shared_ptr<AccessGraph>>(m, "AccessGraph")
      .def(py::init([](std::shared_ptr<Organization> o, std::shared_ptr<iam::ActionCatalogue> c) {
             py::gil_scoped_release release;
             return std::make_shared<AccessGraph>(std::move(o), std::move(c));
           }),
           py::arg("organization").none(false), py::arg("catalogue").none(false))
      .def("can", [](const AccessGraph& g, const std::string& principal, const std::string& action,
                     const std::string& resource, std::optional<py::dict> context) {
             condition::RequestContext ctx;
             if (context) fill_context(*context, &ctx);
             auto a = g.can(principal, action, resource, context ? &ctx : nullptr);
             return Decision{a.decision, a.request, std::make_shared<eval::PreparedPolicySet>(*a.policies)};
           },
           py::arg("principal"), py::arg("action"), py::arg("resource"), py::arg("context") = py::none())
      .def("who_can", [](const AccessGraph& g, const std::string& action, const std::string& resource) {
        std::vector<graph::Access> v;
        {
          py::gil_scoped_release release;
          v = g.who_can(action, resource);
        }
        py::list l;
        for (const auto& a : v) l.append(access_dict(a));
        return l;
      })
      .def("what_can", [](const AccessGraph& g, const std::string& principal) {
        std::vector<graph::ActionGrant> v;
        {
          py::gil_scoped_release release;
          v = g.what_can(principal);
        }
        py::list l;
        for (const auto& x : v) {
          py::dict d;
          d["service"] = x.service;
          d["resource"] = x.resource;
          d["actions"] = x.actions;
          d["access_levels"] = x.access_levels;
          d["conditional"] = x.conditional;
          d["conditions"] = x.conditions;
          d["via"] = x.via;
          l.append(d);
        }
        return l;
      })
      .def("access_paths", [](const AccessGraph& g, const std::string& source, const std::string& action,
                              const std::string& resource, int max_depth) {
             std::vector<graph::AccessPath> v;
             {
               py::gil_scoped_release release;
               v = g.access_paths(source, action, resource, max_depth);
             }
             py::list l;
             for (const auto& p : v) {
               py::list hops;
               for (const auto& h : p.hops) hops.append(hop_dict(h));
               l.append(hops);
             }
             return l;
           },
           py::arg("source"), py::arg("action"), py::arg("resource"), py::arg("max_depth") = 4)
      .def("external_access_findings", [](const AccessGraph& g, const std::string& zone) {
        const auto z = findings::Zone::parse(zone);
        std::vector<findings::Finding> v;
        {
          py::gil_scoped_release release;
          v = findings::external_access_findings(g, z);
        }
        py::list l;
        for (const auto& f : v) l.append(finding_dict(f));
        return l;
      }, py::arg("zone") = "organization")
      .def("escalation_paths", [](const AccessGraph& g, std::optional<std::string> principal) {
        std::vector<graph::EscalationPath> v;
        {
          py::gil_scoped_release release;
          v = graph::escalation_paths(g, principal);  // std::invalid_argument -> ValueError
        }
        py::list l;
        for (const auto& p : v) l.append(escalation_path_dict(p));
        return l;
      }, py::arg("principal") = py::none())
      .def_property_readonly("principals", [](const AccessGraph& g) {
        py::list l;
        for (const auto& p : g.principals()) {
          py::dict d;
          d["arn"] = p.arn;
          d["kind"] = graph::to_string(p.kind);
          d["account"] = p.account;
          d["name"] = p.name;
          l.append(d);
        }
        return l;
      });
}

}  // namespace accessgraph::bindings
