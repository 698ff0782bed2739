"""External-access findings (IAM Access Analyzer's rules) from Python.

Every expected value below comes from the AWS documentation page named in the comment above the
test (IAM UG = IAM User Guide, S3 UG = Amazon S3 User Guide, Orgs UG = AWS Organizations User Guide,
KMS DG = AWS KMS Developer Guide), as summarised in shared/findings/README.md — not from the engine.
Small organizations are built with `findings_trees.SnapshotTree` (see its docstring for the layout:
management account MGMT, member A in OU Core, member B in the nested OU Edge/Inner, outside accounts
OUTSIDE and OUTSIDE2).
"""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import accessgraph as ag
from accessgraph.findings import SEVERITY_ORDER, Finding, Findings

from .findings_trees import (
    ALL_USERS,
    AUTHENTICATED_USERS,
    LOG_DELIVERY,
    MGMT,
    ORG_ID,
    OTHER_ORG,
    OU_EDGE,
    OUTSIDE,
    OUTSIDE2,
    ROOT_ID,
    A,
    B,
    SnapshotTree,
    allow,
    canonical_id,
    data_perimeter_rcp,
    deny,
    policy,
    role_arn,
    root_arn,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "findings"
CHECKER = DATA / "check_findings.py"


# ----------------------------------------------------------------------------------------------
# helpers


def run(tree: SnapshotTree, zone: str = "organization", **kwargs: Any) -> Findings:
    found: Findings = ag.load_snapshot_from_dict(tree.build()).findings(zone=zone, **kwargs)
    return found


def on(findings: Findings, resource: str) -> list[Finding]:
    return [f for f in findings if f.resource == resource]


def keyed(findings: Findings, resource: str) -> dict[str, Finding]:
    """The findings on one resource by principal key; a key seen twice fails (keys are unique in a zone)."""
    out: dict[str, Finding] = {}
    for f in on(findings, resource):
        assert f.principal_key not in out, f"two findings for {resource} / {f.principal_key}: {findings.to_json()}"
        out[f.principal_key] = f
    return out


def covers(actions: list[str], action: str) -> bool:
    """`action` is granted by the list (exact name or a wildcard), case-insensitive, as the checker reads it."""
    return any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions)


def condition_keys(f: Finding) -> set[str]:
    return {k.lower() for k in f.condition}


