"""The public conformance vectors, decided through the Python API: 2,000 of 2,000 right."""

from __future__ import annotations

from pathlib import Path

from accessgraph import conformance


def test_every_public_vector_is_decided_as_aws_decides(public_vectors_path: Path) -> None:
    vectors = list(conformance.parse_lines(public_vectors_path.read_text().splitlines()))
    assert len(vectors) == 2000
    report = conformance.check(vectors)
    wrong = [(v.id, v.category, v.expected, got) for v, got in report.mismatches]
    assert wrong == []
    assert report.passed == 2000
    # Every category of the file is exercised.
    assert len(report.by_category) == 16


def test_single_and_batch_decisions_agree(public_vectors_path: Path) -> None:
    import accessgraph as ag

    vectors = list(conformance.parse_lines(public_vectors_path.read_text().splitlines()))[:300]
    single = [ag.evaluate(v.request, v.policies).decision for v in vectors]
    assert single == conformance.decide(vectors)
    # explain() replays the same decision with tracing on.
    assert [ag.evaluate(v.request, v.policies).explain().decision for v in vectors] == single
