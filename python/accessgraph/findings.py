"""External-access findings (IAM Access Analyzer's shape), archive rules, lifecycle and reports."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["ArchiveRule", "Finding", "Findings", "FindingsDiff", "load_archive_rules", "load_findings"]

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


@dataclass(frozen=True)
class Finding:
    """One finding: a principal outside the zone of trust can reach a resource."""

    data: Mapping[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def resource(self) -> str:
        return str(self.data["resource"])

    @property
    def resource_type(self) -> str:
        return str(self.data["resourceType"])

    @property
    def principal(self) -> dict[str, str]:
        return dict(self.data.get("principal") or {})

    @property
    def principal_key(self) -> str:
        """`public` for "*", else the principal value (accounts as bare ids)."""
        values = list(self.principal.values())
        if self.data.get("isPublic") is True or "*" in values:
            return "public"
        return ",".join(sorted(values)) if values else f"error:{self.data.get('error')}"

    @property
    def is_public(self) -> bool | None:
        v = self.data.get("isPublic")
        return None if v is None else bool(v)

    @property
    def actions(self) -> list[str]:
        return list(self.data.get("action") or [])

    @property
    def condition(self) -> dict[str, Any]:
        return dict(self.data.get("condition") or {})

    @property
    def status(self) -> str:
        return str(self.data.get("status", "ACTIVE"))

    @property
    def severity(self) -> str:
        return str(self.data.get("severity", ""))

    @property
    def rcp_restricted(self) -> bool:
        return bool(self.data.get("rcp_restricted", False))

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    def __repr__(self) -> str:
        who = json.dumps(self.principal) if self.principal else self.data.get("error")
        return f"<Finding {self.status} {self.severity} {self.resource} {who} {len(self.actions)} action(s)>"


def _field_values(f: Mapping[str, Any], key: str) -> list[str] | None:
    """Values of an Access Analyzer filter key for a finding (None when the field is absent)."""
    if key.startswith("principal."):
        v = (f.get("principal") or {}).get(key.split(".", 1)[1])
        return None if v is None else [str(v)]
    if key.startswith("condition."):
        v = (f.get("condition") or {}).get(key.split(".", 1)[1])
        if v is None:
            lower = {k.lower(): x for k, x in (f.get("condition") or {}).items()}
            v = lower.get(key.split(".", 1)[1].lower())
        if v is None:
            return None
        return [str(x) for x in v] if isinstance(v, list) else [str(v)]
    v = f.get(key)
    if v is None:
        return None
    if isinstance(v, bool):
        return ["true" if v else "false"]
    if isinstance(v, list):
        return [x["type"] if isinstance(x, dict) and "type" in x else str(x) for x in v]
    return [str(v)]


@dataclass(frozen=True)
class ArchiveRule:
    """An Access Analyzer archive rule: every criterion of the filter must match (eq, neq, contains, exists)."""

    name: str
    filter: Mapping[str, Mapping[str, Any]]

    def matches(self, finding: Mapping[str, Any]) -> bool:
        for key, criterion in self.filter.items():
            values = _field_values(finding, key)
            for op, expected in criterion.items():
                if op == "exists":
                    if (values is not None) != bool(expected):
                        return False
                elif op == "eq":
                    if values is None or not any(v in expected for v in values):
                        return False
                elif op == "neq":
                    if values is not None and any(v in expected for v in values):
                        return False
                elif op == "contains":
                    if values is None or not any(e in v for v in values for e in expected):
                        return False
                else:
                    raise ValueError(f"archive rule {self.name!r}: unknown criterion {op!r} for {key!r} "
                                     "(expected eq, neq, contains or exists)")
        return True


def load_archive_rules(source: str | Path | Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> list[ArchiveRule]:
    """Archive rules from a file or objects: a list of {"ruleName", "filter"}, or a ListArchiveRules
    response {"archiveRules": [...]}."""
    data: Any = source
    if isinstance(source, (str, Path)):
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except OSError as e:
            raise ValueError(f"{source}: cannot read archive rules ({e.strerror})") from None
        except json.JSONDecodeError as e:
            raise ValueError(f"{source}: not JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    if isinstance(data, Mapping):
        data = data.get("archiveRules", [data] if "filter" in data else [])
    rules = []
    for i, r in enumerate(data):
        if not isinstance(r, Mapping) or not isinstance(r.get("filter"), Mapping):
            raise ValueError(f"archive rule #{i}: expected {{\"ruleName\": ..., \"filter\": {{key: {{criterion: ...}}}}}}")
        for key, criterion in r["filter"].items():
            if not isinstance(criterion, Mapping) or not set(criterion) <= {"eq", "neq", "contains", "exists"}:
                raise ValueError(f"archive rule {r.get('ruleName', i)!r}: filter {key!r} must use eq, neq, contains or exists")
        rules.append(ArchiveRule(str(r.get("ruleName", f"rule-{i}")), r["filter"]))
    return rules


def load_findings(path: str | Path) -> list[dict[str, Any]]:
    """Findings from a file written by `accessgraph findings --format json` (or an Access Analyzer
    ListFindings response)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ValueError(f"{path}: cannot read findings ({e.strerror})") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    if isinstance(data, Mapping):
        data = data.get("findings", [])
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of findings")
    return [dict(x) for x in data if isinstance(x, Mapping)]


