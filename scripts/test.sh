#!/usr/bin/env bash
# Installs what is missing, builds everything (-j2) and runs every test under ctest:
# GoogleTest unit tests (unit.*), Python boto3/AWS CLI integration tests (integration.*),
# AWS SDK for JavaScript v3 tests (js.*) and the code-generator check (codegen.regenerate).
#
#   scripts/test.sh                    everything
#   scripts/test.sh -R integration     extra arguments go to ctest (here: only integration tests)
#
# Exit code = ctest's. Build directory: $CHIME_LOCAL_BUILD_DIR or ./build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${CHIME_LOCAL_BUILD_DIR:-build}"

bash scripts/setup.sh

GEN=(-G Ninja)
[[ -f "$BUILD_DIR/CMakeCache.txt" ]] && GEN=()
cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j2

# Integration tests may run in parallel: each test module starts its own server on a free port
# with an in-memory store.
set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 "$@"
rc=$?
set -e
exit "$rc"
