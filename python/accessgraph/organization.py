"""A loaded organization (or single account) and the queries over it."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import _core
from ._core import Decision, Explanation

if TYPE_CHECKING:  # pragma: no cover
    import networkx
    import pandas

    from .audit import AuditResults, Thresholds

__all__ = [
    "Access",
    "AccessPath",
    "EscalationGain",
    "EscalationPath",
    "EscalationStep",
    "EscalationTechnique",
    "ActionGrant",
    "Hop",
    "Organization",
    "Problem",
    "Results",
    "SnapshotError",
    "load_snapshot",
    "load_snapshot_from_dict",
]

SnapshotError = _core.SnapshotError


def _data_file(name: str) -> str:
    return str(resources.files("accessgraph").joinpath("data", name))


_CATALOGUE: _core.ActionCatalogue | None = None


def action_catalogue() -> _core.ActionCatalogue:
    """The bundled action catalogue (every AWS action, from the Service Authorization Reference)."""
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = _core.ActionCatalogue.load(_data_file("action-catalogue.json"))
    return _CATALOGUE


@dataclass(frozen=True)
class Problem:
    """Something wrong in the snapshot that loading recorded and went past."""

    code: str
    file: str
    json_pointer: str
    message: str
    severity: str = "warning"

    def __str__(self) -> str:
        where = self.file + (f"#{self.json_pointer}" if self.json_pointer else "")
        return f"{self.severity}: {self.code}: {where}: {self.message}"


T = TypeVar("T")


class Results(Sequence[T], Generic[T]):
    """A list of result objects with tabular and notebook renderings."""

    def __init__(self, items: list[T], title: str) -> None:
        self._items = items
        self.title = title

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: Any) -> Any:
        return self._items[i]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __repr__(self) -> str:
        return f"<{self.title}: {len(self)} result(s)>"

    def to_dicts(self) -> list[dict[str, Any]]:
        return [item.to_dict() for item in self._items]  # type: ignore[attr-defined]

    def to_dataframe(self) -> pandas.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.to_dicts())

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dicts(), indent=indent, sort_keys=True, default=str)

    def _repr_html_(self) -> str:
        rows = self.to_dicts()
        if not rows:
            return f"<p><b>{html.escape(self.title)}</b>: none</p>"
        cols = [c for c in rows[0] if c != "explanation"]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in cols) + "</tr>" for r in rows[:500]
        )
        more = f"<p>… {len(rows) - 500} more</p>" if len(rows) > 500 else ""
        return f"<p><b>{html.escape(self.title)}</b> ({len(rows)})</p><table><tr>{head}</tr>{body}</table>{more}"


def _cell(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return "" if v is None else str(v)


@dataclass(frozen=True)
class Access:
    """A principal that may perform the action on the resource."""

    principal: str
    kind: str
    account: str | None
    conditional: bool
    conditions: tuple[str, ...]
    unless: tuple[str, ...]
    explanation: Explanation = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"principal": self.principal, "kind": self.kind, "account": self.account,
                "conditional": self.conditional, "conditions": list(self.conditions), "unless": list(self.unless),
                "explanation": self.explanation.to_text()}


@dataclass(frozen=True)
class ActionGrant:
    """Actions a principal may perform on one resource (or resource pattern) of one service."""

    service: str
    resource: str
    actions: tuple[str, ...]
    access_levels: tuple[str, ...]
    conditional: bool
    conditions: tuple[str, ...]
    via: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["actions"] = list(self.actions)
        d["access_levels"] = list(self.access_levels)
        d["conditions"] = list(self.conditions)
        d["action_count"] = len(self.actions)
        return d


@dataclass(frozen=True)
class Hop:
    source: str
    target: str
    action: str
    conditional: bool
    conditions: tuple[str, ...]
    explanation: str = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "action": self.action, "conditional": self.conditional,
                "conditions": list(self.conditions), "explanation": self.explanation}


@dataclass(frozen=True)
class AccessPath:
    """A chain of role assumptions (or PassRole to a service) that ends in the access."""

    hops: tuple[Hop, ...]

    @property
    def principals(self) -> list[str]:
        return [self.hops[0].source] + [h.target for h in self.hops[:-1]] if self.hops else []

    def to_dict(self) -> dict[str, Any]:
        return {"length": len(self.hops), "path": " -> ".join(self.principals + [self.hops[-1].target]) if self.hops else "",
                "conditional": any(h.conditional for h in self.hops), "hops": [h.to_dict() for h in self.hops]}

    def __str__(self) -> str:
        parts = [self.hops[0].source] if self.hops else []
        for h in self.hops:
            parts.append(f"--{h.action}{'?' if h.conditional else ''}--> {h.target}")
        return " ".join(parts)


@dataclass(frozen=True)
class EscalationTechnique:
    """A documented privilege-escalation technique: a stable id and a name."""

    id: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class EscalationStep:
    """One call of an escalation path and the policy statements that allow it."""

    action: str
    resource: str
    allowed_by: tuple[str, ...]
    conditions: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "resource": self.resource, "allowed_by": list(self.allowed_by),
                "conditions": list(self.conditions), "unless": list(self.unless)}


@dataclass(frozen=True)
class EscalationGain:
    """What a path yields: `administrator`, a `role` reached, or `permissions` the principal lacked."""

    kind: str
    target: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "target": self.target, "detail": self.detail}


@dataclass(frozen=True)
class EscalationPath:
    """A way for `principal` to gain privileges with one documented escalation technique."""

    principal: str
    technique: EscalationTechnique
    steps: tuple[EscalationStep, ...]
    gains: EscalationGain
    assumptions: tuple[str, ...] = ()
    conditional: bool = False

    @classmethod
    def _from_core(cls, d: Mapping[str, Any]) -> EscalationPath:
        steps = tuple(EscalationStep(s["action"], s["resource"], tuple(s["allowed_by"]), tuple(s["conditions"]),
                                     tuple(s["unless"])) for s in d["steps"])
        return cls(d["principal"], EscalationTechnique(d["technique"]["id"], d["technique"]["name"]), steps,
                   EscalationGain(d["gains"]["kind"], d["gains"]["target"], d["gains"]["detail"]),
                   tuple(d["assumptions"]), bool(d["conditional"]))

    def to_dict(self) -> dict[str, Any]:
        return {"principal": self.principal, "technique": self.technique.to_dict(),
                "steps": [s.to_dict() for s in self.steps], "gains": self.gains.to_dict(),
                "assumptions": list(self.assumptions), "conditional": self.conditional}

    def __str__(self) -> str:
        steps = " -> ".join(f"{s.action} {s.resource}" for s in self.steps)
        return f"{self.principal} [{self.technique.id}] {steps} => {self.gains.kind} {self.gains.target}"


def _statements_html(policy: Any) -> str:
    if policy is None:
        return "<i>none</i>"
    rows = []
    for st in policy.statements:
        body = {k: v for k, v in st.items() if k not in ("index", "sid", "effect", "json_pointer")}
        rows.append(f"<li><b>{html.escape(st['effect'])}</b> #{st['index']}"
                    f"{' (' + html.escape(st['sid']) + ')' if st['sid'] else ''}: "
                    f"<code>{html.escape(json.dumps(body))}</code></li>")
    return "<ul>" + "".join(rows) + "</ul>"


@dataclass(frozen=True)
class PrincipalView:
    """An IAM user or role as loaded: identity, policies, boundary, trust policy."""

    data: Mapping[str, Any] = field(repr=False)
    managed_policies: list[Mapping[str, Any]] = field(repr=False)
    boundary: Mapping[str, Any] | None = field(repr=False)

    @property
    def arn(self) -> str:
        return str(self.data["arn"])

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.data.items() if k not in ("inline_policies", "trust_policy")}
        d["inline_policies"] = [p["name"] for p in self.data["inline_policies"]]
        d["managed_policies"] = [m["arn"] for m in self.managed_policies]
        return d

    def __repr__(self) -> str:
        return f"<{self.data['kind']} {self.arn}: {len(self.data['inline_policies'])} inline, {len(self.managed_policies)} managed>"

    def _repr_html_(self) -> str:
        d = self.data
        parts = [f"<b>{html.escape(d['kind'])}</b> <code>{html.escape(self.arn)}</code>"]
        if d.get("groups"):
            parts.append(f"<div>groups: {html.escape(', '.join(d['groups']))}</div>")
        for p in d["inline_policies"]:
            parts.append(f"<details><summary>inline policy {html.escape(p['name'])}</summary>{_statements_html(p['policy'])}</details>")
        for m in self.managed_policies:
            parts.append(f"<details><summary>managed policy {html.escape(m['name'])}</summary>{_statements_html(m['policy'])}</details>")
        if self.boundary is not None:
            parts.append(f"<details><summary>permissions boundary {html.escape(self.boundary['name'])}</summary>"
                         f"{_statements_html(self.boundary['policy'])}</details>")
        if d.get("kind") == "role":
            parts.append(f"<details open><summary>trust policy</summary>{_statements_html(d.get('trust_policy'))}</details>")
        return "<div>" + "".join(parts) + "</div>"


@dataclass(frozen=True)
class ResourceView:
    """A resource as loaded: its resource policy, and for S3 its ACL and Block Public Access, for KMS its grants."""

    data: Mapping[str, Any] = field(repr=False)

    @property
    def arn(self) -> str:
        return str(self.data["arn"])

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k != "policy"}

    def __repr__(self) -> str:
        return f"<{self.data['type']} {self.arn}>"

    def _repr_html_(self) -> str:
        d = self.data
        parts = [f"<b>{html.escape(d['type'])}</b> <code>{html.escape(self.arn)}</code> "
                 f"(account {html.escape(d['account'])}{', ' + html.escape(d['region']) if d.get('region') else ''})",
                 f"<details open><summary>resource policy ({html.escape(d['policy_known'])})</summary>"
                 f"{_statements_html(d.get('policy'))}</details>"]
        if d.get("acl"):
            rows = "".join(f"<li>{html.escape(g['permission'])} to {html.escape(g['grantee'])}</li>" for g in d["acl"])
            parts.append(f"<details><summary>bucket ACL</summary><ul>{rows}</ul></details>")
        if d.get("block_public_access"):
            parts.append(f"<div>Block Public Access: <code>{html.escape(json.dumps(d['block_public_access']))}</code></div>")
        if d.get("grants"):
            rows = "".join(f"<li>{html.escape(g['grantee_principal'])}: {html.escape(', '.join(g['operations']))}</li>"
                           for g in d["grants"])
            parts.append(f"<details><summary>KMS grants</summary><ul>{rows}</ul></details>")
        return "<div>" + "".join(parts) + "</div>"


class Organization:
    """An AWS Organization (or a single account) loaded from a snapshot, ready to query."""

    def __init__(self, core: _core.Organization, source: str = "") -> None:
        self._core = core
        self.source = source
        self._graph: _core.AccessGraph | None = None

    # ----- model -----
    @property
    def id(self) -> str:
        return self._core.id

    @property
    def management_account_id(self) -> str:
        return self._core.management_account_id

    @property
    def collected_at(self) -> str:
        return self._core.collected_at

    @property
    def regions(self) -> list[str]:
        return list(self._core.regions)

    @property
    def problems(self) -> list[Problem]:
        return [Problem(**p) for p in self._core.problems]

    @property
    def account_ids(self) -> list[str]:
        return list(self._core.account_ids)

    def account(self, account_id: str) -> dict[str, Any]:
        """Everything loaded about one account (IAM entities, resources, settings) as plain data."""
        return self._core.account(account_id)

    @property
    def units(self) -> list[dict[str, Any]]:
        return list(self._core.units)

    @property
    def policies(self) -> list[dict[str, Any]]:
        """SCPs and RCPs of the organization."""
        return list(self._core.policies)

    def principal(self, arn: str) -> "PrincipalView":
        """One IAM user or role of the snapshot, with its policies (renders as HTML in Jupyter)."""
        account = arn.split(":")[4] if arn.count(":") >= 5 else ""
        if account not in self.account_ids:
            raise KeyError(f"{arn}: no account {account or '?'} in the snapshot")
        a = self.account(account)
        for kind in ("users", "roles"):
            for x in a[kind]:
                if x["arn"] == arn:
                    managed = {m["arn"]: m for m in a["managed_policies"]}
                    return PrincipalView(x, [managed[m] for m in x["attached_policy_arns"] if m in managed],
                                         managed.get(x["permissions_boundary_arn"] or ""))
        raise KeyError(f"{arn}: no such user or role in account {account}")

    def resource(self, arn: str) -> "ResourceView":
        """One resource of the snapshot with its policy, ACL, Block Public Access and grants."""
        for aid in self.account_ids:
            for r in self.account(aid)["resources"]:
                if r["arn"] == arn:
                    return ResourceView(r)
        raise KeyError(f"{arn}: no such resource in the snapshot")

    def counts(self) -> dict[str, int]:
        return dict(self._core.counts())

    def summary(self) -> dict[str, Any]:
        """Counts and problems, as `accessgraph load --format json` prints them."""
        return {"source": self.source, "organization_id": self.id or None,
                "management_account_id": self.management_account_id or None,
                "collected_at": self.collected_at, "regions": self.regions, **self.counts(),
                "problems": [asdict(p) for p in self.problems]}

    @property
    def graph(self) -> _core.AccessGraph:
        if self._graph is None:
            self._graph = _core.AccessGraph(self._core, action_catalogue())
        return self._graph

    # ----- queries -----
    def can(self, principal: str, action: str, resource: str,
            context: Mapping[str, str | bool | int | float | Sequence[str]] | None = None) -> Decision:
        """Decide one request with the context AWS would set (aws:PrincipalArn, aws:PrincipalOrgID,
        aws:ResourceAccount, ...), `context` merged on top. The explanation names the SCP / RCP levels."""
        return self.graph.can(principal, action, resource, dict(context) if context else None)

    def who_can(self, action: str, resource: str) -> Results[Access]:
        """Every principal allowed `action` on `resource`, inside and outside the organization."""
        rows = self.graph.who_can(action, resource)
        items = [Access(r["principal"], r["kind"], r["account"], r["conditional"], tuple(r["conditions"]),
                        tuple(r["unless"]), r["explanation"]) for r in rows]
        return Results(items, f"who can {action} on {resource}")

    def what_can(self, principal: str) -> Results[ActionGrant]:
        """What `principal` may do, per service and resource."""
        rows = self.graph.what_can(principal)
        items = [ActionGrant(r["service"], r["resource"], tuple(r["actions"]), tuple(r["access_levels"]),
                             r["conditional"], tuple(r["conditions"]), r["via"]) for r in rows]
        return Results(items, f"what {principal} can do")

    def access_paths(self, source: str, action: str, resource: str, max_depth: int = 4) -> Results[AccessPath]:
        """Chains of sts:AssumeRole / iam:PassRole from `source` to `action` on `resource`."""
        rows = self.graph.access_paths(source, action, resource, max_depth)
        paths = [AccessPath(tuple(Hop(h["from"], h["to"], h["action"], h["conditional"], tuple(h["conditions"]),
                                      h["explanation"]) for h in hops)) for hops in rows]
        return Results(paths, f"paths from {source} to {action} on {resource}")

    def findings(self, zone: str = "organization", archive_rules: Any = None,
                 previous: Any = None) -> Any:
        """External-access findings for a zone of trust ("organization" or "account:<id>"), in IAM
        Access Analyzer's shape, each with `rcp_restricted`. `archive_rules`: rules (or a file) that
        mark matching findings ARCHIVED; `previous`: the findings of an earlier snapshot (a list or a
        file) for the lifecycle (new ACTIVE, gone RESOLVED) and `.diff`."""
        from .findings import build_findings, load_archive_rules, load_findings

        rules = load_archive_rules(archive_rules) if archive_rules is not None else None
        prev = load_findings(previous) if isinstance(previous, (str, Path)) else previous
        raw = self.graph.external_access_findings(zone)
        return build_findings(raw, zone, self.collected_at, rules, prev)

    # ----- audit -----
    def audit(self, checks: Sequence[str] | None = None,
              thresholds: Thresholds | Mapping[str, int] | None = None) -> AuditResults:
        """Account hygiene audit: the CIS AWS Foundations Benchmark v3.0.0 IAM controls the snapshot can
        decide, plus public role trust, unused roles and administrator users (see accessgraph.audit).
        `checks`: check ids or CIS ids (default all); `thresholds`: a Thresholds or a dict of its fields."""
        from .audit import run_audit

        return run_audit(self, checks, thresholds)

    # ----- privilege escalation -----
    def escalation_paths(self, principal: str | None = None) -> Results[EscalationPath]:
        """Privilege-escalation paths (CreatePolicyVersion, AttachUserPolicy, PassRole + CreateFunction,
        UpdateAssumeRolePolicy, ...) of every user and role, or of `principal` only (a user, role or
        assumed-role session ARN; ValueError when it is not in the snapshot). Each step is decided by the
        authorizer on the snapshot's own resources, so Denies, resource restrictions, conditions, boundaries
        and SCPs are honoured. A path is kept when it yields an administrator (every IAM write action on any
        resource of the account) or something the principal is not allowed already."""
        rows = self.graph.escalation_paths(principal)
        return Results([EscalationPath._from_core(r) for r in rows],
                       f"escalation paths{' of ' + principal if principal else ''}")

    # ----- exports -----
    def to_networkx(self) -> networkx.MultiDiGraph[Any]:
        """The organization as a graph: root/OU/account containment, SCP/RCP attachments, principals
        and resources per account, and trust edges (who may assume which role)."""
        import networkx as nx

        g: nx.MultiDiGraph[Any] = nx.MultiDiGraph()
        for u in self.units:
            g.add_node(u["id"], kind="root" if not u["parent_id"] else "ou", name=u["name"])
            if u["parent_id"]:
                g.add_edge(u["parent_id"], u["id"], kind="contains")
            for pid in u["scp_ids"] + u["rcp_ids"]:
                g.add_edge(pid, u["id"], kind="attached")
        for p in self.policies:
            g.add_node(p["id"], kind=p["type"], name=p["name"])
        for aid in self.account_ids:
            a = self.account(aid)
            g.add_node(aid, kind="account", name=a["name"])
            if a["parent_id"]:
                g.add_edge(a["parent_id"], aid, kind="contains")
            for pid in a["scp_ids"] + a["rcp_ids"]:
                g.add_edge(pid, aid, kind="attached")
            for x in a["users"] + a["roles"]:
                g.add_node(x["arn"], kind=x["kind"], name=x["name"], account=aid)
                g.add_edge(aid, x["arn"], kind="contains")
            for r in a["resources"]:
                g.add_node(r["arn"], kind=r["type"], name=r["name"], account=aid)
                g.add_edge(aid, r["arn"], kind="contains")
            for role in a["roles"]:
                for st in (role["trust_policy"].statements if role["trust_policy"] else []):
                    if st["effect"] != "Allow":
                        continue
                    for ptype, values in st.get("Principal", {}).items():
                        for v in values:
                            src = v if ptype != "AWS" or not v.isdigit() else v
                            g.add_edge(src, role["arn"], kind="may-assume", principal_type=ptype)
        return g

    def _repr_html_(self) -> str:
        c = self.counts()
        head = (f"<b>Organization {html.escape(self.id or '(single account)')}</b> — {c['accounts']} accounts, "
                f"{c['principals']} principals, {c['resources']} resources, {len(self.problems)} problems")
        if not self.units:
            return f"<div>{head}</div>"
        units = {u["id"]: u for u in self.units}
        names = {p["id"]: p["name"] for p in self.policies}

        def attached(x: Mapping[str, Any]) -> str:
            ps = [f"SCP {names.get(p, p)}" for p in x["scp_ids"]] + [f"RCP {names.get(p, p)}" for p in x["rcp_ids"]]
            return f" <small>[{html.escape(', '.join(ps))}]</small>" if ps else ""

        def render(uid: str) -> str:
            u = units[uid]
            inner = "".join(f"<li>{render(c)}</li>" for c in u["child_units"] if c in units)
            for aid in u["accounts"]:
                try:
                    a = self.account(aid)
                except KeyError:
                    continue
                mgmt = " <i>(management)</i>" if aid == self.management_account_id else ""
                inner += f"<li>account {aid} {html.escape(a['name'])}{mgmt}{attached(a)}</li>"
            label = "Root" if not u["parent_id"] else f"OU {html.escape(u['name'])}"
            return f"<details open><summary>{label} <code>{uid}</code>{attached(u)}</summary><ul>{inner}</ul></details>"

        root = next((u["id"] for u in self.units if not u["parent_id"]), None)
        return f"<div>{head}{render(root) if root else ''}</div>"

    def __repr__(self) -> str:
        c = self.counts()
        return (f"<Organization {self.id or '(single account)'}: {c['accounts']} accounts, {c['principals']} principals, "
                f"{c['resources']} resources, {len(self.problems)} problems>")


def load_snapshot(path: str | PathLike[str]) -> Organization:
    """Load a snapshot directory (see the snapshot layout). Problems are in `org.problems`;
    only an unusable root raises SnapshotError."""
    p = Path(path)
    core = _core._load_snapshot_dir(str(p), _data_file("aws-managed-policies.json"))
    return Organization(core, str(p))


def load_snapshot_from_dict(tree: Mapping[str, Any]) -> Organization:
    """Load a snapshot given as nested dicts (directories) whose leaves are file contents: the JSON
    responses boto3 returns (minus ResponseMetadata) for `.json` files, text for `.csv` / `.txt`."""
    text = json.dumps(tree, default=str)
    return Organization(_core._load_snapshot_json(text, _data_file("aws-managed-policies.json")), "<dict>")
