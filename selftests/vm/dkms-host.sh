#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check's "host: dkms" step: dkms.conf works with the host's dkms. In private DKMS
# trees under $BUILD/dkms-host (the host's own DKMS state is not touched): dkms add the
# source copy `make dkms-install` makes, then for each lane's kernel dkms build (the
# module's vermagic must name that kernel) and dkms install (into a private module
# tree, under updates/dkms). TAP on stdout; the dkms log on a failure; exits non-zero
# on any failure.
#
#   dkms-host.sh [LANE...]   the Debian 6.1 and 6.12 headers always; the debug lane's
#                            kernel too when "debug" is named (default: 6.1 6.12 debug)
#
# Each build dkms made is kept in $BUILD/dkms-built/intnet-VERSION/KVER, as dkms leaves
# it in its tree: selftests/dkms.sh installs it in the guest (compiling there under TCG
# took 767 s on 6.12, too slow for make check).
#
# dkms refuses to run as non-root and, to sign modules, makes itself a key in
# /var/lib/dkms: so it runs in a mount namespace (a user namespace too when not root)
# where an empty directory of ours is mounted over /var/lib/dkms.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$repo/build}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
export BUILD
work=$BUILD/dkms-host

if [ -z "${INTNET_DKMS_NS:-}" ]; then
	command -v dkms >/dev/null || { echo "dkms-host: no dkms (run: make deps)" >&2; exit 1; }
	rm -rf "$work"
	mkdir -p "$work/var-lib-dkms"
	ns=(-m)
	[ "$(id -u)" = 0 ] || ns=(-r -m)
	INTNET_DKMS_NS=1 exec unshare "${ns[@]}" "$0" "$@"
fi

if [ -d /var/lib/dkms ]; then
	mount --bind "$work/var-lib-dkms" /var/lib/dkms ||
		{ echo "dkms-host: cannot hide /var/lib/dkms" >&2; exit 1; }
fi

. "$repo/selftests/lib.sh"

version=$(sed -n 's/^#define INTNET_VERSION "\(.*\)"$/\1/p' "$repo/kmod/version.h")
conf_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$repo/dkms.conf")

lanes=(6.1 6.12)
case " ${*:-debug} " in *" debug "*) lanes+=(debug) ;; esac

plan $((2 + 4 * ${#lanes[@]}))

expect_eq "dkms.conf PACKAGE_VERSION is kmod/version.h's INTNET_VERSION" "$version" "$conf_version"

# What `make dkms-install` puts in /usr/src/intnet-VERSION.
stage=$work/stage/intnet-$conf_version
mkdir -p "$stage/kmod" "$stage/include"
cp "$repo/Kbuild" "$repo/dkms.conf" "$stage/"
cp "$repo"/kmod/*.[ch] "$repo/kmod/Kbuild" "$stage/kmod/"
cp -r "$repo/include/uapi" "$stage/include/"

trees=(--dkmstree "$work/tree" --sourcetree "$work/src" --installtree "$work/lib-modules")
mkdir -p "$work/tree" "$work/src" "$work/lib-modules"

check "dkms add" logged "$work/add.log" dkms add "$stage" "${trees[@]}"

mod=intnet/$conf_version
built=$BUILD/dkms-built/intnet-$conf_version
rm -rf "$built"
mkdir -p "$built"
for lane in "${lanes[@]}"; do
	# The kernel the lane boots, and its tree (the same the harness builds against).
	if ! read -r kver _ kdir < <("$here/vm.sh" kernel "$lane" 2>"$work/kernel-$lane.log"); then
		for t in build vermagic install removal; do
			not_ok "dkms $t for lane $lane: $(tail -n 1 "$work/kernel-$lane.log")"
		done
		continue
	fi
	start=$(date +%s)
	if logged "$work/build-$kver.log" dkms build "$mod" -k "$kver" --kernelsourcedir "$kdir" "${trees[@]}"; then
		ok "dkms build for $kver ($(($(date +%s) - start)) s)"
	else
		not_ok "dkms build for $kver"
		log=$(ls "$work"/tree/intnet/"$conf_version"/build/make.log 2>/dev/null)
		[ -z "$log" ] || sed 's/^/#   make.log: /' "$log"
	fi

	ko=$(ls "$work/tree/intnet/$conf_version/$kver/x86_64/module"/intnet.ko* 2>/dev/null | head -n 1)
	vermagic=$(modinfo -F vermagic "${ko:-/nonexistent}" 2>/dev/null | cut -d' ' -f1)
	expect_eq "the module dkms built for $kver says vermagic $kver" "$kver" "$vermagic"
	[ -z "$ko" ] || cp -a "$work/tree/intnet/$conf_version/$kver" "$built/"

	# dkms install wants the kernel's module directory to exist; depmod would run on
	# the real /lib/modules, so it is left out.
	mkdir -p "$work/lib-modules/$kver"
	if logged "$work/install-$kver.log" dkms install "$mod" -k "$kver" --kernelsourcedir "$kdir" \
		--no-depmod "${trees[@]}"; then
		installed=$(cd "$work/lib-modules/$kver" && ls updates/dkms/intnet.ko* 2>/dev/null)
		expect_eq "dkms install for $kver puts intnet in updates/dkms" \
			"updates/dkms/$(basename "${ko:-intnet.ko}")" "$installed"
	else
		not_ok "dkms install for $kver"
	fi

	logged "$work/remove-$kver.log" dkms remove "$mod" -k "$kver" --no-depmod "${trees[@]}"
	left=$(cd "$work/lib-modules/$kver" && find . -name 'intnet.ko*')
	expect_eq "dkms remove for $kver takes the module away" "" "$left"
done

finish
