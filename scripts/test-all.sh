#!/usr/bin/env bash
# Installs the package with its test dependencies, then runs every test: GoogleTest (ctest, with
# the fuzz targets), pytest (API, CLI, conformance, differential, notebooks executed), mypy --strict,
# and the C++ tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${ACCESSGRAPH_JOBS:-2}"

echo "== install accessgraph with test dependencies"
python -m pip install --quiet ".[test]"

echo "== C++ tests (GoogleTest + fuzz targets)"
cmake -S . -B build/tests -G Ninja -DACCESSGRAPH_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/tests -j "$jobs"
ctest --test-dir build/tests --output-on-failure -j "$jobs"

echo "== Python tests (pytest, notebooks executed)"
python -m pytest

echo "== type check (mypy --strict)"
python -m mypy

if [ -x scripts/sanitize.sh ]; then
  echo "== C++ tests under ASan/UBSan"
  bash scripts/sanitize.sh build/asan
fi
echo "== all tests passed"
