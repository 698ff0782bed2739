#!/usr/bin/env python3
"""Scale of accessgraph on synthetic organizations (``accessgraph synth``), at several sizes.

For each size (default 100, 300 and 1,000 accounts; about 100 principals and 200 resource policies
per account) it measures, every figure in a fresh process so that peak RSS is that of the work
measured:

* **load + build**: ``accessgraph.load_snapshot(DIR)``, then the access graph (``org.graph``): wall
  and CPU time (user and system), and the peak RSS of the process;
* **who_can**: ``org.who_can(action, resource)`` over seeded random queries drawn from the
  snapshot's resources: median, p95 and max per query (wall and CPU);
* **findings**: ``org.findings(zone="organization")``, every external-access finding of the
  organization zone: wall and CPU time, peak RSS (and the C++ part alone,
  ``graph.external_access_findings``);

with baselines measured in the same invocation:

* reading every file of the snapshot, and parsing every JSON file with Python's ``json``
  (the floor of any loader written in Python), against which the load is a ratio;
* the naive who-can: ``graph.can(principal, action, resource)`` for every principal of the
  organization, on the first few queries, against which ``who_can`` is a ratio;
* the growth curve: time per account (and per principal) of each size against the smallest size
  of this invocation; 1.00x is linear.

It prints one table per figure, the growth curve and the targets, and writes
benchmarks/out/org_results.json (the figures of an earlier run there are printed as *previous*).
Snapshots are generated under /tmp (``--keep DIR`` keeps them there and reuses them next time);
never in the repository. The machine is assumed shared: CPU time is printed next to wall time and
the load average is recorded before every measurement. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_OUT = HERE / "out" / "org_results.json"
DEFAULT_SIZES = (100, 300, 1000)
TARGET_ACCOUNTS = 1000

# Targets from the issue, at 1,000 accounts (100,000 principals, 200,000 resource policies);
# printed next to the figures, never asserted. (key, operator, value, unit)
TARGETS = {
    "load_build_s": ("<", 30.0, "s"),
    "load_build_peak_rss_mb": ("<", 4096.0, "MB"),
    "who_can_median_ms": ("<", 10.0, "ms"),
    "findings_s": ("<", 60.0, "s"),
    "findings_peak_rss_mb": ("<", 4096.0, "MB"),
}

# Resource types of the snapshot -> (service prefix, resource types of the action catalogue).
RESOURCE_TYPES = {
    "AWS::S3::Bucket": ("s3", ("bucket", "object")),
    "AWS::SQS::Queue": ("sqs", ("queue",)),
    "AWS::SNS::Topic": ("sns", ("topic",)),
    "AWS::Lambda::Function": ("lambda", ("function",)),
    "AWS::KMS::Key": ("kms", ("key",)),
    "AWS::SecretsManager::Secret": ("secretsmanager", ("secret",)),
    "AWS::ECR::Repository": ("ecr", ("repository",)),
}


# ==================================================================================================
# Worker: one measurement in a fresh process; prints one JSON line on stdout
# ==================================================================================================

def _status_kb(field: str) -> int:
    """A `kB` line of /proc/self/status (VmHWM: peak RSS so far, VmRSS: now); 0 if unavailable."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Clock:
    """Wall, process CPU (all threads), user and system time of a block."""

    def __enter__(self) -> "Clock":
        self._w, self._c, self._t = time.perf_counter(), time.process_time(), os.times()
        return self

    def __exit__(self, *exc: object) -> None:
        t = os.times()
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c
        self.user = t.user - self._t.user
        self.sys = t.system - self._t.system

    def to_dict(self, **extra: Any) -> dict[str, Any]:
        return {"wall_s": self.wall, "cpu_s": self.cpu, "user_s": self.user, "sys_s": self.sys, **extra}


def _read_files(snapshot: Path) -> dict[str, Any]:
    """Baseline: read every file of the snapshot, then parse every .json file with `json`."""
    paths: list[str] = []
    for root, _dirs, files in os.walk(snapshot):
        paths.extend(os.path.join(root, f) for f in files)
    paths.sort()
    nbytes = 0
    with Clock() as read:
        for p in paths:
            with open(p, "rb") as f:
                nbytes += len(f.read())
    jpaths = [p for p in paths if p.endswith(".json")]
    with Clock() as parse:
        for p in jpaths:
            with open(p, "rb") as f:
                json.loads(f.read())
    return {"files": len(paths), "bytes": nbytes, "json_files": len(jpaths), "read": read.to_dict(),
            "read_and_parse_json": parse.to_dict()}


