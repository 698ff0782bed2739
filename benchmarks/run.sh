#!/usr/bin/env bash
# Builds and runs every benchmark; see benchmarks/README.md.
#
#   bash benchmarks/run.sh           # full run (about a minute, plus the build)
#   bash benchmarks/run.sh --quick   # fewer, shorter runs (noisier)
#   bash benchmarks/run.sh --org     # also bench_org.py: synthetic organizations of 100, 300 and
#                                    # 1,000 accounts (generation + measurement: 15-30 minutes)
#
# Environment: BUILD_DIR (default build/bench, a Release build), JOBS (ninja -j, default 2),
# PYTHON (default python3; must have accessgraph installed: `python -m pip install .`),
# ORG_ARGS (more bench_org.py options with --org, e.g. "--keep /tmp/accessgraph-orgs --sizes 100,300").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR=${BUILD_DIR:-build/bench}
JOBS=${JOBS:-2}
PYTHON=${PYTHON:-python3}

cpp_args=(--by-category)
py_args=()
org=0
org_args=()
for arg in "$@"; do
  case "$arg" in
    --quick)
      cpp_args=(--runs 3 --min-time 0.25)
      py_args+=(--runs 3 --min-time 0.25 --node-runs 1)
      org_args=(--sizes 100,300 --queries 100)
      ;;
    --no-node) py_args+=(--no-node) ;;
    --org) org=1 ;;
    *) echo "usage: bash benchmarks/run.sh [--quick] [--no-node] [--org]" >&2; exit 2 ;;
  esac
done

echo "== build (Release) in $BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DACCESSGRAPH_BUILD_BENCHMARKS=ON >/dev/null
ninja -C "$BUILD_DIR" -j"$JOBS" bench_eval

mkdir -p benchmarks/out

echo
echo "== C++: bench_eval"
"$BUILD_DIR/benchmarks/bench_eval" --json benchmarks/out/bench_eval.json ${cpp_args[@]+"${cpp_args[@]}"}

# iam-simulate for the comparison: installed from the lockfile into benchmarks/node/node_modules
# (git-ignored) on first use.
if command -v node >/dev/null && command -v npm >/dev/null &&
   [ ! -d benchmarks/node/node_modules/@cloud-copilot/iam-simulate ]; then
  echo
  echo "== npm ci (benchmarks/node)"
  npm ci --prefix benchmarks/node --no-audit --no-fund
fi

echo
echo "== Python: bench_python.py (and iam-simulate)"
"$PYTHON" benchmarks/bench_python.py \
  --cpp-results benchmarks/out/bench_eval.json \
  --cpp-bench "$BUILD_DIR/benchmarks/bench_eval" \
  ${py_args[@]+"${py_args[@]}"}

if [ "$org" = 1 ]; then
  # Snapshots are generated under /tmp (deleted afterwards unless ORG_ARGS has --keep DIR).
  echo
  echo "== Python: bench_org.py (synthetic organizations)"
  # shellcheck disable=SC2086 # ORG_ARGS is split into options on purpose
  "$PYTHON" benchmarks/bench_org.py ${org_args[@]+"${org_args[@]}"} ${ORG_ARGS:-}
fi
