#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds intnet.ko against a kernel build tree and prints the module's path.
#
#   scripts/build-module.sh KDIR      build for KDIR (W=1, warnings are errors)
#   scripts/build-module.sh --release KDIR
#                                     print the release a module built in KDIR is for
#
# kbuild writes its objects beside the sources: the build runs in a copy of the
# sources per kernel under $BUILD/kmod/RELEASE, so nothing is written into the tree
# and builds for different kernels don't clash.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
BUILD=${BUILD:-$repo/build}

# The release a module built in KDIR is for (Debian's kernel.release says otherwise).
kernel_release() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$1/include/generated/utsrelease.h"
}

if [ "${1:-}" = --release ]; then
	kernel_release "$2"
	exit 0
fi
kdir=${1:?usage: build-module.sh KDIR}
kver=$(kernel_release "$kdir")
dir=$BUILD/kmod/$kver
mkdir -p "$dir/kmod" "$dir/include"
cp -p "$repo/Kbuild" "$dir/"
cp -pu "$repo"/kmod/*.[ch] "$repo/kmod/Kbuild" "$dir/kmod/"
cp -rpu "$repo/include/uapi" "$dir/include/"
make -s -C "$kdir" M="$dir" W=1 KCFLAGS=-Werror modules >&2
echo "$dir/kmod/intnet.ko"
