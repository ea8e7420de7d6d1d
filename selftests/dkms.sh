#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS, the way a user installs intnet: the sources in /usr/src/intnet-VERSION, dkms add,
# build and install for the running kernel, then `modprobe intnet` loads that module
# from updates/dkms; after dkms remove it is gone and modprobe fails. The harness's
# module (INTNET_KO) is unloaded for this and put back at the end.
#
# Compiling under TCG takes too long for make check (767 s on 6.12), so the build is
# the one selftests/vm/dkms-host.sh made on the host with the same dkms and dkms.conf
# ($BUILD/dkms-built/intnet-VERSION/KVER, what `dkms build` leaves in its tree), put
# into this guest's DKMS tree. INTNET_DKMS_BUILD=1 runs `dkms build` here instead.
. "$(dirname "$0")/lib.sh"

# The DKMS flow does not depend on the kernel's checkers, and on the debug lane it takes
# 7.5 minutes: make check runs it on 6.1 and 6.12, make check-full on debug too.
if [ "${INTNET_LANE:-}" = debug ] && [ -z "${INTNET_FULL:-}" ]; then
	plan 19
	for _ in $(seq 19); do
		ok "# SKIP the DKMS flow runs on lanes 6.1 and 6.12 (debug: make check-full)"
	done
	exit 0
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
kver=$(uname -r)
version=$(sed -n 's/^#define INTNET_VERSION "\(.*\)"$/\1/p' "$repo/kmod/version.h")
conf_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$repo/dkms.conf")
mod=intnet/$version
src=/usr/src/intnet-$version
log=$(mktemp -d)

# A kernel built here (the debug lane's) has no /lib/modules/KVER/build: its tree is
# KDIR, which the harness exports as INTNET_KDIR (else ask the script that made it).
ksrc=()
if [ "${INTNET_DKMS_BUILD:-0}" = 1 ] && [ ! -e "/lib/modules/$kver/build" ]; then
	kdir=${INTNET_KDIR:-}
	[ -n "$kdir" ] || [ "${INTNET_LANE:-}" != debug ] ||
		kdir=$("$repo/selftests/vm/debug-kernel.sh" 2>/dev/null)
	[ -z "$kdir" ] || ksrc=(--kernelsourcedir "$kdir")
fi

# run NAME CMD...: logged (lib.sh) into the log NAME.
run() {
	local name=$1
	shift
	logged "$log/$name" "$@"
}

# The GNU build ID of a module file (.ko, .ko.xz, .ko.zst), or of the loaded intnet.
file_build_id() {
	local f=$1 tmp=$log/ko
	case $f in
	*.xz) xz -dc "$f" >"$tmp" ;;
	*.zst) zstd -qdc "$f" >"$tmp" ;;
	*) cp "$f" "$tmp" ;;
	esac
	readelf -n "$tmp" 2>/dev/null | sed -n 's/^ *Build ID: *//p' | head -n 1
}
loaded_build_id() {
	# An ELF note: namesz, descsz, type (4 bytes each), "GNU\0", then the ID.
	od -An -v -tx1 -j 16 /sys/module/intnet/notes/.note.gnu.build-id 2>/dev/null | tr -d ' \n'
}

# dkms install and remove run depmod, which on a Debian kernel reads its 4230 modules
# over 9p under TCG: 330 s and 240 s on 6.12. Here depmod leaves out kernel/ (intnet
# depends on none of it) and the kernel's own index is put back at the end, so later
# tests modprobe as before. INTNET_DKMS_FULL_DEPMOD=1 keeps the full depmod.
# dkms install and status, and the check after dkms remove, also walk the whole tree
# (find -name intnet.ko*): some 20 s a walk on 6.1. So kernel/ is an empty directory
# while dkms runs (a bind mount): whatever dkms writes anywhere under the tree, kernel/
# too, is still there to be found; only the kernel's own modules are out of the walk.
depmod_conf=/etc/depmod.d/zz-intnet-dkms-test.conf
saved=$log/modules-index
hidden=
if [ "${INTNET_DKMS_FULL_DEPMOD:-0}" != 1 ] && [ -d "/lib/modules/$kver/kernel" ]; then
	mkdir -p "$saved"
	cp -p "/lib/modules/$kver"/modules.* "$saved/"
	mkdir -p /etc/depmod.d
	echo "exclude kernel" >"$depmod_conf"
	mkdir -p "$log/kernel"
	mount --bind "$log/kernel" "/lib/modules/$kver/kernel" && hidden=/lib/modules/$kver/kernel
fi

# The kernel's modules back in the tree (before its index, or anything that loads them).
unhide_kernel() {
	[ -z "$hidden" ] || umount "$hidden" || return
	hidden=
}

restore_system() {
	# Only if the test left it there: each run of dkms costs seconds under TCG.
	[ ! -e "/var/lib/dkms/intnet/$version" ] || dkms remove "$mod" --all >/dev/null 2>&1
	unhide_kernel
	if [ -f "$depmod_conf" ]; then
		rm -f "$depmod_conf" "/lib/modules/$kver"/modules.*
		cp -p "$saved"/modules.* "/lib/modules/$kver/"
	fi
	rm -rf "$src" "$log"
	grep -q '^intnet ' /proc/modules || insmod "$INTNET_KO"
}
at_exit restore_system
trap 'exit 1' TERM INT

