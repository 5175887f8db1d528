#!/usr/bin/env bash
# ci_image_test.sh: the container stage of CI (ctest container.image). Builds the image with
# podman from a local debian:bookworm-slim made with debootstrap (docker/make_base_image.sh; no
# Docker Hub), runs docker/test_image.py against it (boto3: persistence across containers on one
# volume, --in-memory, size, HEALTHCHECK), then the README's Testcontainers example through
# podman's Docker-compatible socket. Prints how long each phase took.
#
# Exits 77 (ctest: Skipped) with the reason when podman cannot run containers on this machine at
# all; any other failure fails. Set CHIME_LOCAL_CONTAINER_TEST=0 to skip it on purpose.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${CHIME_TEST_PYTHON:-python3}"
IMAGE="${CHIME_LOCAL_IMAGE:-localhost/chime-local:test}"
skip() { echo "SKIPPED: $*"; exit 77; }
phase_start=$SECONDS
phase() { echo "--- $1 ($((SECONDS - phase_start)) s)"; phase_start=$SECONDS; }

[[ "${CHIME_LOCAL_CONTAINER_TEST:-1}" == "0" ]] && skip "CHIME_LOCAL_CONTAINER_TEST=0"
command -v podman >/dev/null || skip "podman is not installed (scripts/setup.sh installs it on Debian)"
[[ "$(id -u)" == "0" ]] || skip "the container stage runs as root (debootstrap, rootful podman)"
# This machine kind cannot raise rlimits and has cgroups in hybrid mode: runc + lower ulimits.
export CONTAINERS_CONF="$ROOT/docker/containers.conf"
podman info >/dev/null 2>&1 || skip "podman cannot run here: $(podman info 2>&1 | tail -n 1)"

start=$SECONDS
bash docker/make_base_image.sh
phase "base image"
podman build --format docker --network host -t "$IMAGE" . >/tmp/chime-local-image-build.log 2>&1 || {
  tail -n 40 /tmp/chime-local-image-build.log
  echo "podman build failed (log: /tmp/chime-local-image-build.log)"
  exit 1
}
phase "podman build --format docker"

CHIME_LOCAL_IMAGE="$IMAGE" "$PYTHON" -u docker/test_image.py
phase "image tests (boto3)"

# Testcontainers (node) against podman's Docker API. Ryuk (the reaper) is an image from Docker
# Hub, so it is disabled; the test stops its container itself.
TC_DIR="$ROOT/docker/testcontainers"
if [[ ! -d "$TC_DIR/node_modules/testcontainers" ]]; then
  echo "docker/testcontainers/node_modules missing: run scripts/setup.sh (npm ci there)" >&2
  exit 1
fi
sock_dir="$(mktemp -d)"
podman system service --time=0 "unix://$sock_dir/podman.sock" &
service_pid=$!
trap 'kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; rm -rf "$sock_dir"' EXIT
for _ in $(seq 100); do [[ -S "$sock_dir/podman.sock" ]] && break; sleep 0.1; done
(cd "$TC_DIR" && DOCKER_HOST="unix://$sock_dir/podman.sock" TESTCONTAINERS_RYUK_DISABLED=true \
  CHIME_LOCAL_IMAGE="$IMAGE" AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
  node --test chime-local.test.mjs)
phase "Testcontainers example"
echo "container stage: $((SECONDS - start)) s in all"
