"""`accessgraph check-vectors`: the conformance runner anyone can use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "accessgraph", *args], input=stdin, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def lines(public_vectors_path: Path) -> list[str]:
    return public_vectors_path.read_text().splitlines()


def test_summary_passes_on_public_vectors(public_vectors_path: Path) -> None:
    p = run("check-vectors", str(public_vectors_path))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "2000/2000" in p.stdout
    assert "sts-trust-policy" in p.stdout  # per-category rows


def test_decisions_prints_one_line_per_input_in_order(lines: list[str]) -> None:
    sample = "\n".join(lines[:50]) + "\n"
    p = run("check-vectors", "--decisions", "-", stdin=sample)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [json.loads(l)["expected"] for l in lines[:50]]


def test_mismatch_exits_non_zero_and_is_reported(lines: list[str]) -> None:
    v = json.loads(lines[0])
    flipped = {"Allowed": "ImplicitlyDenied", "ImplicitlyDenied": "Allowed", "ExplicitlyDenied": "Allowed"}
    v["expected"] = flipped[v["expected"]]
    p = run("check-vectors", "-", stdin=json.dumps(v) + "\n" + lines[1] + "\n")
    assert p.returncode == 1
    assert "MISMATCH" in p.stdout and v["id"] in p.stdout
    assert "1/2" in p.stdout


def test_malformed_line_is_one_clear_error_with_line_and_pointer(lines: list[str]) -> None:
    v = json.loads(lines[0])
    v["identity_policies"] = [{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"Nope": {}}}]}]
    p = run("check-vectors", "-", stdin=lines[1] + "\n" + json.dumps(v) + "\n")
    assert p.returncode == 2
    assert "line 2" in p.stderr
    assert "unknown-condition-operator" in p.stderr
    assert "/identity_policies/0/Statement/0/Condition/Nope" in p.stderr
    assert "Traceback" not in p.stderr


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    p = run("check-vectors", str(tmp_path / "nope.jsonl"))
    assert p.returncode == 2
    assert "cannot read" in p.stderr and "Traceback" not in p.stderr


def test_not_json_is_a_clear_error() -> None:
    p = run("check-vectors", "-", stdin="this is not json\n")
    assert p.returncode == 2
    assert "line 1" in p.stderr and "invalid-json" in p.stderr


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("accessgraph ")
    assert "check-vectors" in run("--help").stdout