def bucket_get(principal: Any, bucket: str, actions: Any = "s3:GetObject", **kw: Any) -> dict[str, Any]:
    return allow(principal, actions, [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"], **kw)


# ----------------------------------------------------------------------------------------------
# 1. The two worked scenarios pass the checker in every zone, with the RCP verdict required.

SCENARIOS = [(p, z) for p in ("p1", "p2") for z in json.loads((DATA / p / "expected_findings.json").read_text())]
_loaded: dict[str, ag.Organization] = {}


def scenario_org(name: str) -> ag.Organization:
    if name not in _loaded:
        _loaded[name] = ag.load_snapshot(DATA / name / "snapshot")
    return _loaded[name]


# shared/findings/README.md: every zone of p1 and p2 with --require-rcp (IAM UG, "IAM Access Analyzer
# findings"; Orgs UG, "Resource control policies (RCPs)").
@pytest.mark.parametrize(("scenario", "zone"), SCENARIOS, ids=[f"{p}-{z}" for p, z in SCENARIOS])
def test_scenario_findings_match_access_analyzer_in_every_zone_with_rcp_verdicts(
        scenario: str, zone: str, tmp_path: Path) -> None:
    findings = scenario_org(scenario).findings(zone=zone)
    actual = tmp_path / "actual.json"
    actual.write_text(findings.to_json(), encoding="utf-8")
    p = subprocess.run([sys.executable, str(CHECKER), str(DATA / scenario), str(actual), "--zone", zone, "--require-rcp"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"checker failed for {scenario} {zone}:\n{p.stdout}\n{p.stderr}"
    assert " 0 failed" in p.stdout.strip().splitlines()[-1]


def test_scenario_counts_match_the_readme() -> None:
    # shared/findings/README.md: p1 organization 11, p2 organization 16 (one finding per key).
    assert len(scenario_org("p1").findings().active()) == 11
    assert len(scenario_org("p2").findings().active()) == 16


def test_checker_rejects_a_finding_list_with_one_finding_dropped(tmp_path: Path) -> None:
    # The checker copy must still catch a MISSING finding (so the scenario tests can fail).
    data = json.loads(scenario_org("p1").findings().to_json())
    actual = tmp_path / "actual.json"
    actual.write_text(json.dumps(data[1:]), encoding="utf-8")
    p = subprocess.run([sys.executable, str(CHECKER), str(DATA / "p1"), str(actual), "--zone", "organization",
                        "--require-rcp"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "MISSING" in p.stdout


# ----------------------------------------------------------------------------------------------
# 2. S3


# IAM UG, "IAM Access Analyzer resource types" (Amazon S3 buckets: the bucket policy is analysed);
# API reference "FindingSource": POLICY.
def test_s3_bucket_policy_grant_to_outside_account_is_a_finding_with_policy_source() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-exchange", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-exchange")))
    f = keyed(run(t), arn)[OUTSIDE]
    assert f.principal == {"AWS": OUTSIDE}
    assert f.is_public is False
    assert covers(f.actions, "s3:GetObject") and not covers(f.actions, "s3:PutObject")
    assert f.resource_type == "AWS::S3::Bucket" and f.data["resourceOwnerAccount"] == A
    assert [s["type"] for s in f.data["sources"]] == ["POLICY"]
    assert f.condition == {} and f.status == "ACTIVE"


# S3 UG, "Blocking public access to your Amazon S3 storage", "The meaning of public": a policy granting
# to "*" without a fixed narrowing value is public; IAM UG, "IAM Access Analyzer resource types".
@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}])
def test_s3_bucket_policy_for_any_principal_is_public(principal: Any) -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-site", policy(allow(principal, "s3:GetObject", "arn:aws:s3:::tst-site/*")))
    f = keyed(run(t), arn)["public"]
    assert f.is_public is True and f.principal == {"AWS": "*"}
    assert covers(f.actions, "s3:GetObject")
    assert [s["type"] for s in f.data["sources"]] == ["POLICY"]


# S3 UG, "Access control list (ACL) overview", "Mapping of ACL permissions and access policy
# permissions" (bucket level); "The meaning of public": a grant to AllUsers is public.
@pytest.mark.parametrize(("permission", "action"), [
    ("READ", "s3:ListBucket"), ("WRITE", "s3:PutObject"), ("READ_ACP", "s3:GetBucketAcl"),
    ("WRITE_ACP", "s3:PutBucketAcl")])
def test_s3_acl_grant_to_all_users_is_public_with_the_mapped_action(permission: str, action: str) -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-acl", acl_groups=((ALL_USERS, permission),), ownership="ObjectWriter")
    f = keyed(run(t), arn)["public"]
    assert f.is_public is True
    assert covers(f.actions, action), f.actions
    assert [s["type"] for s in f.data["sources"]] == ["BUCKET_ACL"]


# S3 UG, "The meaning of public": an ACL is public if it grants anything to AllUsers **or
# AuthenticatedUsers** (any AWS account); isPublic of this finding is not documented (not checked).
def test_s3_acl_grant_to_authenticated_users_is_public_keyed() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-uploads", acl_groups=((AUTHENTICATED_USERS, "WRITE"),), ownership=None)
    found = keyed(run(t), arn)
    assert set(found) == {"public"}
    assert covers(found["public"].actions, "s3:PutObject")
    assert [s["type"] for s in found["public"].data["sources"]] == ["BUCKET_ACL"]


# S3 UG, "The meaning of public": only AllUsers / AuthenticatedUsers grants are public; the Log
# Delivery group is S3's log-delivery service and IAM UG, "How IAM Access Analyzer findings work":
# no findings for AWS service principals or internal service accounts.
def test_s3_acl_grant_to_log_delivery_group_is_not_a_finding() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-logs", acl_groups=((LOG_DELIVERY, "WRITE"), (LOG_DELIVERY, "READ_ACP")), ownership=None)
    assert on(run(t), arn) == []
    assert on(run(t, f"account:{A}"), arn) == []


# S3 UG, "Controlling ownership of objects and disabling ACLs for your bucket": with Bucket owner
# enforced, "ACLs are disabled and no longer affect permissions".
def test_bucket_owner_enforced_ownership_disables_acl_grants() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-enforced", acl_groups=((ALL_USERS, "READ"), (AUTHENTICATED_USERS, "WRITE")),
                   ownership="BucketOwnerEnforced")
    enabled = t.bucket(A, "tst-preferred", acl_groups=((ALL_USERS, "READ"),), ownership="BucketOwnerPreferred")
    found = run(t)
    assert on(found, arn) == []
    assert set(keyed(found, enabled)) == {"public"}  # ACLs still apply under BucketOwnerPreferred


# S3 UG, "Block public access settings": RestrictPublicBuckets restricts a bucket with a public policy
# to AWS service principals and the owner account; S3 applies the most restrictive combination of
# bucket and account settings; IAM UG, resource types: BPA overrides the bucket policy, and Access
# Analyzer reads account-level settings too.
@pytest.mark.parametrize("level", ["bucket", "account"])
def test_restrict_public_buckets_removes_the_public_policy_finding(level: str) -> None:
    t = SnapshotTree()
    doc = policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-static/*"))
    if level == "bucket":
        arn = t.bucket(A, "tst-static", doc, bpa={"RestrictPublicBuckets": True})
    else:
        arn = t.bucket(A, "tst-static", doc, bpa={})  # bucket-level BPA present, all false
        t.set_account_bpa(A, BlockPublicPolicy=True, RestrictPublicBuckets=True)
    assert on(run(t), arn) == []
    assert on(run(t, f"account:{A}"), arn) == []


# S3 UG, "The meaning of public": fixed values of aws:SourceAccount / aws:PrincipalOrgID make a policy
# non-public, so RestrictPublicBuckets (which acts on public policies only) leaves it in force; a
# grant to a named account is never public either.
@pytest.mark.parametrize(("condition", "key"), [
    ({"StringEquals": {"aws:SourceAccount": OUTSIDE}}, "aws:sourceaccount"),
    ({"StringEquals": {"aws:PrincipalOrgID": OTHER_ORG}}, "aws:principalorgid"),
])
def test_restrict_public_buckets_keeps_a_non_public_fixed_condition_policy(condition: dict[str, Any], key: str) -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-partner", policy(allow("*", "s3:PutObject", "arn:aws:s3:::tst-partner/*", condition)),
                   bpa={"RestrictPublicBuckets": True})
    named = t.bucket(A, "tst-named", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-named")),
                     bpa={"RestrictPublicBuckets": True})
    t.set_account_bpa(A, BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True)
    found = run(t)
    f = keyed(found, arn)["public"]
    assert condition_keys(f) == {key}
    assert covers(f.actions, "s3:PutObject")
    assert set(keyed(found, named)) == {OUTSIDE}


# S3 UG, "Block public access settings": BlockPublicPolicy only rejects new public policies;
# "Enabling this setting doesn't affect existing bucket policies."
def test_block_public_policy_alone_leaves_an_existing_public_policy_in_force() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-legacy", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-legacy/*")),
                   bpa={"BlockPublicPolicy": True, "BlockPublicAcls": True})
    f = keyed(run(t), arn)["public"]
    assert f.is_public is True


# S3 UG, "Block public access settings": IgnorePublicAcls makes S3 ignore all public ACLs on the
# bucket (bucket or account setting, the most restrictive combination applies).
@pytest.mark.parametrize("level", ["bucket", "account"])
def test_ignore_public_acls_disables_public_acl_grants(level: str) -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-ignored", acl_groups=((ALL_USERS, "READ"), (AUTHENTICATED_USERS, "WRITE")), ownership=None,
                   bpa={"IgnorePublicAcls": True} if level == "bucket" else None)
    if level == "account":
        t.set_account_bpa(A, IgnorePublicAcls=True)
    assert on(run(t), arn) == []


# S3 UG, "Block public access settings": IgnorePublicAcls ignores *public* ACLs only; a grant to
# another account's canonical user is not public and stays (ACL overview: grantee by canonical id).
def test_ignore_public_acls_keeps_an_acl_grant_to_another_account() -> None:
    t = SnapshotTree()
    other = canonical_id(OUTSIDE)
    arn = t.bucket(A, "tst-shared-acl", acl_users=((other, "READ"),), acl_groups=((ALL_USERS, "READ"),),
                   ownership=None, bpa={"IgnorePublicAcls": True})
    found = on(run(t), arn)
    assert len(found) == 1
    f = found[0]
    assert other in f.principal.values() and f.principal_key != "public"
    assert covers(f.actions, "s3:ListBucket")
    assert [s["type"] for s in f.data["sources"]] == ["BUCKET_ACL"]


# S3 UG, "Access control list (ACL) overview": FULL_CONTROL = READ, WRITE, READ_ACP and WRITE_ACP.
def test_s3_acl_full_control_to_all_users_maps_to_every_bucket_acl_action() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-acl-full", acl_groups=((ALL_USERS, "FULL_CONTROL"),), ownership="ObjectWriter")
    f = keyed(run(t), arn)["public"]
    for action in ("s3:ListBucket", "s3:PutObject", "s3:GetBucketAcl", "s3:PutBucketAcl"):
        assert covers(f.actions, action), (action, f.actions)


# S3 UG, "Block public access settings": RestrictPublicBuckets acts on public *policies*, and
# BlockPublicAcls only rejects new public ACLs ("doesn't affect existing ... ACLs"); only
# IgnorePublicAcls disables an existing public ACL grant.
def test_public_acl_stays_under_restrict_public_buckets_and_block_public_acls() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-acl-kept", acl_groups=((ALL_USERS, "READ"),), ownership=None,
                   bpa={"RestrictPublicBuckets": True, "BlockPublicAcls": True, "BlockPublicPolicy": True})
    f = keyed(run(t), arn)["public"]
    assert f.is_public is True and [s["type"] for s in f.data["sources"]] == ["BUCKET_ACL"]


# S3 UG, "Access control list (ACL) overview": a canonical user ID identifies an AWS account
# (list-buckets returns each account's own as Owner.ID); IAM UG, "IAM Access Analyzer findings": a
# grant to a member account is inside the organization's zone of trust — whether or not that member
# owns a bucket itself.
@pytest.mark.parametrize("member", [B, MGMT], ids=["member", "management"])
def test_acl_grant_to_a_member_accounts_canonical_user_is_inside_the_organization(member: str) -> None:
    t = SnapshotTree()  # the member owns no bucket; its canonical id is in its list-buckets Owner
    arn = t.bucket(A, "tst-acl-member", acl_users=((canonical_id(member), "READ"),), ownership=None)
    assert on(run(t), arn) == [], run(t).to_json()
    assert len(on(run(t, f"account:{A}"), arn)) == 1


# S3 UG, "The meaning of public": a value is fixed only if it "doesn't contain a wildcard"; a
# StringLike "o-*" on aws:PrincipalOrgID is public, so RestrictPublicBuckets removes it, and without
# Block Public Access it is a finding keyed public.
def test_wildcard_condition_value_is_not_fixed_so_the_policy_is_public() -> None:
    t = SnapshotTree()
    cond = {"StringLike": {"aws:PrincipalOrgID": "o-*"}}
    restricted = t.bucket(A, "tst-wild-r", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-wild-r/*", cond)),
                          bpa={"RestrictPublicBuckets": True})
    open_ = t.bucket(A, "tst-wild-o", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-wild-o/*", cond)))
    found = run(t)
    assert on(found, restricted) == []
    assert set(keyed(found, open_)) == {"public"}


# S3 UG, "The meaning of public" (only positive fixed values narrow); IAM UG, "Policy evaluation
# logic": StringNotEquals aws:PrincipalOrgID <own org> in an Allow admits everyone *outside* the org.
def test_negated_principal_org_id_in_an_allow_is_public() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-neg", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-neg/*",
                                              {"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}})))
    f = keyed(run(t), arn)["public"]
    assert covers(f.actions, "s3:GetObject")


# IAM UG, "Creating a condition with multiple context keys or values": several values of one key are
# ORed, so a list naming the own and another organization still admits the other one.
def test_condition_value_list_is_inside_the_zone_only_if_every_value_is() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-two-orgs", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-two-orgs/*",
                                                   {"StringEquals": {"aws:PrincipalOrgID": [ORG_ID, OTHER_ORG]}})))
    f = keyed(run(t), arn)["public"]
    assert condition_keys(f) == {"aws:principalorgid"}


# IAM UG, "IAM Access Analyzer filter keys" / "Reviewing findings": a "*" grant narrowed by
# aws:PrincipalArn is outside the zone only when the ARN's account is.
def test_principal_arn_condition_narrows_any_principal() -> None:
    t = SnapshotTree()
    out = t.bucket(A, "tst-parn-out", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-parn-out/*",
                                                   {"ArnEquals": {"aws:PrincipalArn": role_arn(OUTSIDE, "x")}})))
    own = t.bucket(A, "tst-parn-in", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-parn-in/*",
                                                  {"ArnLike": {"aws:PrincipalArn": role_arn(A, "app-*")}})))
    found = run(t)
    assert condition_keys(keyed(found, out)["public"]) == {"aws:principalarn"}
    assert on(found, own) == []


# IAM UG, "How IAM Access Analyzer findings work": the policy is analysed per resource; a statement
# whose Resource names another bucket grants nothing on this one.
def test_statement_for_another_resource_grants_nothing_here() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-mine", policy(allow({"AWS": root_arn(OUTSIDE)}, "s3:GetObject", "arn:aws:s3:::someone-else/*")))
    assert on(run(t), arn) == []


# LAYOUT.md, "Absent data and errors": AccessDenied means *unknown*, never absent — reported as not
# analysable, like Access Analyzer's ACCESS_DENIED error finding (IAM UG, resource types, KMS: when
# the key policy cannot be read). NoSuchBucketPolicy means "no policy": nothing.
def test_unreadable_policy_is_an_access_denied_error_finding() -> None:
    t = SnapshotTree()
    bucket = t.bucket(A, "tst-denied", None)
    absent = t.bucket(A, "tst-nopolicy", None)
    key = t.key(A, "1b9c0d3e-0000-4000-a000-0000000000e1")
    tree = t.build()
    s3 = tree["accounts"][A]["global"]["s3api"]["get-bucket-policy"]
    del s3["tst-denied.error.txt"]
    s3["tst-denied.error.txt"] = ("An error occurred (AccessDenied) when calling the GetBucketPolicy operation: "
                                  "Access Denied\n")
    kp = tree["accounts"][A]["regions"]["us-east-1"]["kms"]["get-key-policy"]
    del kp["1b9c0d3e-0000-4000-a000-0000000000e1.json"]
    kp["1b9c0d3e-0000-4000-a000-0000000000e1.error.txt"] = (
        "An error occurred (AccessDeniedException) when calling the GetKeyPolicy operation: not authorized\n")
    found = ag.load_snapshot_from_dict(tree).findings()
    for arn in (bucket, key):
        errs = on(found, arn)
        assert len(errs) == 1 and errs[0].data.get("error") == "ACCESS_DENIED", found.to_json()
        assert errs[0].data["resourceOwnerAccount"] == A
    assert on(found, absent) == []


# ----------------------------------------------------------------------------------------------
# 3. KMS, SQS, SNS, Lambda, Secrets Manager, ECR


# IAM UG, "IAM Access Analyzer resource types", AWS KMS keys: key policies and grants are analysed.
def test_kms_key_policy_grant_to_outside_account_is_a_finding() -> None:
    t = SnapshotTree()
    doc = policy(allow({"AWS": root_arn(A)}, "kms:*"),
                 allow({"AWS": root_arn(OUTSIDE)}, ["kms:Decrypt", "kms:DescribeKey"]))
    arn = t.key(A, "1b9c0d3e-0000-4000-a000-00000000000a", doc)
    f = keyed(run(t), arn)[OUTSIDE]
    assert f.resource_type == "AWS::KMS::Key"
    assert covers(f.actions, "kms:Decrypt") and covers(f.actions, "kms:DescribeKey")
    assert not covers(f.actions, "kms:ScheduleKeyDeletion")
    assert f.is_public is False


# KMS DG, "Default key policy": the root statement lets the owning account's IAM policies control
# access: nothing outside the account.
def test_kms_default_key_policy_is_not_a_finding() -> None:
    t = SnapshotTree()
    arn = t.key(A, "1b9c0d3e-0000-4000-a000-00000000000b")
    assert on(run(t, f"account:{A}"), arn) == []


# IAM UG, resource types, KMS: kms:CallerAccount naming another account is external access; naming
# the owner (the AWS managed key policy shape, with kms:ViaService) is not.
def test_kms_caller_account_condition_decides_whether_any_principal_is_external() -> None:
    t = SnapshotTree()
    managed_shape = t.key(A, "1b9c0d3e-0000-4000-a000-0000000000c1", policy(
        allow({"AWS": "*"}, ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], "*",
              {"StringEquals": {"kms:CallerAccount": A, "kms:ViaService": "s3.us-east-1.amazonaws.com"}}),
        allow({"AWS": root_arn(A)}, ["kms:Describe*", "kms:Get*", "kms:List*"])))
    shared = t.key(A, "1b9c0d3e-0000-4000-a000-0000000000c2", policy(
        allow({"AWS": root_arn(A)}, "kms:*"),
        allow({"AWS": "*"}, "kms:Decrypt", "*", {"StringEquals": {"kms:CallerAccount": OUTSIDE}})))
    found = run(t)
    assert on(found, managed_shape) == []
    ext = on(found, shared)
    assert len(ext) == 1 and covers(ext[0].actions, "kms:Decrypt") and not covers(ext[0].actions, "kms:Encrypt")


# IAM UG, "IAM Access Analyzer resource types", AWS KMS keys: "IAM Access Analyzer analyzes the key
# policies and grants applied to a key"; an account grantee is reported as the bare id (IAM UG,
# "Reviewing findings").
def test_kms_grant_to_outside_account_root_is_reported_as_the_account_id() -> None:
    t = SnapshotTree()
    arn = t.key(A, "1b9c0d3e-0000-4000-a000-00000000000c",
                grants=({"grantee": root_arn(OUTSIDE), "operations": ["Decrypt", "CreateGrant"]},))
    f = keyed(run(t), arn)[OUTSIDE]
    assert f.principal == {"AWS": OUTSIDE}
    assert covers(f.actions, "kms:Decrypt") and covers(f.actions, "kms:CreateGrant")
    assert not covers(f.actions, "kms:Encrypt")


# Same page: grants are analysed; a role is reported by its ARN (IAM UG, "Reviewing findings").
def test_kms_grant_to_outside_role_is_reported_by_role_arn() -> None:
    t = SnapshotTree()
    grantee = role_arn(OUTSIDE, "batch")
    arn = t.key(A, "1b9c0d3e-0000-4000-a000-00000000000d",
                grants=({"grantee": grantee, "operations": ["Decrypt", "GenerateDataKey"]},
                        {"grantee": role_arn(A, "own-app"), "operations": ["Decrypt"]}))
    found = keyed(run(t), arn)
    assert set(found) == {grantee}
    assert covers(found[grantee].actions, "kms:GenerateDataKey")


# IAM UG, "IAM Access Analyzer findings" (zone of trust): a grant to a member account's role is
# inside the organization, outside the owner's account zone.
def test_kms_grant_to_member_role_is_an_account_zone_finding_only() -> None:
    t = SnapshotTree()
    grantee = role_arn(B, "etl")
    arn = t.key(A, "1b9c0d3e-0000-4000-a000-00000000000e", grants=({"grantee": grantee, "operations": ["Decrypt"]},))
    assert on(run(t), arn) == []
    assert set(keyed(run(t, f"account:{A}"), arn)) == {grantee}


# IAM UG, resource types: Amazon SQS queue policies are analysed.
def test_sqs_queue_policy_grant_to_outside_role_is_a_finding() -> None:
    t = SnapshotTree()
    carrier = role_arn(OUTSIDE, "status-sync")
    qarn = "arn:aws:sqs:us-east-1:%s:tst-status" % A
    arn = t.queue(A, "tst-status", policy(allow({"AWS": carrier}, ["sqs:SendMessage"], qarn)))
    f = keyed(run(t), arn)[carrier]
    assert f.resource_type == "AWS::SQS::Queue" and covers(f.actions, "sqs:SendMessage")
    assert not covers(f.actions, "sqs:DeleteQueue")


# LAYOUT.md / SQS API: get-queue-attributes omits Policy when the queue has none — no finding.
def test_sqs_queue_without_policy_is_not_a_finding() -> None:
    t = SnapshotTree()
    arn = t.queue(A, "tst-dlq", None)
    assert on(run(t, f"account:{A}"), arn) == []


# SNS DG, "Example cases for Amazon SNS access control": the default topic statement allows any
# principal only if AWS:SourceOwner is the topic owner; IAM UG, "How IAM Access Analyzer findings
# work": only keys outsiders cannot influence count, so the default statement grants nothing outside.
def test_sns_default_source_owner_statement_is_not_a_finding() -> None:
    t = SnapshotTree()
    arn = t.topic(A, "tst-alerts")
    assert on(run(t), arn) == []
    assert on(run(t, f"account:{A}"), arn) == []


# IAM UG, resource types: SNS topic policies are analysed; the outside account gets only what its own
# statement grants (the default statement is limited to the owner).
def test_sns_statement_for_outside_account_reports_only_its_actions() -> None:
    t = SnapshotTree()
    tarn = f"arn:aws:sns:us-east-1:{A}:tst-events"
    arn = t.topic(A, "tst-events", (allow({"AWS": root_arn(OUTSIDE)}, "SNS:Subscribe", tarn),))
    f = keyed(run(t), arn)[OUTSIDE]
    assert f.resource_type == "AWS::SNS::Topic"
    assert covers(f.actions, "sns:Subscribe")
    assert not covers(f.actions, "sns:Publish") and not covers(f.actions, "sns:DeleteTopic")


# IAM UG, resource types: Lambda function policies (AddPermission) are analysed.
def test_lambda_permission_for_outside_account_is_a_finding() -> None:
    t = SnapshotTree()
    arn = t.function(A, "tst-quote", ({"Sid": "carrier", "Effect": "Allow", "Principal": {"AWS": root_arn(OUTSIDE)},
                                       "Action": "lambda:InvokeFunction"},))
    none = t.function(A, "tst-private")  # lambda get-policy: ResourceNotFoundException = no policy
    found = run(t)
    f = keyed(found, arn)[OUTSIDE]
    assert f.resource_type == "AWS::Lambda::Function" and covers(f.actions, "lambda:InvokeFunction")
    assert on(found, none) == []


# Lambda API, AddPermission --principal-org-id writes Principal "*" + aws:PrincipalOrgID; IAM UG,
# "IAM Access Analyzer findings": inside the organization's zone, outside one account's, where the
# "any principal" finding carries the narrowing aws:PrincipalOrgID (IAM UG, "Reviewing findings").
def test_lambda_principal_org_id_permission_is_inside_the_organization_zone_only() -> None:
    t = SnapshotTree()
    arn = t.function(A, "tst-relay", ({"Sid": "org", "Effect": "Allow", "Principal": "*",
                                       "Action": "lambda:InvokeFunction",
                                       "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}},))
    assert on(run(t), arn) == []
    f = keyed(run(t, f"account:{A}"), arn)["public"]
    assert condition_keys(f) == {"aws:principalorgid"}
    assert covers(f.actions, "lambda:InvokeFunction")


# IAM UG, resource types: Secrets Manager secret policies are analysed.
def test_secrets_manager_resource_policy_grant_is_a_finding() -> None:
    t = SnapshotTree()
    arn = t.secret(A, "integrations/db", policy(allow({"AWS": role_arn(OUTSIDE, "etl")}, "secretsmanager:GetSecretValue")))
    f = keyed(run(t), arn)[role_arn(OUTSIDE, "etl")]
    assert f.resource_type == "AWS::SecretsManager::Secret"
    assert covers(f.actions, "secretsmanager:GetSecretValue")
    assert not covers(f.actions, "secretsmanager:PutSecretValue")


# IAM UG, resource types: Amazon ECR repository policies are analysed (the outside principal also
# needs ecr:GetAuthorizationToken from its own identity policy, which Access Analyzer assumes).
def test_ecr_repository_policy_grant_to_outside_account_is_a_finding() -> None:
    t = SnapshotTree()
    arn = t.repository(A, "tools/renderer", policy(allow({"AWS": root_arn(OUTSIDE)},
                                                         ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])))
    f = keyed(run(t), arn)[OUTSIDE]
    assert f.resource_type == "AWS::ECR::Repository"
    assert covers(f.actions, "ecr:BatchGetImage") and covers(f.actions, "ecr:GetDownloadUrlForLayer")
    assert not covers(f.actions, "ecr:PutImage")


# IAM UG, resource types, IAM roles: the trust policy is the role's resource policy.
def test_role_trust_to_outside_account_is_a_finding() -> None:
    t = SnapshotTree()
    arn = t.role(A, "carrier-sync", policy({"Effect": "Allow", "Principal": {"AWS": role_arn(OUTSIDE, "sync")},
                                            "Action": ["sts:AssumeRole", "sts:TagSession"]}))
    f = keyed(run(t), arn)[role_arn(OUTSIDE, "sync")]
    assert f.resource_type == "AWS::IAM::Role" and covers(f.actions, "sts:AssumeRole")
    assert f.data["resourceOwnerAccount"] == A


# IAM UG, "How to use an external ID when granting access to your AWS resources to a third party":
# the external id narrows but does not remove access; kept in the finding's condition map.
def test_role_trust_with_sts_external_id_is_a_finding_that_keeps_the_condition() -> None:
    t = SnapshotTree()
    arn = t.role(A, "vendor", policy({"Effect": "Allow", "Principal": {"AWS": root_arn(OUTSIDE)}, "Action": "sts:AssumeRole",
                                      "Condition": {"StringEquals": {"sts:ExternalId": "tst-5521"}}}))
    f = keyed(run(t), arn)[OUTSIDE]
    assert condition_keys(f) == {"sts:externalid"}
    assert f.condition[next(iter(f.condition))] in ("tst-5521", ["tst-5521"])


# IAM UG, resource types: an IAM role is global — one finding per role and principal, whatever the
# number of regions analysed.
def test_role_is_global_one_finding_with_two_regions() -> None:
    t = SnapshotTree(regions=("us-east-1", "eu-west-1"))
    arn = t.role(A, "carrier-sync", policy(allow({"AWS": root_arn(OUTSIDE)}, "sts:AssumeRole")))
    for zone in ("organization", f"account:{A}"):
        found = run(t, zone)
        assert [f.resource for f in found] == [arn]
        assert found[0].principal == {"AWS": OUTSIDE} and found[0].data["region"] is None


# ----------------------------------------------------------------------------------------------
# 4. Zone of trust and principals


# IAM UG, "IAM Access Analyzer findings": a finding for each grant to a principal outside the zone of
# trust (the organization, or one account); sharing inside the zone is not reported.
def test_member_account_is_inside_the_organization_zone_and_outside_an_account_zone() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-internal", policy(bucket_get({"AWS": root_arn(B)}, "tst-internal")))
    assert on(run(t), arn) == []
    assert set(keyed(run(t, f"account:{A}"), arn)) == {B}
    assert on(run(t, f"account:{B}"), arn) == []  # only resources owned by the zone's account


# Same page: an account zone analyses only the resources that account owns.
def test_account_zone_reports_only_resources_of_that_account() -> None:
    t = SnapshotTree()
    in_a = t.bucket(A, "tst-a", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-a")))
    in_b = t.queue(B, "tst-b", policy(allow({"AWS": root_arn(OUTSIDE)}, "sqs:SendMessage")))
    zone_a, zone_b = run(t, f"account:{A}"), run(t, f"account:{B}")
    assert {f.resource for f in zone_a} == {in_a}
    assert {f.resource for f in zone_b} == {in_b}
    assert all(f.data["resourceOwnerAccount"] == A for f in zone_a)
    assert {f.resource for f in run(t)} == {in_a, in_b}


# Same page; Orgs UG: the management account is a member of the organization (inside its zone),
# outside a member account's zone (OrganizationAccountAccessRole).
def test_management_account_is_inside_the_organization_zone() -> None:
    t = SnapshotTree()
    arn = t.role(A, "OrganizationAccountAccessRole", policy(allow({"AWS": root_arn(MGMT)}, "sts:AssumeRole")))
    assert on(run(t), arn) == []
    f = keyed(run(t, f"account:{A}"), arn)[MGMT]
    assert f.rcp_restricted is False  # an organization member: the data perimeter never denies it


@pytest.mark.parametrize("zone", ["everyone", "account:12345", "account:999999999999", "Organization"])
def test_zone_must_be_the_organization_or_an_account_of_the_snapshot(zone: str) -> None:
    # IAM UG, "IAM Access Analyzer findings": the zone of trust is an organization or an account.
    t = SnapshotTree()
    org = ag.load_snapshot_from_dict(t.build())
    with pytest.raises(ValueError, match="zone"):
        org.findings(zone=zone)


# IAM UG, "Reviewing findings": an account principal is reported as the bare 12-digit id, whether the
# policy names "arn:aws:iam::<id>:root" or "<id>"; keys are unique within a zone.
def test_account_root_arn_and_bare_id_are_one_principal() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-norm", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-norm"),
                                         bucket_get({"AWS": OUTSIDE}, "tst-norm", "s3:ListBucket")))
    found = on(run(t), arn)
    assert len(found) == 1
    assert found[0].principal == {"AWS": OUTSIDE}
    assert covers(found[0].actions, "s3:GetObject") and covers(found[0].actions, "s3:ListBucket")


# shared/findings/README.md (key): one finding per (resource, external principal) — a statement naming
# two outside principals gives two findings; a member role in the same statement only in its account zone.
def test_statement_naming_two_outside_principals_gives_one_finding_each() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-manifests", policy(bucket_get(
        {"AWS": [root_arn(OUTSIDE), role_arn(OUTSIDE2, "auditor"), role_arn(B, "portal")]}, "tst-manifests")))
    assert set(keyed(run(t), arn)) == {OUTSIDE, role_arn(OUTSIDE2, "auditor")}
    assert set(keyed(run(t, f"account:{A}"), arn)) == {OUTSIDE, role_arn(OUTSIDE2, "auditor"), role_arn(B, "portal")}


# IAM UG, "How IAM Access Analyzer findings work": Access Analyzer "does not currently report findings
# from AWS service principals or internal service accounts".
def test_service_principals_are_never_findings() -> None:
    t = SnapshotTree()

    def svc(name: str) -> dict[str, str]:
        return {"Service": name}

    res = [
        t.bucket(A, "tst-billing", policy(allow(svc("billingreports.amazonaws.com"), "s3:PutObject",
                                                "arn:aws:s3:::tst-billing/*"))),
        t.queue(A, "tst-events", policy(allow(svc("events.amazonaws.com"), "sqs:SendMessage"))),
        t.topic(A, "tst-s3-events", (allow(svc("s3.amazonaws.com"), "SNS:Publish", "*",
                                           {"StringEquals": {"aws:SourceAccount": A}}),)),
        t.function(A, "tst-api", ({"Sid": "apigw", "Effect": "Allow", "Principal": svc("apigateway.amazonaws.com"),
                                   "Action": "lambda:InvokeFunction"},)),
        t.repository(A, "tst-base", policy(allow(svc("lambda.amazonaws.com"), ["ecr:BatchGetImage"]))),
        t.key(A, "1b9c0d3e-0000-4000-a000-0000000000f1", policy(
            allow({"AWS": root_arn(A)}, "kms:*"), allow(svc("cloudtrail.amazonaws.com"), "kms:GenerateDataKey*")),
              grants=({"grantee": "dynamodb.us-east-1.amazonaws.com", "operations": ["Decrypt"]},)),
        t.role(A, "fn-exec", policy(allow(svc("lambda.amazonaws.com"), "sts:AssumeRole"))),
        t.role(A, "ec2-app", policy(allow({"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]},
                                          "sts:AssumeRole"))),
    ]
    for zone in ("organization", f"account:{A}"):
        found = run(t, zone)
        assert [f for f in found if f.resource in res] == [], found.to_json()


# ----------------------------------------------------------------------------------------------
# 5. Deny, NotPrincipal


# IAM UG, "Policy evaluation logic": an explicit Deny overrides any Allow, also for a single action;
# Access Analyzer reasons about the whole policy (IAM UG, "How IAM Access Analyzer findings work").
def test_explicit_deny_removes_one_action_from_the_finding() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-deny-one", policy(
        bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-deny-one", ["s3:GetObject", "s3:PutObject"]),
        deny({"AWS": root_arn(OUTSIDE)}, "s3:PutObject", "arn:aws:s3:::tst-deny-one/*")))
    f = keyed(run(t), arn)[OUTSIDE]
    assert covers(f.actions, "s3:GetObject")
    assert not covers(f.actions, "s3:PutObject"), f.actions


# Same rule, KMS: a Deny of kms:Decrypt leaves the other granted key actions (p1 case 10).
def test_explicit_deny_of_kms_decrypt_is_absent_from_the_actions() -> None:
    t = SnapshotTree()
    doc = policy(allow({"AWS": root_arn(A)}, "kms:*"),
                 allow({"AWS": root_arn(OUTSIDE)}, ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]),
                 deny({"AWS": root_arn(OUTSIDE)}, "kms:Decrypt"))
    arn = t.key(A, "1b9c0d3e-0000-4000-a000-0000000000f2", doc)
    f = keyed(run(t), arn)[OUTSIDE]
    assert covers(f.actions, "kms:Encrypt") and covers(f.actions, "kms:GenerateDataKey")
    assert not covers(f.actions, "kms:Decrypt"), f.actions


# IAM UG, "Policy evaluation logic": a Deny of every granted action leaves no access, so no finding.
def test_deny_of_every_granted_action_removes_the_finding() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-deny-all", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-deny-all"),
                                             deny({"AWS": root_arn(OUTSIDE)}, "s3:*", "*")))
    assert on(run(t), arn) == []


# IAM UG, "AWS JSON policy elements: Principal": an account in Principal stands for every principal of
# that account, so a Deny naming the account root applies to its roles too.
def test_deny_naming_an_account_root_applies_to_its_roles() -> None:
    t = SnapshotTree()
    reader = role_arn(OUTSIDE, "reader")
    arn = t.bucket(A, "tst-deny-acct", policy(
        bucket_get({"AWS": reader}, "tst-deny-acct", ["s3:GetObject", "s3:PutObject"]),
        deny({"AWS": root_arn(OUTSIDE)}, "s3:PutObject", "arn:aws:s3:::tst-deny-acct/*")))
    f = keyed(run(t), arn)[reader]
    assert covers(f.actions, "s3:GetObject") and not covers(f.actions, "s3:PutObject")


# IAM UG, "Policy evaluation logic" + "AWS global condition context keys" (aws:PrincipalAccount): a
# Deny for every principal whose account is not listed removes the unlisted outside account only.
def test_deny_for_principals_outside_listed_accounts_removes_the_others() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-deny-acct-list", policy(
        bucket_get({"AWS": [root_arn(OUTSIDE), root_arn(OUTSIDE2)]}, "tst-deny-acct-list"),
        deny("*", "s3:*", "*", {"StringNotEquals": {"aws:PrincipalAccount": [A, OUTSIDE]}})))
    assert set(keyed(run(t), arn)) == {OUTSIDE}


# IAM UG, "Policy evaluation logic" (an explicit Deny wins) and aws:PrincipalOrgID ("the identifier of
# the organization ... to which the requesting principal belongs"); Access Analyzer reasons about
# the whole policy (IAM UG, "How IAM Access Analyzer findings work"). A public Allow with a Deny for
# every principal outside the organization leaves access to the organization only: like Principal "*"
# + aws:PrincipalOrgID in the Allow, no finding in the organization zone; still a public-keyed finding
# in an account zone.
def test_deny_outside_the_organization_limits_a_public_allow_to_the_organization() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-perimeter", policy(
        allow("*", "s3:GetObject", "arn:aws:s3:::tst-perimeter/*"),
        deny("*", "s3:*", ["arn:aws:s3:::tst-perimeter", "arn:aws:s3:::tst-perimeter/*"],
             {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID}})))
    assert on(run(t), arn) == [], run(t).to_json()
    assert set(keyed(run(t, f"account:{A}"), arn)) == {"public"}  # member accounts keep their access


# Same rules: an outside account (not a member, so its aws:PrincipalOrgID is not this organization's)
# is denied by the perimeter statement; a member account keeps its access (account zone).
def test_deny_outside_the_organization_removes_a_named_outside_account() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-perimeter-named", policy(
        bucket_get({"AWS": [root_arn(OUTSIDE), root_arn(B)]}, "tst-perimeter-named"),
        deny("*", "s3:*", "*", {"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}})))
    assert on(run(t), arn) == [], run(t).to_json()
    assert set(keyed(run(t, f"account:{A}"), arn)) == {B}


# IAM UG, "AWS JSON policy elements: NotPrincipal": with Deny it denies every principal except the
# ones listed; the Deny wins over the Allow.
def test_deny_with_not_principal_removes_access_of_everyone_not_listed() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-curated", policy(
        bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-curated", ["s3:GetObject", "s3:ListBucket"]),
        deny({"AWS": [root_arn(A), role_arn(A, "etl")]}, "s3:*",
             ["arn:aws:s3:::tst-curated", "arn:aws:s3:::tst-curated/*"], not_principal=True)))
    assert on(run(t), arn) == []
    assert on(run(t, f"account:{A}"), arn) == []


# Same page, its example: NotPrincipal listing "user/Bob" and his account root spares Bob.
def test_deny_with_not_principal_spares_the_listed_outside_principal() -> None:
    t = SnapshotTree()
    bob = f"arn:aws:iam::{OUTSIDE}:user/Bob"
    arn = t.bucket(A, "tst-bob", policy(
        bucket_get({"AWS": bob}, "tst-bob"),
        deny({"AWS": [bob, root_arn(OUTSIDE), root_arn(A)]}, "s3:*",
             ["arn:aws:s3:::tst-bob", "arn:aws:s3:::tst-bob/*"], not_principal=True)))
    f = keyed(run(t), arn)[bob]
    assert covers(f.actions, "s3:GetObject")


# ----------------------------------------------------------------------------------------------
# 6. Conditions


# IAM UG, "IAM Access Analyzer findings" + "IAM Access Analyzer filter keys": aws:PrincipalOrgID of
# the own organization keeps access inside the organization zone; of another organization it is
# outside every zone, reported keyed "public" with the aws:PrincipalOrgID condition.
def test_principal_org_id_of_own_organization_is_inside_and_of_another_outside() -> None:
    t = SnapshotTree()
    own = t.bucket(A, "tst-org-share", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-org-share/*",
                                                    {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}})))
    other = t.bucket(A, "tst-carrier", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-carrier/*",
                                                    {"StringEquals": {"aws:PrincipalOrgID": OTHER_ORG}})))
    org_zone, acct_zone = run(t), run(t, f"account:{A}")
    assert on(org_zone, own) == []
    assert condition_keys(keyed(acct_zone, own)["public"]) == {"aws:principalorgid"}
    for zone in (org_zone, acct_zone):
        f = keyed(zone, other)["public"]
        assert condition_keys(f) == {"aws:principalorgid"}
        assert f.condition[next(iter(f.condition))] in (OTHER_ORG, [OTHER_ORG])


# S3 UG, "The meaning of public" (aws:SourceAccount / aws:SourceOwner fixed values are not public);
# IAM UG, "Reviewing findings": any-principal findings carry the narrowing key. The owner's account
# is inside every zone; a member account only inside the organization's; an outside one in none.
@pytest.mark.parametrize("key", ["aws:SourceAccount", "aws:SourceOwner", "aws:SourceArn"])
@pytest.mark.parametrize(("value", "in_org_zone", "in_account_zone"), [
    (A, False, False), (B, False, True), (OUTSIDE, True, True)], ids=["owner", "member", "outside"])
def test_source_account_owner_and_arn_narrow_any_principal(key: str, value: str, in_org_zone: bool,
                                                           in_account_zone: bool) -> None:
    t = SnapshotTree()
    cond = ({"ArnEquals": {key: f"arn:aws:sns:us-east-1:{value}:events"}} if key == "aws:SourceArn"
            else {"StringEquals": {key: value}})
    arn = t.queue(A, "tst-src", policy(allow("*", "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{A}:tst-src", cond)))
    for zone, expected in (("organization", in_org_zone), (f"account:{A}", in_account_zone)):
        found = keyed(run(t, zone), arn)
        if expected:
            assert set(found) == {"public"} and condition_keys(found["public"]) == {key.lower()}
        else:
            assert found == {}, f"{zone}: {found}"


# Same rule for SNS: a topic statement for any principal with AWS:SourceOwner of another account.
def test_sns_any_principal_with_outside_source_owner_is_a_finding_with_that_condition() -> None:
    t = SnapshotTree()
    tarn = f"arn:aws:sns:us-east-1:{A}:tst-partner"
    arn = t.topic(A, "tst-partner", (allow({"AWS": "*"}, "SNS:Publish", tarn,
                                           {"StringEquals": {"AWS:SourceOwner": OUTSIDE}}),))
    f = keyed(run(t), arn)["public"]
    assert condition_keys(f) == {"aws:sourceowner"}
    assert covers(f.actions, "sns:Publish") and not covers(f.actions, "sns:DeleteTopic")


# IAM UG, "AWS global condition context keys", aws:PrincipalAccount: the caller's account — a fixed
# value narrows "*" to that account (inside the zone when it is the owner).
def test_principal_account_condition_narrows_any_principal() -> None:
    t = SnapshotTree()
    own = t.secret(A, "tst-own", policy(allow("*", "secretsmanager:GetSecretValue", "*",
                                             {"StringEquals": {"aws:PrincipalAccount": A}})))
    ext = t.secret(A, "tst-ext", policy(allow("*", "secretsmanager:GetSecretValue", "*",
                                             {"StringEquals": {"aws:PrincipalAccount": OUTSIDE}})))
    found = run(t)
    assert on(found, own) == []
    f = keyed(found, ext)["public"]
    assert condition_keys(f) == {"aws:principalaccount"}


# IAM UG, "How IAM Access Analyzer findings work": only condition keys external users cannot
# influence are considered — aws:SecureTransport is set by the caller, so it narrows nothing and is not
# in the condition map; S3 UG, "The meaning of public": such a "*" policy is public.
def test_condition_keys_the_caller_controls_are_not_reported() -> None:
    t = SnapshotTree()
    tls = {"Bool": {"aws:SecureTransport": "true"}}
    named = t.bucket(A, "tst-tls-named", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-tls-named", condition=tls)))
    anyone = t.bucket(A, "tst-tls-any", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-tls-any/*", tls)))
    found = run(t)
    f = keyed(found, named)[OUTSIDE]
    assert f.condition == {}
    g = keyed(found, anyone)["public"]
    assert g.condition == {} and g.is_public is True


# IAM UG, "Creating a condition with multiple context keys or values": keys in one operator must all
# match; aws:PrincipalOrgID of the own organization plus aws:SecureTransport is still inside the org.
def test_own_principal_org_id_with_a_caller_key_is_still_inside_the_organization() -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-org-tls", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-org-tls/*",
                                                  {"StringEquals": {"aws:PrincipalOrgID": ORG_ID},
                                                   "Bool": {"aws:SecureTransport": "true"}})))
    assert on(run(t), arn) == []


# ----------------------------------------------------------------------------------------------
# 7. RCP verdicts (accessgraph's `rcp_restricted`; Access Analyzer itself does not apply RCPs,
#    API "ExternalAccessDetails", resourceControlPolicyRestriction — the finding exists either way)


def rcp_tree(actions: Any = "s3:*", targets: tuple[str, ...] = (ROOT_ID,), exempt: list[str] | None = None) -> SnapshotTree:
    t = SnapshotTree()
    t.rcp("p-perim3t3r1", "DataPerimeter", data_perimeter_rcp(actions, exempt), list(targets))
    return t


# Orgs UG, "RCP evaluation": an RCP attached to the root governs every member account; the outside
# account is denied every action of the finding.
def test_root_rcp_restricts_an_outside_account_finding_and_explains_it() -> None:
    t = rcp_tree()
    arn = t.bucket(A, "tst-rcp-root", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-rcp-root")))
    f = keyed(run(t), arn)[OUTSIDE]
    assert f.status == "ACTIVE"  # still reported (Access Analyzer does not apply RCPs)
    assert f.rcp_restricted is True
    text = " ".join(f.data["rcp_explanation"])
    assert "DataPerimeter" in text and (ROOT_ID in text or "root" in text.lower())


# Orgs UG, "RCP evaluation": access must be allowed at every level from the root down; an RCP on a
# parent OU governs accounts of its nested OUs, and not accounts of other OUs.
def test_rcp_on_a_parent_ou_governs_accounts_in_nested_ous_only() -> None:
    t = rcp_tree(targets=(OU_EDGE,))
    in_b = t.bucket(B, "tst-rcp-nested", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-rcp-nested")))
    in_a = t.bucket(A, "tst-rcp-core", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-rcp-core")))
    found = run(t)
    fb = keyed(found, in_b)[OUTSIDE]
    assert fb.rcp_restricted is True
    text = " ".join(fb.data["rcp_explanation"])
    assert "DataPerimeter" in text and (OU_EDGE in text or "Edge" in text), text
    assert keyed(found, in_a)[OUTSIDE].rcp_restricted is False


# Orgs UG, "RCP evaluation": RCPs attached directly to an account govern it too.
def test_rcp_attached_to_an_account_governs_it() -> None:
    t = rcp_tree(targets=(A,))
    arn = t.bucket(A, "tst-rcp-acct", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-rcp-acct")))
    other = t.bucket(B, "tst-rcp-other", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-rcp-other")))
    found = run(t)
    assert keyed(found, arn)[OUTSIDE].rcp_restricted is True
    assert keyed(found, other)[OUTSIDE].rcp_restricted is False


# IAM UG, "Creating a condition with multiple context keys or values": keys of one operator are ANDed,
# so aws:PrincipalAccount in the StringNotEqualsIfExists exempts that account from the Deny.
def test_rcp_exemption_via_condition_leaves_the_exempt_account_unrestricted() -> None:
    t = rcp_tree(exempt=[OUTSIDE])
    arn = t.bucket(A, "tst-rcp-lab", policy(bucket_get({"AWS": [root_arn(OUTSIDE), root_arn(OUTSIDE2)]}, "tst-rcp-lab")))
    found = keyed(run(t), arn)
    assert found[OUTSIDE].rcp_restricted is False
    assert found[OUTSIDE2].rcp_restricted is True


# shared/findings/README.md (`rcp_restricted`: every action of the finding must be denied); Orgs UG,
# "RCP evaluation".
def test_rcp_covering_only_some_actions_does_not_restrict_the_finding() -> None:
    t = rcp_tree(actions=["s3:PutObject"])
    both = t.bucket(A, "tst-rcp-both", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-rcp-both",
                                                         ["s3:GetObject", "s3:PutObject"])))
    put = t.bucket(A, "tst-rcp-put", policy(allow({"AWS": root_arn(OUTSIDE)}, "s3:PutObject",
                                                  "arn:aws:s3:::tst-rcp-put/drop/*")))
    found = run(t)
    assert keyed(found, both)[OUTSIDE].rcp_restricted is False
    assert keyed(found, put)[OUTSIDE].rcp_restricted is True


# Orgs UG, "Resource control policies (RCPs)": "RCPs don't affect resources in the management account".
def test_management_account_resources_are_never_rcp_restricted() -> None:
    t = rcp_tree(actions=["s3:*", "sts:AssumeRole"])
    bucket = t.bucket(MGMT, "tst-rcp-mgmt", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-rcp-mgmt")))
    role = t.role(MGMT, "finops", policy(allow({"AWS": root_arn(OUTSIDE)}, "sts:AssumeRole")))
    member_role = t.role(A, "finops", policy(allow({"AWS": root_arn(OUTSIDE)}, "sts:AssumeRole")))
    found = run(t)
    assert keyed(found, bucket)[OUTSIDE].rcp_restricted is False
    assert keyed(found, role)[OUTSIDE].rcp_restricted is False
    assert keyed(found, member_role)[OUTSIDE].rcp_restricted is True


# Orgs UG, "Resource control policies (RCPs)", list of AWS services that support RCPs: SNS and Lambda
# are not on it, so no RCP restricts them, even a Deny of every action.
def test_services_without_rcp_support_are_never_rcp_restricted() -> None:
    t = rcp_tree(actions="*")
    tarn = f"arn:aws:sns:us-east-1:{A}:tst-rcp-topic"
    topic = t.topic(A, "tst-rcp-topic", (allow({"AWS": root_arn(OUTSIDE)}, "SNS:Subscribe", tarn),))
    fn = t.function(A, "tst-rcp-fn", ({"Sid": "x", "Effect": "Allow", "Principal": {"AWS": root_arn(OUTSIDE)},
                                       "Action": "lambda:InvokeFunction"},))
    bucket = t.bucket(A, "tst-rcp-s3", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-rcp-s3")))
    queue = t.queue(A, "tst-rcp-q", policy(allow({"AWS": root_arn(OUTSIDE)}, "sqs:SendMessage")))
    found = run(t)
    assert keyed(found, topic)[OUTSIDE].rcp_restricted is False
    assert keyed(found, fn)[OUTSIDE].rcp_restricted is False
    assert keyed(found, bucket)[OUTSIDE].rcp_restricted is True
    assert keyed(found, queue)[OUTSIDE].rcp_restricted is True


# shared/findings/README.md: for a public finding, restricted when the RCP denies anonymous callers
# and every principal outside the organization (the data-perimeter RCP does, with ...IfExists).
def test_rcp_restricts_a_public_finding_and_one_narrowed_to_another_organization() -> None:
    t = rcp_tree()
    public = t.bucket(A, "tst-rcp-public", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-rcp-public/*")))
    other_org = t.bucket(A, "tst-rcp-otherorg", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-rcp-otherorg/*",
                                                             {"StringEquals": {"aws:PrincipalOrgID": OTHER_ORG}})))
    found = run(t)
    assert keyed(found, public)["public"].rcp_restricted is True
    assert keyed(found, other_org)["public"].rcp_restricted is True


# Orgs UG, "RCP syntax", Resource element: an RCP governs only the resources it names.
def test_rcp_scoped_to_some_resources_restricts_only_those() -> None:
    t = SnapshotTree()
    doc = data_perimeter_rcp("s3:*")
    doc["Statement"][0]["Resource"] = "arn:aws:s3:::tst-rcp-in/*"
    t.rcp("p-sc0p3d0001", "ScopedPerimeter", doc, [ROOT_ID])
    inside = t.bucket(A, "tst-rcp-in", policy(allow({"AWS": root_arn(OUTSIDE)}, "s3:GetObject", "arn:aws:s3:::tst-rcp-in/*")))
    outside = t.bucket(A, "tst-rcp-out", policy(allow({"AWS": root_arn(OUTSIDE)}, "s3:GetObject",
                                                      "arn:aws:s3:::tst-rcp-out/*")))
    found = run(t)
    assert keyed(found, inside)[OUTSIDE].rcp_restricted is True
    assert keyed(found, outside)[OUTSIDE].rcp_restricted is False


# shared/findings/README.md (`rcp_restricted`: the RCP must deny the access, not just some requests):
# a Deny that the outside caller can avoid (TLS, its source IP) does not restrict the finding.
@pytest.mark.parametrize("condition", [
    {"Bool": {"aws:SecureTransport": "false"}},
    {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
], ids=["secure-transport", "source-ip"])
def test_rcp_deny_the_caller_can_avoid_does_not_restrict(condition: dict[str, Any]) -> None:
    t = SnapshotTree()
    t.rcp("p-tl5only001", "Hygiene", policy({"Effect": "Deny", "Principal": "*", "Action": ["sqs:*"], "Resource": "*",
                                              "Condition": condition}), [ROOT_ID])
    arn = t.queue(A, "tst-rcp-tls", policy(allow({"AWS": root_arn(OUTSIDE)}, "sqs:SendMessage")))
    assert keyed(run(t), arn)[OUTSIDE].rcp_restricted is False


# Orgs UG, RCPs: the data perimeter never denies organization members (their aws:PrincipalOrgID is
# the organization's), so account-zone findings for members are not restricted.
def test_rcp_never_restricts_organization_members_in_an_account_zone() -> None:
    t = rcp_tree()
    arn = t.bucket(A, "tst-rcp-member", policy(bucket_get({"AWS": root_arn(B)}, "tst-rcp-member")))
    assert keyed(run(t, f"account:{A}"), arn)[B].rcp_restricted is False


# Orgs UG, "Service control policies (SCPs)": SCPs "don't affect users or roles from accounts outside
# the organization": an SCP denying s3:* neither removes the finding nor restricts it.
def test_scps_do_not_limit_outside_principals() -> None:
    t = SnapshotTree()
    t.scp("p-n0s3aaaaaa", "NoS3", policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}), [A])
    arn = t.bucket(A, "tst-scp", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-scp")))
    f = keyed(run(t), arn)[OUTSIDE]
    assert f.rcp_restricted is False and f.data["rcp_explanation"] == []


def test_without_rcps_nothing_is_rcp_restricted() -> None:
    # shared/findings/README.md: rcp_restricted false where no RCP governs the account.
    t = SnapshotTree(rcps_enabled=False)
    arn = t.bucket(A, "tst-no-rcp", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-no-rcp")))
    f = keyed(run(t), arn)[OUTSIDE]
    assert f.rcp_restricted is False and f.data["rcp_explanation"] == []


# ----------------------------------------------------------------------------------------------
# 8. Stable ids, determinism


def _stable_tree(extra: bool = False, put: bool = False) -> tuple[SnapshotTree, str]:
    t = SnapshotTree()
    actions = ["s3:GetObject", "s3:PutObject"] if put else "s3:GetObject"
    arn = t.bucket(A, "tst-stable", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-stable", actions)))
    t.role(B, "vendor", policy(allow({"AWS": root_arn(OUTSIDE2)}, "sts:AssumeRole")))
    if extra:
        t.queue(B, "tst-unrelated", policy(allow({"AWS": root_arn(OUTSIDE2)}, "sqs:SendMessage")))
    return t, arn


# IAM UG, "IAM Access Analyzer findings": a finding keeps its id while the access it reports is
# unchanged (Access Analyzer updates, not recreates, findings).
def test_same_access_keeps_its_id_across_loads_and_unrelated_changes() -> None:
    t, arn = _stable_tree()
    first = keyed(run(t), arn)[OUTSIDE].id
    assert keyed(run(t), arn)[OUTSIDE].id == first
    t2, _ = _stable_tree(extra=True)
    again = run(t2)
    assert keyed(again, arn)[OUTSIDE].id == first
    assert len({f.id for f in again}) == len(again)  # ids are unique


# A changed access (another action) is a new finding with a new id.
def test_changed_actions_give_a_new_id() -> None:
    t, arn = _stable_tree()
    t2, _ = _stable_tree(put=True)
    assert keyed(run(t), arn)[OUTSIDE].id != keyed(run(t2), arn)[OUTSIDE].id


def test_same_input_gives_byte_identical_json() -> None:
    t, _ = _stable_tree(extra=True)
    t.bucket(A, "tst-public", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-public/*")))
    a = ag.load_snapshot_from_dict(t.build()).findings().to_json()
    b = ag.load_snapshot_from_dict(t.build()).findings().to_json()
    assert a.encode() == b.encode()
    assert run(t, f"account:{A}").to_json() == run(t, f"account:{A}").to_json()


# ----------------------------------------------------------------------------------------------
# 9. Archive rules (IAM UG, "Archive rules" and "IAM Access Analyzer filter keys": every criterion of a
#    rule must match; eq / neq / contains / exists; matching findings get status ARCHIVED)


def _archive_tree() -> tuple[SnapshotTree, dict[str, str]]:
    t = SnapshotTree()
    res = {
        "public": t.bucket(A, "tst-arch-public", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-arch-public/*"))),
        "account": t.bucket(A, "tst-arch-partner", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-arch-partner",
                                                                     ["s3:GetObject", "s3:PutObject"]))),
        "org": t.queue(A, "tst-arch-q", policy(allow("*", "sqs:SendMessage", "*",
                                                     {"StringEquals": {"aws:PrincipalOrgID": OTHER_ORG}}))),
    }
    return t, res


ARCHIVE_CASES = [
    ("resource-eq", {"resource": {"eq": ["arn:aws:s3:::tst-arch-partner"]}}, {"account"}),
    ("resource-contains", {"resource": {"contains": ["tst-arch-p"]}}, {"public", "account"}),
    ("resourceType-neq", {"resourceType": {"neq": ["AWS::S3::Bucket"]}}, {"org"}),
    ("principal.AWS-eq", {"principal.AWS": {"eq": [OUTSIDE]}}, {"account"}),
    ("isPublic-eq", {"isPublic": {"eq": ["true"]}}, {"public"}),
    ("condition-exists", {"condition.aws:PrincipalOrgID": {"exists": True}}, {"org"}),
    ("condition-not-exists", {"condition.aws:PrincipalOrgID": {"exists": False}}, {"public", "account"}),
    ("condition-eq", {"condition.aws:PrincipalOrgID": {"eq": [OTHER_ORG]}}, {"org"}),
    ("action-eq", {"action": {"eq": ["s3:PutObject"]}}, {"account"}),
    ("and", {"resourceType": {"eq": ["AWS::S3::Bucket"]}, "isPublic": {"eq": ["false"]}}, {"account"}),
    ("resource-exists", {"resource": {"exists": True}}, {"public", "account", "org"}),
    ("no-match", {"resourceOwnerAccount": {"eq": [B]}}, set()),
]


@pytest.mark.parametrize(("name", "filt", "archived"), ARCHIVE_CASES, ids=[c[0] for c in ARCHIVE_CASES])
def test_archive_rules_archive_exactly_the_matching_findings(name: str, filt: dict[str, Any], archived: set[str]) -> None:
    t, res = _archive_tree()
    found = run(t, archive_rules=[{"ruleName": name, "filter": filt}])
    by_resource = {f.resource: f for f in found}
    assert set(by_resource) == set(res.values())
    for label, arn in res.items():
        f = by_resource[arn]
        if label in archived:
            assert f.status == "ARCHIVED" and f.data.get("archivedBy") == name, (label, f.data)
        else:
            assert f.status == "ACTIVE", (label, f.data)
    assert len(found.active()) == 3 - len(archived)


def test_archive_rules_from_a_list_archive_rules_response_file(tmp_path: Path) -> None:
    # Access Analyzer API, ListArchiveRules: {"archiveRules": [{"ruleName", "filter", ...}]}.
    t, res = _archive_tree()
    f = tmp_path / "rules.json"
    f.write_text(json.dumps({"archiveRules": [{"ruleName": "partner", "filter": {"principal.AWS": {"eq": [OUTSIDE]}},
                                                "createdAt": "2025-01-01T00:00:00Z"}]}))
    found = run(t, archive_rules=f)
    assert {x.resource for x in found if x.status == "ARCHIVED"} == {res["account"]}


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not JSON"),
    (json.dumps([{"ruleName": "r", "filter": {"resource": {"equals": ["x"]}}}]), "eq, neq, contains or exists"),
    (json.dumps([{"ruleName": "r", "filter": "resource"}]), "filter"),
])
def test_bad_archive_rule_file_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    t, _ = _archive_tree()
    f = tmp_path / "rules.json"
    f.write_text(content)
    org = ag.load_snapshot_from_dict(t.build())
    with pytest.raises(ValueError, match=message):
        org.findings(archive_rules=f)
    with pytest.raises(ValueError, match="cannot read"):
        org.findings(archive_rules=tmp_path / "missing.json")


# ----------------------------------------------------------------------------------------------
# 10. Lifecycle (IAM UG, "IAM Access Analyzer findings": a finding is Active; when the access is
#     removed it becomes Resolved; a changed access is a new finding)


def test_lifecycle_with_previous_findings(tmp_path: Path) -> None:
    before = SnapshotTree(collected_at="2026-01-01T00:00:00Z")
    keep = before.bucket(A, "tst-keep", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-keep")))
    gone = before.bucket(A, "tst-gone", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-gone")))
    change = before.bucket(A, "tst-change", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-change")))
    old = run(before)
    old_ids = {f.resource: f.id for f in old}

    after = SnapshotTree(collected_at="2026-02-01T00:00:00Z")
    after.bucket(A, "tst-keep", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-keep")))
    after.bucket(A, "tst-gone", None)
    after.bucket(A, "tst-change", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-change",
                                                    ["s3:GetObject", "s3:PutObject"])))
    new = after.bucket(A, "tst-new", policy(bucket_get({"AWS": root_arn(OUTSIDE2)}, "tst-new")))

    prev_file = tmp_path / "previous.json"
    prev_file.write_text(old.to_json())
    for previous in (old.to_dicts(), prev_file):
        cur = run(after, previous=previous)
        by_id = {f.id: f for f in cur}
        # unchanged access: same finding, still ACTIVE, created at the first analysis
        k = by_id[old_ids[keep]]
        assert k.status == "ACTIVE" and k.data["createdAt"] == "2026-01-01T00:00:00Z"
        # removed access: RESOLVED, still listed
        g = by_id[old_ids[gone]]
        assert g.status == "RESOLVED" and g.resource == gone
        # changed access: the old finding RESOLVED, a new ACTIVE one
        assert by_id[old_ids[change]].status == "RESOLVED"
        changed_now = [f for f in cur if f.resource == change and f.status == "ACTIVE"]
        assert len(changed_now) == 1 and changed_now[0].id != old_ids[change]
        assert covers(changed_now[0].actions, "s3:PutObject")
        # new access
        n = [f for f in cur if f.resource == new]
        assert len(n) == 1 and n[0].status == "ACTIVE" and n[0].data["createdAt"] == "2026-02-01T00:00:00Z"
        assert {f.resource for f in cur.active()} == {keep, change, new}
        # the diff report
        d = cur.diff
        assert d is not None
        assert d.new == [n[0].id]
        assert d.resolved == [old_ids[gone]]
        assert d.unchanged == 1
        assert len(d.changed) == 1
        c = d.changed[0]
        assert c["old_id"] == old_ids[change] and c["new_id"] == changed_now[0].id
        assert c["added_actions"] == ["s3:PutObject"] and c["removed_actions"] == []
        assert set(d.to_dict()) == {"new", "resolved", "changed", "unchanged"}


def test_resolved_findings_of_the_previous_run_are_not_resolved_again() -> None:
    before = SnapshotTree()
    before.bucket(A, "tst-gone", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-gone")))
    after = SnapshotTree()
    after.bucket(A, "tst-gone", None)
    second = run(after, previous=run(before).to_dicts())
    assert [f.status for f in second] == ["RESOLVED"]
    third = run(after, previous=second.to_dicts())
    assert len(third) == 0 and third.diff is not None and third.diff.resolved == []


def test_without_previous_there_is_no_diff() -> None:
    t, _ = _archive_tree()
    assert run(t).diff is None


# ----------------------------------------------------------------------------------------------
# 11. Reports: groups, severities, SARIF, HTML, DataFrame


def test_groups_fold_an_account_finding_under_a_public_one_on_the_same_resource() -> None:
    # A public grant implies what an outside account can do with the same actions on that resource.
    t = SnapshotTree()
    arn = t.bucket(A, "tst-grp", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-grp/*"),
                                        bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-grp")))
    other = t.bucket(A, "tst-grp-other", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-grp-other")))
    found = run(t)
    by_key = keyed(found, arn)
    groups = found.groups()
    mine = [g for g in groups if g["resource"] == arn]
    assert len(mine) == 1
    assert mine[0]["id"] == by_key["public"].id
    assert mine[0]["covers"] == [by_key[OUTSIDE].id] and mine[0]["count"] == 2
    assert [g["count"] for g in groups if g["resource"] == other] == [1]


def test_severity_public_write_above_public_read_above_outside_account_read() -> None:
    t = SnapshotTree()
    pw = t.bucket(A, "tst-sev-pw", policy(allow("*", "s3:PutObject", "arn:aws:s3:::tst-sev-pw/*")))
    pr = t.bucket(A, "tst-sev-pr", policy(allow("*", "s3:GetObject", "arn:aws:s3:::tst-sev-pr/*")))
    ar = t.bucket(A, "tst-sev-ar", policy(bucket_get({"AWS": root_arn(OUTSIDE)}, "tst-sev-ar")))
    found = run(t)
    sev = {r: SEVERITY_ORDER[on(found, r)[0].severity] for r in (pw, pr, ar)}
    assert sev[pw] < sev[pr] < sev[ar], {r: on(found, r)[0].severity for r in (pw, pr, ar)}
    assert [f.resource for f in found.ranked()] == [pw, pr, ar]


def test_sarif_is_version_2_1_0_with_one_result_per_active_finding() -> None:
    t, res = _archive_tree()
    found = run(t, archive_rules=[{"ruleName": "q", "filter": {"resourceType": {"eq": ["AWS::SQS::Queue"]}}}])
    sarif = json.loads(json.dumps(found.to_sarif()))
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    assert len(sarif["runs"]) == 1
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "accessgraph"
    rule_ids = {r["id"] for r in driver["rules"]}
    results = sarif["runs"][0]["results"]
    assert len(results) == len(found.active()) == 2  # the archived queue finding is not a result
    for r in results:
        assert r["ruleId"] in rule_ids
        assert r["level"] in {"error", "warning", "note"}
        assert r["message"]["text"]
        loc = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        assert loc in (res["public"], res["account"])
        assert r["partialFingerprints"]["accessgraphFindingId"] in {f.id for f in found.active()}


def test_html_report_lists_every_finding() -> None:
    t, res = _archive_tree()
    page = run(t).to_html()
    assert page.lstrip().lower().startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    for arn in res.values():
        assert arn in page
    assert "organization" in page
    assert page.count("<tr>") == 1 + len(res)


def test_dataframe_has_one_row_per_finding_with_the_documented_columns() -> None:
    pytest.importorskip("pandas")
    t, res = _archive_tree()
    found = run(t)
    df = found.to_dataframe()
    assert {"severity", "status", "resource", "type", "owner", "principal", "public", "actions", "condition",
            "rcp_restricted", "id"} <= set(df.columns)
    assert len(df) == len(found) == 3
    assert set(df["resource"]) == set(res.values())
    assert set(df["owner"]) == {A}


# IAM UG, Principal element: {"Federated": "*"} / {"CanonicalUser": "*"} name every principal of that
# type (not every principal, unlike "*"): the grant still reaches outside the zone, so it is a finding
# whose principal says so. (It was lost when "*" of these types stopped meaning the anonymous caller.)
@pytest.mark.parametrize("ptype", ["Federated", "CanonicalUser"])
def test_a_star_of_another_principal_type_is_still_a_finding(ptype: str) -> None:
    t = SnapshotTree()
    arn = t.bucket(A, "tst-typed-star", policy(bucket_get({ptype: "*"}, "tst-typed-star")))
    found = on(run(t), arn)
    assert [f.principal for f in found] == [{ptype: "*"}], found
