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


def run_demo(console: Console) -> None:
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
