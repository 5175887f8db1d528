#!/usr/bin/env bash
# run_tests.sh VENV_DIR: the ctest `clients.python`. Installs this package offline the way a user
# installs it from a clone (a venv over Debian's site-packages: pytest and boto3 from Debian,
# setuptools as the build backend, no index), then runs its tests with the plugin's own fixtures
# against $CHIME_LOCAL_BIN.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${1:?usage: run_tests.sh VENV_DIR}"
PYTHON="${CHIME_CLIENTS_PYTHON:-/usr/bin/python3}"
: "${CHIME_LOCAL_BIN:?set CHIME_LOCAL_BIN to the chime-local binary}"

if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -m venv --system-site-packages "$VENV"
fi
# A copy of the source, so the build leaves no build/ or *.egg-info in the clone.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$HERE/pyproject.toml" "$HERE/README.md" "$HERE/src" "$work/"
PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$VENV/bin/python" -m pip install --quiet --no-index --no-build-isolation --force-reinstall --no-deps "$work"
cd "$HERE/tests"
unset CHIME_LOCAL_ENDPOINT PYTEST_XDIST_WORKER
exec "$VENV/bin/python" -m pytest -p no:cacheprovider -v "$HERE/tests"
