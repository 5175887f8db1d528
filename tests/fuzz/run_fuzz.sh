#!/usr/bin/env bash
# run_fuzz.sh TARGET_BINARY SECONDS WORK_DIR: one bounded libFuzzer run, as the fuzz.<name> ctest.
# Starts from the committed corpus tests/fuzz/corpus/<name>/ (read-only: new inputs go to
# WORK_DIR/corpus) and writes any crash to WORK_DIR/crash-* (the test then fails and prints it).
# Exits 77 (ctest: Skipped) when the target is not built.
set -euo pipefail
target="$1" seconds="$2" work="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="$(basename "$target")"; name="${name#fuzz_}"
if [[ ! -x "$target" ]]; then
  echo "SKIPPED: $target is not built. scripts/test.sh builds it (scripts/build_sanitize.sh, needs clang)."
  exit 77
fi
rm -rf "$work"; mkdir -p "$work/corpus"
seeds="$here/corpus/$name"
# -max_len 4096: bodies and heads larger than that exercise nothing new but slow every run.
# A snapshot is a whole database file (its seeds are ~35 KB with 512-byte pages).
max_len=4096
[[ "$name" == snapshot ]] && max_len=65536
set +e
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds" 2>"$work/fuzz.log"
rc=$?
set -e
{ grep -E 'DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$work/fuzz.log" || true; } | tail -n 3
if (( rc != 0 )); then
  tail -n 60 "$work/fuzz.log"
  for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [[ -e "$f" ]] && { echo "reproducer: $f (base64):"; base64 -w0 "$f"; echo; }
  done
  echo "fuzz.$name: FAILED (exit $rc)"
  exit "$rc"
fi
echo "fuzz.$name: ok, no crash in ${seconds}s"
