#!/usr/bin/env python3
"""Regenerates the derived seed files of cpp/fuzz/corpus/ (deterministic output).

    python3 cpp/fuzz/make_corpus.py

* corpus/policy/managed-*.json: about 20 AWS managed policy documents from
  python/accessgraph/data/aws-managed-policies.json, chosen greedily so that together they use as
  many policy elements, condition operators, condition keys and policy variables as possible, while
  each stays small (fast to mutate).
* corpus/vector/public-*.jsonl: 10 lines of tests/data/conformance/public.jsonl, the shortest line
  of each of the CATEGORIES below that fills the most policy slots (between them they use every policy type: SCPs, RCPs, boundaries,
  session and resource policies, NotPrincipal, set operators, variables).

Hand-written edge cases (corpus/*/edge-*) are not touched.
"""
from __future__ import annotations

import json
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MANAGED = ROOT / "python/accessgraph/data/aws-managed-policies.json"
VECTORS = ROOT / "tests/data/conformance/public.jsonl"

MAX_POLICY_BYTES = 3000
POLICY_COUNT = 20
MAX_VECTOR_BYTES = 2500
CATEGORIES = ["conditions", "set-operators", "variables", "notprincipal", "kms-key-policy",
              "sts-trust-policy", "session-policy", "permission-boundary", "s3-block-public-access",
              "full-stack"]


def statements(doc: dict) -> list:
    s = doc.get("Statement", [])
    return s if isinstance(s, list) else [s]


def features(doc: dict) -> set[str]:
    text = json.dumps(doc)
    f: set[str] = set()
    for st in statements(doc):
        f.update("element:" + k for k in st)
        for op, keys in st.get("Condition", {}).items():
            f.add("operator:" + op)
            f.update("key:" + k.split("/")[0].lower() for k in keys)
    f.update("variable:" + v for v in re.findall(r"\$\{([^}]*)\}", text))
    if "?" in text:
        f.add("question-mark")
    if not isinstance(doc.get("Statement"), list):
        f.add("statement-object")
    f.add("version:" + str(doc.get("Version")))
    return f


def pick_policies() -> list[tuple[str, dict]]:
    data = json.loads(MANAGED.read_text())
    candidates = []
    for name, entry in sorted(data.items()):
        doc = entry["Document"]
        size = len(json.dumps(doc))
        if size <= MAX_POLICY_BYTES:
            candidates.append((name, doc, features(doc), size))
    chosen: list[tuple[str, dict]] = []
    covered: set[str] = set()
    while len(chosen) < POLICY_COUNT and candidates:
        # Most new features first, then the smaller document, then the name (determinism).
        best = max(candidates, key=lambda c: (len(c[2] - covered), -c[3], c[0]))
        candidates.remove(best)
        covered |= best[2]
        chosen.append((best[0], best[1]))
    return chosen


def pick_vectors() -> list[tuple[str, str]]:
    by_category: dict[str, list[str]] = {}
    for line in VECTORS.read_text().splitlines():
        if line.strip():
            by_category.setdefault(json.loads(line)["category"], []).append(line)
    def richness(line: str) -> tuple[int, int]:
        v = json.loads(line)
        kinds = sum(bool(v.get(k)) for k in ("identity_policies", "permission_boundary", "scps", "rcps",
                                                "resource_policy", "session_policy", "options"))
        return (kinds if len(line) <= MAX_VECTOR_BYTES else -1, -len(line))

    return [(c, max(by_category[c], key=richness)) for c in CATEGORIES if c in by_category]


def main() -> None:
    policy_dir = HERE / "corpus/policy"
    vector_dir = HERE / "corpus/vector"
    for d in (policy_dir, vector_dir):
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("managed-*"):
            old.unlink()
        for old in d.glob("public-*"):
            old.unlink()
    for name, doc in pick_policies():
        (policy_dir / f"managed-{name}.json").write_text(json.dumps(doc, indent=1) + "\n")
    for category, line in pick_vectors():
        vid = json.loads(line)["id"]
        (vector_dir / f"public-{category}-{vid}.jsonl").write_text(line + "\n")


if __name__ == "__main__":
    main()
