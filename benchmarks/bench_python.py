#!/usr/bin/env python3
"""Throughput of accessgraph from Python, and the comparison with @cloud-copilot/iam-simulate.

Measures, single thread, on the conformance mix (tests/data/conformance/public.jsonl):

* ``evaluate_batch``: ``accessgraph.evaluate_batch(requests, policy_sets)`` with the policies
  compiled once (by ``accessgraph.conformance.parse_lines``) and reused;
* baseline ``evaluate`` loop: ``accessgraph.evaluate(request, policies)`` called once per request
  from Python (same compiled objects);
* iam-simulate (Node.js, benchmarks/node/bench_iam_simulate.mjs) on the same vectors, in this
  invocation: how many vectors it decides, how many of those agree with the expected decision, and
  its decisions per second; accessgraph's ratio to it on the vectors it decides.

It also folds in the C++ figures of this invocation (``--cpp-results``, written by bench_eval),
prints one table of figures, targets and ratios (with the previous run, when
benchmarks/out/results.json exists) and writes benchmarks/out/results.json.

Nothing here asserts a time: the targets are printed, not enforced.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import accessgraph
from accessgraph import conformance

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_VECTORS = REPO / "tests" / "data" / "conformance" / "public.jsonl"
DEFAULT_OUT = HERE / "out" / "results.json"
NODE_DIR = HERE / "node"
NODE_SCRIPT = NODE_DIR / "bench_iam_simulate.mjs"

# Targets from the issue; printed next to the figures, never asserted.
TARGETS = {
    "cpp_eval_decisions_per_s": (">=", 1_000_000),
    "py_batch_decisions_per_s": (">=", 200_000),
    "cpp_managed_parse_ms": ("<", 50),
    "ratio_cpp_vs_iam_simulate": (">=", 500),
}


class Rates:
    """Items per second of each run: per CPU second of this thread, and per wall-clock second."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.wall: list[float] = []

    @property
    def median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def best(self) -> float:
        return max(self.cpu)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)


def measure(fn: Callable[[], object], items: int, runs: int, min_time: float) -> Rates:
    """`runs` runs; a run repeats `fn` for at least `min_time` seconds of this thread's CPU time.

    CPU time (time.thread_time, which includes the C++ work done with the GIL released on this
    thread) keeps other processes sharing the cores from counting against the engine.
    """
    fn()  # warm-up, untimed
    rates = Rates()
    for _ in range(runs):
        n = 0
        w0, c0 = time.perf_counter(), time.thread_time()
        while True:
            fn()
            n += 1
            cpu = time.thread_time() - c0
            if cpu >= min_time:
                break
        wall = time.perf_counter() - w0
        rates.cpu.append(items * n / cpu)
        rates.wall.append(items * n / wall)
    return rates


def fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.2f}"
    return f"{v:.4f}"


def git_describe() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def stale_extension_warning() -> str | None:
    """A warning when the installed extension is older than the engine sources of this checkout."""
    try:
        ext = Path(accessgraph._core.__file__).stat().st_mtime
        newest = max(p.stat().st_mtime for p in (REPO / "cpp").rglob("*") if p.suffix in {".cpp", ".hpp"})
    except (OSError, ValueError, AttributeError):
        return None
    if newest > ext:
        return ("note: the installed accessgraph extension is older than cpp/ in this checkout; the Python "
                "figures measure the installed build (reinstall: python -m pip install .)")
    return None


