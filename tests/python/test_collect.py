"""`accessgraph.collect` and `accessgraph collect`, end to end against moto: the snapshot it writes follows
LAYOUT.md (checked by tests/data/tools/validate_layout.py), loads without problems with the right counts,
merges paginated listings, and records a denied call as an `.error.txt` and in the report without stopping."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

from botocore.exceptions import ClientError  # noqa: E402

import accessgraph  # noqa: E402
from accessgraph.collect import CollectReport, collect, escape_id  # noqa: E402

VALIDATE = Path(__file__).resolve().parents[1] / "data" / "tools" / "validate_layout.py"
REGIONS = ["us-east-1", "eu-west-1"]
ACCOUNT = "123456789012"  # moto's default account
PARTNER = "999988887777"
SECRET = "prod/db+ro@x"  # exercises the file-name escaping

ALLOW_ALL_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


REAL_SESSION = boto3.Session


class AnalyzerlessSession(REAL_SESSION):  # type: ignore[misc,valid-type]
    """A session whose ListAnalyzers answers like an account without an analyzer (moto does not implement it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events.register("before-call.accessanalyzer.ListAnalyzers", lambda **_: _ok({"analyzers": []}))


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto, fake credentials, and every boto3.Session (the collector's too) an AnalyzerlessSession."""
    for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
                 "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(k, v)
    for k in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setattr("accessgraph.collect._sleep", lambda _s: None)
    monkeypatch.setattr(boto3, "Session", AnalyzerlessSession)
    with moto.mock_aws():
        yield


def _ok(body: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    return SimpleNamespace(status_code=200, headers={}), body


def session(region: str = "us-east-1") -> Any:
    return AnalyzerlessSession(region_name=region)


def lambda_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def populate(s: Any) -> None:
    """One account with every collected resource type in two regions, plus an organization with an SCP."""
    iam = s.client("iam")
    for u in ("alice", "bob", "carol"):
        iam.create_user(UserName=u)
    iam.create_group(GroupName="devs")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    pol = iam.create_policy(PolicyName="read-reports", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ag-public-site/*"}))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="devs", PolicyArn=pol)
    iam.put_user_policy(UserName="bob", PolicyName="assume-ci", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/ci"}))
    iam.create_role(RoleName="ci", AssumeRolePolicyDocument=json.dumps(ALLOW_ALL_TRUST))
    iam.attach_role_policy(RoleName="ci", PolicyArn=pol)
    role = iam.create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]

    s3 = s.client("s3")
    s3.create_bucket(Bucket="ag-public-site")
    s3.put_bucket_policy(Bucket="ag-public-site", Policy=doc(
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::ag-public-site/*"}))
    s3.create_bucket(Bucket="ag-logs-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_acl(Bucket="ag-logs-eu", ACL="log-delivery-write")
    s3.put_public_access_block(Bucket="ag-logs-eu", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.create_bucket(Bucket="ag-private")
    s3.put_bucket_ownership_controls(Bucket="ag-private", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})

    for region, suffix in (("us-east-1", ""), ("eu-west-1", "-eu")):
        kms = s.client("kms", region_name=region)
        key = kms.create_key(Description=f"app{suffix}", Policy=doc(
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "kms:*", "Resource": "*"}))["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/app{suffix}", TargetKeyId=key)
        sqs = s.client("sqs", region_name=region)
        url = sqs.create_queue(QueueName=f"orders{suffix}")["QueueUrl"]
        s.client("sns", region_name=region).create_topic(Name=f"alerts{suffix}")
        lam = s.client("lambda", region_name=region)
        lam.create_function(FunctionName=f"thumb{suffix}", Runtime="python3.12", Role=role, Handler="app.handler",
                            Code={"ZipFile": lambda_zip()})
        sm = s.client("secretsmanager", region_name=region)
        ecr = s.client("ecr", region_name=region)
        if region == "us-east-1":
            kms.create_grant(KeyId=key, GranteePrincipal=f"arn:aws:iam::{PARTNER}:root", Operations=["Decrypt"])
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": doc(
                {"Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "sqs:SendMessage",
                 "Resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"})})
            # (moto keeps a bare account id as a string principal, AWS rewrites it as {"AWS": "...:root"})
            lam.add_permission(FunctionName="thumb", StatementId="partner", Action="lambda:InvokeFunction",
                               Principal=f"arn:aws:iam::{PARTNER}:root")
            arn = sm.create_secret(Name=SECRET, SecretString="s3cr3t")["ARN"]
            sm.put_resource_policy(SecretId=arn, ResourcePolicy=doc(
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                 "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
            ecr.create_repository(repositoryName="platform/base")
            ecr.set_repository_policy(repositoryName="platform/base", policyText=doc(
                {"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                 "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}))
        else:
            sm.create_secret(Name="eu/api", SecretString="x")
            ecr.create_repository(repositoryName="eu/app")

    org = s.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    scp = org.create_policy(Name="DenyLeave", Description="", Type="SERVICE_CONTROL_POLICY", Content=doc(
        {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=root)
    ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    member = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)


def validate(snapshot: Path) -> None:
    p = subprocess.run([sys.executable, str(VALIDATE), str(snapshot)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.rstrip().endswith(": ok"), p.stdout


@pytest.fixture
def collected(aws: None, tmp_path: Path) -> tuple[Path, CollectReport, list[tuple[int, int, str]]]:
    s = session()
    populate(s)
    steps: list[tuple[int, int, str]] = []
    out = tmp_path / "snap"
    report = collect(s, out, REGIONS, progress=lambda done, total, step: steps.append((done, total, step)))
    return out, report, steps


def test_collect_writes_a_valid_snapshot_that_loads_without_problems(
        collected: tuple[Path, CollectReport, list[tuple[int, int, str]]]) -> None:
    out, report, _ = collected
    assert report.errors == [], report.summary()
    assert report.ok and report.organization_collected
    assert report.collector_account_id == ACCOUNT and report.accounts == [ACCOUNT] and report.regions == REGIONS
    validate(out)
    org = accessgraph.load_snapshot(out)
    member = next(a for a in org.account_ids if a != ACCOUNT)
    # the member account was not collected (no member_role): the only problem
    assert [(p.code, p.file) for p in org.problems] == [("not-collected", f"accounts/{member}/")]
    c = org.counts()
    assert (c["users"], c["groups"], c["roles"]) == (3, 1, 2)
    # 3 buckets + per region 1 key, 1 queue, 1 topic, 1 function, 1 secret, 1 repository
    assert c["resources"] == 3 + 2 * 6
    assert c["service_control_policies"] == 2  # FullAWSAccess and DenyLeave
    assert org.id.startswith("o-") and org.management_account_id == ACCOUNT
    assert sorted(org.regions) == sorted(REGIONS)


def test_collect_files_are_unmodified_responses_in_the_layout(
        collected: tuple[Path, CollectReport, list[tuple[int, int, str]]]) -> None:
    out, _, _ = collected
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format_version"] == 1 and manifest["partition"] == "aws"
    assert manifest["collector_account_id"] == ACCOUNT and manifest["regions"] == REGIONS
    assert manifest["collected_at"].endswith("Z")
    g = out / "accounts" / ACCOUNT / "global"
    # documented-absent configurations are error files with the not-found code
    assert "(NoSuchBucketPolicy)" in (g / "s3api/get-bucket-policy/ag-private.error.txt").read_text()
    assert "(NoSuchEntity)" in (g / "iam/get-account-password-policy.error.txt").read_text()
    assert json.loads((g / "s3api/get-bucket-location/ag-logs-eu.json").read_text()) == {"LocationConstraint": "eu-west-1"}
    assert (g / "iam/credential-report.csv").read_text().startswith("user,arn,")
    assert not any("ResponseMetadata" in p.read_text() for p in out.rglob("*.json"))
    r = out / "accounts" / ACCOUNT / "regions" / "us-east-1"
    secret = json.loads((r / "secretsmanager/get-resource-policy" / f"{escape_id(SECRET)}.json").read_text())
    assert escape_id(SECRET) == "prod%2Fdb%2Bro%40x" and secret["Name"] == SECRET and "ResourcePolicy" in secret
    assert "(ResourceNotFoundException)" in (
        out / "accounts" / ACCOUNT / "regions/eu-west-1/lambda/get-policy/thumb-eu.error.txt").read_text()
    grants = json.loads(next((r / "kms/list-grants").glob("*.json")).read_text())["Grants"]
    assert grants[0]["GranteePrincipal"] == f"arn:aws:iam::{PARTNER}:root"
    # the organization tree, every OU and policy
    o = out / "organizations"
    roots = json.loads((o / "list-roots.json").read_text())["Roots"]
    ous = json.loads((o / "list-organizational-units-for-parent" / f"{roots[0]['Id']}.json").read_text())
    assert [u["Name"] for u in ous["OrganizationalUnits"]] == ["Workloads"]
    assert (o / "list-accounts-for-parent" / f"{ous['OrganizationalUnits'][0]['Id']}.json").is_file()
    assert len(list((o / "describe-policy").glob("*.json"))) == 2


def test_collect_reports_progress_up_to_the_total(
        collected: tuple[Path, CollectReport, list[tuple[int, int, str]]]) -> None:
    _, report, steps = collected
    assert steps[-1][0] == steps[-1][1] == len(steps)  # organization + IAM + S3 + 7 services x 2 regions
    assert len(steps) == 1 + 2 + 7 * len(REGIONS)
    assert [d for d, _, _ in steps] == list(range(1, len(steps) + 1))
    assert report.calls > len(steps) and report.files_written > 50


def test_collect_uses_adaptive_retries_for_throttling(aws: None, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    s = session()
    configs = []
    real = s.client

    def spy(*args: Any, **kwargs: Any) -> Any:
        configs.append(kwargs.get("config"))
        return real(*args, **kwargs)

    monkeypatch.setattr(s, "client", spy)
    collect(s, tmp_path / "snap", ["us-east-1"])
    # botocore stores max_attempts (retries) as total_max_attempts (1 call + 10 retries)
    assert configs and all(c is not None and c.retries == {"mode": "adaptive", "total_max_attempts": 11}
                           for c in configs)


def test_access_denied_is_recorded_and_collection_goes_on(aws: None, tmp_path: Path) -> None:
    s = session()
    populate(s)

    def deny(params: dict[str, Any], **_: Any) -> None:
        if params.get("Bucket") == "ag-public-site":
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "User: arn:aws:iam::123456789012:user/audit "
                               "is not authorized to perform: s3:GetBucketPolicy"}}, "GetBucketPolicy")

    s.events.register("before-parameter-build.s3.GetBucketPolicy", deny)
    out = tmp_path / "snap"
    report = collect(s, out, REGIONS)
    err_file = out / "accounts" / ACCOUNT / "global/s3api/get-bucket-policy/ag-public-site.error.txt"
    text = err_file.read_text()
    assert text.startswith("An error occurred (AccessDenied) when calling the GetBucketPolicy operation: User:")
    assert not err_file.with_name("ag-public-site.json").exists()
    assert not report.ok
    assert [(e.path, e.code, e.operation) for e in report.errors] == [
        (f"accounts/{ACCOUNT}/global/s3api/get-bucket-policy/ag-public-site.error.txt", "AccessDenied", "GetBucketPolicy")]
    assert report.errors[0].message == text.rstrip("\n")
    # a not-found code is "absent", not an error
    assert any(e.code == "NoSuchBucketPolicy" and e.path.endswith("ag-private.error.txt") for e in report.absent)
    # everything after the denied call was still collected
    assert (out / "manifest.json").is_file()
    assert (out / "accounts" / ACCOUNT / "global/s3api/get-bucket-acl/ag-public-site.json").is_file()
    assert (out / "accounts" / ACCOUNT / "regions/eu-west-1/ecr/describe-repositories.json").is_file()
    # the loader knows the policy is unknown, not absent
    org = accessgraph.load_snapshot(out)
    assert any("ag-public-site" in p.file and "AccessDenied" in str(p) for p in org.problems), org.problems


def test_a_network_error_is_recorded_like_a_client_error(aws: None, tmp_path: Path) -> None:
    from botocore.exceptions import EndpointConnectionError

    s = session()

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://sns.eu-west-1.amazonaws.com/")

    s.events.register("before-call.sns.ListTopics", unreachable)
    out = tmp_path / "snap"
    report = collect(s, out, ["eu-west-1"])
    text = (out / "accounts" / ACCOUNT / "regions/eu-west-1/sns/list-topics.error.txt").read_text()
    assert text.startswith("An error occurred (EndpointConnectionError) when calling the ListTopics operation: "
                           'Could not connect to the endpoint URL: "https://sns.eu-west-1.amazonaws.com/"')
    assert [(e.code, e.operation) for e in report.errors] == [("EndpointConnectionError", "ListTopics")]
    assert report.to_dict()["errors"][0]["path"] == f"accounts/{ACCOUNT}/regions/eu-west-1/sns/list-topics.error.txt"
    assert "1 failed call(s)" in report.summary()


def test_paginated_listings_are_merged_or_stored_page_by_page(aws: None, tmp_path: Path) -> None:
    s = session()
    iam = s.client("iam")
    for i in range(5):
        iam.create_user(UserName=f"user-{i}")
    sm = s.client("secretsmanager")
    for i in range(5):
        sm.create_secret(Name=f"app/secret-{i}", SecretString="x")

    # moto returns every IAM entity in one page; answer GetAccountAuthorizationDetails the way AWS pages it.
    truth = boto3.Session(region_name="us-east-1").client("iam").get_account_authorization_details()
    users = truth["UserDetailList"]

    def paged(params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
        body = params["body"]
        start, size = int(body.get("Marker") or 0), int(body["MaxItems"])
        page: dict[str, Any] = {"UserDetailList": users[start:start + size], "GroupDetailList": [],
                                "RoleDetailList": [], "Policies": [], "IsTruncated": start + size < len(users)}
        if page["IsTruncated"]:
            page["Marker"] = str(start + size)
        return _ok(page)

    s.events.register("before-call.iam.GetAccountAuthorizationDetails", paged)
    out = tmp_path / "snap"
    report = collect(s, out, ["us-east-1"], page_size=2)
    assert report.ok, report.summary()
    iam_dir = out / "accounts" / ACCOUNT / "global" / "iam"
    pages = sorted((iam_dir / "get-account-authorization-details").glob("page-*.json"))
    assert [p.name for p in pages] == ["page-0001.json", "page-0002.json", "page-0003.json"]
    assert not (iam_dir / "get-account-authorization-details.json").exists()
    assert json.loads(pages[0].read_text())["Marker"] == "2"  # pages are stored unmodified
    # moto pages ListSecrets itself: three pages merged into one listing, tokens dropped
    secrets = json.loads((out / "accounts" / ACCOUNT / "regions/us-east-1/secretsmanager/list-secrets.json").read_text())
    assert len(secrets["SecretList"]) == 5 and "NextToken" not in secrets
    validate(out)
    org = accessgraph.load_snapshot(out)
    assert [str(p) for p in org.problems] == []
    assert org.counts()["users"] == 5


def test_account_outside_an_organization(aws: None, tmp_path: Path) -> None:
    report = collect(session(), tmp_path / "snap", ["eu-west-1"])
    assert report.ok and not report.organization_collected
    assert any("not in an organization" in n for n in report.notes)
    assert not (tmp_path / "snap" / "organizations").exists()
    validate(tmp_path / "snap")
    org = accessgraph.load_snapshot(tmp_path / "snap")
    assert org.account_ids == [ACCOUNT] and [str(p) for p in org.problems] == []


def test_member_accounts_are_collected_through_a_role(aws: None, tmp_path: Path) -> None:
    s = session()
    populate(s)
    member = next(a["Id"] for a in s.client("organizations").list_accounts()["Accounts"] if a["Name"] == "member")
    creds = s.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                        RoleSessionName="setup")["Credentials"]
    m = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                      aws_session_token=creds["SessionToken"], region_name="us-east-1")
    m.client("iam").create_user(UserName="member-dev")
    m.client("s3").create_bucket(Bucket="ag-member-data")

    out = tmp_path / "snap"
    report = collect(s, out, ["us-east-1"], member_role="OrganizationAccountAccessRole")
    assert report.ok, report.summary()
    assert sorted(report.accounts) == sorted([ACCOUNT, member])
    validate(out)
    org = accessgraph.load_snapshot(out)
    assert [str(p) for p in org.problems] == []
    assert [u["name"] for u in org.account(member)["users"]] == ["member-dev"]
    assert [r["name"] for r in org.account(member)["resources"]] == ["ag-member-data"]


def test_collect_refuses_a_non_empty_directory(aws: None, tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(FileExistsError):
        collect(session(), tmp_path, ["us-east-1"])


def _cli(args: list[str]) -> Any:
    from typer.testing import CliRunner

    from accessgraph.cli import app

    return CliRunner().invoke(app, args)


def test_cli_collect_writes_the_snapshot(aws: None, tmp_path: Path) -> None:
    populate(session())
    out = tmp_path / "snap"
    r = _cli(["collect", "--out", str(out), "--regions", "us-east-1,eu-west-1"])
    assert r.exit_code == 0, r.output
    assert f"account {ACCOUNT}" in r.output and "organization collected" in r.output
    validate(out)


def test_cli_collect_lists_failed_calls_and_exits_1(aws: None, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # moto does not implement access-analyzer ListAnalyzers: a failed call in every region
    monkeypatch.setattr(boto3, "Session", REAL_SESSION)
    out = tmp_path / "snap"
    r = _cli(["collect", "--out", str(out), "--regions", "us-east-1"])
    assert r.exit_code == 1, r.output
    assert "1 failed call(s)" in r.output and "list-analyzers.error.txt" in r.output
    assert (out / "manifest.json").is_file()


def test_cli_collect_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("")
    r = _cli(["collect", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "not an empty directory" in r.output
