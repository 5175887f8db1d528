#!/usr/bin/env bash
# Builds the checked build: clang, AddressSanitizer + UndefinedBehaviorSanitizer in every target,
# plus the libFuzzer targets of tests/fuzz. Its binaries are run by the main build's ctest
# (sanitize.unit, sanitize.integration.<module>, fuzz.<target>; see tests/CMakeLists.txt).
#
#   scripts/build_sanitize.sh          configure + build ./build-sanitize (incremental)
#
# Build directory: $CHIME_LOCAL_SANITIZE_BUILD_DIR or ./build-sanitize. Without clang++ it says so
# and exits 0: the sanitize.* and fuzz.* tests then report themselves as skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${CHIME_LOCAL_SANITIZE_BUILD_DIR:-build-sanitize}"
CXX_BIN="$(command -v clang++ || true)"
if [[ -z "$CXX_BIN" ]]; then
  echo "build_sanitize: clang++ not found, NOT building $BUILD_DIR (sanitize.* and fuzz.* tests will be skipped)"
  exit 0
fi

GEN=(-G Ninja)
[[ -f "$BUILD_DIR/CMakeCache.txt" ]] && GEN=()
# -O1 and line tables only: readable sanitizer stacks at about half the compile time of -O2 -g.
cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER="$CXX_BIN" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
  -DCHIME_SANITIZE=address,undefined -DCHIME_FUZZ=ON >/dev/null
start=$SECONDS
cmake --build "$BUILD_DIR" -j2
echo "build_sanitize: $BUILD_DIR built in $((SECONDS - start)) s"
