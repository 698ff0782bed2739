"""Differential test: the C++ engine against the small test-only reference evaluator
(tests/python/reference/refeval.py, written independently from FORMAT.md and the AWS docs) on
randomly generated authorization questions. Any disagreement is a bug in one of the two."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from accessgraph import conformance

from .reference import generate, refeval

SEEDS = [1, 7, 2024]
N = 4000


@pytest.mark.parametrize("seed", SEEDS)
def test_engine_agrees_with_reference_on_random_policies(seed: int) -> None:
    vectors = generate.generate(seed, N)
    expected = [refeval.decide(v) for v in vectors]
    for v, e in zip(vectors, expected):
        v["expected"] = e
    parsed = list(conformance.parse_lines(json.dumps(v) for v in vectors))
    got = conformance.decide(parsed)
    disagreements = [(v["id"], v["category"], e, g) for v, e, g in zip(vectors, expected, got) if e != g]
    assert disagreements == [], f"{len(disagreements)} of {N} disagree; first: {disagreements[:5]}"
    # The random mix exercises all three outcomes, so agreement is not vacuous.
    mix = Counter(expected)
    assert all(mix[d] > N // 10 for d in ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied")), mix
