"""A short tour of the engine: a few requests against realistic policies, each explained."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.panel import Panel

from . import Request, evaluate, policy_set

ACCOUNT = "111122223333"
PARTNER = "444455556666"

DATA_READER: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"]},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
    ],
}
BUCKET_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "PartnerReads", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-reports/shared/*"},
    ],
}
DENY_OUTSIDE_EU: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "EuOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}},
    ],
}
FULL_ACCESS: dict[str, Any] = {"Version": "2012-10-17",
                               "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def run_engine_demo(console: Console) -> None:
    alice = f"arn:aws:iam::{ACCOUNT}:user/alice"
    partner_role = f"arn:aws:sts::{PARTNER}:assumed-role/Etl/job-42"
    scps = [[FULL_ACCESS], [FULL_ACCESS, DENY_OUTSIDE_EU], [FULL_ACCESS]]
    names = ["root r-a1b2", "OU ou-a1b2-eu000001", f"account {ACCOUNT}"]
    cases = [
        ("alice reads a report in her own account",
         Request(alice, "s3:GetObject", "arn:aws:s3:::acme-reports/q3.csv", resource_account=ACCOUNT,
                 context={"aws:RequestedRegion": "eu-west-1"}),
         policy_set(identity_policies=[DATA_READER], scps=scps, scp_level_names=names, resource_policy=BUCKET_POLICY)),
        ("alice tries to delete it",
         Request(alice, "s3:DeleteObject", "arn:aws:s3:::acme-reports/q3.csv", resource_account=ACCOUNT,
                 context={"aws:RequestedRegion": "eu-west-1"}),
         policy_set(identity_policies=[DATA_READER], scps=scps, scp_level_names=names, resource_policy=BUCKET_POLICY)),
        ("alice reads from a US region: the OU's SCP denies it",
         Request(alice, "s3:GetObject", "arn:aws:s3:::acme-reports/q3.csv", resource_account=ACCOUNT,
                 context={"aws:RequestedRegion": "us-east-1"}),
         policy_set(identity_policies=[DATA_READER], scps=scps, scp_level_names=names, resource_policy=BUCKET_POLICY)),
        ("a partner role reads a shared report (cross-account: both sides allow)",
         Request(partner_role, "s3:GetObject", "arn:aws:s3:::acme-reports/shared/summary.csv", resource_account=ACCOUNT),
         policy_set(identity_policies=[FULL_ACCESS], resource_policy=BUCKET_POLICY)),
        ("the partner role reads a private report (the bucket policy does not allow it)",
         Request(partner_role, "s3:GetObject", "arn:aws:s3:::acme-reports/q3.csv", resource_account=ACCOUNT),
         policy_set(identity_policies=[FULL_ACCESS], resource_policy=BUCKET_POLICY)),
        ("an anonymous caller reads a shared report",
         Request("anonymous", "s3:GetObject", "arn:aws:s3:::acme-reports/shared/summary.csv", resource_account=ACCOUNT),
         policy_set(resource_policy=BUCKET_POLICY)),
    ]
    colours = {"Allowed": "green", "ImplicitlyDenied": "yellow", "ExplicitlyDenied": "red"}
    console.print("[bold]accessgraph demo[/]: deciding requests as AWS does, and why\n")
    for title, request, policies in cases:
        decision = evaluate(request, policies)
        colour = colours[decision.decision]
        body = (f"{request.principal}\n  {request.action} on {request.resource}\n\n"
                f"{decision.explain().to_text()}")
        console.print(Panel(body, title=f"[{colour}]{decision.decision}[/] — {title}", title_align="left",
                            border_style=colour))


def run_demo(console: Console) -> None:
    """The bundled example organization: what it holds, and who outside it can reach what."""
    from rich.markup import escape
    from rich.table import Table

    from .examples import example_snapshot_path
    from .organization import load_snapshot

    path = example_snapshot_path()
    org = load_snapshot(path)
    c = org.counts()
    console.print(f"[bold]accessgraph demo[/] — the bundled example organization [bold]{org.id}[/] "
                  f"(collected {org.collected_at}):\n  {c['accounts']} accounts in {c['organizational_units']} OUs, "
                  f"{c['principals']} principals, {c['resources']} resources, {c['service_control_policies']} SCPs, "
                  f"{c['resource_control_policies']} RCPs; {len(org.problems)} loading problem(s).\n"
                  f"  snapshot: {escape(str(path))}\n")
    findings = org.findings(zone="organization")
    colours = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
    t = Table(title="Who outside the organization can reach what (like IAM Access Analyzer, plus RCP verdicts)")
    for col in ["severity", "resource", "reachable by", "actions", "only if", "RCP"]:
        t.add_column(col, overflow="fold", min_width=62 if col == "resource" else None)
    for f in findings.ranked():
        who = "anyone" if f.principal_key == "public" and not f.condition else (
            "any principal" if f.principal_key == "public" else f.principal_key)
        actions = ", ".join(f.actions[:3]) + (f" (+{len(f.actions) - 3})" if len(f.actions) > 3 else "")
        cond = "; ".join(f"{k}={v}" for k, v in f.condition.items())
        t.add_row(f"[{colours.get(f.severity, '')}]{f.severity}[/]", escape(f.resource), escape(who), escape(actions),
                  escape(cond), "blocked by an RCP" if f.rcp_restricted else "")
    console.print(t)
    active = findings.active()
    blocked = sum(1 for f in active if f.rcp_restricted)
    console.print(f"{len(active)} finding(s); {blocked} of them are blocked by a resource control policy "
                  f"(Access Analyzer would still report them).\n")
    if hasattr(org, "escalation_paths"):
        paths = org.escalation_paths()
        if len(paths):
            console.print(f"[bold]Privilege escalation[/]: {len(paths)} path(s), e.g.")
            for p in list(paths)[:5]:
                console.print("  " + escape(str(p)))
            console.print()
    if hasattr(org, "audit"):
        results = org.audit()
        failed = [r for r in results if r.status == "fail"]
        console.print(f"[bold]Account hygiene (CIS AWS Foundations v3.0.0 IAM)[/]: {len(failed)} failing check(s) "
                      f"across {len(org.account_ids)} accounts; run [bold]accessgraph audit {escape(str(path))}[/] for the list.\n")
    console.print("Next: [bold]accessgraph findings DIR --format json|sarif|html[/], [bold]accessgraph who-can DIR ACTION RESOURCE[/], "
                  "[bold]accessgraph paths DIR SOURCE ACTION RESOURCE[/], [bold]accessgraph --help[/].")
