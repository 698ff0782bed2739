#!/usr/bin/env python3
"""Write notebooks/02-… to 04-… from the cells below and execute them with nbclient, so that the committed
files carry their outputs (tests/python/test_notebooks.py executes them again). 01-deciding-requests.ipynb is
kept as it is.

    python scripts/make_notebooks.py            # all of them
    python scripts/make_notebooks.py 03         # only the notebooks whose name starts with 03

Needs accessgraph installed with its test extra (pandas, networkx, matplotlib, nbclient, ipykernel).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"

Cell = tuple[str, str]  # ("md" | "py", source)


def md(text: str) -> Cell:
    return ("md", textwrap.dedent(text).strip())


def py(code: str) -> Cell:
    return ("py", textwrap.dedent(code).strip())


SETUP = py("""
    import pandas as pd

    import accessgraph as ag
    from accessgraph.examples import example_snapshot_path

    org = ag.load_snapshot(example_snapshot_path())
    MGT, SEC, SHR, PRD, DAT, STG, SBX, MKT = ("401122334455", "412233445566", "467788990011", "423344556677",
                                              "445566778899", "434455667788", "456677889900", "478899001122")
    PARTNER = "731947285016"  # Contoso Logistics, outside the organization
""")

TOUR: list[Cell] = [
    md("""
        # A tour of the model

        accessgraph loads a **snapshot** — the unmodified answers of read-only AWS API calls, written by
        `accessgraph collect` — into one model of an organization: its OUs and accounts, the SCPs and RCPs on
        each level, every user, group and role with their policies, and the resources that carry a resource
        policy (S3 buckets, KMS keys, SQS queues, SNS topics, Lambda functions, secrets, ECR repositories).

        This notebook walks through it on the example organization bundled with the package: *Northwind
        Robotics*, 8 accounts with deliberate misconfigurations (its README lists every one).
    """),
    SETUP,
    md("""
        The organization renders as its tree, with the SCPs and RCPs attached at each level:
    """),
    py("org"),
    md("""
        `counts()` says what was loaded; `problems` what was wrong or missing in the files (a snapshot with
        `AccessDenied` answers loads too: the affected resources are reported as unknown, never as "no policy").
    """),
    py("""
        print(org.counts())
        print(org.problems)
    """),
    md("## Accounts"),
    py("""
        unit_name = {u["id"]: ("Root" if not u["parent_id"] else u["name"]) for u in org.units}
        policy_name = {p["id"]: p["name"] for p in org.policies}

        def account_row(account_id):
            a = org.account(account_id)
            return {"account": account_id, "name": a["name"], "parent": unit_name.get(a["parent_id"], "-"),
                    "users": len(a["users"]), "roles": len(a["roles"]), "resources": len(a["resources"]),
                    "SCPs on the account": ", ".join(policy_name[p] for p in a["scp_ids"]),
                    "RCPs on the account": ", ".join(policy_name[p] for p in a["rcp_ids"])}

        pd.DataFrame([account_row(a) for a in org.account_ids]).set_index("account")
    """),
    md("""
        ## Principals

        `org.account(id)` returns everything loaded about one account as plain data. The users and roles of
        the shared-services account, with the policies that give them their permissions (service-linked roles
        left out):
    """),
    py("""
        shared = org.account(SHR)
        pd.DataFrame([{"kind": p["kind"], "name": p["name"],
                       "attached": ", ".join(arn.rsplit("/", 1)[-1] for arn in p["attached_policy_arns"]),
                       "inline": ", ".join(i["name"] for i in p["inline_policies"]),
                       "groups": ", ".join(p.get("groups", []))}
                      for p in shared["users"] + shared["roles"] if not p.get("service_linked")])
    """),
    md("""
        ## can: one request, decided with everything that applies

        `org.can(principal, action, resource)` builds the request context AWS would set (`aws:PrincipalArn`,
        `aws:PrincipalOrgID`, `aws:ResourceAccount`, ...) and combines identity policies, permissions
        boundary, every SCP and RCP level of both accounts, and the resource policy. The explanation names
        each statement that counted:
    """),
    py("""
        org.can(f"arn:aws:iam::{SHR}:user/dana.ops", "sts:AssumeRole", f"arn:aws:iam::{STG}:role/staging-deployer")
    """),
    md("""
        The same administrator role, two regions: the `RegionRestriction` SCP on the Workloads OU denies
        everything outside `us-east-1` and `eu-west-1`. `context` adds request facts AWS would know:
    """),
    py("""
        admin = f"arn:aws:iam::{PRD}:role/prod-break-glass"
        for region in ["eu-west-1", "ap-south-1"]:
            d = org.can(admin, "ec2:RunInstances", f"arn:aws:ec2:{region}:{PRD}:instance/*",
                        {"aws:RequestedRegion": region})
            print(region, "->", d.explain().to_text())
    """),
    md("""
        ## who_can and what_can

        `who_can` answers for one action on one resource, over every principal of the organization *and*
        principals outside it that a resource policy names (or `*`). Results are tables:
        `to_dataframe()`, `to_dicts()`, `to_json()`.
    """),
    py("""
        lake = "arn:aws:s3:::northwind-data-lake/shared/2026/orders.parquet"
        org.who_can("s3:GetObject", lake).to_dataframe().drop(columns="explanation")
    """),
    md("""
        The partner account (`731947285016`) appears because the bucket policy names it — with the RCP
        `ProdDataPerimeter` as an *unless*: the request is denied at the RCP, so the share does not work.
        `what_can` goes the other way, per service and resource:
    """),
    py("""
        org.what_can(f"arn:aws:iam::{SHR}:user/build-bot").to_dataframe()
    """),
    md("""
        ## access_paths: chains of roles

        A principal denied an action may still reach it by assuming roles. `access_paths` follows
        `sts:AssumeRole` (and `iam:PassRole` to a service) up to `max_depth` hops, each hop decided like `can`:
    """),
    py("""
        dana = f"arn:aws:iam::{SHR}:user/dana.ops"
        print(org.can(dana, "iam:CreateUser", f"arn:aws:iam::{PRD}:user/intruder").decision)
        paths = org.access_paths(dana, "iam:CreateUser", f"arn:aws:iam::{PRD}:user/intruder")
        for p in paths:
            print(p)
        paths.to_dataframe()[["length", "path", "conditional"]]
    """),
    md("""
        ## The organization as a graph

        `org.to_networkx()` exports the model as a `networkx.MultiDiGraph`: containment (root → OU → account →
        principals and resources), SCP/RCP attachments, and trust edges (who may assume which role). Any
        networkx algorithm or drawing applies; here matplotlib draws it through `networkx.draw_networkx`.
    """),
    py("""
        from collections import Counter

        import matplotlib.pyplot as plt
        import networkx as nx

        g = org.to_networkx()
        print(g)
        print(Counter(kind for _, _, kind in g.edges(data="kind")))
    """),
    md("The OUs and accounts, with the SCPs and RCPs the organization attached (the AWS managed full-access ones left out):"),
    py("""
        custom = {p["id"]: ("SCP " if p["type"] == "SERVICE_CONTROL_POLICY" else "RCP ") + p["name"]
                  for p in org.policies if not p["aws_managed"]}
        structure = nx.DiGraph((u, v) for u, v, kind in g.edges(data="kind")
                               if kind == "contains" and g.nodes[v].get("kind") in ("ou", "account"))
        root = next(n for n, kind in g.nodes(data="kind") if kind == "root")
        tree = nx.DiGraph()
        for n in nx.dfs_preorder_nodes(structure, root):
            d = g.nodes[n]
            attached = [custom[p] for p, _, kind in g.in_edges(n, data="kind") if kind == "attached" and p in custom]
            name = "Root" if d["kind"] == "root" else d["name"] if d["kind"] == "ou" else f"{d['name']}\\n{n}"
            tree.add_node(n, kind=d["kind"], label="\\n".join([name, *attached]))
        tree.add_edges_from(structure.edges)
        layers = {}
        for n in tree:  # one layer per depth, in DFS order so that each subtree stays together
            layers.setdefault(nx.shortest_path_length(structure, root, n), []).append(n)
        pos = {n: (x, -y) for n, (x, y) in nx.multipartite_layout(tree, subset_key=layers, align="horizontal").items()}

        colour = {"root": "#c7c7c7", "ou": "#7aa6d6", "account": "#9fd39f"}
        fig, ax = plt.subplots(figsize=(13, 5.5), dpi=72)
        nx.draw_networkx(tree, pos, ax=ax, labels=dict(tree.nodes(data="label")), node_shape="s", node_size=2300,
                         node_color=[colour[k] for _, k in tree.nodes(data="kind")], font_size=7,
                         edge_color="#999999", arrows=False)
        ax.set_title("Northwind Robotics: OUs (blue), accounts (green), the SCPs and RCPs attached to them")
        ax.axis("off")
        plt.show()
    """),
    md("""
        The trust edges folded to accounts: an arrow from A to B when a trust policy in B names a principal of
        A. Outside accounts are red. The path found above — dana.ops in shared-services, through staging, to an
        administrator role in prod — is drawn thick:
    """),
    py("""
        def account_of(principal):
            return principal if principal.isdigit() else principal.split(":")[4]

        names = {a: org.account(a)["name"].removeprefix("northwind-") for a in org.account_ids}
        trust = nx.DiGraph()
        for src, dst, d in g.edges(data=True):
            if d["kind"] == "may-assume" and d.get("principal_type") == "AWS" and src != "*":
                if account_of(src) != account_of(dst):
                    trust.add_edge(account_of(src), account_of(dst))
        path = paths[0]
        chain = [account_of(h.source) for h in path.hops] + [account_of(path.hops[-1].target)]
        on_path = set(zip(chain, chain[1:]))

        fig, ax = plt.subplots(figsize=(9, 7), dpi=72)
        nx.draw_networkx(trust, nx.circular_layout(trust), ax=ax,
                         labels={a: names.get(a, f"external\\n{a}") for a in trust},
                         node_color=["#9fd39f" if a in names else "#f4a6a6" for a in trust], node_size=1800,
                         font_size=8, edge_color=["#d62728" if e in on_path else "#bbbbbb" for e in trust.edges],
                         width=[3 if e in on_path else 1 for e in trust.edges], arrowsize=15,
                         connectionstyle="arc3,rad=0.08")
        ax.set_title("Who may assume roles in which account; red: dana.ops → staging → prod")
        ax.axis("off")
        plt.show()
    """),
    md("And the path itself, hop by hop, each edge labelled with the action that the authorizer allowed:"),
    py("""
        hops = nx.DiGraph()
        steps = [path.hops[0].source] + [h.target for h in path.hops]
        for i, n in enumerate(steps):
            hops.add_node(n, layer=i)
        for h, (a, b) in zip(path.hops, zip(steps, steps[1:])):
            hops.add_edge(a, b, action=h.action)

        def short(arn):  # account id and resource of an ARN; a session shown as its role
            resource = arn.split(":", 5)[5].replace("assumed-role/", "role/").removesuffix("/accessgraph")
            return f"{arn.split(':')[4]}\\n{resource}"

        pos = nx.multipartite_layout(hops, subset_key="layer")
        fig, ax = plt.subplots(figsize=(12, 2.4), dpi=72)
        nx.draw_networkx_nodes(hops, pos, ax=ax, node_shape="s", node_size=3400, node_color="#9fd39f")
        nx.draw_networkx_labels(hops, pos, ax=ax, labels={n: short(n) for n in hops}, font_size=8)
        nx.draw_networkx_edges(hops, pos, ax=ax, width=2, arrowsize=20, node_shape="s", node_size=3400)
        nx.draw_networkx_edge_labels(hops, pos, ax=ax, edge_labels=dict(nx.get_edge_attributes(hops, "action")),
                                     font_size=8, label_pos=0.5)
        ax.axis("off")
        plt.show()
    """),
    md("""
        Next: `03-investigating-external-access.ipynb` turns the model into IAM Access Analyzer findings, and
        `04-writing-policy-checks.ipynb` into tests.
    """),
]

EXTERNAL: list[Cell] = [
    md("""
        # Investigating external access

        `org.findings(zone=...)` reports, like IAM Access Analyzer, every resource that a principal **outside a
        zone of trust** can reach: the organization (`"organization"`) or one account (`"account:<id>"`).
        Each finding says who (a principal, or public), which actions, under which condition, why (the
        statement or ACL grant), and whether an **RCP** of the resource's account denies that access anyway
        (`rcp_restricted`). On the bundled example organization:
    """),
    SETUP,
    py("""
        findings = org.findings()   # zone of trust: the organization
        findings
    """),
    md("""
        ## As a table

        `to_dataframe()` gives one row per finding, ranked by severity:
    """),
    py("""
        df = findings.to_dataframe()
        df[["severity", "resource", "type", "principal", "public", "rcp_restricted"]]
    """),
    py("""
        df.groupby(["type", "severity"]).size().unstack(fill_value=0)
    """),
    py("""
        names = {a: org.account(a)["name"] for a in org.account_ids}
        df.assign(account=df.owner.map(names)).groupby("account").size().sort_values(ascending=False)
    """),
    md("""
        ## Zones of trust

        With one account as the zone, sharing with *other accounts of the organization* counts too (the
        `OrganizationAccountAccessRole` trusted by the management account, cross-account roles, buckets read by
        the data account). Active findings per zone:
    """),
    py("""
        zones = ["organization"] + [f"account:{a}" for a in org.account_ids]
        pd.DataFrame([{"zone": z, "name": names.get(z.removeprefix("account:"), ""), "active findings": len(org.findings(z).active())}
                      for z in zones]).set_index("zone")
    """),
    md("""
        ## Public, or open to a named outsider

        `public` findings are reachable by anyone; the others name the outside account or principal. A
        condition on `aws:PrincipalOrgID` of *another* organization keeps the finding (that organization is
        still outside), without making it public:
    """),
    py("""
        df[df.public == True][["severity", "resource", "actions", "condition"]]
    """),
    py("""
        df[(df.public != True)][["resource", "principal", "condition", "actions"]]
    """),
    md("""
        ## RCP verdicts

        A resource control policy can deny outsiders regardless of what the resource policy grants.
        `rcp_restricted` is true when an RCP on the resource's path denies **every** action of the finding to
        that principal; the finding stays (the policy still says what it says) but the access does not work.
    """),
    py("""
        pd.DataFrame([{"resource": f.resource, "principal": f.principal_key, "actions": ", ".join(f.actions),
                       "denied by": "; ".join(f.data.get("rcp_explanation", []))}
                      for f in findings if f.rcp_restricted])
    """),
    md("""
        The same verdict from the authorizer: the partner asking for the shared secret is denied at the
        `ProdDataPerimeter` RCP, whatever its own account allows:
    """),
    py("""
        secret = next(r["arn"] for r in org.account(PRD)["resources"] if r["name"] == "prod/partner-api+token")
        org.can(f"arn:aws:iam::{PARTNER}:role/api-client", "secretsmanager:GetSecretValue", secret)
    """),
    md("""
        And a contrast on the security account: its account-level RCP only lets callers from the organization
        or the auditor's account assume its roles. The retired SIEM vendor's trust is blocked, the auditor's is not:
    """),
    py("""
        for f in findings:
            if f.resource_type == "AWS::IAM::Role" and f.data["resourceOwnerAccount"] == SEC:
                print(f"{f.resource}: trusted by {f.principal_key}, rcp_restricted={f.rcp_restricted}")
    """),
    md("""
        ## Grouping

        `groups()` folds findings that a broader one on the same resource already implies, so each group is one
        thing to fix (`count` says how many findings it stands for):
    """),
    py("""
        groups = findings.groups()
        print(len(groups), "groups for", len(findings.active()), "active findings")
        pd.DataFrame(groups)[["severity", "resource", "principal", "actions", "count"]]
    """),
    md("""
        ## Accepted access: archive rules

        Archive rules use IAM Access Analyzer's filter syntax. Sharing with the partner is expected, so archive
        every finding naming its account; what remains active is what to look at:
    """),
    py("""
        rules = [{"ruleName": "contoso-partner", "filter": {"principal.AWS": {"eq": [PARTNER]}}}]
        reviewed = org.findings(archive_rules=rules)
        print(reviewed)
        pd.DataFrame([{"status": f.status, "resource": f.resource, "archived by": f.data.get("archivedBy", "")}
                      for f in reviewed if f.principal_key == PARTNER])
    """),
    md("""
        The findings export as JSON (`to_json()`), SARIF for code-scanning dashboards (`to_sarif()`) and a
        standalone HTML page (`to_html()`); the command line does the same with `accessgraph findings`.
    """),
    py("""
        sarif = findings.to_sarif()
        print(len(sarif["runs"][0]["results"]), "SARIF results;", sarif["runs"][0]["results"][0]["message"]["text"])
    """),
]

CHECKS: list[Cell] = [
    md("""
        # Writing policy checks

        `accessgraph.testing` turns questions about access into assertions. Each helper raises an
        `AssertionError` whose message *is* the explanation — the statement and the policy that decided, the
        SCP or RCP level, the chain of roles — so a failing check says what to fix. With pytest they are used
        through the accessgraph plugin (installed with the package), shown at the end.
    """),
    SETUP,
    py("""
        from accessgraph.testing import (assert_allowed, assert_audit_passes, assert_cannot_escalate, assert_denied,
                                         assert_no_external_access, assert_no_public_access,
                                         assert_policy_does_not_grant)

        def check(assertion, *args, **kwargs):
            \"\"\"Run one assertion and print its verdict (in a test you would just call it).\"\"\"
            try:
                assertion(*args, **kwargs)
            except AssertionError as e:
                print(f"FAILED {assertion.__name__}\\n{e}")
            else:
                print(f"passed {assertion.__name__}")
    """),
    md("""
        ## Allowed and denied

        `assert_allowed` / `assert_denied` decide one request as `org.can` does. `assert_denied` also fails when
        the principal reaches the access through a chain of role assumptions (up to `max_hops`, 4 by default):
    """),
    py("""
        check(assert_allowed, org, f"arn:aws:iam::{MGT}:user/breakglass-admin", "iam:CreateUser",
              f"arn:aws:iam::{MGT}:user/new-admin")
        check(assert_allowed, org, f"arn:aws:iam::{PRD}:role/prod-break-glass", "s3:GetObject",
              "arn:aws:s3:::northwind-prod-backups/db.dump", context={"aws:SecureTransport": True})
    """),
    md("""
        The second one fails: no `aws:RequestedRegion` in the context, and the `RegionRestriction` SCP denies
        requests outside the approved regions. Now a user that cannot create users in prod — directly:
    """),
    py("""
        dana = f"arn:aws:iam::{SHR}:user/dana.ops"
        check(assert_denied, org, dana, "iam:CreateUser", f"arn:aws:iam::{PRD}:user/intruder", max_hops=0)
        check(assert_denied, org, dana, "iam:CreateUser", f"arn:aws:iam::{PRD}:user/intruder")
    """),
    md("""
        ## External and public access

        These use `org.findings`. Findings whose access an RCP denies are left out unless
        `include_rcp_restricted=True`; `allow=` names accepted outsiders; resources can be ARN patterns:
    """),
    py("""
        check(assert_no_public_access, org, "arn:aws:s3:::northwind-prod-*")
        check(assert_no_public_access, org, "arn:aws:s3:::*")
    """),
    py("""
        check(assert_no_external_access, org, resource="arn:aws:s3:::northwind-data-lake")
        check(assert_no_external_access, org, resource="arn:aws:s3:::northwind-data-lake", include_rcp_restricted=True)
        check(assert_no_external_access, org, resource="arn:aws:s3:::northwind-data-lake", allow=[PARTNER],
              include_rcp_restricted=True)
    """),
    md("## Privilege escalation"),
    py("""
        check(assert_cannot_escalate, org, f"arn:aws:iam::{SEC}:user/sec.analyst.omar")
        check(assert_cannot_escalate, org, f"arn:aws:iam::{SHR}:user/build-bot")
    """),
    md("""
        ## A single policy, before it is deployed

        `assert_policy_does_not_grant` needs no snapshot. Without a `context` it is open-world: it fails if
        *some* request could be allowed, the policy's conditions assumed to hold:
    """),
    py("""
        deploy_policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadArtifacts", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::northwind-build-artifacts", "arn:aws:s3:::northwind-build-artifacts/*"]},
            {"Sid": "ReleaseTeamCleansUp", "Effect": "Allow", "Action": "s3:DeleteObject",
             "Resource": "arn:aws:s3:::northwind-build-artifacts/*",
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "release"}}}]}

        check(assert_policy_does_not_grant, deploy_policy, "s3:PutBucketPolicy", "arn:aws:s3:::northwind-build-artifacts")
        check(assert_policy_does_not_grant, deploy_policy, "s3:DeleteObject", "arn:aws:s3:::northwind-build-artifacts/release.zip")
    """),
    md("With a `context`, exactly that request is decided — a caller without the tag cannot delete:"),
    py("""
        check(assert_policy_does_not_grant, deploy_policy, "s3:DeleteObject",
              "arn:aws:s3:::northwind-build-artifacts/release.zip", context={"aws:PrincipalTag/team": "qa"})
    """),
    md("## Account hygiene"),
    py("""
        check(assert_audit_passes, org, ["1.5"], accounts=[SEC, SBX])
    """),
    md("""
        ## In a pytest suite

        Point the plugin at a snapshot — `pytest --accessgraph-snapshot=DIR`, or `accessgraph_snapshot = DIR` in
        the `[pytest]` section of `pytest.ini` (relative to that file) — and use the `accessgraph_org` fixture
        (loaded once per session) and `accessgraph_policy` (compiles a dict, JSON text or file). A run without a
        configured snapshot stops with a usage error. A suite might look like this:
    """),
    py('''
        test_file = """\\
        from accessgraph.testing import assert_cannot_escalate, assert_denied, assert_no_public_access, \\\\
            assert_policy_does_not_grant

        PROD = "423344556677"

        def test_no_public_buckets_in_prod(accessgraph_org):
            assert_no_public_access(accessgraph_org, "arn:aws:s3:::northwind-prod-*")

        def test_ci_cannot_touch_prod_iam(accessgraph_org):
            assert_denied(accessgraph_org, "arn:aws:iam::467788990011:user/dana.ops", "iam:CreateUser",
                          f"arn:aws:iam::{PROD}:user/intruder")

        def test_build_bot_cannot_escalate(accessgraph_org):
            assert_cannot_escalate(accessgraph_org, "arn:aws:iam::467788990011:user/build-bot")

        def test_reader_policy_stays_read_only(accessgraph_policy):
            policy = accessgraph_policy({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}, "reader")
            assert_policy_does_not_grant(policy, "s3:PutObject", "arn:aws:s3:::northwind-data-lake/x")
        """
        print(test_file)
    '''),
    md("Run it (here in a temporary folder) and pytest reports each failure with its explanation:"),
    py("""
        import re
        import subprocess
        import sys
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "test_org_access.py").write_text(test_file)
            run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--no-header", "--color=no", "-p", "no:cacheprovider",
                                  f"--accessgraph-snapshot={example_snapshot_path()}", "test_org_access.py"],
                                 cwd=tmp, capture_output=True, text=True)
        print(re.sub(r" in [0-9.]+s", "", run.stdout))   # (timings removed)
    """),
]

NOTEBOOKS: dict[str, list[Cell]] = {
    "02-tour-of-the-model.ipynb": TOUR,
    "03-investigating-external-access.ipynb": EXTERNAL,
    "04-writing-policy-checks.ipynb": CHECKS,
}


def build(cells: list[Cell]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells])
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="notebook name prefixes (default: all)")
    args = parser.parse_args(argv)
    chosen = {n: c for n, c in NOTEBOOKS.items() if not args.only or any(n.startswith(p) for p in args.only)}
    if not chosen:
        parser.error(f"no notebook matches {args.only}; known: {', '.join(NOTEBOOKS)}")
    for name, cells in chosen.items():
        nb = build(cells)
        # record_timing=False: no timestamps in the cells' metadata, so re-running changes only real outputs
        NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute()
        for i, cell in enumerate(nb.cells):
            cell.id = f"cell-{i:02d}"  # stable ids (nbformat would draw random ones)
        nbformat.validate(nb)
        nbformat.write(nb, NOTEBOOKS_DIR / name)
        print(f"wrote {NOTEBOOKS_DIR / name}: {len(nb.cells)} cells")
    return 0


if __name__ == "__main__":
    sys.exit(main())
