"""The bundled example organization (Northwind Robotics): valid layout, documented counts, every
documented misconfiguration present in the files, CIS v3.0.0 IAM results as documented, reproducible."""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from accessgraph.examples import example_readme_path, example_snapshot_path

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "python" / "accessgraph" / "data" / "example-org"
VALIDATE = REPO / "tests" / "data" / "tools" / "validate_layout.py"
SNAP = SOURCE / "snapshot"
ORG_ID = "o-nw7r0b0t1c"
MGT, SEC, SHR, PRD, DAT, STG, SBX, MKT = ("401122334455", "412233445566", "467788990011", "423344556677",
                                          "445566778899", "434455667788", "456677889900", "478899001122")
PARTNER = "731947285016"


def load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if text.strip() else {}


def auth_details(account: str) -> dict[str, list[Any]]:
    iam = SNAP / "accounts" / account / "global" / "iam"
    single = iam / "get-account-authorization-details.json"
    pages = [single] if single.exists() else sorted((iam / "get-account-authorization-details").glob("page-*.json"))
    out: dict[str, list[Any]] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    for p in pages:
        for k, v in load(p).items():
            if k in out:
                out[k] += v
    return out


def role(account: str, name: str) -> dict[str, Any]:
    return next(r for r in auth_details(account)["RoleDetailList"] if r["RoleName"] == name)


def user(account: str, name: str) -> dict[str, Any]:
    return next(u for u in auth_details(account)["UserDetailList"] if u["UserName"] == name)


def default_doc(account: str, policy_arn: str) -> dict[str, Any]:
    p = next(p for p in auth_details(account)["Policies"] if p["Arn"] == policy_arn)
    return next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])


def statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    s = doc["Statement"]
    return s if isinstance(s, list) else [s]


def as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def region_dir(account: str, region: str = "us-east-1") -> Path:
    return SNAP / "accounts" / account / "regions" / region


def readme() -> str:
    return (SOURCE / "README.md").read_text(encoding="utf-8")


def readme_table(section: str) -> list[list[str]]:
    """Rows (cells) of the first Markdown table after the heading ``section``."""
    text = readme().split(f"\n{section}\n", 1)[1]
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not set("".join(cells)) <= set("-"):
                rows.append(cells)
        elif rows:
            break
    return rows[1:]  # without the header


# --------------------------------------------------------------------------------------------------

