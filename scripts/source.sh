#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unpacks Debian's linux-source-6.12 once into the cache outside the repository and
# prints the tree's path (for the debug kernel, checkpatch and the kselftest harness).
set -euo pipefail

cache=${INTNET_CACHE:-/var/cache/intnet}
tarball=/usr/src/linux-source-6.12.tar.xz
[ -r "$tarball" ] || { echo "source: $tarball missing (run: make deps)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
src=$cache/linux-source-$srcver

mkdir -p "$cache"
exec 8>"$cache/.source.lock"
flock 8
if [ ! -e "$src/.done" ]; then
	echo "source: unpacking $tarball into $src (about 30 s)" >&2
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.done"
	mv "$src.tmp" "$src"
fi
echo "$src"
