#!/usr/bin/env bash
# A Debian base image made without a registry, for machines that reach none (air-gapped builds):
#
#   docker/base-image.sh TAG CACHE_DIR
#
# debootstrap (minbase, from Debian's mirror) with Debian's python3 (the image's Python, the
# version the wheelhouse is built for) and Debian's PostgreSQL server (the local stack's
# `warehouse`, instead of the registry's postgres image), then `docker import` as TAG. The
# tarball is cached in CACHE_DIR, so only the first run downloads anything.
set -euo pipefail

tag=${1:?usage: base-image.sh TAG CACHE_DIR}
cache=${2:?usage: base-image.sh TAG CACHE_DIR}
suite=bookworm
packages=python3,python3-venv,postgresql-15
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
tarball="$cache/debian-$suite-base.tar"

if [ ! -s "$tarball" ]; then
	command -v debootstrap > /dev/null || {
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
	}
	mkdir -p "$cache"
	rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
	trap 'rm -rf "$rootfs"' EXIT
	echo "base-image: debootstrap $suite ($packages) from $mirror"
	debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" \
		> "$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
	# Downloaded packages, indexes, docs, and the cluster the postgresql package created: the
	# warehouse makes its own in its volume.
	rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
		"$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/locale \
		"$rootfs"/var/lib/postgresql/* "$rootfs"/etc/postgresql/*
	tar -C "$rootfs" --numeric-owner -cf "$tarball.part" .
	mv "$tarball.part" "$tarball"
fi
docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' "$tarball" "$tag" > /dev/null
echo "base-image: $tag from $tarball"
