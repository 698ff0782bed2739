"""The account hygiene audit (accessgraph.audit): every check both passing and failing on small
snapshots built as dicts, unknown when its data is missing, bad credential reports, renderings,
thresholds, the pytest helper, the CLI, and the bundled example organization."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import accessgraph as ag
from accessgraph.audit import CHECKS, AuditProblem, AuditResult, AuditResults, Thresholds, parse_time, select_checks
from accessgraph.cli import app
from accessgraph.examples import example_readme_path, example_snapshot_path
from accessgraph.testing import assert_audit_passes

A = "111122223333"
B = "444455556666"
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
REPORT = f"accounts/{A}/global/iam/credential-report.csv"
ALL_CHECKS = [c.id for c in CHECKS]

HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
          "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
          "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
          "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def key(rotated: float | None = None, used: float | None = None, active: bool = True) -> list[str]:
    """The five credential-report fields of one access key slot."""
    if rotated is None:
        return ["false", "N/A", "N/A", "N/A", "N/A"]
    return [str(active).lower(), ago(rotated), ago(used) if used is not None else "N/A",
            "us-east-1" if used is not None else "N/A", "s3" if used is not None else "N/A"]


def cred_row(user: str, *, account: str = A, created: float = 400, password: bool | None = True,
             pw_used: float | str | None = 1, pw_changed: float = 30, mfa: bool = True,
             key1: list[str] | None = None, key2: list[str] | None = None) -> list[str]:
    arn = f"arn:aws:iam::{account}:root" if user == "<root_account>" else f"arn:aws:iam::{account}:user/{user}"
    if password is None:  # the root line
        pw = ["not_supported", pw_used if isinstance(pw_used, str) else ago(pw_used) if pw_used is not None else "no_information",
              "not_supported", "not_supported"]
    elif password:
        pw = ["true", pw_used if isinstance(pw_used, str) else ago(pw_used) if pw_used is not None else "no_information",
              ago(pw_changed), "N/A"]
    else:
        pw = ["false", "N/A", "N/A", "N/A"]
    return [user, arn, ago(created), *pw, str(mfa).lower(), *(key1 or key()), *(key2 or key()),
            "false", "N/A", "false", "N/A"]


def csv_text(rows: list[list[str]], header: str = HEADER) -> str:
    return "\n".join([header] + [",".join(r) for r in rows]) + "\n"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def trust(principal: Any, condition: dict[str, Any] | None = None, action: str = "sts:AssumeRole") -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        st["Condition"] = condition
    return doc(st)


def aws_policy(name: str) -> dict[str, str]:
    return {"PolicyName": name, "PolicyArn": f"arn:aws:iam::aws:policy/{name}"}


def user_detail(name: str, groups: tuple[str, ...] = ("devs",), attached: tuple[dict[str, str], ...] = (),
                inline: tuple[str, ...] = (), account: str = A) -> dict[str, Any]:
    return {"Path": "/", "UserName": name, "UserId": "AIDA" + name.upper().replace("-", "")[:12].ljust(12, "X"),
            "Arn": f"arn:aws:iam::{account}:user/{name}", "CreateDate": ago(400), "GroupList": list(groups),
            "AttachedManagedPolicies": list(attached),
            "UserPolicyList": [{"PolicyName": p, "PolicyDocument": doc({"Effect": "Allow", "Action": "s3:GetObject",
                                                                        "Resource": "*"})} for p in inline]}


def role_detail(name: str, trust_doc: dict[str, Any], attached: tuple[dict[str, str], ...] = (),
                last_used: float | None | str = 5, created: float = 500, path: str = "/",
                account: str = A) -> dict[str, Any]:
    r: dict[str, Any] = {"Path": path, "RoleName": name, "RoleId": "AROA" + name.upper().replace("-", "")[:12].ljust(12, "X"),
                         "Arn": f"arn:aws:iam::{account}:role{path}{name}", "CreateDate": ago(created),
                         "AssumeRolePolicyDocument": trust_doc, "RolePolicyList": [],
                         "AttachedManagedPolicies": list(attached), "InstanceProfileList": []}
    if last_used == "missing":
        pass
    elif last_used is None:
        r["RoleLastUsed"] = {}
    else:
        assert not isinstance(last_used, str)
        r["RoleLastUsed"] = {"LastUsedDate": ago(last_used), "Region": "us-east-1"}
    return r


def customer_policy(name: str, document: dict[str, Any], count: int = 1, account: str = A) -> dict[str, Any]:
    return {"PolicyName": name, "PolicyId": "ANPA" + name.upper()[:12].ljust(12, "X"), "Arn": f"arn:aws:iam::{account}:policy/{name}",
            "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": count, "IsAttachable": True,
            "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": True}]}


def clean_account(account: str = A) -> dict[str, Any]:
    """An account that passes every check."""
    github = f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
    auth = {
        "UserDetailList": [user_detail("alice", account=account), user_detail("ci-bot", account=account)],
        "GroupDetailList": [{"Path": "/", "GroupName": "devs", "GroupId": "AGPADEVSXXXXXXXX",
                             "Arn": f"arn:aws:iam::{account}:group/devs", "GroupPolicyList": [],
                             "AttachedManagedPolicies": [aws_policy("ReadOnlyAccess")]}],
        "RoleDetailList": [
            role_detail("support", trust({"AWS": f"arn:aws:iam::{account}:root"}), (aws_policy("AWSSupportAccess"),),
                        account=account),
            role_detail("ci-deploy", trust({"Federated": github},
                                           {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                                            "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}},
                                           "sts:AssumeRoleWithWebIdentity"),
                        ({"PolicyName": "deploy", "PolicyArn": f"arn:aws:iam::{account}:policy/deploy"},), account=account),
            role_detail("AWSServiceRoleForSupport", trust({"Service": "support.amazonaws.com"}),
                        last_used=None, created=2000, path="/aws-service-role/support.amazonaws.com/", account=account),
        ],
        "Policies": [customer_policy("deploy", doc({"Effect": "Allow", "Action": ["s3:PutObject", "lambda:UpdateFunctionCode"],
                                                    "Resource": "*"}), account=account)],
    }
    report = csv_text([
        cred_row("<root_account>", account=account, created=3000, password=None, pw_used=200),
        cred_row("alice", account=account, pw_used=1, mfa=True),
        cred_row("ci-bot", account=account, password=False, mfa=False, key1=key(rotated=10, used=1)),
    ])
    return {"global": {"iam": {
        "get-account-authorization-details.json": auth,
        "get-account-summary.json": {"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "Users": 2}},
        "get-account-password-policy.json": {"PasswordPolicy": {"MinimumPasswordLength": 16, "PasswordReusePrevention": 24,
                                                                "RequireSymbols": True, "ExpirePasswords": False}},
        "credential-report.csv": report,
        "list-virtual-mfa-devices.json": {"VirtualMFADevices": [
            {"SerialNumber": f"arn:aws:iam::{account}:mfa/alice",
             "User": {"Arn": f"arn:aws:iam::{account}:user/alice", "UserName": "alice"}, "EnableDate": ago(300)}]},
        "list-server-certificates.json": {"ServerCertificateMetadataList": [
            {"Path": "/", "ServerCertificateName": "web", "ServerCertificateId": "ASCAWEBXXXXXXXXX",
             "Arn": f"arn:aws:iam::{account}:server-certificate/web", "UploadDate": ago(100), "Expiration": ago(-200)}]},
    }, "s3api": {"list-buckets.json": {"Buckets": []}}},
        "regions": {"us-east-1": {"accessanalyzer": {"list-analyzers.json": {"analyzers": [
            {"arn": f"arn:aws:access-analyzer:us-east-1:{account}:analyzer/default", "name": "default", "type": "ACCOUNT",
             "createdAt": ago(300), "status": "ACTIVE"}]}}}}}


def snapshot(*accounts: tuple[str, dict[str, Any]], regions: tuple[str, ...] = ("us-east-1",)) -> dict[str, Any]:
    return {"manifest.json": {"format_version": 1, "collected_at": "2026-11-20T09:30:00Z", "partition": "aws",
                              "collector_account_id": accounts[0][0], "regions": list(regions)},
            "accounts": dict(accounts)}


def iam(tree: dict[str, Any], account: str = A) -> dict[str, Any]:
    return tree["accounts"][account]["global"]["iam"]  # type: ignore[no-any-return]


def auth(tree: dict[str, Any], account: str = A) -> dict[str, Any]:
    return iam(tree, account)["get-account-authorization-details.json"]  # type: ignore[no-any-return]


def clean_tree() -> dict[str, Any]:
    return snapshot((A, clean_account()))


def audit(tree: dict[str, Any], checks: list[str] | None = None, **thresholds: int) -> AuditResults:
    return ag.load_snapshot_from_dict(tree).audit(checks=checks, thresholds=thresholds or None)


def only(results: AuditResults, check: str, resource: str | None = None) -> AuditResult:
    hits = [r for r in results if r.check == check and (resource is None or r.resource == resource)]
    assert len(hits) == 1, f"{check} {resource}: {[str(h) for h in hits]}"
    return hits[0]


def set_report(tree: dict[str, Any], rows: list[list[str]], header: str = HEADER) -> None:
    iam(tree)["credential-report.csv"] = csv_text(rows, header)


def default_rows() -> list[list[str]]:
    return [cred_row("<root_account>", created=3000, password=None, pw_used=200), cred_row("alice"),
            cred_row("ci-bot", password=False, mfa=False, key1=key(rotated=10, used=1))]


def replace_row(tree: dict[str, Any], name: str, row: list[str]) -> None:
    rows = [row if r[0] == name else r for r in default_rows()]
    set_report(tree, rows)


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{A}:user/{name}"


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{A}:role/{name}"


ROOT = f"arn:aws:iam::{A}:root"
ACCOUNT = f"AWS::::Account:{A}"


# --------------------------------------------------------------------------------------------------
# The clean account passes every check
# --------------------------------------------------------------------------------------------------


def test_clean_account_passes_every_check() -> None:
    results = audit(clean_tree())
    verdicts = results.verdicts()
    assert {c: verdicts[(A, c)] for c in ALL_CHECKS} == {c: "pass" for c in ALL_CHECKS}
    assert results.passed and not results.problems
    assert all(r.status == "pass" for r in results)


@pytest.mark.parametrize("check", ALL_CHECKS)
def test_each_check_passes_on_the_clean_account(check: str) -> None:
    results = audit(clean_tree(), [check])
    assert results and {r.check for r in results} == {check}
    assert {r.status for r in results} == {"pass"}
    for r in results:
        assert r.account == A and r.evidence and r.remediation
        assert r.cis == next(c.cis for c in CHECKS if c.id == check)


# --------------------------------------------------------------------------------------------------
# Every check fails on a small change
# --------------------------------------------------------------------------------------------------


def _root_key(t: dict[str, Any]) -> None:
    iam(t)["get-account-summary.json"]["SummaryMap"]["AccountAccessKeysPresent"] = 1


def _root_no_mfa(t: dict[str, Any]) -> None:
    iam(t)["get-account-summary.json"]["SummaryMap"]["AccountMFAEnabled"] = 0


def _root_virtual_mfa(t: dict[str, Any]) -> None:
    iam(t)["list-virtual-mfa-devices.json"]["VirtualMFADevices"].append(
        {"SerialNumber": f"arn:aws:iam::{A}:mfa/root-account-mfa-device", "User": {"Arn": ROOT}, "EnableDate": ago(900)})


def _root_used(t: dict[str, Any]) -> None:
    replace_row(t, "<root_account>", cred_row("<root_account>", created=3000, password=None, pw_used=3))


def _short_password(t: dict[str, Any]) -> None:
    iam(t)["get-account-password-policy.json"]["PasswordPolicy"]["MinimumPasswordLength"] = 8


def _reuse_5(t: dict[str, Any]) -> None:
    iam(t)["get-account-password-policy.json"]["PasswordPolicy"]["PasswordReusePrevention"] = 5


def _alice_no_mfa(t: dict[str, Any]) -> None:
    replace_row(t, "alice", cred_row("alice", mfa=False))


def _alice_initial_key(t: dict[str, Any]) -> None:
    replace_row(t, "alice", cred_row("alice", created=20, pw_changed=20, key1=key(rotated=20, used=None)))


def _alice_stale_password(t: dict[str, Any]) -> None:
    replace_row(t, "alice", cred_row("alice", pw_used=45))


def _bot_two_keys(t: dict[str, Any]) -> None:
    replace_row(t, "ci-bot", cred_row("ci-bot", password=False, mfa=False, key1=key(10, 1), key2=key(5, 2)))


def _bot_old_key(t: dict[str, Any]) -> None:
    replace_row(t, "ci-bot", cred_row("ci-bot", password=False, mfa=False, key1=key(rotated=91, used=1)))


def _alice_inline(t: dict[str, Any]) -> None:
    auth(t)["UserDetailList"][0] = user_detail("alice", inline=("extra-s3",))


def _admin_on_group(t: dict[str, Any]) -> None:
    auth(t)["GroupDetailList"][0]["AttachedManagedPolicies"].append(aws_policy("AdministratorAccess"))


def _no_support_role(t: dict[str, Any]) -> None:
    auth(t)["RoleDetailList"][0]["AttachedManagedPolicies"] = []


def _expired_cert(t: dict[str, Any]) -> None:
    iam(t)["list-server-certificates.json"]["ServerCertificateMetadataList"][0]["Expiration"] = ago(10)


def _no_analyzer(t: dict[str, Any]) -> None:
    t["accounts"][A]["regions"]["us-east-1"]["accessanalyzer"]["list-analyzers.json"] = {"analyzers": []}


def _cloudshell(t: dict[str, Any]) -> None:
    auth(t)["GroupDetailList"][0]["AttachedManagedPolicies"].append(aws_policy("AWSCloudShellFullAccess"))


def _public_trust(t: dict[str, Any]) -> None:
    auth(t)["RoleDetailList"][0]["AssumeRolePolicyDocument"] = trust({"AWS": "*"})


def _unused_role(t: dict[str, Any]) -> None:
    auth(t)["RoleDetailList"][0]["RoleLastUsed"] = {"LastUsedDate": ago(120), "Region": "us-east-1"}


def _alice_admin(t: dict[str, Any]) -> None:
    auth(t)["UserDetailList"][0]["AttachedManagedPolicies"] = [aws_policy("AdministratorAccess")]


FAILURES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("root-access-keys", _root_key, ROOT, "AccountAccessKeysPresent = 1"),
    ("root-mfa", _root_no_mfa, ROOT, "AccountMFAEnabled = 0"),
    ("root-hardware-mfa", _root_virtual_mfa, ROOT, "virtual device"),
    ("root-recent-use", _root_used, ROOT, "password last used"),
    ("password-min-length", _short_password, ACCOUNT, "MinimumPasswordLength 8"),
    ("password-reuse-prevention", _reuse_5, ACCOUNT, "PasswordReusePrevention 5"),
    ("console-user-mfa", _alice_no_mfa, user_arn("alice"), "no MFA"),
    ("initial-access-keys", _alice_initial_key, user_arn("alice"), "together with the user"),
    ("unused-credentials", _alice_stale_password, user_arn("alice"), "password last used"),
    ("single-active-key", _bot_two_keys, user_arn("ci-bot"), "two active access keys"),
    ("access-key-rotation", _bot_old_key, user_arn("ci-bot"), "91 day(s)"),
    ("user-policies-via-groups", _alice_inline, user_arn("alice"), "inline extra-s3"),
    ("full-admin-policy", _admin_on_group, "arn:aws:iam::aws:policy/AdministratorAccess", "group devs"),
    ("support-role", _no_support_role, ACCOUNT, "no role"),
    ("expired-server-certificates", _expired_cert, f"arn:aws:iam::{A}:server-certificate/web", "expired"),
    ("access-analyzer-enabled", _no_analyzer, f"arn:aws:access-analyzer:us-east-1:{A}:analyzer/*", "no analyzer"),
    ("cloudshell-full-access", _cloudshell, "arn:aws:iam::aws:policy/AWSCloudShellFullAccess", "group devs"),
    ("role-trust-public", _public_trust, role_arn("support"), 'Principal AWS "*"'),
    ("role-unused", _unused_role, role_arn("support"), "120 day(s)"),
    ("user-admin-access", _alice_admin, user_arn("alice"), "every probe"),
]


ALSO_FAILING = {
    "root-mfa": {"root-hardware-mfa"},                                        # no MFA is no hardware MFA either
    "full-admin-policy": {"user-admin-access"},                               # the group's members become admins
    "user-admin-access": {"user-policies-via-groups", "full-admin-policy"},   # attached directly to the user
}


def test_the_failure_table_covers_every_check() -> None:
    assert sorted(f[0] for f in FAILURES) == sorted(ALL_CHECKS)


@pytest.mark.parametrize("check,mutate,resource,evidence", FAILURES, ids=[f[0] for f in FAILURES])
def test_each_check_fails(check: str, mutate: Callable[[dict[str, Any]], None], resource: str, evidence: str) -> None:
    tree = clean_tree()
    mutate(tree)
    results = audit(tree)
    r = only(results, check, resource)
    assert r.status == "fail", str(r)
    assert evidence in r.evidence
    assert not results.passed
    # the change fails this check, and only the checks that necessarily go with it
    failing = {x.check for x in results if x.status == "fail"}
    assert failing <= {check} | ALSO_FAILING.get(check, set()), failing
    assert not results.problems


# --------------------------------------------------------------------------------------------------
# Finer points of single checks
# --------------------------------------------------------------------------------------------------


def test_root_key_inactive_still_fails_and_report_is_used_without_the_summary() -> None:
    tree = clean_tree()
    del iam(tree)["get-account-summary.json"]
    replace_row(tree, "<root_account>", cred_row("<root_account>", created=3000, password=None, pw_used=200,
                                                  key1=key(rotated=700, used=600, active=False)))
    results = audit(tree, ["root-access-keys", "root-mfa"])
    r = only(results, "root-access-keys")
    assert r.status == "fail" and "key 1 inactive" in r.evidence
    assert only(results, "root-mfa").status == "pass"  # from the report's mfa_active


def test_root_hardware_mfa_fails_without_any_mfa_and_is_unknown_without_the_device_list() -> None:
    tree = clean_tree()
    _root_no_mfa(tree)
    assert only(audit(tree, ["1.6"]), "root-hardware-mfa").status == "fail"
    tree = clean_tree()
    del iam(tree)["list-virtual-mfa-devices.json"]
    r = only(audit(tree, ["1.6"]), "root-hardware-mfa")
    assert r.status == "unknown" and "list-virtual-mfa-devices" in r.evidence


def test_root_recent_use_by_key_and_threshold() -> None:
    tree = clean_tree()
    replace_row(tree, "<root_account>", cred_row("<root_account>", created=3000, password=None, pw_used="no_information",
                                                  key1=key(rotated=20, used=20)))
    assert only(audit(tree, ["1.7"]), "root-recent-use").status == "fail"
    assert only(audit(tree, ["1.7"], root_use_days=10), "root-recent-use").status == "pass"


def test_no_password_policy_fails_both_password_checks() -> None:
    tree = clean_tree()
    del iam(tree)["get-account-password-policy.json"]
    iam(tree)["get-account-password-policy.error.txt"] = (
        "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy "
        "with domain name 111122223333 cannot be found.")
    results = audit(tree, ["1.8", "1.9"])
    assert {r.status for r in results} == {"fail"}
    assert all("NoSuchEntity" in r.evidence for r in results)


def test_password_thresholds_are_inclusive_and_configurable() -> None:
    tree = clean_tree()
    iam(tree)["get-account-password-policy.json"]["PasswordPolicy"]["MinimumPasswordLength"] = 14
    assert only(audit(tree, ["1.8"]), "password-min-length").status == "pass"
    assert only(audit(tree, ["1.8"], password_min_length=15), "password-min-length").status == "fail"
    assert only(audit(tree, ["1.9"], password_reuse_prevention=25), "password-reuse-prevention").status == "fail"


def test_unused_credentials_boundaries_and_never_used_credentials() -> None:
    tree = clean_tree()
    replace_row(tree, "alice", cred_row("alice", pw_used=44))
    assert only(audit(tree, ["1.12"]), "unused-credentials", user_arn("alice")).status == "pass"
    # never used: counted from when the password was set
    replace_row(tree, "alice", cred_row("alice", pw_used=None, pw_changed=50))
    r = only(audit(tree, ["1.12"]), "unused-credentials", user_arn("alice"))
    assert r.status == "fail" and "never used" in r.evidence
    # a key never used since its creation 60 days ago
    replace_row(tree, "ci-bot", cred_row("ci-bot", password=False, key1=key(rotated=60, used=None)))
    assert only(audit(tree, ["1.12"]), "unused-credentials", user_arn("ci-bot")).status == "fail"
    assert only(audit(tree, ["1.12"], unused_credential_days=90), "unused-credentials", user_arn("ci-bot")).status == "pass"
    # an inactive key is not a credential in use
    replace_row(tree, "ci-bot", cred_row("ci-bot", password=False, key1=key(rotated=300, used=200, active=False)))
    assert not [r for r in audit(tree, ["1.12"]) if r.resource == user_arn("ci-bot")]


def test_initial_access_key_used_once_passes() -> None:
    tree = clean_tree()
    replace_row(tree, "alice", cred_row("alice", created=20, key1=key(rotated=20, used=2)))
    assert only(audit(tree, ["1.11"]), "initial-access-keys", user_arn("alice")).status == "pass"


def test_key_rotation_threshold_is_configurable() -> None:
    tree = clean_tree()
    _bot_old_key(tree)
    assert only(audit(tree, ["1.14"], access_key_max_age_days=100), "access-key-rotation").status == "pass"


def test_user_checks_not_applicable_without_users_or_keys() -> None:
    tree = clean_tree()
    auth(tree)["UserDetailList"] = []
    set_report(tree, default_rows()[:1])
    results = audit(tree, ["1.10", "1.11", "1.12", "1.13", "1.14", "1.15", "user-admin-access"])
    assert {r.status for r in results} == {"not-applicable"}
    assert {r.resource for r in results} == {ACCOUNT}
    assert results.passed


def test_key_checks_not_applicable_when_nobody_has_an_active_key() -> None:
    tree = clean_tree()
    replace_row(tree, "ci-bot", cred_row("ci-bot", password=False, key1=key(rotated=300, used=200, active=False)))
    results = audit(tree, ["1.13", "1.14"])
    assert {r.status for r in results} == {"not-applicable"}


def test_full_admin_policy_reported_per_attached_policy() -> None:
    tree = clean_tree()
    auth(tree)["Policies"].append(customer_policy("everything", doc({"Effect": "Allow", "Action": "*", "Resource": "*"})))
    auth(tree)["RoleDetailList"][1]["AttachedManagedPolicies"].append(
        {"PolicyName": "everything", "PolicyArn": f"arn:aws:iam::{A}:policy/everything"})
    auth(tree)["Policies"].append(customer_policy("unattached", doc({"Effect": "Allow", "Action": "*:*", "Resource": "*"}), 0))
    results = audit(tree, ["1.16"])
    by = {r.resource: r for r in results}
    assert by[f"arn:aws:iam::{A}:policy/everything"].status == "fail"
    assert "customer managed" in by[f"arn:aws:iam::{A}:policy/everything"].evidence
    assert by["arn:aws:iam::aws:policy/ReadOnlyAccess"].status == "pass"  # AWS managed, from the bundled data
    assert by["arn:aws:iam::aws:policy/AWSSupportAccess"].status == "pass"
    assert by[f"arn:aws:iam::{A}:policy/deploy"].status == "pass"
    assert f"arn:aws:iam::{A}:policy/unattached" not in by  # not attached: not reported


def test_full_admin_policy_with_conditions_still_fails_and_not_action_does_not() -> None:
    tree = clean_tree()
    auth(tree)["Policies"][0]["PolicyVersionList"][0]["Document"] = doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
    r = only(audit(tree, ["1.16"]), "full-admin-policy", f"arn:aws:iam::{A}:policy/deploy")
    assert r.status == "fail" and "aws:MultiFactorAuthPresent" in r.evidence
    auth(tree)["Policies"][0]["PolicyVersionList"][0]["Document"] = doc(
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert only(audit(tree, ["1.16"]), "full-admin-policy", f"arn:aws:iam::{A}:policy/deploy").status == "pass"


def test_support_policy_on_a_group_only_is_not_a_support_role() -> None:
    tree = clean_tree()
    _no_support_role(tree)
    auth(tree)["GroupDetailList"][0]["AttachedManagedPolicies"].append(aws_policy("AWSSupportAccess"))
    r = only(audit(tree, ["1.17"]), "support-role")
    assert r.status == "fail" and "group devs" in r.evidence


def test_no_server_certificate_is_not_applicable() -> None:
    tree = clean_tree()
    iam(tree)["list-server-certificates.json"] = {"ServerCertificateMetadataList": []}
    r = only(audit(tree, ["1.19"]), "expired-server-certificates")
    assert r.status == "not-applicable" and r.resource == ACCOUNT


def test_access_analyzer_per_region_and_inactive_or_unused_access_analyzers() -> None:
    tree = snapshot((A, clean_account()), regions=("us-east-1", "eu-west-1"))
    tree["accounts"][A]["regions"]["eu-west-1"] = {"accessanalyzer": {"list-analyzers.json": {"analyzers": [
        {"arn": "x", "name": "unused", "type": "ACCOUNT_UNUSED_ACCESS", "createdAt": ago(3), "status": "ACTIVE"},
        {"arn": "y", "name": "broken", "type": "ACCOUNT", "createdAt": ago(3), "status": "FAILED"}]}}}
    results = audit(tree, ["1.20"])
    assert only(results, "access-analyzer-enabled", f"arn:aws:access-analyzer:us-east-1:{A}:analyzer/*").status == "pass"
    eu = only(results, "access-analyzer-enabled", f"arn:aws:access-analyzer:eu-west-1:{A}:analyzer/*")
    assert eu.status == "fail" and "unused" in eu.evidence and "broken" in eu.evidence
    assert results.verdicts()[(A, "access-analyzer-enabled")] == "fail"


@pytest.mark.parametrize("principal,condition,expected", [
    ({"AWS": "*"}, None, "fail"),
    ("*", None, "fail"),
    ({"AWS": "*"}, {"StringEquals": {"aws:PrincipalTag/team": "qa"}}, "fail"),
    ({"AWS": "*"}, {"StringEquals": {"sts:ExternalId": "s3cr3t"}}, "fail"),
    ({"AWS": "*"}, {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}, "fail"),
    ({"AWS": "*"}, {"StringLike": {"aws:PrincipalOrgID": "*"}}, "fail"),
    ({"AWS": "*"}, {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deployer"}}, "fail"),
    ({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, "pass"),
    ({"AWS": "*"}, {"StringEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}, "pass"),
    ({"AWS": "*"}, {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/*"}}, "pass"),
    ({"AWS": "arn:aws:iam::999988887777:root"}, None, "pass"),
    ({"Service": "lambda.amazonaws.com"}, None, "pass"),
])
def test_role_trust_public_conditions(principal: Any, condition: Any, expected: str) -> None:
    tree = clean_tree()
    auth(tree)["RoleDetailList"][0]["AssumeRolePolicyDocument"] = trust(principal, condition)
    assert only(audit(tree, ["role-trust-public"]), "role-trust-public", role_arn("support")).status == expected


@pytest.mark.parametrize("condition,expected", [
    (None, "fail"),
    ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}, "fail"),
    ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}, "fail"),
    ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}, "pass"),
])
def test_role_trust_public_github_oidc(condition: Any, expected: str) -> None:
    tree = clean_tree()
    github = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
    auth(tree)["RoleDetailList"][1]["AssumeRolePolicyDocument"] = trust(
        {"Federated": github}, condition, "sts:AssumeRoleWithWebIdentity")
    assert only(audit(tree, ["role-trust-public"]), "role-trust-public", role_arn("ci-deploy")).status == expected


def test_role_trust_not_principal_fails() -> None:
    tree = clean_tree()
    auth(tree)["RoleDetailList"][0]["AssumeRolePolicyDocument"] = doc(
        {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{B}:root"}, "Action": "sts:AssumeRole"})
    r = only(audit(tree, ["role-trust-public"]), "role-trust-public", role_arn("support"))
    assert r.status == "fail" and "NotPrincipal" in r.evidence


def test_role_unused_never_used_old_and_young_roles_and_service_linked_roles_skipped() -> None:
    tree = clean_tree()
    auth(tree)["RoleDetailList"][0] = role_detail("support", trust({"AWS": ROOT}), (aws_policy("AWSSupportAccess"),),
                                                  last_used=None, created=200)
    auth(tree)["RoleDetailList"][1]["RoleLastUsed"] = {}
    auth(tree)["RoleDetailList"][1]["CreateDate"] = ago(10)
    results = audit(tree, ["role-unused"])
    old = only(results, "role-unused", role_arn("support"))
    assert old.status == "fail" and "never used" in old.evidence
    young = only(results, "role-unused", role_arn("ci-deploy"))
    assert young.status == "pass" and "never used yet" in young.evidence
    assert not [r for r in results if "aws-service-role" in r.resource]
    assert only(audit(tree, ["role-unused"], unused_role_days=365), "role-unused", role_arn("support")).status == "pass"


def test_odd_dates_outside_the_credential_report() -> None:
    tree = clean_tree()
    auth(tree)["RoleDetailList"][0]["RoleLastUsed"] = {"LastUsedDate": "last Tuesday"}
    iam(tree)["list-server-certificates.json"]["ServerCertificateMetadataList"][0]["Expiration"] = "31/12/2027"
    results = audit(tree, ["role-unused", "1.19"])
    assert only(results, "role-unused", role_arn("support")).status == "unknown"
    assert only(results, "expired-server-certificates").status == "unknown"
    files = {p.file for p in results.problems if p.code == "invalid-date"}
    assert files == {f"accounts/{A}/global/iam/get-account-authorization-details.json",
                     f"accounts/{A}/global/iam/list-server-certificates.json"}


def test_user_admin_access_through_a_group_and_limited_by_a_boundary() -> None:
    tree = clean_tree()
    _admin_on_group(tree)
    results = audit(tree, ["user-admin-access"])
    assert {r.status for r in results} == {"fail"}  # alice and ci-bot are both in devs
    auth(tree)["Policies"].append(customer_policy("no-iam", doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})))
    auth(tree)["UserDetailList"][0]["PermissionsBoundary"] = {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": f"arn:aws:iam::{A}:policy/no-iam"}
    r = only(audit(tree, ["user-admin-access"]), "user-admin-access", user_arn("alice"))
    assert r.status == "pass" and "iam:AttachUserPolicy" in r.evidence


# --------------------------------------------------------------------------------------------------
# Missing data: unknown, never pass
# --------------------------------------------------------------------------------------------------


def _drop(*path: str) -> Callable[[dict[str, Any]], None]:
    def go(t: dict[str, Any]) -> None:
        node = t["accounts"][A]
        for p in path[:-1]:
            node = node[p]
        del node[path[-1]]
    return go


def _no_summary_no_report(t: dict[str, Any]) -> None:
    _drop("global", "iam", "get-account-summary.json")(t)
    _drop("global", "iam", "credential-report.csv")(t)


def _password_policy_denied(t: dict[str, Any]) -> None:
    _drop("global", "iam", "get-account-password-policy.json")(t)
    iam(t)["get-account-password-policy.error.txt"] = (
        "An error occurred (AccessDenied) when calling the GetAccountPasswordPolicy operation: not authorized")


def _no_last_used(t: dict[str, Any]) -> None:
    for r in auth(t)["RoleDetailList"]:
        r.pop("RoleLastUsed", None)


UNKNOWNS: list[tuple[str, Callable[[dict[str, Any]], None], list[str]]] = [
    ("no summary and no credential report", _no_summary_no_report,
     ["root-access-keys", "root-mfa", "root-hardware-mfa", "root-recent-use", "console-user-mfa", "initial-access-keys",
      "unused-credentials", "single-active-key", "access-key-rotation"]),
    ("no credential report", _drop("global", "iam", "credential-report.csv"),
     ["root-recent-use", "console-user-mfa", "initial-access-keys", "unused-credentials", "single-active-key",
      "access-key-rotation"]),
    ("no virtual MFA listing", _drop("global", "iam", "list-virtual-mfa-devices.json"), ["root-hardware-mfa"]),
    ("password policy denied", _password_policy_denied, ["password-min-length", "password-reuse-prevention"]),
    ("no authorization details", _drop("global", "iam", "get-account-authorization-details.json"),
     ["user-policies-via-groups", "full-admin-policy", "support-role", "cloudshell-full-access", "role-trust-public",
      "role-unused", "user-admin-access"]),
    ("no server certificate listing", _drop("global", "iam", "list-server-certificates.json"),
     ["expired-server-certificates"]),
    ("no analyzer listing", _drop("regions", "us-east-1", "accessanalyzer"), ["access-analyzer-enabled"]),
    ("no RoleLastUsed", _no_last_used, ["role-unused"]),
]


@pytest.mark.parametrize("what,mutate,checks", UNKNOWNS, ids=[u[0] for u in UNKNOWNS])
def test_missing_data_is_unknown_never_pass(what: str, mutate: Callable[[dict[str, Any]], None], checks: list[str]) -> None:
    tree = clean_tree()
    mutate(tree)
    results = audit(tree)
    verdicts = results.verdicts()
    for c in checks:
        assert verdicts[(A, c)] == "unknown", (what, c, [str(r) for r in results if r.check == c])
    # the other checks are still decided
    others = {c for c in ALL_CHECKS if c not in checks}
    assert {verdicts[(A, c)] for c in others} <= {"pass"}, {c: verdicts[(A, c)] for c in others}
    assert results.passed  # unknown is not a failure ...
    assert results.unknown()  # ... but is reported


def test_loader_problems_with_audited_files_are_kept() -> None:
    tree = clean_tree()
    _password_policy_denied(tree)
    results = audit(tree)
    assert [p.file for p in results.problems] == [f"accounts/{A}/global/iam/get-account-password-policy.error.txt"]
    assert "AccessDenied" in results.problems[0].message


def test_every_check_can_be_unknown() -> None:
    covered = {c for _, _, checks in UNKNOWNS for c in checks}
    assert covered == set(ALL_CHECKS)


def test_users_missing_from_the_report_are_unknown() -> None:
    tree = clean_tree()
    set_report(tree, default_rows()[:2])  # ci-bot's line lost
    results = audit(tree, ["1.13", "1.14", "1.12"])
    for c in ("single-active-key", "access-key-rotation", "unused-credentials"):
        r = only(results, c, user_arn("ci-bot"))
        assert r.status == "unknown" and "not in the credential report" in r.evidence


# --------------------------------------------------------------------------------------------------
# Bad credential reports: a problem naming the file and line; the affected checks unknown
# --------------------------------------------------------------------------------------------------


def problems_of(results: AuditResults, code: str) -> list[AuditProblem]:
    return [p for p in results.problems if isinstance(p, AuditProblem) and p.code == code]


def test_truncated_report_line() -> None:
    tree = clean_tree()
    text = csv_text(default_rows())
    iam(tree)["credential-report.csv"] = text[: text.rindex(",false,N/A,false")]  # cut inside ci-bot's line
    results = audit(tree)
    [p] = problems_of(results, "truncated-row")
    assert p.file == REPORT and p.line == 4 and p.severity == "error"
    assert f"{REPORT}:4" in str(p) and "ci-bot" in p.message
    for c in ("single-active-key", "access-key-rotation", "unused-credentials"):
        r = only(results, c, user_arn("ci-bot"))
        assert r.status == "unknown" and "line 4" in r.evidence
    assert only(results, "console-user-mfa", user_arn("alice")).status == "pass"  # alice's line is fine
    assert only(results, "root-recent-use").status == "pass"


def test_report_cut_at_a_line_boundary_leaves_users_unknown() -> None:
    tree = clean_tree()
    iam(tree)["credential-report.csv"] = csv_text(default_rows()[:2]).rstrip("\n")
    results = audit(tree, ["single-active-key"])
    assert only(results, "single-active-key", user_arn("ci-bot")).status == "unknown"


def test_odd_date_format() -> None:
    tree = clean_tree()
    row = cred_row("ci-bot", password=False, key1=key(rotated=10, used=1))
    row[9] = "11/10/2026"  # access_key_1_last_rotated
    replace_row(tree, "ci-bot", row)
    results = audit(tree)
    [p] = problems_of(results, "invalid-date")
    assert p.file == REPORT and p.line == 4 and "access_key_1_last_rotated" in p.message and "11/10/2026" in p.message
    rot = only(results, "access-key-rotation", user_arn("ci-bot"))
    assert rot.status == "unknown" and "11/10/2026" in rot.evidence
    # checks that do not need that column are still decided
    assert only(results, "single-active-key", user_arn("ci-bot")).status == "pass"
    assert only(results, "unused-credentials", user_arn("ci-bot")).status == "pass"  # used 1 day ago


@pytest.mark.parametrize("value", ["2026-11-19 09:30:00Z", "2026-11-19T09:30:00.123Z", "2026-11-19T10:30:00+0100",
                                   "2026-11-19T09:30:00"])
def test_other_iso_timestamps_are_accepted(value: str) -> None:
    tree = clean_tree()
    row = cred_row("alice")
    row[4] = value  # password_last_used
    replace_row(tree, "alice", row)
    results = audit(tree, ["1.12"])
    assert not results.problems
    assert only(results, "unused-credentials", user_arn("alice")).status == "pass"


def test_parse_time() -> None:
    assert parse_time("2026-11-20T09:30:00Z") == NOW
    assert parse_time("2026-11-20T10:30:00+01:00") == NOW
    assert parse_time("2026-11-20 09:30:00") == NOW
    assert parse_time("2026-11-20") == datetime(2026, 11, 20, tzinfo=timezone.utc)
    for bad in ("11/20/2026", "yesterday", "2026-13-01T00:00:00Z", "", "2026-11-20T25:00:00Z", "N/A"):
        assert parse_time(bad) is None, bad


def test_invalid_boolean() -> None:
    tree = clean_tree()
    row = cred_row("alice")
    row[7] = "yes"  # mfa_active
    replace_row(tree, "alice", row)
    results = audit(tree)
    [p] = problems_of(results, "invalid-value")
    assert p.line == 3 and "mfa_active" in p.message
    assert only(results, "console-user-mfa", user_arn("alice")).status == "unknown"
    assert only(results, "unused-credentials", user_arn("alice")).status == "pass"


def test_unknown_column_is_a_problem_but_the_report_is_used() -> None:
    tree = clean_tree()
    rows = [r + ["x"] for r in default_rows()]
    set_report(tree, rows, HEADER + ",password_strength")
    results = audit(tree)
    [p] = problems_of(results, "unknown-column")
    assert p.file == REPORT and p.line == 1 and "password_strength" in p.message and p.severity == "warning"
    assert {r.status for r in results} == {"pass"}


def test_missing_column_makes_the_checks_needing_it_unknown() -> None:
    tree = clean_tree()
    cols = HEADER.split(",")
    i = cols.index("mfa_active")
    rows = [r[:i] + r[i + 1:] for r in default_rows()]
    set_report(tree, rows, ",".join(cols[:i] + cols[i + 1:]))
    results = audit(tree)
    [p] = problems_of(results, "missing-column")
    assert p.line == 1 and "mfa_active" in p.message and p.severity == "error"
    assert only(results, "console-user-mfa", user_arn("alice")).status == "unknown"
    assert only(results, "root-mfa").status == "pass"  # from get-account-summary
    assert only(results, "access-key-rotation", user_arn("ci-bot")).status == "pass"


def test_missing_unused_column_is_a_warning_only() -> None:
    tree = clean_tree()
    cols = HEADER.split(",")
    i = cols.index("cert_2_last_rotated")
    set_report(tree, [r[:i] + r[i + 1:] for r in default_rows()], ",".join(cols[:i] + cols[i + 1:]))
    results = audit(tree)
    [p] = problems_of(results, "missing-column")
    assert p.severity == "warning" and "not used" in p.message
    assert {r.status for r in results} == {"pass"}


def test_columns_in_another_order_are_read_by_name() -> None:
    tree = clean_tree()
    cols = HEADER.split(",")
    order = list(reversed(range(len(cols))))
    set_report(tree, [[r[i] for i in order] for r in default_rows()], ",".join(cols[i] for i in order))
    results = audit(tree)
    assert {r.status for r in results} == {"pass"} and not results.problems


def test_malformed_csv_stops_with_the_line() -> None:
    tree = clean_tree()
    rows = default_rows()
    text = csv_text(rows[:2]) + 'ci-bot,"arn:aws:iam::111122223333:user/ci-bot,unterminated\n'
    iam(tree)["credential-report.csv"] = text
    results = audit(tree)
    [p] = problems_of(results, "malformed-csv")
    assert p.file == REPORT and p.line is not None and p.line >= 4
    assert only(results, "single-active-key", user_arn("ci-bot")).status == "unknown"
    assert only(results, "console-user-mfa", user_arn("alice")).status == "pass"


@pytest.mark.parametrize("text,code", [
    ("", "empty-file"),
    ("\n\n", "empty-file"),
    ("<root_account>,arn:aws:iam::111122223333:root,2018-01-01T00:00:00+00:00\n", "missing-header"),
    ("user,arn\x00\n", "malformed-csv"),
])
def test_unusable_report_makes_every_report_check_unknown(text: str, code: str) -> None:
    tree = clean_tree()
    iam(tree)["credential-report.csv"] = text
    results = audit(tree)
    [p] = problems_of(results, code)
    assert p.file == REPORT and p.line == 1 and p.severity == "error"
    for c in ("root-recent-use", "console-user-mfa", "initial-access-keys", "unused-credentials", "single-active-key",
              "access-key-rotation"):
        assert results.verdicts()[(A, c)] == "unknown", c
    assert results.verdicts()[(A, "root-mfa")] == "pass"  # get-account-summary still decides


def test_duplicate_user_lines() -> None:
    tree = clean_tree()
    rows = default_rows()
    set_report(tree, rows + [cred_row("alice", mfa=False)])
    results = audit(tree, ["1.10"])
    [p] = problems_of(results, "duplicate-row")
    assert p.line == 5 and "line 3" in p.message
    assert only(results, "console-user-mfa", user_arn("alice")).status == "unknown"


def test_byte_order_mark_and_crlf_are_accepted() -> None:
    tree = clean_tree()
    iam(tree)["credential-report.csv"] = "\ufeff" + csv_text(default_rows()).replace("\n", "\r\n")
    results = audit(tree)
    assert not results.problems and {r.status for r in results} == {"pass"}


def test_report_from_get_credential_report_json() -> None:
    tree = clean_tree()
    text = iam(tree).pop("credential-report.csv")
    iam(tree)["get-credential-report.json"] = {"Content": base64.b64encode(text.encode()).decode(),
                                               "ReportFormat": "text/csv", "GeneratedTime": ago(0.1)}
    results = audit(tree)
    assert {r.status for r in results} == {"pass"}


def test_problem_file_names_the_json_report_when_only_that_exists(tmp_path: Path) -> None:
    tree = clean_tree()
    text = csv_text(default_rows()).replace(ago(1), "tomorrow", 1)
    del iam(tree)["credential-report.csv"]
    iam(tree)["get-credential-report.json"] = {"Content": base64.b64encode(text.encode()).decode()}
    write_tree(tree, tmp_path)
    results = ag.load_snapshot(tmp_path).audit()
    [p] = problems_of(results, "invalid-date")
    assert p.file == f"accounts/{A}/global/iam/get-credential-report.json"


# --------------------------------------------------------------------------------------------------
# Several accounts, selection, thresholds, renderings
# --------------------------------------------------------------------------------------------------


def two_accounts() -> dict[str, Any]:
    tree = snapshot((A, clean_account(A)), (B, clean_account(B)))
    iam(tree, B)["get-account-summary.json"]["SummaryMap"]["AccountMFAEnabled"] = 0
    return tree


def test_results_are_per_account() -> None:
    results = audit(two_accounts(), ["1.5"])
    assert {(r.account, r.status) for r in results} == {(A, "pass"), (B, "fail")}
    assert only(results.filter(account=B), "root-mfa").resource == f"arn:aws:iam::{B}:root"


def test_check_selection_by_id_or_cis_id() -> None:
    assert [c.id for c in select_checks(["1.10", "CIS 1.4", "role-unused"])] == ["root-access-keys", "console-user-mfa",
                                                                              "role-unused"]
    assert len(select_checks(None)) == len(CHECKS)
    with pytest.raises(ValueError, match="unknown check '1.99'"):
        select_checks(["1.99"])
    org = ag.load_snapshot_from_dict(clean_tree())
    with pytest.raises(ValueError):
        org.audit(checks=["nope"])


def test_every_cis_control_of_the_issue_is_implemented() -> None:
    cis = {c.cis for c in CHECKS if c.cis}
    assert cis == {"1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "1.14", "1.15", "1.16",
                   "1.17", "1.19", "1.20", "1.22"}
    assert len({c.id for c in CHECKS}) == len(CHECKS)
    for c in CHECKS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.id)
        assert c.severity in ("critical", "high", "medium", "low")
        assert c.title and c.rationale and c.remediation


def test_thresholds() -> None:
    assert Thresholds() == Thresholds(14, 24, 45, 90, 30, 90)
    assert Thresholds.from_strings(["unused-credential-days=30", "root_use_days = 7"]) == Thresholds(
        unused_credential_days=30, root_use_days=7)
    with pytest.raises(ValueError, match="unknown threshold"):
        Thresholds.from_mapping({"bogus": 1})
    with pytest.raises(ValueError, match="whole number"):
        Thresholds.from_strings(["unused_credential_days=soon"])
    with pytest.raises(ValueError):
        Thresholds(unused_credential_days=-1)
    with pytest.raises(ValueError, match="NAME=VALUE"):
        Thresholds.from_strings(["45"])
    org = ag.load_snapshot_from_dict(clean_tree())
    assert org.audit(thresholds={"password_min_length": 20}).verdicts()[(A, "password-min-length")] == "fail"
    assert org.audit(thresholds=Thresholds(password_min_length=16)).verdicts()[(A, "password-min-length")] == "pass"


def test_age_is_measured_from_collected_at_not_the_wall_clock() -> None:
    tree = clean_tree()
    tree["manifest.json"]["collected_at"] = "2027-01-20T09:30:00+00:00"  # 2 months later: alice's password is stale
    r = only(audit(tree, ["1.12"]), "unused-credentials", user_arn("alice"))
    assert r.status == "fail" and "62 day(s) before collection" in r.evidence


def test_result_fields_and_json() -> None:
    tree = two_accounts()
    _root_virtual_mfa(tree)
    results = audit(tree)
    r = only(results, "root-mfa", f"arn:aws:iam::{B}:root")
    assert r.to_dict() == {"account": B, "resource": f"arn:aws:iam::{B}:root", "check": "root-mfa", "cis": "1.5",
                           "severity": "critical", "status": "fail", "evidence": "get-account-summary AccountMFAEnabled = 0",
                           "remediation": r.remediation}
    with pytest.raises(AttributeError):
        r.status = "pass"  # type: ignore[misc]  # frozen
    data = json.loads(results.to_json())
    assert data["collected_at"] == "2026-11-20T09:30:00Z"
    assert data["thresholds"]["unused_credential_days"] == 45
    assert len(data["results"]) == len(results)
    assert set(data["results"][0]) == {"account", "resource", "check", "cis", "severity", "status", "evidence", "remediation"}
    assert data["counts"]["fail"] == 3  # B's 1.5 and 1.6, A's 1.6
    assert {row["check"] for row in data["summary"]} == set(ALL_CHECKS)
    assert results.failed().counts()["fail"] == 3 and len(results.failed()) == 3
    assert results.filter(check="1.6", status="fail").verdicts() == {(A, "root-hardware-mfa"): "fail",
                                                                     (B, "root-hardware-mfa"): "fail"}


def test_dataframe_and_html() -> None:
    pd = pytest.importorskip("pandas")
    tree = two_accounts()
    results = audit(tree)
    df = results.to_dataframe()
    assert isinstance(df, pd.DataFrame) and len(df) == len(results)
    assert list(df.columns) == ["account", "resource", "check", "cis", "severity", "status", "evidence", "remediation"]
    assert set(df[df.status == "fail"].check) == {"root-mfa", "root-hardware-mfa"}
    page = results._repr_html_()
    assert "<table>" in page and "root-hardware-mfa" in page and "2 fail" in page
    assert "AccountMFAEnabled = 0" in page


def test_html_escapes_evidence() -> None:
    tree = clean_tree()
    auth(tree)["UserDetailList"][0] = user_detail("alice", inline=("<script>",))
    page = audit(tree)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_sarif() -> None:
    tree = two_accounts()
    iam(tree)["credential-report.csv"] = csv_text(default_rows()).replace(ago(1), "soon", 1)
    results = audit(tree)
    sarif = results.to_sarif()
    json.dumps(sarif)
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    [run] = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ALL_CHECKS  # one rule per check
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert next(r for r in rules if r["id"] == "console-user-mfa")["properties"]["cis"] == "1.10"
    assert len(run["results"]) == len(results)
    kinds = {res["kind"] for res in run["results"]}
    assert kinds <= {"pass", "fail", "notApplicable", "open"} and {"pass", "fail", "open"} <= kinds
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert (res["level"] != "none") == (res["kind"] == "fail")
        assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    loc = note["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == REPORT and loc["region"]["startLine"] == 3


# --------------------------------------------------------------------------------------------------
# assert_audit_passes
# --------------------------------------------------------------------------------------------------


def test_assert_audit_passes_on_a_clean_snapshot() -> None:
    org = ag.load_snapshot_from_dict(clean_tree())
    results = assert_audit_passes(org)
    assert len(results) > 20
    assert_audit_passes(org, checks=["1.10", "1.4"])
    assert_audit_passes(org, checks="root-mfa")


def test_assert_audit_passes_lists_failures_readably() -> None:
    org = ag.load_snapshot_from_dict(two_accounts())
    with pytest.raises(AssertionError) as e:
        assert_audit_passes(org, checks=["1.5", "1.10"])
    msg = str(e.value)
    assert msg.startswith("audit did not pass: 1 failed of 4 result(s)")
    assert "FAIL [critical] root-mfa (CIS 1.5) — MFA is enabled for the root user" in msg
    assert f"account {B}: arn:aws:iam::{B}:root" in msg
    assert "evidence: get-account-summary AccountMFAEnabled = 0" in msg
    assert "fix: Sign in as the root user" in msg
    assert_audit_passes(org, checks=["1.5"], accounts=[A])
    with pytest.raises(AssertionError, match="not in the snapshot"):
        assert_audit_passes(org, accounts=["999999999999"])


def test_assert_audit_passes_and_unknown_results() -> None:
    tree = clean_tree()
    del iam(tree)["list-virtual-mfa-devices.json"]
    org = ag.load_snapshot_from_dict(tree)
    with pytest.raises(AssertionError, match=r"(?s)1 unknown .*UNKNOWN \[high\] root-hardware-mfa"):
        assert_audit_passes(org)
    assert_audit_passes(org, allow_unknown=True)


def test_assert_audit_passes_with_thresholds() -> None:
    org = ag.load_snapshot_from_dict(clean_tree())
    with pytest.raises(AssertionError, match="password-min-length"):
        assert_audit_passes(org, checks=["1.8"], thresholds={"password_min_length": 32})


# --------------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------------


def write_tree(tree: dict[str, Any], root: Path) -> Path:
    for name, value in tree.items():
        p = root / name
        if name.endswith(".json"):
            p.write_text(json.dumps(value))
        elif isinstance(value, dict):
            p.mkdir(parents=True, exist_ok=True)
            write_tree(value, p)
        else:
            p.write_text(value)
    return root


runner = CliRunner()


@pytest.fixture()
def clean_dir(tmp_path: Path) -> Path:
    return write_tree(clean_tree(), tmp_path)


@pytest.fixture()
def failing_dir(tmp_path: Path) -> Path:
    tree = two_accounts()
    replace_row(tree, "alice", cred_row("alice", mfa=False))
    return write_tree(tree, tmp_path)


def test_cli_clean_snapshot_exits_0(clean_dir: Path) -> None:
    res = runner.invoke(app, ["audit", str(clean_dir)])
    assert res.exit_code == 0, res.output
    assert "console-user-mfa" in res.output and "0 failed" in res.output


def test_cli_failing_snapshot_exits_1_and_lists_failures(failing_dir: Path) -> None:
    res = runner.invoke(app, ["audit", str(failing_dir)])
    assert res.exit_code == 1, res.output
    assert "root-mfa" in res.output and "failed and unknown results" in res.output
    assert "no MFA device" in res.output


def test_cli_check_selection_and_thresholds(failing_dir: Path) -> None:
    res = runner.invoke(app, ["audit", str(failing_dir), "--check", "1.8", "-c", "password-reuse-prevention"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["audit", str(failing_dir), "-c", "1.8", "--threshold", "password_min_length=20"])
    assert res.exit_code == 1, res.output
    res = runner.invoke(app, ["audit", str(failing_dir), "-c", "1.8", "--all"])
    assert "MinimumPasswordLength 16" in res.output


def test_cli_json(failing_dir: Path) -> None:
    res = runner.invoke(app, ["audit", str(failing_dir), "--format", "json"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert {(r["account"], r["check"]) for r in data["results"] if r["status"] == "fail"} == {
        (B, "root-mfa"), (B, "root-hardware-mfa"), (A, "console-user-mfa")}


def test_cli_sarif(clean_dir: Path) -> None:
    res = runner.invoke(app, ["audit", str(clean_dir), "-f", "sarif", "-c", "1.4"])
    assert res.exit_code == 0
    sarif = json.loads(res.stdout)
    assert sarif["version"] == "2.1.0" and [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]] == ["root-access-keys"]
    assert sarif["runs"][0]["results"][0]["kind"] == "pass"


@pytest.mark.parametrize("args,message", [
    (["--check", "1.99"], "unknown check"),
    (["--threshold", "bogus=1"], "unknown threshold"),
    (["--threshold", "unused_credential_days"], "NAME=VALUE"),
])
def test_cli_errors_exit_2(clean_dir: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, ["audit", str(clean_dir), *args])
    assert res.exit_code == 2
    assert message in res.output


def test_cli_missing_snapshot_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["audit", str(tmp_path / "nope")])
    assert res.exit_code == 2


def test_cli_reports_input_problems(tmp_path: Path) -> None:
    tree = clean_tree()
    iam(tree)["credential-report.csv"] = csv_text(default_rows()).replace(ago(1), "11/19/2026", 1)
    res = runner.invoke(app, ["audit", str(write_tree(tree, tmp_path))])
    assert res.exit_code == 0  # unknown is not a failure
    assert "input problem" in res.output and "invalid-date" in res.output and "credential-report.csv" in res.output


# --------------------------------------------------------------------------------------------------
# The bundled example organization
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_results() -> AuditResults:
    return ag.load_snapshot(example_snapshot_path()).audit()


def test_example_org_every_check_passes_and_fails_somewhere(example_results: AuditResults) -> None:
    statuses: dict[str, set[str]] = {c: set() for c in ALL_CHECKS}
    for r in example_results:
        statuses[r.check].add(r.status)
    missing = {c: sorted({"pass", "fail"} - s) for c, s in statuses.items() if not {"pass", "fail"} <= s}
    assert not missing, missing
    assert not example_results.problems


def test_example_org_matches_its_readme_cis_table(example_results: AuditResults) -> None:
    text = Path(example_readme_path()).read_text(encoding="utf-8")
    section = text.split("## CIS AWS Foundations Benchmark v3.0.0 — IAM checks", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    names = [c.strip() for c in lines[0].strip("|").split("|")][1:]
    org = ag.load_snapshot(example_snapshot_path())
    by_name = {org.account(a)["name"].removeprefix("northwind-"): a for a in org.account_ids}
    verdicts = example_results.verdicts()
    by_cis = {c.cis: c.id for c in CHECKS if c.cis}
    seen = set()
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        cis = re.match(r"\*\*(\d+\.\d+)\*\*", cells[0]).group(1)  # type: ignore[union-attr]
        seen.add(cis)
        for name, cell in zip(names, cells[1:]):
            documented = cell.split(":")[0].strip()
            got = verdicts[(by_name[name], by_cis[cis])]
            # "PASS: no server certificate" etc. is our not-applicable (nothing to examine)
            expected = {"PASS": {"pass", "not-applicable"}, "FAIL": {"fail"}, "not assessable": {"unknown"}}[documented]
            assert got in expected, (cis, name, documented, got)
    assert seen == set(by_cis)


def test_example_org_spot_checks(example_results: AuditResults) -> None:
    stg, sbx, mkt = "434455667788", "456677889900", "478899001122"
    r = only(example_results.filter(account=stg), "console-user-mfa", f"arn:aws:iam::{stg}:user/ext-contractor-lee")
    assert r.status == "fail"
    assert only(example_results.filter(account=stg), "role-trust-public",
                f"arn:aws:iam::{stg}:role/qa-tooling-access").status == "fail"
    assert only(example_results.filter(account=sbx), "user-admin-access",
                f"arn:aws:iam::{sbx}:user/sandbox-admin").status == "fail"
    assert only(example_results.filter(account=sbx), "user-admin-access",
                f"arn:aws:iam::{sbx}:user/dev.noor").status == "pass"
    legacy = only(example_results.filter(account=mkt), "full-admin-policy", f"arn:aws:iam::{mkt}:policy/LegacyFullAccess")
    assert legacy.status == "fail" and "web-ops" in legacy.evidence


def test_example_org_cli_exit_code() -> None:
    res = runner.invoke(app, ["audit", str(example_snapshot_path()), "-f", "json"])
    assert res.exit_code == 1
    assert json.loads(res.stdout)["counts"]["fail"] > 0
