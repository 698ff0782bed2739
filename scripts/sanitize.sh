#!/usr/bin/env bash
# Builds the C++ tests and fuzz targets with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DACCESSGRAPH_SANITIZE=ON, Debug) in a build directory of their own, then runs ctest: the
# GoogleTest suite and every fuzz target for ACCESSGRAPH_FUZZ_SECONDS over its seed corpus
# (cpp/fuzz/README.md). Exits non-zero on any build error, test failure or sanitizer report.
#
# Usage: scripts/sanitize.sh [BUILD_DIR]      (default: build/sanitize)
# Environment:
#   ACCESSGRAPH_JOBS          parallel build jobs and tests (default: number of CPUs)
#   ACCESSGRAPH_FUZZ_SECONDS  seconds each fuzz target runs (default 10)
#   ASAN_OPTIONS, UBSAN_OPTIONS  appended to this script's defaults (later options win)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/sanitize}"
jobs="${ACCESSGRAPH_JOBS:-$(nproc 2>/dev/null || echo 2)}"
fuzz_seconds="${ACCESSGRAPH_FUZZ_SECONDS:-10}"
start=$SECONDS

# Leaks and initialization-order bugs are reported too; every report is fatal.
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:halt_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

generator=()
if [ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi

echo "== sanitize: configure $build (ASan + UBSan, Debug)"
cmake -S "$root" -B "$build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Debug \
  -DACCESSGRAPH_SANITIZE=ON \
  -DACCESSGRAPH_BUILD_TESTS=ON \
  -DACCESSGRAPH_FUZZ_SECONDS="$fuzz_seconds" >/dev/null

echo "== sanitize: build (-j $jobs)"
cmake --build "$build" -j "$jobs"

echo "== sanitize: ctest (-j $jobs; fuzz targets ${fuzz_seconds} s each)"
status=0
(cd "$build" && ctest --output-on-failure -j "$jobs") || status=$?

if [ "$status" -ne 0 ]; then
  echo "== sanitize: FAILED after $((SECONDS - start)) s (fuzz reproducers, if any: $build/cpp/fuzz/artifacts/)" >&2
  exit "$status"
fi
echo "== sanitize: all tests passed under ASan/UBSan in $((SECONDS - start)) s"
