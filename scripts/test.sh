#!/usr/bin/env bash
# Installs what is missing, builds everything (-j2) and runs every test under ctest:
# GoogleTest unit tests (unit.*), Python boto3/AWS CLI integration tests (integration.*),
# AWS SDK for JavaScript v3 tests (js.*), the code-generator check (codegen.regenerate), and the
# checks of docs/reliability.md "Reliability and CI": the unit and integration tests again on an
# ASan/UBSan build (sanitize.*), bounded libFuzzer runs (fuzz.*) and the container image built
# and driven with podman (container.image).
#
#   scripts/test.sh                    everything
#   scripts/test.sh -R integration     extra arguments go to ctest (here: only integration tests)
#   scripts/test.sh -LE 'sanitize|fuzz|container'   the quick tests only
#
# Exit code = ctest's. Build directories: $CHIME_LOCAL_BUILD_DIR or ./build, and
# $CHIME_LOCAL_SANITIZE_BUILD_DIR or ./build-sanitize (CHIME_LOCAL_SANITIZE=0: not built, and
# the sanitize.* and fuzz.* tests report themselves skipped).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${CHIME_LOCAL_BUILD_DIR:-build}"

bash scripts/setup.sh

GEN=(-G Ninja)
[[ -f "$BUILD_DIR/CMakeCache.txt" ]] && GEN=()
SAN_DIR="${CHIME_LOCAL_SANITIZE_BUILD_DIR:-build-sanitize}"
[[ "$SAN_DIR" = /* ]] || SAN_DIR="$ROOT/$SAN_DIR"
cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON -DCHIME_SANITIZE_BUILD_DIR="$SAN_DIR"
start=$SECONDS
cmake --build "$BUILD_DIR" -j2
echo "test.sh: $BUILD_DIR built in $((SECONDS - start)) s"

if [[ "${CHIME_LOCAL_SANITIZE:-1}" == "0" ]]; then
  echo "test.sh: CHIME_LOCAL_SANITIZE=0, not building $SAN_DIR (sanitize.* and fuzz.* tests will be skipped)"
else
  CHIME_LOCAL_SANITIZE_BUILD_DIR="$SAN_DIR" bash scripts/build_sanitize.sh
fi

# Integration tests may run in parallel: each test module starts its own server on a free port
# with an in-memory store.
set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 "$@"
rc=$?
set -e
exit "$rc"
