"""Conformance vectors (one authorization question per JSON line, see tests/data/conformance/FORMAT.md).

Anyone with vectors in that format can check the engine against them::

    report = accessgraph.conformance.check_lines(open("vectors.jsonl"))
    report.failed == 0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from . import _core
from ._core import PolicySet, Request


@dataclass(frozen=True)
class Vector:
    line: int
    id: str
    category: str
    request: Request
    policies: PolicySet
    expected: str


class VectorError(ValueError):
    """A line that is not a valid vector: names the line, the JSON pointer and the problem."""

    def __init__(self, line: int, code: str, json_pointer: str, message: str) -> None:
        self.line = line
        self.code = code
        self.json_pointer = json_pointer
        self.message = message
        where = json_pointer or "/"
        super().__init__(f"line {line}: {code} at {where}: {message}")


def parse_lines(lines: Iterable[str]) -> Iterator[Vector]:
    """Parse JSONL text into vectors; blank lines are skipped. Raises VectorError."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            vid, category, request, policies, expected = _core._parse_vector(text)
        except _core.PolicyParseError as e:
            raise VectorError(number, e.code, e.json_pointer, e.message) from None
        yield Vector(number, vid, category, request, policies, expected)


@dataclass
class CategoryResult:
    passed: int = 0
    failed: int = 0


@dataclass
class Report:
    total: int = 0
    passed: int = 0
    by_category: dict[str, CategoryResult] = field(default_factory=dict)
    mismatches: list[tuple[Vector, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.total - self.passed


def check(vectors: Iterable[Vector]) -> Report:
    """Decide every vector (in C++, in one batch) and compare with its expected decision."""
    vs = list(vectors)
    decisions = _core._evaluate_batch([v.request for v in vs], [v.policies for v in vs]).decisions if vs else []
    report = Report()
    for v, got in zip(vs, decisions):
        cat = report.by_category.setdefault(v.category, CategoryResult())
        report.total += 1
        if got == v.expected:
            report.passed += 1
            cat.passed += 1
        else:
            cat.failed += 1
            report.mismatches.append((v, got))
    return report


def decide(vectors: Iterable[Vector]) -> list[str]:
    """The engine's decision for each vector, in order."""
    vs = list(vectors)
    if not vs:
        return []
    return list(_core._evaluate_batch([v.request for v in vs], [v.policies for v in vs]).decisions)


def category_counts(vectors: Iterable[Vector]) -> Counter[str]:
    return Counter(v.category for v in vectors)
