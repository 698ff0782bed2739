"""The pytest plugin (entry point `pytest11`: --accessgraph-snapshot / accessgraph_snapshot, the accessgraph_org
and accessgraph_policy fixtures) run with pytester, and the assertion helpers of accessgraph.testing: passing
checks pass, failing ones fail with the explanation (statement, policy, SCP/RCP level, chain of roles) as the
message and without the helpers' frames."""

from __future__ import annotations

import importlib.metadata
import json
import textwrap
from pathlib import Path

import pytest

import accessgraph
from accessgraph.examples import example_snapshot_path
from accessgraph.testing import (
    assert_allowed,
    assert_cannot_escalate,
    assert_denied,
    assert_no_external_access,
    assert_no_public_access,
    assert_policy_does_not_grant,
)

pytest_plugins = ["pytester"]

SNAPSHOT = example_snapshot_path()
MGT, SEC, SHR, PRD, STG = "401122334455", "412233445566", "467788990011", "423344556677", "434455667788"
PARTNER = "731947285016"
DANA = f"arn:aws:iam::{SHR}:user/dana.ops"
BUILD_BOT = f"arn:aws:iam::{SHR}:user/build-bot"
OMAR = f"arn:aws:iam::{SEC}:user/sec.analyst.omar"
BREAKGLASS = f"arn:aws:iam::{MGT}:user/breakglass-admin"
PROD_ADMIN = f"arn:aws:iam::{PRD}:role/prod-break-glass"
TLS_ONLY_S3 = {"Version": "2012-10-17", "Statement": [
    {"Sid": "S3Tls", "Effect": "Allow", "Action": "s3:*", "Resource": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}


@pytest.fixture(scope="module")
def org() -> accessgraph.Organization:
    return accessgraph.load_snapshot(SNAPSHOT)


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    eps = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert eps.get("accessgraph") == "accessgraph.pytest_plugin"


def test_help_lists_the_option_and_the_ini_setting(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--accessgraph-snapshot=DIR*", "*accessgraph_snapshot (string):*"])


SAME_ORG_CONFTEST = """
    SEEN = []
"""
SAME_ORG_TEST = """
    import conftest

    def test_{n}(accessgraph_org):
        assert accessgraph_org.id == "o-nw7r0b0t1c"
        conftest.SEEN.append(accessgraph_org)
        assert all(o is conftest.SEEN[0] for o in conftest.SEEN)
"""


def test_option_loads_the_snapshot_once_per_session(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SAME_ORG_CONFTEST)
    pytester.makepyfile(test_one=SAME_ORG_TEST.format(n="one"), test_two=SAME_ORG_TEST.format(n="two"))
    result = pytester.runpytest(f"--accessgraph-snapshot={SNAPSHOT}")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"accessgraph snapshot: {SNAPSHOT}"])


def test_ini_setting_is_relative_to_the_ini_file(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    (pytester.path / "snapshots").mkdir()
    (pytester.path / "snapshots" / "prod").symlink_to(SNAPSHOT, target_is_directory=True)
    pytester.makeini("[pytest]\naccessgraph_snapshot = snapshots/prod\n")
    tests = pytester.mkdir("tests")
    (tests / "test_org.py").write_text(textwrap.dedent("""
        def test_org(accessgraph_org):
            assert accessgraph_org.account_ids and accessgraph_org.id == "o-nw7r0b0t1c"
    """))
    monkeypatch.chdir(tests)  # run from below the ini file: the path still resolves against the ini file
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_option_overrides_the_ini_setting(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\naccessgraph_snapshot = does/not/exist\n")
    pytester.makepyfile("def test_org(accessgraph_org):\n    assert accessgraph_org.id == 'o-nw7r0b0t1c'\n")
    result = pytester.runpytest(f"--accessgraph-snapshot={SNAPSHOT}")
    result.assert_outcomes(passed=1)


def test_a_snapshot_given_as_a_separate_argument_warns_about_the_rootdir(pytester: pytest.Pytester,
                                                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    # pytest settles the rootdir before plugin options exist: "--accessgraph-snapshot DIR" makes DIR the rootdir
    snapshot = tmp_path_factory.mktemp("copy") / "snapshot"
    snapshot.symlink_to(SNAPSHOT, target_is_directory=True)
    pytester.makepyfile("def test_org(accessgraph_org):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--accessgraph-snapshot", str(snapshot))
    result.stdout.fnmatch_lines(["*PytestConfigWarning: pytest chose the rootdir * taking the snapshot directory "
                                 "for a test path: write --accessgraph-snapshot=DIR (with '=')*"])
    result.assert_outcomes(passed=1)


def test_without_a_snapshot_the_run_stops_with_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_org(accessgraph_org):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: the accessgraph_org fixture needs a snapshot: run pytest with "
                                 "--accessgraph-snapshot=DIR, or set `accessgraph_snapshot = DIR`*"])


def test_a_snapshot_that_is_not_a_directory_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_org(accessgraph_org):\n    pass\n")
    result = pytester.runpytest("--accessgraph-snapshot=nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: the accessgraph snapshot */nowhere is not a directory*"])


def test_tests_without_the_org_need_no_snapshot(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_policy(accessgraph_policy):
            p = accessgraph_policy({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}, "read")
            assert p.name == "read" and len(p) == 1

        def test_org(accessgraph_org):
            pass
    """)
    result = pytester.runpytest("-k", "policy")
    result.assert_outcomes(passed=1, deselected=1)


PASSING = f"""
    import json
    from accessgraph.testing import (assert_allowed, assert_cannot_escalate, assert_denied,
                                     assert_no_external_access, assert_no_public_access, assert_policy_does_not_grant)

    def test_admin_may_create_users(accessgraph_org):
        d = assert_allowed(accessgraph_org, "{BREAKGLASS}", "iam:CreateUser", "arn:aws:iam::{MGT}:user/new")
        assert d.decision == "Allowed"

    def test_analyst_cannot_create_users(accessgraph_org):
        assert_denied(accessgraph_org, "{OMAR}", "iam:CreateUser", "arn:aws:iam::{SEC}:user/new")

    def test_dana_is_denied_directly(accessgraph_org):
        assert_denied(accessgraph_org, "{DANA}", "iam:CreateUser", "arn:aws:iam::{PRD}:user/new", max_hops=0)

    def test_prod_buckets_are_not_public(accessgraph_org):
        assert_no_public_access(accessgraph_org, "arn:aws:s3:::northwind-prod-*")

    def test_the_partner_share_is_the_only_external_access_of_the_lake(accessgraph_org):
        assert_no_external_access(accessgraph_org, resource="arn:aws:s3:::northwind-data-lake", allow=["{PARTNER}"],
                                  include_rcp_restricted=True)

    def test_analyst_cannot_escalate(accessgraph_org):
        assert_cannot_escalate(accessgraph_org, "{OMAR}")

    def test_policy_file_does_not_grant_deletes(accessgraph_policy, tmp_path):
        path = tmp_path / "read.json"
        path.write_text(json.dumps({{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}}]}}))
        assert_policy_does_not_grant(accessgraph_policy(path), "s3:DeleteObject", "arn:aws:s3:::reports/a.csv")