@dataclass
class FindingsDiff:
    """What changed between two snapshots' findings."""

    new: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"new": self.new, "resolved": self.resolved, "changed": self.changed, "unchanged": self.unchanged}


def _key(f: Mapping[str, Any]) -> tuple[str, str]:
    return (str(f.get("resource")), Finding(f).principal_key)


def apply_lifecycle(current: list[dict[str, Any]], previous: Sequence[Mapping[str, Any]], now: str
                    ) -> tuple[list[dict[str, Any]], FindingsDiff]:
    """New access -> ACTIVE, removed access -> RESOLVED, changed access -> the old finding RESOLVED and
    a new one ACTIVE (ids are stable for the same access)."""
    prev = {str(p["id"]): p for p in previous if p.get("status") != "RESOLVED" and "id" in p}
    cur_ids = {f["id"] for f in current}
    diff = FindingsDiff()
    prev_by_key = {_key(p): p for p in prev.values()}
    for f in current:
        old = prev.get(f["id"])
        if old is not None:
            f["createdAt"] = old.get("createdAt", now)
            diff.unchanged += 1
        else:
            f["createdAt"] = now
            before = prev_by_key.get(_key(f))
            if before is not None and before["id"] not in cur_ids:
                diff.changed.append({
                    "resource": f["resource"], "principal": f.get("principal"), "old_id": before["id"], "new_id": f["id"],
                    "added_actions": sorted(set(f.get("action", [])) - set(before.get("action", []))),
                    "removed_actions": sorted(set(before.get("action", [])) - set(f.get("action", []))),
                    "condition_before": before.get("condition", {}), "condition_after": f.get("condition", {}),
                })
            else:
                diff.new.append(f["id"])
    out = list(current)
    changed_old = {c["old_id"] for c in diff.changed}
    for pid, p in sorted(prev.items()):
        if pid not in cur_ids:
            gone = dict(p)
            gone["status"] = "RESOLVED"
            gone["updatedAt"] = now
            out.append(gone)
            if pid not in changed_old:
                diff.resolved.append(pid)
    return out, diff


def _covers(broad: Finding, narrow: Finding) -> bool:
    """`broad` implies `narrow`: same resource, a principal at least as wide, at least the actions,
    and no condition narrowing `broad` that does not narrow `narrow` too."""
    if broad.id == narrow.id or broad.resource != narrow.resource or broad.status != narrow.status:
        return False
    if not set(narrow.actions) <= set(broad.actions):
        return False
    if not set(broad.condition) <= set(narrow.condition):
        return False
    bk, nk = broad.principal_key, narrow.principal_key
    if bk == nk:
        return broad.condition != narrow.condition or len(broad.actions) > len(narrow.actions)
    if bk == "public":
        return True
    # An account covers its own users and roles.
    return nk.startswith("arn:") and nk.split(":")[4] == bk


