"""`accessgraph.synth` / `accessgraph synth`: seeded synthetic organizations in the LAYOUT.md form."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from accessgraph.synth import write_synthetic_org

DATA = Path(__file__).resolve().parents[1] / "data"
VALIDATE = DATA / "tools" / "validate_layout.py"

# The header of the IAM credential report, as the IAM User Guide ("Getting credential reports") lists it.
AWS_CREDENTIAL_REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
    "cert_2_active,cert_2_last_rotated")

SMALL = dict(principals_per_account=20, resource_policies_per_account=30)


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if text.strip() else {}


def auth_details(account_dir: Path) -> dict[str, list[Any]]:
    """get-account-authorization-details, merged over pages (LAYOUT.md "Pagination")."""
    iam = account_dir / "global" / "iam"
    single = iam / "get-account-authorization-details.json"
    pages = [single] if single.exists() else sorted((iam / "get-account-authorization-details").glob("page-*.json"))
    assert pages, f"no get-account-authorization-details in {account_dir}"
    out: dict[str, list[Any]] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    for p in pages:
        for k, v in load(p).items():
            if k in out:
                out[k] += v
    return out


def policy_docs(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every resource policy of the snapshot, parsed: (kind, document)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for f in root.glob("accounts/*/global/s3api/get-bucket-policy/*.json"):
        out.append(("s3", json.loads(load(f)["Policy"])))
    for f in root.glob("accounts/*/regions/*/kms/get-key-policy/*.json"):
        out.append(("kms", json.loads(load(f)["Policy"])))
    for f in root.glob("accounts/*/regions/*/sqs/get-queue-attributes/*.json"):
        if "Policy" in load(f)["Attributes"]:
            out.append(("sqs", json.loads(load(f)["Attributes"]["Policy"])))
    for f in root.glob("accounts/*/regions/*/sns/get-topic-attributes/*.json"):
        out.append(("sns", json.loads(load(f)["Attributes"]["Policy"])))
    for f in root.glob("accounts/*/regions/*/lambda/get-policy/*.json"):
        out.append(("lambda", json.loads(load(f)["Policy"])))
    for f in root.glob("accounts/*/regions/*/secretsmanager/get-resource-policy/*.json"):
        if "ResourcePolicy" in load(f):
            out.append(("secretsmanager", json.loads(load(f)["ResourcePolicy"])))
    for f in root.glob("accounts/*/regions/*/ecr/get-repository-policy/*.json"):
        out.append(("ecr", json.loads(load(f)["policyText"])))
    return out


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "accessgraph", *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("synth") / "org"
    counts = write_synthetic_org(root, accounts=6, seed=11, **SMALL)
    return root, counts


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    a = write_synthetic_org(tmp_path / "a", accounts=4, seed=3, **SMALL)
    b = write_synthetic_org(tmp_path / "b", accounts=4, seed=3, **SMALL)
    ha, hb = tree_hashes(tmp_path / "a"), tree_hashes(tmp_path / "b")
    assert a == b
    assert len(ha) == a["files"]
    assert ha == hb


def test_files_do_not_depend_on_worker_processes(tmp_path: Path) -> None:
    write_synthetic_org(tmp_path / "one", accounts=8, seed=5, workers=1, **SMALL)
    write_synthetic_org(tmp_path / "two", accounts=8, seed=5, workers=2, **SMALL)
    assert tree_hashes(tmp_path / "one") == tree_hashes(tmp_path / "two")


def test_cli_is_deterministic_across_interpreter_hash_seeds(tmp_path: Path) -> None:
    """String hashing is randomised per process; nothing in the output may depend on set or hash order."""
    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}"
        p = run_cli("synth", "--accounts", "3", "--seed", "9", "--out", str(out), "--principals-per-account", "15",
                    "--resource-policies-per-account", "20", env={"PYTHONHASHSEED": hash_seed})
        assert p.returncode == 0, p.stderr
        outs.append(tree_hashes(out))
    assert outs[0] == outs[1]


def test_another_seed_gives_another_organization(tmp_path: Path) -> None:
    write_synthetic_org(tmp_path / "a", accounts=3, seed=1, **SMALL)
    write_synthetic_org(tmp_path / "b", accounts=3, seed=2, **SMALL)
    a, b = load(tmp_path / "a" / "manifest.json"), load(tmp_path / "b" / "manifest.json")
    assert a["collector_account_id"] != b["collector_account_id"]
    assert a["collected_at"] == b["collected_at"] == "2026-11-20T09:30:00Z"


@pytest.mark.parametrize("accounts", [2, 7])
def test_counts_scale_with_accounts_and_match_the_files(tmp_path: Path, accounts: int) -> None:
    root = tmp_path / "org"
    c = write_synthetic_org(root, accounts=accounts, seed=4, principals_per_account=12, resource_policies_per_account=25)
    assert c["accounts"] == accounts
    assert c["principals"] == c["users"] + c["roles"] == 12 * accounts
    assert c["resource_policies"] == 25 * accounts
    # the same numbers, read back from the files
    account_dirs = sorted((root / "accounts").iterdir())
    assert len(account_dirs) == accounts == len(load(root / "organizations" / "list-accounts.json")["Accounts"])
    users = roles = 0
    for adir in account_dirs:
        d = auth_details(adir)
        users += len(d["UserDetailList"])
        roles += len(d["RoleDetailList"])
    assert (users, roles) == (c["users"], c["roles"])
    assert len(policy_docs(root)) == c["resource_policies"]
    assert sum(1 for p in root.rglob("*") if p.is_file()) == c["files"]


def test_validate_layout_passes(org: tuple[Path, dict[str, int]]) -> None:
    root, _ = org
    p = subprocess.run([sys.executable, str(VALIDATE), str(root)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.rstrip().endswith(": ok")


def test_validate_layout_notices_a_broken_snapshot(tmp_path: Path) -> None:
    """The checker used above does reject a snapshot with a missing per-resource file."""
    root = tmp_path / "org"
    write_synthetic_org(root, accounts=2, seed=8, **SMALL)
    victim = next(root.glob("accounts/*/global/s3api/get-bucket-acl/*.json"))
    victim.unlink()
    p = subprocess.run([sys.executable, str(VALIDATE), str(root)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 1
    assert "missing mandatory file" in p.stdout


def test_organization_has_nested_ous_and_both_policy_types(tmp_path: Path) -> None:
    root = tmp_path / "org"
    c = write_synthetic_org(root, accounts=80, seed=6, principals_per_account=4, resource_policies_per_account=2)
    o = root / "organizations"
    roots = load(o / "list-roots.json")["Roots"]
    assert {t["Type"]: t["Status"] for t in roots[0]["PolicyTypes"]} == {
        "SERVICE_CONTROL_POLICY": "ENABLED", "RESOURCE_CONTROL_POLICY": "ENABLED"}
    depth: dict[str, int] = {roots[0]["Id"]: 0}
    todo, seen_accounts = [roots[0]["Id"]], 0
    while todo:
        parent = todo.pop()
        for u in load(o / "list-organizational-units-for-parent" / f"{parent}.json")["OrganizationalUnits"]:
            depth[u["Id"]] = depth[parent] + 1
            todo.append(u["Id"])
        seen_accounts += len(load(o / "list-accounts-for-parent" / f"{parent}.json")["Accounts"])
    assert seen_accounts == 80
    assert len(depth) - 1 == c["organizational_units"] == 4  # about accounts / 20
    assert max(depth.values()) in (2, 3)
    for ptype, managed in (("SERVICE_CONTROL_POLICY", "p-FullAWSAccess"), ("RESOURCE_CONTROL_POLICY", "p-RCPFullAWSAccess")):
        listed = load(o / "list-policies" / f"{ptype}.json")["Policies"]
        assert managed in [p["Id"] for p in listed] and len(listed) >= 3
        for p in listed:
            body = load(o / "describe-policy" / f"{p['Id']}.json")["Policy"]
            assert body["PolicySummary"]["Type"] == ptype
            json.loads(body["Content"])
        targets = load(o / "list-targets-for-policy" / f"{managed}.json")["Targets"]
        assert len(targets) == 1 + 4 + 80  # root, every OU, every account
    kinds = {t["Type"] for p in load(o / "list-policies" / "RESOURCE_CONTROL_POLICY.json")["Policies"]
             for t in load(o / "list-targets-for-policy" / f"{p['Id']}.json")["Targets"]}
    assert kinds == {"ROOT", "ORGANIZATIONAL_UNIT", "ACCOUNT"}


def test_iam_content(org: tuple[Path, dict[str, int]]) -> None:
    root, _ = org
    with open(DATA.parents[1] / "python" / "accessgraph" / "data" / "aws-managed-policies.json", encoding="utf-8") as fh:
        managed = {json.dumps(v["Document"], sort_keys=True) for v in json.load(fh).values()}
    mgmt = load(root / "manifest.json")["collector_account_id"]
    members = [a for a in sorted((root / "accounts").iterdir()) if a.name != mgmt]
    trusts: list[dict[str, Any]] = []
    for adir in members:
        d = auth_details(adir)
        assert all(u["GroupList"] for u in d["UserDetailList"]), "every user is in a group"
        roles = {r["RoleName"]: r for r in d["RoleDetailList"]}
        assert roles["OrganizationAccountAccessRole"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
            "AWS": f"arn:aws:iam::{mgmt}:root"}
        assert any(r["Path"].startswith("/aws-service-role/") for r in d["RoleDetailList"])
        trusts += [s for r in d["RoleDetailList"] for s in r["AssumeRolePolicyDocument"]["Statement"]]
        local = [p for p in d["Policies"] if ":aws:policy/" not in p["Arn"]]
        aws = [p for p in d["Policies"] if ":aws:policy/" in p["Arn"]]
        assert local and aws
        for p in local:
            default = [v for v in p["PolicyVersionList"] if v["IsDefaultVersion"]]
            assert len(default) == 1
            assert json.dumps(default[0]["Document"], sort_keys=True) in managed, p["PolicyName"]
        bounded = [e for e in d["UserDetailList"] + d["RoleDetailList"] if "PermissionsBoundary" in e]
        assert bounded
        arns = {p["Arn"] for p in d["Policies"]}
        assert {e["PermissionsBoundary"]["PermissionsBoundaryArn"] for e in bounded} <= arns
        with open(adir / "global" / "iam" / "credential-report.csv", newline="") as fh:
            rows = list(csv.DictReader(io.StringIO(fh.read())))
        with open(adir / "global" / "iam" / "credential-report.csv") as fh:
            assert fh.readline().rstrip("\n") == AWS_CREDENTIAL_REPORT_HEADER
        assert rows[0]["user"] == "<root_account>"
        assert [r["user"] for r in rows[1:]] == [u["UserName"] for u in d["UserDetailList"]]
        summary = load(adir / "global" / "iam" / "get-account-summary.json")["SummaryMap"]
        assert (summary["Users"], summary["Roles"]) == (len(d["UserDetailList"]), len(d["RoleDetailList"]))
    external_id = [s for s in trusts if "sts:ExternalId" in json.dumps(s.get("Condition", {}))]
    services = [s for s in trusts if "Service" in s["Principal"]]
    member_ids = {a.name for a in (root / "accounts").iterdir()}
    cross = [s for s in trusts if "AWS" in s["Principal"] and s["Principal"]["AWS"].split(":")[4] in member_ids
             and "OrganizationAccountAccessRole" not in json.dumps(s)]
    assert external_id and services and cross


def test_resource_policy_shapes(tmp_path: Path) -> None:
    root = tmp_path / "org"
    write_synthetic_org(root, accounts=8, seed=12, principals_per_account=10, resource_policies_per_account=60)
    org_id = load(root / "organizations" / "describe-organization.json")["Organization"]["Id"]
    members = {a.name for a in (root / "accounts").iterdir()}
    kinds: dict[str, set[str]] = {}
    for kind, doc in policy_docs(root):
        for s in doc["Statement"]:
            if s["Effect"] != "Allow":
                continue
            text = json.dumps(s.get("Condition", {}))
            principal = s["Principal"]
            found = kinds.setdefault(kind, set())
            if principal in ("*", {"AWS": "*"}):
                if org_id in text:
                    found.add("org-wide")
                elif "aws:PrincipalOrgID" in text:
                    found.add("other-org")
                elif "Condition" not in s:
                    found.add("public")
            elif "Service" in principal:
                if "SourceArn" in text or "SourceAccount" in text or "SourceOwner" in text:
                    found.add("service+source")
            else:
                aws = principal["AWS"] if isinstance(principal["AWS"], list) else [principal["AWS"]]
                for arn in aws:
                    acct = arn.split(":")[4] if arn.startswith("arn:") else arn
                    found.add("member" if acct in members else "external")
    everywhere = set.union(*kinds.values())
    assert {"org-wide", "other-org", "public", "service+source", "member", "external"} <= everywhere
    assert set(kinds) == {"s3", "kms", "sqs", "sns", "lambda", "secretsmanager", "ecr"}
    regions = load(root / "manifest.json")["regions"]
    for r in regions:
        assert list(root.glob(f"accounts/*/regions/{r}/kms/get-key-policy/*.json")), f"no key in {r}"
    escaped = list(root.glob("accounts/*/regions/*/secretsmanager/get-resource-policy/*%2F*.json"))
    assert escaped, "secret names with '/' are written percent-escaped"


def test_cli_writes_a_valid_snapshot_and_one_summary_line(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    p = run_cli("synth", "--accounts", "3", "--seed", "1", "--out", str(out))
    assert p.returncode == 0, p.stderr
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 1 and "3 accounts" in lines[0] and "300 principals" in lines[0], p.stdout
    assert "600 with a policy" in lines[0]
    assert p.stderr == ""  # not a terminal: no progress bar
    assert len(list((out / "accounts").iterdir())) == 3
    v = subprocess.run([sys.executable, str(VALIDATE), str(out)], capture_output=True, text=True, timeout=300)
    assert v.returncode == 0, v.stdout


def test_cli_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    p = run_cli("synth", "--accounts", "2", "--seed", "1", "--out", str(tmp_path))
    assert p.returncode == 2
    assert "not an empty directory" in p.stderr
    assert [f.name for f in tmp_path.iterdir()] == ["keep.txt"]


def test_library_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("")
    with pytest.raises(FileExistsError):
        write_synthetic_org(tmp_path, accounts=1, seed=1)
    with pytest.raises(ValueError):
        write_synthetic_org(tmp_path / "new", accounts=0, seed=1)
