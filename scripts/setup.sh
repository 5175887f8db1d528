#!/usr/bin/env bash
# Installs whatever chime-local needs to build and test, and nothing else.
#
#   scripts/setup.sh            build + test dependencies (apt), tests/js and docker/testcontainers
#                               node_modules (npm ci)
#   scripts/setup.sh --bench    also wrk (load generator used by bench/)
#   scripts/setup.sh --no-js    skip the npm part
#   scripts/setup.sh --run-only only what building and running the emulator needs (scripts/run.sh):
#                               compiler, CMake, Ninja, ccache and the four libraries; no test tools
#
# Idempotent: a package is installed only if `dpkg-query` says it is missing, `apt-get update`
# runs only when something must be installed, and `npm ci` runs only when a node_modules
# is missing or package-lock.json changed since the last run. Works as root (CI, fresh Debian 12)
# and as a normal user with sudo. Set CHIME_LOCAL_SKIP_SETUP=1 to skip it entirely (e.g. on a
# machine where you manage the toolchain yourself).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WANT_BENCH=0
WANT_JS=1
RUN_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --bench) WANT_BENCH=1 ;;
    --no-js) WANT_JS=0 ;;
    --run-only) RUN_ONLY=1; WANT_JS=0 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option: $arg" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*"; }

if [[ "${CHIME_LOCAL_SKIP_SETUP:-0}" == "1" ]]; then
  say "CHIME_LOCAL_SKIP_SETUP=1, skipping"
  exit 0
fi

# --- apt packages ---------------------------------------------------------------------------
# g++/cmake/ninja/ccache: toolchain. Boost 1.81 (Beast/Asio/UUID, headers only), nlohmann-json,
# SQLite, OpenSSL: libraries. GoogleTest/GMock: unit tests. python3-boto3 + awscli: client
# tests (Debian's boto3 is a fallback; a newer boto3 on PATH is preferred by tests/CMakeLists.txt).
# python3-pytest + curl + sqlite3 (the CLI): the README's pytest, curl and snapshot examples,
# which integration.test_readme_examples runs as written.
# python3-venv + python3-pip + python3-setuptools + python3-wheel: clients.python installs
# clients/python offline into a venv (pip --no-index --no-build-isolation).
# clang + libclang-rt-14-dev: the ASan/UBSan build and the libFuzzer runtime (build-sanitize).
# podman + runc + debootstrap: the container stage (docker/ci_image_test.sh builds a local
# debian:bookworm-slim base from Debian's archive, since Docker Hub may be unreachable).
# libnss3-tools: certutil, which `chime-local trust` uses (and its tests check the NSS database with).
# chromium: the headless browser of js.messaging_browser (driven by playwright-core from npm,
# which never downloads a browser).
PACKAGES=(
  g++ cmake ninja-build ccache
  libboost1.81-dev nlohmann-json3-dev libsqlite3-dev libssl-dev
  libgtest-dev libgmock-dev
  python3 python3-boto3 python3-pytest awscli curl sqlite3
  python3-venv python3-pip python3-setuptools python3-wheel
  ca-certificates
  clang libclang-rt-14-dev
  podman runc debootstrap
  libnss3-tools
)
if (( RUN_ONLY )); then
  # Building and running chime-local needs nothing else (the tests' tools are above).
  PACKAGES=(g++ cmake ninja-build ccache libboost1.81-dev nlohmann-json3-dev libsqlite3-dev libssl-dev
            ca-certificates)
fi
if (( WANT_JS )); then
  PACKAGES+=(chromium)
fi
if (( WANT_BENCH )); then
  PACKAGES+=(wrk)
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

MISSING=()
for p in "${PACKAGES[@]}"; do
  is_installed "$p" || MISSING+=("$p")
done
# Node.js: any `node` on PATH will do (the machine image may ship NodeSource's nodejs, which
# bundles npm and conflicts with Debian's npm package), so install Debian's only if absent.
if (( WANT_JS )); then
  if ! command -v node >/dev/null 2>&1; then
    MISSING+=(nodejs)
    command -v npm >/dev/null 2>&1 || MISSING+=(npm)
  elif ! command -v npm >/dev/null 2>&1; then
    MISSING+=(npm)
  fi
fi

if (( ${#MISSING[@]} )); then
  SUDO=()
  if [[ "$(id -u)" != "0" ]]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO=(sudo)
    else
      echo "setup: missing packages (${MISSING[*]}) and not root, and sudo is not available." >&2
      echo "setup: install them yourself, then re-run (or set CHIME_LOCAL_SKIP_SETUP=1)." >&2
      exit 1
    fi
  fi
  say "installing: ${MISSING[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${MISSING[@]}" \
    >/tmp/chime-local-apt.log 2>&1 || {
      tail -n 40 /tmp/chime-local-apt.log >&2
      echo "setup: apt-get install failed (full log: /tmp/chime-local-apt.log)" >&2
      exit 1
    }
  say "installed ${#MISSING[@]} package(s)"
else
  say "all apt packages present"
fi

# --- npm (tests/js, docker/testcontainers) ------------------------------------------------------
npm_ci() {
  local dir="$1"
  [[ -f "$dir/package-lock.json" ]] || return 0
  local stamp="$dir/node_modules/.chime-local-lock.sha256"
  local want have
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [[ -d "$dir/node_modules" && "$want" == "$have" ]]; then
    say "${dir#"$ROOT"/}/node_modules up to date"
    return 0
  fi
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if (( node_major < 20 )); then
    say "warning: node $(node --version 2>/dev/null || echo '?') is older than 20; the AWS SDK v3 wants >= 20"
  fi
  say "npm ci in ${dir#"$ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}
if (( WANT_JS )); then
  npm_ci "$ROOT/tests/js"
  npm_ci "$ROOT/docker/testcontainers"
fi