class Findings(Sequence[Finding]):
    """The findings of one zone, ranked by severity."""

    def __init__(self, items: list[dict[str, Any]], zone: str, diff: FindingsDiff | None = None,
                 collected_at: str = "") -> None:
        self._raw = items
        self._items = [Finding(x) for x in items]
        self.zone = zone
        self.diff = diff
        self.collected_at = collected_at

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: Any) -> Any:
        return self._items[i]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._items)

    def __repr__(self) -> str:
        return f"<Findings zone={self.zone}: {len(self.active())} active, {len(self)} in all>"

    def active(self) -> list[Finding]:
        return [f for f in self._items if f.status == "ACTIVE"]

    def ranked(self) -> list[Finding]:
        return sorted(self._items, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.resource, f.principal_key))

    def to_dicts(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self._raw]

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dicts(), indent=indent, sort_keys=True)

    def to_dataframe(self) -> pandas.DataFrame:
        import pandas as pd

        rows = []
        for f in self.ranked():
            rows.append({"severity": f.severity, "status": f.status, "resource": f.resource, "type": f.resource_type,
                         "owner": f.data.get("resourceOwnerAccount"), "principal": json.dumps(f.principal),
                         "public": f.is_public, "actions": ", ".join(f.actions), "condition": json.dumps(f.condition),
                         "rcp_restricted": f.rcp_restricted, "id": f.id})
        return pd.DataFrame(rows)

    def groups(self) -> list[dict[str, Any]]:
        """The smallest set of findings that explains all external access: each finding implied by
        a broader one on the same resource is folded into it, with a count of what it covers."""
        active = self.active()
        out = []
        for f in active:
            if any(_covers(b, f) for b in active):
                continue
            covered = [c.id for c in active if _covers(f, c)]
            out.append({"id": f.id, "resource": f.resource, "principal": f.principal, "severity": f.severity,
                        "actions": len(f.actions), "covers": covered, "count": 1 + len(covered)})
        return sorted(out, key=lambda g: (SEVERITY_ORDER.get(g["severity"], 9), g["resource"]))

    def to_sarif(self) -> dict[str, Any]:
        rules: dict[str, dict[str, Any]] = {}
        results = []
        for f in self.ranked():
            if f.status != "ACTIVE":
                continue
            rule_id = f"external-access/{f.resource_type}"
            rules.setdefault(rule_id, {
                "id": rule_id, "name": "ExternalAccess",
                "shortDescription": {"text": f"{f.resource_type} reachable from outside the zone of trust"},
                "help": {"text": str(f.data.get("remediation", ""))}})
            who = "anyone" if f.principal_key == "public" else json.dumps(f.principal)
            results.append({
                "ruleId": rule_id, "level": _LEVEL.get(f.severity, "warning"),
                "message": {"text": f"{f.resource} can be reached by {who} ({', '.join(f.actions[:8])}"
                                    f"{' …' if len(f.actions) > 8 else ''})"
                                    + (f" if {json.dumps(f.condition)}" if f.condition else "")
                                    + (" — blocked by an RCP" if f.rcp_restricted else "")},
                "locations": [{"logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}]}],
                "partialFingerprints": {"accessgraphFindingId": f.id},
                "properties": {"severity": f.severity, "zone": self.zone, "rcp_restricted": f.rcp_restricted},
            })
        return {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                "runs": [{"tool": {"driver": {"name": "accessgraph", "informationUri": "https://example.invalid/accessgraph",
                                              "rules": [rules[k] for k in sorted(rules)]}},
                          "results": results}]}

    def _repr_html_(self) -> str:
        rows = []
        colours = {"critical": "#cf222e", "high": "#bc4c00", "medium": "#9a6700", "low": "#57606a"}
        for f in self.ranked():
            who = "anyone" if f.principal_key == "public" else f.principal_key
            cond = html.escape(json.dumps(f.condition)) if f.condition else ""
            rcp = "blocked by RCP" if f.rcp_restricted else ""
            rows.append(
                f"<tr><td style='color:{colours.get(f.severity, '#333')}'><b>{html.escape(f.severity)}</b></td>"
                f"<td>{html.escape(f.status)}</td><td><code>{html.escape(f.resource)}</code></td>"
                f"<td>{html.escape(f.resource_type)}</td><td>{html.escape(who)}</td>"
                f"<td>{html.escape(', '.join(f.actions[:6]))}{' …' if len(f.actions) > 6 else ''}</td>"
                f"<td>{cond}</td><td>{rcp}</td></tr>")
        head = "".join(f"<th>{h}</th>" for h in ["severity", "status", "resource", "type", "principal", "actions",
                                                  "condition", "RCP"])
        return (f"<p><b>External access, zone {html.escape(self.zone)}</b>: {len(self.active())} active finding(s)</p>"
                f"<table><tr>{head}</tr>{''.join(rows)}</table>")

    def to_html(self) -> str:
        return ("<!doctype html><html><head><meta charset='utf-8'><title>accessgraph findings</title>"
                "<style>body{font-family:sans-serif}td,th{padding:4px 8px;border-bottom:1px solid #ddd;"
                "text-align:left;vertical-align:top}</style></head><body>" + self._repr_html_() + "</body></html>\n")


def build_findings(raw: list[dict[str, Any]], zone: str, collected_at: str,
                   archive_rules: Sequence[ArchiveRule] | None = None,
                   previous: Sequence[Mapping[str, Any]] | None = None) -> Findings:
    items = []
    for f in raw:
        f = dict(f)
        f["status"] = "ACTIVE"
        f["analyzedAt"] = collected_at
        f["updatedAt"] = collected_at
        f["createdAt"] = collected_at
        items.append(f)
    diff = None
    if previous is not None:
        items, diff = apply_lifecycle(items, previous, collected_at)
    for f in items:
        if f["status"] == "ACTIVE" and archive_rules:
            for rule in archive_rules:
                if rule.matches(f):
                    f["status"] = "ARCHIVED"
                    f["archivedBy"] = rule.name
                    break
    return Findings(items, zone, diff, collected_at)