def test_layout_is_valid() -> None:
    p = subprocess.run([sys.executable, str(VALIDATE), str(SNAP)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.rstrip().endswith(": ok")


def test_installed_package_ships_the_same_example() -> None:
    installed = example_snapshot_path()
    assert (installed / "manifest.json").is_file() and example_readme_path().is_file()

    def digest(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digest(installed.parent) == digest(SOURCE), "reinstall accessgraph: the installed example is stale"


def test_regenerating_reproduces_every_file(tmp_path: Path) -> None:
    out = tmp_path / "example-org"
    p = subprocess.run([sys.executable, str(REPO / "scripts" / "make_example_org.py"), "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    new = sorted(str(f.relative_to(out)) for f in out.rglob("*") if f.is_file())
    old = sorted(str(f.relative_to(SOURCE)) for f in SOURCE.rglob("*") if f.is_file())
    assert new == old
    for rel in new:
        assert (out / rel).read_bytes() == (SOURCE / rel).read_bytes(), rel


def test_size_is_modest() -> None:
    assert sum(f.stat().st_size for f in SOURCE.rglob("*") if f.is_file()) < 3_000_000


def computed_counts() -> dict[str, int]:
    o = SNAP / "organizations"
    c: dict[str, int] = {"accounts": len(load(o / "list-accounts.json")["Accounts"])}
    todo = [r["Id"] for r in load(o / "list-roots.json")["Roots"]]
    ous, depth = 0, {todo[0]: 0}
    while todo:
        parent = todo.pop()
        for u in load(o / "list-organizational-units-for-parent" / f"{parent}.json")["OrganizationalUnits"]:
            ous += 1
            depth[u["Id"]] = depth[parent] + 1
            todo.append(u["Id"])
    c["organizational units"] = ous
    c["OU depth"] = max(depth.values())
    c["SCPs"] = len(load(o / "list-policies" / "SERVICE_CONTROL_POLICY.json")["Policies"])
    c["RCPs"] = len(load(o / "list-policies" / "RESOURCE_CONTROL_POLICY.json")["Policies"])
    users = groups = roles = 0
    per_type = {"S3 buckets": 0, "KMS keys": 0, "SQS queues": 0, "SNS topics": 0, "Lambda functions": 0,
                "Secrets Manager secrets": 0, "ECR repositories": 0}
    regions = load(SNAP / "manifest.json")["regions"]
    for adir in sorted((SNAP / "accounts").iterdir()):
        d = auth_details(adir.name)
        users, groups, roles = users + len(d["UserDetailList"]), groups + len(d["GroupDetailList"]), \
            roles + len(d["RoleDetailList"])
        per_type["S3 buckets"] += len(load(adir / "global" / "s3api" / "list-buckets.json")["Buckets"])
        for r in regions:
            rd = adir / "regions" / r
            per_type["KMS keys"] += len(load(rd / "kms" / "list-keys.json")["Keys"])
            per_type["SQS queues"] += len(load(rd / "sqs" / "list-queues.json").get("QueueUrls", []))
            per_type["SNS topics"] += len(load(rd / "sns" / "list-topics.json")["Topics"])
            per_type["Lambda functions"] += len(load(rd / "lambda" / "list-functions.json")["Functions"])
            per_type["Secrets Manager secrets"] += len(load(rd / "secretsmanager" / "list-secrets.json")["SecretList"])
            per_type["ECR repositories"] += len(load(rd / "ecr" / "describe-repositories.json")["repositories"])
    c.update({"IAM users": users, "IAM groups": groups, "IAM roles": roles, "principals (users + roles)": users + roles})
    c.update(per_type)
    c["resources (all of the above)"] = sum(per_type.values())
    return c


def test_documented_counts_match_the_files_and_the_requirements() -> None:
    documented = {what: int(n) for what, n in readme_table("## Counts")}
    computed = computed_counts()
    depth = computed.pop("OU depth")
    assert documented == computed
    assert computed["accounts"] >= 6            # management + at least 5 members
    assert computed["organizational units"] >= 3 and depth >= 2  # one OU nested in another
    assert computed["principals (users + roles)"] >= 40
    assert computed["resources (all of the above)"] >= 60
    assert all(computed[k] > 0 for k in ("S3 buckets", "KMS keys", "SQS queues", "SNS topics", "Lambda functions",
                                          "Secrets Manager secrets", "ECR repositories"))
    for region in load(SNAP / "manifest.json")["regions"]:
        assert list(SNAP.glob(f"accounts/*/regions/{region}/kms/get-key-policy/*.json")), region


def test_every_account_and_policy_is_documented() -> None:
    text = readme()
    for a in load(SNAP / "organizations" / "list-accounts.json")["Accounts"]:
        assert f"### {a['Id']} {a['Name']}" in text
    for ptype in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        for p in load(SNAP / "organizations" / "list-policies" / f"{ptype}.json")["Policies"]:
            assert f"`{p['Id']}` | {p['Name']} |" in text
    for adir in (SNAP / "accounts").iterdir():
        for r in auth_details(adir.name)["RoleDetailList"]:
            assert f"{r['RoleName']}`" in text, r["Arn"]


def test_scps_and_rcps_at_root_ou_and_account_level() -> None:
    o = SNAP / "organizations"
    for ptype in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        levels = set()
        for p in load(o / "list-policies" / f"{ptype}.json")["Policies"]:
            if not p["AwsManaged"]:
                levels |= {t["Type"] for t in load(o / "list-targets-for-policy" / f"{p['Id']}.json")["Targets"]}
        assert levels == {"ROOT", "ORGANIZATIONAL_UNIT", "ACCOUNT"}, ptype
    perimeter = json.loads(load(o / "describe-policy" / "p-nwperim01.json")["Policy"]["Content"])
    s = perimeter["Statement"][0]
    assert {"s3:*", "kms:*", "sqs:*", "secretsmanager:*"} <= set(s["Action"])
    assert s["Condition"]["StringNotEqualsIfExists"]["aws:PrincipalOrgID"] == ORG_ID
    assert s["Condition"]["BoolIfExists"]["aws:PrincipalIsAWSService"] == "false"


def test_public_and_cross_account_resources_are_as_documented() -> None:
    g = SNAP / "accounts"
    # M1: public policy, no BPA at bucket or account level
    www = json.loads(load(g / MKT / "global/s3api/get-bucket-policy/northwind-www-assets.json")["Policy"])
    assert any(s["Principal"] == "*" and "Condition" not in s for s in statements(www))
    assert (g / MKT / "global/s3api/get-public-access-block/northwind-www-assets.error.txt").exists()
    assert (g / MKT / "global/s3control/get-public-access-block.error.txt").exists()
    # M2: AllUsers READ in the ACL, ACLs enabled
    acl = load(g / MKT / "global/s3api/get-bucket-acl/northwind-press-kit.json")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
            "Permission": "READ"} in acl
    assert load(g / MKT / "global/s3api/get-bucket-ownership-controls/northwind-press-kit.json")[
        "OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "ObjectWriter"
    # M3: public policy, but account-level RestrictPublicBuckets
    prev = json.loads(load(g / STG / "global/s3api/get-bucket-policy/northwind-staging-preview.json")["Policy"])
    assert any(s["Principal"] == "*" and "Condition" not in s for s in statements(prev))
    assert load(g / STG / "global/s3control/get-public-access-block.json")[
        "PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    # M4 / M5 / M6: trust policies
    assert statements(role(SHR, "partner-logistics-sync")["AssumeRolePolicyDocument"]) == [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "sts:AssumeRole"}]
    saas = statements(role(MGT, "monitoring-saas-integration")["AssumeRolePolicyDocument"])[0]
    assert "sts:ExternalId" in saas["Condition"]["StringEquals"]
    anyone = statements(role(STG, "qa-tooling-access")["AssumeRolePolicyDocument"])[0]
    assert anyone["Principal"] == {"AWS": "*"} and list(anyone["Condition"]["StringEquals"]) == ["aws:PrincipalTag/team"]
    # M7: kms:* to everyone; M8: grant to an external account
    alias = {a["AliasName"]: a.get("TargetKeyId") for a in load(region_dir(STG) / "kms/list-aliases.json")["Aliases"]}
    kp = json.loads(load(region_dir(STG) / f"kms/get-key-policy/{alias['alias/staging-shared-data']}.json")["Policy"])
    assert any(s["Principal"] == {"AWS": "*"} and s["Action"] == "kms:*" and "Condition" not in s for s in statements(kp))
    alias = {a["AliasName"]: a.get("TargetKeyId") for a in load(region_dir(SHR) / "kms/list-aliases.json")["Aliases"]}
    grants = load(region_dir(SHR) / f"kms/list-grants/{alias['alias/build-artifacts']}.json")["Grants"]
    assert "arn:aws:iam::175281629340:root" in [gr["GranteePrincipal"] for gr in grants]
    # M9 / M13: another organization; M10: anyone publishes; M11: external invoke
    q = json.loads(load(region_dir(SHR) / "sqs/get-queue-attributes/partner-orders-inbound.json")["Attributes"]["Policy"])
    assert q["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == "o-p4rtn3rx9z"
    repo = json.loads(load(region_dir(SHR) / "ecr/get-repository-policy/robotics%2Ffirmware-base.json")["policyText"])
    assert repo["Statement"][0]["Principal"] == "*" and "o-p4rtn3rx9z" in json.dumps(repo)
    topic = json.loads(load(region_dir(SBX) / "sns/get-topic-attributes/sandbox-build-notifications.json")[
        "Attributes"]["Policy"])
    assert any(s["Principal"] == {"AWS": "*"} and s["Action"] == "SNS:Publish" and "Condition" not in s
               for s in statements(topic))
    fn = json.loads(load(region_dir(DAT) / "lambda/get-policy/partner-telemetry-ingest.json")["Policy"])
    assert fn["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{PARTNER}:root"}


def test_secret_shared_outside_is_governed_by_the_perimeter_rcp() -> None:
    """M12: the external share exists, and ProdDataPerimeter sits on the secret's account path."""
    f = region_dir(PRD) / "secretsmanager/get-resource-policy/prod%2Fpartner-api%2Btoken.json"
    doc = json.loads(load(f)["ResourcePolicy"])
    assert doc["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{PARTNER}:root"}
    o = SNAP / "organizations"
    path = []  # OUs above the account
    parents = {}
    todo = [r["Id"] for r in load(o / "list-roots.json")["Roots"]]
    while todo:
        p = todo.pop()
        for u in load(o / "list-organizational-units-for-parent" / f"{p}.json")["OrganizationalUnits"]:
            parents[u["Id"]] = p
            todo.append(u["Id"])
        for a in load(o / "list-accounts-for-parent" / f"{p}.json")["Accounts"]:
            parents[a["Id"]] = p
    node = PRD
    while node in parents:
        node = parents[node]
        path.append(node)
    targets = {t["TargetId"] for t in load(o / "list-targets-for-policy" / "p-nwperim01.json")["Targets"]}
    assert targets & set(path)
    assert "secretsmanager:*" in json.loads(load(o / "describe-policy/p-nwperim01.json")["Policy"]["Content"])[
        "Statement"][0]["Action"]


def test_privilege_escalation_paths_and_chain_are_present() -> None:
    # M15: AdministratorAccess directly on a user
    assert {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"} in \
        user(SBX, "sandbox-admin")["AttachedManagedPolicies"]
    # M16: CreatePolicyVersion on the policy attached to the same user
    bot = user(SHR, "build-bot")
    arn = bot["AttachedManagedPolicies"][0]["PolicyArn"]
    assert any("iam:CreatePolicyVersion" in as_list(s["Action"]) and s["Resource"] == arn
               for s in statements(default_doc(SHR, arn)))
    # M17: PassRole + CreateFunction, and an admin role Lambda may assume
    ci = role(SHR, "ci-lambda-deployer")["RolePolicyList"][0]["PolicyDocument"]
    actions = {a for s in statements(ci) for a in as_list(s["Action"])}
    assert {"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"} <= actions
    admin = role(SHR, "ops-automation-admin")
    assert admin["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert admin["AttachedManagedPolicies"][0]["PolicyName"] == "AdministratorAccess"
    # M18: UpdateAssumeRolePolicy
    qa = user(STG, "qa-lead.marta")["UserPolicyList"][0]["PolicyDocument"]
    assert "iam:UpdateAssumeRolePolicy" in statements(qa)[0]["Action"]
    # M19: dana.ops -> staging-deployer -> prod-break-glass (admin)
    dana = user(SHR, "dana.ops")
    hop1 = f"arn:aws:iam::{STG}:role/staging-deployer"
    assert statements(dana["UserPolicyList"][0]["PolicyDocument"])[0]["Resource"] == hop1
    deployer = role(STG, "staging-deployer")
    assert deployer["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": dana["Arn"]}
    hop2 = f"arn:aws:iam::{PRD}:role/prod-break-glass"
    assert statements(deployer["RolePolicyList"][0]["PolicyDocument"])[0]["Resource"] == hop2
    glass = role(PRD, "prod-break-glass")
    assert glass["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": hop1}
    assert glass["AttachedManagedPolicies"][0]["PolicyName"] == "AdministratorAccess"


def test_loader_traps_are_present() -> None:
    assert (SNAP / "accounts" / SHR / "global/iam/get-account-authorization-details/page-0002.json").exists()
    assert not (SNAP / "accounts" / SHR / "global/iam/get-account-authorization-details.json").exists()
    for f in (region_dir(MKT) / "kms" / "describe-key").glob("*.json"):
        assert isinstance(load(f)["KeyMetadata"]["CreationDate"], float)  # AWS CLI v1: epoch seconds
    assert isinstance(load(region_dir(MKT) / "secretsmanager/list-secrets.json")["SecretList"][0]["CreatedDate"], float)
    assert (region_dir(PRD) / "secretsmanager/get-resource-policy/prod%2Fpartner-api%2Btoken.json").exists()
    assert (region_dir(MGT, "eu-west-1") / "sqs/list-queues.json").read_text() == ""


# --------------------------------------------------------------------------------------------------
# CIS AWS Foundations Benchmark v3.0.0, IAM section, recomputed from the files
# --------------------------------------------------------------------------------------------------

COLLECTED = calendar.timegm(time.strptime("2026-11-20T09:30:00", "%Y-%m-%dT%H:%M:%S"))


def ts(v: str) -> int:
    return calendar.timegm(time.strptime(v[:19], "%Y-%m-%dT%H:%M:%S"))


def days_ago(v: str) -> float:
    return (COLLECTED - ts(v)) / 86400


def cis_verdicts(account: str) -> dict[str, str]:
    iam = SNAP / "accounts" / account / "global" / "iam"
    summary = load(iam / "get-account-summary.json")["SummaryMap"]
    rows = list(csv.DictReader(io.StringIO((iam / "credential-report.csv").read_text())))
    root, users = rows[0], rows[1:]
    pw = load(iam / "get-account-password-policy.json")["PasswordPolicy"] \
        if (iam / "get-account-password-policy.json").exists() else None
    virtual = load(iam / "list-virtual-mfa-devices.json")["VirtualMFADevices"]
    certs = load(iam / "list-server-certificates.json")["ServerCertificateMetadataList"]
    d = auth_details(account)
    entities = d["UserDetailList"] + d["GroupDetailList"] + d["RoleDetailList"]
    attached = {a["PolicyArn"] for e in entities for a in e["AttachedManagedPolicies"]}

    def ok(b: bool) -> str:
        return "PASS" if b else "FAIL"

    def keys(r: dict[str, str]) -> list[tuple[str, str, str]]:
        return [(r[f"access_key_{i}_active"], r[f"access_key_{i}_last_rotated"], r[f"access_key_{i}_last_used_date"])
                for i in (1, 2)]

    def stale(r: dict[str, str]) -> bool:
        if r["password_enabled"] == "true":
            last = r["password_last_used"] if r["password_last_used"] != "no_information" else r["user_creation_time"]
            if days_ago(last) >= 45:
                return True
        return any(a == "true" and days_ago(used if used != "N/A" else rot) >= 45 for a, rot, used in keys(r))

    full_admin = False
    for p in d["Policies"]:
        if p["Arn"] in attached:
            doc = next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
            full_admin |= any(s["Effect"] == "Allow" and "*" in as_list(s.get("Action", [])) and
                              "*" in as_list(s.get("Resource", [])) for s in statements(doc))
    analyzers = []
    for r in load(SNAP / "manifest.json")["regions"]:
        f = SNAP / "accounts" / account / "regions" / r / "accessanalyzer" / "list-analyzers.json"
        analyzers.append(None if not f.exists() else any(a["status"] == "ACTIVE" for a in load(f)["analyzers"]))
    root_used = [root["password_last_used"]] + [u for a, _, u in keys(root)]
    return {
        "1.4": ok(summary["AccountAccessKeysPresent"] == 0),
        "1.5": ok(summary["AccountMFAEnabled"] == 1),
        "1.6": ok(summary["AccountMFAEnabled"] == 1 and
                  not any(v["SerialNumber"].endswith(":mfa/root-account-mfa-device") for v in virtual)),
        "1.7": ok(all(u in ("N/A", "no_information") or days_ago(u) > 30 for u in root_used)),
        "1.8": ok(pw is not None and pw["MinimumPasswordLength"] >= 14),
        "1.9": ok(pw is not None and pw.get("PasswordReusePrevention", 0) >= 24),
        "1.10": ok(all(r["mfa_active"] == "true" for r in users if r["password_enabled"] == "true")),
        "1.11": ok(not any(r["password_enabled"] == "true" and a == "true" and used == "N/A" and
                           abs(ts(rot) - ts(r["user_creation_time"])) < 3600 for r in users for a, rot, used in keys(r))),
        "1.12": ok(not any(stale(r) for r in users)),
        "1.13": ok(not any(all(a == "true" for a, _, _ in keys(r)) for r in users)),
        "1.14": ok(not any(a == "true" and days_ago(rot) > 90 for r in users for a, rot, _ in keys(r))),
        "1.15": ok(not any(u["UserPolicyList"] or u["AttachedManagedPolicies"] for u in d["UserDetailList"])),
        "1.16": ok(not full_admin),
        "1.17": ok("arn:aws:iam::aws:policy/AWSSupportAccess" in attached),
        "1.19": ok(not any(ts(c["Expiration"]) < COLLECTED for c in certs)),
        "1.20": "not assessable" if None in analyzers else ok(all(analyzers)),
        "1.22": ok("arn:aws:iam::aws:policy/AWSCloudShellFullAccess" not in attached),
    }


def test_cis_iam_checks_match_the_readme_and_each_passes_and_fails_somewhere() -> None:
    header = readme().split("## CIS AWS Foundations Benchmark v3.0.0 — IAM checks", 1)[1]
    names = [c.strip() for c in next(l for l in header.splitlines() if l.startswith("| check |")).strip("|").split("|")][1:]
    name_to_id = {a["Name"].removeprefix("northwind-"): a["Id"]
                  for a in load(SNAP / "organizations/list-accounts.json")["Accounts"]}
    verdicts = {a: cis_verdicts(a) for a in name_to_id.values()}
    rows = readme_table("## CIS AWS Foundations Benchmark v3.0.0 — IAM checks")
    assert len(rows) == 17
    for row in rows:
        check = re.match(r"\*\*(\d+\.\d+)\*\*", row[0]).group(1)  # type: ignore[union-attr]
        documented = {name_to_id[n]: cell.split(":")[0] for n, cell in zip(names, row[1:])}
        computed = {a: verdicts[a][check] for a in documented}
        assert documented == computed, check
        assert "PASS" in computed.values() and "FAIL" in computed.values(), check


@pytest.mark.parametrize("account,check,expected", [
    (STG, "1.6", "FAIL"), (MGT, "1.6", "PASS"),      # root MFA listed as a virtual device vs hardware
    (MKT, "1.8", "FAIL"), (SEC, "1.8", "PASS"),      # NoSuchEntity vs 16 characters
    (SEC, "1.16", "PASS"), (MKT, "1.16", "FAIL"),    # nothing grants *:* vs LegacyFullAccess
])
def test_cis_spot_checks(account: str, check: str, expected: str) -> None:
    assert cis_verdicts(account)[check] == expected
