#!/usr/bin/env bash
# run_if_built.sh BINARY CMD...: runs CMD if BINARY exists, else tells why and exits 77, which
# ctest reports as "Skipped" (SKIP_RETURN_CODE) instead of passing silently.
set -euo pipefail
bin="$1"; shift
if [[ ! -x "$bin" ]]; then
  echo "SKIPPED: $bin is not built. scripts/test.sh builds it (scripts/build_sanitize.sh, needs clang)."
  exit 77
fi
exec "$@"