def _draw_queries(org: Any, catalogue: Any, n: int, seed: int) -> list[tuple[str, str]]:
    """`n` seeded (action, resource ARN) queries drawn from the snapshot's resources.

    A resource is drawn uniformly; the action is, with probability 1/2, one the resource's policy
    allows (wildcards expanded with the action catalogue), otherwise any action of the service that
    applies to the resource type. S3 object actions get an object ARN inside the bucket.
    """
    resources: list[tuple[str, str, Any]] = []
    for aid in org.account_ids:
        for r in org.account(aid)["resources"]:
            resources.append((r["type"], r["arn"], r["policy"]))
    if not resources:
        raise SystemExit("the snapshot has no resources to query")
    info_cache: dict[str, tuple[str, ...]] = {}

    def types_of(action: str) -> tuple[str, ...]:
        if action not in info_cache:
            found = catalogue.find(action)
            info_cache[action] = tuple(t.lower() for t in (found or {}).get("resource_types") or ())
        return info_cache[action]

    pools: dict[str, list[str]] = {}

    def service_pool(rtype: str, arn: str) -> list[str]:
        if rtype not in pools:
            service, cat_types = RESOURCE_TYPES.get(rtype, (arn.split(":")[2], ()))
            acts = catalogue.expand(service + ":*")
            fit = [a for a in acts if set(types_of(a)) & set(cat_types)] if cat_types else []
            pools[rtype] = fit or acts
        return pools[rtype]

    rng = random.Random(seed)
    queries: list[tuple[str, str]] = []
    for i in range(n):
        rtype, arn, pol = rng.choice(resources)
        acts: list[str] = []
        if pol is not None and rng.random() < 0.5:
            named: set[str] = set()
            for st in pol.statements:
                if st["effect"] != "Allow":
                    continue
                for a in st.get("Action", []):
                    named.update(catalogue.expand(a) if "*" in a or "?" in a else [a])
            acts = sorted(named)
        if not acts:
            acts = service_pool(rtype, arn)
        action = rng.choice(acts)
        if rtype == "AWS::S3::Bucket":
            t = types_of(action)
            if "object" in t and "bucket" not in t:
                arn = f"{arn}/data/{i:04d}/part-{rng.randrange(1000):03d}.json"
        queries.append((action, arn))
    return queries


def _pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1), linear interpolation between closest ranks."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def worker(kind: str, snapshot: Path, args: argparse.Namespace) -> dict[str, Any]:
    if kind == "read":
        return _read_files(snapshot)

    import accessgraph
    from accessgraph.organization import action_catalogue

    out: dict[str, Any] = {"rss_after_import_kb": _status_kb("VmRSS"), "extension": extension_id()}
    with Clock() as cat:
        catalogue = action_catalogue()  # loaded once per process by org.graph; fixed cost, timed apart
    out["catalogue"] = cat.to_dict()
    out["rss_baseline_kb"] = _status_kb("VmHWM")
    out["rss_catalogue_kb"] = _status_kb("VmRSS")
    with Clock() as load:
        org = accessgraph.load_snapshot(snapshot)
    out["load"] = load.to_dict(hwm_kb=_status_kb("VmHWM"))
    with Clock() as build:
        graph = org.graph
    out["build"] = build.to_dict(hwm_kb=_status_kb("VmHWM"), rss_kb=_status_kb("VmRSS"))
    out["counts"] = org.counts()
    out["problems"] = len(org.problems)

    if kind == "who_can":
        queries = _draw_queries(org, catalogue, args.queries, args.query_seed)
        warm = min(3, len(queries))
        with Clock() as first:
            org.who_can(*queries[0])
        out["who_can_first_query_ms"] = first.wall * 1e3
        for q in queries[1:warm]:  # warm-up, untimed
            org.who_can(*q)
        walls, cpus, sizes = [], [], []
        for action, arn in queries:
            w0, c0 = time.perf_counter(), time.process_time()
            rows = org.who_can(action, arn)
            cpus.append(time.process_time() - c0)
            walls.append(time.perf_counter() - w0)
            sizes.append(len(rows))
        out["who_can"] = {
            "queries": len(queries), "query_seed": args.query_seed,
            "median_ms": statistics.median(walls) * 1e3, "p95_ms": _pct(walls, 0.95) * 1e3,
            "max_ms": max(walls) * 1e3, "mean_ms": statistics.fmean(walls) * 1e3,
            "cpu_median_ms": statistics.median(cpus) * 1e3, "cpu_p95_ms": _pct(cpus, 0.95) * 1e3,
            "results_median": statistics.median(sizes), "results_max": max(sizes),
            "examples": [list(q) for q in queries[:5]],
        }
        # Baseline: the naive who-can, can() for every principal of the organization.
        principals = [p["arn"] for p in graph.principals]
        naive = []
        for i, (action, arn) in enumerate(queries[:args.naive_queries]):
            w0, c0 = time.perf_counter(), time.process_time()
            allowed = sum(1 for p in principals if graph.can(p, action, arn).allowed)
            c = time.process_time() - c0
            w = time.perf_counter() - w0
            naive.append({"query": i, "wall_ms": w * 1e3, "cpu_ms": c * 1e3, "allowed": allowed,
                          "who_can_wall_ms": walls[i] * 1e3, "who_can_cpu_ms": cpus[i] * 1e3,
                          "who_can_results": sizes[i]})
        out["naive"] = {"principals": len(principals), "queries": naive}
    elif kind == "findings":
        zone = "organization"
        with Clock() as fnd:
            findings = org.findings(zone=zone)
        out["findings"] = fnd.to_dict(hwm_kb=_status_kb("VmHWM"), count=len(findings), zone=zone)
        del findings
        with Clock() as raw:
            raw_rows = graph.external_access_findings(zone)
        out["findings_raw"] = raw.to_dict(count=len(raw_rows))
    out["hwm_kb"] = _status_kb("VmHWM")
    return out


