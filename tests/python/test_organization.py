"""The organization model from Python: loading, problems, can / who-can / what-can / paths, exports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import accessgraph as ag
from accessgraph.examples import example_snapshot_path

P1 = Path(__file__).resolve().parents[1] / "data" / "findings" / "p1" / "snapshot"
MGMT, SHARED, STAGING, PROD = "401122334455", "467788990011", "434455667788", "423344556677"


@pytest.fixture(scope="module")
def org() -> ag.Organization:
    return ag.load_snapshot(example_snapshot_path())


def test_example_org_loads_without_problems_and_is_large_enough(org: ag.Organization) -> None:
    c = org.counts()
    assert org.problems == []
    assert org.id == "o-nw7r0b0t1c" and org.management_account_id == MGMT
    assert c["accounts"] >= 6 and c["organizational_units"] >= 3
    assert c["principals"] >= 40 and c["resources"] >= 60
    assert c["service_control_policies"] >= 2 and c["resource_control_policies"] >= 2


def test_scp_path_is_named_in_the_explanation(org: ag.Organization) -> None:
    # Organizations UG: every level from the root down must allow; a deny at any level wins.
    d = org.can(f"arn:aws:iam::{PROD}:root", "ec2:RunInstances", "*", context={"aws:RequestedRegion": "ap-south-1"})
    e = d.explain()
    assert d.decision == "ExplicitlyDenied"
    assert any(x["policy_kind"] == "SCP" and x["level"] for x in e.denies)


def test_can_rejects_a_context_value_it_cannot_use(org: ag.Organization) -> None:
    # Same conversion as Request(context=...): None or a dict is a TypeError naming the key.
    for bad in (None, {"a": 1}, [1]):
        with pytest.raises(TypeError, match="context key 'aws:RequestedRegion'"):
            org.can(f"arn:aws:iam::{PROD}:root", "ec2:RunInstances", "*",
                    context={"aws:RequestedRegion": bad})  # type: ignore[dict-item]
    d = org.can(f"arn:aws:iam::{PROD}:root", "ec2:RunInstances", "*", context={"aws:MultiFactorAuthPresent": True})
    assert d.request.context["aws:MultiFactorAuthPresent"] == "true"


def test_management_account_is_not_restricted_by_scps(org: ag.Organization) -> None:
    # Organizations UG: SCPs do not affect users or roles in the management account.
    d = org.can(f"arn:aws:iam::{MGMT}:root", "ec2:RunInstances", "*", context={"aws:RequestedRegion": "ap-south-1"})
    assert d.decision == "Allowed"
    assert not any(x["policy_kind"] == "SCP" for x in d.explain().allows + d.explain().denies)


def test_context_is_derived_from_the_model(org: ag.Organization) -> None:
    d = org.can(f"arn:aws:iam::{SHARED}:user/dana.ops", "sts:GetCallerIdentity", "*")
    ctx = d.request.context
    assert ctx["aws:PrincipalArn"] == f"arn:aws:iam::{SHARED}:user/dana.ops"
    assert ctx["aws:PrincipalAccount"] == SHARED
    assert ctx["aws:PrincipalOrgID"] == "o-nw7r0b0t1c"
    assert ctx["aws:PrincipalOrgPaths"][0].startswith("o-nw7r0b0t1c/r-")
    assert ctx["aws:username"] == "dana.ops" and ctx["aws:PrincipalType"] == "User"


def test_user_context_overrides_derived_keys(org: ag.Organization) -> None:
    d = org.can(f"arn:aws:iam::{SHARED}:user/dana.ops", "sts:GetCallerIdentity", "*",
                context={"aws:PrincipalOrgID": "o-other", "aws:SourceIp": "203.0.113.9"})
    assert d.request.context["aws:PrincipalOrgID"] == "o-other"
    assert d.request.context["aws:SourceIp"] == "203.0.113.9"


def test_who_can_lists_outside_principals_and_conditions(org: ag.Organization) -> None:
    queue = f"arn:aws:sqs:us-east-1:{SHARED}:partner-orders-inbound"
    results = org.who_can("sqs:SendMessage", queue)
    outside = [a for a in results if a.kind in ("any-principal", "external-account", "anonymous")]
    assert outside, "the partner-org statement must appear"
    anyp = [a for a in outside if a.kind == "any-principal"]
    assert anyp and any("aws:PrincipalOrgID" in c for c in anyp[0].conditions)
    # Anonymous callers carry no organization id: the PrincipalOrgID condition excludes them.
    assert not any(a.kind == "anonymous" for a in results)
    df = results.to_dataframe()
    assert {"principal", "kind", "conditions"} <= set(df.columns)


def test_what_can_summarises_per_service(org: ag.Organization) -> None:
    grants = org.what_can(f"arn:aws:iam::{SHARED}:user/dana.ops")
    services = {g.service for g in grants}
    assert "sts" in services
    assert all(g.actions for g in grants)
    assert len(grants) < 500  # a summary, not a flat list of every action × resource


def test_access_paths_follow_the_cross_account_chain(org: ag.Organization) -> None:
    # Example org M19: dana.ops -> staging-deployer -> prod-break-glass (administrator of prod).
    paths = org.access_paths(f"arn:aws:iam::{SHARED}:user/dana.ops", "iam:CreateUser", f"arn:aws:iam::{PROD}:user/x")
    chains = [str(p) for p in paths]
    assert any("staging-deployer" in c and "prod-break-glass" in c for c in chains), chains
    best = paths[0]
    assert best.hops[0].action == "sts:AssumeRole"
    assert best.hops[-1].action == "iam:CreateUser"


def test_access_paths_respect_max_depth(org: ag.Organization) -> None:
    paths = org.access_paths(f"arn:aws:iam::{SHARED}:user/dana.ops", "iam:CreateUser", f"arn:aws:iam::{PROD}:user/x",
                             max_depth=1)
    assert not any("prod-break-glass" in str(p) for p in paths)


def test_networkx_export_and_html(org: ag.Organization) -> None:
    g = org.to_networkx()
    assert g.nodes[MGMT]["kind"] == "account"
    assert any(d["kind"] == "may-assume" for _, _, d in g.edges(data=True))
    html = org._repr_html_()
    assert "<details" in html and "o-nw7r0b0t1c" in html


def test_single_account_snapshot_without_organizations_data(tmp_path: Path) -> None:
    tree = {
        "manifest.json": {"format_version": 1, "collected_at": "2026-01-01T00:00:00Z", "partition": "aws",
                          "collector_account_id": "111122223333", "regions": []},
        "accounts": {"111122223333": {"global": {"iam": {"get-account-authorization-details.json": {
            "UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::111122223333:user/a", "UserId": "AIDA1", "Path": "/",
                                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {
                                    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}],
                                "GroupList": [], "AttachedManagedPolicies": []}],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": []}}}}},
    }
    org = ag.load_snapshot_from_dict(tree)
    assert org.id == "" and org.account_ids == ["111122223333"]
    assert org.can("arn:aws:iam::111122223333:user/a", "s3:GetObject", "arn:aws:s3:::b/k").allowed


def test_bad_snapshot_root_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ag.SnapshotError) as info:
        ag.load_snapshot(tmp_path / "missing")
    assert info.value.code == "root-missing"


def test_problems_are_recorded_and_loading_goes_on(tmp_path: Path) -> None:
    import shutil

    snap = tmp_path / "snap"
    shutil.copytree(P1, snap)
    policy = next((snap / "accounts").glob("*/global/s3api/get-bucket-policy/*.json"))
    policy.write_text("{ not json")
    org = ag.load_snapshot(snap)
    bad = [p for p in org.problems if p.code == "malformed-json"]
    assert bad and bad[0].file.endswith(policy.name)
    assert org.counts()["accounts"] == 4


def test_a_repeated_key_in_a_snapshot_file_is_a_warning_and_the_last_value_is_kept(tmp_path: Path) -> None:
    # RFC 8259 section 4: readers differ on which value of a repeated key they keep; AWS does not
    # return such documents, so the loader says so and keeps the document (dropping it could lose
    # a Deny) with the last value.
    import shutil

    snap = tmp_path / "snap"
    shutil.copytree(P1, snap)
    policy_file = next((snap / "accounts").glob("*/global/s3api/get-bucket-policy/*.json"))
    text = policy_file.read_text()
    assert text.lstrip().startswith("{")
    policy_file.write_text('{"Repeated": 1, "Repeated": 2, ' + text.lstrip()[1:])
    org = ag.load_snapshot(snap)
    found = [p for p in org.problems if p.code == "duplicate-key"]
    assert len(found) == 1, org.problems
    assert found[0].file.endswith(policy_file.name) and found[0].json_pointer == "/Repeated"
    assert found[0].severity == "warning"
    assert not [p for p in org.problems if p.file.endswith(policy_file.name) and p.code != "duplicate-key"]


def test_cli_load_json_prints_only_json() -> None:
    p = subprocess.run([sys.executable, "-m", "accessgraph", "load", str(P1), "--format", "json"], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["accounts"] == 4 and data["principals"] > 0 and data["resources"] > 0 and data["policies"] > 0
    assert data["problems"] == []


def test_cli_load_missing_dir_is_one_line_exit_2(tmp_path: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "accessgraph", "load", str(tmp_path / "nope")], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "nope" in p.stderr


def test_principal_and_resource_views_render(org: ag.Organization) -> None:
    v = org.principal(f"arn:aws:iam::{SHARED}:user/dana.ops")
    assert v.to_dict()["name"] == "dana.ops"
    assert "dana.ops" in v._repr_html_()
    role = next(r for r in org.account(PROD)["roles"] if r["name"] == "prod-break-glass")
    html = org.principal(role["arn"])._repr_html_()
    assert "trust policy" in html and "AdministratorAccess" in html
    bucket = next(r for r in org.account("445566778899")["resources"] if r["type"] == "AWS::S3::Bucket")
    rv = org.resource(bucket["arn"])
    assert "Block Public Access" in rv._repr_html_() and rv.to_dict()["arn"] == bucket["arn"]
    with pytest.raises(KeyError):
        org.principal(f"arn:aws:iam::{SHARED}:user/nobody")


@pytest.mark.parametrize("action", ["s3:GetObject", "kms:Decrypt", "sqs:SendMessage", "sts:AssumeRole",
                                    "secretsmanager:GetSecretValue", "lambda:InvokeFunction"])
def test_who_can_misses_no_principal_that_can_call(org: ag.Organization, action: str) -> None:
    # Differential: who_can (pruned, open world) must list every principal of the organization for
    # which a plain can() is Allowed (strict context, so can() allows a subset).
    service = action.split(":")[0]
    resources = [r["arn"] for aid in org.account_ids for r in org.account(aid)["resources"]
                 if r["arn"].split(":")[2] == service]
    if service == "sts":
        resources = [r["arn"] for aid in org.account_ids for r in org.account(aid)["roles"]][:25]
    if service == "s3":
        resources = [r + "/data/x" for r in resources]
    principals = [p["arn"] for p in org.graph.principals]
    assert resources and principals
    allowed = 0
    for resource in resources[:12]:
        listed = {a.principal for a in org.who_can(action, resource)}
        for p in principals:
            if org.can(p, action, resource).allowed:
                allowed += 1
                assert p in listed, (p, action, resource)
    assert allowed > 0  # the comparison is not vacuous


# IAM UG, Principal element: {"Service": "*"} names every AWS service principal and nobody else;
# only "*" / {"AWS": "*"} also name anonymous callers.
@pytest.mark.parametrize("principal", [{"Service": "*"}, {"AWS": "*", "Service": "*"}])
def test_who_can_asks_a_service_star_as_a_service(principal: dict[str, str]) -> None:
    from .findings_trees import A, SnapshotTree, allow, policy

    t = SnapshotTree()
    t.bucket(A, "tst-services", policy(allow(principal, "s3:GetObject", "arn:aws:s3:::tst-services/*")))
    org = ag.load_snapshot_from_dict(t.build())
    results = org.who_can("s3:GetObject", "arn:aws:s3:::tst-services/k")
    services = [a for a in results if a.kind == "service"]
    assert [a.principal for a in services] == ["*"]
    assert "anonymous" not in services[0].explanation.rule
    anonymous = [a for a in results if a.kind == "anonymous"]
    assert bool(anonymous) == ("AWS" in principal)


def test_can_takes_the_session_roles_path_from_the_callers_context() -> None:
    # FORMAT.md 11 / aws:PrincipalArn: a session of a role outside the snapshot, whose path only the
    # caller's context gives; org.can decides as ag.evaluate does.
    from .findings_trees import A, OUTSIDE, SnapshotTree, allow, policy

    t = SnapshotTree()
    t.bucket(A, "tst-path", policy(allow({"AWS": f"arn:aws:iam::{OUTSIDE}:role/Ext"}, "s3:GetObject",
                                         "arn:aws:s3:::tst-path/*")))
    org = ag.load_snapshot_from_dict(t.build())
    session = f"arn:aws:sts::{OUTSIDE}:assumed-role/Ext/s1"
    obj = "arn:aws:s3:::tst-path/k"
    assert org.can(session, "s3:GetObject", obj).decision == "Allowed"
    other_path = org.can(session, "s3:GetObject", obj, context={"aws:PrincipalArn": f"arn:aws:iam::{OUTSIDE}:role/team/Ext"})
    assert other_path.decision == "ImplicitlyDenied"
