"""Run the reference evaluator over a conformance JSONL file and report disagreements.

Usage (from the repository root):
    python tests/python/reference/check_reference.py FILE.jsonl [--quiet] [--max-shown N]

Prints one line per mismatch (id, category, expected, got), then per-category counts.
Exit status: 0 when every vector agrees, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys

if __package__ in (None, ""):
    # Run as a script: make `reference` importable from its parent directory.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from reference.refeval import decide  # noqa: E402
else:
    from .refeval import decide


def load_vectors(path: str) -> list:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def check(vectors: list, show, max_shown: int) -> tuple[int, int]:
    """Compare decide() with `expected` for every vector; returns (agreeing, total)."""
    per_category = collections.defaultdict(lambda: [0, 0])  # category -> [agree, total]
    shown = 0
    for vector in vectors:
        got = decide(vector)
        expected = vector.get("expected")
        counts = per_category[vector.get("category", "?")]
        counts[1] += 1
        if got == expected:
            counts[0] += 1
        elif shown < max_shown:
            shown += 1
            show(f"MISMATCH {vector.get('id')} [{vector.get('category')}] "
                 f"expected={expected} got={got}")
    show("")
    show(f"{'category':32s} {'agree':>7s} {'total':>7s}")
    agree_all = total_all = 0
    for category in sorted(per_category):
        agree, total = per_category[category]
        agree_all += agree
        total_all += total
        show(f"{category:32s} {agree:7d} {total:7d}")
    show(f"{'TOTAL':32s} {agree_all:7d} {total_all:7d}")
    return agree_all, total_all


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", help="conformance vectors (one JSON object per line)")
    parser.add_argument("--max-shown", type=int, default=1000,
                        help="print at most this many mismatches")
    args = parser.parse_args(argv)
    agree, total = check(load_vectors(args.jsonl), print, args.max_shown)
    return 0 if agree == total else 1


if __name__ == "__main__":
    sys.exit(main())
