#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lint: checkpatch --strict, sparse and W=1 -Werror on the module; checkpatch --strict
# (but for kernel-only rules) and clang-format on the userland C, clang-format on the
# selftest and benchmark C; the setcap helper built hardened.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
export BUILD=${BUILD:-$repo/build}
kdir=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)}
src=$("$here/source.sh")
rc=0

echo "lint: checkpatch --strict"
cp=("$src/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types)
files=()
for f in "$repo"/kmod/*.[ch]; do
	[ "${f##*/}" = compat.h ] || files+=("$f")
done
"${cp[@]}" -f "${files[@]}" "$repo/include/uapi/linux/intnet.h" || rc=1
# compat.h is the one place allowed to test LINUX_VERSION_CODE (STYLE.md).
"${cp[@]}" --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f "$repo/kmod/compat.h" || rc=1

# The userland C too, but for the rules that name what only the kernel has:
ignore=(
	PREFER_KERNEL_TYPES             # u8/u32...: the kernel's typedefs, not libc's stdint
	PREFER_DEFINED_ATTRIBUTE_MACRO  # __printf/__aligned: compiler_attributes.h is kernel-only
	SSCANF_TO_KSTRTO                # kstrto*() exist only in the kernel
	ARRAY_SIZE                      # the kernel's macro; libc has none
	BIT_MACRO                       # BIT()/BIT_ULL(): from the kernel's linux/bits.h
	LONG_LINE_STRING                # a message stays whole on one line, to be grepped
)
(cd "$repo" && "${cp[@]}" --ignore "$(IFS=,; echo "${ignore[*]}")" \
	-f userland/*.[ch] userland/qemu-helper/*.[ch]) || rc=1

echo "lint: the YNL spec, the uapi header and the module's policies agree"
/usr/bin/python3 "$repo/selftests/ynl_spec.py" "$src/Documentation/netlink/genetlink.yaml" >"$BUILD/ynl_spec.tap" ||
	{ grep -A1 '^not ok' "$BUILD/ynl_spec.tap"; rc=1; }

echo "lint: shellcheck (warnings and errors) on every shell script"
(cd "$repo" && shellcheck -x -P SCRIPTDIR -S warning selftests/*.sh selftests/vm/*.sh \
	scripts/*.sh examples/*.sh bench/*.sh .ci/run) || rc=1

echo "lint: dkms.conf follows kmod/version.h"
version=$(sed -n 's/^#define INTNET_VERSION "\(.*\)"/\1/p' "$repo/kmod/version.h")
grep -qx "PACKAGE_VERSION=\"$version\"" "$repo/dkms.conf" ||
	{ echo "dkms.conf: PACKAGE_VERSION is not \"$version\""; rc=1; }

echo "lint: clang-format (the kernel's own .clang-format) on the userland, selftest and benchmark C"
(cd "$repo" && clang-format --style="file:$src/.clang-format" --dry-run -Werror \
	userland/*.[ch] userland/qemu-helper/*.[ch] userland/nat/*.[ch] selftests/*.[ch] selftests/lib/*.[ch] \
	selftests/helpers/*.c bench/*.c) || rc=1

# The helper runs with CAP_NET_ADMIN for every local user: the binary itself must show
# the hardening the Makefile asks for (readelf only: hardening-check may be missing).
echo "lint: intnet-qemu-helper is hardened (full RELRO, PIE, canary, fortified calls)"
# What readelf must show of it: which listing (l: program headers, d: the dynamic
# section, s: dynamic symbols), a pattern (grep -E), and what its absence means.
hardening=(
	'l;GNU_RELRO;no RELRO segment'
	'd;\(FLAGS\).*BIND_NOW|\(FLAGS_1\).* NOW;RELRO is partial (not linked with -z now)'
	'd;\(FLAGS_1\).* PIE;not a position-independent executable'
	's; __stack_chk_fail;no stack protector (no __stack_chk_fail)'
	's; __[a-z]+_chk(@|$);no fortified calls (no __*_chk)'
)
hardened() {
	local bin=$1 ok=0 check what pattern problem
	local -A shown
	# Read once: grep -q on a pipe would kill readelf early, which pipefail counts.
	shown[l]=$(readelf -lW "$bin") && shown[d]=$(readelf -dW "$bin") &&
		shown[s]=$(readelf --dyn-syms -W "$bin") || return 1
	for check in "${hardening[@]}"; do
		IFS=';' read -r what pattern problem <<<"$check"
		if ! grep -Eq "$pattern" <<<"${shown[$what]}"; then
			echo "$bin: $problem"
			ok=1
		fi
	done
	return $ok
}
helper=$BUILD/bin/intnet-qemu-helper
if make -s -C "$repo" "$helper" >/dev/null; then
	hardened "$helper" || rc=1
else
	echo "cannot build $helper"
	rc=1
fi

echo "lint: sparse (C=2) and W=1 against $kdir"
dir=$BUILD/lint
rm -rf "$dir"
mkdir -p "$dir/include"
cp -r "$repo/Kbuild" "$repo/kmod" "$dir/"
cp -r "$repo/include/uapi" "$dir/include/"
rm -f "$dir/kmod/intnet.ko"
out=$(make -s -C "$kdir" M="$dir" C=2 W=1 modules 2>&1 | grep -v '^Skipping BTF' || true)
if [ -n "$out" ]; then
	echo "$out"
	rc=1
fi
[ $rc = 0 ] && echo "lint: clean"
exit $rc