def run_iam_simulate(vectors: Path, runs: int, ids_out: Path) -> dict[str, Any] | None:
    node = shutil.which("node")
    if node is None:
        print("iam-simulate: skipped (node is not installed)")
        return None
    if not (NODE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
        print(f"iam-simulate: skipped (not installed; run `npm ci --prefix {NODE_DIR}`)")
        return None
    print(f"iam-simulate: running {NODE_SCRIPT.name} ({runs} timed passes, about 1-2 s each)...", flush=True)
    proc = subprocess.run([node, str(NODE_SCRIPT), str(vectors), "--runs", str(runs), "--ids-out", str(ids_out)],
                          capture_output=True, text=True, cwd=NODE_DIR)
    if proc.returncode != 0:
        print(f"iam-simulate: failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
        return None
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run_cpp_subset(binary: Path, vectors: Path, ids: Path, runs: int, min_time: float) -> float | None:
    """C++ evaluate() decisions/s on the vectors listed in `ids` (bench_eval --ids)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "subset.json"
        proc = subprocess.run([str(binary), "--only", "eval", "--vectors", str(vectors), "--ids", str(ids),
                               "--runs", str(runs), "--min-time", str(min_time), "--json", str(out),
                               "--previous", "none"], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"bench_eval --ids failed (exit {proc.returncode}): {proc.stderr.strip()}")
            return None
        return float(json.loads(out.read_text())["figures"]["eval_decisions_per_s"]["median"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    ap.add_argument("--runs", type=int, default=7, help="timed runs per figure (median reported)")
    ap.add_argument("--min-time", type=float, default=0.5, help="seconds per timed run")
    ap.add_argument("--node-runs", type=int, default=3, help="timed passes of iam-simulate over the vectors")
    ap.add_argument("--no-node", action="store_true", help="skip the iam-simulate comparison")
    ap.add_argument("--cpp-results", type=Path, help="bench_eval JSON of this invocation, to fold into the table")
    ap.add_argument("--cpp-bench", type=Path, help="bench_eval binary, to time C++ on the vectors iam-simulate decides")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    previous: dict[str, Any] = {}
    if args.out.exists():
        try:
            previous = json.loads(args.out.read_text())
        except (OSError, ValueError):
            previous = {}

    started = _dt.datetime.now(_dt.timezone.utc)
    la = os.getloadavg()
    meta = {
        "date_utc": started.isoformat(timespec="seconds"),
        "unix_time": int(started.timestamp()),
        "git": git_describe(),
        "accessgraph": accessgraph.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "loadavg_at_start": list(la),
        "vectors_file": str(args.vectors),
        "clock": "CPU time of the benchmarking thread (process CPU time for Node.js); wall_median is wall-clock",
    }
    figures: dict[str, dict[str, Any]] = {}
    stale = stale_extension_warning()
    if stale:
        print(stale)
        meta["note"] = stale

    def figure(key: str, label: str, unit: str, value: float, best: float | None = None,
               wall: float | None = None, higher_is_better: bool = True) -> None:
        figures[key] = {"label": label, "unit": unit, "median": value, "best": best, "wall_median": wall,
                        "higher_is_better": higher_is_better}

    # ---- vectors, compiled once -------------------------------------------------------------
    text = args.vectors.read_text().splitlines()
    t0 = time.thread_time()
    vectors = list(conformance.parse_lines(text))
    parse_s = time.thread_time() - t0
    requests = [v.request for v in vectors]
    policies = [v.policies for v in vectors]
    decisions = accessgraph.evaluate_batch(requests, policies)
    agree = sum(d.decision == v.expected for d, v in zip(decisions, vectors))
    print(f"vectors: {args.vectors}\n  {len(vectors)} parsed + compiled in {parse_s * 1e3:.0f} ms "
          f"(parse_lines), {agree} agree with the expected decision")
    figure("py_parse_vectors_per_s", "parse_lines(): parse + compile vectors", "vectors/s", len(vectors) / parse_s)

    # ---- Python batch API vs per-call loop ---------------------------------------------------
    def batch(reqs: list[Any] = requests, pols: list[Any] = policies) -> None:
        accessgraph.evaluate_batch(reqs, pols)

    def loop(reqs: list[Any] = requests, pols: list[Any] = policies) -> None:
        ev = accessgraph.evaluate
        for r, p in zip(reqs, pols):
            ev(r, p)

    rates = measure(batch, len(vectors), args.runs, args.min_time)
    figure("py_batch_decisions_per_s", "Python evaluate_batch(), compiled policies reused", "decisions/s",
           rates.median, rates.best, rates.wall_median)
    rates = measure(loop, len(vectors), max(3, args.runs // 2), args.min_time)
    figure("py_loop_decisions_per_s", "baseline: Python evaluate() called per request", "decisions/s",
           rates.median, rates.best, rates.wall_median)

    # ---- C++ figures of this invocation ------------------------------------------------------
    cpp: dict[str, Any] = {}
    if args.cpp_results and args.cpp_results.exists():
        cpp = json.loads(args.cpp_results.read_text())
        names = {"eval_decisions_per_s": "cpp_eval_decisions_per_s", "explain_per_s": "cpp_explain_per_s",
                 "naive_decisions_per_s": "cpp_naive_decisions_per_s", "managed_parse_ms": "cpp_managed_parse_ms",
                 "eval_warm_decisions_per_s": "cpp_eval_warm_decisions_per_s"}
        for src, dst in names.items():
            f = cpp.get("figures", {}).get(src)
            if f:
                figure(dst, "C++ " + f["label"], f["unit"], f["median"], f.get("best"), f.get("wall_median") or None,
                       f.get("higher_is_better", True))

    # ---- iam-simulate on the same vectors ----------------------------------------------------
    sim: dict[str, Any] | None = None
    subset: dict[str, Any] = {}
    if not args.no_node:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        ids_file = args.out.parent / "iam_simulate_decided_ids.txt"
        sim = run_iam_simulate(args.vectors, args.node_runs, ids_file)
        if sim is not None:
            figure("iam_simulate_decisions_per_s", f"iam-simulate {sim['version']} runSimulation() (node {sim['node']})",
                   "decisions/s", sim["decisions_per_s"], sim.get("best_decisions_per_s"), sim.get("wall_decisions_per_s"))
            decided_ids = set(ids_file.read_text().split())
            subset = {"decided": sim["decided"], "agree": sim["agree"], "vectors": sim["vectors"]}
            if decided_ids == {v.id for v in vectors}:
                # It decides every vector: accessgraph's figures above are on the same set.
                subset["py_batch_decisions_per_s"] = figures["py_batch_decisions_per_s"]["median"]
                if "cpp_eval_decisions_per_s" in figures:
                    subset["cpp_eval_decisions_per_s"] = figures["cpp_eval_decisions_per_s"]["median"]
            elif decided_ids:
                sub = [v for v in vectors if v.id in decided_ids]
                sreq, spol = [v.request for v in sub], [v.policies for v in sub]
                rates = measure(lambda: accessgraph.evaluate_batch(sreq, spol), len(sub), args.runs, args.min_time)
                subset["py_batch_decisions_per_s"] = rates.median
                if args.cpp_bench:
                    r = run_cpp_subset(args.cpp_bench, args.vectors, ids_file, args.runs, args.min_time)
                    if r is not None:
                        subset["cpp_eval_decisions_per_s"] = r

    # ---- ratios ------------------------------------------------------------------------------
    ratios: dict[str, float] = {}

    def med(key: str) -> float:
        """The median of a figure; 0 when it was not measured."""
        return float(figures[key]["median"]) if key in figures else 0.0

    def ratio(name: str, num: float, den: float) -> None:
        if num > 0 and den > 0:
            ratios[name] = num / den

    ratio("py_batch_vs_py_loop", med("py_batch_decisions_per_s"), med("py_loop_decisions_per_s"))
    ratio("cpp_compiled_vs_naive", med("cpp_eval_decisions_per_s"), med("cpp_naive_decisions_per_s"))
    ratio("cpp_vs_py_batch", med("cpp_eval_decisions_per_s"), med("py_batch_decisions_per_s"))
    sim_rate = med("iam_simulate_decisions_per_s")
    if sim_rate > 0:
        if subset.get("cpp_eval_decisions_per_s"):
            ratios["ratio_cpp_vs_iam_simulate"] = subset["cpp_eval_decisions_per_s"] / sim_rate
        if subset.get("py_batch_decisions_per_s"):
            ratios["ratio_py_batch_vs_iam_simulate"] = subset["py_batch_decisions_per_s"] / sim_rate

    # ---- report ------------------------------------------------------------------------------
    prev_figs = previous.get("figures", {})
    prev_ratios = previous.get("ratios", {})
    if previous:
        print(f"\nprevious run: {args.out} ({previous.get('meta', {}).get('date_utc', '?')}, "
              f"git {previous.get('meta', {}).get('git', '?')})")
    else:
        print(f"\nprevious run: none ({args.out} does not exist yet)")

    def target_cell(key: str, value: float | None) -> str:
        if key not in TARGETS or value is None:
            return ""
        op, t = TARGETS[key]
        ok = value >= t if op == ">=" else value < t
        return f"{op} {fmt(t)}: {'yes' if ok else 'NO'}"

    w = 62
    print(f"\n{'figure (single thread, CPU time, median of runs)':<{w}} {'median':>13} {'best run':>13} "
          f"{'wall median':>13} {'previous':>13} {'vs prev':>8}  {'unit':<15} target")
    for key, f in figures.items():
        p = prev_figs.get(key, {}).get("median")
        vs = "-"
        if p:
            vs = f"{(f['median'] / p) if f['higher_is_better'] else (p / f['median']):.2f}x"
        print(f"{f['label'][:w]:<{w}} {fmt(f['median']):>13} {fmt(f.get('best')):>13} {fmt(f.get('wall_median')):>13} "
              f"{fmt(p):>13} {vs:>8}  {f['unit']:<15} {target_cell(key, f['median'])}")

    labels = {
        "py_batch_vs_py_loop": "Python evaluate_batch / per-call evaluate loop",
        "cpp_compiled_vs_naive": "C++ compiled reuse / naive parse-per-request",
        "cpp_vs_py_batch": "C++ evaluate / Python evaluate_batch",
        "ratio_cpp_vs_iam_simulate": "C++ evaluate / iam-simulate (vectors it decides)",
        "ratio_py_batch_vs_iam_simulate": "Python evaluate_batch / iam-simulate (vectors it decides)",
    }
    if ratios:
        print(f"\n{'ratio':<{w}} {'now':>13} {'previous':>13}  target")
        for key, r in ratios.items():
            p = prev_ratios.get(key)
            print(f"{labels[key]:<{w}} {r:>12,.1f}x {(f'{p:,.1f}x' if p else '-'):>13}  {target_cell(key, r)}")
    if sim is not None:
        print(f"\niam-simulate {sim['version']}: decided {sim['decided']} of {sim['vectors']} vectors; "
              f"{sim['agree']} of those agree with the expected decision")
        for reason, n in sorted(sim.get("unsupported", {}).items(), key=lambda kv: -kv[1])[:10]:
            print(f"  not decided ({n}): {reason}")

    print(f"\nmachine: {meta['cpu']}, {meta['cpus']} CPUs, load average at start {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} "
          "(other processes share these cores: compare runs made under similar load)")

    results = {"meta": meta, "figures": figures, "ratios": ratios, "targets": {k: list(v) for k, v in TARGETS.items()},
               "iam_simulate": sim, "iam_simulate_subset": subset, "cpp": cpp,
               "vectors": {"count": len(vectors), "agree_with_expected": agree}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