# ==================================================================================================
# Driver
# ==================================================================================================

def extension_id() -> str:
    """Path, size and modification time of the accessgraph extension this interpreter imports: the
    installed build can be replaced while a long run goes on (another `pip install`)."""
    import accessgraph

    ext = Path(accessgraph._core.__file__)
    st = ext.stat()
    mtime = _dt.datetime.fromtimestamp(st.st_mtime, _dt.timezone.utc).isoformat(timespec="seconds")
    return f"{ext} ({st.st_size} bytes, modified {mtime})"


def run_worker(kind: str, snapshot: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; add its rusage (os.wait4) and the load average."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--snapshot", str(snapshot),
           "--queries", str(args.queries), "--query-seed", str(args.query_seed),
           "--naive-queries", str(args.naive_queries)]
    la = os.getloadavg()
    w0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir(),
                            env=getattr(args, "worker_env", None))
    assert proc.stdout is not None
    text = proc.stdout.read()
    proc.stdout.close()
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - w0
    if proc.returncode != 0:
        raise SystemExit(f"worker {kind} on {snapshot} failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    result["process"] = {"wall_s": wall, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
                         "peak_rss_kb": ru.ru_maxrss,  # kilobytes on Linux
                         "loadavg_before": list(la), "loadavg_after": list(os.getloadavg())}
    return result


