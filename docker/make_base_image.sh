#!/usr/bin/env bash
# make_base_image.sh [TAG]: makes a local debian:bookworm-slim from Debian's archive, for
# machines that cannot pull from Docker Hub. The unmodified `FROM debian:bookworm-slim` in the
# Dockerfile then resolves to it (podman looks up localhost/ first for a short name it has).
#
#   docker/make_base_image.sh                      -> localhost/debian:bookworm-slim
#
# debootstrap --variant=minbase, the same apt sources as the official image (bookworm,
# bookworm-updates, bookworm-security), trimmed like it (no apt caches, lists, docs, man pages
# or translations): about 75 MB. Needs root, debootstrap and podman. Skips the work if the
# image exists. Mirror: $CHIME_LOCAL_DEBIAN_MIRROR or http://deb.debian.org/debian.
set -euo pipefail
TAG="${1:-localhost/debian:bookworm-slim}"
MIRROR="${CHIME_LOCAL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if podman image exists "$TAG"; then
  echo "make_base_image: $TAG already exists"
  exit 0
fi
work="$(mktemp -d /var/tmp/chime-local-rootfs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS
debootstrap --variant=minbase bookworm "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  echo "make_base_image: debootstrap failed" >&2
  exit 1
}
r="$work/rootfs"
rm -f "$r/etc/apt/sources.list"
cat >"$r/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: ${MIRROR}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
# What the official slim image leaves out (its dpkg path-excludes), and apt's caches.
cat >"$r/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
rm -rf "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* \
       "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin "$r"/var/lib/apt/lists/* \
       "$r"/var/log/* "$r"/tmp/*
tar -C "$r" -c . | podman import -q - "$TAG" >/dev/null
echo "make_base_image: $TAG made in $((SECONDS - start)) s ($(podman image inspect --format '{{.Size}}' "$TAG") bytes)"
