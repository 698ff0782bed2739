"""README command 1: `accessgraph demo` analyses the bundled example organization."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "accessgraph", *args], capture_output=True, text=True, timeout=300)


def test_demo_prints_the_example_organizations_findings() -> None:
    p = run("demo")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "o-nw7r0b0t1c" in out
    # Example org README, M1 (public bucket) and M12 (secret shared with the partner, blocked by an RCP).
    assert "northwind-www-assets" in out
    assert "blocked by a resource control policy" in out
    assert "Traceback" not in p.stderr


def test_engine_demo_explains_each_decision() -> None:
    p = run("demo", "--engine")
    assert p.returncode == 0, p.stderr
    for decision in ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied"):
        assert decision in p.stdout
    assert 'Sid "NoDeletes"' in p.stdout