def ensure_snapshot(size: int, seed: int, keep: Path | None) -> tuple[Path, dict[str, Any], bool]:
    """The snapshot of `size` accounts: reused from `keep` when complete there, else generated.
    Returns (directory, synth counts, generated now)."""
    from accessgraph.synth import write_synthetic_org

    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        snap = keep / f"org-{size}-seed{seed}"
        marker = keep / f"org-{size}-seed{seed}.done.json"
        if marker.exists() and snap.is_dir():
            return snap, json.loads(marker.read_text()), False
        if snap.exists():
            raise SystemExit(f"{snap} exists but was not completed by bench_org.py (no {marker.name}); "
                             "delete it or choose another --keep directory")
    else:
        snap = Path(tempfile.mkdtemp(prefix=f"accessgraph-bench-org-{size}-", dir="/tmp"))
        marker = None
    need = size * 2.6e6  # about 2.3 MB of disk per account (many small files)
    free = shutil.disk_usage(snap.parent).free
    if free < 1.2 * need:
        raise SystemExit(f"not enough disk for {size} accounts under {snap.parent}: "
                         f"about {need / 1e9:.1f} GB needed, {free / 1e9:.1f} GB free")
    print(f"  generating {size} accounts (seed {seed}) in {snap} ...", flush=True)
    w0 = time.perf_counter()
    counts: dict[str, Any] = dict(write_synthetic_org(snap, accounts=size, seed=seed))
    counts["generation_wall_s"] = time.perf_counter() - w0
    print(f"  generated in {counts['generation_wall_s']:.0f} s: {counts['principals']:,} principals, "
          f"{counts['resource_policies']:,} resource policies, {counts['files']:,} files, "
          f"{counts['bytes'] / 1e6:,.0f} MB", flush=True)
    if marker is not None:
        marker.write_text(json.dumps(counts, indent=2) + "\n")
    return snap, counts, True


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarize(size: int, synth: dict[str, Any], read: dict[str, Any], runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures of one size from its worker results (every worker loads and builds; `runs` are all)."""
    loads = [r for r in runs if "load" in r]
    lb_wall = [r["load"]["wall_s"] + r["build"]["wall_s"] for r in loads]
    lb_cpu = [r["load"]["cpu_s"] + r["build"]["cpu_s"] for r in loads]
    only = [r for r in runs if r["kind"] == "load"]
    counts = loads[0]["counts"]
    s: dict[str, Any] = {
        "accounts": size, "principals": counts.get("principals"), "resources": counts.get("resources"),
        "resource_policies": counts.get("resource_policies"), "policies": counts.get("policies"),
        "problems": loads[0]["problems"], "synth": synth, "baseline_read": read,
        "load_build": {
            "samples": len(loads), "wall_samples_s": lb_wall, "cpu_samples_s": lb_cpu,
            "sample_processes": [r["kind"] for r in loads],
            "wall_s": _med(lb_wall), "cpu_s": _med(lb_cpu), "best_wall_s": min(lb_wall), "best_cpu_s": min(lb_cpu),
            "load_wall_s": _med([r["load"]["wall_s"] for r in loads]),
            "load_cpu_s": _med([r["load"]["cpu_s"] for r in loads]),
            "load_user_s": _med([r["load"]["user_s"] for r in loads]),
            "load_sys_s": _med([r["load"]["sys_s"] for r in loads]),
            "build_wall_s": _med([r["build"]["wall_s"] for r in loads]),
            "build_cpu_s": _med([r["build"]["cpu_s"] for r in loads]),
            "catalogue_wall_s": _med([r["catalogue"]["wall_s"] for r in loads]),
            # peak of the processes that only load and build
            "peak_rss_mb": max(r["process"]["peak_rss_kb"] for r in only) / 1024,
            "rss_after_load_mb": _med([r["load"]["hwm_kb"] for r in loads]) / 1024,
            "rss_baseline_mb": _med([r["rss_baseline_kb"] for r in loads]) / 1024,
            "rss_after_build_mb": _med([r["build"]["rss_kb"] for r in loads]) / 1024,
            # resident after the build minus resident before the load: what the organization and graph hold
            "held_mb": _med([r["build"]["rss_kb"] - r["rss_catalogue_kb"] for r in loads]) / 1024,
            "loadavg_before": [r["process"]["loadavg_before"] for r in only],
        },
    }
    wc = next((r for r in runs if r["kind"] == "who_can"), None)
    if wc:
        s["who_can"] = dict(wc["who_can"], first_query_ms=wc["who_can_first_query_ms"],
                            loadavg_before=wc["process"]["loadavg_before"])
        s["naive"] = wc["naive"]
    fd = next((r for r in runs if r["kind"] == "findings"), None)
    if fd:
        s["findings"] = dict(fd["findings"], peak_rss_mb=fd["process"]["peak_rss_kb"] / 1024,
                             rss_before_mb=fd["build"]["hwm_kb"] / 1024, raw_wall_s=fd["findings_raw"]["wall_s"],
                             raw_cpu_s=fd["findings_raw"]["cpu_s"], loadavg_before=fd["process"]["loadavg_before"])
    return s


# ----- report -------------------------------------------------------------------------------------

def fmt(v: float | None, digits: int = 2) -> str:
    if v is None or v != v:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}" if digits <= 2 else f"{v:.1f}"
    return f"{v:.{digits}f}"


def table(header: list[str], rows: list[list[str]], left: int = 1) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for i, row in enumerate([header] + rows):
        cells = [str(c).ljust(w) if j < left else str(c).rjust(w) for j, (c, w) in enumerate(zip(row, widths))]
        print("  " + "  ".join(cells).rstrip())
        if i == 0:
            print("  " + "  ".join("-" * w for w in widths))


def ratio(a: float, b: float) -> float:
    return a / b if b and b == b else float("nan")


def verdict(key: str, value: float | None) -> str:
    if value is None or value != value:
        return "-"
    op, t, _unit = TARGETS[key]
    return "yes" if (value < t if op == "<" else value >= t) else "NO"


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


def report(sizes: dict[int, dict[str, Any]], previous: dict[str, Any]) -> dict[str, Any]:
    ns = sorted(sizes)
    base = sizes[ns[0]]

    def la(v: list[float]) -> str:
        return " ".join(f"{x:.1f}" for x in v)

    print("\n== sizes")
    table(["accounts", "principals", "resources", "resource policies", "policies", "problems", "snapshot files",
           "snapshot MB"],
          [[f"{n:,}", f"{s['principals']:,}", f"{s['resources']:,}", f"{s['resource_policies']:,}",
            f"{s['policies']:,}", str(s["problems"]), f"{s['baseline_read']['files']:,}",
            fmt(s["baseline_read"]["bytes"] / 1e6)] for n, s in sizes.items()])

    print("\n== load + build (load_snapshot, then org.graph); median of the processes that loaded it")
    table(["accounts", "samples", "wall s (min-max)", "CPU s", "load CPU (user/sys) s", "build CPU s", "catalogue s",
           "peak RSS MB", "held MB", "read files s (CPU)", "json.loads all s (CPU)", "load CPU / json CPU",
           "loadavg before"],
          [[f"{n:,}", str(s["load_build"]["samples"]),
            f"{fmt(s['load_build']['wall_s'])} ({fmt(min(s['load_build']['wall_samples_s']))}-"
            f"{fmt(max(s['load_build']['wall_samples_s']))})", fmt(s["load_build"]["cpu_s"]),
            f"{fmt(s['load_build']['load_cpu_s'])} ({fmt(s['load_build']['load_user_s'])}/"
            f"{fmt(s['load_build']['load_sys_s'])})", fmt(s["load_build"]["build_cpu_s"]),
            fmt(s["load_build"]["catalogue_wall_s"]), fmt(s["load_build"]["peak_rss_mb"]),
            fmt(s["load_build"]["held_mb"]),
            f"{fmt(s['baseline_read']['read']['wall_s'])} ({fmt(s['baseline_read']['read']['cpu_s'])})",
            f"{fmt(s['baseline_read']['read_and_parse_json']['wall_s'])} "
            f"({fmt(s['baseline_read']['read_and_parse_json']['cpu_s'])})",
            f"{s['load_build']['load_cpu_s'] / s['baseline_read']['read_and_parse_json']['cpu_s']:.2f}x",
            " | ".join(la(v) for v in s["load_build"]["loadavg_before"])] for n, s in sizes.items()])

    if all("who_can" in s for s in sizes.values()):
        print("\n== who_can(action, resource): seeded random queries drawn from the snapshot's resources")
        table(["accounts", "queries", "median ms", "p95 ms", "max ms", "CPU median ms", "CPU p95 ms", "first ms",
               "results median/max", "naive can() loop ms (CPU)", "naive / who_can", "loadavg before"],
              [[f"{n:,}", str(s["who_can"]["queries"]), fmt(s["who_can"]["median_ms"]), fmt(s["who_can"]["p95_ms"]),
                fmt(s["who_can"]["max_ms"]), fmt(s["who_can"]["cpu_median_ms"]), fmt(s["who_can"]["cpu_p95_ms"]),
                fmt(s["who_can"]["first_query_ms"]),
                f"{s['who_can']['results_median']:g}/{s['who_can']['results_max']}",
                (f"{fmt(_med([q['wall_ms'] for q in s['naive']['queries']]))} "
                 f"({fmt(_med([q['cpu_ms'] for q in s['naive']['queries']]))})") if s["naive"]["queries"] else "-",
                (f"{_med([q['cpu_ms'] / q['who_can_cpu_ms'] for q in s['naive']['queries']]):,.0f}x"
                 if s["naive"]["queries"] else "-"),
                la(s["who_can"]["loadavg_before"])] for n, s in sizes.items()])
        print("  naive: graph.can(p, action, resource) for every principal p of the organization (users, roles, "
              "account roots), on the first queries; ratio of CPU times, per query, median")

    if all("findings" in s for s in sizes.values()):
        print('\n== findings(zone="organization"): every external-access finding of the organization zone')
        table(["accounts", "findings", "wall s", "CPU s", "C++ part wall s (CPU)", "peak RSS MB",
               "RSS before MB", "loadavg before"],
              [[f"{n:,}", f"{s['findings']['count']:,}", fmt(s["findings"]["wall_s"]), fmt(s["findings"]["cpu_s"]),
                f"{fmt(s['findings']['raw_wall_s'])} ({fmt(s['findings']['raw_cpu_s'])})",
                fmt(s["findings"]["peak_rss_mb"]), fmt(s["findings"]["rss_before_mb"]),
                la(s["findings"]["loadavg_before"])] for n, s in sizes.items()])

    # ----- growth curve: per-account (per-principal) cost of each size against the smallest ----------
    def per(s: dict[str, Any], value: float, unit: str) -> float:
        return float(value) / float(s["principals"] if unit == "principal" else s["accounts"])

    curves: list[tuple[str, Callable[[dict[str, Any]], float], str, float, str]] = [
        ("load + build CPU", lambda s: s["load_build"]["cpu_s"], "account", 1e3, "ms"),
        ("load + build wall", lambda s: s["load_build"]["wall_s"], "account", 1e3, "ms"),
        ("organization + graph RSS", lambda s: s["load_build"]["held_mb"], "account", 1.0, "MB"),
        ("who_can CPU median", lambda s: s["who_can"]["cpu_median_ms"] if "who_can" in s else float("nan"),
         "principal", 1e3, "us"),
        ("findings CPU", lambda s: s["findings"]["cpu_s"] if "findings" in s else float("nan"), "account", 1e3, "ms"),
        ("findings wall", lambda s: s["findings"]["wall_s"] if "findings" in s else float("nan"), "account", 1e3,
         "ms"),
    ]
    growth: dict[str, dict[str, Any]] = {}
    print(f"\n== growth: cost per account (who_can: per principal) of each size; ratios against {ns[0]:,} accounts "
          "(this invocation) and against the next smaller size; 1.00x is linear")
    rows = []
    for label, get, unit, scale, u in curves:
        if all(get(sizes[n]) != get(sizes[n]) for n in ns):
            continue  # not measured (--no-who-can, --no-findings)
        g: dict[str, Any] = {}
        for i, n in enumerate(ns):
            v = per(sizes[n], get(sizes[n]), unit) * scale
            r0 = ratio(v, per(base, get(base), unit) * scale)
            prev_n = ns[i - 1] if i else n
            rp = ratio(v, per(sizes[prev_n], get(sizes[prev_n]), unit) * scale)
            g[str(n)] = {"per_" + unit: v, "unit": u, "vs_smallest": r0, "vs_previous_size": rp}
            rows.append([label if i == 0 else "", f"{n:,}", f"{fmt(v, 3)} {u}/{unit}",
                         "-" if i == 0 or r0 != r0 else f"{r0:.2f}x", "-" if i == 0 or rp != rp else f"{rp:.2f}x"])
        growth[label] = g
    table(["figure", "accounts", "per account", f"vs {ns[0]:,}", "vs previous size"], rows, left=1)

    # ----- targets -------------------------------------------------------------------------------------
    print(f"\n== targets (at {TARGET_ACCOUNTS:,} accounts / 100,000 principals / 200,000 resource policies)")
    at = sizes.get(TARGET_ACCOUNTS)
    src = f"measured at {TARGET_ACCOUNTS:,} accounts"
    values: dict[str, dict[str, float | None]] = {}
    if at is None:
        # Not measured at the target size: extrapolated linearly (per account / per principal) from the largest.
        big = sizes[ns[-1]]
        f = TARGET_ACCOUNTS / big["accounts"]
        src = f"NOT measured: extrapolated linearly from {ns[-1]:,} accounts (x{f:.2f})"
        # Memory: the fixed cost (interpreter + catalogue, its peak) plus what the organization holds, scaled.
        lb_peak = big["load_build"]["rss_baseline_mb"] + big["load_build"]["held_mb"] * f
        at = {"load_build": {"wall_s": big["load_build"]["wall_s"] * f, "cpu_s": big["load_build"]["cpu_s"] * f,
                             "peak_rss_mb": lb_peak}}
        if "who_can" in big:
            at["who_can"] = {"median_ms": big["who_can"]["median_ms"] * f,
                             "cpu_median_ms": big["who_can"]["cpu_median_ms"] * f}
        if "findings" in big:
            at["findings"] = {"wall_s": big["findings"]["wall_s"] * f, "cpu_s": big["findings"]["cpu_s"] * f,
                              "peak_rss_mb": lb_peak + max(0.0, big["findings"]["peak_rss_mb"] -
                                                           big["findings"]["rss_before_mb"]) * f}
    values["load_build_s"] = {"wall": at["load_build"]["wall_s"], "cpu": at["load_build"]["cpu_s"]}
    values["load_build_peak_rss_mb"] = {"wall": at["load_build"]["peak_rss_mb"], "cpu": None}
    if "who_can" in at:
        values["who_can_median_ms"] = {"wall": at["who_can"]["median_ms"], "cpu": at["who_can"]["cpu_median_ms"]}
    if "findings" in at:
        values["findings_s"] = {"wall": at["findings"]["wall_s"], "cpu": at["findings"]["cpu_s"]}
        values["findings_peak_rss_mb"] = {"wall": at["findings"]["peak_rss_mb"], "cpu": None}
    print(f"  ({src})")
    labels = {"load_build_s": "load + build", "load_build_peak_rss_mb": "load + build peak RSS",
              "who_can_median_ms": "who_can median", "findings_s": "findings (organization zone)",
              "findings_peak_rss_mb": "findings peak RSS"}
    trows = []
    target_results: dict[str, Any] = {}
    for key, val in values.items():
        op, t, unit = TARGETS[key]
        wall_ok, cpu_ok = verdict(key, val["wall"]), verdict(key, val["cpu"])
        target_results[key] = {"target": [op, t, unit], "value": val["wall"], "cpu_value": val["cpu"], "met": wall_ok,
                               "met_on_cpu_time": cpu_ok if val["cpu"] is not None else None, "source": src}
        trows.append([labels[key], f"{op} {fmt(t)} {unit}",
                      f"{fmt(val['wall'])} {unit}", wall_ok,
                      f"{fmt(val['cpu'])} {unit}" if val["cpu"] is not None else "-",
                      cpu_ok if val["cpu"] is not None else "-"])
    table(["figure", "target", "wall (or RSS)", "met", "CPU time", "met on CPU time"], trows)

    # ----- previous run ----------------------------------------------------------------------------------
    prev_sizes = previous.get("sizes", {})
    if previous:
        pm = previous.get("meta", {})
        print(f"\n== previous run: {pm.get('date_utc', '?')}, git {pm.get('git', '?')} (now / previous, < 1.00x is "
              "faster or smaller)")
        keys = [("load + build CPU s", ("load_build", "cpu_s")), ("load + build wall s", ("load_build", "wall_s")),
                ("load + build peak RSS MB", ("load_build", "peak_rss_mb")),
                ("who_can median ms", ("who_can", "median_ms")), ("who_can CPU median ms", ("who_can", "cpu_median_ms")),
                ("findings CPU s", ("findings", "cpu_s")), ("findings peak RSS MB", ("findings", "peak_rss_mb"))]
        prow = []
        for n in ns:
            p = prev_sizes.get(str(n))
            if not p:
                continue
            for label, (a, b) in keys:
                now_v, prev_v = sizes[n].get(a, {}).get(b), p.get(a, {}).get(b)
                if now_v is None or not prev_v:
                    continue
                prow.append([f"{n:,}", label, fmt(now_v), fmt(prev_v), f"{now_v / prev_v:.2f}x"])
        if prow:
            table(["accounts", "figure", "now", "previous", "now / previous"], prow)
        else:
            print("  (no size in common)")
    return {"growth": growth, "targets": target_results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                    help="comma-separated numbers of accounts (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="accessgraph synth --seed (default %(default)s)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep the generated snapshots in DIR (outside the repository) and reuse them when present")
    ap.add_argument("--runs", type=int, default=1,
                    help="extra processes per size that only load and build (default %(default)s); the who_can "
                         "and findings processes load and build too, and count as samples of that figure")
    ap.add_argument("--queries", type=int, default=200, help="who_can queries per size (default %(default)s)")
    ap.add_argument("--query-seed", type=int, default=1, help="seed of the who_can queries (default %(default)s)")
    ap.add_argument("--naive-queries", type=int, default=3,
                    help="queries also answered the naive way, can() per principal (default %(default)s; 0: none)")
    ap.add_argument("--no-findings", action="store_true", help="skip the findings figure")
    ap.add_argument("--no-who-can", action="store_true", help="skip the who_can figure")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--worker", choices=["read", "load", "who_can", "findings"], help=argparse.SUPPRESS)
    ap.add_argument("--snapshot", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        result = worker(args.worker, args.snapshot, args)
        result["kind"] = args.worker
        print(json.dumps(result))
        return 0

    try:
        sizes_req = sorted({int(x) for x in args.sizes.split(",") if x.strip()})
    except ValueError:
        ap.error("--sizes: comma-separated integers")
    if not sizes_req or min(sizes_req) < 1:
        ap.error("--sizes: at least one size, each >= 1")
    if args.keep is not None:
        keep = args.keep.resolve()
        if keep == REPO or REPO in keep.parents:
            ap.error(f"--keep {keep}: snapshots are not written inside the repository; use a directory under /tmp")
        args.keep = keep

    import accessgraph

    previous: dict[str, Any] = {}
    if args.out.exists():
        try:
            previous = json.loads(args.out.read_text())
        except (OSError, ValueError):
            previous = {}

    started = _dt.datetime.now(_dt.timezone.utc)
    la0 = os.getloadavg()
    ext = Path(accessgraph._core.__file__)
    meta: dict[str, Any] = {
        "date_utc": started.isoformat(timespec="seconds"), "unix_time": int(started.timestamp()),
        "git": git_describe(), "accessgraph": accessgraph.__version__, "extension": extension_id(),
        "extension_mtime_utc": _dt.datetime.fromtimestamp(ext.stat().st_mtime, _dt.timezone.utc).isoformat(
            timespec="seconds"),
        "python": platform.python_version(), "platform": platform.platform(), "cpu": cpu_model(),
        "cpus": os.cpu_count(), "loadavg_at_start": list(la0), "seed": args.seed, "query_seed": args.query_seed,
        "queries": args.queries, "clock": "wall: perf_counter; CPU: process CPU time (user + system, all threads) "
        "of the measuring process; peak RSS: ru_maxrss of that process (os.wait4)",
    }
    print(f"bench_org: sizes {', '.join(f'{n:,}' for n in sizes_req)} accounts, seed {args.seed}; accessgraph "
          f"{accessgraph.__version__} from {ext.parent} (built {meta['extension_mtime_utc']}); git {meta['git']}")
    try:
        newest = max(p.stat().st_mtime for p in (REPO / "cpp").rglob("*") if p.suffix in {".cpp", ".hpp"})
        if newest > ext.stat().st_mtime:
            meta["note"] = ("the installed accessgraph extension is older than cpp/ in this checkout; the figures "
                            "measure the installed build (reinstall: python -m pip install .)")
            print("note: " + meta["note"])
    except (OSError, ValueError):
        pass
    print(f"machine: {meta['cpu']}, {meta['cpus']} CPUs, load average at start {la0[0]:.2f} {la0[1]:.2f} {la0[2]:.2f} "
          "(other processes share these cores: read CPU time next to wall time)")

    # Every worker imports a private copy of the installed package, taken now: a `pip install` of
    # another build during a long run would otherwise make the sizes describe different builds.
    pkg_root: Path | None = Path(tempfile.mkdtemp(prefix="accessgraph-bench-org-pkg-", dir="/tmp"))
    assert pkg_root is not None
    copy = pkg_root / "accessgraph"
    shutil.copytree(ext.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    if list(copy.glob(ext.name)):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(pkg_root)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        args.worker_env = env
        expected = str(copy / ext.name)
        meta["workers_import"] = f"a copy of {ext.parent} taken at the start ({pkg_root})"
        print(f"workers import a copy of the installed package taken now ({pkg_root}), so that a reinstall during the "
              "run cannot mix builds")
    else:  # an unusual layout (extension outside the package directory): import the installed one
        shutil.rmtree(pkg_root, ignore_errors=True)
        pkg_root, expected = None, str(ext)
    try:
        return measure_all(args, sizes_req, meta, previous, la0, expected)
    finally:
        if pkg_root is not None:
            shutil.rmtree(pkg_root, ignore_errors=True)


def measure_all(args: argparse.Namespace, sizes_req: list[int], meta: dict[str, Any], previous: dict[str, Any],
                la0: tuple[float, float, float], expected_extension: str) -> int:
    results: dict[int, dict[str, Any]] = {}
    changed: set[str] = set()
    for n in sizes_req:
        print(f"\n-- {n:,} accounts", flush=True)
        snap, synth, generated = ensure_snapshot(n, args.seed, args.keep)
        try:
            if not generated:
                print(f"  reusing {snap}", flush=True)
            read = run_worker("read", snap, args)
            print(f"  baseline: read {read['files']:,} files ({read['bytes'] / 1e6:,.0f} MB) in "
                  f"{read['read']['wall_s']:.1f} s, json.loads of them {read['read_and_parse_json']['wall_s']:.1f} s "
                  f"(CPU {read['read_and_parse_json']['cpu_s']:.1f} s)", flush=True)
            runs: list[dict[str, Any]] = []
            kinds = ["load"] * max(1, args.runs)
            if not args.no_who_can:
                kinds.append("who_can")
            if not args.no_findings:
                kinds.append("findings")
            for kind in kinds:
                r = run_worker(kind, snap, args)
                r["kind"] = kind
                runs.append(r)
                if not r["extension"].startswith(expected_extension + " ") and r["extension"] not in changed:
                    changed.add(r["extension"])
                    print(f"  WARNING: this process imported {r['extension']}, not {expected_extension}", flush=True)
                line = (f"  {kind:<8} load+build {r['load']['wall_s'] + r['build']['wall_s']:.1f} s wall, "
                        f"{r['load']['cpu_s'] + r['build']['cpu_s']:.1f} s CPU; process peak RSS "
                        f"{r['process']['peak_rss_kb'] / 1024:,.0f} MB; load avg {r['process']['loadavg_before'][0]:.1f}")
                if kind == "who_can":
                    line += (f"; who_can median {r['who_can']['median_ms']:.1f} ms, p95 {r['who_can']['p95_ms']:.1f} ms "
                             f"(CPU median {r['who_can']['cpu_median_ms']:.1f} ms)")
                if kind == "findings":
                    line += (f"; findings {r['findings']['count']:,} in {r['findings']['wall_s']:.1f} s "
                             f"(CPU {r['findings']['cpu_s']:.1f} s)")
                print(line, flush=True)
            results[n] = summarize(n, synth, read, runs)
            results[n]["snapshot"] = str(snap) if args.keep else None
        finally:
            if args.keep is None:
                shutil.rmtree(snap, ignore_errors=True)

    extra = report(results, previous)
    la1 = os.getloadavg()
    meta["loadavg_at_end"] = list(la1)
    if changed:
        meta["extension_changed_during_run"] = sorted(changed)
        print(f"\nWARNING: the workers imported another accessgraph extension than {expected_extension} "
              f"({'; '.join(sorted(changed))}): the figures may describe different builds")
    print(f"\nload average at start {la0[0]:.2f} {la0[1]:.2f} {la0[2]:.2f}, at end {la1[0]:.2f} {la1[1]:.2f} "
          f"{la1[2]:.2f}")
    out = {"meta": meta, "sizes": {str(n): s for n, s in results.items()},
           "targets": {k: [v[0], v[1], v[2]] for k, v in TARGETS.items()}, **extra}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
