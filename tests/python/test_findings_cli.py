"""`accessgraph findings DIR --zone Z [--archive-rules F] [--previous F] --format table|json|sarif|html
[--diff-out F]`: output formats, exit codes (0 no active finding, 1 active findings, 2 error) and
one clear error line on stderr without a traceback.

Expected findings come from the AWS documentation (see test_findings.py and shared/findings/README.md);
here the CLI wiring is pinned on the worked scenarios and on small trees from `findings_trees`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .findings_trees import A, OUTSIDE, OUTSIDE2, SnapshotTree, allow, policy, root_arn, write_tree

DATA = Path(__file__).resolve().parents[1] / "data" / "findings"
CHECKER = DATA / "check_findings.py"
P1, P2 = DATA / "p1" / "snapshot", DATA / "p2" / "snapshot"


def cli(*args: Any, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # As in CI: not a terminal, no inherited terminal width.
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "accessgraph", "findings", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env, cwd=cwd)


def assert_one_clear_error(p: subprocess.CompletedProcess[str], *must_contain: str) -> None:
    """Exit 2, nothing on stdout, no traceback, and the error stated on one line of stderr."""
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert p.stdout == ""
    assert "Traceback" not in p.stderr
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error:"), p.stderr
    for text in must_contain:
        assert text in lines[0], f"{text!r} not on the error line: {p.stderr!r}"


def bucket_tree(tmp_path: Path, name: str = "snap", *, grant: bool = True, put: bool = False, extra: bool = False,
                collected_at: str = "2026-01-15T10:00:00Z") -> Path:
    t = SnapshotTree(collected_at=collected_at)
    actions = ["s3:GetObject", "s3:PutObject"] if put else "s3:GetObject"
    t.bucket(A, "tst-cli", policy(allow({"AWS": root_arn(OUTSIDE)}, actions, "arn:aws:s3:::tst-cli/*")) if grant else None)
    t.role(A, "vendor", policy(allow({"AWS": root_arn(OUTSIDE)}, "sts:AssumeRole")) if grant
           else policy(allow({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")))
    if extra:
        t.queue(A, "tst-cli-new", policy(allow({"AWS": root_arn(OUTSIDE2)}, "sqs:SendMessage")))
    return write_tree(t.build(), tmp_path / name)


# ----------------------------------------------------------------------------------------------
# formats and exit codes


SCENARIOS = [(p, z) for p in ("p1", "p2") for z in json.loads((DATA / p / "expected_findings.json").read_text())]


# shared/findings/README.md: `accessgraph findings … --format json` piped to the checker passes
# every zone of both scenarios with --require-rcp.
@pytest.mark.parametrize(("scenario", "zone"), SCENARIOS, ids=[f"{p}-{z}" for p, z in SCENARIOS])
def test_json_output_passes_the_checker_in_every_zone(scenario: str, zone: str, tmp_path: Path) -> None:
    p = cli(DATA / scenario / "snapshot", "--zone", zone, "--format", "json")
    assert p.returncode == 1, p.stderr  # every zone of the scenarios has active findings
    out = tmp_path / "actual.json"
    out.write_text(p.stdout)
    c = subprocess.run([sys.executable, str(CHECKER), str(DATA / scenario), str(out), "--zone", zone, "--require-rcp"],
                       capture_output=True, text=True, timeout=120)
    assert c.returncode == 0, c.stdout + c.stderr


def test_json_format_prints_only_json_on_stdout() -> None:
    p = cli(P1, "--zone", "organization", "--format", "json")
    assert p.returncode == 1
    data = json.loads(p.stdout)  # the whole of stdout is one JSON document
    assert isinstance(data, list) and len(data) == 11
    assert all({"id", "resource", "principal", "action", "status"} <= set(f) for f in data)
    assert p.stdout.lstrip().startswith("[") and p.stdout.rstrip().endswith("]")


def test_json_output_is_byte_identical_across_runs() -> None:
    a = cli(P2, "--zone", "organization", "--format", "json")
    b = cli(P2, "--zone", "organization", "--format", "json")
    assert a.stdout.encode() == b.stdout.encode() and a.stdout


def test_default_zone_is_the_organization() -> None:
    default = cli(P1, "--format", "json")
    explicit = cli(P1, "--zone", "organization", "--format", "json")
    assert default.stdout == explicit.stdout


def test_table_format_names_the_findings_and_exits_1() -> None:
    p = cli(P1, "--zone", "organization", "--format", "table")
    assert p.returncode == 1, p.stderr
    assert "arn:aws:s3:::larkspur-ship-label-uploads" in p.stdout
    assert "11 active finding(s)" in p.stdout


def test_sarif_format_is_sarif_2_1_0() -> None:
    p = cli(P1, "--zone", "organization", "--format", "sarif")
    assert p.returncode == 1, p.stderr
    sarif = json.loads(p.stdout)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "accessgraph"
    assert len(run["results"]) == 11
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert all(r["ruleId"] in rules and r["level"] in ("error", "warning", "note") for r in run["results"])


def test_html_format_is_a_page_listing_the_findings() -> None:
    p = cli(P1, "--zone", "organization", "--format", "html")
    assert p.returncode == 1, p.stderr
    assert p.stdout.lower().startswith("<!doctype html>") and p.stdout.rstrip().endswith("</html>")
    assert "arn:aws:s3:::larkspur-ship-label-uploads" in p.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "html"])
def test_no_external_access_exits_0(fmt: str, tmp_path: Path) -> None:
    snap = bucket_tree(tmp_path, grant=False)
    p = cli(snap, "--zone", "organization", "--format", fmt)
    assert p.returncode == 0, (p.stdout, p.stderr)
    if fmt == "json":
        assert json.loads(p.stdout) == []


def test_exit_0_when_every_finding_is_archived(tmp_path: Path) -> None:
    # IAM UG, "Archive rules": archived findings are not active.
    snap = bucket_tree(tmp_path)
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"ruleName": "partner", "filter": {"principal.AWS": {"eq": [OUTSIDE]}}}]))
    p = cli(snap, "--zone", "organization", "--archive-rules", rules, "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert len(data) == 2 and {f["status"] for f in data} == {"ARCHIVED"}


def test_exit_1_while_some_finding_stays_active(tmp_path: Path) -> None:
    snap = bucket_tree(tmp_path)
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"archiveRules": [{"ruleName": "roles", "filter": {
        "resourceType": {"eq": ["AWS::IAM::Role"]}}}]}))
    p = cli(snap, "--archive-rules", rules, "--format", "json")
    assert p.returncode == 1
    assert sorted(f["status"] for f in json.loads(p.stdout)) == ["ACTIVE", "ARCHIVED"]


# ----------------------------------------------------------------------------------------------
# errors: exit 2, one clear line on stderr, no traceback


def test_missing_snapshot_is_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-snapshot"
    assert_one_clear_error(cli(missing, "--format", "json"), "no-such-snapshot")


@pytest.mark.parametrize("zone", ["everyone", "account:12345", "account:abcdefabcdef"])
def test_bad_zone_is_exit_2(zone: str) -> None:
    assert_one_clear_error(cli(P1, "--zone", zone, "--format", "json"), zone)


def test_zone_account_not_in_the_snapshot_is_exit_2() -> None:
    assert_one_clear_error(cli(P1, "--zone", "account:999999999999", "--format", "json"), "999999999999")


@pytest.mark.parametrize(("content", "detail"), [
    ("{not json", "not JSON"),
    (json.dumps([{"ruleName": "r", "filter": {"resource": {"equals": ["x"]}}}]), "eq, neq, contains or exists"),
], ids=["not-json", "unknown-criterion"])
def test_bad_archive_rules_file_is_exit_2(content: str, detail: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(content)
    assert_one_clear_error(cli(P1, "--archive-rules", rules, "--format", "json"), detail)


def test_missing_archive_rules_file_is_exit_2(tmp_path: Path) -> None:
    assert_one_clear_error(cli(P1, "--archive-rules", tmp_path / "rules.json", "--format", "json"), "rules.json")


def test_missing_previous_file_is_exit_2(tmp_path: Path) -> None:
    assert_one_clear_error(cli(P1, "--previous", tmp_path / "prev.json", "--format", "json"), "prev.json")


# ----------------------------------------------------------------------------------------------
# lifecycle: --previous and --diff-out (IAM UG, "IAM Access Analyzer findings": removed access is
# Resolved; a changed access is a new finding)


def test_previous_and_diff_out(tmp_path: Path) -> None:
    before = bucket_tree(tmp_path, "before", collected_at="2026-01-01T00:00:00Z")
    first = cli(before, "--format", "json")
    assert first.returncode == 1
    prev = tmp_path / "previous.json"
    prev.write_text(first.stdout)
    old = {f["resource"]: f for f in json.loads(first.stdout)}

    after = bucket_tree(tmp_path, "after", put=True, extra=True, collected_at="2026-02-01T00:00:00Z")
    diff = tmp_path / "diff.json"
    second = cli(after, "--previous", prev, "--diff-out", diff, "--format", "json")
    assert second.returncode == 1, second.stderr
    cur = json.loads(second.stdout)
    d = json.loads(diff.read_text())
    assert set(d) == {"new", "resolved", "changed", "unchanged"}

    role = next(r for r in old if ":role/" in r)
    bucket = "arn:aws:s3:::tst-cli"
    queue = next(f for f in cur if f["resource"].endswith(":tst-cli-new"))
    # unchanged role trust: same id, still active
    assert [f["id"] for f in cur if f["resource"] == role and f["status"] == "ACTIVE"] == [old[role]["id"]]
    # changed bucket access: the old finding RESOLVED, a new ACTIVE one
    statuses = {f["id"]: f["status"] for f in cur if f["resource"] == bucket}
    assert statuses[old[bucket]["id"]] == "RESOLVED"
    new_bucket = [i for i, s in statuses.items() if s == "ACTIVE"]
    assert len(new_bucket) == 1
    assert d["changed"] and d["changed"][0]["old_id"] == old[bucket]["id"] and d["changed"][0]["new_id"] == new_bucket[0]
    assert d["new"] == [queue["id"]] and d["resolved"] == [] and d["unchanged"] == 1

    # the access removed altogether: RESOLVED, exit 0 (nothing active)
    gone = bucket_tree(tmp_path, "gone", grant=False)
    third = cli(gone, "--previous", prev, "--diff-out", diff, "--format", "json")
    assert third.returncode == 0, third.stderr
    assert {f["status"] for f in json.loads(third.stdout)} == {"RESOLVED"}
    assert sorted(json.loads(diff.read_text())["resolved"]) == sorted(f["id"] for f in old.values())


def test_diff_out_without_previous_writes_nothing(tmp_path: Path) -> None:
    snap = bucket_tree(tmp_path)
    diff = tmp_path / "diff.json"
    p = cli(snap, "--diff-out", diff, "--format", "json")
    assert p.returncode == 1 and not diff.exists()