"""


def test_passing_checks_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_access=PASSING)
    result = pytester.runpytest(f"--accessgraph-snapshot={SNAPSHOT}")
    result.assert_outcomes(passed=7)


FAILING = f"""
    from accessgraph.testing import (assert_allowed, assert_cannot_escalate, assert_denied,
                                     assert_no_external_access, assert_no_public_access, assert_policy_does_not_grant)

    def test_allowed_but_region_scp_denies(accessgraph_org):
        assert_allowed(accessgraph_org, "{PROD_ADMIN}", "s3:GetObject", "arn:aws:s3:::northwind-prod-backups/a",
                       context={{"aws:SecureTransport": True}})

    def test_denied_but_admin_allows(accessgraph_org):
        assert_denied(accessgraph_org, "{BREAKGLASS}", "iam:CreateUser", "arn:aws:iam::{MGT}:user/new")

    def test_denied_but_a_chain_of_roles_reaches_it(accessgraph_org):
        assert_denied(accessgraph_org, "{DANA}", "iam:CreateUser", "arn:aws:iam::{PRD}:user/new")

    def test_public_bucket(accessgraph_org):
        assert_no_public_access(accessgraph_org, "arn:aws:s3:::northwind-www-assets")

    def test_secret_shared_outside(accessgraph_org):
        assert_no_external_access(accessgraph_org, "{PRD}", "arn:aws:secretsmanager:*", include_rcp_restricted=True)

    def test_build_bot_escalates(accessgraph_org):
        assert_cannot_escalate(accessgraph_org, "{BUILD_BOT}")

    def test_policy_grants_under_a_condition(accessgraph_policy):
        assert_policy_does_not_grant(accessgraph_policy({json.dumps(TLS_ONLY_S3)}, "s3-tls"),
                                     "s3:DeleteBucket", "arn:aws:s3:::prod")

    def test_policy_does_not_parse(accessgraph_policy):
        accessgraph_policy({{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:*",
                            "Resource": "*", "Condition": {{"StringEqualz": {{"aws:username": "a"}}}}}}]}}, "bad.json")
