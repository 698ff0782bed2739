"""CLI commands over a loaded snapshot: load, can, who-can, what-can, paths."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .cli import _fail, app


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def _load(snapshot: Path) -> Any:
    from .organization import SnapshotError, load_snapshot

    err = Console(stderr=True, emoji=False)
    try:
        if err.is_terminal:
            with err.status(f"loading {snapshot} ..."):
                return load_snapshot(snapshot)
        return load_snapshot(snapshot)
    except SnapshotError as e:
        raise _fail(f"{snapshot}: {e}", "give a snapshot directory laid out as described in the README (manifest.json, accounts/)") from None


def _parse_context(pairs: list[str]) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    for p in pairs:
        key, sep, value = p.partition("=")
        if not sep or not key:
            raise _fail(f"bad --context {p!r}", "write KEY=VALUE, e.g. --context aws:SourceIp=203.0.113.7 "
                        "(a comma-separated VALUE in [brackets] is a list: aws:TagKeys=[a,b])")
        if value.startswith("[") and value.endswith("]"):
            ctx[key] = [v for v in value[1:-1].split(",") if v]
        else:
            ctx[key] = value
    return ctx


def _dump(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


@app.command("load")
def load_cmd(
    snapshot: Path = typer.Argument(..., help="Snapshot directory."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table or json"),
) -> None:
    """Load a snapshot and print its counts and the problems found in it."""
    org = _load(snapshot)
    summary = org.summary()
    if fmt == OutputFormat.json:
        _dump(summary)
        return
    console = Console(highlight=False, emoji=False)
    t = Table(title=f"{snapshot}  (organization {summary['organization_id'] or '-'}, collected {summary['collected_at']})")
    t.add_column("what")
    t.add_column("count", justify="right")
    for k in ["accounts", "organizational_units", "principals", "users", "roles", "groups", "resources", "policies",
              "service_control_policies", "resource_control_policies"]:
        t.add_row(k.replace("_", " "), str(summary[k]))
    console.print(t)
    problems = org.problems
    if problems:
        pt = Table(title=f"{len(problems)} problem(s)")
        for c in ["severity", "code", "file", "json pointer", "message"]:
            pt.add_column(c, overflow="fold")
        for p in problems[:200]:
            pt.add_row(p.severity, p.code, p.file, p.json_pointer, p.message)
        console.print(pt)
    else:
        console.print("no problems")


@app.command("can")
def can_cmd(
    snapshot: Path = typer.Argument(..., help="Snapshot directory."),
    principal: str = typer.Argument(..., help="User, role, assumed-role session or account root ARN; or 'anonymous'."),
    action: str = typer.Argument(..., help="e.g. s3:GetObject"),
    resource: str = typer.Argument(..., help="Resource ARN, or '*'."),
    context: Optional[list[str]] = typer.Option(None, "--context", "-c", help="KEY=VALUE request context (repeatable)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Can PRINCIPAL perform ACTION on RESOURCE? Prints the decision and why (exit 0 allowed, 1 denied)."""
    org = _load(snapshot)
    try:
        d = org.can(principal, action, resource, _parse_context(context or []))
    except ValueError as e:
        raise _fail(str(e)) from None
    if fmt == OutputFormat.json:
        _dump({"decision": d.decision, "principal": principal, "action": action, "resource": resource,
               "explanation": d.explain().to_dict()})
    else:
        colour = {"Allowed": "green", "ImplicitlyDenied": "yellow", "ExplicitlyDenied": "red"}[d.decision]
        Console(highlight=False, emoji=False).print(f"[{colour}]{d.decision}[/]: {principal} {action} {resource}")
        Console(highlight=False, emoji=False).print(d.explain().to_text(), markup=False)
    raise typer.Exit(0 if d.allowed else 1)


