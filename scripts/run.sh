#!/usr/bin/env bash
# Installs what is missing, builds the emulator (Release) and starts it in the foreground.
#
#   scripts/run.sh [chime-local flags...]      e.g. scripts/run.sh --port 4590 --log-level debug
#
# Without a --data-dir / --data-file / --in-memory flag (or CHIME_LOCAL_DATA_DIR, _DATA_FILE,
# _IN_MEMORY in the environment) the state lives in an embedded SQLite file under
# ./chime-local-data, so it survives restarts. Build directory: $CHIME_LOCAL_BUILD_DIR or ./build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${CHIME_LOCAL_BUILD_DIR:-build}"

bash scripts/setup.sh --run-only

# A new build directory is configured without the tests (their tools are not installed by
# --run-only); scripts/test.sh turns them on in the same directory later.
GEN=(-G Ninja -DBUILD_TESTING=OFF)
# Keep whatever generator and test setting an existing build directory was configured with.
[[ -f "$BUILD_DIR/CMakeCache.txt" ]] && GEN=()
cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j2 --target chime-local

ARGS=("$@")
has_storage_flag=0
for a in "$@"; do
  case "$a" in
    --data-dir|--data-dir=*|--data-file|--data-file=*|--in-memory) has_storage_flag=1 ;;
  esac
done
if (( ! has_storage_flag )) && [[ -z "${CHIME_LOCAL_DATA_DIR:-}${CHIME_LOCAL_DATA_FILE:-}${CHIME_LOCAL_IN_MEMORY:-}" ]]; then
  mkdir -p "$ROOT/chime-local-data"
  ARGS=(--data-dir "$ROOT/chime-local-data" "${ARGS[@]}")
fi

exec "$BUILD_DIR/chime-local" "${ARGS[@]}"
