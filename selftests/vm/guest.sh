#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Second stage of the test guest, running on the host's root (read-only, with a tmpfs
# overlay): set the machine up, load intnet, run the job, write the results, power off.
set -u
# shellcheck disable=SC2154 # the kernel passes intnet_out= from its command line
out=$intnet_out
. "$out/env"
export PATH=$BUILD/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export BUILD HOME=/root LANG=C.UTF-8 INTNET_KO=$KO INTNET_LANE=$LANE

# No tmpfs on /tmp: the repository (a CI clone) may live there. The overlay root is
# writable already, and writes stay in the guest. /run gets one unless it holds us.
case $out/ in /run/*) ;; *) mount -t tmpfs tmpfs /run ;; esac
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
hostname intnet-vm
ip link set lo up

poweroff() {
	sync
	busybox reboot -f
	sleep 10
}

# The debug kernel has everything built in: give modprobe its list of built-ins.
if [ ! -d "/lib/modules/$(uname -r)" ]; then
	mkdir -p "/lib/modules/$(uname -r)"
	cp "$KDIR"/modules.builtin* "/lib/modules/$(uname -r)/" 2>/dev/null
	depmod 2>/dev/null
fi

# What udev would do on a real system.
modprobe tun && chmod 0666 /dev/net/tun
# As udev and systemd would: /dev/fd for bash's <(...) (dkms uses it).
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

kmemleak=/sys/kernel/debug/kmemleak
if [ -w $kmemleak ]; then
	# Whatever the boot left behind is not ours: report only what comes after.
	echo scan >$kmemleak
	echo clear >$kmemleak
fi

if ! insmod "$KO"; then
	echo "guest: insmod $KO failed"
	dmesg >"$out/dmesg.txt"
	echo 126 >"$out/status"
	poweroff
fi

cd "$REPO" || exit 1
case $MODE in
run)
	bash -c "$CMD"
	status=$?
	;;
shell)
	echo "intnet test guest ($LANE, $(uname -r)); the repository is at $REPO. Exit to power off."
	setsid -c bash -l <>/dev/ttyS0 >&0 2>&1
	status=$?
	;;
check)
	selftests/vm/run-tests.sh "$out/tests"
	status=$?
	;;
esac

# A leak shows only once the module is gone: unload it, then scan.
if [ "$MODE" = check ] && grep -q '^intnet ' /proc/modules; then
	rmmod intnet || echo "guest: rmmod intnet failed"
fi
if [ "$MODE" = check ] && [ -w $kmemleak ]; then
	# A stale copy of a pointer (a dead stack, a register spill) can hide a leak from
	# one scan; measured: a leak on insmod showed up on the second scan, not the first.
	for _ in 1 2 3; do
		sleep 5
		echo scan >$kmemleak
	done
	cat $kmemleak >"$out/kmemleak.txt"
fi
dmesg >"$out/dmesg.txt"
echo "$status" >"$out/status"
poweroff