@app.command("who-can")
def who_can_cmd(
    snapshot: Path = typer.Argument(..., help="Snapshot directory."),
    action: str = typer.Argument(...),
    resource: str = typer.Argument(...),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Every principal (inside and outside the organization) allowed ACTION on RESOURCE."""
    org = _load(snapshot)
    results = org.who_can(action, resource)
    if fmt == OutputFormat.json:
        _dump(results.to_dicts())
        return
    t = Table(title=f"who can {action} on {resource}: {len(results)}")
    for c in ["principal", "kind", "account", "conditions"]:
        t.add_column(c, overflow="fold")
    for a in results:
        conds = "; ".join(a.conditions) + ("; unless " + "; ".join(a.unless) if a.unless else "")
        t.add_row(a.principal, a.kind, a.account or "", conds)
    Console(highlight=False, emoji=False).print(t)


@app.command("what-can")
def what_can_cmd(
    snapshot: Path = typer.Argument(..., help="Snapshot directory."),
    principal: str = typer.Argument(...),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """What PRINCIPAL may do, summarised per service and resource."""
    org = _load(snapshot)
    results = org.what_can(principal)
    if fmt == OutputFormat.json:
        _dump(results.to_dicts())
        return
    t = Table(title=f"what {principal} can do")
    for c in ["service", "resource", "actions", "access levels", "via", "conditions"]:
        t.add_column(c, overflow="fold")
    for g in results:
        shown = ", ".join(g.actions[:6]) + (f" … (+{len(g.actions) - 6})" if len(g.actions) > 6 else "")
        t.add_row(g.service, g.resource, shown, ", ".join(g.access_levels), g.via, "; ".join(g.conditions))
    Console(highlight=False, emoji=False).print(t)


@app.command("paths")
def paths_cmd(
    snapshot: Path = typer.Argument(..., help="Snapshot directory."),
    source: str = typer.Argument(..., help="Starting principal ARN."),
    action: str = typer.Argument(...),
    resource: str = typer.Argument(...),
    max_depth: int = typer.Option(4, "--max-depth", help="Most role hops to follow."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Chains of role assumptions (and iam:PassRole to Lambda) from SOURCE to ACTION on RESOURCE."""
    org = _load(snapshot)
    paths = org.access_paths(source, action, resource, max_depth)
    if fmt == OutputFormat.json:
        _dump(paths.to_dicts())
        return
    console = Console(highlight=False, emoji=False)
    if not len(paths):
        console.print(f"no path from {source} to {action} on {resource} within {max_depth} hop(s)")
        return
    for i, p in enumerate(paths, 1):
        console.print(f"[bold]{i}.[/] {p}", markup=True)


class FindingsFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"
    html = "html"


@app.command("findings")
def findings_cmd(
    snapshot: Path = typer.Argument(..., help="Snapshot directory."),
    zone: str = typer.Option("organization", "--zone", "-z", help="organization, or account:<12-digit id>."),
    archive_rules: Optional[Path] = typer.Option(None, "--archive-rules", help="Access Analyzer archive rules (JSON)."),
    previous: Optional[Path] = typer.Option(None, "--previous", help="Findings JSON of an earlier run, for the lifecycle."),
    fmt: FindingsFormat = typer.Option(FindingsFormat.table, "--format", "-f", help="table, json, sarif or html"),
    diff_out: Optional[Path] = typer.Option(None, "--diff-out", help="Write the change report (with --previous) here."),
) -> None:
    """External-access findings like IAM Access Analyzer, with RCP verdicts.
    Exit 0: no active finding; 1: active findings; 2: error."""
    org = _load(snapshot)
    try:
        findings = org.findings(zone=zone, archive_rules=archive_rules, previous=previous)
    except ValueError as e:
        raise _fail(str(e)) from None
    if diff_out is not None and findings.diff is not None:
        diff_out.write_text(json.dumps(findings.diff.to_dict(), indent=2, sort_keys=True) + "\n")
    if fmt == FindingsFormat.json:
        sys.stdout.write(findings.to_json() + "\n")
    elif fmt == FindingsFormat.sarif:
        _dump(findings.to_sarif())
    elif fmt == FindingsFormat.html:
        sys.stdout.write(findings.to_html())
    else:
        _print_findings(findings, str(snapshot))
    raise typer.Exit(1 if findings.active() else 0)


def _wide_console() -> Console:
    # Tables of ARNs need room: when the output is not a terminal, do not wrap at 80 columns.
    probe = Console()
    return Console(highlight=False, emoji=False, width=None if probe.is_terminal else 180)


def _print_findings(findings: Any, source: str) -> None:
    console = _wide_console()
    colours = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
    t = Table(title=f"External access — {source}, zone {findings.zone}", show_lines=False)
    for c in ["severity", "resource", "who (outside the zone)", "can", "only if", "RCP"]:
        t.add_column(c, overflow="fold")
    for f in findings.ranked():
        if f.status == "RESOLVED":
            continue
        who = "anyone (public)" if f.principal_key == "public" and not f.condition else (
            "any principal" if f.principal_key == "public" else f.principal_key)
        if "error" in f.data:
            who, can = "?", f"not analysable: {f.data['error']}"
        else:
            can = ", ".join(f.actions[:4]) + (f" … (+{len(f.actions) - 4})" if len(f.actions) > 4 else "")
        cond = "; ".join(f"{k}={v}" for k, v in f.condition.items())
        rcp = "blocked" if f.rcp_restricted else ""
        sev = f"[{colours.get(f.severity, '')}]{f.severity}[/]" + ("" if f.status == "ACTIVE" else f" ({f.status.lower()})")
        t.add_row(sev, f"{escape(f.resource)}\n[dim]{f.resource_type}[/]", escape(who), escape(can), escape(cond), rcp)
    console.print(t)
    groups = findings.groups()
    console.print(f"{len(findings.active())} active finding(s); {len(groups)} after folding findings implied by broader "
                  f"ones; {sum(1 for f in findings.active() if f.rcp_restricted)} blocked by an RCP.")
    if findings.diff is not None:
        d = findings.diff
        console.print(f"since the previous run: {len(d.new)} new, {len(d.resolved)} resolved, {len(d.changed)} changed, "
                      f"{d.unchanged} unchanged")


class AuditFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"


@app.command("audit")
def audit_cmd(
    snapshot: Path = typer.Argument(..., help="Snapshot directory."),
    fmt: AuditFormat = typer.Option(AuditFormat.table, "--format", "-f", help="table, json or sarif"),
    check: Optional[list[str]] = typer.Option(None, "--check", "-c",
                                              help="Only this check: id (console-user-mfa) or CIS id (1.10); repeatable."),
    threshold: Optional[list[str]] = typer.Option(None, "--threshold", "-t",
                                                  help="NAME=VALUE, e.g. unused_credential_days=30; repeatable."),
    show_all: bool = typer.Option(False, "--all", help="Table: list passing and not-applicable results too."),
) -> None:
    """Account hygiene audit: the CIS AWS Foundations Benchmark v3.0.0 IAM controls the snapshot can decide,
    public role trust, unused roles, administrator users. Exit 0: nothing failed; 1: a check failed; 2: error."""
    from .audit import Thresholds, select_checks

    try:
        thresholds = Thresholds.from_strings(threshold or [])
        select_checks(check)
    except ValueError as e:
        raise _fail(str(e), "see accessgraph audit --help") from None
    org = _load(snapshot)
    results = org.audit(checks=check, thresholds=thresholds)
    if fmt == AuditFormat.json:
        sys.stdout.write(results.to_json() + "\n")
    elif fmt == AuditFormat.sarif:
        _dump(results.to_sarif())
    else:
        _print_audit(results, str(snapshot), show_all)
    raise typer.Exit(0 if results.passed else 1)


def _print_audit(results: Any, source: str, show_all: bool) -> None:
    console = _wide_console()
    colours = {"fail": "red", "unknown": "yellow", "pass": "green", "not-applicable": "dim"}
    statuses = ["pass", "fail", "not-applicable", "unknown"]
    t = Table(title=f"Account hygiene audit — {source}, collected {results.collected_at}")
    for c in ["check", "CIS", "severity", "title"]:
        t.add_column(c, overflow="fold")
    for s in statuses:
        t.add_column(s, justify="right")
    for row in results.summary():
        cells = [f"[{colours[s]}]{row[s]}[/]" if row[s] else "" for s in statuses]
        t.add_row(row["check"], row["cis"] or "", row["severity"], escape(row["title"]), *cells)
    console.print(t)
    shown = [r for r in results if show_all or r.status in ("fail", "unknown")]
    if shown:
        order = {"fail": 0, "unknown": 1, "pass": 2, "not-applicable": 3}
        severity = {"critical": 0, "high": 1, "medium": 2, "low": 3}
        shown.sort(key=lambda r: (order[r.status], severity.get(r.severity, 9), r.account, r.check, r.resource))
        d = Table(title="results" if show_all else "failed and unknown results")
        for c in ["status", "severity", "account", "check", "resource", "evidence"]:
            d.add_column(c, overflow="fold")
        for r in shown:
            d.add_row(f"[{colours[r.status]}]{r.status}[/]", r.severity, r.account,
                      r.check + (f" ({r.cis})" if r.cis else ""), escape(r.resource), escape(r.evidence))
        console.print(d)
    if results.problems:
        p = Table(title=f"{len(results.problems)} input problem(s)")
        for c in ["severity", "code", "file", "line", "message"]:
            p.add_column(c, overflow="fold")
        for x in results.problems[:200]:
            p.add_row(x.severity, x.code, escape(x.file), str(getattr(x, "line", "") or ""), escape(x.message))
        console.print(p)
    n = results.counts()
    console.print(f"{n['fail']} failed, {n['unknown']} unknown, {n['pass']} passed, {n['not-applicable']} not applicable")


@app.command("escalation")
def escalation_cmd(
    snapshot: Path = typer.Argument(..., help="Snapshot directory."),
    principal: Optional[str] = typer.Option(None, "--principal", "-p",
                                            help="Only this user or role ARN (or an assumed-role session ARN)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table or json"),
) -> None:
    """Privilege-escalation paths of every user and role (or of --principal): the documented techniques
    (iam:CreatePolicyVersion, iam:AttachUserPolicy, iam:PassRole + lambda:CreateFunction, iam:UpdateAssumeRolePolicy,
    ...), each step with the policy statements that allow it, and what is gained."""
    org = _load(snapshot)
    try:
        paths = org.escalation_paths(principal)
    except ValueError as e:
        raise _fail(str(e), "give the ARN of a user or role of the snapshot") from None
    if fmt == OutputFormat.json:
        _dump(paths.to_dicts())
        return
    console = Console(highlight=False)
    if not len(paths):
        console.print("no privilege-escalation path" + (f" from {principal}" if principal else ""))
        return
    t = Table(title=f"privilege-escalation paths in {snapshot}: {len(paths)}")
    for c in ["principal", "technique", "steps", "gains", "assumptions"]:
        t.add_column(c, overflow="fold")
    for p in paths:
        steps = "\n".join(f"{s.action} {s.resource}" + (" (if " + "; ".join(s.conditions) + ")" if s.conditions else "")
                          for s in p.steps)
        t.add_row(escape(p.principal), p.technique.id, escape(steps), escape(f"{p.gains.kind}: {p.gains.target}"),
                  escape("\n".join(p.assumptions)))
    console.print(t)