"""


def _section(run: pytest.RunResult, test: str) -> str:
    out = run.stdout.str()
    start = out.index(f"_ {test} _")
    end = out.find("\n___", start + 1)
    return out[start:] if end < 0 else out[start:end]


EXPLANATIONS = [
    ("test_allowed_but_region_scp_denies", [
        "expected Allowed, but AWS decides ExplicitlyDenied:",
        f"  principal: {PROD_ADMIN}",
        "  context:   aws:SecureTransport=True",
        'DENY    SCP at level OU ou-nw7r-w0rkl0ad (Workloads) "RegionRestriction" statement #0 '
        '(Sid "DenyOutsideApprovedRegions")']),
    ("test_denied_but_admin_allows", [
        "expected a Deny, but AWS allows it:",
        'ALLOW   identity policy "AdministratorAccess" statement #0']),
    ("test_denied_but_a_chain_of_roles_reaches_it", [
        f"but {DANA} reaches it through 1 chain(s) of role assumptions",
        f"chain 1: {DANA} --sts:AssumeRole--> arn:aws:iam::{STG}:role/staging-deployer --sts:AssumeRole--> {PROD_ADMIN}",
        'ALLOW   identity policy "assume-staging-deployer" statement #0 (Sid "AssumeStagingDeployer")',
        'ALLOW   identity policy "assume-prod-break-glass" statement #0 (Sid "HotfixAccess")',
        "ALLOW   SCP/RCP at 7 level(s): FullAWSAccess, RCPFullAWSAccess"]),
    ("test_public_bucket", [
        "arn:aws:s3:::northwind-www-assets is public (1 finding(s)):",
        "who:     anyone (public)",
        'granted by: policy statement #0 (Sid "PublicReadGetObject")',
        "RCP: no RCP denies it"]),
    ("test_secret_shared_outside", [
        f"reachable from outside zone account:{PRD}",
        f"who:     AWS {PARTNER}",
        'RCP: denied by RCP "ProdDataPerimeter" at level OU ou-nw7r-pr0dw0rk (Prod) statement #0']),
    ("test_build_bot_escalates", [
        f"{BUILD_BOT} can escalate its privileges (1 path(s)):",
        f"[iam-create-policy-version] -> administrator {BUILD_BOT}",
        f"step 1: iam:CreatePolicyVersion on arn:aws:iam::{SHR}:policy/build-bot-permissions",
        'allowed by identity policy "build-bot-permissions"']),
    ("test_policy_grants_under_a_condition", [
        'policy "s3-tls" grants s3:DeleteBucket on arn:aws:s3:::prod when its conditions hold:',
        'statement #0 (Sid "S3Tls"): allows it if {"Bool": {"aws:SecureTransport": ["true"]}}']),
    ("test_policy_does_not_parse", [
        "policy bad.json does not parse: unknown-condition-operator at /Statement/0/Condition/StringEqualz: "
        'unknown condition operator "StringEqualz"']),
]


def test_failing_checks_fail_with_the_explanation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_access=FAILING)
    run = pytester.runpytest(f"--accessgraph-snapshot={SNAPSHOT}")
    run.assert_outcomes(failed=len(EXPLANATIONS))
    missing = []
    for test, expected in EXPLANATIONS:
        section = _section(run, test)
        missing += [f"{test}: {text!r}" for text in expected if text not in section]
        # __tracebackhide__: the report shows the test's own line and the explanation, not the helpers' code
        for internal in ("accessgraph/testing.py", "accessgraph/pytest_plugin.py", "raise AssertionError",
                         "During handling of the above exception"):
            if internal in section:
                missing.append(f"{test}: shows {internal!r}")
    assert not missing, "\n".join(missing) + "\n\n" + run.stdout.str()


# ----- the helpers called directly -----


def test_assert_allowed_returns_the_decision(org: accessgraph.Organization) -> None:
    assert assert_allowed(org, BREAKGLASS, "iam:CreateUser", f"arn:aws:iam::{MGT}:user/x").allowed


def test_assert_denied_with_max_hops_0_checks_the_request_only(org: accessgraph.Organization) -> None:
    assert assert_denied(org, DANA, "iam:CreateUser", f"arn:aws:iam::{PRD}:user/x", max_hops=0).decision == \
        "ImplicitlyDenied"
    with pytest.raises(AssertionError, match="chain"):
        assert_denied(org, DANA, "iam:CreateUser", f"arn:aws:iam::{PRD}:user/x", max_hops=2)


def test_public_access_patterns_and_rcp_restricted_findings(org: accessgraph.Organization) -> None:
    assert_no_public_access(org, "arn:aws:s3:::northwind-prod-*")
    with pytest.raises(AssertionError, match=r"2 resource\(s\) are public"):
        assert_no_public_access(org, "arn:aws:s3:::*")
    # the partner share of the data lake is blocked by the ProdDataPerimeter RCP: ignored unless asked
    assert_no_external_access(org, resource="arn:aws:s3:::northwind-data-lake")
    with pytest.raises(AssertionError, match="ProdDataPerimeter"):
        assert_no_external_access(org, resource="arn:aws:s3:::northwind-data-lake", include_rcp_restricted=True)


def test_external_access_allow_list_and_account_zone(org: accessgraph.Organization) -> None:
    role = f"arn:aws:iam::{PRD}:role/prod-break-glass"
    # inside the organization, so no finding in the organization zone; outside the prod account zone
    assert_no_external_access(org, resource=role)
    with pytest.raises(AssertionError, match="staging-deployer"):
        assert_no_external_access(org, PRD, resource=role)
    assert_no_external_access(org, f"account:{PRD}", resource=role, allow=[f"arn:aws:iam::{STG}:role/staging-deployer"])


def test_policy_check_is_open_world_unless_a_context_is_given() -> None:
    assert_policy_does_not_grant(TLS_ONLY_S3, "sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:q")
    # with a concrete context only that request is decided
    assert_policy_does_not_grant(TLS_ONLY_S3, "s3:DeleteBucket", "arn:aws:s3:::prod", {"aws:SecureTransport": False})
    with pytest.raises(AssertionError, match='grants s3:DeleteBucket on arn:aws:s3:::prod:'):
        assert_policy_does_not_grant(TLS_ONLY_S3, "s3:DeleteBucket", "arn:aws:s3:::prod", {"aws:SecureTransport": True})


def test_policy_check_decides_in_the_resource_account_and_honours_denies() -> None:
    queue = "arn:aws:sqs:us-east-1:444455556666:orders"
    send = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": queue}]}
    with pytest.raises(AssertionError, match="grants sqs:SendMessage"):  # not lost as a cross-account request
        assert_policy_does_not_grant(json.dumps(send), "sqs:SendMessage", queue)
    deny = {"Version": "2012-10-17", "Statement": [
        *send["Statement"], {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*"}]}
    assert_policy_does_not_grant(deny, "sqs:SendMessage", queue)
    # the Allow needs a tag, the Deny applies without MFA: some request (tagged, with MFA) is allowed
    conditional = {"Version": "2012-10-17", "Statement": [
        {**send["Statement"][0], "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops"}}},
        {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
    with pytest.raises(AssertionError) as e:
        assert_policy_does_not_grant(conditional, "sqs:SendMessage", queue)
    assert str(e.value).splitlines() == [
        f"the policy grants sqs:SendMessage on {queue} when its conditions hold:",
        '  statement #0: allows it if {"StringEquals": {"aws:PrincipalTag/team": ["ops"]}}',
        '  (statement #1 denies only if {"BoolIfExists": {"aws:MultiFactorAuthPresent": ["false"]}}: assumed not to apply)',
        "  pass context=... to decide one concrete request instead"]
    assert_policy_does_not_grant(conditional, "sqs:SendMessage", queue, {"aws:PrincipalTag/team": "ops"})


def test_helpers_are_exported() -> None:
    import accessgraph.testing as t

    for name in ("assert_allowed", "assert_denied", "assert_no_public_access", "assert_no_external_access",
                 "assert_cannot_escalate", "assert_policy_does_not_grant", "assert_audit_passes"):
        assert name in t.__all__ and callable(getattr(t, name))


def test_example_policy_files_compile_with_the_fixture(accessgraph_policy: object, tmp_path: Path) -> None:
    # the plugin is loaded in this very session too (entry point): its fixture is usable here
    path = tmp_path / "p.json"
    path.write_text(json.dumps(TLS_ONLY_S3))
    policy = accessgraph_policy(path)  # type: ignore[operator]
    assert policy.name == "p.json" and len(policy) == 1