# dkms uses <(...), which needs /dev/fd (udev makes it on a real system).
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

# timed NAME CMD...: run (below) with the time taken as a TAP comment.
timed() {
	local t0 rc
	t0=$(date +%s)
	run "$@"
	rc=$?
	echo "# $1 took $(($(date +%s) - t0)) s"
	return $rc
}

plan 19

reports_before=$(kernel_reports)
expect_eq "dkms.conf PACKAGE_VERSION is INTNET_VERSION" "$version" "$conf_version"

# What `make dkms-install` copies.
rm -rf "$src"
mkdir -p "$src/kmod" "$src/include"
cp "$repo/Kbuild" "$repo/dkms.conf" "$src/"
cp "$repo"/kmod/*.[ch] "$repo/kmod/Kbuild" "$src/kmod/"
cp -r "$repo/include/uapi" "$src/include/"

check "dkms add $mod" timed add dkms add "$mod"
prebuilt=$BUILD/dkms-built/intnet-$version/$kver
if [ "${INTNET_DKMS_BUILD:-0}" = 1 ]; then
	start=$(date +%s)
	if run build dkms build "$mod" -k "$kver" "${ksrc[@]}"; then
		ok "dkms build for $kver (took $(($(date +%s) - start)) s)"
	else
		not_ok "dkms build for $kver"
		sed 's/^/#   make.log: /' /var/lib/dkms/intnet/"$version"/build/make.log 2>/dev/null
	fi
elif [ -d "$prebuilt" ]; then
	cp -a "$prebuilt" "/var/lib/dkms/intnet/$version/"
	built=$(ls "/var/lib/dkms/intnet/$version/$kver/x86_64/module"/intnet.ko* 2>/dev/null)
	# modpost's srcversion hashes the module's sources: the host's build is of these.
	expect_eq "the host's dkms build for $kver is of the harness module's sources" \
		"$(modinfo -F srcversion "$INTNET_KO")" "$(modinfo -F srcversion "${built:-/none}" 2>&1)"
else
	not_ok "no dkms build for $kver in $prebuilt (selftests/vm/dkms-host.sh makes it)"
fi
expect_eq "dkms status says built" "intnet/$version, $kver, x86_64: built" \
	"$(dkms status "$mod" -k "$kver" 2>/dev/null)"
check "dkms install for $kver" timed install dkms install "$mod" -k "$kver" "${ksrc[@]}"
expect_eq "dkms status says installed" "intnet/$version, $kver, x86_64: installed" \
	"$(dkms status "$mod" -k "$kver" 2>/dev/null)"

path=$(modinfo -n intnet 2>/dev/null)
expect_eq "modinfo -n intnet is the DKMS module in updates/dkms" \
	"/lib/modules/$kver/updates/dkms" "$(dirname "${path:-/none/x}")"
dkms_id=$(file_build_id "${path:-/nonexistent}")
harness_id=$(file_build_id "$INTNET_KO")
check "the DKMS module and the harness's are different builds" \
	test -n "$dkms_id" -a -n "$harness_id" -a "$dkms_id" != "$harness_id"

# Now from the harness's module to DKMS's.
rmmod intnet 2>/dev/null
check "modprobe intnet loads the DKMS module" timed modprobe modprobe intnet
check "/sys/module/intnet exists" test -d /sys/module/intnet
expect_eq "the loaded module has the DKMS module's build ID" "$dkms_id" "$(loaded_build_id)"
expect_eq "intnetctl version reports the module's version" "$version" \
	"$(intnetctl version 2>&1 | sed -n 's/^module *//p')"
check "modprobe -r intnet unloads it" run modprobe-r modprobe -r intnet
check "/sys/module/intnet is gone" test ! -e /sys/module/intnet

check "dkms remove $mod --all" timed remove dkms remove "$mod" --all
left=$(find "/lib/modules/$kver" -name 'intnet.ko*')
if ! modprobe intnet 2>/dev/null && [ -z "$left" ] && [ ! -e /sys/module/intnet ]; then
	ok "after dkms remove, modprobe intnet fails and no intnet.ko is left"
else
	not_ok "after dkms remove, modprobe intnet fails and no intnet.ko is left"
	echo "#   left: ${left:-none}; loaded: $(grep -c '^intnet ' /proc/modules)"
	modprobe -r intnet 2>/dev/null
fi

# Back to the module and module index the other tests use.
check "insmod INTNET_KO loads the harness's module again" insmod "$INTNET_KO"
if [ -f "$depmod_conf" ]; then
	cleanup_index_ok=1
	unhide_kernel || cleanup_index_ok=0
	rm -f "$depmod_conf" "/lib/modules/$kver"/modules.*
	cp -p "$saved"/modules.* "/lib/modules/$kver/" || cleanup_index_ok=0
	expect_eq "the kernel's module index is back (modinfo -n tun)" \
		"1 /lib/modules/$kver/kernel/drivers/net" \
		"$cleanup_index_ok $(dirname "$(modinfo -n tun 2>/dev/null)")"
else
	ok "the kernel's module index was not touched"
fi
expect_eq "no kernel report in dmesg" "$reports_before" "$(kernel_reports)"
finish
